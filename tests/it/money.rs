//! 券点 are money (issue 22, items 9–12; guarantee 9): bought friends-coupon stock is
//! never thrown away without `--allow-stock-loss`, stock can wait for the card's
//! approval, the order apply names is the confirmed one, and taking stock off says the
//! points are not refunded. All through the binary against the emulator.

use std::collections::BTreeMap;

use crate::common::{Emulator, TestProject, quickstart_against};
use serde_json::json;

/// Each friends card's `total_quantity` by its title, as the emulator holds it.
fn totals(emu: &Emulator) -> BTreeMap<String, u64> {
    let cards = emu.admin("GET", "/__emulator/cards", None);
    cards["cards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let base = c.as_object()?.values().find_map(|v| v.get("base_info"))?;
            if base["status"] == "CARD_STATUS_DELETE" {
                return None;
            }
            Some((
                base["title"].as_str()?.to_string(),
                base["sku"]["total_quantity"].as_u64()?,
            ))
        })
        .collect()
}

/// Successful calls of `path` the emulator answered.
fn calls(emu: &Emulator, path: &str) -> usize {
    let calls = emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["path"] == path && c["errcode"] == 0)
        .count()
}

/// Output with miette's wrapping undone.
fn flat(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn edit(p: &TestProject, file: &str, from: &str, to: &str) {
    let path = p.path().join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// The quickstart's two friends coupons (and two regular cards) applied, their stock
/// (250 + 500 vouchers) bought with the 200 free points; returns apply's output.
fn applied_with_stock(emu: &Emulator) -> (TestProject, crate::common::Output) {
    let p = quickstart_against(emu);
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(0);
    (p, out)
}

const FRIEND_CASH_END: &str = "end_timestamp = 2027-12-31T23:59:59+08:00";

#[test]
fn replacing_or_deleting_a_friends_coupon_with_bought_stock_needs_allow_stock_loss() {
    let emu = Emulator::start(&[]);
    let (p, _) = applied_with_stock(&emu);
    let before = totals(&emu);
    assert_eq!(before.get("满100减20"), Some(&250), "{before:?}");
    assert_eq!(before.get("拿铁1杯"), Some(&500), "{before:?}");

    // A validity change WeChat does not take in place (an end date a year later): the
    // plan is shown, the refusal names the loss and the way to avoid it, exit 3.
    edit(
        &p,
        "cards/friends.toml",
        FRIEND_CASH_END,
        "end_timestamp = 2028-12-31T23:59:59+08:00",
    );
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(3);
    assert!(out.stdout.contains("friend_cash"), "{}", out.stdout);
    let err = flat(&out.stderr);
    assert!(
        err.contains("friend_cash: replacing it loses 250 unclaimed vouchers, about 100 券点"),
        "{err}"
    );
    assert!(
        err.contains("at most three months, reference §4.3"),
        "{err}"
    );
    assert!(
        err.contains("move the end date within that limit now and the rest in a later apply"),
        "{err}"
    );
    assert!(err.contains("--allow-stock-loss"), "{err}");
    // The JSON plan says the same, for pipelines that read it instead of stderr.
    let js = p.run(&["plan", "{dir}", "--format", "json"]);
    js.expect_code(3);
    let doc: serde_json::Value = serde_json::from_str(&js.stdout).expect("json plan");
    assert_eq!(doc["gate"]["refused"], serde_json::json!(true), "{doc}");
    let refusal = &doc["gate"]["refusals"][0];
    assert_eq!(refusal["gate"], "stock_loss", "{doc}");
    assert_eq!(refusal["addresses"], serde_json::json!(["friend_cash"]));
    assert_eq!(refusal["vouchers"], serde_json::json!(250));
    assert!(
        refusal["message"]
            .as_str()
            .is_some_and(|m| m.contains("--allow-stock-loss")),
        "{refusal}"
    );
    // The review page says it too, first, so nobody approves a plan that cannot apply.
    let html = p.run(&["plan", "{dir}", "--format", "html"]);
    html.expect_code(3);
    assert!(
        html.stdout
            .contains("stock-loss (--allow-stock-loss): friend_cash: the validity change"),
        "{}",
        html.stdout
    );
    assert!(
        html.stdout.contains("Refused (plan exits 3)"),
        "{}",
        html.stdout
    );
    let md = p.run(&["plan", "{dir}", "--format", "markdown"]);
    md.expect_code(3);
    assert!(md.stdout.contains("**stock-loss**"), "{}", md.stdout);
    assert!(
        md.stdout
            .contains("the validity change (`date_info`) forces a replacement"),
        "{}",
        md.stdout
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(3);
    assert_eq!(calls(&emu, "/card/create"), 4, "nothing created");
    edit(
        &p,
        "cards/friends.toml",
        "end_timestamp = 2028-12-31T23:59:59+08:00",
        FRIEND_CASH_END,
    );

    // Deleting it (removed from the files): refused on plan, apply and apply FILE.
    let friends = p.path().join("cards/friends.toml");
    let text = std::fs::read_to_string(&friends).expect("friends.toml");
    let gift = text.find("# 拿铁1杯").expect("the gift's table");
    std::fs::write(&friends, &text[gift..]).expect("drop friend_cash");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(3);
    let err = flat(&out.stderr);
    assert!(
        err.contains("friend_cash: deleting it loses 250 unclaimed vouchers, about 100 券点"),
        "{err}"
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(3);
    let saved = p.path().join("delete.plan.json");
    p.run(&["plan", "{dir}", "--out", &saved.to_string_lossy()])
        .expect_code(3);
    let out = p.run(&["apply", &saved.to_string_lossy()]);
    out.expect_code(3);
    assert!(
        flat(&out.stderr).contains("loses 250 unclaimed vouchers"),
        "{}",
        out.stderr
    );
    assert_eq!(calls(&emu, "/card/delete"), 0, "nothing deleted");
    assert_eq!(totals(&emu), before);

    // With the flag: shown as accepted, and applied.
    p.run(&["plan", "{dir}", "--allow-stock-loss"])
        .expect_code(0);
    let js = p.run(&["plan", "{dir}", "--allow-stock-loss", "--format", "json"]);
    js.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&js.stdout).expect("json plan");
    assert_eq!(doc["gate"]["refused"], serde_json::json!(false), "{doc}");
    assert_eq!(doc["gate"]["refusals"], serde_json::json!([]), "{doc}");
    let out = p.run(&["apply", &saved.to_string_lossy(), "--allow-stock-loss"]);
    out.expect_code(0);
    assert_eq!(calls(&emu, "/card/delete"), 1);
}

#[test]
fn apply_names_the_confirmed_order_which_coins_order_finds() {
    let emu = Emulator::start(&[]);
    let (p, out) = applied_with_stock(&emu);
    let text = flat(&out.stderr);
    let mut ids = Vec::new();
    for part in text.split("bought ").skip(1) {
        let id = part
            .split("; order ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("no order id in {part}"));
        ids.push(id.to_string());
    }
    assert_eq!(ids.len(), 2, "{text}");
    assert_ne!(ids[0], ids[1], "{text}");
    for id in &ids {
        assert!(
            text.contains(&format!("`cardform coins order {id}` shows it")),
            "{text}"
        );
        let out = p.run(&["coins", "order", id, "--dir", "{dir}"]);
        out.expect_code(0);
        assert!(out.stdout.contains("ORDER_TYPE_REDUCE"), "{}", out.stdout);
    }
}

#[test]
fn taking_friends_stock_off_says_the_points_are_not_refunded() {
    let emu = Emulator::start(&[]);
    let (p, _) = applied_with_stock(&emu);
    edit(
        &p,
        "cards/friends.toml",
        "sku = { quantity = 250 }",
        "sku = { quantity = 200 }",
    );
    let said = "the 50 vouchers taken off the stock were bought with 券点: WeChat does not refund the points";
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(flat(&out.stdout).contains(said), "{}", out.stdout);
    let out = p.run(&["plan", "{dir}", "--format", "markdown"]);
    assert!(flat(&out.stdout).contains(said), "{}", out.stdout);
    let out = p.run(&["plan", "{dir}", "--format", "html"]);
    assert!(flat(&out.stdout).contains(said), "html page");
    let out = p.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    assert!(
        flat(&out.stderr).contains(
            "friend_cash: took 50 vouchers off the stock; they were bought with 券点 and WeChat does not refund the points"
        ),
        "{}",
        out.stderr
    );
}

fn after_approval(p: &TestProject) {
    let path = p.path().join("cardform.toml");
    let text = std::fs::read_to_string(&path).expect("cardform.toml");
    std::fs::write(
        &path,
        format!("{text}\n[policy]\nbuy_stock = \"after_approval\"\n"),
    )
    .expect("write cardform.toml");
}

/// card_id by title, as the emulator holds them.
fn ids(emu: &Emulator) -> BTreeMap<String, String> {
    let cards = emu.admin("GET", "/__emulator/cards", None);
    cards["cards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let base = c.as_object()?.values().find_map(|v| v.get("base_info"))?;
            Some((
                base["title"].as_str()?.to_string(),
                base["id"].as_str()?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn buy_stock_after_approval_buys_only_for_approved_cards() {
    let emu = Emulator::start(&[]);
    let p = quickstart_against(&emu);
    after_approval(&p);
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("buys 250 vouchers with 券点 once WeChat approves the card"),
        "{}",
        out.stdout
    );
    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(0);
    assert_eq!(calls(&emu, "/card/pay/confirm"), 0, "{}", out.stderr);
    let t = totals(&emu);
    assert_eq!(
        (t.get("满100减20"), t.get("拿铁1杯")),
        (Some(&0), Some(&0)),
        "{t:?}"
    );
    assert!(
        flat(&out.stderr)
            .contains("friend_cash: created without stock; its 250 vouchers are bought"),
        "{}",
        out.stderr
    );
    // Under review: nothing to buy yet, and the plan says why.
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(0);
    assert!(
        flat(&out.stdout).contains("Friends-coupon stock not bought yet: bought with 券点 once WeChat approves the card ([policy] buy_stock = \"after_approval\"; a rejected card gets none): friend_cash, friend_gift"),
        "{}",
        out.stdout
    );

    // friend_cash approved, friend_gift rejected.
    let ids = ids(&emu);
    for (title, result) in [("满100减20", "pass"), ("拿铁1杯", "fail")] {
        let id = ids
            .iter()
            .find(|(t, _)| t.contains(title))
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| panic!("{title} in {ids:?}"));
        emu.admin(
            "POST",
            "/__emulator/review",
            Some(json!({ "card_id": id, "result": result, "reason": "模糊" })),
        );
    }
    let out = p.run(&["status", "{dir}"]);
    out.expect_code(0);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("friend_cash"))
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains("approved, stock not bought"),
        "{}",
        out.stdout
    );

    let out = p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"]);
    out.expect_code(0);
    assert_eq!(calls(&emu, "/card/pay/confirm"), 1, "{}", out.stderr);
    let t = totals(&emu);
    assert_eq!(t.get("满100减20"), Some(&250), "{t:?}");
    assert_eq!(
        t.get("拿铁1杯"),
        Some(&0),
        "the rejected card gets none: {t:?}"
    );

    // --wait-for-review buys once WeChat approves.
    let emu = Emulator::start(&["--review-delay-ms", "1500"]);
    let p = quickstart_against(&emu);
    after_approval(&p);
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    let out = p.run(&[
        "apply",
        "{dir}",
        "--auto-approve",
        "--allow-coin-purchase",
        "--wait-for-review",
        "60s",
    ]);
    out.expect_code(0);
    assert_eq!(calls(&emu, "/card/pay/confirm"), 2, "{}", out.stderr);
    let t = totals(&emu);
    assert_eq!(
        (t.get("满100减20"), t.get("拿铁1杯")),
        (Some(&250), Some(&500)),
        "{t:?}"
    );
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
}
