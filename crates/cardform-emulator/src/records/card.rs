//! A card definition as the world holds and persists it: [`CardRecord`] and its
//! review status ([`CardStatus`], reference §5), with the record's own transitions
//! (an automatic approval coming due, re-entering review); [`CardCore`], what a coupon
//! shares with the member cards and tickets. The endpoints that act on
//! cards are in `cards.rs` and `update.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

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

/// What every card definition has, whatever its kind (a coupon, [`CardRecord`]; a
/// member card or ticket, [`SpecialCardRecord`](super::SpecialCardRecord)): its id, its
/// stored per-type object, its review status, its stock and times. Each record kind
/// holds one, flattened into it (`#[serde(flatten)]`: the persisted JSON keeps the
/// same keys) and reachable as the record's own fields (`Deref`); what is written once
/// here — the card/get view, the per-type object, a new card's core — serves both.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardCore {
    /// The card_id.
    pub id: String,
    /// Creation order (batchget pages in this order).
    pub seq: u64,
    /// The per-type object as the client sent it (normalised), as JSON text: compact
    /// in memory, parsed when answered. Server-owned fields are added by
    /// [`view`](CardCore::view).
    pub body: String,
    pub status: CardStatus,
    /// Remaining stock.
    pub quantity: u64,
    /// Stock ever configured.
    pub total_quantity: u64,
    pub create_time: i64,
    pub update_time: i64,
}

/// Fields the server owns in `base_info`; whatever a client sends for them is not kept.
pub const SERVER_FIELDS: &[&str] = &["id", "status", "sku", "create_time", "update_time"];

/// Drops the server-owned fields ([`SERVER_FIELDS`]) from a per-type object's
/// `base_info`.
pub fn strip_server_fields(obj: &mut Map<String, Value>) {
    if let Some(Value::Object(base)) = obj.get_mut("base_info") {
        for key in SERVER_FIELDS {
            base.remove(*key);
        }
    }
}

impl CardCore {
    /// A card just created from the per-type object `obj`: server-owned fields dropped,
    /// under review, all of `quantity` in stock, created and updated `now_s`.
    ///
    /// # Errors
    /// The object cannot be written as JSON text (not expected for a parsed object).
    pub fn created(
        id: String,
        seq: u64,
        mut obj: Map<String, Value>,
        quantity: u64,
        now_s: i64,
    ) -> Result<CardCore, serde_json::Error> {
        strip_server_fields(&mut obj);
        Ok(CardCore {
            id,
            seq,
            body: serde_json::to_string(&obj)?,
            status: CardStatus::NotVerify,
            quantity,
            total_quantity: quantity,
            create_time: now_s,
            update_time: now_s,
        })
    }

    /// Stores `obj` as the card's per-type object, written at `now_s`.
    ///
    /// # Errors
    /// The object cannot be written as JSON text (not expected for a parsed object).
    pub fn rewrite(
        &mut self,
        obj: &Map<String, Value>,
        now_s: i64,
    ) -> Result<(), serde_json::Error> {
        self.body = serde_json::to_string(obj)?;
        self.update_time = now_s;
        Ok(())
    }

    /// The per-type object as stored (an empty object if the data file was tampered).
    pub fn body_map(&self) -> Map<String, Value> {
        match serde_json::from_str(&self.body) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// The `card` object WeChat answers from card/get for a card of `card_type`
    /// (written under `wire_key`): what the client sent, the colour as hex, the
    /// server's fields, empty lists for unset ones, and an unknown extra field
    /// (`area_code_list`) that clients must ignore.
    pub fn view(&self, card_type: &str, wire_key: &str) -> Value {
        let mut obj = self.body_map();
        let base = obj
            .entry("base_info")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(base) = base {
            base.insert("id".into(), json!(self.id));
            if let Some(hex) = base
                .get("color")
                .and_then(Value::as_str)
                .and_then(cardform_spec::hex_for_name)
            {
                base.insert("color".into(), json!(hex));
            }
            base.insert("status".into(), json!(self.status.as_str()));
            base.insert(
                "sku".into(),
                json!({ "quantity": self.quantity, "total_quantity": self.total_quantity }),
            );
            base.insert("create_time".into(), json!(self.create_time));
            base.insert("update_time".into(), json!(self.update_time));
            for (key, default) in [
                ("location_id_list", json!([])),
                ("use_custom_code", json!(false)),
                ("bind_openid", json!(false)),
                ("area_code_list", json!([])),
            ] {
                base.entry(key).or_insert(default);
            }
        }
        let adv = obj
            .entry("advanced_info")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(adv) = adv {
            for key in [
                "time_limit",
                "text_image_list",
                "business_service",
                "consume_share_card_list",
            ] {
                adv.entry(key).or_insert(json!([]));
            }
            adv.entry("share_friends").or_insert(json!(false));
        }
        let mut card = Map::new();
        card.insert("card_type".into(), json!(card_type));
        card.insert(wire_key.into(), Value::Object(obj));
        Value::Object(card)
    }
}

/// A coupon (the five types cardform manages) as the emulator keeps it: the
/// [`CardCore`] and what only coupons have.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardRecord {
    #[serde(flatten)]
    pub core: CardCore,
    /// `CASH`, …
    pub card_type: CardType,
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
    /// Made on the MP platform (公众平台), not through the API: a seeded card. The data
    /// cube counts it under `cond_source` 0 (reference §7); it stays MP-made when the
    /// API writes it later.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub made_on_mp: bool,
    /// An automatic review ([`CardRecord::settle`]) approved the card and its
    /// `card_pass_check` push has not been sent yet (`crate::push`); in memory only.
    #[serde(skip)]
    pub auto_decided: bool,
}

