//! The title WeChat builds for a friends coupon (朋友的券) CASH or GIFT card.
//!
//! Seed V1.1 (reference §8.1): friends CASH titles are no longer free text but
//! "<reduce>元代金券"; GIFT titles are gift_name + gift_num + gift_unit. Seed V1.3
//! (reference §8.2): the title follows the thresholds. The friends create table has no
//! `title` row, so cardform does not send one and WeChat (the emulator) derives it.
//!
//! Where the seed is silent on combinations (least_cost together with a category or
//! object_use_for), the first matching row of [`CASH_TITLE_RULES`] /
//! [`GIFT_TITLE_RULES`] wins: that order is UNVERIFIED, kept in one table so it is one
//! row to change. The planner and the emulator both read these rows.

use serde_json::{Map, Value};

use crate::CardType;

/// What WeChat does with a `title` sent on a friends CASH/GIFT create: the seed's
/// table has no such row and says titles are "no longer free text" (V1.1), not whether
/// a sent one is refused. UNVERIFIED choice: ignored and replaced by the derived title
/// (`false` would answer 47001 instead).
pub const SENT_FRIENDS_TITLE_IGNORED: bool = true;

/// What a title rule may use.
#[derive(Debug, Clone, Default)]
pub struct TitleInputs<'a> {
    /// Amount off (CASH), fen.
    pub reduce: u32,
    /// Minimum spend threshold, fen (use_condition.least_cost, else the type's
    /// least_cost), if > 0.
    pub least: Option<u32>,
    /// CASH `accept_category`.
    pub category: Option<&'a str>,
    /// GIFT `object_use_for`.
    pub object: Option<&'a str>,
    /// GIFT `gift_name`, `gift_num`, `gift_unit`.
    pub gift: Option<(&'a str, u32, &'a str)>,
}

/// One row: the reference row it implements and the title it builds, if it applies.
pub type TitleRule = (&'static str, fn(&TitleInputs<'_>) -> Option<String>);

/// CASH rows, first match wins (§8.2, then the V1.1 default).
pub const CASH_TITLE_RULES: &[TitleRule] = &[
    ("§8.2 least_cost (CASH): 满xx减xx", |i| {
        i.least
            .map(|l| format!("满{}减{}", yuan(l), yuan(i.reduce)))
    }),
    (
        "§8.2 accept_category ≤ 5 characters: xxx减50元",
        |i| match i.category {
            Some(c) if !c.trim().is_empty() && c.chars().count() <= 5 => {
                Some(format!("{c}减{}元", yuan(i.reduce)))
            }
            _ => None,
        },
    ),
    ("§8.1 V1.1 default: <reduce>元代金券", |i| {
        Some(format!("{}元代金券", yuan(i.reduce)))
    }),
];

/// GIFT rows, first match wins (§8.2, then the V1.1 default).
pub const GIFT_TITLE_RULES: &[TitleRule] = &[
    ("§8.2 least_cost (GIFT): 满xx送<gift_name>", |i| {
        let (name, _, _) = i.gift?;
        i.least.map(|l| format!("满{}送{name}", yuan(l)))
    }),
    ("§8.2 object_use_for (GIFT): 买xx送<gift_name>", |i| {
        let (name, _, _) = i.gift?;
        match i.object {
            Some(o) if !o.trim().is_empty() => Some(format!("买{o}送{name}")),
            _ => None,
        }
    }),
    ("§8.1 V1.1 default: gift_name+gift_num+gift_unit", |i| {
        let (name, num, unit) = i.gift?;
        Some(format!("{name}{num}{unit}"))
    }),
];

/// Whether WeChat builds the title of a friends coupon of this type (V1.1: CASH, GIFT).
pub fn has_derived_title(t: CardType) -> bool {
    matches!(t, CardType::Cash | CardType::Gift)
}

/// The title WeChat builds for a friends coupon of type `t`, if its amounts are known.
pub fn friends_title(t: CardType, inputs: &TitleInputs<'_>) -> Option<String> {
    let rules = match t {
        CardType::Cash => CASH_TITLE_RULES,
        CardType::Gift => GIFT_TITLE_RULES,
        _ => return None,
    };
    rules.iter().find_map(|(_, rule)| rule(inputs))
}

/// [`friends_title`] read from a per-type wire object (`{"base_info", "advanced_info",
/// "reduce_cost", …}`), as `card/create` receives it.
pub fn friends_title_from_wire(t: CardType, obj: &Map<String, Value>) -> Option<String> {
    let num = |v: Option<&Value>| {
        v.and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let cond = obj
        .get("advanced_info")
        .and_then(|a| a.get("use_condition"));
    let least = num(cond.and_then(|c| c.get("least_cost")))
        .filter(|&l| l > 0)
        .or(num(obj.get("least_cost")).filter(|&l| l > 0));
    let gift = match (
        text(obj.get("gift_name")),
        num(obj.get("gift_num")),
        text(obj.get("gift_unit")),
    ) {
        (Some(n), Some(k), Some(u)) => Some((n, k, u)),
        _ => None,
    };
    if t == CardType::Cash && obj.get("reduce_cost").is_none() {
        return None;
    }
    let inputs = TitleInputs {
        reduce: num(obj.get("reduce_cost")).unwrap_or(0),
        least,
        category: text(cond.and_then(|c| c.get("accept_category"))),
        object: text(cond.and_then(|c| c.get("object_use_for"))),
        gift,
    };
    friends_title(t, &inputs)
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// Fen as yuan the way a card face writes it: 5000 → "50", 150 → "1.5", 1234 → "12.34".
pub fn yuan(fen: u32) -> String {
    let (y, f) = (fen / 100, fen % 100);
    match f {
        0 => y.to_string(),
        f if f % 10 == 0 => format!("{y}.{}", f / 10),
        f => format!("{y}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_objects_get_the_seed_titles() {
        let cash = json!({"reduce_cost": 5000, "least_cost": 0,
            "advanced_info": {"use_condition": {"least_cost": 10000}}});
        assert_eq!(
            friends_title_from_wire(CardType::Cash, cash.as_object().expect("object")).as_deref(),
            Some("满100减50")
        );
        let gift =
            json!({"gift": "洗手液1瓶", "gift_name": "洗手液", "gift_num": 1, "gift_unit": "瓶"});
        assert_eq!(
            friends_title_from_wire(CardType::Gift, gift.as_object().expect("object")).as_deref(),
            Some("洗手液1瓶")
        );
        assert_eq!(
            friends_title_from_wire(CardType::Discount, gift.as_object().expect("object")),
            None
        );
    }

    #[test]
    fn yuan_formatting() {
        for (fen, want) in [
            (0, "0"),
            (100, "1"),
            (150, "1.5"),
            (1234, "12.34"),
            (5, "0.05"),
        ] {
            assert_eq!(yuan(fen), want);
        }
    }
}
