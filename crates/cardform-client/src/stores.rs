//! The account's stores (门店, poi): `card/location/batchget {offset, count}` lists
//! them (`count` 0: all of them; SDK doc comments, e.g. wechatpy's
//! `batch_get_locations`). The answer is `{location_list: [{location_id, …}], count}`;
//! doc samples write `location_id` as a string ("468"), the emulator as a number: both
//! are read. A friends coupon's `location_id_list` must name the account's stores
//! (seed 创建朋友的券, reference §8.3), which the planner checks before anything is
//! created or bought.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::client::WeChatClient;
use super::error::ApiError;
use super::retry::Idempotency::Idempotent;
use super::transport::{Request, raw_for_error};

const EP: &str = "/card/location/batchget";

/// The most pages one listing reads (a guard against an answer whose `count` never
/// matches what it lists).
const MAX_PAGES: usize = 100;

fn malformed(what: String, v: &Value) -> ApiError {
    ApiError::Malformed {
        endpoint: EP.to_string(),
        reason: what,
        raw: raw_for_error(v),
    }
}

fn id_of(entry: &Value) -> Option<u64> {
    let id = entry.get("location_id")?;
    id.as_u64()
        .or_else(|| id.as_str().and_then(|s| s.trim().parse().ok()))
}

impl WeChatClient {
    /// The account's store ids, asked once per client (a run) and kept.
    ///
    /// # Errors
    /// Any [`ApiError`] of `card/location/batchget`; `Malformed` for an answer without a
    /// readable `location_list`.
    pub async fn store_ids(&self) -> Result<&BTreeSet<u64>, ApiError> {
        self.stores.get_or_try_init(|| self.list_stores()).await
    }

    async fn list_stores(&self) -> Result<BTreeSet<u64>, ApiError> {
        let mut ids = BTreeSet::new();
        let mut offset = 0usize;
        for _ in 0..MAX_PAGES {
            let body = json!({ "offset": offset, "count": 0 });
            let v = self.call(&Request::post_json(EP, body, Idempotent)).await?;
            let list = v
                .get("location_list")
                .map(|l| l.as_array().cloned().unwrap_or_default())
                .unwrap_or_default();
            for entry in &list {
                let id = id_of(entry).ok_or_else(|| {
                    malformed(
                        format!("a store without a readable location_id: {entry}"),
                        &v,
                    )
                })?;
                ids.insert(id);
            }
            offset += list.len();
            let total = v
                .get("count")
                .and_then(|c| c.as_u64().or_else(|| c.as_str()?.trim().parse().ok()))
                .and_then(|c| usize::try_from(c).ok())
                .unwrap_or(offset);
            if list.is_empty() || offset >= total {
                break;
            }
        }
        Ok(ids)
    }
}
