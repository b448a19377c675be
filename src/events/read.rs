//! What the commands read from the event log: a card's latest review decision and its
//! reason, low-stock alarms, revoked authorizers, the newest verify ticket.

use std::collections::{BTreeMap, BTreeSet};

use super::EventRecord;

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
                .unwrap_or("stock is running low");
            out.insert(card.clone(), detail.to_string());
        }
    }
    // An alarm older than the card's last claim-side refill is still shown: WeChat
    // sends no "stock is fine again" event.
    out
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
    fn decisions_revocations_and_tickets() {
        let log = vec![
            rec("card_not_pass_check", "c1", &[("RefuseReason", "logo blurry")], 1000),
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
        assert_eq!(verify_ticket(&log, "wxc", 5_100).as_deref(), Some("ticket@@@1"));
        assert_eq!(verify_ticket(&log, "wxc", 5_000 + VERIFY_TICKET_VALID_SECS), None);
        assert_eq!(verify_ticket(&log, "other", 5_100), None);
    }
}
