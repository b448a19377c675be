//! `coins activate | recharge | order` across a platform's accounts (issue 23, point 4):
//! the real binary against `cardform emulator` playing the open platform with N
//! authorizers. Activation reward once then "already", a revoked authorizer and one
//! without the card permission set named and skipped (exit 4); one recharge order and
//! QR image per account, refused before any order without explicit `--accounts`,
//! without confirmation, or with a QR folder the write policy refuses; an order read
//! from exactly one account.

use serde_json::{Value, json};

use crate::common::{Output, words};
use crate::platform_cli::World;

fn parse(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        )
    })
}

fn accounts(v: &Value) -> Vec<Value> {
    v["accounts"].as_array().cloned().unwrap_or_default()
}

/// A platform with `n` authorizers, each imported as `accounts/<appid>/`; the names
/// in order.
fn imported(n: usize) -> (World, Vec<String>) {
    let w = World::new(n);
    w.run(&["accounts", "import"]).expect_code(0);
    let mut names = w.appids.clone();
    names.sort();
    (w, names)
}

/// How many calls to a path ending in `suffix` the emulator saw (every authorizer).
fn calls_to(w: &World, suffix: &str) -> usize {
    let calls = w.emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter(|c| c["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
                .count()
        })
        .unwrap_or(0)
}

/// Every selected account's number of 券点 orders (from `coins --format json`).
fn order_counts(w: &World) -> Vec<u64> {
    let out = w.run(&["coins", "--accounts", "all", "--format", "json"]);
    out.expect_code(0);
    accounts(&parse(&out))
        .iter()
        .map(|a| a["coins"]["total_orders"].as_u64().expect("total_orders"))
        .collect()
}

/// An account folder for a new authorizer that did not grant the card permission set
/// (its card calls answer 48001).
fn add_without_card_permission(w: &World) -> String {
    let added = w.emu.admin(
        "POST",
        "/__emulator/platform/authorize",
        Some(json!({"card_permission": false})),
    );
    let appid = added["appid"].as_str().expect("appid").to_string();
    let dir = w.dir.path().join("accounts/no-card");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("account.toml"), format!("appid = \"{appid}\"\n")).expect("write");
    appid
}

