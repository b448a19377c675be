//! zh-CN: apply. Its confirmation, progress, result lines, refusals and failures in
//! Chinese; the same runs in English stay English.

use super::assert_chinese;
use crate::common::{Emulator, Output, TestProject, cardform, run_cmd};

/// `cardform ARGS` in `p` under zh-CN (`{dir}` is the project folder).
fn zh_in(p: &TestProject, args: &[&str]) -> Output {
    let dir = p.path().to_string_lossy().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
    run_cmd(cardform().args(&args).env("CARDFORM_LANG", "zh-CN"))
}

/// The first apply of a project, in English and with only the cards of `file` (the
/// others are put back after): it records the project's id in cardform.toml (a note of
/// the state's area, said elsewhere), so the runs under test show only apply's lines.
fn first_apply(p: &TestProject, file: &str, keep: &str) {
    let path = p.path().join("cards").join(file);
    let text = std::fs::read_to_string(&path).expect("card file");
    let cut = text.find(keep).unwrap_or(text.len());
    std::fs::write(&path, &text[..cut]).expect("write");
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::write(&path, text).expect("write back");
}

/// Creates, then an update, then a saved plan: each result line in Chinese.
#[test]
fn apply_creates_updates_and_applies_a_saved_plan_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    first_apply(&p, "cards.toml", "[cards.tea_coupon]");
    let out = zh_in(&p, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert_chinese("apply (creates)", &out);
    assert!(out.stdout.contains("执行完成：新建 1 张"), "{}", out.stdout);

    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示此券\"");
    let out = zh_in(&p, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert_chinese("apply (update)", &out);
    assert!(
        out.stdout.contains("更新 1 张（其中 1 张已提交审核）"),
        "{}",
        out.stdout
    );

    // A saved plan: its name and checksum, then the result.
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0001\"",
    );
    let saved = p.path().join("plan.json").to_string_lossy().to_string();
    zh_in(&p, &["plan", "{dir}", "--out", &saved]).expect_code(0);
    let out = zh_in(&p, &["apply", &saved]);
    out.expect_code(0);
    assert_chinese("apply of a saved plan", &out);
    assert!(out.stderr.contains("（校验和"), "{}", out.stderr);
    // Nothing left to do: said in Chinese too.
    zh_in(&p, &["plan", "{dir}", "--out", &saved]).expect_code(0);
    let out = zh_in(&p, &["apply", &saved]);
    out.expect_code(0);
    assert_chinese("apply of an empty saved plan", &out);

    // The same apply in English says what it always said.
    p.edit(
        "service_phone = \"400-000-0001\"",
        "service_phone = \"400-000-0002\"",
    );
    let en = p.run(&["apply", "{dir}", "--auto-approve"]);
    en.expect_code(0);
    assert!(
        en.stdout.contains(
            "Apply complete: 0 created, 1 updated (0 sent to review), 0 replaced, 0 deleted, 0 stock changes."
        ),
        "{}",
        en.stdout
    );
}

