//! Crash safety through the real binary: an interrupted create that matches several
//! live cards stops apply until `cardform state resolve` settles it; Ctrl-C stops new
//! operations and records those in flight; two applies at once never both run.

use std::process::Stdio;
use std::time::Duration;

use crate::common::{Emulator, TestProject, cardform, run_cmd};
use crate::crash_support::{cards_toml, check, initial, parse_cards, project_toml};

fn project(emu: &Emulator, n: usize) -> TestProject {
    TestProject::with(&project_toml(&emu.url, 5), &cards_toml(&initial(n)))
}

#[test]
fn ambiguous_interrupted_create_stops_apply_until_resolved() {
    let emu = Emulator::start(&[]);
    // Another project makes a card with exactly the content of c000.
    let other = project(&emu, 1);
    other
        .run(&["apply", "{dir}", "--auto-approve"])
        .expect_code(0);
    let p = project(&emu, 1);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(
            serde_json::json!([{"path": "/card/create", "mode": "commit-then-drop", "calls": [1]}]),
        ),
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(1);
    assert!(out.stderr.contains("may or may not"), "{}", out.stderr);
    emu.admin("POST", "/__emulator/faults", Some(serde_json::json!([])));

    // Two live cards match the interrupted create: apply refuses and names both.
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("state resolve c000 --adopt"),
        "{}",
        out.stderr
    );
    let live = parse_cards(&emu.admin("GET", "/__emulator/cards", None));
    let other_id = other.state()["resources"]["c000"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let ours = live
        .iter()
        .find(|c| c.card_id != other_id)
        .map(|c| c.card_id.clone())
        .expect("the card the interrupted create made");
    assert!(out.stderr.contains(&ours) && out.stderr.contains(&other_id));
    // A card another address already holds cannot be adopted twice; ours can.
    p.run(&[
        "state", "resolve", "c000", "--adopt", &ours, "--dir", "{dir}",
    ])
    .expect_code(0);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
    assert_eq!(p.state()["resources"]["c000"]["card_id"], ours.as_str());
    // Nothing left to resolve.
    let out = p.run(&["state", "resolve", "c000", "--forget", "--dir", "{dir}"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("no operation"), "{}", out.stderr);
}

#[test]
fn forget_drops_an_interrupted_create() {
    let emu = Emulator::start(&[]);
    let p = project(&emu, 2);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/create", "mode": "drop", "calls": [1]}])),
    );
    p.run(&["apply", "{dir}", "--auto-approve", "--parallelism", "1"])
        .expect_code(1);
    emu.admin("POST", "/__emulator/faults", Some(serde_json::json!([])));
    assert_eq!(p.state()["pending"].as_array().map(Vec::len), Some(1));
    p.run(&["state", "resolve", "c000", "--forget", "--dir", "{dir}"])
        .expect_code(0);
    assert_eq!(p.state()["pending"].as_array().map(Vec::len), Some(0));
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let (_, problems) = check(
        &p.state(),
        &parse_cards(&emu.admin("GET", "/__emulator/cards", None)),
        &initial(2),
    );
    assert!(problems.is_empty(), "{problems:?}");
}

fn sigint(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
}

