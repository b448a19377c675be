//! A code a user holds ([`CodeRecord`]) and its `user_card_status` ([`CodeStatus`]),
//! as the world holds and persists them. Claims, mark and consume are in `codes.rs`.

use serde::{Deserialize, Serialize};

/// `user_card_status` values the emulator produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CodeStatus {
    Normal,
    Consumed,
    /// Invalidated by the merchant (`card/code/unavailable`).
    Unavailable,
    /// Deleted by the user from their card wallet (admin API `user_delete`).
    UserDeleted,
}

/// A code a user holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    pub code: String,
    pub card_id: String,
    pub openid: String,
    pub status: CodeStatus,
    /// The openid the code is marked (locked) for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marked_by: Option<String>,
    pub claimed_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumed_at: Option<i64>,
    /// Set when `card/code/update` gave the user another code: this one is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}
