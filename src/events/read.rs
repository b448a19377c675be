//! What the commands read from the event log: a card's latest review decision and its
//! reason, low-stock alarms, revoked authorizers, the newest verify ticket.

use std::collections::{BTreeMap, BTreeSet};

use super::EventRecord;
use crate::i18n::tr;

/// What a rejection without a `RefuseReason` records (the JSON output keeps it in
/// English, as data; the text says it in the process language).
pub const NO_REASON: &str = "(no reason given)";
/// What a `card_sku_remind` without a `Detail` records (as [`NO_REASON`]).
pub const LOW_STOCK_DEFAULT: &str = "stock is running low";

/// A review decision pushed for a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub card_id: String,
    pub approved: bool,
    /// `RefuseReason` of a rejection.
    pub reason: Option<String>,
    pub received_ms: i64,
}

/// The decision an event carries, if it is one.
pub fn decision(r: &EventRecord) -> Option<Decision> {
    let approved = match r.event.as_str() {
        "card_pass_check" => true,
        "card_not_pass_check" => false,
        _ => return None,
    };
    Some(Decision {
        card_id: r.subject.clone()?,
        approved,
        reason: r
            .field("RefuseReason")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        received_ms: r.received_ms,
    })
}

/// The newest decision per card.
pub fn latest_decisions(records: &[EventRecord]) -> BTreeMap<String, Decision> {
    let mut out = BTreeMap::new();
    for d in records.iter().filter_map(decision) {
        out.insert(d.card_id.clone(), d);
    }
    out
}

/// The newest low-stock alarm (`card_sku_remind`) per card: its `Detail`, or a generic
/// sentence.
pub fn low_stock(records: &[EventRecord]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in records.iter().filter(|r| r.event == "card_sku_remind") {
        if let Some(card) = &r.subject {
            let detail = r
                .field("Detail")
                .filter(|s| !s.is_empty())
                .unwrap_or(LOW_STOCK_DEFAULT);
            out.insert(card.clone(), detail.to_string());
        }
    }
    // An alarm older than the card's last claim-side refill is still shown: WeChat
    // sends no "stock is fine again" event.
    out
}

/// What the event log says about one card, for `status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardNotes {
    /// The newest decision was a rejection: its `RefuseReason`.
    pub refuse_reason: Option<String>,
    /// The newest low-stock alarm's detail.
    pub low_stock: Option<String>,
}

/// Per card_id, what `status` adds from the event log.
pub fn card_notes(records: &[EventRecord]) -> BTreeMap<String, CardNotes> {
    let mut out: BTreeMap<String, CardNotes> = BTreeMap::new();
    for (card, d) in latest_decisions(records) {
        if !d.approved {
            out.entry(card).or_default().refuse_reason =
                Some(d.reason.unwrap_or_else(|| NO_REASON.into()));
        }
    }
    for (card, detail) in low_stock(records) {
        out.entry(card).or_default().low_stock = Some(detail);
    }
    out
}

/// [`card_notes`] of the project's event log; an absent log gives none, an unreadable
/// one a note on stderr and none (status still answers from WeChat).
pub fn notes_for_project(
    root: &std::path::Path,
    state_setting: Option<&str>,
) -> BTreeMap<String, CardNotes> {
    card_notes(&records_for_project(root, state_setting))
}

/// The project's event log, oldest first; an absent log gives none, an unreadable one
/// a note on stderr and none (status still answers from WeChat).
pub fn records_for_project(
    root: &std::path::Path,
    state_setting: Option<&str>,
) -> Vec<EventRecord> {
    match super::open_project_log(root, state_setting).and_then(|l| Ok(l.list()?)) {
        Ok(records) => records,
        Err(e) => {
            eprintln!("{}", tr!("ev-log-unreadable", error = e.to_string()));
            Vec::new()
        }
    }
}

/// The sub-merchant review results WeChat pushes (reference §16); `submerchant_check`
/// is the older name of the same event.
pub const SUB_MERCHANT_CHECK_EVENTS: [&str; 2] =
    ["card_merchant_check_result", "submerchant_check"];

