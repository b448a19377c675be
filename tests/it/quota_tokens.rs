//! Quota and token sanity through the real binary against the real emulator (issue 12,
//! part 3): a token outage costs a handful of token calls per run, not a few per card,
//! and ends the run with one error; 45009 stops the run at once.

use serde_json::{Value, json};

use crate::common::{Emulator, TestProject};
use crate::crash_support::{cards_toml, check, initial, parse_cards, project_toml};

/// The calls the emulator logged after `since`.
fn calls_since(emu: &Emulator, since: u64) -> Vec<Value> {
    emu.admin("GET", &format!("/__emulator/calls?since={since}"), None)["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn last_seq(emu: &Emulator) -> u64 {
    calls_since(emu, 0)
        .last()
        .and_then(|c| c["seq"].as_u64())
        .unwrap_or(0)
}

fn count(calls: &[Value], path: &str) -> usize {
    calls.iter().filter(|c| c["path"] == path).count()
}

/// A project of `n` cards, applied.
fn applied_project(emu: &Emulator, n: usize) -> TestProject {
    let p = TestProject::with(&project_toml(&emu.url, 5), &cards_toml(&initial(n)));
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p
}

/// 25 cards during a token outage (stable_token answers 503): the failed fetch is
/// shared by every card waiting for it and retried with backoff once for the run
/// (today's main: 125 token calls and 142 s), no card call is made, and the run ends
/// with one error naming the token endpoint, the cause and what to do.
#[test]
fn a_token_outage_is_retried_once_per_run_and_fails_it_with_one_error() {
    let emu = Emulator::start(&[]);
    let p = applied_project(&emu, 25);
    let since = last_seq(&emu);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(json!([{"path": "/cgi-bin/stable_token", "status": 503}])),
    );
    let started = std::time::Instant::now();
    let out = p.run(&["plan", "{dir}"]);
    let took = started.elapsed();
    out.expect_code(1);
    let calls = calls_since(&emu, since);
    let tokens = count(&calls, "/cgi-bin/stable_token");
    eprintln!(
        "token outage, 25 cards: {tokens} token calls, {} calls in all, {:.1} s",
        calls.len(),
        took.as_secs_f64()
    );
    // One fetch for the run, with the client's retries (5 attempts in all).
    assert!((1..=5).contains(&tokens), "{tokens} token calls: {calls:?}");
    assert_eq!(
        calls.len(),
        tokens,
        "no card call without a token: {calls:?}"
    );
    let err = &out.stderr;
    assert_eq!(
        err.matches("access token").count(),
        1,
        "one error, not one per card:\n{err}"
    );
    assert!(
        err.contains("/cgi-bin/stable_token") && err.contains("503"),
        "{err}"
    );
    assert!(err.contains("What to do"), "{err}");

    // A refused AppSecret is not retried at all, and says so.
    let since = last_seq(&emu);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(json!([{"path": "/cgi-bin/stable_token", "errcode": 40125}])),
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(1);
    let calls = calls_since(&emu, since);
    assert_eq!(count(&calls, "/cgi-bin/stable_token"), 1, "{calls:?}");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        out.stderr.contains("40125") && out.stderr.contains("AppSecret"),
        "{}",
        out.stderr
    );

    // The outage over, the next run works.
    emu.admin("POST", "/__emulator/faults", Some(json!([])));
    p.run(&["plan", "{dir}"]).expect_code(0);
}

/// 45009 on card/get during the refresh: the first one stops the plan; no call follows
/// it, and the message names the quota and what to do.
#[test]
fn daily_quota_stops_the_plan_at_the_first_45009() {
    let emu = Emulator::start(&[]);
    let p = applied_project(&emu, 12);
    let since = last_seq(&emu);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(json!([{"path": "/card/get", "errcode": 45009, "calls": [3]}])),
    );
    let out = p.run(&["plan", "{dir}", "--parallelism", "1"]);
    out.expect_code(1);
    let calls = calls_since(&emu, since);
    let first = calls
        .iter()
        .position(|c| c["errcode"] == 45009)
        .unwrap_or_else(|| panic!("no 45009 logged: {calls:?}"));
    assert_eq!(
        calls.len(),
        first + 1,
        "calls after the first 45009: {:?}",
        &calls[first..]
    );
    assert!(
        out.stderr.contains("45009") && out.stderr.contains("stops"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.matches("45009").count(), 1, "{}", out.stderr);
}

/// The same through apply with the emulator's daily quota on card/create: the run stops
/// at the first 45009 (only calls already in flight may follow it), what finished is in
/// the state, and once the quota is lifted the next apply converges.
#[test]
fn daily_quota_stops_apply_records_what_finished_and_the_next_run_converges() {
    let emu = Emulator::start(&[]);
    let p = TestProject::with(&project_toml(&emu.url, 5), &cards_toml(&initial(20)));
    emu.admin(
        "POST",
        "/__emulator/quotas",
        Some(json!([{"path": "/card/create", "daily": 6}])),
    );
    let parallelism = 4;
    let out = p.run(&[
        "apply",
        "{dir}",
        "--auto-approve",
        "--parallelism",
        &parallelism.to_string(),
    ]);
    out.expect_code(1);
    assert!(out.stderr.contains("stopped early"), "{}", out.stderr);
    let calls = calls_since(&emu, 0);
    let first = calls
        .iter()
        .position(|c| c["errcode"] == 45009)
        .unwrap_or_else(|| panic!("no 45009 logged: {calls:?}"));
    let after = calls.len() - first - 1;
    assert!(
        after < parallelism,
        "{after} calls after the first 45009 (at most the {} others in flight): {:?}",
        parallelism - 1,
        &calls[first..]
    );
    // Every card created is in the state.
    let live = parse_cards(&emu.admin("GET", "/__emulator/cards", None));
    let state = p.state();
    let known = state["resources"].as_object().map_or(0, |r| r.len());
    assert_eq!(live.len(), 6, "the quota allows 6 creates");
    assert_eq!(known, live.len(), "{state}");

    emu.admin(
        "POST",
        "/__emulator/quotas",
        Some(json!([{"path": "/card/create", "daily": 1000}])),
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let (_, problems) = check(
        &p.state(),
        &parse_cards(&emu.admin("GET", "/__emulator/cards", None)),
        &initial(20),
    );
    assert!(problems.is_empty(), "{problems:?}");
}
