//! Validity windows: date types, the 2038 limit, day boundaries, expired windows, the friends issue window.

use chrono::{Duration, Timelike};

use crate::i18n::tr;
use crate::model::{Card, DateType, MAX_WECHAT_TIMESTAMP, Timestamp};

use super::checker::{Checker, Out, friends_rule};

pub(super) fn date_info(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let d = &card.base_info.date_info;
    let p = "base_info.date_info";
    match d.date_type {
        DateType::FixTimeRange => {
            if d.begin_timestamp.is_none() {
                out.error(
                    &format!("{p}.begin_timestamp"),
                    tr!("val-date-range-needs-begin"),
                    tr!("val-date-range-needs-begin-help"),
                );
            }
            if d.end_timestamp.is_none() {
                out.error(
                    &format!("{p}.end_timestamp"),
                    tr!("val-date-range-needs-end"),
                    tr!("val-date-range-needs-end-help"),
                );
            }
            for (f, v) in [
                ("fixed_term", d.fixed_term),
                ("fixed_begin_term", d.fixed_begin_term),
            ] {
                if v.is_some() {
                    out.error(
                        &format!("{p}.{f}"),
                        tr!("val-date-term-only", field = f),
                        tr!("val-date-term-only-help"),
                    );
                }
            }
        }
        DateType::FixTerm => {
            match d.fixed_term {
                None => out.error(
                    &format!("{p}.fixed_term"),
                    tr!("val-date-term-needs-fixed-term"),
                    tr!("val-date-term-needs-fixed-term-help"),
                ),
                Some(0) => out.error(
                    &format!("{p}.fixed_term"),
                    tr!("val-date-fixed-term-zero"),
                    tr!("val-date-fixed-term-zero-help"),
                ),
                Some(_) => {}
            }
            if d.begin_timestamp.is_some() {
                out.error(
                    &format!("{p}.begin_timestamp"),
                    tr!("val-date-begin-range-only"),
                    tr!("val-date-begin-range-only-help"),
                );
            }
        }
    }
    if let (Some(b), Some(e)) = (d.begin_timestamp, d.end_timestamp)
        && b >= e
    {
        out.error(
            &format!("{p}.end_timestamp"),
            tr!(
                "val-date-end-before-begin",
                end = e.to_string(),
                begin = b.to_string()
            ),
            tr!("val-date-end-before-begin-help"),
        );
    }
}

pub(super) fn date_2038(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let d = &card.base_info.date_info;
    for (f, v) in [
        ("begin_timestamp", d.begin_timestamp),
        ("end_timestamp", d.end_timestamp),
    ] {
        if let Some(t) = v
            && !(0..=MAX_WECHAT_TIMESTAMP).contains(&t.seconds())
        {
            let help = if t.seconds() < 0 {
                tr!("val-date-before-1970-help")
            } else {
                tr!("val-date-after-2038-help")
            };
            out.error(
                &format!("base_info.date_info.{f}"),
                tr!("val-date-out-of-range", time = t.to_string()),
                help,
            );
        }
    }
}

pub(super) fn date_end_of_day(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let d = &card.base_info.date_info;
    if d.date_type != DateType::FixTimeRange {
        return;
    }
    if let Some(dt) = d.end_timestamp.and_then(Timestamp::to_beijing)
        && (dt.hour(), dt.minute(), dt.second()) != (23, 59, 59)
    {
        out.warn(
            "base_info.date_info.end_timestamp",
            tr!(
                "val-date-end-of-day",
                time = dt.format("%H:%M:%S").to_string()
            ),
            tr!(
                "val-date-end-of-day-help",
                day = dt.format("%Y-%m-%d").to_string()
            ),
        );
    }
}

pub(super) fn date_expired(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if let Some(end) = card.base_info.date_info.end_timestamp
        && end < checker.ctx.now
    {
        out.warn(
            "base_info.date_info.end_timestamp",
            tr!("val-date-expired", end = end.to_string()),
            tr!("val-date-expired-help"),
        );
    }
}

use cardform_spec::limits::FRIENDS_ISSUE_WINDOW_DAYS;

pub(super) fn friends_issue_window(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    let Some(begin) = card.base_info.date_info.begin_timestamp else {
        return;
    };
    let window = FRIENDS_ISSUE_WINDOW_DAYS * 86_400;
    if begin.seconds().saturating_sub(checker.ctx.now.seconds()) <= window {
        return;
    }
    let Some(first) = begin
        .to_beijing()
        .and_then(|b| b.checked_sub_signed(Duration::days(FRIENDS_ISSUE_WINDOW_DAYS)))
    else {
        return;
    };
    out.warn(
        "base_info.date_info.begin_timestamp",
        tr!(
            "val-friends-issue-window",
            days = FRIENDS_ISSUE_WINDOW_DAYS,
            first = first.format("%Y-%m-%d %H:%M").to_string()
        ),
        tr!(
            "val-friends-issue-window-help",
            day = first.format("%Y-%m-%d").to_string()
        ),
    );
}
