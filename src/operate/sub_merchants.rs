//! The sub-merchants the state records, as WeChat sees them now
//! (`card/submerchant/get`): status CHECKING / APPROVED / REJECTED / EXPIRED, and the
//! rejection's reason when cardform knows it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::state::SubMerchantState;
use crate::wechat::{ApiError, WeChatClient};

/// One sub-merchant's row of `cardform status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubMerchantRow {
    pub name: String,
    pub merchant_id: u64,
    pub brand_name: String,
    pub status: String,
    /// Why WeChat rejected it, when known (WeChat sends it only in its
    /// `card_merchant_check_result` push).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The protocol's end (Unix seconds).
    pub end_time: i64,
}

/// Where a rejection's reason comes from, when cardform does not know it.
pub const REASON_UNKNOWN: &str =
    "reason not known to cardform: WeChat sends it only in its card_merchant_check_result push";

/// Reads each recorded sub-merchant.
///
/// # Errors
/// The first [`ApiError`].
pub async fn statuses(
    client: &WeChatClient,
    recorded: &BTreeMap<String, SubMerchantState>,
) -> Result<Vec<SubMerchantRow>, ApiError> {
    let mut rows = Vec::with_capacity(recorded.len());
    for (name, rec) in recorded {
        let live = client.get_sub_merchant(rec.merchant_id).await?;
        rows.push(SubMerchantRow {
            name: name.clone(),
            merchant_id: rec.merchant_id,
            brand_name: live.brand_name,
            reason: if live.status == cardform_spec::submerchant::REJECTED {
                rec.reason.clone()
            } else {
                None
            },
            status: live.status,
            end_time: live.end_time,
        });
    }
    Ok(rows)
}

/// The rows as text lines.
pub fn text_lines(rows: &[SubMerchantRow]) -> Vec<String> {
    let mut out = Vec::new();
    if rows.is_empty() {
        return out;
    }
    out.push("Sub-merchants:".to_string());
    for r in rows {
        out.push(format!(
            "  {}  merchant_id {}  {}  {}",
            r.name, r.merchant_id, r.brand_name, r.status
        ));
        if r.status == cardform_spec::submerchant::REJECTED {
            out.push(format!(
                "    rejected: {}",
                r.reason.as_deref().unwrap_or(REASON_UNKNOWN)
            ));
        }
    }
    out
}
