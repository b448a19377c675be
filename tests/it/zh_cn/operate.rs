//! zh-CN: operate.

#[allow(unused_imports)]
use super::{assert_chinese, zh};