#[test]
fn activate_grants_the_reward_once_per_account_then_says_already() {
    let (w, names) = imported(3);
    let first = w.run(&["coins", "activate", "--accounts", "all"]);
    first.expect_code(0);
    for n in &names {
        assert!(
            first.stdout.contains(&format!(
                "{n:<24} activated: WeChat granted 200 free points"
            )),
            "{}",
            first.stdout
        );
    }
    assert!(
        first.stdout.contains(
            "3 account(s): 3 activated, 0 already active, 0 failed; WeChat granted 600 free points in all."
        ),
        "{}",
        first.stdout
    );
    // The balance of every account holds its 200 free points.
    let balance = parse(&w.run(&["coins", "--format", "json"]));
    for a in accounts(&balance) {
        assert_eq!(a["coins"]["balance"]["free_coin"], 200, "{a}");
    }

    // Again: each account was already active; not a failure.
    let again = w.run(&["coins", "activate", "--accounts", "all", "--format", "json"]);
    again.expect_code(0);
    let again = parse(&again);
    assert_eq!(again["format_version"], "1");
    assert_eq!(again["reward"], 0, "{again}");
    let rows = accounts(&again);
    assert_eq!(
        rows.iter()
            .map(|a| a["name"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>(),
        names
    );
    for a in &rows {
        assert_eq!(a["already_active"], true, "{a}");
        assert_eq!(a["reward"], 0, "{a}");
        assert!(a.get("error").is_none(), "{a}");
        assert!(a["appid"].as_str().is_some_and(|s| s.starts_with("wx")));
    }
    let text = w.run(&["coins", "activate", "--accounts", &names[1]]);
    text.expect_code(0);
    assert!(
        text.stdout.contains(&format!(
            "{:<24} already active (no new free points)",
            names[1]
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("1 account(s): 0 activated, 1 already active, 0 failed"),
        "{}",
        text.stdout
    );
}

#[test]
fn activate_names_a_revoked_account_and_one_without_card_permission_and_does_the_others() {
    let (w, names) = imported(3);
    let revoked = names[0].clone();
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": revoked})),
    );
    let no_card = add_without_card_permission(&w);
    let out = w.run(&["coins", "activate", "--accounts", "all"]);
    out.expect_code(4);
    insta::assert_snapshot!("platform_coins_activate_with_failures", out.stdout);
    let failed: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(" FAILED: "))
        .collect();
    assert_eq!(failed.len(), 2, "{}", out.stdout);
    assert!(
        failed
            .iter()
            .any(|l| l.starts_with(&revoked) && l.contains("not an authorizer")),
        "{}",
        out.stdout
    );
    assert!(
        failed.iter().any(|l| l.starts_with("no-card")),
        "{}",
        out.stdout
    );
    for n in &names[1..] {
        assert!(
            out.stdout.contains(&format!(
                "{n:<24} activated: WeChat granted 200 free points"
            )),
            "{}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains(
            "4 account(s): 2 activated, 0 already active, 2 failed; WeChat granted 400 free points in all."
        ),
        "{}",
        out.stdout
    );
    // JSON: one entry per account, the failed ones with their error.
    let json = w.run(&["coins", "activate", "--accounts", "all", "--format", "json"]);
    json.expect_code(4);
    let json = parse(&json);
    let rows = accounts(&json);
    assert_eq!(rows.len(), 4, "{json}");
    for a in &rows {
        let appid = a["appid"].as_str().unwrap_or_default();
        if appid == revoked || appid == no_card {
            assert!(a["error"].is_string(), "{a}");
            assert!(a.get("reward").is_none(), "{a}");
        } else {
            assert_eq!(a["already_active"], true, "{a}");
        }
    }
}

#[test]
fn recharge_opens_one_order_per_account_only_when_asked_exactly() {
    let (w, names) = imported(3);
    let before = order_counts(&w);
    // No --accounts: refused, nothing sent.
    let bare = w.run(&["coins", "recharge", "100"]);
    bare.expect_code(1);
    assert!(
        words(&bare.stderr).contains("say which accounts with --accounts"),
        "{}",
        bare.stderr
    );
    // More than one account, no --yes, no terminal to ask: refused.
    let unconfirmed = w.run(&["coins", "recharge", "100", "--accounts", "all"]);
    unconfirmed.expect_code(1);
    assert!(
        words(&unconfirmed.stderr)
            .contains("refusing to open 3 WeChat Pay orders without confirmation"),
        "{}",
        unconfirmed.stderr
    );
    // --out FILE is one file: refused across accounts.
    let one_file = w.run(&[
        "coins",
        "recharge",
        "100",
        "--accounts",
        "all",
        "--yes",
        "--out",
        "qr.png",
    ]);
    one_file.expect_code(1);
    assert!(
        words(&one_file.stderr).contains("use --out-dir DIR"),
        "{}",
        one_file.stderr
    );
    // A QR folder the write policy refuses, or one that does not exist: no order for
    // anyone.
    for (dir, why) in [
        ("accounts", "in the accounts/ folder"),
        ("state", "in the state/ folder"),
        ("nosuch", "nosuch"),
    ] {
        let refused = w.run(&[
            "coins",
            "recharge",
            "100",
            "--accounts",
            "all",
            "--yes",
            "--out-dir",
            dir,
        ]);
        refused.expect_code(1);
        let err = words(&refused.stderr);
        assert!(err.contains(why), "{dir}: {}", refused.stderr);
        assert!(err.contains("no order was created"), "{}", refused.stderr);
    }
    assert_eq!(calls_to(&w, "/card/pay/recharge"), 0);
    assert_eq!(order_counts(&w), before, "no order was created");

    // --accounts all --yes --out-dir qr: one order and one QR image per account.
    std::fs::create_dir_all(w.dir.path().join("qr")).expect("mkdir");
    let out = w.run(&[
        "coins",
        "recharge",
        "100",
        "--accounts",
        "all",
        "--yes",
        "--out-dir",
        "qr",
        "--format",
        "json",
    ]);
    out.expect_code(0);
    assert_eq!(calls_to(&w, "/card/pay/recharge"), 3);
    let v = parse(&out);
    assert_eq!(v["format_version"], "1");
    assert_eq!(v["coin_count"], 300);
    let rows = accounts(&v);
    assert_eq!(rows.len(), 3);
    for (a, name) in rows.iter().zip(&names) {
        assert_eq!(a["name"].as_str(), Some(name.as_str()), "{a}");
        let r = &a["recharge"];
        let order = r["order_id"].as_str().expect("order_id");
        assert_eq!(r["coin_count"], 100, "{a}");
        assert!(
            r["qrcode_url"]
                .as_str()
                .is_some_and(|u| u.starts_with("weixin://wxpay/")),
            "{a}"
        );
        let image = format!("qr/recharge-{name}-{order}.png");
        assert_eq!(r["image"].as_str(), Some(image.as_str()), "{a}");
        let png = std::fs::read(w.dir.path().join(&image)).expect("QR image");
        assert!(png.starts_with(b"\x89PNG"), "{image}");
    }
    assert_eq!(
        std::fs::read_dir(w.dir.path().join("qr"))
            .expect("qr")
            .count(),
        3,
        "one image per account and no leftover"
    );
    // Nothing was paid: the orders wait.
    let balance = parse(&w.run(&["coins", "--format", "json"]));
    for a in accounts(&balance) {
        assert_eq!(a["coins"]["balance"]["pay_coin"], 0, "{a}");
        assert_eq!(
            a["coins"]["orders"][0]["status"], "ORDER_STATUS_WAITING",
            "{a}"
        );
    }

    // One named account needs no confirmation; the image goes to the current folder.
    let one = w.run(&["coins", "recharge", "5", "--accounts", &names[2]]);
    one.expect_code(0);
    insta::assert_snapshot!("platform_coins_recharge_one_account", one.stdout);
    let line = one
        .stdout
        .lines()
        .next()
        .expect("the account's line")
        .to_string();
    assert!(
        line.starts_with(&format!("{:<24} order ", names[2])) && line.ends_with(": 5 points (¥5)"),
        "{}",
        one.stdout
    );
    assert!(
        one.stdout.contains("  qrcode_url: weixin://wxpay/"),
        "{}",
        one.stdout
    );
    let image = one
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("QR image:"))
        .map(str::trim)
        .expect("QR image line");
    assert!(
        image.starts_with(&format!("recharge-{}-", names[2])),
        "{image}"
    );
    assert!(w.dir.path().join(image).is_file(), "{image}");
    assert!(
        one.stdout.contains(
            "1 account(s): 1 WeChat Pay order(s) opened for 5 points (¥5) in all, 0 failed."
        ),
        "{}",
        one.stdout
    );
}

#[test]
fn recharge_skips_a_revoked_account_and_orders_for_the_others() {
    let (w, names) = imported(3);
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": names[1]})),
    );
    let qr = tempfile::tempdir().expect("tmp");
    let out = w.run(&[
        "coins",
        "recharge",
        "20",
        "--accounts",
        "all",
        "--yes",
        "--out-dir",
        qr.path().to_str().expect("path"),
    ]);
    out.expect_code(4);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with(&names[1]) && l.contains("FAILED: ")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "3 account(s): 2 WeChat Pay order(s) opened for 40 points (¥40) in all, 1 failed."
        ),
        "{}",
        out.stdout
    );
    let files: Vec<String> = std::fs::read_dir(qr.path())
        .expect("qr")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(!files.iter().any(|f| f.contains(&names[1])), "{files:?}");
}

