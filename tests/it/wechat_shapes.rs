//! Issue 26 through the binary: the emulator answers 券点 amounts as WeChat's doc
//! writes them (`--shapes doc`: decimal strings in getpayprice and getorder) or as
//! numbers (`--shapes numbers`), and the datacube as a real account does (no errcode,
//! undocumented fields, a card_type that disagrees with the card). A friends coupon's
//! stock is bought and the next plan is empty in both shapes; one voucher costs
//! exactly 0.2 points; `stats` reports each card by its card_id.

use serde_json::{Value, json};

use crate::common::{Emulator, TestProject, quickstart_against};

fn set_gift_stock(p: &TestProject, from: u64, to: u64) {
    let file = p.path().join("cards/friends.toml");
    let text = std::fs::read_to_string(&file).expect("friends.toml");
    let (a, b) = (
        format!("sku = {{ quantity = {from} }}"),
        format!("sku = {{ quantity = {to} }}"),
    );
    assert_eq!(text.matches(&a).count(), 1, "{a}");
    std::fs::write(&file, text.replacen(&a, &b, 1)).expect("write friends.toml");
}

fn coins(p: &TestProject) -> Value {
    let out = p.run(&["coins", "--dir", "{dir}", "--format", "json"]);
    out.expect_code(0);
    serde_json::from_str(&out.stdout).expect("coins json")
}

fn buy_in(shapes: &str) {
    let emu = Emulator::start(&["--shapes", shapes]);
    let p = quickstart_against(&emu);
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(0);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("No changes"),
        "{shapes}: {}",
        out.stdout
    );
    let c = coins(&p);
    assert_eq!(c["coins"]["balance"]["total_coin"], 0, "{shapes}: {c}");

    // One more voucher of the gift (no threshold): exactly 0.2 points, which the
    // spent account does not hold.
    set_gift_stock(&p, 500, 501);
    let out = p.run(&["plan", "{dir}", "--format", "json"]);
    out.expect_code(3);
    let doc: Value = serde_json::from_str(&out.stdout).expect("json plan");
    assert_eq!(
        doc["coins"]["price"],
        json!(0.2),
        "{shapes}: {}",
        doc["coins"]
    );
    assert!(
        out.stderr.contains("0.2 more than the account holds")
            && out.stderr.contains("cardform coins recharge 1`"),
        "{shapes}: {}",
        out.stderr
    );
    let stock = doc["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|rc| rc["stock"]["price"].as_object().cloned())
        .expect("a priced stock change");
    assert_eq!(
        (stock["price"].clone(), stock["source"].clone()),
        (json!(0.2), json!("quoted")),
        "{shapes}"
    );

    // Recharge one point, pay it, buy the voucher: 0.8 points are left, exactly.
    let qr = p.path().join("recharge.png");
    let out = p.run(&[
        "coins",
        "recharge",
        "1",
        "--dir",
        "{dir}",
        "--format",
        "json",
        "--out",
        qr.to_str().expect("path"),
    ]);
    out.expect_code(0);
    let r: Value = serde_json::from_str(&out.stdout).expect("recharge json");
    let paid = emu.admin(
        "POST",
        "/__emulator/pay",
        Some(json!({ "order_id": r["recharge"]["order_id"] })),
    );
    assert_eq!(paid["errcode"], 0, "{paid}");
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(0);
    assert!(
        out.stderr.contains("bought 1 vouchers for 0.2 券点"),
        "{shapes}: {}",
        out.stderr
    );
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("No changes"),
        "{shapes}: {}",
        out.stdout
    );
    let c = coins(&p);
    assert_eq!(
        c["coins"]["balance"]["total_coin"],
        json!(0.8),
        "{shapes}: {c}"
    );
    assert_eq!(
        c["coins"]["balance"]["pay_coin"],
        json!(0.8),
        "{shapes}: {c}"
    );
    // The purchase's ledger entry: 0 free + 0.2 paid, read from strings or numbers.
    let purchase = c["coins"]["orders"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["order_type"] == "ORDER_TYPE_REDUCE" && o["pay_coin_count"] == json!(0.2))
        .cloned();
    assert!(purchase.is_some(), "{shapes}: {c}");
    let text = p.run(&["coins", "--dir", "{dir}"]);
    text.expect_code(0);
    assert!(
        text.stdout
            .contains("券点 balance: 0.8 points (0 free + 0.8 paid"),
        "{shapes}: {}",
        text.stdout
    );
}

