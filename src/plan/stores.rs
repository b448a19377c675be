//! Stores checked at plan (seed 创建朋友的券, reference §8.3): a friends coupon's
//! `location_id_list` must name stores (poi_id) of the account. WeChat only says so
//! when the card is created or updated, half-way through an apply; the plan asks
//! `card/location/batchget` once a run (the client keeps the answer) and names every
//! unknown id before anything is created or bought. Read-only.

use std::collections::BTreeSet;

use serde_json::Value;

use super::types::{Action, Plan, ResourceChange};
use crate::wechat::{ApiError, WeChatClient};

const STORES: &str = "base_info.location_id_list";

/// One card's store ids the account does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStores {
    pub address: String,
    pub ids: Vec<u64>,
}

impl std::fmt::Display for UnknownStores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.ids.iter().map(u64::to_string).collect();
        write!(f, "{}: {}", self.address, ids.join(", "))
    }
}

/// The store ids a change sends to WeChat for a friends coupon: those of a card the
/// plan creates (or replaces), or whose store list it changes.
fn sent_stores(rc: &ResourceChange) -> Option<Vec<u64>> {
    let after = rc.after.as_deref()?;
    if after.get("advanced_info.share_friends") != Some(&Value::Bool(true)) {
        return None;
    }
    let sends = match rc.action {
        Action::Create | Action::Replace => true,
        Action::Update | Action::UpdateReview => rc.changes.iter().any(|c| c.path == STORES),
        Action::Stock | Action::Delete | Action::NoOp => false,
    };
    if !sends {
        return None;
    }
    let ids = after.get(STORES)?.as_array()?;
    Some(
        ids.iter()
            .filter_map(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
            .collect(),
    )
}

/// The unknown stores of `plan`'s friends coupons against `known`.
pub fn unknown_stores(plan: &Plan, known: &BTreeSet<u64>) -> Vec<UnknownStores> {
    plan.resource_changes
        .iter()
        .filter_map(|rc| {
            let ids: Vec<u64> = sent_stores(rc)?
                .into_iter()
                .filter(|id| !known.contains(id))
                .collect();
            (!ids.is_empty()).then(|| UnknownStores {
                address: rc.address.clone(),
                ids,
            })
        })
        .collect()
}

/// Checks `plan`'s friends coupons against the account's stores; no call when no
/// friends coupon's stores are sent.
///
/// # Errors
/// The `card/location/batchget` error (outer), or the cards naming unknown stores.
pub async fn check_stores(
    plan: &Plan,
    client: &WeChatClient,
) -> Result<Result<(), Vec<UnknownStores>>, ApiError> {
    if !plan
        .resource_changes
        .iter()
        .any(|rc| sent_stores(rc).is_some())
    {
        return Ok(Ok(()));
    }
    let known = client.store_ids().await?;
    let unknown = unknown_stores(plan, known);
    Ok(if unknown.is_empty() {
        Ok(())
    } else {
        Err(unknown)
    })
}
