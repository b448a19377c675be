//! A platform's saved plans (issue 23, GitOps): `plan --save FILE` writes each planned
//! account's plan into one file, `apply FILE` applies exactly those plans account by
//! account (a stale account fails, the others are applied, exit 4), the run-wide 券点
//! limit refuses before anything is applied, `--html` writes the report's page, the
//! write policy guards `--save`, and a one-account plan is not taken for a platform's.
//! The real binary against `cardform emulator` playing the open platform.

use serde_json::{Value, json};

use crate::common::{Emulator, Output, TestProject, words};
use crate::platform_cli::{COMPONENT, SECRET, World};

/// A POST to a WeChat path of the emulator (`query` appended as is).
fn post(emu: &Emulator, path_and_query: &str, body: Value) -> Value {
    crate::common::block_on(async {
        reqwest::Client::new()
            .post(format!("{}{path_and_query}", emu.url))
            .json(&body)
            .send()
            .await
            .expect("call")
            .json()
            .await
            .expect("json")
    })
}

/// An authorizer's access token, as the merchant's other tools would get one.
fn authorizer_token(w: &World, appid: &str) -> String {
    let ctoken = post(
        &w.emu,
        "/cgi-bin/component/api_component_token",
        json!({"component_appid": COMPONENT, "component_appsecret": SECRET, "component_verify_ticket": w.ticket}),
    );
    let ctoken = ctoken["component_access_token"]
        .as_str()
        .expect("component token")
        .to_string();
    let platform = w.emu.admin("GET", "/__emulator/platform", None);
    let refresh = platform["authorizers"]
        .as_array()
        .expect("authorizers")
        .iter()
        .find(|a| a["appid"] == appid)
        .and_then(|a| a["refresh_token"].as_str())
        .expect("refresh token")
        .to_string();
    let t = post(
        &w.emu,
        &format!("/cgi-bin/component/api_authorizer_token?component_access_token={ctoken}"),
        json!({"component_appid": COMPONENT, "authorizer_appid": appid, "authorizer_refresh_token": refresh}),
    );
    t["authorizer_access_token"]
        .as_str()
        .expect("authorizer token")
        .to_string()
}

/// The live cards of one authorizer's world: (title, notice, service_phone), not deleted.
fn live_cards(w: &World, appid: &str) -> Vec<(String, String, String)> {
    let cards = w.emu.admin(
        "GET",
        &format!("/__emulator/cards?authorizer_appid={appid}"),
        None,
    );
    let mut out: Vec<(String, String, String)> = cards["cards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let base = c.as_object()?.values().find_map(|v| v.get("base_info"))?;
            if base["status"] == "CARD_STATUS_DELETE" {
                return None;
            }
            let s = |k: &str| base[k].as_str().unwrap_or_default().to_string();
            Some((s("title"), s("notice"), s("service_phone")))
        })
        .collect();
    out.sort();
    out
}

fn names(w: &World) -> Vec<String> {
    let mut n: Vec<String> = w.appids.iter().map(|a| a.to_ascii_lowercase()).collect();
    n.sort();
    n
}

fn appid_of(w: &World, name: &str) -> String {
    w.appids
        .iter()
        .find(|a| a.to_ascii_lowercase() == name)
        .expect("appid")
        .clone()
}

fn report(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        )
    })
}

fn account<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == name))
        .unwrap_or_else(|| panic!("{name} not in {report}"))
}

fn account_opt<'a>(report: &'a Value, name: &str) -> Option<&'a Value> {
    report["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == name))
}

fn edit(w: &World, file: &str, from: &str, to: &str) {
    let path = w.dir.path().join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replace(from, to)).expect("write");
}

