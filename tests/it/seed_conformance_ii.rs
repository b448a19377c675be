//! The seed walked again (issue 25), where the first walk (`seed_conformance`) found the
//! product unfaithful: statistics of MP-made cards, what the review pages and plan
//! headers say about review, stores checked at plan, titles of imported friends
//! coupons, the V1.4 issue window in `status` and `qrcode`, one length policy for
//! notice/center_title, and previews that never lose their text. Each test is named
//! after the seed passage (or the reference row) it checks.

use std::path::Path;

use serde_json::{Value, json};

use crate::common::{Emulator, TestProject, cardform, copy_example, run_cmd};
use crate::emulator_support::*;

/// A friends CASH coupon in TOML, beginning `begin_days` from now (Beijing time), with
/// stores `stores` and `extra` lines at the end of its `base_info`.
fn friends_toml(address: &str, begin_days: i64, stores: &str, extra: &str) -> String {
    let begin = chrono::Utc::now().with_timezone(&cardform::spec::beijing())
        + chrono::Duration::days(begin_days);
    let end = begin + chrono::Duration::days(30);
    let fmt = |t: chrono::DateTime<chrono::FixedOffset>| t.format("%Y-%m-%dT%H:%M:%S%:z");
    format!(
        r#"[cards.{address}]
card_type = "CASH"
least_cost = 0
reduce_cost = 500

[cards.{address}.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_QRCODE"
brand_name = "朋友商户"
color = "Color020"
notice = "出示即可"
description = "朋友的券"
location_id_list = [{stores}]
can_share = false
can_give_friend = false
sku = {{ quantity = 10 }}
date_info = {{ type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = {begin}, end_timestamp = {end} }}
{extra}

[cards.{address}.advanced_info]
share_friends = true
text_image_list = [{{ image_url = "assets/logo.jpg", text = "好吃" }}]

"#,
        begin = fmt(begin),
        end = fmt(end),
    )
}

fn external(emu: &Emulator, cards: &str, extra_toml: &str) -> TestProject {
    TestProject::with(
        &format!(
            "endpoint = \"{}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n{extra_toml}",
            emu.url
        ),
        cards,
    )
}

fn sandbox(cards: &str) -> TestProject {
    TestProject::with(
        "endpoint = \"sandbox\"\n\n[account]\nappid = \"wxsandbox\"\n",
        cards,
    )
}

fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&cardform::spec::beijing())
        .date_naive()
        .to_string()
}

