//! The state test suite every backend must pass. A backend test file provides a
//! `Store` (something that opens fresh backend instances onto one shared store, as two
//! runs would) and instantiates the suite with `state_suite_tests!`.

use std::time::Duration;

use cardform::state::{
    Change, ImageRecord, LockInfo, OpKind, PendingOperation, ResourceState, StateBackend,
    StateError, StateFile, StateSession,
};
use uuid::Uuid;

/// Opens new backend instances onto the same stored state.
pub trait Store {
    fn open(&self) -> Box<dyn StateBackend>;
}

pub fn resource(card_id: &str) -> ResourceState {
    ResourceState {
        card_id: card_id.to_string(),
        card_type: "CASH".into(),
        applied: serde_json::json!({"base_info": {"title": format!("title of {card_id}"), "color": "Color010"}}),
        applied_hash: format!("hash-{card_id}"),
        live_fingerprint: Some(format!("live-{card_id}")),
        status: Some("CARD_STATUS_VERIFY_OK".into()),
        updated_at: 1_764_300_000,
        managed: None,
        desired_hash: None,
    }
}

pub fn op(address: &str, kind: OpKind) -> PendingOperation {
    PendingOperation {
        id: Uuid::new_v4(),
        address: address.to_string(),
        op: kind,
        card_id: None,
        request_fingerprint: format!("fp-{address}"),
        started_at: 1_764_300_000,
        detail: serde_json::json!({"note": "test"}),
    }
}

fn put(address: &str, card_id: &str) -> Change {
    Change::PutResource {
        address: address.into(),
        resource: resource(card_id),
    }
}

/// Loads through a fresh instance (as the next run would).
pub fn load_fresh(store: &dyn Store) -> StateFile {
    store
        .open()
        .load()
        .expect("load")
        .expect("a state exists")
        .state
}

/// Stores an initial state holding `addresses` and returns it as stored.
pub fn seed(store: &dyn Store, addresses: &[&str]) -> StateFile {
    let b = store.open();
    assert!(b.load().expect("load").is_none(), "store starts empty");
    let mut st = StateFile::new();
    for a in addresses {
        st.resources
            .insert((*a).to_string(), resource(&format!("p-{a}")));
    }
    let c = b.commit(&st, None).expect("first commit");
    assert_eq!(c.serial, 1);
    st.serial = c.serial;
    st.journal_seq = c.journal_seq;
    st
}

pub fn round_trip_and_serial_rules(store: &dyn Store) {
    let st = seed(store, &["a", "b"]);
    let loaded = load_fresh(store);
    assert_eq!(loaded.lineage, st.lineage);
    assert_eq!(loaded.serial, 1);
    assert_eq!(loaded.resources, st.resources);

    // Same content: serial stays.
    let b = store.open();
    let cur = b.load().expect("load").expect("state").state;
    let c = b.commit(&cur, Some(cur.serial)).expect("commit unchanged");
    assert_eq!((c.serial, c.content_changed), (1, false));

    // Changed content: serial + 1, lineage kept.
    let mut next = cur.clone();
    next.images.insert(
        "ab".repeat(32),
        ImageRecord {
            url: "http://mmbiz.qpic.cn/x".into(),
            file: "assets/logo.jpg".into(),
            uploaded_at: 5,
        },
    );
    let c = b.commit(&next, Some(1)).expect("commit changed");
    assert_eq!((c.serial, c.content_changed), (2, true));
    let again = load_fresh(store);
    assert_eq!(again.serial, 2);
    assert_eq!(again.lineage, st.lineage);
    assert_eq!(again.images.len(), 1);
}

