//! The edges of running a plan: numeric flags bounded as cardform.toml bounds them, the
//! arguments and settings that used to be taken as they came (`state mv ../x`,
//! `state = ""`, a recharge QR path that exists), the same gates for a saved plan as
//! for a fresh one, and errors that reach the terminal with their code and help.

use crate::common::TestProject;

/// stderr with miette's wrapping undone (line breaks, gutters).
fn flat(s: &str) -> String {
    s.replace(['│', '×', '╰', '─', '▶'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn parallelism_is_bounded_on_every_command_as_in_cardform_toml() {
    let p = TestProject::sandbox();
    let commands: [&[&str]; 5] = [
        &["plan", "{dir}"],
        &["apply", "{dir}", "--auto-approve"],
        &["status", "{dir}"],
        &["coins", "--dir", "{dir}"],
        &["stats", "--dir", "{dir}"],
    ];
    for command in commands {
        for bad in ["2305843009213693952", "0", "257"] {
            let mut args = command.to_vec();
            args.extend(["--parallelism", bad]);
            let out = p.run(&args);
            // A usage error: 1, never clap's 2 (which reads as "changes present") nor
            // a panic's 101.
            out.expect_code(1);
            assert!(
                out.stderr.contains("give 1 to 256"),
                "{args:?}: {}",
                out.stderr
            );
            assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
        }
    }
    // Nothing ran: no state, no sandbox world.
    assert!(!p.path().join("state").exists());
    p.run(&["plan", "{dir}", "--parallelism", "256"])
        .expect_code(0);
}

#[test]
fn state_mv_takes_only_a_card_address() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let before = p.state();
    for bad in ["../x", "Coffee", "a b", "x/y", ""] {
        let out = p.run(&["state", "mv", "coffee_discount", bad, "--dir", "{dir}"]);
        out.expect_code(1);
        assert!(
            flat(&out.stderr).contains("is not a valid address"),
            "{bad}: {}",
            out.stderr
        );
    }
    assert_eq!(p.state()["resources"], before["resources"]);
    p.run(&[
        "state",
        "mv",
        "coffee_discount",
        "coffee_2",
        "--dir",
        "{dir}",
    ])
    .expect_code(0);
    assert!(p.state()["resources"].get("coffee_2").is_some());
}

#[test]
fn an_empty_state_setting_is_refused() {
    let p = TestProject::with(
        "endpoint = \"sandbox\"\nstate = \"\"\n\n[account]\nappid = \"wxsandbox\"\n",
        crate::common::SAMPLE_CARDS,
    );
    // The folder above the project is shared (the system's temporary folder): what
    // matters is that this run writes nothing there.
    let world = p
        .path()
        .parent()
        .expect("parent")
        .join("sandbox.emulator.json");
    let stamp = |f: &std::path::Path| f.metadata().and_then(|m| m.modified()).ok();
    let before = stamp(&world);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    let err = flat(&out.stderr);
    assert!(err.contains("`state` is empty"), "{}", out.stderr);
    assert!(err.contains("cardform.toml:2"), "located: {}", out.stderr);
    // Rendered once with its code: the message already says its cause, so the cause
    // chain is not printed again under it.
    assert_eq!(err.matches("`state` is empty").count(), 1, "{}", out.stderr);
    assert!(err.contains("cardform::trust"), "{}", out.stderr);
    let out = p.run(&["state", "list", "--dir", "{dir}"]);
    out.expect_code(1);
    assert!(
        flat(&out.stderr).contains("`state` is empty"),
        "{}",
        out.stderr
    );
    // No sandbox world was made anywhere near the project.
    assert_eq!(stamp(&world), before);
    assert!(!p.path().join("state").exists());
}

#[test]
fn recharge_refuses_an_existing_out_path_before_creating_the_order() {
    let p = TestProject::sandbox();
    let orders = |p: &TestProject| {
        let out = p.run(&["coins", "--dir", "{dir}", "--format", "json"]);
        out.expect_code(0);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("coins json");
        v["coins"]["total_orders"].as_u64().expect("total_orders")
    };
    let before = orders(&p);
    let taken = p.path().join("taken.png");
    std::fs::write(&taken, b"mine").expect("write");
    let out = p.run(&[
        "coins",
        "recharge",
        "10",
        "--dir",
        "{dir}",
        "--out",
        taken.to_str().expect("path"),
    ]);
    out.expect_code(1);
    let err = flat(&out.stderr);
    assert!(err.contains("refusing to write"), "{}", out.stderr);
    assert!(err.contains("is not a PNG image"), "{}", out.stderr);
    assert!(err.contains("no order was created"), "{}", out.stderr);
    assert_eq!(std::fs::read(&taken).expect("kept"), b"mine");
    assert_eq!(orders(&p), before, "no WeChat Pay order was created");
}

#[test]
fn errors_reach_the_terminal_with_their_code_and_help() {
    let p = TestProject::sandbox();
    // Standard input is not a terminal: apply refuses to ask.
    let out = p.run(&["apply", "{dir}"]);
    out.expect_code(1);
    let err = flat(&out.stderr);
    assert!(
        err.contains("cardform::apply::no_confirmation"),
        "{}",
        out.stderr
    );
    assert!(err.contains("run with --auto-approve"), "{}", out.stderr);
}