/// A record kind's [`CardCore`] reads as the record's own fields (`rec.id`,
/// `rec.quantity -= 1`): `Deref` to its `core`.
macro_rules! derefs_to_core {
    ($record:ty) => {
        impl std::ops::Deref for $record {
            type Target = $crate::records::CardCore;

            fn deref(&self) -> &$crate::records::CardCore {
                &self.core
            }
        }

        impl std::ops::DerefMut for $record {
            fn deref_mut(&mut self) -> &mut $crate::records::CardCore {
                &mut self.core
            }
        }
    };
}
pub(crate) use derefs_to_core;

derefs_to_core!(CardRecord);

impl CardRecord {
    /// Applies an automatic approval that has come due.
    pub fn settle(&mut self, now_ms: i64) {
        if self.status == CardStatus::NotVerify && self.review_due_ms.is_some_and(|d| now_ms >= d) {
            self.status = CardStatus::VerifyOk;
            self.review_due_ms = None;
            self.auto_decided = true;
        }
    }

    /// The card as card/get answers it.
    pub fn view(&self) -> Value {
        self.core
            .view(self.card_type.as_str(), self.card_type.wire_key())
    }

    pub fn is_friends(&self) -> bool {
        crate::fields::is_friends(&self.body_map())
    }

    /// Sends the card (back) to review.
    pub fn enter_review(&mut self, now_ms: i64, delay_ms: u64) {
        self.status = CardStatus::NotVerify;
        self.refuse_reason = None;
        self.auto_decided = false;
        self.review_due_ms = (delay_ms > 0)
            .then(|| now_ms.saturating_add(i64::try_from(delay_ms).unwrap_or(i64::MAX)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::SpecialCardRecord;

    /// A coupon and a member card as the data file held them before the shared core:
    /// flat records. They still load, and are written back with the same keys and
    /// values.
    #[test]
    fn records_written_before_the_shared_core_still_load() {
        let coupon = json!({
            "id": "pAAAA", "seq": 3, "card_type": "CASH",
            "body": "{\"base_info\":{\"title\":\"t\"}}",
            "status": "CARD_STATUS_VERIFY_OK", "quantity": 7, "total_quantity": 9,
            "create_time": 10, "update_time": 11, "refuse_reason": "r",
            "deposited": ["c1"]
        });
        let rec: CardRecord = serde_json::from_value(coupon.clone()).expect("coupon loads");
        assert_eq!(
            (rec.id.as_str(), rec.seq, rec.quantity, rec.total_quantity),
            ("pAAAA", 3, 7, 9)
        );
        assert_eq!(rec.card_type, CardType::Cash);
        assert_eq!(rec.status, CardStatus::VerifyOk);
        assert_eq!(serde_json::to_value(&rec).expect("writes"), coupon);

        let member = json!({
            "id": "pBBBB", "seq": 4, "card_type": "MEMBER_CARD", "body": "{}",
            "status": "CARD_STATUS_NOT_VERIFY", "quantity": 1, "total_quantity": 1,
            "create_time": 12, "update_time": 13, "user_form": "{}"
        });
        let rec: SpecialCardRecord =
            serde_json::from_value(member.clone()).expect("member card loads");
        assert_eq!((rec.id.as_str(), rec.create_time), ("pBBBB", 12));
        assert_eq!(serde_json::to_value(&rec).expect("writes"), member);
    }

    /// Both kinds answer card/get through the one view: the server's fields in
    /// `base_info`, the body under the type's key.
    #[test]
    fn the_view_adds_the_servers_fields() {
        let core = CardCore::created(
            "pCCCC".into(),
            1,
            serde_json::from_value(json!({"base_info": {"color": "Color010", "id": "x"}}))
                .expect("object"),
            5,
            100,
        )
        .expect("core");
        let card = core.view("CASH", "cash");
        let base = &card["cash"]["base_info"];
        assert_eq!(card["card_type"], "CASH");
        assert_eq!(base["id"], "pCCCC");
        assert_eq!(base["status"], "CARD_STATUS_NOT_VERIFY");
        assert_eq!(base["sku"], json!({"quantity": 5, "total_quantity": 5}));
        assert_eq!(base["create_time"], 100);
        assert_ne!(base["color"], "Color010", "the colour is answered as hex");
    }
}
