//! The sub-merchants the state records, as WeChat sees them now
//! (`card/submerchant/get`): status CHECKING / APPROVED / REJECTED / EXPIRED, and the
//! rejection's reason when cardform knows it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n::tr;
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

/// A sub-merchant's status as `status` prints it: WeChat's word in English, the MP
/// console's in Chinese; a status outside the four as WeChat sent it.
fn status_words(status: &str) -> String {
    let id = match status {
        "CHECKING" => "op-sub-status-checking",
        "APPROVED" => "op-sub-status-approved",
        "REJECTED" => "op-sub-status-rejected",
        "EXPIRED" => "op-sub-status-expired",
        other => return other.to_string(),
    };
    tr!(id)
}

/// The rows as text lines, in the process language.
pub fn text_lines(rows: &[SubMerchantRow]) -> Vec<String> {
    let mut out = Vec::new();
    if rows.is_empty() {
        return out;
    }
    out.push(tr!("op-sub-heading"));
    for r in rows {
        out.push(format!(
            "  {}  merchant_id {}  {}  {}",
            r.name,
            r.merchant_id,
            r.brand_name,
            status_words(&r.status)
        ));
        if r.status == cardform_spec::submerchant::REJECTED {
            let reason = match r.reason.as_deref() {
                Some(reason) => reason.to_string(),
                None => tr!("op-sub-reason-unknown"),
            };
            out.push(format!("    {}", tr!("op-sub-rejected", reason = reason)));
        }
    }
    out
}
