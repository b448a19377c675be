//! Card types cardform itself does not manage, kept so third-party clients (wechatpy's
//! `WeChatCard`) can drive their endpoints: member cards (会员卡) and special tickets
//! ([`SpecialCardRecord`], [`SpecialType`]), a member's data per code
//! ([`MemberRecord`]), and what the ticket endpoints last set per code
//! ([`TicketRecord`]). The endpoints are in `special.rs`, `member.rs` and `tickets.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::card::CardCore;

/// A card type beside the five coupon types (reference "Other types": `MEMBER_CARD`,
/// the tickets; `LUCKY_MONEY` from the 2014 doc, which wechatpy's
/// `update_luckymoney_balance` still calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SpecialType {
    MemberCard,
    MovieTicket,
    BoardingPass,
    LuckyMoney,
}

impl SpecialType {
    pub const ALL: [SpecialType; 4] = [
        SpecialType::MemberCard,
        SpecialType::MovieTicket,
        SpecialType::BoardingPass,
        SpecialType::LuckyMoney,
    ];

    /// `MEMBER_CARD`, as WeChat writes `card_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecialType::MemberCard => "MEMBER_CARD",
            SpecialType::MovieTicket => "MOVIE_TICKET",
            SpecialType::BoardingPass => "BOARDING_PASS",
            SpecialType::LuckyMoney => "LUCKY_MONEY",
        }
    }

    /// The lower-case key the per-type object goes under (reference "Body wrapper key").
    pub fn wire_key(self) -> &'static str {
        match self {
            SpecialType::MemberCard => "member_card",
            SpecialType::MovieTicket => "movie_ticket",
            SpecialType::BoardingPass => "boarding_pass",
            SpecialType::LuckyMoney => "lucky_money",
        }
    }

    pub fn from_wire(s: &str) -> Option<SpecialType> {
        SpecialType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A member card or ticket definition: the [`CardCore`] every card has, and what only
/// these have.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpecialCardRecord {
    #[serde(flatten)]
    pub core: CardCore,
    pub card_type: SpecialType,
    /// The activation form set with `card/membercard/activateuserform/set` (JSON text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_form: Option<String>,
}

super::card::derefs_to_core!(SpecialCardRecord);

impl SpecialCardRecord {
    /// The card as card/get answers it (in the coupons' shape).
    pub fn view(&self) -> Value {
        self.core
            .view(self.card_type.as_str(), self.card_type.wire_key())
    }

    /// A boolean switch of the per-type object (`supply_bonus`, `auto_activate`, …).
    pub fn switch(&self, key: &str) -> bool {
        self.body_map()
            .get(key)
            .and_then(crate::reply::as_bool)
            .unwrap_or(false)
    }
}

/// A member's data on one member-card code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub code: String,
    pub card_id: String,
    /// Whether the card was activated (`has_active`).
    pub activated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership_number: Option<String>,
    pub bonus: i64,
    pub balance: i64,
    /// `custom_field_value1..3`.
    #[serde(default)]
    pub custom_field_values: [Option<String>; 3],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_pic_url: Option<String>,
    /// What the user filled in the activation form: `{common_field_list, custom_field_list}`
    /// (JSON text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_info: Option<String>,
}

/// What the ticket endpoints last set on one code (movie seat, boarding check-in,
/// lucky-money balance), as the fields sent (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    pub code: String,
    pub card_id: String,
    pub fields: String,
}
