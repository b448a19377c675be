//! Recorded-persister tests, in the style of Pulumi's snapshot tests (design.md
//! guarantee 1): a [`StateBackend`] wrapper records, at every journal record and every
//! commit of an in-process apply, what is on disk — the state files and the emulator's
//! persisted world. For each recorded point the test then:
//!
//! - loads the captured state and checks its pending operations are exactly the intents
//!   written so far without an outcome (an intent is durable before its call is made);
//! - materialises "the process died right here" (the captured state with the world as
//!   it was), and "died just before this write" (the previous write's state with this
//!   write's world: the call was made or committed, its record never landed), runs a
//!   normal apply, and asserts convergence: every
//!   address ↔ exactly one live card, no live card unknown to the state, nothing
//!   pending, and a further plan has no changes.
//!
//! Both phases are covered: a first apply (image upload, creates) and a second one with
//! an in-place update, a stock change, a replacement, a deletion and a creation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardform::state::{
    Committed, JournalRecord, Loaded, LocalBackend, LockInfo, StateBackend, StateError, StateFile,
    StateLock,
};
use uuid::Uuid;

use crate::crash_support::inproc::{
    apply_once, live_cards, local, plan_has_changes, read_state, start_emulator, write_project,
};
use crate::crash_support::{Desired, cards_toml, check, initial, second_phase};

/// Files of one folder whose names start with a prefix (lock files excluded).
type Files = Vec<(String, Vec<u8>)>;

fn grab(dir: &Path, prefix: &str) -> Files {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix)
            && !name.contains(".lock")
            && let Ok(bytes) = std::fs::read(entry.path())
        {
            out.push((name, bytes));
        }
    }
    out.sort();
    out
}

fn put(dir: &Path, files: &Files) {
    std::fs::create_dir_all(dir).expect("dir");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write captured file");
    }
}

/// What was on disk right after one write.
#[derive(Clone)]
struct Capture {
    label: String,
    /// The phase whose desired set was being applied.
    phase: usize,
    state: Files,
    world: Files,
    /// Intents written so far without an outcome.
    open: BTreeSet<Uuid>,
    /// The write was an intent (its call comes next).
    intent: bool,
}

#[derive(Default)]
struct Log {
    phase: usize,
    open: BTreeSet<Uuid>,
    captures: Vec<Capture>,
}

/// The local backend, recording what is on disk after every write.
struct Recorder {
    inner: LocalBackend,
    state_dir: PathBuf,
    world_dir: PathBuf,
    log: Arc<Mutex<Log>>,
}

impl Recorder {
    fn capture(&self, label: String, intent: bool) {
        let mut log = self.log.lock().expect("log");
        let c = Capture {
            label,
            phase: log.phase,
            state: grab(&self.state_dir, "cardform.state.json"),
            world: grab(&self.world_dir, "world.json"),
            open: log.open.clone(),
            intent,
        };
        log.captures.push(c);
    }
}

impl StateBackend for Recorder {
    fn load(&self) -> Result<Option<Loaded>, StateError> {
        self.inner.load()
    }

    fn record(&self, record: &JournalRecord) -> Result<u64, StateError> {
        let seq = self.inner.record(record)?;
        let (label, intent) = {
            let mut log = self.log.lock().expect("log");
            match record {
                JournalRecord::Intent { op } => {
                    log.open.insert(op.id);
                    (format!("intent {} {}", op.op.as_str(), op.address), true)
                }
                JournalRecord::Outcome { op_id, .. } => {
                    log.open.remove(op_id);
                    (format!("outcome {op_id}"), false)
                }
                JournalRecord::Abandoned { op_id } => {
                    log.open.remove(op_id);
                    (format!("abandoned {op_id}"), false)
                }
            }
        };
        self.capture(format!("#{seq} {label}"), intent);
        Ok(seq)
    }

    fn commit(&self, state: &StateFile, expected: Option<u64>) -> Result<Committed, StateError> {
        let c = self.inner.commit(state, expected)?;
        self.capture(format!("commit serial {}", c.serial), false);
        Ok(c)
    }

    fn lock(&self, info: LockInfo, timeout: Option<Duration>) -> Result<StateLock, StateError> {
        self.inner.lock(info, timeout)
    }

