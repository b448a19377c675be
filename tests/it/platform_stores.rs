//! Per-account stores (门店) on a platform (issue 23): `accounts import` writes each
//! merchant's `[stores] all` from `card/location/batchget`; a template's friends coupon
//! with `location_id_list = "${stores.all}"` is planned and applied in every account
//! with that account's own store ids (the emulator gives every authorizer stores of
//! its own and refuses another's); a set an account lacks is an error with places; the
//! plan checks the ids against each account's stores.

use serde_json::Value;

use crate::common::{Output, words};
use crate::platform_cli::World;

/// A friends coupon (its dates from today in Beijing, so it can be issued now) whose
/// stores are each account's `all` set.
pub(crate) fn friends_template() -> String {
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    let begin = now.format("%Y-%m-%d");
    let end = (now + chrono::Duration::days(60)).format("%Y-%m-%d");
    format!(
        r#"[variables.brand]
default = "卡式咖啡"

[cards.friend_cash]
card_type = "CASH"
least_cost = 0
reduce_cost = 2000

[cards.friend_cash.base_info]
logo_url = "https://mmbiz.qpic.cn/mmbiz/logo.jpg"
code_type = "CODE_TYPE_QRCODE"
brand_name = "${{brand}}"
color = "Color010"
notice = "结账时出示二维码"
description = "每次消费限用一张。"
sku = {{ quantity = 10 }}
date_info = {{ type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = {begin}T00:00:00+08:00, end_timestamp = {end}T23:59:59+08:00 }}
location_id_list = "${{stores.all}}"
can_share = false
can_give_friend = false

[cards.friend_cash.advanced_info]
abstract = {{ abstract = "满100减20", icon_url_list = ["https://mmbiz.qpic.cn/mmbiz/cover.jpg"] }}
share_friends = true

[[cards.friend_cash.advanced_info.text_image_list]]
image_url = "https://mmbiz.qpic.cn/mmbiz/detail.jpg"
text = "现磨咖啡。"
"#
    )
}

/// A platform whose authorizers can buy friends stock, with the friends template.
pub(crate) fn friends_world(authorizers: usize) -> World {
    let w = World::with_emulator(authorizers, &["--coins-activated"]);
    std::fs::write(
        w.dir.path().join("templates/friends.toml"),
        friends_template(),
    )
    .expect("write");
    w
}

fn account_file(w: &World, appid: &str) -> std::path::PathBuf {
    w.dir
        .path()
        .join("accounts")
        .join(appid.to_ascii_lowercase())
        .join("account.toml")
}

/// The `[stores] all` set `accounts import` wrote for `appid`.
fn all_set(w: &World, appid: &str) -> Vec<i64> {
    let text = std::fs::read_to_string(account_file(w, appid)).expect("account file");
    let parsed: toml::Table = toml::from_str(&text).expect("valid toml");
    parsed["stores"]["all"]
        .as_array()
        .expect("[stores] all")
        .iter()
        .filter_map(toml::Value::as_integer)
        .collect()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", out.stdout, out.stderr))
}

fn accounts(report: &Value) -> Vec<Value> {
    report["accounts"].as_array().cloned().unwrap_or_default()
}

fn calls_to(w: &World, since: u64, path: &str) -> usize {
    let calls = w
        .emu
        .admin("GET", &format!("/__emulator/calls?since={since}"), None);
    calls["calls"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter(|c| c["path"].as_str().is_some_and(|p| p.ends_with(path)))
                .count()
        })
        .unwrap_or(0)
}

fn last_seq(w: &World) -> u64 {
    let calls = w.emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .and_then(|c| c.last())
        .and_then(|c| c["seq"].as_u64())
        .unwrap_or(0)
}

