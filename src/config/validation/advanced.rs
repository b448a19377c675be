//! advanced_info and limits: time slots, stock, get/use limits, stores, icons.

use crate::i18n::tr;
use crate::model::{Card, GetCustomCodeMode};

use super::checker::{Checker, Out};

pub(super) fn time_limit(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let slots = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.time_limit.as_deref())
        .unwrap_or(&[]);
    for (i, t) in slots.iter().enumerate() {
        let field = format!("advanced_info.time_limit[{i}]");
        for (f, v, max) in [
            ("begin_hour", t.begin_hour, 23),
            ("end_hour", t.end_hour, 23),
            ("begin_minute", t.begin_minute, 59),
            ("end_minute", t.end_minute, 59),
        ] {
            if let Some(v) = v
                && v > max
            {
                out.error(
                    &format!("{field}.{f}"),
                    tr!("val-time-limit-range", field = f, value = v, max = max),
                    tr!("val-time-limit-range-help"),
                );
            }
        }
        let any_time = t.begin_hour.is_some()
            || t.end_hour.is_some()
            || t.begin_minute.is_some()
            || t.end_minute.is_some();
        match (t.begin_hour, t.end_hour) {
            (Some(bh), Some(eh)) => {
                let begin = u32::from(bh) * 60 + u32::from(t.begin_minute.unwrap_or(0));
                let end = u32::from(eh) * 60 + u32::from(t.end_minute.unwrap_or(0));
                if end <= begin {
                    out.error(
                        &format!("{field}.end_hour"),
                        tr!(
                            "val-time-limit-order",
                            end = format!("{eh:02}:{:02}", t.end_minute.unwrap_or(0)),
                            begin = format!("{bh:02}:{:02}", t.begin_minute.unwrap_or(0))
                        ),
                        tr!("val-time-limit-order-help"),
                    );
                }
            }
            _ if any_time => out.error(
                &field,
                tr!("val-time-limit-hours"),
                tr!("val-time-limit-hours-help"),
            ),
            _ => {}
        }
    }
}

use cardform_spec::limits::MAX_QUANTITY;

pub(super) fn sku_quantity(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let q = card.base_info.sku.quantity;
    let deposit = card.base_info.get_custom_code_mode == Some(GetCustomCodeMode::Deposit);
    let field = "base_info.sku.quantity";
    if deposit {
        if q != 0 {
            out.error(
                field,
                tr!("val-quantity-deposit", quantity = q),
                tr!("val-quantity-deposit-help"),
            );
        }
    } else if q == 0 {
        // An old card may hold 0 (its stock ran out); WeChat refuses 0 on create.
        out.write_rule(
            field,
            tr!("val-quantity-zero"),
            tr!("val-quantity-zero-help"),
        );
    } else if q > MAX_QUANTITY {
        out.error(
            field,
            tr!("val-quantity-max", quantity = q),
            tr!("val-quantity-max-help"),
        );
    }
}

pub(super) fn limits(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    for (f, v) in [
        ("get_limit", card.base_info.get_limit),
        ("use_limit", card.base_info.use_limit),
    ] {
        if v == Some(0) {
            out.error(
                &format!("base_info.{f}"),
                tr!("val-limit-zero", field = f),
                tr!("val-limit-zero-help", field = f),
            );
        }
    }
}

pub(super) fn locations_exclusive(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let b = &card.base_info;
    if b.use_all_locations == Some(true)
        && b.location_id_list.as_ref().is_some_and(|l| !l.is_empty())
    {
        out.error(
            "base_info.use_all_locations",
            tr!("val-locations-exclusive"),
            tr!("val-locations-exclusive-help"),
        );
    }
}

pub(super) fn icon_url_list(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if let Some(abs) = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.abstract_info.as_ref())
        && abs.icon_url_list.len() != 1
    {
        out.error(
            "advanced_info.abstract.icon_url_list",
            tr!("val-icon-url-list", n = abs.icon_url_list.len()),
            tr!("val-icon-url-list-help"),
        );
    }
}
