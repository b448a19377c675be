//! GitOps gates through the real binary against `cardform emulator` in its own
//! process: `--deny` and `[policy] deny` (exit 3 naming the cards), `prevent_destroy`
//! (exit 1 naming the card), and the drift check (`plan --refresh-only
//! --detailed-exitcode` exits 2 on outside changes and writes nothing;
//! `apply --refresh-only` records the live values).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use crate::common::{Emulator, Output, TestProject};

/// A project against a fresh emulator, already applied.
fn applied(extra_toml: &str, extra_cards: &str) -> (Emulator, TestProject) {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    if !extra_toml.is_empty() {
        let path = p.path().join("cardform.toml");
        let text = std::fs::read_to_string(&path).expect("read cardform.toml");
        std::fs::write(&path, format!("{text}\n{extra_toml}")).expect("write cardform.toml");
    }
    if !extra_cards.is_empty() {
        let text = std::fs::read_to_string(p.cards_file()).expect("read cards");
        std::fs::write(p.cards_file(), format!("{text}\n{extra_cards}")).expect("write cards");
    }
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    (emu, p)
}

fn card_id(p: &TestProject, address: &str) -> String {
    p.state()["resources"][address]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Removes `[cards.tea_coupon]` (the last card) from the card file.
fn remove_tea(p: &TestProject) {
    let text = std::fs::read_to_string(p.cards_file()).expect("read cards");
    let start = text
        .find("[cards.tea_coupon]")
        .expect("tea_coupon in the file");
    std::fs::write(p.cards_file(), &text[..start]).expect("write cards");
}

#[track_caller]
fn assert_denied(out: &Output, class: &str, cards: &[&str], not: &[&str]) {
    out.expect_code(3);
    for card in cards {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.starts_with(&format!("policy: {card}:")) && l.contains(class)),
            "{card} listed as denied by {class}:\n{}",
            out.stderr
        );
    }
    for card in not {
        assert!(
            !out.stderr.contains(&format!("policy: {card}:")),
            "{card} is not denied:\n{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("exit 3"), "{}", out.stderr);
}

#[test]
fn deny_flags_stop_each_class_with_exit_3_naming_the_cards() {
    let (_emu, p) = applied("", "");

    // review: notice sends coffee_discount back to review.
    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示此券\"");
    let out = p.run(&["plan", "{dir}", "--deny", "review"]);
    assert_denied(&out, "--deny review", &["coffee_discount"], &["tea_coupon"]);
    assert!(
        out.stderr.contains("base_info.notice"),
        "says why: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("coffee_discount"),
        "the plan is still shown"
    );
    p.run(&["plan", "{dir}", "--deny", "replace", "--deny", "delete"])
        .expect_code(0);
    // The gate wins over --detailed-exitcode's 2.
    p.run(&["plan", "{dir}", "--deny", "review", "--detailed-exitcode"])
        .expect_code(3);
    // The markdown comment says the plan is denied, and by what.
    let out = p.run(&["plan", "{dir}", "--deny", "review", "--format", "markdown"]);
    out.expect_code(3);
    assert!(out.stdout.contains("[!CAUTION]"), "{}", out.stdout);
    assert!(out.stdout.contains("`--deny review`"), "{}", out.stdout);
    p.edit("notice = \"结账前出示此券\"", "notice = \"结账时出示此券\"");

    // replace: brand_name forces a new tea_coupon.
    p.edit("brand_name = \"示例茶室\"", "brand_name = \"示例茶馆\"");
    let out = p.run(&["plan", "{dir}", "--deny", "replace"]);
    assert_denied(
        &out,
        "--deny replace",
        &["tea_coupon"],
        &["coffee_discount"],
    );
    assert!(
        out.stderr.contains("base_info.brand_name"),
        "{}",
        out.stderr
    );
    p.run(&["plan", "{dir}", "--deny", "stock"]).expect_code(0);
    p.edit("brand_name = \"示例茶馆\"", "brand_name = \"示例茶室\"");

    // stock: quantity → modifystock.
    p.edit("quantity = 1000", "quantity = 1200");
    let out = p.run(&["plan", "{dir}", "--deny", "stock", "--deny", "stock"]);
    assert_denied(&out, "--deny stock", &["coffee_discount"], &["tea_coupon"]);
    assert_eq!(
        out.stderr.matches("policy: coffee_discount:").count(),
        1,
        "a class named twice is reported once: {}",
        out.stderr
    );
    p.edit("quantity = 1200", "quantity = 1000");

    // delete: tea_coupon removed from the files.
    remove_tea(&p);
    let out = p.run(&["plan", "{dir}", "--deny", "delete"]);
    assert_denied(&out, "--deny delete", &["tea_coupon"], &["coffee_discount"]);
    p.run(&["plan", "{dir}", "--deny", "review"]).expect_code(0);
}

#[test]
fn policy_in_cardform_toml_gates_plan_and_apply_including_saved_plans() {
    let (_emu, p) = applied("[policy]\ndeny = [\"replace\", \"delete\"]\n", "");
    let tea = card_id(&p, "tea_coupon");

    // In-place changes pass the gate.
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0001\"",
    );
    p.run(&["plan", "{dir}"]).expect_code(0);

    p.edit("brand_name = \"示例茶室\"", "brand_name = \"示例茶馆\"");
    let out = p.run(&["plan", "{dir}"]);
    assert_denied(&out, "cardform.toml", &["tea_coupon"], &["coffee_discount"]);

    // apply of the folder: refused before anything changes.
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    assert_denied(&out, "cardform.toml", &["tea_coupon"], &[]);
    assert_eq!(card_id(&p, "tea_coupon"), tea, "nothing was replaced");

    // A saved plan is written (so it can be reviewed) but applying it is refused too.
    let plan_file = p.path().join("plan.json");
    let plan_arg = plan_file.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(3);
    assert!(plan_file.is_file());
    let out = p.run(&["apply", &plan_arg]);
    assert_denied(&out, "cardform.toml", &["tea_coupon"], &[]);
    assert_eq!(card_id(&p, "tea_coupon"), tea, "nothing was replaced");

    // Flags and the file add up; the flag is named when both deny a class.
    let out = p.run(&["plan", "{dir}", "--deny", "replace"]);
    assert_denied(&out, "--deny replace", &["tea_coupon"], &[]);
}

