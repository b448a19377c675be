//! Per-type fields: which type-specific fields each card type needs or allows (reference §3.2).

use crate::model::{Card, CardType};

use super::checker::{Checker, Out};

/// When a type-specific field is required or allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    Always,
    Friends,
    NotFriends,
}

impl When {
    fn holds(self, friends: bool) -> bool {
        match self {
            When::Always => true,
            When::Friends => friends,
            When::NotFriends => !friends,
        }
    }
}

/// (field, the type it belongs to, required when, allowed when) — reference §3.2.
pub(super) const TYPE_FIELDS: &[(&str, CardType, When, When)] = &[
    ("least_cost", CardType::Cash, When::Always, When::Always),
    ("reduce_cost", CardType::Cash, When::Always, When::Always),
    ("discount", CardType::Discount, When::Always, When::Always),
    ("gift", CardType::Gift, When::NotFriends, When::Always),
    ("gift_name", CardType::Gift, When::Friends, When::Friends),
    ("gift_num", CardType::Gift, When::Friends, When::Friends),
    ("gift_unit", CardType::Gift, When::Friends, When::Friends),
    ("deal_detail", CardType::Groupon, When::Always, When::Always),
    (
        "default_detail",
        CardType::GeneralCoupon,
        When::Always,
        When::Always,
    ),
];

pub(super) fn type_field_present(card: &Card, field: &str) -> bool {
    match field {
        "least_cost" => card.least_cost.is_some(),
        "reduce_cost" => card.reduce_cost.is_some(),
        "discount" => card.discount.is_some(),
        "gift" => card.gift.is_some(),
        "gift_name" => card.gift_name.is_some(),
        "gift_num" => card.gift_num.is_some(),
        "gift_unit" => card.gift_unit.is_some(),
        "deal_detail" => card.deal_detail.is_some(),
        "default_detail" => card.default_detail.is_some(),
        _ => false,
    }
}

pub(super) fn type_fields(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let friends = card.is_friends();
    for &(field, owner, required, allowed) in TYPE_FIELDS {
        let present = type_field_present(card, field);
        if owner != card.card_type {
            if present {
                out.error(
                    field,
                    format!("`{field}` belongs to {owner} cards, not {}", card.card_type),
                    format!("remove it, or change card_type to {owner}"),
                );
            }
            continue;
        }
        if !present && required.holds(friends) {
            let what = if friends { "friends " } else { "" };
            out.error(
                field,
                format!("{what}{owner} cards need `{field}`"),
                format!("add `{field} = …` next to card_type"),
            );
        } else if present && !allowed.holds(friends) {
            out.error(
                field,
                format!(
                    "`{field}` is only used by friends {owner} coupons, with share_friends = true"
                ),
                "remove it, or set advanced_info.share_friends = true",
            );
        }
    }
    if card.card_type == CardType::Cash && card.reduce_cost == Some(0) {
        out.error(
            "reduce_cost",
            "reduce_cost is 0: the coupon would take nothing off",
            "give the amount off in fen (100 = ¥1)",
        );
    }
}
