//! The event log in PostgreSQL (`cardform_events`): durable, stored once per key,
//! listed and polled in order, one log per state name. Needs `CARDFORM_TEST_PG_URL`
//! (`scripts/with-postgres cargo test`); without it the test prints a notice and passes
//! without checking anything, as the other PostgreSQL tests do.

use cardform::state::events::{Appended, EventRecord, open_event_log};

use crate::state_postgres::PgStore;

fn rec(key: &str, event: &str, subject: &str) -> EventRecord {
    EventRecord {
        key: key.into(),
        received_at: "2026-12-07T00:00:00.000Z".into(),
        received_ms: 1_700_000_000_000,
        event: event.into(),
        subject: Some(subject.into()),
        code: None,
        create_time: Some(1_700_000_000),
        mode: "encrypted".into(),
        fields: [("RefuseReason".to_string(), serde_json::json!("模糊"))]
            .into_iter()
            .collect(),
        xml: "<xml><Event>card_not_pass_check</Event></xml>".into(),
    }
}

#[test]
fn postgres_event_log_stores_once_and_polls_in_order() {
    let Some(store) = PgStore::new() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open_event_log(dir.path(), Some(&store.url)).expect("open the PostgreSQL log");
    assert!(log.describe().contains("cardform_events"));
    let mut cursor = 0;
    assert!(log.poll(&mut cursor).expect("poll").is_empty());
    let first = rec("u|1|card_not_pass_check|pA||", "card_not_pass_check", "pA");
    assert_eq!(log.append(&first).expect("append"), Appended::Stored);
    assert_eq!(log.append(&first).expect("retry"), Appended::Duplicate);
    let second = rec("u|2|card_pass_check|pB||", "card_pass_check", "pB");
    assert_eq!(log.append(&second).expect("append"), Appended::Stored);
    let polled = log.poll(&mut cursor).expect("poll");
    assert_eq!(polled, vec![first.clone(), second.clone()]);
    assert!(log.poll(&mut cursor).expect("poll again").is_empty());
    // Another connection (another process, e.g. `status`) sees the same rows, and a
    // reopened log still refuses the stored key.
    let again = open_event_log(dir.path(), Some(&store.url)).expect("reopen");
    assert_eq!(again.list().expect("list"), vec![first.clone(), second]);
    assert_eq!(again.append(&first).expect("dup"), Appended::Duplicate);
    // Another state's name has a log of its own.
    let Some(other) = PgStore::new() else { return };
    let other_log = open_event_log(dir.path(), Some(&other.url)).expect("other");
    assert!(other_log.list().expect("list").is_empty());
}
