//! The core loop through the real binary: apply, converge, and one test per kind of
//! change (re-review, in place, replace, delete), against the embedded sandbox and
//! against `cardform emulator` in its own process.

use crate::common::{self, Emulator, TestProject, filters};

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ filters => filters(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn sandbox_apply_converges_with_no_perpetual_diff() {
    let p = TestProject::sandbox();
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    snapshot("plan_create", &out.stdout);
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("Apply complete: 2 created"),
        "{}",
        out.stdout
    );
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
    let state = p.state();
    assert_eq!(state["resources"].as_object().map(|r| r.len()), Some(2));
}

#[test]
fn each_kind_of_change_is_classified_applied_and_converges() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);

    // notice: in place, but back to review.
    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示此券\"");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    snapshot("plan_notice_review", &out.stdout);
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("1 updated (1 sent to review)"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains("send_check"),
        "prediction matched: {}",
        out.stderr
    );
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // service_phone: in place, no review.
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0001\"",
    );
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    snapshot("plan_service_phone_in_place", &out.stdout);
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("1 updated (0 sent to review)"),
        "{}",
        out.stdout
    );
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // brand_name: replace (new card first, then the old one deleted).
    let old_id = p.state()["resources"]["tea_coupon"]["card_id"]
        .as_str()
        .map(str::to_string);
    p.edit("brand_name = \"示例茶室\"", "brand_name = \"示例茶馆\"");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    snapshot("plan_brand_name_replace", &out.stdout);
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert!(out.stdout.contains("1 replaced"), "{}", out.stdout);
    let new_id = p.state()["resources"]["tea_coupon"]["card_id"]
        .as_str()
        .map(str::to_string);
    assert_ne!(old_id, new_id);
    let old = emu.api("/card/get", serde_json::json!({"card_id": old_id}));
    let gone = old["errcode"] == 40073
        || old["card"]["general_coupon"]["base_info"]["status"] == "CARD_STATUS_DELETE";
    assert!(gone, "the old card is deleted: {old}");
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // Removing a card: a loud delete.
    let text = std::fs::read_to_string(p.cards_file()).unwrap_or_default();
    let cut = text.find("[cards.tea_coupon]").unwrap_or(text.len());
    std::fs::write(p.cards_file(), &text[..cut]).expect("write");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    snapshot("plan_delete", &out.stdout);
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert!(out.stdout.contains("1 deleted"), "{}", out.stdout);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
    assert_eq!(p.state()["resources"].as_object().map(|r| r.len()), Some(1));
}

#[test]
fn json_plan_is_versioned_and_complete() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示\"");
    let out = p.run(&["plan", "{dir}", "--format", "json"]);
    out.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is pure JSON");
    assert_eq!(doc["format_version"], "2");
    let changes = doc["resource_changes"]
        .as_array()
        .expect("resource_changes");
    let rc = changes
        .iter()
        .find(|c| c["address"] == "coffee_discount")
        .expect("coffee_discount");
    assert_eq!(rc["action"], "update_review");
    assert_eq!(rc["triggers_review"], true);
    assert_eq!(rc["reasons"][0]["path"], "base_info.notice");
    assert!(rc["card_id"].is_string());
    assert_eq!(rc["before"]["base_info"]["notice"], "结账时出示此券");
    assert_eq!(rc["after"]["base_info"]["notice"], "结账前出示");
}

