//! zh-CN: validate.

#[allow(unused_imports)]
use super::{assert_chinese, zh};
