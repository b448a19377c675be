//! A pay-gift rule (支付后投放卡券: a card offered after a WeChat Pay payment),
//! [`PayGiftRule`]. The endpoints are in `paygift.rs`.

use serde::{Deserialize, Serialize};

/// One rule as `card/paygiftcard/add` stored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayGiftRule {
    pub rule_id: u64,
    /// `RULE_TYPE_PAY_MEMBER_CARD` or `RULE_TYPE_SINGLE_PAY`.
    pub rule_type: String,
    /// The `rule_info` object as sent, with `base_info.mchid_list` narrowed to the
    /// merchants that were bound (JSON text).
    pub rule_info: String,
    pub begin_time: i64,
    pub end_time: i64,
    pub create_time: i64,
    pub update_time: i64,
    pub deleted: bool,
}
