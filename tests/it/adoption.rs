//! Adopting cards cardform did not create: `import`, then a faithful file plans no
//! change (field ownership: a field the files never set is never compared).

use serde_json::{Value, json};

use crate::common::{Emulator, TestProject};
use crate::emulator_support::{cash, with};

/// A card made outside cardform (as in the MP console or older code), with fields the
/// file below leaves out: WeChat's echoed defaults and settings nobody declared.
fn create_outside(emu: &Emulator) -> (String, Value) {
    let logo = "http://mmbiz.qpic.cn/mmbiz/legacy-logo/0";
    let body = with(
        cash(logo),
        "/card/cash/advanced_info",
        json!({"share_friends": false}),
    );
    let body = with(body, "/card/cash/base_info/can_share", json!(true));
    let body = with(body, "/card/cash/base_info/use_all_locations", json!(false));
    let created = emu.api("/card/create", body.clone());
    let card_id = created["card_id"]
        .as_str()
        .unwrap_or_else(|| panic!("card/create answered {created}"))
        .to_string();
    (card_id, body)
}

/// What a person writes for that card: only what they care about.
fn faithful_file(body: &Value) -> String {
    let b = &body["card"]["cash"]["base_info"];
    let d = &b["date_info"];
    format!(
        r#"
[cards.legacy]
card_type = "CASH"
least_cost = 0
reduce_cost = 1000

[cards.legacy.base_info]
logo_url = "{logo}"
code_type = "CODE_TYPE_QRCODE"
brand_name = "测试商户"
title = "10元代金券"
color = "Color010"
notice = "出示即可使用"
description = "不可与其他优惠同享"
service_phone = "020-88888888"
get_limit = 3

[cards.legacy.base_info.sku]
quantity = 100

[cards.legacy.base_info.date_info]
type = "DATE_TYPE_FIX_TIME_RANGE"
begin_timestamp = {begin}
end_timestamp = {end}
"#,
        logo = b["logo_url"].as_str().unwrap_or_default(),
        begin = d["begin_timestamp"],
        end = d["end_timestamp"],
    )
}

#[test]
fn an_imported_card_with_a_faithful_file_plans_no_change() {
    let emu = Emulator::start(&[]);
    let (card_id, body) = create_outside(&emu);
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), faithful_file(&body)).expect("write cards");
    p.run(&["import", "legacy", &card_id, "--dir", "{dir}"])
        .expect_code(0);
    for _ in 0..2 {
        let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
        out.expect_code(0);
        assert!(out.stdout.contains("No changes"), "{}", out.stdout);
    }
    // A real edit on the adopted card behaves as on a card cardform created.
    p.edit(
        "service_phone = \"020-88888888\"",
        "service_phone = \"020-99999999\"",
    );
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert!(out.stdout.contains("service_phone"), "{}", out.stdout);
    assert!(!out.stdout.contains("share_friends"), "{}", out.stdout);
    assert!(!out.stdout.contains("can_share"), "{}", out.stdout);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(0);
    let state = p.state();
    assert_eq!(state["resources"]["legacy"]["card_id"], json!(card_id));
}

/// `import --all` writing `cards/imported.toml`.
fn import_all_into_imported_toml(p: &TestProject) -> crate::common::Output {
    p.run(&[
        "import",
        "--all",
        "--generate-config-out",
        "{dir}/cards/imported.toml",
        "--dir",
        "{dir}",
    ])
}

/// Mutating endpoints: none may be called by adopting or by planning adopted cards.
const WRITES: &[&str] = &[
    "/card/create",
    "/card/update",
    "/card/delete",
    "/card/modifystock",
    "/cgi-bin/media/uploadimg",
];

