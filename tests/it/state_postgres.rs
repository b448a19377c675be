//! The shared state suite on the PostgreSQL backend, plus what only a database does:
//! commit races decided by the row lock, a killed runner's advisory lock, ending a
//! hung holder's session, push/pull through the binary.
//!
//! Needs `CARDFORM_TEST_PG_URL` (`scripts/with-postgres cargo test` sets it); without
//! it every test here prints a notice and passes without checking anything.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use cardform::state::postgres::PostgresBackend;
use cardform::state::{LocalBackend, LockInfo, StateBackend, StateError, StateFile};

use crate::state_suite::{Store, load_fresh, resource, seed};

const URL_ENV: &str = "CARDFORM_TEST_PG_URL";
const CHILD_URL_ENV: &str = "CARDFORM_TEST_PG_CHILD_URL";
const CHILD_HOST_ENV: &str = "CARDFORM_TEST_PG_CHILD_HOST";

/// A state row of its own (a unique `?name=`) in the test database.
pub(crate) struct PgStore {
    pub(crate) url: String,
}

impl PgStore {
    pub(crate) fn new() -> Option<PgStore> {
        let Ok(base) = std::env::var(URL_ENV) else {
            // Written past the test harness's capture so it shows in a normal run; once.
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: PostgreSQL state tests ({URL_ENV} is not set; run `scripts/with-postgres cargo test` to include them)"
                );
            });
            return None;
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        Some(PgStore {
            url: format!("{base}{sep}name=test-{}", uuid::Uuid::new_v4().simple()),
        })
    }
}

impl Store for PgStore {
    fn open(&self) -> Box<dyn StateBackend> {
        Box::new(PostgresBackend::open(&self.url).expect("connect to the test database"))
    }
}

crate::state_suite_tests!(PgStore::new);

/// Two writers that both loaded serial 1 commit at the same moment, with no run lock:
/// the row lock and the serial check let exactly one through.
#[test]
fn concurrent_commits_exactly_one_wins() {
    let Some(store) = PgStore::new() else { return };
    seed(&store, &["a"]);
    for round in 0..5 {
        let writers: Vec<(Box<dyn StateBackend>, StateFile)> = (0..2)
            .map(|_| {
                let b = store.open();
                let st = b.load().expect("load").expect("state").state;
                (b, st)
            })
            .collect();
        let expected = writers[0].1.serial;
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<Result<_, StateError>> = std::thread::scope(|s| {
            let handles: Vec<_> = writers
                .into_iter()
                .enumerate()
                .map(|(i, (b, mut st))| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        st.resources.insert(format!("r{round}-w{i}"), resource("p"));
                        barrier.wait();
                        b.commit(&st, Some(expected))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(StateError::StaleSerial { .. }))),
            "round {round}: the loser is told it is stale: {results:?}"
        );
        let st = load_fresh(&store);
        assert_eq!(st.serial, expected + 1);
        let this_round = st
            .resources
            .keys()
            .filter(|k| k.starts_with(&format!("r{round}-")))
            .count();
        assert_eq!(this_round, 1, "only the winner's change is stored");
    }
}

/// Runs in the child process only: takes the lock and waits to be killed.
#[test]
#[ignore = "helper: run as a child process by the PostgreSQL lock tests"]
fn pg_lock_holder_child() {
    let Ok(url) = std::env::var(CHILD_URL_ENV) else {
        panic!("run only by the lock tests, with {CHILD_URL_ENV} set");
    };
    let b = PostgresBackend::open(&url).expect("connect");
    let mut info = LockInfo::for_current_process("apply");
    if let Ok(host) = std::env::var(CHILD_HOST_ENV) {
        info.host = host;
    }
    let lock = b.lock(info, None).expect("child takes the lock");
    println!("LOCKED {}", lock.id());
    std::thread::sleep(Duration::from_secs(120));
    drop(lock);
}

pub(crate) fn spawn_holder(url: &str, host: Option<&str>) -> (Child, String) {
    let exe = std::env::current_exe().expect("test exe");
    // libtest names the child by its path inside this binary
    // (`state_postgres::pg_lock_holder_child`).
    let name = concat!(module_path!(), "::pg_lock_holder_child");
    let name = name.split_once("::").expect("a module of the test crate").1;
    let mut cmd = Command::new(exe);
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_URL_ENV, url)
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    if let Some(h) = host {
        cmd.env(CHILD_HOST_ENV, h);
    }
    let mut child = cmd.spawn().expect("spawn holder");
    let out = child.stdout.take().expect("stdout");
    let mut id = None;
    for line in BufReader::new(out).lines() {
        let line = line.expect("read child");
        if let Some((_, rest)) = line.split_once("LOCKED ") {
            id = Some(rest.trim().to_string());
            break;
        }
    }
    (child, id.expect("child reported the lock"))
}

