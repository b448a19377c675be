//! Sub-merchants (第三方协助制券, issue 24 item 3), the real binary against the real
//! emulator: a declared sub-merchant is submitted by apply, its card waits while it is
//! CHECKING, the admin review approves it, the next apply creates the card with
//! `base_info.sub_merchant_info.merchant_id`; a rejection shows in `status`; a category
//! WeChat does not list is refused naming the valid ids; an expired protocol upload is
//! uploaded again; an unknown sub-merchant name is a located error.

use serde_json::{Value, json};

use crate::common::{Emulator, TINY_JPEG, TestProject, words};

pub const SHOP: &str = r#"
[sub_merchants.shop]
brand_name = "街角面包"
logo_url = "assets/logo.jpg"
protocol = "assets/protocol.jpg"
end_time = 2030-12-31T23:59:59+08:00
primary_category_id = 1
secondary_category_id = 101

[cards.bread]
card_type = "GENERAL_COUPON"
default_detail = "面包九折"
sub_merchant = "shop"

[cards.bread.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_TEXT"
brand_name = "街角面包"
title = "面包九折"
color = "Color010"
notice = "结账时出示"
description = "每次限用一张。"

[cards.bread.base_info.sku]
quantity = 100

[cards.bread.base_info.date_info]
type = "DATE_TYPE_FIX_TERM"
fixed_term = 30
fixed_begin_term = 0
"#;

pub fn project(emu: &Emulator, cards: &str) -> TestProject {
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), cards).expect("cards");
    std::fs::write(p.path().join("assets/protocol.jpg"), TINY_JPEG).expect("protocol");
    p
}

fn merchant_id(p: &TestProject) -> u64 {
    p.state()["sub_merchants"]["shop"]["merchant_id"]
        .as_u64()
        .expect("merchant_id in the state")
}

fn calls(emu: &Emulator, path: &str) -> usize {
    let log = emu.admin("GET", "/__emulator/calls", None);
    log.as_array()
        .or_else(|| log["calls"].as_array())
        .map_or(0, |c| c.iter().filter(|c| c["path"] == path).count())
}

#[test]
fn a_card_waits_for_its_sub_merchant_and_carries_its_merchant_id() {
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    p.run(&["validate", "{dir}"]).expect_code(0);

    let first = p.run(&["apply", "--auto-approve", "{dir}"]);
    first.expect_code(0);
    let id = merchant_id(&p);
    assert_eq!(p.state()["sub_merchants"]["shop"]["status"], "CHECKING");
    assert!(
        p.state()["resources"].get("bread").is_none(),
        "the card must wait for its sub-merchant\n{}",
        first.stdout
    );
    assert_eq!(calls(&emu, "/card/create"), 0);

    let plan = p.run(&["plan", "{dir}"]);
    plan.expect_code(0);
    assert!(plan.stdout.contains("CHECKING"), "{}", plan.stdout);
    assert!(plan.stdout.contains("card bread waits"), "{}", plan.stdout);
    let json_plan = p.run(&["plan", "--format", "json", "{dir}"]);
    let doc: Value = serde_json::from_str(&json_plan.stdout).expect("plan json");
    assert_eq!(doc["waiting"][0]["address"], "bread");
    assert_eq!(doc["sub_merchants"][0]["status"], "CHECKING");
    let md = p.run(&["plan", "--format", "markdown", "{dir}"]);
    assert!(md.stdout.contains("card bread waits"), "{}", md.stdout);

    let reviewed = emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "pass" })),
    );
    assert_eq!(reviewed["status"], "APPROVED", "{reviewed}");

    let second = p.run(&["apply", "--auto-approve", "{dir}"]);
    second.expect_code(0);
    let card_id = p.state()["resources"]["bread"]["card_id"]
        .as_str()
        .expect("the card is created once the sub-merchant is approved")
        .to_string();
    let got = emu.api("/card/get", json!({ "card_id": card_id }));
    let base = &got["card"]["general_coupon"]["base_info"];
    assert_eq!(base["sub_merchant_info"]["merchant_id"], json!(id), "{got}");
    assert_eq!(p.state()["sub_merchants"]["shop"]["status"], "APPROVED");

    // Converged: nothing more to do.
    p.run(&["plan", "--detailed-exitcode", "{dir}"])
        .expect_code(0);
    let status = p.run(&["status", "{dir}"]);
    status.expect_code(0);
    assert!(status.stdout.contains("APPROVED"), "{}", status.stdout);
}

