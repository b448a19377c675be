//! zh-CN: apply.

#[allow(unused_imports)]
use super::{assert_chinese, zh};