fn write_calls(emu: &Emulator) -> usize {
    let calls = emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|c| WRITES.iter().any(|w| c["path"].as_str() == Some(w)))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn import_all_adopts_the_account_and_the_generated_file_plans_no_change() {
    let emu = Emulator::start(&[]);
    let (legacy_id, _) = create_outside(&emu);
    let multi_line = with(
        cash("http://mmbiz.qpic.cn/mmbiz/other/0"),
        "/card/cash/base_info/description",
        json!("第一行\n第二行\n第三行"),
    );
    let second = emu.api("/card/create", multi_line);
    let second_id = second["card_id"].as_str().expect("card_id").to_string();
    let gone = emu.api("/card/create", cash("http://mmbiz.qpic.cn/mmbiz/gone/0"));
    let gone_id = gone["card_id"].as_str().expect("card_id").to_string();
    emu.api("/card/delete", json!({ "card_id": gone_id }));
    let writes_before = write_calls(&emu);

    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");

    // --all without a file to write would leave adopted cards undeclared: refused.
    p.run(&["import", "--all", "--dir", "{dir}"]).expect_code(1);
    let listing = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    listing.expect_code(0);
    assert!(listing.stdout.contains("2 unmanaged"), "{}", listing.stdout);
    assert!(
        !p.path().join("state/cardform.state.json").exists(),
        "a dry run writes nothing"
    );

    let out = import_all_into_imported_toml(&p);
    out.expect_code(0);
    assert!(
        !out.stdout.contains(&gone_id),
        "deleted cards are skipped: {}",
        out.stdout
    );
    let generated = std::fs::read_to_string(p.path().join("cards/imported.toml")).expect("file");
    assert!(
        generated.contains("begin_timestamp = 20"),
        "zoned datetimes:\n{generated}"
    );
    assert!(
        generated.contains("第一行\n第二行"),
        "multi-line text:\n{generated}"
    );

    p.run(&["validate", "{dir}"]).expect_code(0);
    let first = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    first.expect_code(0);
    let second_plan = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    second_plan.expect_code(0);
    assert_eq!(first.stdout, second_plan.stdout);
    assert_eq!(
        write_calls(&emu),
        writes_before,
        "adopting and planning sent no write"
    );

    let state = p.state();
    let ids: Vec<&str> = state["resources"]
        .as_object()
        .map(|m| m.values().filter_map(|r| r["card_id"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        ids.contains(&legacy_id.as_str()) && ids.contains(&second_id.as_str()),
        "{ids:?}"
    );
    assert!(!ids.contains(&gone_id.as_str()));

    // Running it again adopts nothing new and refuses to write over the file.
    import_all_into_imported_toml(&p).expect_code(1);
}

/// Legacy values (an off-palette hex, a foreign image host, quantity 0) are declarable,
/// since an adopted card may hold them; the plan refuses to send one.
#[test]
fn legacy_values_validate_but_are_never_sent() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);

    // A new colour off the palette would be sent in an update: refused by the plan.
    p.edit("color = \"Color010\"", "color = \"#E75735\"");
    let v = p.run(&["validate", "{dir}"]);
    v.expect_code(0);
    assert!(v.stdout.contains("not a palette colour"), "{}", v.stdout);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    assert!(out.stderr.contains("base_info.color"), "{}", out.stderr);
    assert!(out.stderr.contains("send a change"), "{}", out.stderr);

    // A new card is sent whole: a legacy value in it is refused.
    p.edit("color = \"#E75735\"", "color = \"Color010\"");
    p.edit("quantity = 500", "quantity = 0");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("base_info.sku.quantity"),
        "{}",
        out.stderr
    );

    // A text over today's byte limit (old cards keep them) validates with a warning
    // and is refused when it would be sent: here as a change of an existing card.
    p.edit("quantity = 0", "quantity = 500");
    p.edit(
        "notice = \"结账时出示此券\"",
        "notice = \"结账时请出示此券并告知服务员本券仅限堂食使用\"",
    );
    let v = p.run(&["validate", "{dir}"]);
    v.expect_code(0);
    assert!(v.stdout.contains("66 UTF-8 bytes > 48"), "{}", v.stdout);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    assert!(out.stderr.contains("base_info.notice"), "{}", out.stderr);
    assert!(out.stderr.contains("send a change"), "{}", out.stderr);
}

/// The legacy corpus (tests/fixtures/wechat/legacy): every answer as WeChat wrote it.
fn legacy_corpus() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wechat/legacy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("corpus file");
            serde_json::from_str(&text).expect("corpus JSON")
        })
        .collect()
}

#[test]
fn a_legacy_account_is_adopted_and_plans_no_change() {
    let emu = Emulator::start(&[]);
    let corpus = legacy_corpus();
    let seeded = emu.admin(
        "POST",
        "/__emulator/seed",
        Some(Value::Array(corpus.clone())),
    );
    assert_eq!(
        seeded["card_ids"].as_array().map(Vec::len),
        Some(corpus.len()),
        "{seeded}"
    );
    // card/get answers the seeded card as recorded.
    let got = emu.api(
        "/card/get",
        json!({"card_id": "pLegacyUnknownFields0000004"}),
    );
    assert_eq!(
        got["card"]["general_coupon"]["base_info"]["auto_update_new_location"],
        json!(true)
    );

    let writes_before = write_calls(&emu);
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");
    let out = import_all_into_imported_toml(&p);
    out.expect_code(0);
    assert!(
        !out.stdout.contains("pLegacySysDelete"),
        "system-deleted cards are skipped:\n{}",
        out.stdout
    );
    p.run(&["validate", "{dir}"]).expect_code(0);
    let first = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    first.expect_code(0);
    let again = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    again.expect_code(0);
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(write_calls(&emu), writes_before, "no write call");
    let state = p.state();
    let adopted = state["resources"].as_object().map(|m| m.len()).unwrap_or(0);
    assert_eq!(adopted, corpus.len() - 1, "every card but the deleted one");

    // Real edits on adopted cards behave as on cards cardform created.
    let generated = std::fs::read_to_string(p.path().join("cards/imported.toml")).expect("file");
    let edited = generated.replace(
        "description = \"每人限领一张\"",
        "description = \"每人限领两张\"",
    );
    assert_ne!(edited, generated, "{generated}");
    std::fs::write(p.path().join("cards/imported.toml"), edited).expect("edit");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert!(out.stdout.contains("description"), "{}", out.stdout);
    assert!(!out.stdout.contains("must be replaced"), "{}", out.stdout);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // A field added to a card whose title and notice are over today's limits: an
    // in-place update that sends only that field, so the old texts are no obstacle.
    let generated = std::fs::read_to_string(p.path().join("cards/imported.toml")).expect("file");
    let edited = generated.replace(
        "[cards.cash_plegacyo.base_info]\n",
        "[cards.cash_plegacyo.base_info]\nservice_phone = \"020-88886666\"\n",
    );
    assert_ne!(edited, generated, "{generated}");
    std::fs::write(p.path().join("cards/imported.toml"), &edited).expect("edit");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert!(out.stdout.contains("service_phone"), "{}", out.stdout);
    assert!(!out.stdout.contains("must be replaced"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 to update (0 sent to review)"),
        "in place:\n{}",
        out.stdout
    );
    let before = write_calls(&emu);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(write_calls(&emu), before + 1, "one card/update");
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // A brand_name change needs a new card, as on cards cardform created.
    let edited = edited.replace("brand_name = \"甜品店\"", "brand_name = \"新甜品店\"");
    std::fs::write(p.path().join("cards/imported.toml"), &edited).expect("edit");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert!(out.stdout.contains("must be replaced"), "{}", out.stdout);
}

#[test]
fn the_emulator_serves_a_seed_file_from_its_command_line() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wechat/legacy/01_numeric_types.json");
    let emu = Emulator::start(&["--seed", &file.to_string_lossy()]);
    let got = emu.api(
        "/card/get",
        json!({"card_id": "pLegacyNumeric0000000000001"}),
    );
    assert_eq!(
        got["card"]["groupon"]["base_info"]["date_info"]["type"],
        json!(1),
        "{got}"
    );
    assert_eq!(
        got["card"]["groupon"]["base_info"]["status"],
        json!(3),
        "{got}"
    );
}