#[test]
fn one_template_plans_and_applies_each_account_with_its_own_stores() {
    let w = friends_world(2);
    let since = last_seq(&w);
    let import = w.run(&["accounts", "import", "--template", "friends"]);
    import.expect_code(0);
    // One store listing per imported account.
    assert_eq!(calls_to(&w, since, "/card/location/batchget"), 2);
    let (a, b) = (&w.appids[0], &w.appids[1]);
    let (stores_a, stores_b) = (all_set(&w, a), all_set(&w, b));
    assert_eq!(stores_a.len(), 3, "{stores_a:?}");
    assert_eq!(stores_b.len(), 3, "{stores_b:?}");
    assert!(
        stores_a.iter().all(|id| !stores_b.contains(id)),
        "each merchant has stores of its own: {stores_a:?} {stores_b:?}"
    );
    let text = std::fs::read_to_string(account_file(&w, a)).expect("read");
    assert!(
        text.contains("# The merchant's stores (门店) as card/location/batchget listed them"),
        "{text}"
    );
    w.run(&["validate", "."]).expect_code(0);

    // Each account's plan sends its own ids.
    let plan = json(&w.run(&["plan", "--accounts", "all", "--format", "json"]));
    for acc in accounts(&plan) {
        let (own, other) = if acc["appid"].as_str() == Some(a.as_str()) {
            (&stores_a, &stores_b)
        } else {
            (&stores_b, &stores_a)
        };
        assert_eq!(acc["status"], "planned", "{acc}");
        assert_eq!(acc["row"]["creates"], 1, "{acc}");
        let plan_text = acc["plan"].to_string();
        let ids = |set: &[i64]| set.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        assert!(
            plan_text.contains(&format!("[{}]", ids(own))),
            "{plan_text}"
        );
        assert!(!plan_text.contains(&ids(other)), "{plan_text}");
    }

    // Applied: the emulator refuses a friends coupon naming another merchant's store.
    let applied = w.run(&[
        "apply",
        ".",
        "--accounts",
        "all",
        "--auto-approve",
        "--allow-coin-purchase",
    ]);
    applied.expect_code(0);
    w.run(&["plan", "--accounts", "all", "--detailed-exitcode"])
        .expect_code(0);

    // The second merchant's set names the first one's store: its plan fails, naming
    // the account and the id, and the first account is planned.
    let file_b = account_file(&w, b);
    let text = std::fs::read_to_string(&file_b).expect("read");
    let own = stores_b
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        &file_b,
        text.replace(
            &format!("all = [{own}]"),
            &format!("all = [{}]", stores_a[0]),
        ),
    )
    .expect("write");
    let out = w.run(&["plan", "--accounts", "all", "--format", "json"]);
    out.expect_code(4);
    let report = json(&out);
    for acc in accounts(&report) {
        if acc["appid"].as_str() == Some(b.as_str()) {
            assert_eq!(acc["status"], "failed", "{acc}");
            let message = acc["failure"]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("stores (poi_id) this account does not have")
                    && message.contains(&format!("friend_cash: {}", stores_a[0])),
                "{message}"
            );
        } else {
            assert_eq!(acc["status"], "planned", "{acc}");
        }
    }
}

#[test]
fn a_store_set_an_account_lacks_is_an_error_with_places_and_sends_nothing() {
    let w = friends_world(1);
    let dir = w.dir.path().join("accounts/shop");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("account.toml"),
        format!(
            "appid = \"{}\"\n\n[templates.friends]\n\n[stores]\ndowntown = [1]\n",
            w.appids[0]
        ),
    )
    .expect("write");
    let since = last_seq(&w);
    let out = w.run(&["validate", "."]);
    out.expect_code(1);
    let text = words(&out.stderr);
    assert!(
        text.contains(
            "accounts/shop/account.toml:3:12: template `friends` uses store set `all` (used at templates/friends.toml:18:20), which this account's [stores] lacks"
        ),
        "{text}"
    );
    assert!(text.contains("its sets: downtown"), "{text}");
    let plan = w.run(&["plan", "--accounts", "all"]);
    plan.expect_code(1);
    assert!(
        words(&plan.stderr).contains("template `friends` uses store set `all`"),
        "{}",
        plan.stderr
    );
    assert_eq!(last_seq(&w), since, "nothing was sent");
}

#[test]
fn a_merchant_whose_stores_cannot_be_read_is_imported_without_them_and_said_so() {
    let w = friends_world(2);
    // The first store listing fails (48001); the second merchant's is read.
    w.emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/location/batchget", "errcode": 48001, "calls": [1]}])),
    );
    let import = w.run(&["accounts", "import", "--template", "friends"]);
    import.expect_code(0);
    let (a, b) = (&w.appids[0], &w.appids[1]);
    let file_a = format!("accounts/{}/account.toml", a.to_ascii_lowercase());
    let err = words(&import.stderr);
    assert!(
        err.contains(&format!(
            "{a}: its stores could not be read (card/location/batchget:"
        )) && err.contains(&format!("{file_a} is written without [stores]")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "warning: {file_a}: template `friends` uses store set `all`, which the file's [stores] lacks"
        )),
        "{err}"
    );
    let text = std::fs::read_to_string(account_file(&w, a)).expect("read");
    let parsed: toml::Table = toml::from_str(&text).expect("valid toml");
    assert!(!parsed.contains_key("stores"), "{text}");
    assert!(
        text.contains("# The merchant's stores could not be read (card/location/batchget:")
            && text.contains("# all = [poi_id, …]"),
        "{text}"
    );
    assert_eq!(all_set(&w, b).len(), 3);
    // validate names the file and the template's use.
    let out = w.run(&["validate", "."]);
    out.expect_code(1);
    assert!(
        words(&out.stderr).contains(&format!(
            "{file_a}:8:12: template `friends` uses store set `all` (used at templates/friends.toml:18:20)"
        )),
        "{}",
        out.stderr
    );
}
