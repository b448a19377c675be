//! The fault matrix (design.md guarantees 1 and 6): each of the emulator's fault rules
//! against the call it matters for, in-process with millisecond backoffs. For each row:
//! the faulted apply either completes or stops with the right failure, and a following
//! normal apply converges with zero duplicates and zero lost cards (the stock checked
//! against the declared total, so a delta sent twice would show).

use std::time::Duration;

use cardform::apply::ApplyOutcome;
use cardform::emulator::FaultRule;

use crate::crash_support::inproc::{
    apply_once, live_cards, local, plan_has_changes, read_state, start_emulator, write_project,
};
use crate::crash_support::{self, Desired, cards_toml, check, initial, second_phase};

/// What the faulted apply must end with.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Every change done despite the fault (retried, or idempotent).
    Completed,
    /// A card failed with WeChat's outcome unknown (resolved by the next run).
    OutcomeUnknown,
    /// A card failed with this errcode.
    Errcode(i64),
}

struct Row {
    name: &'static str,
    /// 0: the fault hits the first apply (upload, creates); 1: the second (update,
    /// stock, replace, delete, create).
    phase: usize,
    faults: &'static [&'static str],
    expect: Expect,
    /// The client timeout of the faulted run.
    timeout: Duration,
    /// Wait this long before converging (a slow call still running on the server).
    settle: Duration,
}

const SHORT: Duration = Duration::from_millis(800);
const NORMAL: Duration = Duration::from_secs(5);
const NONE: Duration = Duration::ZERO;

fn rows() -> Vec<Row> {
    use Expect::*;
    let row = |name, phase, faults, expect| Row {
        name,
        phase,
        faults,
        expect,
        timeout: NORMAL,
        settle: NONE,
    };
    vec![
        row(
            "system busy -1",
            0,
            &["path=*,errcode=-1,calls=2+4+6+9"],
            Completed,
        ),
        row(
            "system busy -1 on update/stock/delete",
            1,
            &["path=*,errcode=-1,probability=0.3,seed=3"],
            Completed,
        ),
        row(
            "rate limited 45011",
            0,
            &["path=/card/create,errcode=45011,calls=1+2"],
            Completed,
        ),
        row(
            "daily quota 45009",
            0,
            &["path=/card/create,errcode=45009,calls=2"],
            Errcode(45009),
        ),
        row(
            "token expired 42001 mid-run",
            0,
            &["path=/card/create,errcode=42001,calls=3"],
            Completed,
        ),
        row(
            "token invalid 40001 mid-run",
            1,
            &["path=/card/update,errcode=40001,calls=1"],
            Completed,
        ),
        row(
            "HTTP 500 on reads",
            1,
            &["path=/card/get,status=500,calls=1-3"],
            Completed,
        ),
        row(
            "HTTP 502 on create",
            0,
            &["path=/card/create,status=502,calls=2"],
            OutcomeUnknown,
        ),
        row(
            "HTTP 502 on delete",
            1,
            &["path=/card/delete,status=502,calls=1"],
            Completed,
        ),
        row(
            "connection reset on create",
            0,
            &["path=/card/create,mode=drop,calls=1"],
            OutcomeUnknown,
        ),
        row(
            "connection reset on update",
            1,
            &["path=/card/update,mode=drop,calls=1"],
            Completed,
        ),
        row(
            "connection reset on stock",
            1,
            &["path=/card/modifystock,mode=drop,calls=1"],
            OutcomeUnknown,
        ),
        Row {
            timeout: SHORT,
            settle: Duration::from_millis(1500),
            ..row(
                "slow create beyond the timeout",
                0,
                &["path=/card/create,latency_ms=1200,calls=2"],
                OutcomeUnknown,
            )
        },
        Row {
            timeout: SHORT,
            settle: Duration::from_millis(1500),
            ..row(
                "slow reads beyond the timeout",
                1,
                &["path=/card/get,latency_ms=1200,calls=1"],
                Completed,
            )
        },
        row(
            "commit-then-drop on create",
            0,
            &["path=/card/create,mode=commit-then-drop,calls=1+3"],
            OutcomeUnknown,
        ),
        row(
            "commit-then-drop on update",
            1,
            &["path=/card/update,mode=commit-then-drop,calls=1"],
            Completed,
        ),
        row(
            "commit-then-drop on delete",
            1,
            &["path=/card/delete,mode=commit-then-drop,calls=1+2"],
            Completed,
        ),
        row(
            "commit-then-drop on modifystock",
            1,
            &["path=/card/modifystock,mode=commit-then-drop,calls=1"],
            OutcomeUnknown,
        ),
        row(
            "commit-then-drop on the replacement's create",
            1,
            &["path=/card/create,mode=commit-then-drop,calls=1"],
            OutcomeUnknown,
        ),
        row(
            "commit-then-drop on image upload",
            0,
            &["path=/cgi-bin/media/uploadimg,mode=commit-then-drop,calls=1"],
            OutcomeUnknown,
        ),
    ]
}