/// A card/get answer recorded from a real account (tests/fixtures/wechat/recorded,
/// source TY in its PROVENANCE.md), not a shape cardform wrote: adopted, it plans no
/// change and sends nothing.
#[test]
fn a_recorded_real_card_is_adopted_and_plans_no_change() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wechat/recorded/ty_card_get.response.json");
    let answer: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("recorded body"))
            .expect("JSON");
    let emu = Emulator::start(&[]);
    let seeded = emu.admin("POST", "/__emulator/seed", Some(Value::Array(vec![answer])));
    assert_eq!(
        seeded["card_ids"].as_array().map(Vec::len),
        Some(1),
        "{seeded}"
    );
    let writes_before = write_calls(&emu);
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");
    import_all_into_imported_toml(&p).expect_code(0);
    p.run(&["validate", "{dir}"]).expect_code(0);
    let first = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    first.expect_code(0);
    let again = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    again.expect_code(0);
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(write_calls(&emu), writes_before, "no write call");
}

/// Real cards that lack what card/create requires today (issue 22, item 14): one without
/// `description`, one whose cover has no `abstract` text. Both are adopted and plan
/// "No changes"; an edit of another field sends only that field; a new card without a
/// description is refused before anything is sent.
#[test]
fn real_cards_without_create_time_fields_are_adopted_and_edited_in_place() {
    let emu = Emulator::start(&[]);
    let corpus: Vec<Value> = legacy_corpus()
        .into_iter()
        .filter(|c| {
            let id = c.to_string();
            id.contains("pLegacyNoDescription") || id.contains("pLegacyAbstractNoText")
        })
        .collect();
    assert_eq!(corpus.len(), 2);
    emu.admin("POST", "/__emulator/seed", Some(Value::Array(corpus)));
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");
    import_all_into_imported_toml(&p).expect_code(0);
    let generated = std::fs::read_to_string(p.path().join("cards/imported.toml")).expect("file");
    assert!(!generated.contains("description = \"\""), "{generated}");
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    let edited = generated.replace(
        "notice = \"使用时向服务员出示此券\"",
        "notice = \"到店出示此券\"",
    );
    assert_ne!(edited, generated, "{generated}");
    std::fs::write(p.path().join("cards/imported.toml"), &edited).expect("edit");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert!(out.stdout.contains("notice"), "{}", out.stdout);
    assert!(!out.stdout.contains("description"), "{}", out.stdout);
    let before = write_calls(&emu);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(write_calls(&emu), before + 1, "one card/update");
    let got = emu.api(
        "/card/get",
        json!({"card_id": "pLegacyNoDescription00000007"}),
    );
    let base = &got["card"]["cash"]["base_info"];
    assert_eq!(base["notice"], json!("到店出示此券"), "{got}");
    assert!(
        base.get("description").is_none(),
        "nothing else sent: {got}"
    );
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // A new card without a description: WeChat would refuse it, so the plan does.
    let start = edited
        .find("[cards.cash_plegacyn]")
        .expect("the cash card's table");
    let end = edited.find("[cards.gift_plegacya]").unwrap_or(edited.len());
    let new_card = edited[start..end].replace("[cards.cash_plegacyn", "[cards.cash_copy");
    std::fs::write(p.path().join("cards/copy.toml"), new_card).expect("write");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("base_info.description"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("create the card"), "{}", out.stderr);
}