#[test]
fn killed_runner_releases_its_lock() {
    let Some(store) = PgStore::new() else { return };
    let (mut child, id) = spawn_holder(&store.url, None);
    let pid = child.id();
    let b = store.open();
    let err = b
        .lock(LockInfo::for_current_process("plan"), None)
        .expect_err("held by the child");
    match &err {
        StateError::Locked { holder, .. } => {
            assert_eq!(holder.id, id);
            assert_eq!(holder.pid, pid);
        }
        other => panic!("expected Locked, got {other}"),
    }
    // A live holder on this host is not forced.
    let err = b.force_unlock(&id).expect_err("holder alive");
    assert!(matches!(err, StateError::HolderAlive { .. }), "{err}");

    child.kill().expect("kill -9");
    child.wait().expect("reap");
    // The server ends the killed runner's session, and its advisory lock with it.
    let lock = b
        .lock(
            LockInfo::for_current_process("plan"),
            Some(Duration::from_secs(20)),
        )
        .expect("free once the runner is dead");
    let stale = lock.replaced_stale().expect("the dead holder is reported");
    assert_eq!(stale.pid, pid);
    assert_eq!(stale.id, id);
}

#[test]
fn force_unlock_of_a_dead_holder_names_it() {
    let Some(store) = PgStore::new() else { return };
    let (mut child, id) = spawn_holder(&store.url, None);
    let pid = child.id();
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let b = store.open();
    let err = b.force_unlock("wrong-id").expect_err("mismatch");
    assert!(err.to_string().contains(&id), "names the holder: {err}");
    let mut held = None;
    // The server may take a moment to notice the closed connection.
    for _ in 0..100 {
        match b.force_unlock(&id) {
            Ok(h) => {
                held = Some(h);
                break;
            }
            Err(StateError::HolderAlive { .. }) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("force-unlock: {e}"),
        }
    }
    let held = held.expect("released");
    assert_eq!(held.pid, pid);
    assert!(matches!(
        b.force_unlock(&id),
        Err(StateError::NotLocked { .. })
    ));
}

/// A holder on another machine whose session is still open (a hung runner): forcing
/// the lock ends its session, so it can neither keep the lock nor write afterwards.
#[test]
fn force_unlock_ends_a_hung_remote_holders_session() {
    let Some(store) = PgStore::new() else { return };
    let (mut child, id) = spawn_holder(&store.url, Some("ci-runner-elsewhere"));
    let b = store.open();
    let held = b.force_unlock(&id).expect("forced");
    assert_eq!(held.host, "ci-runner-elsewhere");
    let lock = b.lock(LockInfo::for_current_process("apply"), None);
    let _ = child.kill();
    let _ = child.wait();
    assert!(lock.is_ok(), "lock free after forcing: {:?}", lock.err());
}

#[test]
fn push_and_pull_through_the_binary() {
    let Some(store) = PgStore::new() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("cardform.toml"),
        format!(
            "endpoint = \"sandbox\"\nstate = \"{}\"\n[account]\nappid = \"wxsandbox\"\n",
            store.url
        ),
    )
    .expect("toml");
    // A local state to migrate.
    let local = dir.path().join("old.state.json");
    let lb = LocalBackend::new(&local);
    lb.load().expect("load");
    let mut st = StateFile::new();
    st.resources.insert("a".into(), resource("pa"));
    st.resources.insert("b".into(), resource("pb"));
    lb.commit(&st, None).expect("commit");
    let d = dir.path().to_str().expect("utf-8");
    let l = local.to_str().expect("utf-8");

    cargo_bin_cmd!("cardform")
        .args(["state", "push", l, "--dir", d])
        .assert()
        .success();
    let out = cargo_bin_cmd!("cardform")
        .args(["state", "list", "--dir", d])
        .output()
        .expect("run");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("a\tpa"), "{listed}");
    assert!(listed.contains("b\tpb"), "{listed}");
    let pulled = load_fresh(&store);
    assert_eq!(pulled.lineage, st.lineage);
    assert_eq!(pulled.resources, st.resources);

    // Edit in PostgreSQL, pull back to a new local file.
    cargo_bin_cmd!("cardform")
        .args(["state", "rm", "b", "--dir", d])
        .assert()
        .success();
    let back = dir.path().join("back.state.json");
    cargo_bin_cmd!("cardform")
        .args([
            "state",
            "pull",
            "--out",
            back.to_str().expect("utf-8"),
            "--dir",
            d,
        ])
        .assert()
        .success();
    let got = LocalBackend::new(&back)
        .load()
        .expect("load")
        .expect("state")
        .state;
    assert_eq!(got.lineage, st.lineage);
    assert_eq!(got.resources.keys().collect::<Vec<_>>(), ["a"]);

    // Pushing the old local state again would go back in time: refused.
    let out = cargo_bin_cmd!("cardform")
        .args(["state", "push", l, "--dir", d])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer"));
    // The URL's credentials never appear; stdout of pull is the document itself.
    let out = cargo_bin_cmd!("cardform")
        .args(["state", "pull", "--dir", d])
        .output()
        .expect("run");
    let doc: StateFile = serde_json::from_slice(&out.stdout).expect("document on stdout");
    assert_eq!(doc.resources.len(), 1);
}