#[test]
fn drift_is_reported_separately_and_deleted_cards_come_back() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let state = p.state();
    let discount_id = state["resources"]["coffee_discount"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let tea_id = state["resources"]["tea_coupon"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let r = emu.api("/card/update", serde_json::json!({"card_id": discount_id, "discount": {"base_info": {"service_phone": "999"}}}));
    assert_eq!(r["errcode"], 0, "{r}");
    let r = emu.api("/card/delete", serde_json::json!({"card_id": tea_id}));
    assert_eq!(r["errcode"], 0, "{r}");

    let out = p.run(&["plan", "{dir}", "--refresh-only", "--detailed-exitcode"]);
    assert_eq!(
        out.code, 1,
        "a deleted card is an error under --refresh-only: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("deleted outside cardform"),
        "{}",
        out.stderr
    );

    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    snapshot("plan_drift", &out.stdout);
    assert!(out.stdout.contains("changed outside cardform"));
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
}

#[test]
fn saved_plans_are_applied_exactly_or_refused_when_stale() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let plan_file = p.path().join("plan.json");
    let plan_arg = plan_file.to_string_lossy().to_string();

    // A card edited outside cardform after the plan: refused, naming the card.
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0002\"",
    );
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    let id = p.state()["resources"]["coffee_discount"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let r = emu.api(
        "/card/update",
        serde_json::json!({"card_id": id, "discount": {"base_info": {"service_phone": "123"}}}),
    );
    assert_eq!(r["errcode"], 0, "{r}");
    let out = p.run(&["apply", &plan_arg]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("coffee_discount changed on WeChat"),
        "{}",
        out.stderr
    );

    // The state moved after the plan: refused.
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    p.edit(
        "service_phone = \"400-000-0002\"",
        "service_phone = \"400-000-0003\"",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let out = p.run(&["apply", &plan_arg]);
    out.expect_code(1);
    assert!(out.stderr.contains("the state changed"), "{}", out.stderr);

    // A fresh plan applies exactly.
    p.edit(
        "service_phone = \"400-000-0003\"",
        "service_phone = \"400-000-0004\"",
    );
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    p.run(&["apply", &plan_arg]).expect_code(0);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
}

#[test]
fn secrets_and_tokens_never_leave_the_process() {
    let canary = "CANARY-secret-8f3a";
    let emu = Emulator::start(&["--secret", canary]);
    let p = TestProject::external(&emu.url);
    let mut outputs = String::new();
    for args in [
        vec!["plan", "{dir}"],
        vec!["apply", "{dir}", "--auto-approve"],
        vec!["plan", "{dir}", "--format", "json", "--debug"],
    ] {
        let dir = p.path().to_string_lossy().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
        let out = common::run_cmd(
            common::cardform()
                .env("CARDFORM_APPSECRET", canary)
                .args(&args),
        );
        outputs.push_str(&out.stdout);
        outputs.push_str(&out.stderr);
    }
    // The token cardform used: stable_token hands out the same one while it is valid.
    let token: serde_json::Value = common::block_on(async {
        reqwest::Client::new()
            .post(format!("{}/cgi-bin/stable_token", emu.url))
            .json(&serde_json::json!({"grant_type": "client_credential", "appid": "wxsandbox", "secret": canary}))
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("json")
    });
    let token = token["access_token"]
        .as_str()
        .unwrap_or("no-token")
        .to_string();
    assert!(token.len() > 8);
    let mut written = String::new();
    for entry in walk(&p.path().join("state")) {
        written.push_str(&String::from_utf8_lossy(
            &std::fs::read(entry).unwrap_or_default(),
        ));
    }
    for (name, haystack) in [("output", &outputs), ("state", &written)] {
        assert!(
            !haystack.contains(canary),
            "the AppSecret leaked into {name}"
        );
        assert!(
            !haystack.contains(&token),
            "the access token leaked into {name}"
        );
    }
    let calls = emu.admin("GET", "/__emulator/calls", None).to_string();
    assert!(!calls.contains(canary) && !calls.contains(&token));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p))
            } else {
                out.push(p)
            }
        }
    }
    out
}

#[test]
fn friends_stock_is_bought_with_coins_only_with_consent() {
    let emu = Emulator::start(&[]);
    let p = common::quickstart_against(&emu);
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    // WeChat gives friends coupons no stock on create: it is bought, so only with consent,
    // and the refusal comes before anything is created.
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("--allow-coin-purchase"),
        "{}",
        out.stderr
    );
    let cards = emu.admin("GET", "/__emulator/cards", None);
    assert_eq!(cards["cards"].as_array().map(Vec::len), Some(0), "{cards}");

    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(0);
    assert!(out.stderr.contains("bought 250 vouchers"), "{}", out.stderr);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
}

#[test]
fn target_plans_and_refreshes_only_the_named_cards() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0009\"",
    );
    p.edit("notice = \"点单时出示\"", "notice = \"点单前出示\"");
    let before = emu
        .admin("GET", "/__emulator/calls", None)
        .to_string()
        .matches("/card/get")
        .count();
    let out = p.run(&[
        "plan",
        "{dir}",
        "--target",
        "tea_coupon",
        "--format",
        "json",
    ]);
    out.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let addresses: Vec<&str> = doc["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["address"].as_str())
        .collect();
    assert_eq!(addresses, vec!["tea_coupon"]);
    let after = emu
        .admin("GET", "/__emulator/calls", None)
        .to_string()
        .matches("/card/get")
        .count();
    assert_eq!(after - before, 1, "one card/get for one target");
    let out = p.run(&["plan", "{dir}", "--target", "nope"]);
    out.expect_code(1);
    assert!(out.stderr.contains("--target nope"), "{}", out.stderr);
}

