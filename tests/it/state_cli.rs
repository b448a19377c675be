//! `cardform state …` and `cardform force-unlock` through the real binary, and the run
//! lock between real processes (a child process holds it; the child is this test
//! binary re-run with `lock_holder_child`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use cardform::state::{LocalBackend, LockInfo, OpKind, StateBackend, StateFile};
use predicates::prelude::*;

use crate::state_suite::{op, resource};

const HOLD_ENV: &str = "CARDFORM_TEST_HOLD_LOCK";
const RELEASE_ENV: &str = "CARDFORM_TEST_RELEASE_FILE";

fn state_path(dir: &Path) -> PathBuf {
    dir.join("state").join("cardform.state.json")
}

/// A project folder with a state holding `a`, `b` and `p` (with a pending op on `p`).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("cardform.toml"),
        "endpoint = \"sandbox\"\n[account]\nappid = \"wxsandbox\"\n",
    )
    .expect("write toml");
    let b = LocalBackend::new(state_path(dir.path()));
    assert!(b.load().expect("load").is_none());
    let mut st = StateFile::new();
    for a in ["a", "b", "p"] {
        st.resources
            .insert(a.into(), resource(&format!("pcard-{a}")));
    }
    let c = b.commit(&st, None).expect("commit");
    st.serial = c.serial;
    b.record_intent(&op("p", OpKind::Update)).expect("intent");
    dir
}

fn cardform() -> assert_cmd::Command {
    cargo_bin_cmd!("cardform")
}

