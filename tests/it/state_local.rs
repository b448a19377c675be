//! The shared state suite on the local backend, plus what only a file can suffer:
//! torn writes, leftover temp files, garbage, backups.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use cardform::state::{
    Change, LocalBackend, OpKind, StateBackend, StateError, StateFile, StateSession,
};

use crate::state_suite::{Store, load_fresh, op, resource, seed};

struct LocalStore {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl LocalStore {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state").join("cardform.state.json");
        LocalStore { _dir: dir, path }
    }
    fn backend(&self) -> LocalBackend {
        LocalBackend::new(&self.path)
    }
    fn journal(&self) -> PathBuf {
        self.backend().journal_path()
    }
}

impl Store for LocalStore {
    fn open(&self) -> Box<dyn StateBackend> {
        Box::new(self.backend())
    }
}

crate::state_suite_tests!(|| Some(LocalStore::new()));

fn append(path: &std::path::Path, bytes: &[u8]) {
    let mut f = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("open");
    f.write_all(bytes).expect("write");
}

#[test]
fn leftover_temp_files_are_ignored_and_cleaned() {
    let s = LocalStore::new();
    seed(&s, &["a"]);
    let dir = s.path.parent().expect("dir").to_path_buf();
    // What a crash between "temp written" and "rename" leaves behind.
    let tmp = dir.join(".cardform.state.json.tmp-deadbeef");
    fs::write(&tmp, b"{\"version\": 1, \"lineage\": \"half").expect("write");
    let st = load_fresh(&s);
    assert_eq!(st.resources.len(), 1);
    let b = s.backend();
    let mut cur = b.load().expect("load").expect("state").state;
    cur.resources.insert("b".into(), resource("p-b"));
    b.commit(&cur, Some(cur.serial)).expect("commit");
    assert!(!tmp.exists(), "stale temp file removed by the next commit");
}

#[test]
fn previous_snapshot_is_kept_as_backup() {
    let s = LocalStore::new();
    seed(&s, &["a"]);
    let b = s.backend();
    let mut cur = b.load().expect("load").expect("state").state;
    cur.resources.insert("b".into(), resource("p-b"));
    b.commit(&cur, Some(1)).expect("commit");
    let backup = fs::read(b.backup_path()).expect("backup exists");
    let prev: StateFile = serde_json::from_slice(&backup).expect("backup parses");
    assert_eq!(prev.serial, 1);
    assert_eq!(prev.resources.len(), 1);
    assert_eq!(load_fresh(&s).serial, 2);
}

#[test]
fn torn_last_journal_line_is_ignored_and_reported() {
    let s = LocalStore::new();
    seed(&s, &[]);
    let b = s.backend();
    b.load().expect("load");
    let o = op("x", OpKind::Create);
    b.record_intent(&o).expect("intent");
    b.record_outcome(
        o.id,
        &[Change::PutResource {
            address: "x".into(),
            resource: resource("p-x"),
        }],
    )
    .expect("outcome");
    drop(b);
    // A crash mid-append: half a record, no newline.
    append(&s.journal(), b"{\"seq\":3,\"lineage\":\"0000");
    let loaded = s.backend().load().expect("load").expect("state");
    assert_eq!(loaded.state.resources["x"].card_id, "p-x");
    assert!(loaded.state.pending.is_empty());
    assert!(
        loaded.notices.iter().any(|n| n.contains("cut short")),
        "{:?}",
        loaded.notices
    );
    // The next append cuts the torn tail first, so the journal stays readable.
    let b = s.backend();
    b.load().expect("load");
    b.record_intent(&op("y", OpKind::Create)).expect("intent");
    let again = s.backend().load().expect("load").expect("state");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.state.pending.len(), 1);
    assert_eq!(again.state.pending[0].address, "y");
}

#[test]
fn torn_tail_of_zero_bytes_is_ignored() {
    let s = LocalStore::new();
    seed(&s, &["a"]);
    let b = s.backend();
    b.load().expect("load");
    b.record_intent(&op("z", OpKind::Delete)).expect("intent");
    append(&s.journal(), &[0u8; 37]);
    let loaded = s.backend().load().expect("load").expect("state");
    assert_eq!(loaded.state.pending.len(), 1);
    assert_eq!(loaded.notices.len(), 1);
}