/// Per merchant_id, the newest review result's rejection reason: `Some(reason)` when
/// the newest result is a rejection (`IsPass` not 1/true), with "(no reason given)"
/// when `Reason` is empty; merchants whose newest result passed are absent.
pub fn sub_merchant_reasons(records: &[EventRecord]) -> BTreeMap<u64, String> {
    let mut last: BTreeMap<u64, Option<String>> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| SUB_MERCHANT_CHECK_EVENTS.contains(&r.event.as_str()))
    {
        let Some(id) = r
            .subject
            .as_deref()
            .or_else(|| r.field("MerchantId"))
            .and_then(|s| s.trim().parse::<u64>().ok())
        else {
            continue;
        };
        let pass = r
            .field("IsPass")
            .is_some_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "True"));
        let reason = (!pass).then(|| {
            r.field("Reason")
                .filter(|s| !s.trim().is_empty())
                .unwrap_or("(no reason given)")
                .to_string()
        });
        last.insert(id, reason);
    }
    last.into_iter()
        .filter_map(|(id, reason)| reason.map(|r| (id, r)))
        .collect()
}

/// Gives each REJECTED sub-merchant of `status` the reason its newest
/// `card_merchant_check_result` push carried (the event log knows better than the
/// state, which WeChat's API never tells the reason).
pub fn annotate_sub_merchants(
    rows: &mut [crate::operate::sub_merchants::SubMerchantRow],
    records: &[EventRecord],
) {
    let reasons = sub_merchant_reasons(records);
    for row in rows
        .iter_mut()
        .filter(|r| r.status == cardform_spec::submerchant::REJECTED)
    {
        if let Some(reason) = reasons.get(&row.merchant_id) {
            row.reason = Some(reason.clone());
        }
    }
}

/// Adds the notes to `status` rows (their `why`); returns, per row index, the notes
/// for the JSON output's `refuse_reason` / `low_stock` fields.
pub fn annotate(
    rows: &mut [crate::operate::review::CardStatus],
    notes: &BTreeMap<String, CardNotes>,
) -> BTreeMap<usize, CardNotes> {
    let mut extra = BTreeMap::new();
    for (i, r) in rows.iter_mut().enumerate() {
        let Some(n) = notes.get(&r.card_id) else {
            continue;
        };
        let mut shown = CardNotes::default();
        if r.review == "rejected"
            && let Some(reason) = &n.refuse_reason
        {
            let shown_reason = if reason == NO_REASON {
                tr!("ev-no-reason")
            } else {
                crate::visible::visible(reason).into_owned()
            };
            r.why = tr!("ev-status-rejected", reason = shown_reason);
            shown.refuse_reason = Some(reason.clone());
        }
        if r.review != "deleted"
            && let Some(low) = &n.low_stock
        {
            let detail = if low == LOW_STOCK_DEFAULT {
                tr!("ev-low-stock-default")
            } else {
                crate::visible::visible(low).into_owned()
            };
            r.why = tr!("ev-status-low-stock", why = r.why.as_str(), detail = detail);
            shown.low_stock = Some(low.clone());
        }
        if shown != CardNotes::default() {
            extra.insert(i, shown);
        }
    }
    extra
}

/// Writes [`annotate`]'s notes into the JSON rows (fields only where there is a note).
pub fn annotate_json(cards: &mut serde_json::Value, extra: &BTreeMap<usize, CardNotes>) {
    let Some(list) = cards.as_array_mut() else {
        return;
    };
    for (i, n) in extra {
        if let Some(obj) = list.get_mut(*i).and_then(serde_json::Value::as_object_mut) {
            if let Some(r) = &n.refuse_reason {
                obj.insert("refuse_reason".into(), r.clone().into());
            }
            if let Some(l) = &n.low_stock {
                obj.insert("low_stock".into(), l.clone().into());
            }
        }
    }
}

/// The authorizer AppIDs whose newest authorisation event is `unauthorized`: a
/// platform marks these accounts revoked for its next run (an `authorized` or
/// `updateauthorized` after it restores the account).
pub fn revoked_authorizers(records: &[EventRecord]) -> BTreeSet<String> {
    let mut last: BTreeMap<String, bool> = BTreeMap::new();
    for r in records {
        let revoked = match r.event.as_str() {
            "unauthorized" => true,
            "authorized" | "updateauthorized" => false,
            _ => continue,
        };
        if let Some(app) = &r.subject {
            last.insert(app.clone(), revoked);
        }
    }
    last.into_iter()
        .filter_map(|(app, revoked)| revoked.then_some(app))
        .collect()
}

