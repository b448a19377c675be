//! How the emulator writes the scalars WeChat writes inconsistently (issue 26): the
//! same 券点 amount is a decimal string in one answer and a number in another, and the
//! data cube answers without `errcode`, with undocumented fields and a `card_type`
//! that need not match the card. [`Shapes::Doc`] answers as WeChat's doc samples and
//! real captures show (`tests/fixtures/wechat/recorded/`, PROVENANCE.md):
//!
//! | answer | Doc | Numbers |
//! |---|---|---|
//! | getpayprice `price`, `free_coin`, `pay_coin` | `"0.2"` (string) | `0.2` |
//! | getcoinsinfo `free_coin`, `pay_coin`, `total_coin` | `200` (number) | `200` |
//! | getorder / getorderlist `*_coin_count` | `"0"` (string) | `0` |
//! | activate `reward` | `200` | `200` |
//! | datacube envelope | no `errcode` / `errmsg` | `errcode: 0` |
//! | datacube rows | plus `is_pay`, `isfriendscard`, `verify_noself_*` (cards), `*_friends_*` (account) | the documented fields |
//! | datacube `card_type` | `1` for every card, as the capture reports a GROUPON | the documented code of the card's type |
//! | location/batchget `location_id` | `"493"` (string, the doc sample as SDK comments copy it) | `493` |
//!
//! Set with `cardform emulator --shapes doc|numbers`, [`EmulatorConfig::shapes`]
//! (crate::EmulatorConfig) or `POST /__emulator/shapes {"shapes": "numbers"}`.

use serde_json::{Map, Value, json};

use cardform_spec::Points;

/// Which shape the emulator answers in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shapes {
    /// As WeChat's doc samples and real captures show (the default: faithful).
    #[default]
    Doc,
    /// Every amount and count a JSON number, every answer with `errcode` (what the
    /// reference tables describe, and what older emulators answered).
    Numbers,
}

impl Shapes {
    /// `doc` or `numbers`.
    pub fn parse(s: &str) -> Option<Shapes> {
        match s.trim() {
            "doc" => Some(Shapes::Doc),
            "numbers" => Some(Shapes::Numbers),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shapes::Doc => "doc",
            Shapes::Numbers => "numbers",
        }
    }

    /// A getpayprice amount.
    pub fn quote_amount(self, p: Points) -> Value {
        match self {
            Shapes::Doc => p.to_json_string(),
            Shapes::Numbers => p.to_json_number(),
        }
    }

    /// A store's `location_id` in a `card/location/batchget` answer.
    pub fn store_id(self, id: u64) -> Value {
        match self {
            Shapes::Doc => json!(id.to_string()),
            Shapes::Numbers => json!(id),
        }
    }

    /// A getorder / getorderlist count.
    pub fn order_count(self, p: Points) -> Value {
        self.quote_amount(p)
    }

    /// A getcoinsinfo amount: a number in both shapes.
    pub fn balance_amount(self, p: Points) -> Value {
        p.to_json_number()
    }

    /// A successful datacube answer around `list`.
    pub fn cube_answer(self, list: Vec<Value>) -> Value {
        match self {
            Shapes::Doc => json!({ "list": list }),
            Shapes::Numbers => super::reply::ok(json!({ "list": list })),
        }
    }

    /// The datacube `card_type` of a card whose documented code is `documented`.
    pub fn cube_card_type(self, documented: u8) -> u8 {
        match self {
            Shapes::Doc => 1,
            Shapes::Numbers => documented,
        }
    }

    /// The undocumented counters a real per-card row carries.
    pub fn cube_card_extras(self, row: &mut Map<String, Value>, friends: bool) {
        if self == Shapes::Doc {
            row.insert("is_pay".into(), json!(0));
            row.insert("verify_noself_cnt".into(), json!(0));
            row.insert("verify_noself_user".into(), json!(0));
            row.insert("isfriendscard".into(), json!(u8::from(friends)));
        }
    }

    /// The undocumented counters a real account row carries.
    pub fn cube_account_extras(self, row: &mut Map<String, Value>) {
        if self == Shapes::Doc {
            for key in [
                "view_friends_cnt",
                "view_friends_user",
                "receive_friends_cnt",
                "receive_friends_user",
                "verify_friends_cnt",
                "verify_friends_user",
            ] {
                row.insert(key.into(), json!(0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_writes_quotes_and_counts_as_strings_balances_as_numbers() {
        let p = Points::from_tenths(2);
        assert_eq!(Shapes::Doc.quote_amount(p), json!("0.2"));
        assert_eq!(Shapes::Numbers.quote_amount(p), json!(0.2));
        assert_eq!(Shapes::Doc.order_count(Points::ZERO), json!("0"));
        assert_eq!(Shapes::Doc.balance_amount(Points::whole(200)), json!(200));
        assert_eq!(Shapes::Doc.cube_answer(vec![]), json!({ "list": [] }));
        assert_eq!(Shapes::Numbers.cube_answer(vec![])["errcode"], 0);
        assert_eq!(Shapes::parse("numbers"), Some(Shapes::Numbers));
        assert_eq!(Shapes::parse("floats"), None);
    }
}