#[test]
fn garbled_journal_line_in_the_middle_is_an_error_and_kept() {
    let s = LocalStore::new();
    seed(&s, &["a"]);
    let b = s.backend();
    b.load().expect("load");
    b.record_intent(&op("x", OpKind::Create)).expect("intent");
    drop(b);
    // A damaged record followed by a good one: not a torn tail, so not skippable.
    append(&s.journal(), b"this is not json\n");
    append(
        &s.journal(),
        br#"{"seq":9,"lineage":"00000000-0000-0000-0000-000000000000","record":{"abandoned":{"op_id":"00000000-0000-0000-0000-000000000000"}}}
"#,
    );
    let before = fs::read(s.journal()).expect("read");
    let err = s.backend().load().expect_err("must fail");
    match &err {
        StateError::Corrupt { location, .. } => assert!(location.contains("line 2"), "{location}"),
        other => panic!("expected Corrupt, got {other}"),
    }
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(
        fs::read(s.journal()).expect("read"),
        before,
        "journal untouched"
    );
}

#[test]
fn garbage_snapshot_is_never_overwritten() {
    let s = LocalStore::new();
    seed(&s, &["a"]);
    // A loaded session, then the file goes bad under it.
    let b = s.backend();
    let mut cur = b.load().expect("load").expect("state").state;
    cur.resources.insert("b".into(), resource("p-b"));
    b.commit(&cur, Some(1))
        .expect("commit (creates the backup)");
    let garbage = b"{\"version\": 1, \"lineage\": \"4f1c\x00\x00\x00".to_vec();
    fs::write(&s.path, &garbage).expect("write garbage");

    let err = s.backend().load().expect_err("must fail");
    let text = err.to_string();
    assert!(matches!(err, StateError::Corrupt { .. }), "{text}");
    assert!(text.contains(".backup"), "points at the backup: {text}");

    cur.resources.insert("c".into(), resource("p-c"));
    let err = b
        .commit(&cur, Some(2))
        .expect_err("must refuse to overwrite");
    assert!(matches!(err, StateError::Corrupt { .. }), "{err}");
    assert_eq!(
        fs::read(&s.path).expect("read"),
        garbage,
        "never overwritten"
    );

    // An empty file (Terraform's classic failure) is named as such.
    fs::write(&s.path, b"").expect("truncate");
    let err = s.backend().load().expect_err("empty");
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn newer_format_version_is_refused_and_kept() {
    let s = LocalStore::new();
    fs::create_dir_all(s.path.parent().expect("dir")).expect("mkdir");
    let doc = br#"{"version": 9, "lineage": "x", "serial": 3, "new_things": []}"#;
    fs::write(&s.path, doc).expect("write");
    let err = s.backend().load().expect_err("refused");
    assert!(
        matches!(err, StateError::UnsupportedVersion { found: 9, .. }),
        "{err}"
    );
    assert_eq!(fs::read(&s.path).expect("read"), doc);
}

#[test]
fn journal_without_snapshot_is_an_error() {
    let s = LocalStore::new();
    seed(&s, &[]);
    let b = s.backend();
    b.load().expect("load");
    b.record_intent(&op("x", OpKind::Create)).expect("intent");
    fs::remove_file(&s.path).expect("remove snapshot");
    let err = s.backend().load().expect_err("must fail");
    assert!(
        matches!(err, StateError::JournalWithoutState { .. }),
        "{err}"
    );
}

/// A crash after the new snapshot was renamed into place but before the journal was
/// truncated: the old records must not be applied again (a later `rm` stays removed).
#[test]
fn crash_between_snapshot_and_journal_truncation_applies_nothing_twice() {
    let s = LocalStore::new();
    seed(&s, &[]);
    let (session, _) = StateSession::open(s.open(), "apply", None).expect("session");
    let o = op("a", OpKind::Create);
    session.begin(o.clone()).expect("begin");
    session
        .finish(
            o.id,
            vec![Change::PutResource {
                address: "a".into(),
                resource: resource("p-a"),
            }],
        )
        .expect("finish");
    let old_journal = fs::read(s.journal()).expect("journal");
    session.commit().expect("commit");
    // Now remove `a` by an edit, and commit again.
    session.edit(|st| st.resources.remove("a"));
    session.commit().expect("commit");
    drop(session);
    // Put the pre-commit journal back, as if truncation never happened.
    fs::write(s.journal(), &old_journal).expect("restore journal");
    let loaded = s.backend().load().expect("load").expect("state");
    assert!(
        loaded.state.resources.is_empty(),
        "the old Put was not replayed"
    );
    assert!(loaded.state.pending.is_empty());
    assert!(loaded.notices.iter().any(|n| n.contains("already part")));
    // And the journal keeps working afterwards.
    let (session, _) = StateSession::open(s.open(), "apply", None).expect("session");
    session.begin(op("b", OpKind::Create)).expect("begin");
    drop(session);
    let st = load_fresh(&s);
    assert_eq!(st.pending.len(), 1);
    assert!(st.resources.is_empty());
}

/// Every prefix of a journal (a crash after any byte) loads, and never shows an
/// outcome without having applied it in full.
#[test]
fn every_journal_prefix_loads() {
    let s = LocalStore::new();
    seed(&s, &[]);
    let b = s.backend();
    b.load().expect("load");
    let mut ops = Vec::new();
    for i in 0..4 {
        let o = op(&format!("k{i}"), OpKind::Create);
        b.record_intent(&o).expect("intent");
        b.record_outcome(
            o.id,
            &[Change::PutResource {
                address: format!("k{i}"),
                resource: resource(&format!("p{i}")),
            }],
        )
        .expect("outcome");
        ops.push(o);
    }
    drop(b);
    let full = fs::read(s.journal()).expect("journal");
    for cut in 0..=full.len() {
        fs::write(s.journal(), &full[..cut]).expect("write prefix");
        let loaded = s
            .backend()
            .load()
            .unwrap_or_else(|e| panic!("prefix {cut}: {e}"));
        let st = loaded.expect("state").state;
        // Each address is either pending (intent only) or present (outcome), not both.
        for (i, o) in ops.iter().enumerate() {
            let pending = st.pending.iter().any(|p| p.id == o.id);
            let present = st.resources.contains_key(&format!("k{i}"));
            assert!(
                !(pending && present),
                "prefix {cut}: k{i} both pending and present"
            );
        }
    }
}

#[test]
fn state_file_has_header_first_and_one_resource_a_line() {
    let s = LocalStore::new();
    seed(&s, &["b", "a"]);
    let text = fs::read_to_string(&s.path).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "{");
    assert!(lines[1].contains("\"version\": 1"));
    assert!(lines[2].contains("\"lineage\""));
    assert!(lines[3].contains("\"serial\": 1"));
    assert!(lines[5].contains("\"content_hash\""));
    assert_eq!(lines[6], "  \"resources\": {");
    // One resource a line, sorted by address, so a diff of two states reads per card.
    assert!(lines[7].starts_with("    \"a\": {\"card_id\":"), "{text}");
    assert!(lines[8].starts_with("    \"b\": {\"card_id\":"), "{text}");
    assert_eq!(lines[9], "  },");
    assert_eq!(lines.last(), Some(&"}"));
    // Any JSON reader takes it.
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["resources"].as_object().map(|m| m.len()), Some(2));
}