fn outcome_matches(expect: Expect, r: &ApplyOutcome) -> bool {
    match expect {
        Expect::Completed => r.failures.is_empty(),
        Expect::OutcomeUnknown => r.failures.iter().any(|f| f.outcome_unknown),
        Expect::Errcode(code) => {
            r.failures.iter().any(|f| f.errcode == Some(code))
                && r.stopped
                    .as_deref()
                    .is_some_and(|m| m.contains(&code.to_string()))
        }
    }
}

async fn set_faults(url: &str, rules: &[FaultRule]) {
    let resp = reqwest::Client::new()
        .post(format!("{url}/__emulator/faults"))
        .json(rules)
        .send()
        .await
        .expect("set faults");
    assert!(resp.status().is_success(), "faults accepted");
}

async fn calls_to(url: &str, path: &str) -> usize {
    let doc: serde_json::Value = reqwest::get(format!("{url}/__emulator/calls"))
        .await
        .expect("calls")
        .json()
        .await
        .expect("calls JSON");
    doc["calls"]
        .as_array()
        .map(|c| c.iter().filter(|e| e["path"] == path).count())
        .unwrap_or(0)
}

async fn fired(url: &str) -> usize {
    let doc: serde_json::Value = reqwest::get(format!("{url}/__emulator/calls"))
        .await
        .expect("calls")
        .json()
        .await
        .expect("calls JSON");
    crash_support::faults_fired(&doc)
}

/// Runs one row; returns its problems.
async fn run_row(row: &Row) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("project");
    let first: Desired = initial(4);
    let phases = [first.clone(), second_phase(&first)];
    let emu = start_emulator(&dir.path().join("world.json"), Vec::new()).await;
    let url = emu.base_url().to_string();
    let mut problems = Vec::new();
    if row.phase == 1 {
        write_project(&root, &cards_toml(&phases[0]), 2);
        match apply_once(&root, &url, local(&root), NORMAL).await {
            Ok(r) if r.failures.is_empty() => {}
            other => problems.push(format!("setup apply: {other:?}")),
        }
    }
    let desired = &phases[row.phase];
    write_project(&root, &cards_toml(desired), 2);
    let rules: Vec<FaultRule> = row
        .faults
        .iter()
        .map(|s| s.parse().expect("fault spec"))
        .collect();
    set_faults(&url, &rules).await;
    match apply_once(&root, &url, local(&root), row.timeout).await {
        Ok(r) if outcome_matches(row.expect, &r) => {}
        Ok(r) => problems.push(format!(
            "faulted apply: expected {:?}, got failures {:?} (stopped: {:?})",
            row.expect, r.failures, r.stopped
        )),
        Err(e) => problems.push(format!("faulted apply could not run: {e}")),
    }
    set_faults(&url, &[]).await;
    // A call the client gave up on is not in the call log (its connection is gone), so
    // the slow rows are checked by their outcome only.
    if row.settle == NONE && fired(&url).await == 0 {
        problems.push("the fault never fired".into());
    }
    tokio::time::sleep(row.settle).await;
    let stock_calls = calls_to(&url, "/card/modifystock").await;
    match apply_once(&root, &url, local(&root), NORMAL).await {
        Ok(r) if r.failures.is_empty() => {}
        other => problems.push(format!("converging apply: {other:?}")),
    }
    if row.name.contains("modifystock") && calls_to(&url, "/card/modifystock").await != stock_calls
    {
        problems.push("the stock change was sent again after its outcome was lost".into());
    }
    let (found, p) = check(&read_state(&root), &live_cards(&url).await, desired);
    problems.extend(p);
    assert_eq!(
        found.duplicates + found.orphans + found.lost,
        0,
        "{}: {problems:?}",
        row.name
    );
    match plan_has_changes(&root, &url).await {
        Ok(false) => {}
        other => problems.push(format!("a further plan: {other:?}")),
    }
    let _ = emu.shutdown().await;
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_completes_or_stops_right_and_converges() {
    let mut failures = Vec::new();
    for row in rows() {
        let problems = run_row(&row).await;
        if !problems.is_empty() {
            failures.push(format!("{}: {}", row.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
