//! The push events WeChat sends to a server URL (reference §11, §16): the name, what
//! it means, and which fields carry the card and the code (the event log's dedup key
//! and `events list --card` read them). One row per event; the receiver stores an event
//! not listed here as it came.

/// Who sends an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventScope {
    /// To an Official Account's server URL (`MsgType=event`, `Event=…`).
    Account,
    /// To a third-party platform's authorisation-event URL (`InfoType=…`).
    Platform,
}

/// One push event.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub name: &'static str,
    pub scope: EventScope,
    pub meaning: &'static str,
    /// The element carrying the card (or sub-merchant) the event is about.
    pub subject_field: Option<&'static str>,
    /// The element carrying the user's code.
    pub code_field: Option<&'static str>,
    pub source: &'static str,
}

const fn ev(
    name: &'static str,
    scope: EventScope,
    meaning: &'static str,
    subject_field: Option<&'static str>,
    code_field: Option<&'static str>,
    source: &'static str,
) -> EventSpec {
    EventSpec {
        name,
        scope,
        meaning,
        subject_field,
        code_field,
        source,
    }
}

use EventScope::{Account, Platform};

const CARD: Option<&str> = Some("CardId");
const CODE: Option<&str> = Some("UserCardCode");

/// Every event cardform knows by name.
pub const EVENTS: &[EventSpec] = &[
    ev(
        "card_pass_check",
        Account,
        "review passed",
        CARD,
        None,
        "EVT (§10, §11)",
    ),
    ev(
        "card_not_pass_check",
        Account,
        "review rejected; RefuseReason says why",
        CARD,
        None,
        "EVT (§10, §11)",
    ),
    ev(
        "user_get_card",
        Account,
        "a user claimed a card",
        CARD,
        CODE,
        "EVT (§11)",
    ),
    ev(
        "user_gifting_card",
        Account,
        "a user gave a card to a friend (FriendUserName)",
        CARD,
        CODE,
        "EVT; UNVERIFIED field list",
    ),
    ev(
        "user_del_card",
        Account,
        "a user deleted a card",
        CARD,
        CODE,
        "EVT (§11)",
    ),
    ev(
        "user_consume_card",
        Account,
        "a code was redeemed",
        CARD,
        CODE,
        "EVT (§11)",
    ),
    ev(
        "user_view_card",
        Account,
        "a user opened a member card",
        CARD,
        CODE,
        "EVT; UNVERIFIED",
    ),
    ev(
        "user_enter_session_from_card",
        Account,
        "a user entered the chat from a card",
        CARD,
        CODE,
        "EVT; UNVERIFIED",
    ),
    ev(
        "card_sku_remind",
        Account,
        "stock alarm: the card's stock ran low (Detail)",
        CARD,
        None,
        "EVT (§11)",
    ),
    ev(
        "card_pay_order",
        Account,
        "a 券点 ledger entry (OrderId, Status, coin counts)",
        None,
        None,
        "EVT (§11)",
    ),
    ev(
        "submerchant_check",
        Account,
        "a sub-merchant's review result (MerchantId, IsPass, Reason)",
        Some("MerchantId"),
        None,
        "UNVERIFIED (§16)",
    ),
    ev(
        "card_merchant_check_result",
        Account,
        "a sub-merchant's review result (MerchantId, IsPass, Reason)",
        Some("MerchantId"),
        None,
        "UNVERIFIED (§16)",
    ),
    ev(
        "update_member_card",
        Account,
        "a member card's bonus or balance changed",
        CARD,
        CODE,
        "EVT; UNVERIFIED",
    ),
    ev(
        "user_pay_from_pay_cell",
        Account,
        "a user paid through a card's pay cell",
        CARD,
        CODE,
        "EVT; UNVERIFIED",
    ),
    ev(
        "component_verify_ticket",
        Platform,
        "the platform's verify ticket (every 10 minutes, valid 12 hours)",
        None,
        None,
        "§16",
    ),
    ev(
        "authorized",
        Platform,
        "a merchant authorised the platform",
        Some("AuthorizerAppid"),
        None,
        "§16",
    ),
    ev(
        "unauthorized",
        Platform,
        "a merchant revoked the platform's authorisation",
        Some("AuthorizerAppid"),
        None,
        "§16",
    ),
    ev(
        "updateauthorized",
        Platform,
        "a merchant changed the platform's permissions",
        Some("AuthorizerAppid"),
        None,
        "§16",
    ),
];

/// The row for an event name.
pub fn event_spec(name: &str) -> Option<&'static EventSpec> {
    EVENTS.iter().find(|e| e.name == name)
}

/// How long WeChat waits for `success` before it retries, and how often it tries.
pub const PUSH_ANSWER_WITHIN_SECS: u64 = 5;
/// WeChat retries a push this many times after the first attempt.
pub const PUSH_RETRIES: u32 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, e) in EVENTS.iter().enumerate() {
            assert!(EVENTS[..i].iter().all(|o| o.name != e.name), "{}", e.name);
            assert!(event_spec(e.name).is_some());
        }
        assert!(event_spec("no_such_event").is_none());
    }
}