#[test]
fn a_rejected_sub_merchant_shows_in_status_and_its_card_keeps_waiting() {
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    let id = merchant_id(&p);
    emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "fail", "reason": "授权函不清晰" })),
    );
    let status = p.run(&["status", "{dir}"]);
    status.expect_code(0);
    assert!(status.stdout.contains("REJECTED"), "{}", status.stdout);
    assert!(
        status.stdout.contains("card_merchant_check_result"),
        "status says where the reason comes from\n{}",
        status.stdout
    );
    let json = p.run(&["status", "--format", "json", "{dir}"]);
    let doc: Value = serde_json::from_str(&json.stdout).expect("status json");
    assert_eq!(doc["sub_merchants"][0]["status"], "REJECTED");
    let plan = p.run(&["plan", "{dir}"]);
    assert!(plan.stdout.contains("REJECTED"), "{}", plan.stdout);
    assert!(plan.stdout.contains("card bread waits"), "{}", plan.stdout);
}

#[test]
fn a_category_wechat_does_not_list_is_refused_naming_the_valid_ids() {
    let emu = Emulator::start(&[]);
    let p = project(
        &emu,
        &SHOP.replace("secondary_category_id = 101", "secondary_category_id = 999"),
    );
    let v = p.run(&["validate", "{dir}"]);
    v.expect_code(0);
    let said = words(&v.stderr) + &words(&v.stdout);
    assert!(said.contains("1/999"), "{said}");
    assert!(said.contains("101"), "validate names the known ids: {said}");
    let plan = p.run(&["plan", "{dir}"]);
    plan.expect_code(1);
    let said = words(&plan.stderr);
    assert!(said.contains("card/getapplyprotocol"), "{said}");
    assert!(said.contains("1 (美食): 101, 102, 103"), "{said}");
    assert_eq!(calls(&emu, "/card/submerchant/submit"), 0);
}

#[test]
fn an_expired_protocol_upload_is_uploaded_again() {
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    assert_eq!(calls(&emu, "/cgi-bin/media/upload"), 1);
    // Four days pass on WeChat's side: the protocol's media id has expired there.
    emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({ "advance_secs": 4 * 86_400 })),
    );
    p.edit(
        "brand_name = \"街角面包\"\nlogo_url",
        "brand_name = \"街角面包坊\"\nlogo_url",
    );
    let out = p.run(&["apply", "--auto-approve", "{dir}"]);
    out.expect_code(0);
    assert_eq!(
        calls(&emu, "/cgi-bin/media/upload"),
        2,
        "the expired upload is made again\n{}\n{}",
        out.stdout,
        out.stderr
    );
    let got = emu.api(
        "/card/submerchant/get",
        json!({ "merchant_id": merchant_id(&p) }),
    );
    assert_eq!(got["info"]["brand_name"], "街角面包坊", "{got}");
}

#[test]
fn a_card_naming_an_undeclared_sub_merchant_is_a_located_error() {
    let p = TestProject::sandbox();
    std::fs::write(
        p.cards_file(),
        SHOP.replace("sub_merchant = \"shop\"", "sub_merchant = \"shoop\""),
    )
    .expect("cards");
    std::fs::write(p.path().join("assets/protocol.jpg"), TINY_JPEG).expect("protocol");
    let v = p.run(&["validate", "{dir}"]);
    v.expect_code(1);
    let said = words(&v.stderr) + &words(&v.stdout);
    assert!(
        said.contains("sub_merchant `shoop` is not declared"),
        "{said}"
    );
    assert!(said.contains("cards.toml:13:16"), "{said}");
    assert!(said.contains("declared sub-merchants: shop"), "{said}");
}