#[test]
fn prevent_destroy_refuses_replace_and_delete_naming_the_card() {
    let (emu, p) = applied("", "[cards.tea_coupon.lifecycle]\nprevent_destroy = true\n");
    let tea = card_id(&p, "tea_coupon");

    p.edit("brand_name = \"示例茶室\"", "brand_name = \"示例茶馆\"");
    for args in [
        vec!["plan", "{dir}"],
        vec!["apply", "{dir}", "--auto-approve"],
    ] {
        let out = p.run(&args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("tea_coupon")
                && out.stderr.contains("prevent_destroy")
                && out.stderr.contains("base_info.brand_name"),
            "{args:?}: {}",
            out.stderr
        );
    }
    p.edit("brand_name = \"示例茶馆\"", "brand_name = \"示例茶室\"");

    // Removed from the files: the state remembers the protection.
    remove_tea(&p);
    for args in [
        vec!["plan", "{dir}"],
        vec!["apply", "{dir}", "--auto-approve"],
    ] {
        let out = p.run(&args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("tea_coupon")
                && out.stderr.contains("delete")
                && out.stderr.contains("prevent_destroy"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(card_id(&p, "tea_coupon"), tea);
    let live = emu.api("/card/get", json!({"card_id": tea}));
    assert_eq!(live["errcode"], 0, "the card still exists: {live}");
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .to_string();
                out.insert(rel, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn drift_check_exits_2_on_outside_changes_writes_nothing_and_refresh_apply_records() {
    let (emu, p) = applied("", "");
    let drift = ["plan", "{dir}", "--refresh-only", "--detailed-exitcode"];

    // No drift: 0, and nothing written.
    let before = files(p.path());
    let out = p.run(&drift);
    out.expect_code(0);
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
    assert_eq!(
        files(p.path()),
        before,
        "a refresh-only plan writes nothing"
    );

    // A user's own edit in the files is not drift.
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0001\"",
    );
    p.run(&drift).expect_code(0);
    p.edit(
        "service_phone = \"400-000-0001\"",
        "service_phone = \"400-000-0000\"",
    );

    // Someone edits the card in the WeChat console.
    let id = card_id(&p, "coffee_discount");
    let r = emu.api(
        "/card/update",
        json!({"card_id": id, "discount": {"base_info": {"service_phone": "021-5555"}}}),
    );
    assert_eq!(r["errcode"], 0, "{r}");
    let before = files(p.path());
    let out = p.run(&drift);
    out.expect_code(2);
    assert!(
        out.stdout.contains("coffee_discount") && out.stdout.contains("base_info.service_phone"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("tea_coupon"),
        "only the drifted card: {}",
        out.stdout
    );
    let md = p.run(&[
        "plan",
        "{dir}",
        "--refresh-only",
        "--detailed-exitcode",
        "--format",
        "markdown",
    ]);
    md.expect_code(2);
    assert!(
        md.stdout.contains("drift check") && md.stdout.contains("\"021-5555\""),
        "{}",
        md.stdout
    );
    assert_eq!(
        files(p.path()),
        before,
        "a refresh-only plan with drift writes nothing"
    );

    // A refresh-only plan cannot be saved and applied as a normal plan.
    let plan_file = p.path().join("drift.json");
    let plan_arg = plan_file.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--refresh-only", "--out", &plan_arg])
        .expect_code(0);
    let out = p.run(&["apply", &plan_arg]);
    out.expect_code(1);
    assert!(out.stderr.contains("--refresh-only"), "{}", out.stderr);

    // Accepting the drift records the live values; WeChat is not touched.
    let calls_before = emu.admin("GET", "/__emulator/calls", None);
    let out = p.run(&["apply", "{dir}", "--refresh-only", "--auto-approve"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("Recorded the live values"),
        "{}",
        out.stdout
    );
    let calls_after = emu.admin("GET", "/__emulator/calls", None);
    let mutating = |calls: &serde_json::Value| {
        calls["calls"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|c| {
                        let path = c["path"].as_str().unwrap_or_default();
                        path.starts_with("/card/")
                            && !path.ends_with("/get")
                            && !path.contains("batchget")
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    assert!(
        mutating(&calls_before) > 0,
        "the counter sees apply's creates"
    );
    assert_eq!(
        mutating(&calls_before),
        mutating(&calls_after),
        "apply --refresh-only made no mutating call"
    );
    assert_eq!(
        p.state()["resources"]["coffee_discount"]["applied"]["base_info.service_phone"],
        "021-5555",
        "{}",
        p.state()["resources"]["coffee_discount"]
    );
    let live = emu.api("/card/get", json!({"card_id": id}));
    assert_eq!(
        live["card"]["discount"]["base_info"]["service_phone"], "021-5555",
        "{live}"
    );
    p.run(&drift).expect_code(0);

    // The files still say otherwise: a normal plan shows it as the user's change.
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert!(
        !out.stdout.contains("changed outside cardform"),
        "{}",
        out.stdout
    );
}
