//! The title WeChat gives a friends coupon (朋友的券).
//!
//! For shared CASH and GIFT coupons the title is not free text: WeChat builds it from
//! the amounts and thresholds (reference §8.1 V1.1, §8.2 V1.3). The planner shows the
//! derived title and never diffs it; `cardform validate --verbose` prints it.
//!
//! The rows live in `cardform_spec::title` (the emulator derives the same titles);
//! this file maps a desired [`Card`] onto them.

use super::card::{Card, CardType};
pub use cardform_spec::title::yuan;
use cardform_spec::title::{TitleInputs, friends_title};

/// The title WeChat will give this card: `Some` for friends CASH/GIFT coupons whose
/// amounts are declared, `None` for every other card (their title is the user's).
pub fn derived_title(card: &Card) -> Option<String> {
    if !card.is_friends() {
        return None;
    }
    let cond = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.use_condition.as_ref());
    let least = cond
        .and_then(|c| c.least_cost)
        .filter(|&l| l > 0)
        .or(card.least_cost.filter(|&l| l > 0));
    let gift = match (&card.gift_name, card.gift_num, &card.gift_unit) {
        (Some(n), Some(k), Some(u)) => Some((n.as_str(), k, u.as_str())),
        _ => None,
    };
    let inputs = TitleInputs {
        reduce: card.reduce_cost.unwrap_or(0),
        least,
        category: cond.and_then(|c| c.accept_category.as_deref()),
        object: cond.and_then(|c| c.object_use_for.as_deref()),
        gift,
    };
    match card.card_type {
        CardType::Cash if card.reduce_cost.is_none() => None,
        t => friends_title(t, &inputs),
    }
}

/// Whether WeChat derives this card's title (friends CASH or GIFT).
pub fn has_derived_title(card: &Card) -> bool {
    card.is_friends() && cardform_spec::title::has_derived_title(card.card_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AdvancedInfo, UseCondition, WxStr};

    fn card(toml_src: &str) -> Card {
        toml::from_str(toml_src).expect("test card parses")
    }

    const BASE: &str = r#"
[base_info]
logo_url = "https://mmbiz.qpic.cn/logo"
code_type = "CODE_TYPE_QRCODE"
brand_name = "测试"
color = "Color010"
notice = "出示"
description = "说明"
sku = { quantity = 10 }
date_info = { type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 1800000000, end_timestamp = 1810000000 }
"#;

    fn friends(card_type: &str, extra: &str, cond: Option<UseCondition>) -> Card {
        let mut c = card(&format!("card_type = \"{card_type}\"\n{extra}\n{BASE}"));
        c.advanced_info = Some(AdvancedInfo {
            share_friends: Some(true),
            use_condition: cond,
            ..AdvancedInfo::default()
        });
        c
    }

    fn cond(least: Option<u32>, cat: Option<&str>, obj: Option<&str>) -> UseCondition {
        UseCondition {
            least_cost: least,
            accept_category: cat.map(|c| WxStr::new(c).expect("short")),
            object_use_for: obj.map(|c| WxStr::new(c).expect("short")),
            ..UseCondition::default()
        }
    }

    #[test]
    fn cash_titles() {
        let cash = "least_cost = 0\nreduce_cost = 5000";
        let table: &[(Option<UseCondition>, &str)] = &[
            (None, "50元代金券"),
            (Some(cond(Some(10000), None, None)), "满100减50"),
            (Some(cond(None, Some("饮品"), None)), "饮品减50元"),
            (Some(cond(None, Some("全部热饮和甜点"), None)), "50元代金券"),
            (Some(cond(None, Some("12345"), None)), "12345减50元"),
            (Some(cond(None, Some("123456"), None)), "50元代金券"),
            (Some(cond(Some(10000), Some("饮品"), None)), "满100减50"),
            (Some(cond(Some(0), None, None)), "50元代金券"),
        ];
        for (c, want) in table {
            let card = friends("CASH", cash, c.clone());
            assert_eq!(derived_title(&card).as_deref(), Some(*want), "{c:?}");
        }
        let top_level = friends("CASH", "least_cost = 9950\nreduce_cost = 150", None);
        assert_eq!(derived_title(&top_level).as_deref(), Some("满99.5减1.5"));
    }

    #[test]
    fn gift_titles() {
        let gift = "gift_name = \"洗手液\"\ngift_num = 1\ngift_unit = \"瓶\"";
        let table: &[(Option<UseCondition>, &str)] = &[
            (None, "洗手液1瓶"),
            (Some(cond(Some(5000), None, None)), "满50送洗手液"),
            (Some(cond(None, None, Some("毛巾"))), "买毛巾送洗手液"),
            (Some(cond(Some(5000), None, Some("毛巾"))), "满50送洗手液"),
        ];
        for (c, want) in table {
            let card = friends("GIFT", gift, c.clone());
            assert_eq!(derived_title(&card).as_deref(), Some(*want), "{c:?}");
        }
    }

    #[test]
    fn other_cards_keep_their_title() {
        let not_friends = card(&format!(
            "card_type = \"CASH\"\nleast_cost = 0\nreduce_cost = 100\n{BASE}"
        ));
        assert_eq!(derived_title(&not_friends), None);
        assert!(!has_derived_title(&not_friends));
        let incomplete_gift = friends("GIFT", "gift = \"x\"", None);
        assert_eq!(derived_title(&incomplete_gift), None);
        assert!(has_derived_title(&incomplete_gift));
    }
}
