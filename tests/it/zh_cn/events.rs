//! zh-CN: events.

#[allow(unused_imports)]
use super::{assert_chinese, zh};