/// The README's first quick-start command, on a copy of the example as it is in the
/// repository: one apply against the embedded sandbox plans, buys the friends stock
/// within the example's policy, creates the four cards, and a second run changes nothing.
#[test]
fn the_quickstart_applies_in_one_command_on_the_sandbox() {
    let dir = common::copy_example("quickstart");
    // The example's `#:schema` line points two folders up; validate does not need it.
    let d = dir.path().to_string_lossy().to_string();
    let out = common::run_cmd(common::cardform().args(["apply", &d, "--auto-approve"]));
    out.expect_code(0);
    assert!(out.stdout.contains("4 to create"), "{}", out.stdout);
    let again = common::run_cmd(common::cardform().args(["plan", &d, "--detailed-exitcode"]));
    again.expect_code(0);
}

/// A plan saved by a cardform that wrote the values not known until apply as text
/// (`"(known after apply): upload assets/logo.jpg"`) still shows and applies as it did:
/// reading it turns those texts back into pending values.
#[test]
fn plans_saved_with_pending_values_as_text_still_apply() {
    use cardform::model::pending::shown;
    use cardform::plan::saved::SavedPlan;

    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let plan_file = p.path().join("plan.json");
    let plan_arg = plan_file.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    let written = std::fs::read_to_string(&plan_file).expect("read plan");
    assert!(!written.contains("(known after apply)"), "{written}");

    // The same plan as older versions wrote it: pending values as their text, and no
    // `typed_pending`.
    let mut saved = SavedPlan::read(&plan_file).expect("read saved plan");
    assert!(saved.plan.typed_pending);
    for rc in &mut saved.plan.resource_changes {
        if let Some(after) = rc.after.as_mut() {
            for v in std::sync::Arc::make_mut(after).values_mut() {
                *v = shown(v).into_owned();
            }
        }
        for f in &mut rc.changes {
            if let Some(v) = f.after.as_mut() {
                *v = shown(v).into_owned();
            }
        }
    }
    saved.plan.typed_pending = false;
    let out = cardform::write_policy::WritePolicy::outside_project()
        .check(&plan_file, cardform::write_policy::OutputKind::SavedPlan)
        .expect("a saved plan over a saved plan");
    saved.write(&out).expect("write legacy plan");
    let legacy = std::fs::read_to_string(&plan_file).expect("read plan");
    assert!(
        legacy.contains("\"(known after apply): upload assets/logo.jpg\""),
        "{legacy}"
    );
    assert!(!legacy.contains("typed_pending"), "{legacy}");

    let out = p.run(&["apply", &plan_arg]);
    out.expect_code(0);
    assert!(out.stdout.contains("2 created"), "{}", out.stdout);
    let state = p.state();
    let url = state["images"]
        .as_object()
        .and_then(|images| images.values().find(|i| i["file"] == "assets/logo.jpg"))
        .and_then(|i| i["url"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(url.starts_with("http"), "{state}");
    let id = state["resources"]["coffee_discount"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let live = emu.api("/card/get", serde_json::json!({ "card_id": id }));
    assert_eq!(
        live["card"]["discount"]["base_info"]["logo_url"],
        serde_json::json!(url),
        "{live}"
    );
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
}

/// A user's text that begins with the words the plan shows for a pending value is a
/// text like any other: shown quoted, sent as written, compared after apply.
#[test]
fn a_text_starting_with_known_after_apply_is_plain_text() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let text = "(known after apply): upload assets/logo.jpg";
    p.edit(
        "description = \"每次消费限用一张。\"",
        &format!("description = \"{text}\""),
    );
    let plan_file = p.path().join("plan.json");
    let plan_arg = plan_file.to_string_lossy().to_string();
    let out = p.run(&["plan", "{dir}", "--out", &plan_arg]);
    out.expect_code(0);
    assert!(
        out.stdout.contains(&format!("\"{text}\"")),
        "the text is shown quoted, as a text: {}",
        out.stdout
    );
    p.run(&["apply", &plan_arg]).expect_code(0);
    let id = p.state()["resources"]["coffee_discount"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let live = emu.api("/card/get", serde_json::json!({ "card_id": id }));
    assert_eq!(
        live["card"]["discount"]["base_info"]["description"],
        serde_json::json!(text),
        "{live}"
    );
    // Changed outside cardform, it is drift like any text.
    let r = emu.api(
        "/card/update",
        serde_json::json!({"card_id": id, "discount": {"base_info": {"description": "别的"}}}),
    );
    assert_eq!(r["errcode"], 0, "{r}");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("changed outside cardform"),
        "{}",
        out.stdout
    );
}