/// A commit reuses the header it read at load only while the file is the same one; a
/// snapshot rewritten in place by someone else (same inode) is read again and its newer
/// serial refuses the commit.
#[test]
fn snapshot_edited_in_place_after_load_is_noticed() {
    let s = LocalStore::new();
    seed(&s, &["a"]);
    let b = s.open();
    let mut st = b.load().expect("load").expect("state").state;
    let text = fs::read_to_string(&s.path).expect("read");
    let bumped = text.replacen("\"serial\": 1,", "\"serial\": 7,", 1);
    assert_ne!(bumped, text);
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&s.path)
            .expect("open in place");
        f.write_all(bumped.as_bytes()).expect("write");
    }
    st.resources.insert("z".into(), resource("pz"));
    let err = b.commit(&st, Some(1)).expect_err("must refuse");
    assert!(
        matches!(
            err,
            StateError::StaleSerial {
                expected: 1,
                found: 7,
                ..
            }
        ),
        "got {err}"
    );
}

/// Group commit: records made from many threads at once (apply's workers) are each
/// durable when their call returns, in one journal with distinct sequence numbers, and
/// all come back on the next load.
#[test]
fn concurrent_records_are_all_durable() {
    let s = LocalStore::new();
    seed(&s, &[]);
    let (session, _) = StateSession::open(s.open(), "apply", None).expect("session");
    let threads: usize = 8;
    let per_thread: usize = 25;
    std::thread::scope(|scope| {
        for t in 0..threads {
            let session = &session;
            scope.spawn(move || {
                for i in 0..per_thread {
                    let o = op(&format!("t{t}-{i}"), OpKind::Create);
                    session.begin(o.clone()).expect("begin");
                    if i % 2 == 0 {
                        session
                            .finish(
                                o.id,
                                vec![Change::PutResource {
                                    address: o.address.clone(),
                                    resource: resource(&format!("p-{t}-{i}")),
                                }],
                            )
                            .expect("finish");
                    }
                }
            });
        }
    });
    let in_memory = session.snapshot();
    drop(session);
    let journal = fs::read_to_string(s.journal()).expect("journal");
    let mut seqs: Vec<u64> = journal
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("journal line")["seq"]
                .as_u64()
                .expect("seq")
        })
        .collect();
    let count = seqs.len();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), count, "sequence numbers are distinct");
    assert_eq!(count, threads * (per_thread + per_thread.div_ceil(2)));
    let loaded = load_fresh(&s);
    assert_eq!(loaded.resources.len(), threads * per_thread.div_ceil(2));
    assert_eq!(loaded.pending.len(), threads * (per_thread / 2));
    assert_eq!(loaded.resources, in_memory.resources);
}
