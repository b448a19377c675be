//! Friends coupons (朋友的券, reference §8): types, dates, stores, sharing, thresholds, lengths.

use crate::model::{Card, CardType, DateType, byte_limit_message};

use super::checker::{Checker, Out, friends_rule};

pub(super) fn friends_type(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card) && !matches!(card.card_type, CardType::Cash | CardType::Gift) {
        out.error(
            "advanced_info.share_friends",
            format!(
                "friends coupons must be CASH or GIFT, not {}",
                card.card_type
            ),
            "set share_friends = false, or change card_type",
        );
    }
}

pub(super) fn friends_date_type(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card) && card.base_info.date_info.date_type != DateType::FixTimeRange {
        out.error(
            "base_info.date_info.type",
            "friends coupons must use DATE_TYPE_FIX_TIME_RANGE",
            "set type = \"DATE_TYPE_FIX_TIME_RANGE\" with begin_timestamp and end_timestamp",
        );
    }
}

pub(super) fn friends_locations(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card)
        && card
            .base_info
            .location_id_list
            .as_ref()
            .is_none_or(Vec::is_empty)
    {
        out.error(
            "base_info.location_id_list",
            "friends coupons need at least one store poi_id in location_id_list",
            "add location_id_list = [<poi_id>, …] under base_info",
        );
    }
}

pub(super) fn friends_no_share(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    for (field, value) in [
        ("base_info.can_share", card.base_info.can_share),
        ("base_info.can_give_friend", card.base_info.can_give_friend),
    ] {
        let name = field.rsplit('.').next().unwrap_or(field);
        match value {
            Some(false) => {}
            Some(true) => out.error(
                field,
                format!("friends coupons cannot set {name} = true"),
                format!("set {name} = false"),
            ),
            None => out.error(
                field,
                format!("friends coupons must send {name} = false explicitly"),
                format!("add {name} = false under base_info"),
            ),
        }
    }
}

pub(super) fn friends_text_image(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let empty = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.text_image_list.as_ref())
        .is_none_or(Vec::is_empty);
    if friends_rule(card) && empty {
        let help = format!(
            "add [[cards.{}.advanced_info.text_image_list]] with image_url and text",
            out.address
        );
        out.error(
            "advanced_info.text_image_list",
            "friends coupons need at least one text_image_list entry",
            help,
        );
    }
}

pub(super) fn consume_share(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let Some(adv) = &card.advanced_info else {
        return;
    };
    let list = adv.consume_share_card_list.as_deref().unwrap_or(&[]);
    let friends = card.is_friends();
    if !friends {
        if adv.consume_share_self_num.is_some() {
            out.error(
                "advanced_info.consume_share_self_num",
                "consume_share_self_num is only for friends coupons",
                "remove it, or set share_friends = true",
            );
        }
        if adv.consume_share_card_list.is_some() {
            out.error(
                "advanced_info.consume_share_card_list",
                "consume_share_card_list is only for friends coupons",
                "remove it, or set share_friends = true",
            );
        }
        return;
    }
    if adv.consume_share_self_num.is_some() && !list.is_empty() {
        out.error(
            "advanced_info.consume_share_card_list",
            "consume_share_self_num and consume_share_card_list are mutually exclusive",
            "keep one: give more of this card, or give another card",
        );
    }
    if let Some(n) = adv.consume_share_self_num
        && n > 1
    {
        out.error(
            "advanced_info.consume_share_self_num",
            format!("consume_share_self_num is {n}; WeChat allows only 1"),
            "set it to 1",
        );
    }
    if list.len() > 1 {
        out.error(
            "advanced_info.consume_share_card_list",
            format!("{} entries; WeChat allows exactly one", list.len()),
            "keep one entry",
        );
    }
    for (i, entry) in list.iter().enumerate() {
        let field = format!("advanced_info.consume_share_card_list[{i}]");
        if entry.num != 1 {
            out.error(
                &format!("{field}.num"),
                format!("num is {}; WeChat allows only 1", entry.num),
                "set num = 1",
            );
        }
        match (&entry.card, &entry.card_id) {
            (Some(_), Some(_)) | (None, None) => out.error(
                &field,
                "name exactly one of `card`, an address in these files, or `card_id`",
                "write card = \"<address>\" for a card cardform manages, card_id = \"…\" otherwise",
            ),
            (Some(addr), None) => match checker.ctx.cards.get(addr) {
                None => {
                    let known: Vec<String> = checker.ctx.cards.keys().cloned().collect();
                    let help = crate::config::suggest::suggest(addr, &known).map_or_else(
                        || "name the address of a friends coupon in cards/*.toml".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    );
                    out.error(
                        &format!("{field}.card"),
                        format!("no card has the address `{addr}`"),
                        help,
                    );
                }
                Some(target) if addr == out.address => {
                    let _ = target;
                    out.error(
                        &format!("{field}.card"),
                        "a card cannot give itself through consume_share_card_list",
                        "use consume_share_self_num = 1 instead",
                    );
                }
                Some(target) if !target.card.is_friends() => out.error(
                    &format!("{field}.card"),
                    format!("`{addr}` is not a friends coupon; only shared cards can be given"),
                    format!("set advanced_info.share_friends = true on `{addr}`"),
                ),
                Some(_) => {}
            },
            (None, Some(id)) if id.trim().is_empty() => out.error(
                &format!("{field}.card_id"),
                "card_id is empty",
                "write the card_id of the card to give",
            ),
            (None, Some(_)) => {}
        }
    }
}