/// The one order id of `account`'s newest recharge of `count` points.
fn recharge_one(w: &World, account: &str, count: &str) -> String {
    let out = w.run(&[
        "coins",
        "recharge",
        count,
        "--accounts",
        account,
        "--format",
        "json",
    ]);
    out.expect_code(0);
    let v = parse(&out);
    v["accounts"][0]["recharge"]["order_id"]
        .as_str()
        .expect("order_id")
        .to_string()
}

#[test]
fn an_order_is_read_from_exactly_one_account() {
    let (w, names) = imported(2);
    let order = recharge_one(&w, &names[0], "30");
    let reads = calls_to(&w, "/card/pay/getorder");
    for args in [
        vec!["coins", "order", order.as_str(), "--accounts", "all"],
        vec!["coins", "order", order.as_str()],
        vec![
            "coins",
            "order",
            order.as_str(),
            "--accounts",
            &format!("{},{}", names[0], names[1]),
        ],
    ] {
        let out = w.run(&args);
        out.expect_code(1);
        let err = words(&out.stderr);
        assert!(
            err.contains(&format!(
                "an order belongs to one account, and 2 account(s) are selected: {}, {}",
                names[0], names[1]
            )),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            err.contains("--accounts NAME (nothing was sent)"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(
        calls_to(&w, "/card/pay/getorder"),
        reads,
        "nothing was sent"
    );

    let text = w.run(&["coins", "order", &order, "--accounts", &names[0]]);
    text.expect_code(0);
    assert!(
        text.stdout.contains(&format!(
            "Order {order}: ORDER_TYPE_WXPAY ORDER_STATUS_WAITING — free 0 + paid 30 points"
        )),
        "{}",
        text.stdout
    );
    let json = w.run(&[
        "coins",
        "order",
        &order,
        "--accounts",
        &names[0],
        "--format",
        "json",
    ]);
    json.expect_code(0);
    let v = parse(&json);
    let rows = accounts(&v);
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["name"].as_str(), Some(names[0].as_str()));
    assert_eq!(rows[0]["order"]["order_id"].as_str(), Some(order.as_str()));
    assert_eq!(rows[0]["order"]["status"], "ORDER_STATUS_WAITING");

    // The other account does not hold it: that account's failure (exit 4).
    let elsewhere = w.run(&["coins", "order", &order, "--accounts", &names[1]]);
    elsewhere.expect_code(4);
    assert!(
        elsewhere.stdout.contains("FAILED: "),
        "{}",
        elsewhere.stdout
    );
}

#[test]
fn a_shard_of_the_accounts_is_activated_alone() {
    let (w, names) = imported(4);
    let mut seen = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = w.run(&[
            "coins",
            "activate",
            "--accounts",
            "all",
            "--shard",
            shard,
            "--account-parallelism",
            "1",
            "--format",
            "json",
        ]);
        out.expect_code(0);
        for a in accounts(&parse(&out)) {
            assert_eq!(a["reward"], 200, "{a}");
            seen.push(a["name"].as_str().unwrap_or_default().to_string());
        }
    }
    seen.sort();
    assert_eq!(seen, names, "every account in exactly one shard");
}

/// `cardform ARGS` on a pseudo-terminal (through util-linux's `script`), `answer` typed
/// in; `None` when `script` is not installed.
fn on_a_terminal(w: &World, args: &[&str], answer: &str) -> Option<Output> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        return None;
    }
    let line = std::iter::once(env!("CARGO_BIN_EXE_cardform"))
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(w.dir.path())
        .env("CARDFORM_COMPONENT_SECRET", crate::platform_cli::SECRET)
        .env("CARDFORM_VERIFY_TICKET", &w.ticket)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(answer.as_bytes())
        .expect("answer");
    let out = child.wait_with_output().expect("script");
    Some(Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[test]
fn recharge_of_several_accounts_asks_at_a_terminal_and_only_yes_orders() {
    let (w, _) = imported(2);
    let args = ["coins", "recharge", "10", "--accounts", "all"];
    let Some(no) = on_a_terminal(&w, &args, "no\n") else {
        eprintln!("util-linux `script` is not installed: the prompt was not tried");
        return;
    };
    no.expect_code(1);
    let said = format!("{}{}", no.stdout, no.stderr);
    assert!(
        said.contains("Open 2 WeChat Pay orders of 10 points each (20 points, ¥20 in all)"),
        "{said}"
    );
    assert!(
        said.contains("Recharge cancelled: no order was created."),
        "{said}"
    );
    assert_eq!(calls_to(&w, "/card/pay/recharge"), 0);
    let yes = on_a_terminal(&w, &args, "yes\n").expect("script");
    yes.expect_code(0);
    assert_eq!(calls_to(&w, "/card/pay/recharge"), 2);
    let said = format!("{}{}", yes.stdout, yes.stderr);
    assert!(
        said.contains("2 WeChat Pay order(s) opened for 20 points (¥20) in all"),
        "{said}"
    );
}

/// `--out-dir` in a one-account project: the image named after the order inside it; a
/// folder the project owns is refused before the order exists.
#[test]
fn one_account_recharge_writes_into_out_dir_and_refuses_an_owned_one_first() {
    let p = crate::common::TestProject::sandbox();
    let orders = |p: &crate::common::TestProject| {
        let out = p.run(&["coins", "--dir", "{dir}", "--format", "json"]);
        out.expect_code(0);
        parse(&out)["coins"]["total_orders"]
            .as_u64()
            .expect("total_orders")
    };
    let before = orders(&p);
    let cards = p.path().join("cards");
    let refused = p.run(&[
        "coins",
        "recharge",
        "10",
        "--dir",
        "{dir}",
        "--out-dir",
        cards.to_str().expect("path"),
    ]);
    refused.expect_code(1);
    let err = words(&refused.stderr);
    assert!(err.contains("in the cards/ folder"), "{}", refused.stderr);
    assert!(err.contains("no order was created"), "{}", refused.stderr);
    assert_eq!(orders(&p), before, "no order was created");

    let qr = tempfile::tempdir().expect("tmp");
    let out = p.run(&[
        "coins",
        "recharge",
        "10",
        "--dir",
        "{dir}",
        "--out-dir",
        qr.path().to_str().expect("path"),
        "--format",
        "json",
    ]);
    out.expect_code(0);
    let v = parse(&out);
    let order = v["recharge"]["order_id"].as_str().expect("order_id");
    let image = qr.path().join(format!("recharge-{order}.png"));
    assert_eq!(v["recharge"]["image"].as_str(), image.to_str(), "{v}");
    assert!(
        std::fs::read(&image)
            .expect("QR image")
            .starts_with(b"\x89PNG")
    );
    assert_eq!(
        std::fs::read_dir(qr.path()).expect("qr").count(),
        1,
        "the image and no leftover of the write check"
    );
}

/// A QR file that appears in the way once the order exists (here: a file of the
/// user's at the order's name) fails that account, with its order and URL kept; the
/// user's file is untouched and the other accounts get theirs.
#[test]
fn an_order_whose_image_cannot_be_written_keeps_its_order_and_url() {
    let (w, names) = imported(2);
    let qr = w.dir.path().join("qr");
    std::fs::create_dir_all(&qr).expect("mkdir");
    // Each merchant's first order in the emulator is 100000001.
    let mine = qr.join(format!("recharge-{}-100000001.png", names[0]));
    std::fs::write(&mine, b"mine").expect("write");
    let out = w.run(&[
        "coins",
        "recharge",
        "8",
        "--accounts",
        "all",
        "--yes",
        "--out-dir",
        "qr",
        "--format",
        "json",
    ]);
    out.expect_code(4);
    let v = parse(&out);
    let rows = accounts(&v);
    assert_eq!(rows.len(), 2, "{v}");
    let blocked = &rows[0];
    assert_eq!(blocked["name"].as_str(), Some(names[0].as_str()));
    assert_eq!(blocked["recharge"]["order_id"], "100000001", "{blocked}");
    assert!(blocked["recharge"]["image"].is_null(), "{blocked}");
    assert!(
        blocked["recharge"]["qrcode_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("weixin://wxpay/")),
        "{blocked}"
    );
    let error = blocked["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("order 100000001 was opened but its QR image was not saved")
            && error.contains("is not a PNG image"),
        "{blocked}"
    );
    assert_eq!(std::fs::read(&mine).expect("kept"), b"mine");
    assert!(rows[1]["error"].is_null(), "{}", rows[1]);
    assert!(
        rows[1]["recharge"]["image"]
            .as_str()
            .is_some_and(|p| w.dir.path().join(p).is_file()),
        "{}",
        rows[1]
    );
    assert_eq!(v["coin_count"], 16, "both orders exist");
}