fn imported(n: usize) -> World {
    let w = World::new(n);
    w.run(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    w
}

#[test]
fn a_saved_platform_plan_is_applied_exactly_and_then_is_stale() {
    let w = imported(3);
    let since = w.emu.admin("GET", "/__emulator/calls", None)["calls"]
        .as_array()
        .map_or(0, Vec::len);
    let out = w.run(&["plan", "--save", "plan.json", "--format", "markdown"]);
    out.expect_code(0);
    assert!(
        words(&out.stderr).contains(
            "Saved the platform plan to plan.json: 3 account(s) to apply, 0 failed to plan"
        ),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(w.dir.path().join("plan.json")).expect("plan file");
    let file: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(file["kind"], "cardform-platform-plan");
    assert_eq!(file["component_appid"], COMPONENT);
    assert_eq!(file["selection"], "all");
    assert_eq!(file["accounts"].as_array().map(Vec::len), Some(3));
    assert_eq!(file["platform_dir"], ".");
    // The review comment names the saved plan's checksum; apply prints it.
    let checksum = file["checksum"].as_str().expect("checksum").to_string();
    assert!(
        out.stdout.contains(&format!(
            "> Saved plan, checksum {checksum}: `cardform apply`"
        )),
        "{}",
        out.stdout
    );
    // No secret in the file: the component secret, the ticket, the refresh tokens.
    let platform = w.emu.admin("GET", "/__emulator/platform", None);
    let mut secrets = vec![SECRET.to_string(), w.ticket.clone()];
    for a in platform["authorizers"].as_array().expect("authorizers") {
        secrets.push(a["refresh_token"].as_str().expect("refresh").to_string());
    }
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "a secret is in the saved plan");
        assert!(!out.stdout.contains(s.as_str()) && !out.stderr.contains(s.as_str()));
    }
    // Nothing was created by planning.
    for n in names(&w) {
        assert!(live_cards(&w, &appid_of(&w, &n)).is_empty());
    }
    assert!(
        w.emu.admin("GET", "/__emulator/calls", None)["calls"]
            .as_array()
            .map_or(0, Vec::len)
            > since
    );

    // apply FILE, without --auto-approve: the plan is the approval.
    let applied = w.run(&["apply", "plan.json", "--format", "json"]);
    applied.expect_code(0);
    assert!(
        applied
            .stderr
            .contains("Applying the saved platform plan plan.json: 3 account(s)"),
        "{}",
        applied.stderr
    );
    assert!(applied.stderr.contains(&checksum), "{}", applied.stderr);
    let r = report(&applied);
    assert_eq!(r["operation"], "apply");
    for n in names(&w) {
        let a = account(&r, &n);
        assert_eq!(a["status"], "applied", "{a}");
        assert_eq!(a["row"]["creates"], 2, "{a}");
        let live = live_cards(&w, &appid_of(&w, &n));
        let titles: Vec<&str> = live.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(titles, ["全场八折", "新会员礼"], "{n}");
    }
    for s in &secrets {
        assert!(!applied.stdout.contains(s.as_str()) && !applied.stderr.contains(s.as_str()));
    }
    w.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    assert!(
        !applied.stderr.contains("not in the plan"),
        "{}",
        applied.stderr
    );

    // The same file again: every account's state moved since: each is stale, none
    // applied twice. An account added since the plan is named, not applied.
    let added = w.dir.path().join("accounts/newshop");
    std::fs::create_dir_all(&added).expect("mkdir");
    std::fs::write(
        added.join("account.toml"),
        "appid = \"wxnewshop00000001\"\n",
    )
    .expect("write");
    let again = w.run(&["apply", "plan.json", "--format", "json"]);
    again.expect_code(4);
    assert!(
        words(&again.stderr)
            .contains("not in the plan, so not applied: newshop (added since the plan"),
        "{}",
        again.stderr
    );
    assert!(account_opt(&report(&again), "newshop").is_none());
    let r = report(&again);
    for n in names(&w) {
        let a = account(&r, &n);
        assert_eq!(a["status"], "failed", "{a}");
        let m = a["failure"]["message"].as_str().unwrap_or_default();
        assert!(
            m.contains("the state changed") && m.contains("plan again"),
            "{m}"
        );
        assert_eq!(live_cards(&w, &appid_of(&w, &n)).len(), 2);
    }

    // Edited after it was written: refused before anything.
    let edited = text.replace("\"selection\": \"all\"", "\"selection\": \"x\"");
    assert_ne!(edited, text);
    std::fs::write(w.dir.path().join("edited.json"), edited).expect("write");
    let out = w.run(&["apply", "edited.json"]);
    out.expect_code(1);
    assert!(
        words(&out.stderr).contains("was changed after it was written"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_change_on_wechat_in_one_account_makes_only_that_account_stale() {
    let w = imported(3);
    w.run(&["apply", ".", "--accounts", "all", "--auto-approve"])
        .expect_code(0);
    edit(
        &w,
        "templates/spring.toml",
        "向店员出示券码",
        "向店员出示会员码",
    );
    w.run(&["plan", "--save", "plan.json"]).expect_code(0);

    // Between the plan and its apply, someone changes a card of the first account on
    // WeChat (the MP console, another tool).
    let all = names(&w);
    let changed = &all[0];
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(
            w.dir
                .path()
                .join(format!("state/{changed}/cardform.state.json")),
        )
        .expect("state"),
    )
    .expect("json");
    let card_id = state["resources"]["spring_gift"]["card_id"]
        .as_str()
        .expect("card_id");
    let token = authorizer_token(&w, &appid_of(&w, changed));
    let r = post(
        &w.emu,
        &format!("/card/update?access_token={token}"),
        json!({"card_id": card_id, "general_coupon": {"base_info": {"service_phone": "400-123-4567"}}}),
    );
    assert_eq!(r["errcode"], 0, "{r}");

    let out = w.run(&["apply", "plan.json", "--format", "json"]);
    out.expect_code(4);
    let r = report(&out);
    let a = account(&r, changed);
    assert_eq!(a["status"], "failed", "{a}");
    let m = a["failure"]["message"].as_str().unwrap_or_default();
    assert!(
        m.contains("spring_gift changed on WeChat") && m.contains("plan again"),
        "{m}"
    );
    let live = live_cards(&w, &appid_of(&w, changed));
    assert!(
        live.iter()
            .any(|c| c.1 == "向店员出示券码" && c.2 == "400-123-4567"),
        "the stale account was not changed: {live:?}"
    );
    for n in &all[1..] {
        assert_eq!(account(&r, n)["status"], "applied");
        let live = live_cards(&w, &appid_of(&w, n));
        assert!(
            live.iter().any(|c| c.1 == "向店员出示会员码"),
            "{n}: {live:?}"
        );
    }

    // A file of one account changed since the plan: that account is stale, before any
    // call for it.
    edit(
        &w,
        "templates/spring.toml",
        "向店员出示会员码",
        "向店员出示券码",
    );
    w.run(&["plan", "--save", "plan2.json"]).expect_code(0);
    let other = &all[1];
    let account_file = format!("accounts/{other}/account.toml");
    let t = std::fs::read_to_string(w.dir.path().join(&account_file)).expect("read");
    std::fs::write(w.dir.path().join(&account_file), format!("{t}\n# edited\n")).expect("write");
    let out = w.run(&["apply", "plan2.json", "--format", "json"]);
    out.expect_code(4);
    let r = report(&out);
    let m = account(&r, other)["failure"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(m.contains("changed since the plan"), "{m}");
    assert_eq!(account(&r, &all[2])["status"], "applied");
}

const FRIEND: &str = r#"[cards.friend_gift]
card_type = "GIFT"
gift_name = "拿铁"
gift_num = 1
gift_unit = "杯"

[cards.friend_gift.base_info]
logo_url = "https://mmbiz.qpic.cn/mmbiz/logo.jpg"
code_type = "CODE_TYPE_QRCODE"
brand_name = "卡式咖啡"
color = "Color020"
notice = "结账时出示二维码"
description = "限中杯，每人每天限用一张。"
sku = { quantity = 500 }
date_info = { type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2026-11-01T00:00:00+08:00, end_timestamp = 2027-12-31T23:59:59+08:00 }
location_id_list = [401234567]
can_share = false
can_give_friend = false

[cards.friend_gift.advanced_info]
share_friends = true

[[cards.friend_gift.advanced_info.text_image_list]]
image_url = "https://mmbiz.qpic.cn/mmbiz/detail.jpg"
text = "一杯现做的拿铁。"
"#;

/// The account's own store ids, as `accounts import` wrote them (`[stores] all = [...]`):
/// each authorizer has stores of its own.
fn store_ids(w: &World, account: &str) -> String {
    let text = std::fs::read_to_string(
        w.dir
            .path()
            .join(format!("accounts/{account}/account.toml")),
    )
    .expect("account.toml");
    let line = text
        .lines()
        .find(|l| l.starts_with("all = ["))
        .expect("[stores] all");
    line.trim_start_matches("all = ").to_string()
}

#[test]
fn the_run_wide_coins_limit_refuses_a_saved_plan_before_anything_is_applied() {
    let w = imported(2);
    for n in names(&w) {
        std::fs::create_dir_all(w.dir.path().join(format!("accounts/{n}/cards"))).expect("mkdir");
        std::fs::write(
            w.dir
                .path()
                .join(format!("accounts/{n}/cards/friends.toml")),
            FRIEND.replace("[401234567]", &store_ids(&w, &n)),
        )
        .expect("write");
        // 200 free 券点 in each account.
        let token = authorizer_token(&w, &appid_of(&w, &n));
        let r = crate::common::block_on(async {
            reqwest::Client::new()
                .get(format!(
                    "{}/card/pay/activate?access_token={token}",
                    w.emu.url
                ))
                .send()
                .await
                .expect("call")
                .json::<Value>()
                .await
                .expect("json")
        });
        assert_eq!(r["errcode"], 0, "{r}");
    }
    edit(
        &w,
        "cardform.toml",
        "account_parallelism = 4\n",
        "account_parallelism = 4\nmax_coins_per_run = 150\n",
    );
    let out = w.run(&["plan", "--save", "plan.json", "--format", "json"]);
    out.expect_code(0);
    let r = report(&out);
    for n in names(&w) {
        assert_eq!(account(&r, &n)["row"]["coins"], "100", "{r}");
    }
    assert!(
        words(&out.stderr).contains("applying this plan will be refused"),
        "{}",
        out.stderr
    );
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(w.dir.path().join("plan.json")).expect("plan"),
    )
    .expect("json");
    assert_eq!(file["totals"]["coins"], "200");

    let out = w.run(&["apply", "plan.json", "--allow-coin-purchase"]);
    out.expect_code(3);
    assert!(
        words(&out.stdout)
            .contains("spend 200 券点 together, more than [platform.run] max_coins_per_run = 150"),
        "{}",
        out.stdout
    );
    for n in names(&w) {
        assert!(live_cards(&w, &appid_of(&w, &n)).is_empty(), "{n}");
    }
}

#[test]
fn html_writes_a_page_naming_every_account_and_the_write_policy_guards_save() {
    let w = imported(3);
    let out = w.run(&["plan", "--html", "review.html"]);
    out.expect_code(0);
    let page = std::fs::read_to_string(w.dir.path().join("review.html")).expect("page");
    assert!(page.starts_with("<!doctype html>"), "{page}");
    for n in names(&w) {
        assert!(page.contains(&format!(">{n}</a>")), "{n} not in the page");
    }
    // Its own page is replaced by the next one.
    w.run(&["plan", "--html", "review.html"]).expect_code(0);

    // --save over a file the platform owns: refused before anything is sent.
    let calls = |w: &World| {
        w.emu.admin("GET", "/__emulator/calls", None)["calls"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let before_calls = calls(&w);
    let n = &names(&w)[0];
    for target in [
        "cardform.toml".to_string(),
        format!("accounts/{n}/account.toml"),
        "templates/spring.toml".to_string(),
    ] {
        let before = std::fs::read(w.dir.path().join(&target)).expect("read");
        let out = w.run(&["plan", "--save", &target]);
        out.expect_code(1);
        assert!(
            words(&out.stderr).contains("refusing to write"),
            "{target}: {}",
            out.stderr
        );
        assert_eq!(
            std::fs::read(w.dir.path().join(&target)).expect("read"),
            before
        );
    }
    let out = w.run(&["plan", "--html", "cardform.toml"]);
    out.expect_code(1);
    assert_eq!(calls(&w), before_calls, "nothing was sent");
}

#[test]
fn a_one_account_plan_is_not_a_platform_plan_and_vice_versa() {
    let w = imported(2);
    w.run(&["plan", "--save", "plan.json"]).expect_code(0);
    // A platform plan with --accounts or --shard: it holds its accounts.
    let out = w.run(&["apply", "plan.json", "--accounts", "all"]);
    out.expect_code(1);
    assert!(
        words(&out.stderr).contains("--accounts and --shard do not apply to it"),
        "{}",
        out.stderr
    );

    // A one-account plan given --accounts, and one whose folder became a platform.
    let p = TestProject::external(&w.emu.url);
    let plan = p.path().join("one.json");
    let plan_arg = plan.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    let out = w.run(&["apply", &plan_arg, "--accounts", "all"]);
    out.expect_code(1);
    assert!(
        words(&out.stderr).contains("is a one-account saved plan"),
        "{}",
        out.stderr
    );
    std::fs::copy(
        w.dir.path().join("cardform.toml"),
        p.path().join("cardform.toml"),
    )
    .expect("copy");
    let out = w.run(&["apply", &plan_arg]);
    out.expect_code(1);
    assert!(
        words(&out.stderr).contains("is a one-account saved plan")
            && words(&out.stderr).contains("cannot be applied to a platform's accounts"),
        "{}",
        out.stderr
    );

    // A platform plan whose folder is no longer a platform.
    std::fs::write(
        w.dir.path().join("cardform.toml"),
        format!("endpoint = \"{}\"\n", w.emu.url),
    )
    .expect("write");
    let out = w.run(&["apply", "plan.json"]);
    out.expect_code(1);
    assert!(
        words(&out.stderr).contains("is not a platform folder"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_account_that_failed_to_plan_is_recorded_failed_and_the_others_are_applied() {
    let w = imported(3);
    let all = names(&w);
    let revoked = &all[1];
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": appid_of(&w, revoked)})),
    );
    let out = w.run(&[
        "plan",
        "--shard",
        "1/1",
        "--save",
        "plan.json",
        "--out",
        "report.json",
    ]);
    out.expect_code(4);
    assert!(
        words(&out.stderr).contains("2 account(s) to apply, 1 failed to plan"),
        "{}",
        out.stderr
    );
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(w.dir.path().join("plan.json")).expect("plan"),
    )
    .expect("json");
    assert_eq!(file["shard"], "1/1");
    let entry = account(&file, revoked);
    assert_eq!(entry["status"], "failed", "{entry}");
    assert_eq!(entry["failure"]["stage"], "authorizer", "{entry}");
    assert!(entry.get("plan").is_none(), "{entry}");

    // plan merge takes the reports, not the saved plan; the merged comment names the
    // saved plan's checksum and shard.
    let merged = w.run(&["plan", "merge", "report.json"]);
    merged.expect_code(4);
    let checksum = file["checksum"].as_str().expect("checksum");
    assert!(
        merged
            .stdout
            .contains(&format!("Saved plan, checksum {checksum}, shard 1/1")),
        "{}",
        merged.stdout
    );
    let merge = w.run(&["plan", "merge", "plan.json"]);
    merge.expect_code(1);
    assert!(
        words(&merge.stderr)
            .contains("plan.json is a saved plan; `plan merge` joins the shards' JSON reports"),
        "{}",
        merge.stderr
    );

    let out = w.run(&["apply", "plan.json", "--format", "json"]);
    out.expect_code(4);
    let r = report(&out);
    assert_eq!(r["shard"], "1/1");
    let a = account(&r, revoked);
    assert_eq!(a["status"], "failed");
    assert!(
        a["failure"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("it failed when planned")),
        "{a}"
    );
    assert!(live_cards(&w, &appid_of(&w, revoked)).is_empty());
    for n in [&all[0], &all[2]] {
        assert_eq!(account(&r, n)["status"], "applied");
        assert_eq!(live_cards(&w, &appid_of(&w, n)).len(), 2, "{n}");
    }
}