pub fn journal_outcomes_and_pending(store: &dyn Store) {
    seed(store, &["keep"]);
    let b = store.open();
    b.load().expect("load");
    let created = op("new_card", OpKind::Create);
    let unknown = op("half_done", OpKind::Create);
    let dropped = op("never_sent", OpKind::Update);
    b.record_intent(&created).expect("intent");
    b.record_outcome(created.id, &[put("new_card", "p-new")])
        .expect("outcome");
    b.record_intent(&unknown).expect("intent");
    b.record_intent(&dropped).expect("intent");
    b.record_abandoned(dropped.id).expect("abandon");
    drop(b); // a crash: no commit

    let loaded = store.open().load().expect("load").expect("state");
    let st = loaded.state;
    assert_eq!(st.serial, 1, "journal records do not bump the serial");
    assert_eq!(st.resources["new_card"].card_id, "p-new");
    assert_eq!(st.pending.len(), 1);
    assert_eq!(st.pending[0].id, unknown.id);
    assert_eq!(st.pending[0].address, "half_done");
    assert!(st.journal_seq >= 5);

    // Loading twice gives the same state (replay is deterministic and idempotent).
    assert_eq!(load_fresh(store), st);
}

pub fn commit_folds_the_journal(store: &dyn Store) {
    seed(store, &[]);
    let (session, _) = StateSession::open(store.open(), "apply", None).expect("session");
    for i in 0..50 {
        let o = op(&format!("c{i}"), OpKind::Create);
        session.begin(o.clone()).expect("begin");
        session
            .finish(o.id, vec![put(&format!("c{i}"), &format!("p{i}"))])
            .expect("finish");
    }
    let c = session.commit().expect("commit");
    assert_eq!(c.serial, 2);
    drop(session);
    let st = load_fresh(store);
    assert_eq!(st.resources.len(), 50);
    assert!(st.pending.is_empty());
    assert_eq!(st.serial, 2);
    // After the commit the journal is empty: new records continue from its position.
    let (session, _) = StateSession::open(store.open(), "apply", None).expect("session");
    let o = op("c0", OpKind::Delete);
    session.begin(o.clone()).expect("begin");
    session
        .finish(
            o.id,
            vec![Change::RemoveResource {
                address: "c0".into(),
            }],
        )
        .expect("finish");
    drop(session);
    let st2 = load_fresh(store);
    assert_eq!(st2.resources.len(), 49);
    assert!(st2.journal_seq > st.journal_seq);
}

pub fn first_record_stores_an_initial_state(store: &dyn Store) {
    let (session, notices) = StateSession::open(store.open(), "apply", None).expect("session");
    assert!(notices.is_empty());
    let o = op("first", OpKind::Create);
    session.begin(o.clone()).expect("begin");
    drop(session);
    let st = load_fresh(store);
    assert_eq!(st.pending.len(), 1);
    assert_eq!(st.pending[0].id, o.id);
}

pub fn refuses_other_lineage(store: &dyn Store) {
    seed(store, &["a"]);
    let b = store.open();
    b.load().expect("load");
    let stranger = StateFile::new();
    let err = b.commit(&stranger, None).expect_err("must refuse");
    assert!(
        matches!(err, StateError::LineageMismatch { .. }),
        "got {err}"
    );
    assert_eq!(load_fresh(store).resources.len(), 1, "left untouched");
}

pub fn refuses_stale_serial(store: &dyn Store) {
    seed(store, &["a"]);
    let first = store.open();
    let second = store.open();
    let mut s1 = first.load().expect("load").expect("state").state;
    let mut s2 = second.load().expect("load").expect("state").state;
    s1.resources.insert("from_first".into(), resource("p1"));
    first.commit(&s1, Some(1)).expect("first writer wins");
    s2.resources.insert("from_second".into(), resource("p2"));
    let err = second.commit(&s2, Some(1)).expect_err("second is stale");
    assert!(
        matches!(
            err,
            StateError::StaleSerial {
                found: 2,
                expected: 1,
                ..
            }
        ),
        "got {err}"
    );
    // Without an expected serial, an older state is still refused.
    let err = second.commit(&s2, None).expect_err("older serial");
    assert!(matches!(err, StateError::NewerSerial { .. }), "got {err}");
    let st = load_fresh(store);
    assert!(st.resources.contains_key("from_first"));
    assert!(!st.resources.contains_key("from_second"));
}