/// A card as the MP platform made it: card/get's answer for `like`, under a new id.
fn mp_made(card: &Value) -> Value {
    let mut card = card.clone();
    let t = card["card_type"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let base = &mut card[t.as_str()]["base_info"];
    if let Some(b) = base.as_object_mut() {
        b.remove("id");
        b.insert("status".into(), json!("CARD_STATUS_VERIFY_OK"));
        b.insert("sku".into(), json!({"quantity": 10, "total_quantity": 10}));
    }
    json!({ "card": card })
}

// ── 数据统计: cond_source 0 = MP, 1 = API ──────────────────────────────────────

#[tokio::test]
async fn datacube_cond_source_0_counts_cards_made_on_the_mp_platform() {
    let e = start().await;
    let logo = e.logo().await;
    let api = e.create(cash(&logo)).await;
    e.approve(&api).await;
    let (s, v) = e.admin("seed", mp_made(&e.card(&api).await)).await;
    assert_eq!(s, 200, "{v}");
    let mp = v["card_ids"][0].as_str().expect("seeded id").to_string();
    for (card, openid) in [(&api, "o-a"), (&mp, "o-b"), (&mp, "o-c")] {
        let (s, v) = e
            .admin("claim", json!({"card_id": card, "openid": openid}))
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let day = today();
    let receive = |v: &Value| -> u64 {
        v["list"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["receive_cnt"].as_u64().unwrap_or(0))
            .sum()
    };
    for (source, want) in [(0, 2), (1, 1)] {
        let q = json!({"begin_date": day, "end_date": day, "cond_source": source});
        let v = e.post("/datacube/getcardbizuininfo", q.clone()).await;
        assert_eq!(receive(&v), want, "cond_source {source}: {v}");
        let v = e.post("/datacube/getcardcardinfo", q).await;
        let ids: Vec<&str> = v["list"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["card_id"].as_str())
            .collect();
        let expected = if source == 0 { &mp } else { &api };
        assert!(
            !ids.is_empty() && ids.iter().all(|id| id == expected),
            "cond_source {source}: {v}"
        );
    }
}

#[test]
fn datacube_stats_add_the_mp_and_the_api_cards() {
    let emu = Emulator::start(&["--review-delay-ms", "1"]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let state = p.state();
    let api = state["resources"]["coffee_discount"]["card_id"].clone();
    let card = emu.api("/card/get", json!({ "card_id": api }));
    let seeded = emu.admin("POST", "/__emulator/seed", Some(mp_made(&card["card"])));
    let mp = seeded["card_ids"][0].clone();
    assert!(mp.is_string(), "{seeded}");
    for (card, openid) in [(&api, "u1"), (&mp, "u2")] {
        let r = emu.admin(
            "POST",
            "/__emulator/claim",
            Some(json!({ "card_id": card, "openid": openid })),
        );
        assert_eq!(r["errcode"], 0, "{r}");
    }
    let day = today();
    let before = emu.admin("GET", "/__emulator/calls", None)["calls"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let out = p.run(&[
        "stats", "--dir", "{dir}", "--from", &day, "--to", &day, "--format", "csv",
    ]);
    out.expect_code(0);
    // One window, asked once per cond_source (0: MP-made, 1: API-made).
    let calls = emu.admin("GET", "/__emulator/calls", None);
    let asked = calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .skip(before)
        .filter(|c| c["path"] == "/datacube/getcardbizuininfo")
        .count();
    assert_eq!(asked, 2, "{calls}");
    let mut lines = out.stdout.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (scope, receive) = (col("scope"), col("receive_cnt"));
    let rows: Vec<(String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[scope].to_string(), f[receive].to_string())
        })
        .collect();
    assert!(
        rows.contains(&("account".to_string(), "2".to_string())),
        "the account counts both cards: {}",
        out.stdout
    );
    let mp = mp.as_str().unwrap_or_default().to_string();
    assert!(
        rows.contains(&(mp, "1".to_string())),
        "the MP card has its row: {}",
        out.stdout
    );
}

// ── 创建卡券: a new card is submitted for review (not sent back) ─────────────────

fn text_of_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_svg = 0usize;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<svg") || rest.starts_with("<style") {
            in_svg += 1;
        } else if rest.starts_with("</svg") || rest.starts_with("</style") {
            in_svg = in_svg.saturating_sub(1);
        }
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag && in_svg == 0 => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn create_new_cards_start_under_review_on_the_review_pages() {
    let project = copy_example("quickstart");
    let d = project.path().to_str().expect("utf-8");
    for lang in ["en", "zh-CN"] {
        let page = project.path().join(format!("plan-{lang}.html"));
        let out = run_cmd(cardform().args([
            "plan",
            d,
            "--format",
            "html",
            "--lang",
            lang,
            "--out",
            page.to_str().expect("utf-8"),
        ]));
        out.expect_code(0);
        let html = std::fs::read_to_string(&page).expect("page");
        let text = text_of_html(&html);
        for wrong in [
            "go back",
            "back to review",
            "重新提交",
            "()",
            "（）",
            "apply needs --allow-coin-purchase",
            "执行时需加",
        ] {
            assert!(!text.contains(wrong), "{lang}: `{wrong}` in {text}");
        }
        // The 券点 box shows the price and the balance, as the text plan does.
        for right in ["200", "100"] {
            assert!(text.contains(right), "{lang}: no {right} in {text}");
        }
        let balance = if lang == "en" { "balance" } else { "余额" };
        assert!(text.contains(balance), "{lang}: {text}");
        let new_cards = if lang == "en" {
            "start under review"
        } else {
            "审核中"
        };
        assert!(text.contains(new_cards), "{lang}: {text}");

        let md = run_cmd(cardform().args(["plan", d, "--format", "markdown", "--lang", lang]));
        md.expect_code(0);
        for wrong in [
            "apply needs `--allow-coin-purchase`",
            "执行时需加",
            "重新提交",
        ] {
            assert!(
                !md.stdout.contains(wrong),
                "{lang}: `{wrong}` in {}",
                md.stdout
            );
        }
        let policy = "allow_coin_purchase = true";
        assert!(md.stdout.contains(policy), "{lang}: {}", md.stdout);
    }
}

// ── 更改卡券信息: send_check, statuses in words ───────────────────────────────────

#[test]
fn update_send_check_plan_headers_say_the_status_in_words() {
    let emu = Emulator::start(&["--review-delay-ms", "1"]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示此券\"");
    for (lang, approved, review) in [("en", "approved", "review"), ("zh-CN", "审核通过", "审核")]
    {
        let out = p.run(&["plan", "{dir}", "--lang", lang]);
        out.expect_code(0);
        let head = out
            .stdout
            .lines()
            .find(|l| l.contains('#') && l.contains("coffee_discount"))
            .unwrap_or_else(|| panic!("{lang}: no header: {}", out.stdout));
        assert!(!head.contains("CARD_STATUS_"), "{lang}: {head}");
        assert!(
            head.contains(approved) && head.contains(review),
            "{lang}: {head}"
        );
        assert!(
            !(head.contains("back to review") && head.contains("now approved")),
            "{lang}: {head}"
        );
    }
}

// ── 创建朋友的券: location_id_list needs the account's stores ──────────────────────

#[test]
fn create_table_friends_stores_are_checked_at_plan_before_anything_is_bought() {
    let cards = format!(
        "{}{}",
        friends_toml("good", 2, "401234567", ""),
        friends_toml("bad", 2, "401234567, 999", "")
    );
    let p = sandbox(&cards);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    let said = crate::common::words(&out.stderr);
    assert!(
        said.contains("999") && said.contains("bad") && said.contains("card/location/batchget"),
        "{said}"
    );
    assert!(
        !said.contains("401234567,"),
        "only unknown ids are named: {said}"
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(1);
    let state = p.path().join("state/cardform.state.json");
    if state.exists() {
        let resources = p.state()["resources"].clone();
        assert!(
            resources.as_object().is_none_or(|r| r.is_empty()),
            "nothing was created: {resources}"
        );
    }
    // With the store fixed, the same project plans.
    p.edit("401234567, 999", "401234568");
    p.run(&["plan", "{dir}"]).expect_code(0);
}

// ── 创建朋友的券 V1.1: WeChat builds the title ────────────────────────────────────

#[test]
fn create_v1_1_imported_friends_coupons_carry_no_title() {
    let emu = Emulator::start(&["--coins-activated"]);
    let made = external(&emu, &friends_toml("f", 2, "401234567", ""), "");
    made.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
        .expect_code(0);
    // The stores were read once for the run (and checked before the create).
    let calls = emu.admin("GET", "/__emulator/calls", None);
    let reads = calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["path"] == "/card/location/batchget")
        .count();
    assert_eq!(reads, 1, "{calls}");
    let adopter = external(&emu, "", "");
    adopter
        .run(&[
            "import",
            "--all",
            "--generate-config-out",
            "{dir}/cards/imported.toml",
            "--dir",
            "{dir}",
        ])
        .expect_code(0);
    let toml =
        std::fs::read_to_string(adopter.path().join("cards/imported.toml")).expect("imported.toml");
    assert!(
        !toml.lines().any(|l| l.trim_start().starts_with("title")),
        "{toml}"
    );
    let out = adopter.run(&["validate", "{dir}"]);
    out.expect_code(0);
    assert!(!out.stderr.contains("base_info.title"), "{}", out.stderr);
    let out = adopter.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(0);
}

// ── V1.4: issued at most 5 days before it takes effect ─────────────────────────

#[test]
fn v1_4_whitelist_and_qrcode_follow_the_issue_window() {
    let emu = Emulator::start(&["--coins-activated", "--review-delay-ms", "3600000"]);
    let p = external(
        &emu,
        &friends_toml("early", 10, "401234567", ""),
        "\n[test_whitelist]\nopenids = [\"o-tester\"]\n",
    );
    p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
        .expect_code(0);
    // WeChat refuses the whitelisted user too before the window (40079).
    let id = p.state()["resources"]["early"]["card_id"].clone();
    let r = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({ "card_id": id, "openid": "o-tester" })),
    );
    assert_eq!(r["errcode"], 40079, "{r}");
    let out = p.run(&["status", "{dir}", "--format", "json"]);
    out.expect_code(0);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let why = v["cards"][0]["why"].as_str().unwrap_or_default();
    assert_eq!(v["cards"][0]["claimable"], false, "{v}");
    assert!(!why.contains("whitelist can claim"), "{why}");
    assert!(why.contains("V1.4"), "{why}");
    let text = p.run(&["status", "{dir}"]);
    text.expect_code(0);
    assert!(
        !text.stdout.contains("whitelist can claim"),
        "{}",
        text.stdout
    );

    let png = p.path().join("early-qr.png");
    let out = p.run(&[
        "qrcode",
        "early",
        "--dir",
        "{dir}",
        "--out",
        png.to_str().expect("utf-8"),
    ]);
    out.expect_code(0);
    assert!(out.stdout.contains("url"), "{}", out.stdout);
    let said = crate::common::words(&out.stderr);
    assert!(said.contains("warning") && said.contains("V1.4"), "{said}");
    assert!(png.is_file());
}