/// Threshold fields WeChat accepts per friends-coupon type (reference §8.2).
pub(super) const FRIENDS_THRESHOLDS: &[(&str, &[CardType])] = &[
    ("least_cost", &[CardType::Cash, CardType::Gift]),
    ("accept_category", &[CardType::Cash]),
    ("reject_category", &[CardType::Cash]),
    ("object_use_for", &[CardType::Gift]),
    (
        "can_use_with_other_discount",
        &[CardType::Cash, CardType::Gift],
    ),
];

pub(super) fn friends_thresholds(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    let Some(cond) = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.use_condition.as_ref())
    else {
        return;
    };
    let present = |f: &str| match f {
        "least_cost" => cond.least_cost.is_some(),
        "accept_category" => cond.accept_category.is_some(),
        "reject_category" => cond.reject_category.is_some(),
        "object_use_for" => cond.object_use_for.is_some(),
        "can_use_with_other_discount" => cond.can_use_with_other_discount.is_some(),
        _ => false,
    };
    for &(field, types) in FRIENDS_THRESHOLDS {
        if present(field) && !types.contains(&card.card_type) {
            let allowed: Vec<&str> = FRIENDS_THRESHOLDS
                .iter()
                .filter(|(_, t)| t.contains(&card.card_type))
                .map(|(f, _)| *f)
                .collect();
            out.error(
                &format!("advanced_info.use_condition.{field}"),
                format!(
                    "friends {} coupons cannot use the threshold `{field}`; WeChat rejects it in review",
                    card.card_type
                ),
                format!("remove it; allowed here: {}", allowed.join(", ")),
            );
        }
    }
}

use cardform_spec::limits::FRIENDS_LENGTHS;

pub(super) fn friends_field<'c>(card: &'c Card, field: &str) -> Option<&'c str> {
    let b = &card.base_info;
    match field {
        "base_info.brand_name" => Some(b.brand_name.as_str()),
        "base_info.notice" => Some(b.notice.as_str()),
        "base_info.description" => b.description.as_ref().map(|d| d.as_str()),
        "base_info.center_title" => b.center_title.as_deref(),
        "base_info.center_sub_title" => b.center_sub_title.as_deref(),
        "base_info.custom_url_name" => b.custom_url_name.as_deref(),
        "base_info.custom_url_sub_title" => b.custom_url_sub_title.as_deref(),
        "base_info.promotion_url_sub_title" => b.promotion_url_sub_title.as_deref(),
        _ => None,
    }
}

pub(super) fn friends_lengths(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    for &(field, chars) in FRIENDS_LENGTHS {
        let max = chars * 3;
        if let Some(s) = friends_field(card, field)
            && s.len() > max
        {
            out.error(
                field,
                format!(
                    "friends coupons allow {chars} 汉字 here: {}",
                    byte_limit_message(s.len(), max)
                ),
                "shorten it",
            );
        }
    }
}

/// Where the docs disagree with themselves on a length, the looser limit is the field's
/// `string(N)` and the stricter one earns a warning citing its row
/// (`cardform_spec::fields::STRICTER`, one length policy: notice 12 汉字 on the friends
/// create table vs string(48) on the update table; center_title 9 汉字 vs string(18)).
pub(super) fn stricter_lengths(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    for rule in cardform_spec::fields::STRICTER {
        if rule.friends_only && !friends_rule(card) {
            continue;
        }
        if let Some(s) = friends_field(card, rule.path)
            && s.len() > rule.max
        {
            out.warn(
                rule.path,
                format!(
                    "{} bytes is within the looser limit WeChat documents but over {}: WeChat may refuse it (UNVERIFIED)",
                    s.len(),
                    rule.source
                ),
                format!(
                    "keep it to {} bytes (about {} 汉字) to satisfy both tables",
                    rule.max,
                    rule.max / 3
                ),
            );
        }
    }
}