pub fn lock_excludes_and_names_holder(store: &dyn Store) {
    let a = store.open();
    let b = store.open();
    let held = a
        .lock(LockInfo::for_current_process("apply"), None)
        .expect("first lock");
    let err = b
        .lock(
            LockInfo::for_current_process("plan"),
            Some(Duration::from_millis(200)),
        )
        .expect_err("second must wait then fail");
    match &err {
        StateError::Locked { holder, .. } => {
            assert_eq!(holder.id, held.id());
            assert_eq!(holder.pid, std::process::id());
            assert_eq!(holder.operation, "apply");
        }
        other => panic!("expected Locked, got {other}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(&format!("cardform force-unlock {}", held.id())),
        "{text}"
    );
    // A wrong id never releases anything.
    let err = b.force_unlock("not-the-id").expect_err("mismatch");
    assert!(
        matches!(err, StateError::LockIdMismatch { .. }),
        "got {err}"
    );
    drop(held);
    let again = b
        .lock(LockInfo::for_current_process("plan"), None)
        .expect("free after release");
    assert!(
        again.replaced_stale().is_none(),
        "a clean release leaves no stale record"
    );
}

pub fn waiting_lock_gets_it_when_released(store: &dyn Store) {
    let a = store.open();
    let held = a
        .lock(LockInfo::for_current_process("apply"), None)
        .expect("first lock");
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(held);
    });
    let b = store.open();
    let got = b.lock(
        LockInfo::for_current_process("plan"),
        Some(Duration::from_secs(30)),
    );
    releaser.join().expect("thread");
    assert!(
        got.is_ok(),
        "the waiting run gets the lock: {:?}",
        got.err()
    );
}

pub fn record_needs_a_loaded_state(store: &dyn Store) {
    let b = store.open();
    let err = b
        .record_intent(&op("x", OpKind::Create))
        .expect_err("nothing loaded");
    assert!(matches!(err, StateError::Usage(_)), "got {err}");
}

pub fn commit_must_include_the_journal(store: &dyn Store) {
    seed(store, &[]);
    let b = store.open();
    let st = b.load().expect("load").expect("state").state;
    b.record_intent(&op("x", OpKind::Create)).expect("intent");
    // `st` does not contain the record just made: committing it would lose it.
    let err = b.commit(&st, Some(st.serial)).expect_err("must refuse");
    assert!(matches!(err, StateError::Usage(_)), "got {err}");
    assert_eq!(load_fresh(store).pending.len(), 1);
}

pub fn concurrent_sessions_exactly_one_wins(store: &dyn Store) {
    seed(store, &[]);
    let results: Vec<Result<(), StateError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let backend = store.open();
                s.spawn(move || -> Result<(), StateError> {
                    let (session, _) = StateSession::open(backend, "apply", None)?;
                    let o = op(&format!("w{i}"), OpKind::Create);
                    session.begin(o.clone())?;
                    // Hold the lock a moment so the runs overlap.
                    std::thread::sleep(Duration::from_millis(200));
                    session.finish(o.id, vec![put(&format!("w{i}"), "p")])?;
                    session.commit()?;
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "exactly one run proceeds: {results:?}");
    assert!(results.iter().any(|r| matches!(
        r,
        Err(StateError::Locked { .. } | StateError::LockedUnknown { .. })
    )));
    let st = load_fresh(store);
    assert_eq!(st.resources.len(), 1);
    assert_eq!(st.serial, 2);
}

/// Instantiates the suite for a backend: `state_suite_tests!(|| -> Option<impl Store>)`.
/// The closure returns `None` when the backend is unavailable (test skipped).
#[macro_export]
macro_rules! state_suite_tests {
    ($make:expr) => {
        $crate::state_suite_tests!(@t $make;
            round_trip_and_serial_rules, journal_outcomes_and_pending, commit_folds_the_journal,
            first_record_stores_an_initial_state, refuses_other_lineage, refuses_stale_serial,
            lock_excludes_and_names_holder, waiting_lock_gets_it_when_released,
            record_needs_a_loaded_state, commit_must_include_the_journal,
            concurrent_sessions_exactly_one_wins);
    };
    (@t $make:expr; $($name:ident),*) => {
        $(
            #[test]
            fn $name() {
                let make = $make;
                if let Some(store) = make() {
                    $crate::state_suite::$name(&store);
                }
            }
        )*
    };
}