// ── 字段长度: one policy for notice and center_title ─────────────────────────────

#[tokio::test]
async fn update_table_notice_is_string_48_16_hanzi() {
    let e = start().await;
    let logo = e.logo().await;
    let id = e.create(friends_cash(&logo, now())).await;
    let notice =
        |n: usize| json!({"card_id": id, "cash": {"base_info": {"notice": "出".repeat(n)}}});
    let v = e.post("/card/update", notice(16)).await;
    assert_eq!(v["errcode"], 0, "16 汉字 = 48 bytes: {v}");
    let v = e.post("/card/update", notice(17)).await;
    assert_eq!(v["errcode"], 45021, "{v}");
    // The same policy on create as for center_title: the looser table's limit.
    let v = e
        .post(
            "/card/create",
            with(
                friends_cash(&logo, now()),
                "/card/cash/base_info/notice",
                json!("出".repeat(16)),
            ),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
}

#[test]
fn update_table_validate_agrees_with_the_emulator_on_notice() {
    let p = sandbox(&friends_toml(
        "f",
        2,
        "401234567",
        "center_title = \"立即使用朋友的券吧\"",
    ));
    p.edit(
        "notice = \"出示即可\"",
        &format!("notice = \"{}\"", "出".repeat(16)),
    );
    let out = p.run(&["validate", "{dir}"]);
    out.expect_code(0);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("base_info.notice"), "warned: {said}");
    assert!(!said.contains("> 48"), "within string(48): {said}");
    assert!(said.contains("§8.3"), "the row is cited: {said}");
    p.edit(
        &format!("notice = \"{}\"", "出".repeat(16)),
        &format!("notice = \"{}\"", "出".repeat(17)),
    );
    // Over the looser limit: WeChat's write limit (validate warns, a write is refused).
    let out = p.run(&["validate", "{dir}"]);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("51 UTF-8 bytes > 48"), "{said}");
}