/// stderr with miette's line wrapping and frame characters removed, so a message can
/// be matched whatever the width it was wrapped at.
fn flat(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace(['│', '×', '╰', '─', '▶'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cardform ARGS`, expects exit code `code`, returns flattened stderr.
fn fails_with(args: &[&str], code: i32) -> String {
    let out = cardform().args(args).output().expect("run cardform");
    assert_eq!(
        out.status.code(),
        Some(code),
        "cardform {args:?}: stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    flat(&out.stderr)
}

/// Runs in the child process only: takes the lock and holds it until the release
/// file appears (or the parent kills it).
#[test]
#[ignore = "helper: run as a child process by the lock tests"]
fn lock_holder_child() {
    let (Ok(state), Ok(release)) = (std::env::var(HOLD_ENV), std::env::var(RELEASE_ENV)) else {
        panic!("run only by the lock tests, with {HOLD_ENV} and {RELEASE_ENV} set");
    };
    let b = LocalBackend::new(state);
    let lock = b
        .lock(LockInfo::for_current_process("apply"), None)
        .expect("child takes the lock");
    println!("LOCKED {}", lock.id());
    let release = PathBuf::from(release);
    for _ in 0..1200 {
        if release.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(lock);
}

struct Holder {
    child: Child,
    id: String,
    release: PathBuf,
}

impl Holder {
    fn start(dir: &Path) -> Holder {
        let release = dir.join("release-the-lock");
        let exe = std::env::current_exe().expect("test exe");
        // libtest names the child by its path inside this binary (`state_cli::lock_holder_child`).
        let name = concat!(module_path!(), "::lock_holder_child");
        let name = name.split_once("::").expect("a module of the test crate").1;
        let mut child = Command::new(exe)
            .args([
                name,
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOLD_ENV, state_path(dir))
            .env(RELEASE_ENV, &release)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn holder");
        let out = child.stdout.take().expect("stdout");
        let mut id = None;
        for line in BufReader::new(out).lines() {
            let line = line.expect("read child");
            // The harness prints "test state_cli::lock_holder_child ... " on the same line.
            if let Some((_, rest)) = line.split_once("LOCKED ") {
                id = Some(rest.trim().to_string());
                break;
            }
        }
        let id = id.expect("child reported the lock");
        Holder { child, id, release }
    }

    fn kill(&mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reap");
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.release, b"");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn list_show_rm_mv_through_the_binary() {
    let dir = project();
    let d = dir.path().to_str().expect("utf-8 path");
    cardform()
        .args(["state", "list", "--dir", d])
        .assert()
        .success()
        .stdout(predicate::str::contains("a\tpcard-a\tCASH"))
        .stdout(predicate::str::contains("p\tpcard-p"))
        .stderr(predicate::str::contains("pending: update p"));

    let out = cardform()
        .args(["state", "list", "--dir", d, "--format", "json"])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["format_version"], "1");
    assert_eq!(doc["resources"].as_array().map(Vec::len), Some(3));
    assert_eq!(doc["pending"][0]["address"], "p");

    cardform()
        .args(["state", "show", "a", "--dir", d])
        .assert()
        .success()
        .stdout(predicate::str::contains("card_id:          pcard-a"))
        .stdout(predicate::str::contains("\"title\": \"title of pcard-a\""));
    let err = fails_with(&["state", "show", "bb", "--dir", d], 1);
    assert!(err.contains("Did you mean `b`?"), "{err}");

    // rm: backup first, then the edit.
    let rm = cardform()
        .args(["state", "rm", "a", "--dir", d])
        .assert()
        .success()
        .stdout(predicate::str::contains("Removed a (card pcard-a)"))
        .stdout(predicate::str::contains("Backup of the previous state"));
    let stdout = String::from_utf8_lossy(&rm.get_output().stdout).into_owned();
    let backup = stdout
        .lines()
        .find_map(|l| l.split("previous state: ").nth(1))
        .expect("backup path printed");
    let saved: StateFile =
        serde_json::from_slice(&std::fs::read(backup.trim()).expect("backup")).expect("parses");
    assert!(
        saved.resources.contains_key("a"),
        "backup holds the pre-edit state"
    );
    assert_eq!(saved.pending.len(), 1, "backup includes journaled records");

    cardform()
        .args(["state", "mv", "b", "renamed", "--dir", d])
        .assert()
        .success()
        .stdout(predicate::str::contains("Moved b to renamed."));
    let err = fails_with(&["state", "mv", "renamed", "p", "--dir", d], 1);
    assert!(err.contains("already in the state"), "{err}");
    // An address with an unresolved operation cannot be edited.
    let err = fails_with(&["state", "rm", "p", "--dir", d], 1);
    assert!(err.contains("pending update"), "{err}");

    let st = LocalBackend::new(state_path(dir.path()))
        .load()
        .expect("load")
        .expect("state")
        .state;
    let keys: Vec<&str> = st.resources.keys().map(String::as_str).collect();
    assert_eq!(keys, ["p", "renamed"]);
    assert_eq!(st.serial, 3);
    assert_eq!(st.pending.len(), 1, "the pending op survives edits");
}

#[test]
fn garbage_state_is_reported_and_never_overwritten_by_the_binary() {
    let dir = project();
    let d = dir.path().to_str().expect("utf-8 path");
    // Make a .backup exist, then break the state.
    cardform()
        .args(["state", "rm", "a", "--dir", d])
        .assert()
        .success();
    let path = state_path(dir.path());
    std::fs::write(&path, b"{\"version\": 1, \"resou").expect("break");
    let err = fails_with(&["state", "list", "--dir", d], 1);
    assert!(err.contains("cardform.state.json.backup"), "{err}");
    assert!(err.contains("will not overwrite"), "{err}");
    fails_with(&["state", "rm", "b", "--dir", d], 1);
    assert_eq!(
        std::fs::read(&path).expect("read"),
        b"{\"version\": 1, \"resou",
        "left as it was"
    );
}

#[test]
fn second_process_is_refused_naming_the_holder() {
    let dir = project();
    let d = dir.path().to_str().expect("utf-8 path");
    let holder = Holder::start(dir.path());
    let err = fails_with(&["state", "rm", "a", "--dir", d], 1);
    assert!(err.contains(&format!("pid {}", holder.child.id())), "{err}");
    assert!(err.contains("`apply`"), "{err}");
    assert!(
        err.contains(&format!("cardform force-unlock {}", holder.id)),
        "{err}"
    );
    // A live holder's lock is not forced.
    let err = fails_with(&["force-unlock", &holder.id, "--dir", d], 1);
    assert!(err.contains("still held by a running process"), "{err}");
}

#[test]
fn waiting_process_proceeds_when_the_holder_finishes() {
    let dir = project();
    let d = dir.path().to_str().expect("utf-8 path");
    let holder = Holder::start(dir.path());
    let release = holder.release.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        std::fs::write(release, b"").expect("release");
    });
    cardform()
        .args(["state", "rm", "a", "--dir", d, "--lock-timeout", "60s"])
        .assert()
        .success();
    t.join().expect("thread");
    drop(holder);
}

#[test]
fn killed_holder_does_not_block_and_force_unlock_names_it() {
    let dir = project();
    let d = dir.path().to_str().expect("utf-8 path");
    let mut holder = Holder::start(dir.path());
    let pid = holder.child.id();
    holder.kill();
    // The lock record is left behind, but the lock itself died with the process.
    assert!(
        dir.path()
            .join("state/cardform.state.json.lock.info")
            .exists()
    );
    let err = fails_with(&["force-unlock", "not-the-id", "--dir", d], 1);
    assert!(err.contains(&holder.id), "names the real holder: {err}");
    cardform()
        .args(["force-unlock", &holder.id, "--dir", d])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("pid {pid}")))
        .stdout(predicate::str::contains("`apply`"));
    assert!(
        !dir.path()
            .join("state/cardform.state.json.lock.info")
            .exists()
    );
    let err = fails_with(&["force-unlock", &holder.id, "--dir", d], 1);
    assert!(err.contains("not locked"), "{err}");
}

#[test]
fn next_run_takes_over_a_killed_holders_lock() {
    let dir = project();
    let d = dir.path().to_str().expect("utf-8 path");
    let mut holder = Holder::start(dir.path());
    let pid = holder.child.id();
    holder.kill();
    cardform()
        .args(["state", "rm", "a", "--dir", d])
        .assert()
        .success()
        .stderr(predicate::str::contains("no longer running"))
        .stderr(predicate::str::contains(format!("pid {pid}")));
}