#[test]
fn friends_stock_is_bought_and_the_next_plan_is_empty_with_decimal_string_amounts() {
    buy_in("doc");
}

#[test]
fn friends_stock_is_bought_and_the_next_plan_is_empty_with_numeric_amounts() {
    buy_in("numbers");
}

#[test]
fn the_doc_shape_writes_quotes_as_strings_and_the_numbers_shape_as_numbers() {
    for (shapes, price, free, paid) in [
        ("doc", json!("0.2"), json!("0"), json!("0.2")),
        ("numbers", json!(0.2), json!(0), json!(0.2)),
    ] {
        let emu = Emulator::start(&["--shapes", shapes, "--coins-activated"]);
        let p = quickstart_against(&emu);
        p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
            .expect_code(0);
        let gift = p.state()["resources"]["friend_gift"]["card_id"].clone();
        // The activation reward is spent: one paid point for the voucher below.
        let recharge = emu.api("/card/pay/recharge", json!({"coin_count": 1}));
        let settled = emu.admin(
            "POST",
            "/__emulator/pay",
            Some(json!({ "order_id": recharge["order_id"] })),
        );
        assert_eq!(settled["errcode"], 0, "{shapes}: {settled}");
        let quote = emu.api(
            "/card/pay/getpayprice",
            json!({"card_id": gift, "quantity": 1}),
        );
        assert_eq!(quote["price"], price, "{shapes}: {quote}");
        // WeChat's own request example sends the quantity as a string.
        let quote = emu.api(
            "/card/pay/getpayprice",
            json!({"card_id": gift, "quantity": "1"}),
        );
        assert_eq!(quote["errcode"], 0, "{shapes}: {quote}");
        let done = emu.api(
            "/card/pay/confirm",
            json!({"card_id": gift, "order_id": quote["order_id"], "quantity": 1}),
        );
        assert_eq!(done["errcode"], 0, "{shapes}: {done}");
        let list = emu.api("/card/pay/getorderlist", json!({"offset": 0, "count": 1}));
        let newest = &list["order_list"][0];
        assert_eq!(
            (&newest["free_coin_count"], &newest["pay_coin_count"]),
            (&free, &paid),
            "{shapes}: {list}"
        );
    }
}

#[test]
fn stats_reports_real_shaped_datacube_answers_per_card() {
    let emu = Emulator::start(&["--review-delay-ms", "1", "--coins-activated"]);
    let p = quickstart_against(&emu);
    p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
        .expect_code(0);
    let state = p.state();
    let id = |a: &str| state["resources"][a]["card_id"].clone();
    let (discount, coupon) = (id("member_discount"), id("welcome_coupon"));
    for (card, openid) in [(&discount, "u1"), (&discount, "u2"), (&coupon, "u3")] {
        let r = emu.admin(
            "POST",
            "/__emulator/claim",
            Some(json!({ "card_id": card, "openid": openid })),
        );
        assert_eq!(r["errcode"], 0, "{r}");
    }
    // The answer is real-shaped: no errcode, extra fields, card_type 1 for a DISCOUNT
    // (doc: 0) and a GENERAL_COUPON (doc: 3).
    let today = chrono::Utc::now()
        .with_timezone(&cardform::spec::beijing())
        .date_naive()
        .to_string();
    let raw = emu.api(
        "/datacube/getcardcardinfo",
        json!({"begin_date": today, "end_date": today, "cond_source": 1}),
    );
    assert!(raw.get("errcode").is_none(), "{raw}");
    let rows = raw["list"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "{raw}");
    assert!(
        rows.iter()
            .all(|r| r["card_type"] == 1 && r.get("isfriendscard").is_some()),
        "{raw}"
    );

    let out = p.run(&[
        "stats", "--dir", "{dir}", "--from", &today, "--to", &today, "--format", "csv",
    ]);
    out.expect_code(0);
    let mut lines = out.stdout.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (scope, receive) = (col("scope"), col("receive_cnt"));
    let mut per: Vec<(String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[scope].to_string(), f[receive].to_string())
        })
        .collect();
    per.sort();
    assert_eq!(
        per,
        vec![
            ("account".to_string(), "3".to_string()),
            ("member_discount".to_string(), "2".to_string()),
            ("welcome_coupon".to_string(), "1".to_string()),
        ],
        "{}",
        out.stdout
    );
}
