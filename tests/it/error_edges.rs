//! Errors keep their type to the edge (issue 21): what the lower layers know (a WeChat
//! errcode's guidance from the errcode table, a state error's code) reaches the
//! terminal through the commands' wrappers, with no doubled prefix.

use serde_json::json;

use crate::common::{Emulator, TestProject, words};

/// A card/get that WeChat refuses with errcode 48001 during the refresh: the plan
/// fails with the errcode's own code and the errcode table's guidance as its help.
#[test]
fn a_wechat_errcode_shows_the_errcode_tables_help() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(json!([{"path": "/card/get", "errcode": 48001}])),
    );
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    let guidance = cardform::spec::errcode::lookup(48001)
        .map(|e| e.guidance)
        .unwrap_or_default();
    assert!(!guidance.is_empty(), "48001 is in the errcode table");
    let err = words(&out.stderr);
    assert!(err.contains("wechat::errcode::48001"), "{}", out.stderr);
    assert!(
        err.contains(&format!("help: {guidance}")),
        "the table's guidance as help:\n{}",
        out.stderr
    );
    // The context line stays: which card was being refreshed.
    assert!(err.contains("refreshing card"), "{}", out.stderr);
}

/// A state file that cannot be read: the error shows the state crate's own code
/// (`cardform::state::corrupt`), and its message says "state:" once.
#[test]
fn a_state_error_shows_its_code_and_one_prefix() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::write(p.path().join("state/cardform.state.json"), "{ not json")
        .expect("break the state file");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    let err = words(&out.stderr);
    assert!(err.contains("cardform::state::corrupt"), "{}", out.stderr);
    assert!(!err.contains("state: state:"), "{}", out.stderr);
    assert!(err.contains("state:"), "{}", out.stderr);
}
