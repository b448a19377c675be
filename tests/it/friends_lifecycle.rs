//! A friends-coupon campaign end to end against the real emulator: 券点 prices in the
//! plan, budgets and balances, a price that moves between plan and apply, the test
//! whitelist, waiting for review, claim QR codes and the 券点 account.

use crate::common::{Emulator, TestProject, quickstart_against};
use serde_json::{Value, json};

fn total_quantity(emu: &Emulator, address_brand: &str) -> Vec<u64> {
    let cards = emu.admin("GET", "/__emulator/cards", None);
    cards["cards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c.to_string().contains(address_brand))
        .filter_map(|c| {
            c.as_object()?
                .values()
                .find_map(|v| v.get("base_info"))?
                .get("sku")?
                .get("total_quantity")?
                .as_u64()
        })
        .collect()
}

/// stderr with miette's wrapping undone (line breaks, gutters).
fn flat(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn calls(emu: &Emulator, path: &str) -> usize {
    let calls = emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["path"] == path && c["errcode"] == 0)
        .count()
}

#[test]
fn coin_purchases_are_priced_budgeted_and_requoted() {
    let emu = Emulator::start(&[]);
    let p = quickstart_against(&emu);
    // A fresh account holds no points: the plan of two friends cards with stock says
    // what they cost and by how much the balance falls short (exit 3).
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(3);
    assert!(
        out.stdout
            .contains("buys 250 vouchers with 券点 after the card is created"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("2 purchases cost 200 points"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("200 more than the account holds"),
        "{}",
        out.stderr
    );

    let out = p.run(&["coins", "activate", "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(out.stdout.contains("200 free points"), "{}", out.stdout);
    p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
        .expect_code(0);
    assert_eq!(total_quantity(&emu, "满100减20"), vec![250]);

    // +10 vouchers at 0.4 point: 4 points, quoted by getpayprice; the balance is spent.
    let friends = p.path().join("cards/friends.toml");
    let text = std::fs::read_to_string(&friends).expect("friends.toml");
    std::fs::write(
        &friends,
        text.replacen("sku = { quantity = 250 }", "sku = { quantity = 260 }", 1),
    )
    .expect("write");
    let out = p.run(&["plan", "{dir}", "--format", "json"]);
    out.expect_code(3);
    let doc: Value = serde_json::from_str(&out.stdout).expect("json plan");
    assert_eq!(doc["format_version"], "2");
    assert_eq!(doc["coins"]["price"], 4);
    assert_eq!(doc["coins"]["balance"]["total_coin"], 0);
    assert_eq!(doc["coins"]["over_balance"], 4);
    let stock = doc["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|rc| rc["stock"]["price"].as_object().cloned())
        .expect("a priced stock change");
    assert_eq!(stock["source"], "quoted");
    assert!(
        out.stderr.contains("4 more than the account holds"),
        "{}",
        out.stderr
    );

    // Recharge: a WeChat Pay QR code; nothing is paid until someone pays it.
    let qr = p.path().join("recharge.png");
    let out = p.run(&[
        "coins",
        "recharge",
        "50",
        "--dir",
        "{dir}",
        "--out",
        qr.to_str().expect("path"),
    ]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("qrcode_url: weixin://wxpay/"),
        "{}",
        out.stdout
    );
    assert!(
        std::fs::read(&qr)
            .expect("QR image")
            .starts_with(b"\x89PNG")
    );
    let coins = p.run(&["coins", "--dir", "{dir}", "--format", "json"]);
    let coins: Value = serde_json::from_str(&coins.stdout).expect("coins json");
    assert_eq!(coins["coins"]["balance"]["total_coin"], 0, "unpaid");
    let order = coins["coins"]["orders"][0]["order_id"].clone();
    assert_eq!(
        coins["coins"]["orders"][0]["status"],
        "ORDER_STATUS_WAITING"
    );
    emu.admin(
        "POST",
        "/__emulator/pay",
        Some(json!({ "order_id": order })),
    );

    // Over the budget: exit 3 and nothing bought.
    let out = p.run(&[
        "apply",
        "{dir}",
        "--auto-approve",
        "--allow-coin-purchase",
        "--max-coins",
        "3",
    ]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("1 more than the budget of 3"),
        "{}",
        out.stderr
    );
    assert_eq!(total_quantity(&emu, "满100减20"), vec![250]);

    // A saved plan passes the same gates as a fresh one: over the budget it exits 3
    // and buys nothing, before any question of whether purchases are allowed (it used
    // to skip the 券点 gate and fail later, exit 1, on the missing allowance).
    let over = p.path().join("over-budget.plan.json");
    p.run(&["plan", "{dir}", "--out", over.to_str().expect("path")])
        .expect_code(0);
    let out = p.run(&["apply", over.to_str().expect("path"), "--max-coins", "3"]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("1 more than the budget of 3"),
        "{}",
        out.stderr
    );
    assert_eq!(total_quantity(&emu, "满100减20"), vec![250]);

    // The price rises between plan and apply: the saved plan stops, nothing bought.
    let saved = p.path().join("plan.json");
    p.run(&["plan", "{dir}", "--out", saved.to_str().expect("path")])
        .expect_code(0);
    emu.admin(
        "POST",
        "/__emulator/prices",
        Some(json!({ "no_threshold": 2, "with_threshold": 8 })),
    );
    let out = p.run(&[
        "apply",
        saved.to_str().expect("path"),
        "--allow-coin-purchase",
    ]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("now cost 8 券点, 4 more than the 4"),
        "{}",
        out.stderr
    );
    assert_eq!(total_quantity(&emu, "满100减20"), vec![250]);
    let before = calls(&emu, "/card/pay/confirm");

    emu.admin(
        "POST",
        "/__emulator/prices",
        Some(json!({ "no_threshold": 2, "with_threshold": 4 })),
    );
    let out = p.run(&[
        "apply",
        saved.to_str().expect("path"),
        "--allow-coin-purchase",
    ]);
    out.expect_code(0);
    assert!(
        out.stderr.contains("bought 10 vouchers for 4 券点"),
        "{}",
        out.stderr
    );
    assert_eq!(total_quantity(&emu, "满100减20"), vec![260]);
    assert_eq!(calls(&emu, "/card/pay/confirm"), before + 1);
    let out = p.run(&["coins", "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("券点 balance: 46 points"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ORDER_TYPE_REDUCE"), "{}", out.stdout);
}

const PROJECT: &str = "[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n";

fn project_with(emu: &Emulator, extra: &str) -> TestProject {
    TestProject::with(
        &format!("endpoint = \"{}\"\n{PROJECT}{extra}", emu.url),
        crate::common::SAMPLE_CARDS,
    )
}

fn set_project_file(p: &TestProject, emu: &Emulator, extra: &str) {
    std::fs::write(
        p.path().join("cardform.toml"),
        format!("endpoint = \"{}\"\n{PROJECT}{extra}", emu.url),
    )
    .expect("write cardform.toml");
}

#[test]
fn the_test_whitelist_is_set_replaced_and_cleared() {
    let emu = Emulator::start(&[]);
    let p = project_with(&emu, "");
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(
        calls(&emu, "/card/testwhitelist/set"),
        0,
        "never set: never touched"
    );

    let eleven: Vec<String> = (0..11).map(|i| format!("\"o{i}\"")).collect();
    set_project_file(
        &p,
        &emu,
        &format!("\n[test_whitelist]\nopenids = [{}]\n", eleven.join(", ")),
    );
    let out = p.run(&["validate", "{dir}"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("at most 10 in total") || out.stdout.contains("at most 10 in total"),
        "{out:?}"
    );

    set_project_file(
        &p,
        &emu,
        "\n[test_whitelist]\nopenids = [\"o-staff\"]\nusernames = [\"alice_wx\"]\n",
    );
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(out.stdout.contains("+ openid o-staff"), "{}", out.stdout);
    assert!(out.stdout.contains("+ username alice_wx"), "{}", out.stdout);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(p.state()["test_whitelist"]["openids"], json!(["o-staff"]));
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    set_project_file(
        &p,
        &emu,
        "\n[test_whitelist]\nopenids = [\"o-new\"]\nusernames = [\"alice_wx\"]\n",
    );
    let out = p.run(&["plan", "{dir}", "--format", "json"]);
    let doc: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(doc["test_whitelist"]["added"], json!(["openid o-new"]));
    assert_eq!(doc["test_whitelist"]["removed"], json!(["openid o-staff"]));
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(p.state()["test_whitelist"]["openids"], json!(["o-new"]));

    // The table removed: cardform set the list, so it clears it (an empty list), once.
    set_project_file(&p, &emu, "");
    let out = p.run(&["plan", "{dir}"]);
    assert!(
        out.stdout.contains("clears the whitelist"),
        "{}",
        out.stdout
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(p.state()["test_whitelist"]["openids"], json!([]));
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
    assert_eq!(calls(&emu, "/card/testwhitelist/set"), 3);
}

#[test]
fn wait_for_review_returns_on_approval_and_fails_on_rejection() {
    let emu = Emulator::start(&["--review-delay-ms", "1500"]);
    let p = project_with(&emu, "");
    let out = p.run(&[
        "apply",
        "{dir}",
        "--auto-approve",
        "--wait-for-review",
        "60s",
    ]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("coffee_discount: approved by WeChat review"),
        "{}",
        out.stdout
    );
    let out = p.run(&["status", "{dir}", "--format", "json"]);
    out.expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("status json");
    for card in doc["cards"].as_array().expect("cards") {
        assert_eq!(card["review"], "approved", "{card}");
        assert_eq!(card["claimable"], true, "{card}");
    }

    // Reviews decided by hand (admin API): one card rejected fails the run, naming it.
    let emu = Emulator::start(&[]);
    let p = project_with(&emu, "");
    let child = crate::common::cardform()
        .args([
            "apply",
            &p.path().to_string_lossy(),
            "--auto-approve",
            "--wait-for-review",
            "60s",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn apply");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let ids = loop {
        let cards = emu.admin("GET", "/__emulator/cards", None);
        let ids: Vec<(String, String)> = cards["cards"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let body = c.as_object()?.values().find_map(|v| v.get("base_info"))?;
                Some((
                    body["id"].as_str()?.to_string(),
                    body["title"].as_str()?.to_string(),
                ))
            })
            .collect();
        if ids.len() == 2 || std::time::Instant::now() > deadline {
            break ids;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(ids.len(), 2, "{ids:?}");
    for (id, title) in &ids {
        let result = if title == "第二杯半价" {
            "fail"
        } else {
            "pass"
        };
        emu.admin(
            "POST",
            "/__emulator/review",
            Some(json!({ "card_id": id, "result": result, "reason": "模糊" })),
        );
    }
    let out = child.wait_with_output().expect("apply output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("tea_coupon (card_id"), "{stderr}");
    assert!(stderr.contains("rejected by WeChat review"), "{stderr}");
    let out = p.run(&["status", "{dir}"]);
    assert!(out.stdout.contains("tea_coupon"), "{}", out.stdout);
    assert!(out.stdout.contains("rejected"), "{}", out.stdout);
}

#[test]
fn qrcode_refuses_what_wechat_would_and_creates_the_rest() {
    let emu = Emulator::start(&[]);
    let p = quickstart_against(&emu);
    // A third friends coupon that takes effect far in the future (V1.4 window).
    let friends = p.path().join("cards/friends.toml");
    let text = std::fs::read_to_string(&friends).expect("friends.toml");
    let gift_start = text.find("[cards.friend_gift]").expect("friend_gift");
    let later = text[gift_start..]
        .replace("friend_gift", "friend_later")
        .replace("2026-11-01T00:00:00+08:00", "2027-06-01T00:00:00+08:00")
        .replace("sku = { quantity = 500 }", "sku = { quantity = 5 }");
    std::fs::write(
        &friends,
        text.replacen("sku = { quantity = 500 }", "sku = { quantity = 495 }", 1) + "\n" + &later,
    )
    .expect("write");
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
        .expect_code(0);

    // Before the V1.4 window the code is made, with a warning (issue 25): the seed says
    // the card cannot be claimed yet, not that its code cannot be made.
    let out = p.run(&["qrcode", "friend_later", "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(
        flat(&out.stderr).contains(
            "warning: a friends coupon can be issued at most 5 days before it takes effect"
        ),
        "{}",
        out.stderr
    );
    let out = p.run(&["qrcode", "friend_gift", "--unique-code", "--dir", "{dir}"]);
    out.expect_code(1);
    assert!(
        flat(&out.stderr).contains("needs an approved card"),
        "{}",
        out.stderr
    );
    let out = p.run(&[
        "qrcode",
        "friend_gift",
        "--expire-seconds",
        "30",
        "--dir",
        "{dir}",
    ]);
    out.expect_code(1);
    assert!(
        flat(&out.stderr).contains("WeChat's range"),
        "{}",
        out.stderr
    );
    let out = p.run(&["qrcode", "friend_gift", "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("url:             http://weixin.qq.com/q/"),
        "{}",
        out.stdout
    );

    let id = p.state()["resources"]["friend_gift"]["card_id"].clone();
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({ "card_id": id, "result": "pass" })),
    );
    // Friends coupons cannot be given to friends (can_give_friend = false, §8.3).
    let code = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({ "card_id": id, "openid": "u1" })),
    )["code"]
        .clone();
    let gift = emu.admin(
        "POST",
        "/__emulator/gift",
        Some(json!({ "code": code, "to_openid": "u2" })),
    );
    assert_eq!(gift["errcode"], 40078, "{gift}");
    let png = p.path().join("qr.png");
    let out = p.run(&[
        "qrcode",
        "friend_gift",
        "--unique-code",
        "--expire-seconds",
        "600",
        "--outer-str",
        "pr-42",
        "--out",
        png.to_str().expect("path"),
        "--dir",
        "{dir}",
        "--format",
        "json",
    ]);
    out.expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("qrcode json");
    assert_eq!(doc["expire_seconds"], 600);
    assert!(
        doc["show_qrcode_url"]
            .as_str()
            .is_some_and(|u| u.contains("showqrcode?ticket="))
    );
    assert!(std::fs::read(&png).expect("png").starts_with(b"\x89PNG"));
}

#[test]
fn stats_split_long_ranges_into_62_day_calls_and_add_up() {
    let emu = Emulator::start(&["--review-delay-ms", "1"]);
    let p = project_with(&emu, "");
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let state = p.state();
    let coffee = state["resources"]["coffee_discount"]["card_id"].clone();
    let tea = state["resources"]["tea_coupon"]["card_id"].clone();
    let from = chrono::Utc::now()
        .with_timezone(&cardform::spec::beijing())
        .date_naive();
    let to = from + chrono::Duration::days(199);
    // Events on three days of the range: 7 claims, 4 views, 1 gift.
    let event = |what: &str, card: &Value, openid: &str| {
        let r = emu.admin(
            "POST",
            &format!("/__emulator/{what}"),
            Some(json!({ "card_id": card, "openid": openid })),
        );
        assert_eq!(r["errcode"], 0, "{what}: {r}");
    };
    event("claim", &coffee, "u1");
    event("claim", &coffee, "u2");
    event("claim", &tea, "u1");
    event("view", &coffee, "u3");
    // A claim whose code is given to a friend: one more claim, one gift.
    let code = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({ "card_id": coffee, "openid": "g1" })),
    )["code"]
        .clone();
    let given = emu.admin(
        "POST",
        "/__emulator/gift",
        Some(json!({ "code": code, "to_openid": "g2" })),
    );
    assert_eq!(given["errcode"], 0, "{given}");
    emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({ "advance_secs": 70 * 86_400 })),
    );
    event("claim", &tea, "u2");
    event("view", &tea, "u1");
    event("view", &tea, "u2");
    emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({ "advance_secs": 70 * 86_400 })),
    );
    // coffee_discount has ended by now (2027-03-31); tea_coupon has a fixed term.
    event("claim", &tea, "u4");
    event("claim", &tea, "u5");
    event("view", &coffee, "u5");

    let before = emu.admin("GET", "/__emulator/calls", None)["calls"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let svg = p.path().join("stats.svg");
    let out = p.run(&[
        "stats",
        "--dir",
        "{dir}",
        "--from",
        &from.to_string(),
        "--to",
        &to.to_string(),
        "--format",
        "csv",
        "--chart",
        svg.to_str().expect("path"),
    ]);
    out.expect_code(0);
    let calls = emu.admin("GET", "/__emulator/calls", None);
    let new: Vec<&Value> = calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .skip(before)
        .collect();
    let count = |path: &str| new.iter().filter(|c| c["path"] == path).count();
    // Each window asked for both sources (cond_source 0: MP-made, 1: API-made).
    assert_eq!(
        count("/datacube/getcardbizuininfo"),
        8,
        "200 days: 4 windows of ≤ 62 days, two sources each"
    );
    assert_eq!(count("/datacube/getcardcardinfo"), 8);
    assert!(new.iter().all(|c| c["errcode"] == 0), "{new:?}");

    let mut lines = out.stdout.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (receive, view, scope) = (col("receive_cnt"), col("view_cnt"), col("scope"));
    let given = col("given_cnt");
    let mut account = (0u64, 0u64, 0usize);
    let mut cards = (0u64, 0u64);
    let mut gifts = 0u64;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let n = |i: usize| f[i].parse::<u64>().expect("number");
        if f[scope] == "account" {
            gifts += n(given);
            account = (account.0 + n(receive), account.1 + n(view), account.2 + 1);
        } else {
            assert!(
                ["coffee_discount", "tea_coupon"].contains(&f[scope]),
                "{line}"
            );
            cards = (cards.0 + n(receive), cards.1 + n(view));
        }
    }
    assert_eq!(
        account,
        (7, 4, 200),
        "one account row a day; totals = the events"
    );
    assert_eq!(cards, (7, 4));
    assert_eq!(gifts, 1);
    let chart = std::fs::read_to_string(&svg).expect("chart");
    assert!(
        chart.contains("<svg") && chart.contains("claims"),
        "{chart:.300}"
    );

    // The same chart as PNG (rasterised like the card previews).
    let png = p.path().join("stats.png");
    let out = p.run(&[
        "stats",
        "--dir",
        "{dir}",
        "--from",
        &from.to_string(),
        "--to",
        &to.to_string(),
        "--chart",
        png.to_str().expect("path"),
    ]);
    out.expect_code(0);
    let bytes = std::fs::read(&png).expect("png chart");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    assert!(
        bytes.len() > 2_000,
        "not an empty image: {} bytes",
        bytes.len()
    );
}