/// How long a verify ticket is valid after WeChat pushed it (reference §16).
pub const VERIFY_TICKET_VALID_SECS: i64 = 12 * 3600;

/// The newest `component_verify_ticket` for `component_appid` still valid at
/// `now_secs` (by its CreateTime).
pub fn verify_ticket(
    records: &[EventRecord],
    component_appid: &str,
    now_secs: i64,
) -> Option<String> {
    records
        .iter()
        .rev()
        .filter(|r| r.event == "component_verify_ticket")
        .filter(|r| r.field("AppId") == Some(component_appid))
        .filter(|r| {
            r.create_time
                .is_some_and(|t| now_secs.saturating_sub(t) < VERIFY_TICKET_VALID_SECS)
        })
        .find_map(|r| r.field("ComponentVerifyTicket").map(str::to_string))
}

/// The accounts revoked according to the event log of the project in `root` (for a
/// platform's run; an unreadable or absent log revokes nothing).
///
/// # Errors
/// The log exists but cannot be read.
pub fn revoked_in_project(
    root: &std::path::Path,
    state_setting: Option<&str>,
) -> Result<BTreeSet<String>, super::EventsError> {
    let log = super::open_project_log(root, state_setting)?;
    Ok(revoked_authorizers(&log.list()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(event: &str, subject: &str, fields: &[(&str, &str)], ms: i64) -> EventRecord {
        EventRecord {
            key: format!("{event}{subject}{ms}"),
            received_at: String::new(),
            received_ms: ms,
            event: event.into(),
            subject: Some(subject.into()),
            code: None,
            create_time: Some(ms / 1000),
            mode: "plain".into(),
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), serde_json::Value::String((*v).into())))
                .collect(),
            xml: String::new(),
        }
    }

    #[test]
    fn sub_merchant_reasons_follow_the_newest_result() {
        let log = vec![
            rec(
                "card_merchant_check_result",
                "7",
                &[
                    ("MerchantId", "7"),
                    ("IsPass", "0"),
                    ("Reason", "授权函不清晰"),
                ],
                1000,
            ),
            rec(
                "card_merchant_check_result",
                "8",
                &[("MerchantId", "8"), ("IsPass", "0"), ("Reason", "old")],
                1000,
            ),
            rec(
                "card_merchant_check_result",
                "8",
                &[("MerchantId", "8"), ("IsPass", "1"), ("Reason", "")],
                2000,
            ),
            rec(
                "submerchant_check",
                "9",
                &[("MerchantId", "9"), ("IsPass", "0")],
                3000,
            ),
        ];
        let r = sub_merchant_reasons(&log);
        assert_eq!(r.get(&7).map(String::as_str), Some("授权函不清晰"));
        assert_eq!(r.get(&8), None);
        assert_eq!(r.get(&9).map(String::as_str), Some("(no reason given)"));
    }

    #[test]
    fn decisions_revocations_and_tickets() {
        let log = vec![
            rec(
                "card_not_pass_check",
                "c1",
                &[("RefuseReason", "logo blurry")],
                1000,
            ),
            rec("card_pass_check", "c2", &[], 2000),
            rec("unauthorized", "wxm1", &[], 3000),
            rec("unauthorized", "wxm2", &[], 3000),
            rec("authorized", "wxm2", &[], 4000),
            rec(
                "component_verify_ticket",
                "",
                &[("AppId", "wxc"), ("ComponentVerifyTicket", "ticket@@@1")],
                5_000_000,
            ),
        ];
        let d = latest_decisions(&log);
        assert_eq!(d["c1"].reason.as_deref(), Some("logo blurry"));
        assert!(d["c2"].approved);
        assert_eq!(
            revoked_authorizers(&log).into_iter().collect::<Vec<_>>(),
            ["wxm1"]
        );
        assert_eq!(
            verify_ticket(&log, "wxc", 5_100).as_deref(),
            Some("ticket@@@1")
        );
        assert_eq!(
            verify_ticket(&log, "wxc", 5_000 + VERIFY_TICKET_VALID_SECS),
            None
        );
        assert_eq!(verify_ticket(&log, "other", 5_100), None);
    }
}
