//! Friends coupons (朋友的券, reference §8): types, dates, stores, sharing, thresholds, lengths.

use crate::i18n::tr;
use crate::model::{Card, CardType, DateType, byte_limit_message};

use super::checker::{Checker, Out, friends_rule};

pub(super) fn friends_type(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card) && !matches!(card.card_type, CardType::Cash | CardType::Gift) {
        out.error(
            "advanced_info.share_friends",
            tr!("val-friends-type", card_type = card.card_type.to_string()),
            tr!("val-friends-type-help"),
        );
    }
}

pub(super) fn friends_date_type(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card) && card.base_info.date_info.date_type != DateType::FixTimeRange {
        out.error(
            "base_info.date_info.type",
            tr!("val-friends-date-type"),
            tr!("val-friends-date-type-help"),
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
            tr!("val-friends-locations"),
            tr!("val-friends-locations-help"),
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
                tr!("val-friends-share-true", name = name),
                tr!("val-friends-share-true-help", name = name),
            ),
            None => out.error(
                field,
                tr!("val-friends-share-missing", name = name),
                tr!("val-friends-share-missing-help", name = name),
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
        let help = tr!("val-friends-text-image-help", address = out.address);
        out.error(
            "advanced_info.text_image_list",
            tr!("val-friends-text-image"),
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
                tr!(
                    "val-consume-share-friends-only",
                    field = "consume_share_self_num"
                ),
                tr!("val-consume-share-friends-only-help"),
            );
        }
        if adv.consume_share_card_list.is_some() {
            out.error(
                "advanced_info.consume_share_card_list",
                tr!(
                    "val-consume-share-friends-only",
                    field = "consume_share_card_list"
                ),
                tr!("val-consume-share-friends-only-help"),
            );
        }
        return;
    }
    if adv.consume_share_self_num.is_some() && !list.is_empty() {
        out.error(
            "advanced_info.consume_share_card_list",
            tr!("val-consume-share-exclusive"),
            tr!("val-consume-share-exclusive-help"),
        );
    }
    if let Some(n) = adv.consume_share_self_num
        && n > 1
    {
        out.error(
            "advanced_info.consume_share_self_num",
            tr!("val-consume-share-self-num", n = n),
            tr!("val-consume-share-self-num-help"),
        );
    }
    if list.len() > 1 {
        out.error(
            "advanced_info.consume_share_card_list",
            tr!("val-consume-share-list-len", n = list.len()),
            tr!("val-consume-share-list-len-help"),
        );
    }
    for (i, entry) in list.iter().enumerate() {
        let field = format!("advanced_info.consume_share_card_list[{i}]");
        if entry.num != 1 {
            out.error(
                &format!("{field}.num"),
                tr!("val-consume-share-num", n = entry.num),
                tr!("val-consume-share-num-help"),
            );
        }
        match (&entry.card, &entry.card_id) {
            (Some(_), Some(_)) | (None, None) => out.error(
                &field,
                tr!("val-consume-share-target"),
                tr!("val-consume-share-target-help"),
            ),
            (Some(addr), None) => match checker.ctx.cards.get(addr) {
                None => {
                    let known: Vec<String> = checker.ctx.cards.keys().cloned().collect();
                    let help = crate::config::suggest::suggest(addr, &known).map_or_else(
                        || tr!("val-consume-share-unknown-help"),
                        |s| tr!("val-did-you-mean", name = s),
                    );
                    out.error(
                        &format!("{field}.card"),
                        tr!("val-consume-share-unknown", address = addr),
                        help,
                    );
                }
                Some(target) if addr == out.address => {
                    let _ = target;
                    out.error(
                        &format!("{field}.card"),
                        tr!("val-consume-share-self"),
                        tr!("val-consume-share-self-help"),
                    );
                }
                Some(target) if !target.card.is_friends() => out.error(
                    &format!("{field}.card"),
                    tr!("val-consume-share-not-friends", address = addr),
                    tr!("val-consume-share-not-friends-help", address = addr),
                ),
                Some(_) => {}
            },
            (None, Some(id)) if id.trim().is_empty() => out.error(
                &format!("{field}.card_id"),
                tr!("val-consume-share-empty-id"),
                tr!("val-consume-share-empty-id-help"),
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
                tr!(
                    "val-friends-threshold",
                    card_type = card.card_type.to_string(),
                    field = field
                ),
                tr!("val-friends-threshold-help", allowed = allowed.join(", ")),
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
                tr!(
                    "val-friends-length",
                    chars = chars,
                    detail = byte_limit_message(s.len(), max)
                ),
                tr!("val-shorten-it"),
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
                tr!(
                    "val-stricter-length",
                    bytes = s.len(),
                    source = stricter_source(rule)
                ),
                tr!(
                    "val-stricter-length-help",
                    max = rule.max,
                    chars = rule.max / 3
                ),
            );
        }
    }
}

/// Where a stricter limit comes from, in the process language (the spec's table says it
/// in English).
fn stricter_source(rule: &cardform_spec::fields::Stricter) -> String {
    let key = rule.path.rsplit('.').next().unwrap_or(rule.path);
    let known = ["notice", "description", "center_title", "center_sub_title"];
    if crate::i18n::lang() == crate::i18n::Lang::En || !known.contains(&key) {
        return rule.source.to_string();
    }
    tr!("val-stricter-source", field = key)
}
