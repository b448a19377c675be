//! Evidence for the update-rule table: every card/update answer (send_check) is recorded
//! per field set in the state, and `cardform rules --evidence` weighs each row against
//! them, naming the row an answer contradicts.

use crate::common::{Emulator, TestProject};

#[test]
fn apply_records_the_send_check_per_field_set_and_rules_weighs_it() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert!(
        p.state().get("update_answers").is_none(),
        "no update, no record: an older reader sees the same state"
    );
    p.edit("notice = \"点单时出示\"", "notice = \"结账时出示\"");
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let state = p.state();
    let answers = state["update_answers"].as_array().expect("update_answers");
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(
        answers[0]["fields"],
        serde_json::json!(["base_info.notice"])
    );
    assert_eq!(answers[0]["send_check"], true);
    assert_eq!(answers[0]["predicted_review"], true);

    let out = p.run(&["rules", "--evidence", "--dir", "{dir}"]);
    out.expect_code(0);
    let notice = out
        .stdout
        .lines()
        .find(|l| l.starts_with("base_info.notice "))
        .expect("the notice row");
    assert!(notice.contains("agreed   1  disagreed   0"), "{notice}");
    assert!(
        out.stdout.contains("1 recorded card/update answer(s)"),
        "{}",
        out.stdout
    );

    let out = p.run(&["rules", "--evidence", "--dir", "{dir}", "--format", "json"]);
    out.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let row = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "base_info.notice")
        .unwrap();
    assert_eq!(
        row["evidence"],
        serde_json::json!({"agreed": 1, "disagreed": 0})
    );
    assert_eq!(row["basis"], "doc");
}

#[test]
fn rules_evidence_names_the_row_an_answer_contradicts() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    // A state holding a real answer the table does not predict: WeChat kept the card
    // approved after a notice change (the 2016 tables say notice re-reviews).
    let path = p.path().join("state/cardform.state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    state["update_answers"] = serde_json::json!([{
        "op_id": "0b5f6b9e-2f4e-4c1a-9d7e-3f0a1b2c3d4e",
        "address": "cards.tea_coupon",
        "card_id": "pRecorded0000000000000000001",
        "fields": ["base_info.notice", "base_info.service_phone"],
        "predicted_review": true,
        "send_check": false,
        "at": 1767225600
    }]);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
    let out = p.run(&["rules", "--evidence", "--dir", "{dir}"]);
    out.expect_code(0);
    let line = |row: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{row} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("base_info.notice").contains("disagreed   1  ← fix this row"),
        "{}",
        out.stdout
    );
    assert!(
        line("base_info.service_phone").contains("agreed   1  disagreed   0"),
        "{}",
        out.stdout
    );
}

#[test]
fn apply_names_the_row_an_answer_contradicts() {
    // WeChat keeps the card approved after a notice change (an emulator fault stands in
    // for the real answer): the table's `base_info.notice` row predicted re-review.
    let emu = Emulator::start(&["--fault", "path=/card/update,send_check=false"]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit("notice = \"点单时出示\"", "notice = \"结账时出示\"");
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("the update-rule table disagrees at `base_info.notice` (re-review, doc)"),
        "{all}"
    );
    let answers = p.state()["update_answers"].clone();
    assert_eq!(answers[0]["send_check"], false, "{answers}");
    assert_eq!(answers[0]["predicted_review"], true, "{answers}");
    let out = p.run(&["rules", "--evidence", "--dir", "{dir}"]);
    assert!(out.stdout.contains("← fix this row"), "{}", out.stdout);
}
