//! Validity windows: date types, the 2038 limit, day boundaries, expired windows, the friends issue window.

use chrono::{Duration, Timelike};

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
                    "DATE_TYPE_FIX_TIME_RANGE needs begin_timestamp",
                    "add begin_timestamp = 2026-12-01T00:00:00+08:00",
                );
            }
            if d.end_timestamp.is_none() {
                out.error(
                    &format!("{p}.end_timestamp"),
                    "DATE_TYPE_FIX_TIME_RANGE needs end_timestamp",
                    "add end_timestamp = 2026-12-31T23:59:59+08:00",
                );
            }
            for (f, v) in [
                ("fixed_term", d.fixed_term),
                ("fixed_begin_term", d.fixed_begin_term),
            ] {
                if v.is_some() {
                    out.error(
                        &format!("{p}.{f}"),
                        format!("{f} is only used with DATE_TYPE_FIX_TERM"),
                        "remove it, or change the type",
                    );
                }
            }
        }
        DateType::FixTerm => {
            match d.fixed_term {
                None => out.error(
                    &format!("{p}.fixed_term"),
                    "DATE_TYPE_FIX_TERM needs fixed_term, the days a card stays valid after it is claimed",
                    "add fixed_term = 30",
                ),
                Some(0) => out.error(
                    &format!("{p}.fixed_term"),
                    "fixed_term must be at least 1 day",
                    "set the number of days the card stays valid after it is claimed",
                ),
                Some(_) => {}
            }
            if d.begin_timestamp.is_some() {
                out.error(
                    &format!("{p}.begin_timestamp"),
                    "begin_timestamp is only used with DATE_TYPE_FIX_TIME_RANGE",
                    "remove it; end_timestamp may stay as a global expiry",
                );
            }
        }
    }
    if let (Some(b), Some(e)) = (d.begin_timestamp, d.end_timestamp)
        && b >= e
    {
        out.error(
            &format!("{p}.end_timestamp"),
            format!("end_timestamp {e} is not after begin_timestamp {b}"),
            "the window must end after it begins",
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
                "WeChat stores Unix seconds from 1970-01-01; choose a later date"
            } else {
                "WeChat stores 32-bit Unix seconds; choose a date before 2038-01-19"
            };
            out.error(
                &format!("base_info.date_info.{f}"),
                format!("{t} is outside WeChat's range (1970-01-01 up to 2038-01-19)"),
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
            format!(
                "end_timestamp is {} Beijing time, not the end of a day",
                dt.format("%H:%M:%S")
            ),
            format!(
                "WeChat recommends 23:59:59 of the last day, e.g. {}T23:59:59+08:00",
                dt.format("%Y-%m-%d")
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
            format!("the validity window already ended ({end})"),
            "nobody can claim or use this card; move end_timestamp into the future",
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
        format!(
            "friends coupons can be issued at most {FRIENDS_ISSUE_WINDOW_DAYS} days before they take effect; this one cannot be claimed before {} (Beijing time)",
            first.format("%Y-%m-%d %H:%M")
        ),
        format!(
            "apply on or after {}, or move begin_timestamp earlier",
            first.format("%Y-%m-%d")
        ),
    );
}