    fn force_unlock(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        self.inner.force_unlock(lock_id)
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Runs both phases against one emulator, recording every write.
async fn record_run(phases: &[Desired]) -> Vec<Capture> {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("project");
    let world_dir = dir.path().join("emulator");
    std::fs::create_dir_all(&world_dir).expect("emulator dir");
    let emu = start_emulator(&world_dir.join("world.json"), Vec::new()).await;
    let log = Arc::new(Mutex::new(Log::default()));
    for (phase, desired) in phases.iter().enumerate() {
        write_project(&root, &cards_toml(desired), 1);
        let recorder = Recorder {
            inner: LocalBackend::new(root.join("state/cardform.state.json")),
            state_dir: root.join("state"),
            world_dir: world_dir.clone(),
            log: log.clone(),
        };
        log.lock().expect("log").phase = phase;
        recorder.capture(format!("phase {phase} starts"), false);
        let report = apply_once(
            &root,
            emu.base_url(),
            Box::new(recorder),
            Duration::from_secs(5),
        )
        .await
        .expect("recorded apply");
        assert!(report.failures.is_empty(), "{:?}", report.failures);
    }
    emu.shutdown().await.expect("shutdown");
    let log = Arc::try_unwrap(log)
        .map_err(|_| "log still shared")
        .expect("log")
        .into_inner()
        .expect("log");
    log.captures
}

/// "Crashed right after `state` was written, with the world as in `world`": recover
/// and check convergence. Returns the problems found.
async fn recover(state: &Files, world: &Files, desired: &Desired) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("project");
    let world_dir = dir.path().join("emulator");
    write_project(&root, &cards_toml(desired), 1);
    put(&root.join("state"), state);
    put(&world_dir, world);
    let emu = start_emulator(&world_dir.join("world.json"), Vec::new()).await;
    let url = emu.base_url().to_string();
    let mut problems = Vec::new();
    match apply_once(&root, &url, local(&root), Duration::from_secs(5)).await {
        Err(e) => problems.push(format!("the recovering apply failed: {e}")),
        Ok(r) if !r.failures.is_empty() => problems.push(format!(
            "the recovering apply had failures: {:?}",
            r.failures
        )),
        Ok(_) => {
            let (_, found) = check(&read_state(&root), &live_cards(&url).await, desired);
            problems.extend(found);
            match plan_has_changes(&root, &url).await {
                Ok(false) => {}
                Ok(true) => problems.push("a further plan has changes".into()),
                Err(e) => problems.push(format!("a further plan failed: {e}")),
            }
        }
    }
    let _ = emu.shutdown().await;
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_any_state_write_converges() {
    let first = initial(5);
    let phases = vec![first.clone(), second_phase(&first)];
    let captures = record_run(&phases).await;
    let intents = captures.iter().filter(|c| c.intent).count();
    assert!(
        intents >= 10,
        "the scenario makes every kind of call: {intents} intents"
    );

    let mut failures = Vec::new();
    for (k, c) in captures.iter().enumerate() {
        // What a crash here leaves on disk: the pending ops are exactly the open intents.
        let probe = tempfile::tempdir().expect("temp dir");
        put(probe.path(), &c.state);
        let loaded = LocalBackend::new(probe.path().join("cardform.state.json"))
            .load()
            .expect("every captured state loads");
        let pending: BTreeSet<Uuid> = loaded
            .map(|l| l.state.pending.iter().map(|p| p.id).collect())
            .unwrap_or_default();
        if pending != c.open {
            failures.push(format!(
                "after write {k} ({}): pending on disk {pending:?}, expected {:?}",
                c.label, c.open
            ));
        }

        let desired = &phases[c.phase];
        let mut cases = vec![("crashed right after it", &c.state)];
        // The world may move before a write lands: a call answered (or committed with
        // its answer lost) whose outcome, or a call made whose intent, was never
        // written. So also: the previous write's state with this write's world.
        if let Some(prev) = k
            .checked_sub(1)
            .and_then(|p| captures.get(p))
            .filter(|p| p.phase == c.phase)
        {
            cases.push(("crashed just before it, world already moved", &prev.state));
        }
        for (when, state) in cases {
            let problems = recover(state, &c.world, desired).await;
            if !problems.is_empty() {
                failures.push(format!(
                    "write {k} ({}), {when}: {}",
                    c.label,
                    problems.join("; ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
