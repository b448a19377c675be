//! A card definition as the world holds and persists it: [`CardRecord`] and its
//! review status ([`CardStatus`], reference §5), with the record's own transitions
//! (an automatic approval coming due, re-entering review). The endpoints that act on
//! cards are in `cards.rs` and `update.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use cardform_spec::CardType;

/// `base_info.status` (reference §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardStatus {
    #[serde(rename = "CARD_STATUS_NOT_VERIFY")]
    NotVerify,
    #[serde(rename = "CARD_STATUS_VERIFY_FAIL")]
    VerifyFail,
    #[serde(rename = "CARD_STATUS_VERIFY_OK")]
    VerifyOk,
    #[serde(rename = "CARD_STATUS_DELETE")]
    Delete,
    #[serde(rename = "CARD_STATUS_DISPATCH")]
    Dispatch,
}

impl CardStatus {
    /// A status name as card/get writes it; the deleted variants (`_DELETE`,
    /// `_SYS_DELETE`, `_USER_DELETE`) are one status here, and an unknown name reads as
    /// approved.
    pub fn from_wire(s: &str) -> CardStatus {
        match s {
            "CARD_STATUS_NOT_VERIFY" => CardStatus::NotVerify,
            "CARD_STATUS_VERIFY_FAIL" => CardStatus::VerifyFail,
            "CARD_STATUS_DISPATCH" => CardStatus::Dispatch,
            s if s.ends_with("DELETE") => CardStatus::Delete,
            _ => CardStatus::VerifyOk,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CardStatus::NotVerify => "CARD_STATUS_NOT_VERIFY",
            CardStatus::VerifyFail => "CARD_STATUS_VERIFY_FAIL",
            CardStatus::VerifyOk => "CARD_STATUS_VERIFY_OK",
            CardStatus::Delete => "CARD_STATUS_DELETE",
            CardStatus::Dispatch => "CARD_STATUS_DISPATCH",
        }
    }
}

/// A card definition as the emulator keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardRecord {
    /// The card_id.
    pub id: String,
    /// Creation order (batchget pages in this order).
    pub seq: u64,
    /// `CASH`, …
    pub card_type: CardType,
    /// The per-type object as the client sent it (normalised), as JSON text: compact
    /// in memory, parsed when answered. Server-owned fields are added by
    /// [`view`](crate::cards::view).
    pub body: String,
    pub status: CardStatus,
    /// Remaining stock.
    pub quantity: u64,
    /// Stock ever configured.
    pub total_quantity: u64,
    pub create_time: i64,
    pub update_time: i64,
    /// When an automatic review approves the card (ms, emulator clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_due_ms: Option<i64>,
    /// Why the last review failed (admin API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refuse_reason: Option<String>,
    /// A seeded card's `card` object exactly as recorded from real WeChat (any
    /// historical shape): card/get answers it as it is until the card is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Codes imported with `card/code/deposit` (import-code mode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deposited: Vec<String>,
}

impl CardRecord {
    /// Applies an automatic approval that has come due.
    pub fn settle(&mut self, now_ms: i64) {
        if self.status == CardStatus::NotVerify && self.review_due_ms.is_some_and(|d| now_ms >= d) {
            self.status = CardStatus::VerifyOk;
            self.review_due_ms = None;
        }
    }

    /// The per-type object as stored (an empty object if the data file was tampered).
    pub fn body_map(&self) -> Map<String, Value> {
        match serde_json::from_str(&self.body) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    pub fn is_friends(&self) -> bool {
        crate::fields::is_friends(&self.body_map())
    }

    /// Sends the card (back) to review.
    pub fn enter_review(&mut self, now_ms: i64, delay_ms: u64) {
        self.status = CardStatus::NotVerify;
        self.refuse_reason = None;
        self.review_due_ms = (delay_ms > 0)
            .then(|| now_ms.saturating_add(i64::try_from(delay_ms).unwrap_or(i64::MAX)));
    }
}