#[test]
fn a_submit_whose_answer_was_lost_is_adopted_not_submitted_twice() {
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    // WeChat takes the submit, the answer never arrives.
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(
            json!([{"path": "/card/submerchant/submit", "mode": "commit-then-drop", "calls": [1]}]),
        ),
    );
    let first = p.run(&["apply", "--auto-approve", "{dir}"]);
    assert_ne!(
        first.code, 0,
        "the lost answer is reported\n{}",
        first.stdout
    );
    assert!(p.state().get("sub_merchants").is_none());
    emu.admin("POST", "/__emulator/faults", Some(json!([])));
    let plan = p.run(&["plan", "{dir}"]);
    assert!(
        plan.stdout.contains("adopt"),
        "{}\n{}",
        plan.stdout,
        plan.stderr
    );
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    assert_eq!(calls(&emu, "/card/submerchant/submit"), 1, "submitted once");
    let page = emu.api(
        "/card/submerchant/batchget",
        json!({"begin_id": 0, "limit": 100}),
    );
    assert_eq!(
        page["info_list"].as_array().map(Vec::len),
        Some(1),
        "{page}"
    );
    assert_eq!(
        merchant_id(&p),
        page["info_list"][0]["merchant_id"].as_u64().unwrap_or(0)
    );
}

#[test]
fn a_rejection_reason_is_pushed_stored_and_shown_by_status() {
    use crate::events_support::{AES_KEY, Receiver, TOKEN, wait_stored};
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    let id = merchant_id(&p);
    let rx = Receiver::start(&p, &[]);
    let cfg = emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": format!("{}/", rx.url), "token": TOKEN, "encoding_aes_key": AES_KEY})),
    );
    assert_eq!(cfg["encrypted"], true, "{cfg}");
    let reason = "授权函不清晰 (the letter is unreadable)";
    emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "fail", "reason": reason })),
    );
    let events = wait_stored(&p, 10, |e| {
        e.iter().any(|e| e["event"] == "card_merchant_check_result")
    });
    let pushed = events
        .iter()
        .find(|e| e["event"] == "card_merchant_check_result")
        .unwrap_or_else(|| panic!("the check result is stored: {events:#?}"));
    assert_eq!(pushed["fields"]["MerchantId"], id.to_string());
    assert_eq!(pushed["fields"]["IsPass"], "0");
    assert_eq!(pushed["fields"]["Reason"], reason);
    assert_eq!(pushed["mode"], "encrypted");

    let status = p.run(&["status", "{dir}"]);
    status.expect_code(0);
    assert!(
        status.stdout.contains(&format!("rejected: {reason}")),
        "{}",
        status.stdout
    );
    let json = p.run(&["status", "--format", "json", "{dir}"]);
    json.expect_code(0);
    let doc: Value = serde_json::from_str(&json.stdout).expect("status json");
    assert_eq!(doc["sub_merchants"][0]["status"], "REJECTED");
    assert_eq!(doc["sub_merchants"][0]["reason"], reason);

    // A later approval is pushed too, and the reason goes away with the rejection
    // (a later second: WeChat's events are told apart by CreateTime).
    emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({ "advance_secs": 2 })),
    );
    emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "pass" })),
    );
    let events = wait_stored(&p, 10, |e| {
        e.iter()
            .any(|e| e["event"] == "card_merchant_check_result" && e["fields"]["IsPass"] == "1")
    });
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "card_merchant_check_result" && e["fields"]["IsPass"] == "1"),
        "{events:#?}"
    );
    let status = p.run(&["status", "{dir}"]);
    status.expect_code(0);
    assert!(status.stdout.contains("APPROVED"), "{}", status.stdout);
    assert!(!status.stdout.contains(reason), "{}", status.stdout);
}

/// A project made the sub-merchant `shop` and its card `bread` (approved, created):
/// the emulator and the merchant_id, for another project to adopt them.
pub fn made_elsewhere() -> (Emulator, u64) {
    let emu = Emulator::start(&[]);
    let maker = project(&emu, SHOP);
    maker
        .run(&["apply", "--auto-approve", "{dir}"])
        .expect_code(0);
    let id = merchant_id(&maker);
    emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "pass" })),
    );
    maker
        .run(&["apply", "--auto-approve", "{dir}"])
        .expect_code(0);
    assert!(maker.state()["resources"]["bread"]["card_id"].is_string());
    (emu, id)
}

