//! zh-CN: platform.

#[allow(unused_imports)]
use super::{assert_chinese, zh};