#[test]
fn ctrl_c_stops_new_operations_and_records_those_in_flight() {
    let emu = Emulator::start(&["--latency-ms", "40"]);
    let p = project(&emu, 30);
    let child = cardform()
        .args(["apply", &p.path().to_string_lossy(), "--auto-approve"])
        .args(["--parallelism", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until cards are being created, then interrupt once.
    for _ in 0..200 {
        let n = parse_cards(&emu.admin("GET", "/__emulator/cards", None)).len();
        if n >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    sigint(child.id());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Interrupted"), "{stderr}");
    assert!(stderr.contains("not started"), "{stderr}");
    // In-flight operations finished and were recorded: nothing pending, no orphan.
    let state = p.state();
    assert_eq!(
        state["pending"].as_array().map(Vec::len),
        Some(0),
        "{state}"
    );
    let live = parse_cards(&emu.admin("GET", "/__emulator/cards", None));
    assert!(live.len() < 30, "the apply stopped early");
    assert_eq!(
        state["resources"].as_object().map(|r| r.len()),
        Some(live.len()),
        "every card made is in the state"
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let live = parse_cards(&emu.admin("GET", "/__emulator/cards", None));
    let (_, problems) = check(&p.state(), &live, &initial(30));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn second_ctrl_c_exits_at_once_and_the_next_run_converges() {
    let emu = Emulator::start(&["--latency-ms", "60"]);
    let p = project(&emu, 20);
    let child = cardform()
        .args(["apply", &p.path().to_string_lossy(), "--auto-approve"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    for _ in 0..200 {
        if !parse_cards(&emu.admin("GET", "/__emulator/cards", None)).is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    sigint(child.id());
    std::thread::sleep(Duration::from_millis(30));
    sigint(child.id());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(130) | Some(1)), "{stderr}");
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let live = parse_cards(&emu.admin("GET", "/__emulator/cards", None));
    let (_, problems) = check(&p.state(), &live, &initial(20));
    assert!(problems.is_empty(), "{problems:?}");
}

/// The lock itself is covered by the state suite (tests/it/state_suite, "lock_*" and
/// "concurrent_sessions_exactly_one_wins"); this is the same through two processes.
#[test]
fn two_applies_at_once_one_runs_the_other_fails_naming_the_holder() {
    let emu = Emulator::start(&["--latency-ms", "300"]);
    let p = project(&emu, 10);
    let creating = |emu: &Emulator| {
        for _ in 0..300 {
            if !parse_cards(&emu.admin("GET", "/__emulator/cards", None)).is_empty() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    let dir = p.path().to_string_lossy().to_string();
    let first = cardform()
        .args(["apply", &dir, "--auto-approve"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    creating(&emu);
    let second = run_cmd(cardform().args(["apply", &dir, "--auto-approve"]));
    let first = first.wait_with_output().expect("wait");
    assert_eq!(first.status.code(), Some(0));
    assert_ne!(second.code, 0, "{}", second.stdout);
    assert!(second.stderr.contains("force-unlock"), "{}", second.stderr);
    // With --lock-timeout the second one waits for the first and then has nothing to do.
    std::fs::write(p.cards_file(), cards_toml(&initial(14))).expect("cards");
    let third = cardform()
        .args(["apply", &dir, "--auto-approve"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    for _ in 0..300 {
        if parse_cards(&emu.admin("GET", "/__emulator/cards", None)).len() > 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let fourth =
        run_cmd(cardform().args(["apply", &dir, "--auto-approve", "--lock-timeout", "60s"]));
    let _ = third.wait_with_output();
    assert_eq!(fourth.code, 0, "{}", fourth.stderr);
    let (_, problems) = check(
        &p.state(),
        &parse_cards(&emu.admin("GET", "/__emulator/cards", None)),
        &initial(14),
    );
    assert!(problems.is_empty(), "{problems:?}");
}

/// Faults seen through the binary, with a low `[limits] timeout_seconds`: a create
/// slower than the timeout is reported as outcome unknown (never resent), a quota
/// error stops the run with WeChat's errcode; the next apply converges either way.
#[test]
fn slow_create_and_quota_stop_with_the_right_message_then_converge() {
    let emu = Emulator::start(&[]);
    let p = TestProject::with(&project_toml(&emu.url, 1), &cards_toml(&initial(3)));
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/create", "latency_ms": 1500, "calls": [1]}])),
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--parallelism", "1"]);
    out.expect_code(1);
    assert!(out.stderr.contains("may or may not"), "{}", out.stderr);
    emu.admin("POST", "/__emulator/faults", Some(serde_json::json!([])));
    // Let the slow call finish on the server before the next run looks for its card.
    std::thread::sleep(Duration::from_millis(800));
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let (_, problems) = check(
        &p.state(),
        &parse_cards(&emu.admin("GET", "/__emulator/cards", None)),
        &initial(3),
    );
    assert!(problems.is_empty(), "{problems:?}");

    std::fs::write(p.cards_file(), cards_toml(&initial(8))).expect("cards");
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/create", "errcode": 45009, "calls": [2]}])),
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--parallelism", "1"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("45009") && out.stderr.contains("stopped early"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("not started"), "{}", out.stderr);
    emu.admin("POST", "/__emulator/faults", Some(serde_json::json!([])));
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let (_, problems) = check(
        &p.state(),
        &parse_cards(&emu.admin("GET", "/__emulator/cards", None)),
        &initial(8),
    );
    assert!(problems.is_empty(), "{problems:?}");
}