/// A fresh project on the same account, no cards declared, the protocol scan at hand.
pub fn fresh(emu: &Emulator) -> TestProject {
    project(emu, "# nothing declared yet\n")
}

pub const IMPORT_ALL: &[&str] = &[
    "import",
    "--all",
    "--generate-config-out",
    "{dir}/cards/imported.toml",
    "--dir",
    "{dir}",
];

fn imported(p: &TestProject) -> String {
    std::fs::read_to_string(p.path().join("cards/imported.toml")).expect("imported.toml")
}

fn edit_imported(p: &TestProject, from: &str, to: &str) {
    let text = imported(p);
    assert_eq!(text.matches(from).count(), 1, "`{from}` once in\n{text}");
    std::fs::write(
        p.path().join("cards/imported.toml"),
        text.replacen(from, to, 1),
    )
    .expect("write imported.toml");
}

#[test]
fn import_all_adopts_a_sub_merchant_and_its_card_and_plans_no_change() {
    let (emu, id) = made_elsewhere();
    let p = fresh(&emu);
    let name = format!("merchant_{id}");

    let listed = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    listed.expect_code(0);
    assert!(
        listed.stdout.contains(&format!(
            "unmanaged  sub-merchant {id} 街角面包 (APPROVED) → [sub_merchants.{name}]"
        )),
        "{}",
        listed.stdout
    );
    assert!(
        listed
            .stdout
            .contains("1 sub-merchant(s) on the account: 0 known to this project, 1 to adopt."),
        "{}",
        listed.stdout
    );

    let out = p.run(IMPORT_ALL);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("Adopted 1 sub-merchant(s) into the state"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let text = imported(&p);
    assert!(text.contains(&format!("[sub_merchants.{name}]")), "{text}");
    assert!(text.contains(&format!("merchant_id = {id}")), "{text}");
    assert!(text.contains("brand_name = \"街角面包\""), "{text}");
    assert!(
        text.contains("end_time = 2030-12-31T23:59:59+08:00"),
        "{text}"
    );
    assert!(text.contains("logo_url = \"http"), "the WeChat URL\n{text}");
    assert!(!text.contains("protocol ="), "{text}");
    assert!(
        text.contains(&format!("sub_merchant = \"{name}\"")),
        "{text}"
    );
    assert!(!text.contains("sub_merchant_info"), "{text}");
    let state = p.state();
    assert_eq!(state["sub_merchants"][&name]["merchant_id"], json!(id));
    assert_eq!(state["sub_merchants"][&name]["status"], "APPROVED");
    assert_eq!(
        state["resources"].as_object().map(|r| r.len()),
        Some(1),
        "{state}"
    );

    let plan = p.run(&["plan", "--detailed-exitcode", "{dir}"]);
    plan.expect_code(0);
    assert!(
        plan.stdout.contains(&format!(
            "sub-merchant {name} (merchant_id {id}): no changes, APPROVED"
        )),
        "{}",
        plan.stdout
    );
    p.run(&["validate", "{dir}"]).expect_code(0);
    // Nothing submitted again.
    assert_eq!(calls(&emu, "/card/submerchant/submit"), 1);

    // A second import finds it managed.
    let again = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    assert!(
        again.stdout.contains(&format!(
            "managed    sub-merchant {id} 街角面包 (APPROVED) → [sub_merchants.{name}]"
        )),
        "{}",
        again.stdout
    );
}

#[test]
fn an_adopted_sub_merchant_updates_its_brand_name_and_asks_for_the_protocol_for_a_new_end() {
    let (emu, id) = made_elsewhere();
    let p = fresh(&emu);
    let name = format!("merchant_{id}");
    p.run(IMPORT_ALL).expect_code(0);

    // A new brand name needs no letter: an update.
    edit_imported(
        &p,
        "brand_name = \"街角面包\"\nend_time",
        "brand_name = \"街角面包店\"\nend_time",
    );
    let plan = p.run(&["plan", "--detailed-exitcode", "{dir}"]);
    plan.expect_code(2);
    assert!(
        plan.stdout.contains(&format!(
            "~ sub-merchant {name} (merchant_id {id}): update brand_name (card/submerchant/update)"
        )),
        "{}\n{}",
        plan.stdout,
        plan.stderr
    );
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    let got = emu.api("/card/submerchant/get", json!({ "merchant_id": id }));
    assert_eq!(got["info"]["brand_name"], "街角面包店", "{got}");
    assert_eq!(
        calls(&emu, "/card/submerchant/submit"),
        1,
        "updated, not submitted"
    );

    // A new end needs the new letter: a clear error naming the field and what to do.
    edit_imported(
        &p,
        "end_time = 2030-12-31T23:59:59+08:00",
        "end_time = 2031-12-31T23:59:59+08:00",
    );
    let plan = p.run(&["plan", "{dir}"]);
    plan.expect_code(1);
    let said = words(&plan.stderr);
    assert!(
        said.contains(&format!("sub-merchant {name} (cards/imported.toml:"))
            && said.contains("changing end_time needs the authorisation letter, and this adopted sub-merchant declares no `protocol`")
            && said.contains(&format!("Set `protocol` in [sub_merchants.{name}] to the new letter's scan")),
        "{}",
        plan.stderr
    );
    assert!(
        said.contains("fix the [sub_merchants.<name>] table each line names"),
        "{}",
        plan.stderr
    );
    // A merchant_id that is not the recorded one: said, nothing sent.
    edit_imported(&p, &format!("merchant_id = {id}\n"), "merchant_id = 999\n");
    let plan = p.run(&["plan", "{dir}"]);
    plan.expect_code(1);
    assert!(
        words(&plan.stderr).contains(&format!(
            "merchant_id 999 is declared, but the state records {name} as merchant_id {id}"
        )),
        "{}",
        plan.stderr
    );
    edit_imported(&p, "merchant_id = 999\n", &format!("merchant_id = {id}\n"));
    // Given the letter, the update is planned and sent with it.
    edit_imported(
        &p,
        &format!("merchant_id = {id}\n"),
        &format!("merchant_id = {id}\nprotocol = \"assets/protocol.jpg\"\n"),
    );
    let plan = p.run(&["plan", "--detailed-exitcode", "{dir}"]);
    plan.expect_code(2);
    assert!(
        plan.stdout.contains("update end_time, protocol_sha256"),
        "{}",
        plan.stdout
    );
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    assert_eq!(
        calls(&emu, "/cgi-bin/media/upload"),
        2,
        "the maker's and this one"
    );
}

#[test]
fn a_sub_merchant_declared_without_protocol_nor_merchant_id_is_a_located_error() {
    let emu = Emulator::start(&[]);
    let p = project(
        &emu,
        &SHOP.replace("protocol = \"assets/protocol.jpg\"\n", ""),
    );
    let out = p.run(&["validate", "{dir}"]);
    out.expect_code(1);
    let said = words(&format!("{}{}", out.stdout, out.stderr));
    assert!(
        said.contains("sub_merchants.shop has no `protocol`: a sub-merchant is submitted with its authorisation letter"),
        "{said}"
    );
}

#[test]
fn a_card_made_outside_for_a_recorded_sub_merchant_is_imported_naming_it() {
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    let id = merchant_id(&p);
    emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "pass" })),
    );
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    // Someone issues a second card for the same sub-merchant outside cardform.
    let mut body = crate::emulator_support::cash("http://mmbiz.qpic.cn/mmbiz/outside/0");
    body["card"]["cash"]["base_info"]["sub_merchant_info"] = json!({ "merchant_id": id });
    let created = emu.api("/card/create", body);
    let outside = created["card_id"].as_str().expect("card_id").to_string();

    let out = p.run(IMPORT_ALL);
    out.expect_code(0);
    let text = imported(&p);
    assert!(text.contains(&outside), "{text}");
    assert!(text.contains("sub_merchant = \"shop\""), "{text}");
    assert!(
        !text.contains("[sub_merchants."),
        "declared already\n{text}"
    );
    assert!(!text.contains("sub_merchant_info"), "{text}");
    p.run(&["plan", "--detailed-exitcode", "{dir}"])
        .expect_code(0);
}
