//! Statistics as the world holds and persists them: one card's counters on one Beijing
//! date ([`DayStat`]). Counting and the datacube endpoints are in `datacube.rs`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One card's counters on one Beijing date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStat {
    pub date: String,
    pub card_id: String,
    pub receive_cnt: u64,
    pub receive_users: BTreeSet<String>,
    pub verify_cnt: u64,
    pub verify_users: BTreeSet<String>,
    /// Card page views (admin API `view`); absent in worlds saved before.
    #[serde(default)]
    pub view_cnt: u64,
    #[serde(default)]
    pub view_users: BTreeSet<String>,
    /// Codes given to friends (admin API `gift`), counted for the giver.
    #[serde(default)]
    pub given_cnt: u64,
    #[serde(default)]
    pub given_users: BTreeSet<String>,
}
