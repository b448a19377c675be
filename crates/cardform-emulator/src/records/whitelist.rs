//! The test whitelist as the world holds and persists it ([`Whitelist`]).
//! `card/testwhitelist/set` is in `whitelist.rs`.

use serde::{Deserialize, Serialize};

/// The test whitelist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whitelist {
    #[serde(default)]
    pub openid: Vec<String>,
    #[serde(default)]
    pub username: Vec<String>,
}

impl Whitelist {
    /// Whether `user` (an openid, or a username the emulator treats alike) is listed.
    pub fn contains(&self, user: &str) -> bool {
        self.openid.iter().chain(&self.username).any(|u| u == user)
    }
}