// ── Previews: never a PNG without its text ─────────────────────────────────────

fn fonts_conf(dir: &Path, fonts: &Path) -> std::path::PathBuf {
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir></fontconfig>\n",
            fonts.display()
        ),
    )
    .expect("fonts.conf");
    conf
}

/// A CJK font file on this machine, if any (the CI image installs WenQuanYi).
fn some_cjk_font() -> Option<std::path::PathBuf> {
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.is_file())
}

#[test]
fn preview_without_a_cjk_font_fails_and_says_what_to_install() {
    let project = copy_example("quickstart");
    let d = project.path().to_str().expect("utf-8");
    let fonts = tempfile::tempdir().expect("fonts dir");
    let conf = fonts_conf(fonts.path(), &fonts.path().join("none"));
    std::fs::create_dir_all(fonts.path().join("none")).expect("mkdir");
    let out_dir = project.path().join("previews");
    let out = run_cmd(
        cardform()
            .env("FONTCONFIG_FILE", &conf)
            .env("CARDFORM_FONT_DIRS", fonts.path().join("none"))
            .args(["preview", d, "--out", out_dir.to_str().expect("utf-8")]),
    );
    out.expect_code(1);
    let said = crate::common::words(&out.stderr);
    assert!(said.contains("fonts-noto-cjk"), "{said}");
    let pngs = std::fs::read_dir(&out_dir)
        .map(|r| {
            r.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(pngs, 0, "no PNG without its text");

    // A CJK font in one of the searched folders is found and used.
    if let Some(font) = some_cjk_font() {
        let found = fonts.path().join("found");
        std::fs::create_dir_all(&found).expect("mkdir");
        std::fs::copy(&font, found.join(font.file_name().expect("name"))).expect("copy font");
        let out = run_cmd(
            cardform()
                .env("FONTCONFIG_FILE", &conf)
                .env("CARDFORM_FONT_DIRS", &found)
                .args(["preview", d, "--out", out_dir.to_str().expect("utf-8")]),
        );
        out.expect_code(0);
        assert!(out_dir.join("friend_cash.png").is_file());
    }
}

// ── 商户的语言: every command speaks the merchant's Chinese ─────────────────────────

/// The issue's list, one run each under `CARDFORM_LANG=zh-CN` against the emulator:
/// validate, plan, apply, status, coins, qrcode, stats, import, init and an error print
/// Chinese sentences and no English ones (identifiers and commands aside).
#[test]
fn in_the_merchant_s_language_every_command_speaks_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let dir = p.path().to_string_lossy().to_string();
    let zh = |args: &[&str]| {
        let out = run_cmd(cardform().args(args).env("CARDFORM_LANG", "zh-CN"));
        crate::zh_cn::assert_chinese(&args.join(" "), &out);
        out
    };
    zh(&["validate", &dir]).expect_code(0);
    zh(&["plan", &dir]).expect_code(0);
    zh(&["apply", &dir, "--auto-approve"]).expect_code(0);
    zh(&["status", "--dir", &dir]);
    zh(&["coins", "--dir", &dir]);
    zh(&["qrcode", "coffee_discount", "--dir", &dir]);
    zh(&["stats", "--dir", &dir]).expect_code(0);
    zh(&["import", "--all", "--dry-run", "--dir", &dir]);
    let fresh = tempfile::tempdir().expect("temp dir");
    let init_dir = fresh.path().join("shop");
    zh(&["init", &init_dir.to_string_lossy()]).expect_code(0);
    let out = zh(&["plan", &fresh.path().join("missing").to_string_lossy()]);
    assert_ne!(out.code, 0);
    // English stays English where nothing asks for Chinese.
    let en = run_cmd(cardform().args(["validate", &dir]));
    en.expect_code(0);
    assert!(
        en.stdout.contains("valid") && !en.stdout.contains("有效"),
        "{}",
        en.stdout
    );
}
