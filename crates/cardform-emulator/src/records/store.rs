//! A store (门店, poi) imported with `card/location/batchadd` ([`StoreRecord`]). Stores
//! given with `--poi` are ids only; these also have the details batchget answers.

use serde::{Deserialize, Serialize};

/// One imported store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreRecord {
    pub location_id: u64,
    pub business_name: String,
    pub branch_name: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub address: String,
    pub telephone: String,
    pub category: String,
    pub longitude: f64,
    pub latitude: f64,
}
