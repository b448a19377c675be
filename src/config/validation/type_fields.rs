//! Per-type fields: which type-specific fields each card type needs or allows, as the
//! spec's one table says ([`TYPE_FIELDS`], reference §3.2).

use cardform_spec::fields::TYPE_FIELDS;

use crate::i18n::tr;
use crate::model::{Card, CardType};

use super::checker::{Checker, Out};

/// Whether the card sets the type-specific field `field` (a row of
/// [`TYPE_FIELDS`]); how to read each row from the model.
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
    for row in TYPE_FIELDS {
        let (field, owner) = (row.name, row.card_type);
        let present = type_field_present(card, field);
        if owner != card.card_type {
            if present {
                out.error(
                    field,
                    tr!(
                        "val-type-field-foreign",
                        field = field,
                        owner = owner.to_string(),
                        card_type = card.card_type.to_string()
                    ),
                    tr!("val-type-field-foreign-help", owner = owner.to_string()),
                );
            }
            continue;
        }
        if !present && row.required.holds(friends) {
            let id = if friends {
                "val-type-field-missing-friends"
            } else {
                "val-type-field-missing"
            };
            out.error(
                field,
                tr!(id, field = field, owner = owner.to_string()),
                tr!("val-type-field-missing-help", field = field),
            );
        } else if present && !row.allowed.holds(friends) {
            out.error(
                field,
                tr!(
                    "val-type-field-friends-only",
                    field = field,
                    owner = owner.to_string()
                ),
                tr!("val-type-field-friends-only-help"),
            );
        }
    }
    if card.card_type == CardType::Cash && card.reduce_cost == Some(0) {
        out.error(
            "reduce_cost",
            tr!("val-reduce-cost-zero"),
            tr!("val-reduce-cost-zero-help"),
        );
    }
}