/// Without `--auto-approve` and without a terminal to ask on, apply refuses; the
/// 券点 refusals and the mass-destroy refusal are Chinese too.
#[test]
fn apply_refusals_speak_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let out = zh_in(&p, &["apply", "{dir}"]);
    assert_ne!(out.code, 0);
    assert_chinese("apply without confirmation", &out);

    // Friends coupons without consent to buy: refused before anything is created.
    let q = crate::common::quickstart_against(&emu);
    let friends = q.path().join("cards/friends.toml");
    let aside = q.path().join("friends.toml.aside");
    std::fs::rename(&friends, &aside).expect("move aside");
    q.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::rename(&aside, &friends).expect("move back");
    run_cmd(
        cardform()
            .args(["coins", "activate", "--dir"])
            .arg(q.path()),
    )
    .expect_code(0);
    let out = zh_in(&q, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(1);
    assert_chinese("apply without --allow-coin-purchase", &out);
    assert!(
        out.stderr.contains("--allow-coin-purchase"),
        "{}",
        out.stderr
    );
    // With consent: the purchases are reported in Chinese.
    let out = zh_in(
        &q,
        &["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"],
    );
    out.expect_code(0);
    assert_chinese("apply that buys stock", &out);
    assert!(out.stderr.contains("购买了 250 张券"), "{}", out.stderr);

    // Deleting a friends coupon that holds bought stock: refused, plan and apply.
    let friends_text = std::fs::read_to_string(&friends).expect("friends");
    let start = friends_text.find("# 满100减20").unwrap_or(0);
    let end = friends_text.find("# 拿铁1杯").unwrap_or(friends_text.len());
    std::fs::write(
        &friends,
        format!("{}{}", &friends_text[..start], &friends_text[end..]),
    )
    .expect("write friends");
    let out = zh_in(&q, &["plan", "{dir}"]);
    out.expect_code(3);
    assert_chinese("plan that throws away bought stock", &out);
    assert!(
        out.stderr
            .contains("friend_cash：删除它将作废 250 张尚未领取的券"),
        "{}",
        out.stderr
    );
    let out = zh_in(&q, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(3);
    assert_chinese("apply that throws away bought stock", &out);
    assert!(out.stderr.contains("--allow-stock-loss"), "{}", out.stderr);
    let en = q.run(&["apply", "{dir}", "--auto-approve"]);
    en.expect_code(3);
    assert!(
        en.stderr
            .contains("friend_cash: deleting it loses 250 unclaimed vouchers"),
        "{}",
        en.stderr
    );

    // More cards deleted than `[policy] max_destroy` allows: refused (exit 3).
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    std::fs::write(
        p.path().join("cardform.toml"),
        format!("{toml}\n[policy]\nmax_destroy = 0\n"),
    )
    .expect("write toml");
    let text = std::fs::read_to_string(p.cards_file()).unwrap_or_default();
    let cut = text.find("[cards.tea_coupon]").unwrap_or(text.len());
    std::fs::write(p.cards_file(), &text[..cut]).expect("write");
    let out = zh_in(&p, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(3);
    assert_chinese("apply of a mass destroy", &out);
    assert!(
        out.stderr.contains("--allow-mass-destroy"),
        "{}",
        out.stderr
    );
}

/// A call that fails: the failure lines, and the outcome WeChat may or may not have
/// reached, resolved by the next run with a note, all in Chinese.
#[test]
fn a_failing_call_is_reported_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    // A permanent error on the update.
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/update", "errcode": 40013}])),
    );
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0001\"",
    );
    let out = zh_in(&p, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("coffee_discount：update 失败："),
        "{}",
        out.stderr
    );
    assert_chinese("apply with a failing call", &out);
    assert!(out.stderr.contains("项失败"), "{}", out.stderr);
    emu.admin("POST", "/__emulator/faults", Some(serde_json::json!([])));

    // A create whose answer is lost: WeChat may have done it.
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(
            serde_json::json!([{"path": "/card/create", "mode": "commit-then-drop", "calls": [1]}]),
        ),
    );
    p.edit("[cards.tea_coupon]", "[cards.tea_coupon2]");
    let text = std::fs::read_to_string(p.cards_file()).unwrap_or_default();
    std::fs::write(
        p.cards_file(),
        text.replace("cards.tea_coupon.", "cards.tea_coupon2."),
    )
    .expect("write");
    let out = zh_in(
        &p,
        &["apply", "{dir}", "--auto-approve", "--allow-mass-destroy"],
    );
    out.expect_code(1);
    assert_chinese("apply with an unknown outcome", &out);
    assert!(out.stderr.contains("微信可能已执行"), "{}", out.stderr);
    emu.admin("POST", "/__emulator/faults", Some(serde_json::json!([])));
    // The next run resolves it first and says so (the engine's own words around the
    // resolution are the engine's: only the plan and the resolution are checked here).
    let out = zh_in(&p, &["plan", "{dir}"]);
    out.expect_code(0);
    assert_chinese("plan after an interrupted create", &out);
    assert!(
        out.stderr
            .contains("注意：tea_coupon2：中断的新建操作已到达微信；已纳管卡券"),
        "{}",
        out.stderr
    );
}

/// `--wait-for-review`: the wait and each card's review, in Chinese; `--refresh-only`
/// records the live values and says so in Chinese.
#[test]
fn waiting_for_review_and_refresh_only_speak_chinese() {
    let emu = Emulator::start(&["--review-delay-ms", "1"]);
    let p = TestProject::external(&emu.url);
    first_apply(&p, "cards.toml", "[cards.tea_coupon]");
    let out = zh_in(
        &p,
        &[
            "apply",
            "{dir}",
            "--auto-approve",
            "--wait-for-review",
            "20",
        ],
    );
    out.expect_code(0);
    assert_chinese("apply --wait-for-review", &out);
    assert!(
        out.stderr.contains("等待微信审核 1 张卡券"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("tea_coupon：微信审核通过"),
        "{}",
        out.stdout
    );

    // A change made on WeChat, recorded as the last applied by --refresh-only.
    let id = p.state()["resources"]["coffee_discount"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let r = emu.api(
        "/card/update",
        serde_json::json!({"card_id": id, "discount": {"base_info": {"service_phone": "123"}}}),
    );
    assert_eq!(r["errcode"], 0, "{r}");
    let out = zh_in(&p, &["plan", "{dir}", "--refresh-only"]);
    out.expect_code(0);
    assert_chinese("plan --refresh-only", &out);
    assert!(out.stdout.contains("有线上改动"), "{}", out.stdout);
    let out = zh_in(&p, &["apply", "{dir}", "--auto-approve", "--refresh-only"]);
    out.expect_code(0);
    assert_chinese("apply --refresh-only", &out);
    assert!(
        out.stdout
            .contains("已把 1 张卡券的线上值记为上次执行的结果"),
        "{}",
        out.stdout
    );
}
