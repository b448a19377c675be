//! `cardform events serve|list` and what reads the event log, with the real binary,
//! the real emulator pushing, over loopback: the "Done when".

use std::time::{Duration, Instant};

use cardform_events::{AesKey, crypto, seal};
use serde_json::json;

use crate::common::{Emulator, TestProject, cardform, files_under, run_cmd};
use crate::events_support::{AES_KEY, Receiver, TOKEN, get, post, stored, wait_stored};

fn q(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn push_to(emu: &Emulator, rx: &Receiver) {
    let cfg = emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": format!("{}/", rx.url), "token": TOKEN, "encoding_aes_key": AES_KEY})),
    );
    assert_eq!(cfg["encrypted"], true, "{cfg}");
}

fn card_ids(p: &TestProject) -> Vec<(String, String)> {
    let state = p.state();
    state["resources"]
        .as_object()
        .expect("resources")
        .iter()
        .map(|(a, r)| {
            (
                a.clone(),
                r["card_id"].as_str().expect("card_id").to_string(),
            )
        })
        .collect()
}

/// Neither secret in any output or in any file of the project (state, event log).
fn assert_no_secrets(p: &TestProject, outputs: &[&str]) {
    for out in outputs {
        assert!(
            !out.contains(TOKEN) && !out.contains(AES_KEY),
            "a secret in: {out}"
        );
    }
    for (path, text) in files_under(p.path()) {
        assert!(
            !text.contains(TOKEN) && !text.contains(AES_KEY),
            "a secret in {path}"
        );
    }
}

#[test]
fn a_rejection_with_its_reason_reaches_status_and_the_event_list() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let rx = Receiver::start(&p, &[]);
    push_to(&emu, &rx);
    let cards = card_ids(&p);
    let (rejected_addr, rejected) = cards[0].clone();
    let (_, approved) = cards[1].clone();
    let reason = "品牌名称与资质不符 (brand name does not match)";
    let started = Instant::now();
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": rejected, "result": "fail", "reason": reason})),
    );
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": approved, "result": "pass"})),
    );
    let events = wait_stored(&p, 10, |e| e.len() >= 2);
    eprintln!("push → stored: {:?}", started.elapsed());
    let rejection = events
        .iter()
        .find(|e| e["event"] == "card_not_pass_check")
        .unwrap_or_else(|| panic!("the rejection is stored: {events:#?}"));
    assert_eq!(rejection["subject"], rejected.as_str());
    assert_eq!(rejection["fields"]["RefuseReason"], reason);
    assert_eq!(rejection["mode"], "encrypted");
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "card_pass_check" && e["subject"] == approved.as_str())
    );

    let status = p.run(&["status", "{dir}"]);
    status.expect_code(0);
    assert!(status.stdout.contains(reason), "{}", status.stdout);
    let json_status = p.run(&["status", "{dir}", "--format", "json"]);
    json_status.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&json_status.stdout).expect("json");
    let row = doc["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .find(|c| c["address"] == rejected_addr.as_str())
        .expect("the rejected card's row");
    assert_eq!(row["review"], "rejected");
    assert_eq!(row["refuse_reason"], reason);

    // --card by address; the table names the reason too.
    let by_card = p.run(&["events", "list", "--dir", "{dir}", "--card", &rejected_addr]);
    by_card.expect_code(0);
    assert!(by_card.stdout.contains("card_not_pass_check") && by_card.stdout.contains(reason));
    assert!(
        !by_card.stdout.contains("card_pass_check "),
        "{}",
        by_card.stdout
    );
    let since = p.run(&[
        "events", "list", "--dir", "{dir}", "--since", "1h", "--format", "json",
    ]);
    since.expect_code(0);
    assert_no_secrets(
        &p,
        &[
            &status.stdout,
            &status.stderr,
            &by_card.stdout,
            &since.stdout,
        ],
    );
}

#[test]
fn claims_redemptions_gifts_deletions_and_low_stock_are_pushed_and_stored() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let rx = Receiver::start(&p, &[]);
    emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": rx.url, "token": TOKEN, "encoding_aes_key": AES_KEY, "stock_threshold": 98})),
    );
    let created = emu.api(
        "/card/create",
        crate::emulator_support::cash("http://mmbiz.qpic.cn/mmbiz/events/0"),
    );
    let card = created["card_id"].as_str().expect("card_id").to_string();
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card, "result": "pass"})),
    );
    let a = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({"card_id": card, "openid": "oA"})),
    );
    let b = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({"card_id": card, "openid": "oB"})),
    );
    let (code_a, code_b) = (
        a["code"].as_str().expect("code"),
        b["code"].as_str().expect("code"),
    );
    emu.api("/card/code/consume", json!({"code": code_a}));
    emu.admin(
        "POST",
        "/__emulator/user_delete",
        Some(json!({"code": code_b})),
    );
    let events = wait_stored(&p, 10, |e| e.len() >= 6);
    let names: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    for want in [
        "card_pass_check",
        "user_get_card",
        "user_consume_card",
        "user_del_card",
        "card_sku_remind",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    // The alarm fires once when the stock reaches the threshold (98 of 100).
    assert_eq!(
        names.iter().filter(|n| **n == "card_sku_remind").count(),
        1,
        "{names:?}"
    );
    let consume = events
        .iter()
        .find(|e| e["event"] == "user_consume_card")
        .expect("consume");
    assert_eq!(consume["code"], code_a);
    assert_eq!(consume["fields"]["FromUserName"], "oA");
}

#[test]
fn the_url_check_and_hostile_input() {
    let p = TestProject::external("http://127.0.0.1:9");
    let rx = Receiver::start(&p, &["--max-body", "4096"]);
    let now = chrono::Utc::now().timestamp().to_string();
    let sig = crypto::url_signature(TOKEN, &now, "n1");
    // URL check: the echo, or a refusal.
    let ok = q(&[
        ("signature", sig.clone()),
        ("timestamp", now.clone()),
        ("nonce", "n1".into()),
        ("echostr", "e-42".into()),
    ]);
    assert_eq!(get(&rx.url, &ok), (200, "e-42".to_string()));
    let bad = q(&[
        ("signature", "f".repeat(40)),
        ("timestamp", now.clone()),
        ("nonce", "n1".into()),
        ("echostr", "e-42".into()),
    ]);
    assert_eq!(get(&rx.url, &bad).0, 401);
    assert_eq!(get(&rx.url, &[]).0, 400);

    let key = AesKey::from_encoding_aes_key(AES_KEY).expect("key");
    let msg = |t: &str| {
        format!(
            "<xml><ToUserName>gh_t</ToUserName><FromUserName>u1</FromUserName><CreateTime>{t}</CreateTime>\
             <MsgType>event</MsgType><Event>user_view_card</Event><CardId>pC</CardId><UserCardCode>123</UserCardCode></xml>"
        )
    };
    let good = seal(
        TOKEN,
        Some(&key),
        "wxsandbox",
        "gh_t",
        &msg("1"),
        &now,
        "n2",
    );
    // Forged: another token; another AppID; a stale timestamp; a mangled body.
    let forged = seal(
        "not-the-token",
        Some(&key),
        "wxsandbox",
        "gh_t",
        &msg("2"),
        &now,
        "n3",
    );
    assert_eq!(post(&rx.url, &forged.query, &forged.body).0, 401);
    let other_app = seal(TOKEN, Some(&key), "wxother", "gh_t", &msg("3"), &now, "n4");
    assert_eq!(post(&rx.url, &other_app.query, &other_app.body).0, 403);
    let old = (chrono::Utc::now().timestamp() - 3600).to_string();
    let stale = seal(
        TOKEN,
        Some(&key),
        "wxsandbox",
        "gh_t",
        &msg("4"),
        &old,
        "n5",
    );
    assert_eq!(post(&rx.url, &stale.query, &stale.body).0, 401);
    // Plain mode with a good signature but entity tricks / malformed XML.
    let plain_q = q(&[
        ("signature", sig.clone()),
        ("timestamp", now.clone()),
        ("nonce", "n1".into()),
    ]);
    let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><xml><Event>&b;</Event></xml>";
    assert_eq!(post(&rx.url, &plain_q, bomb).0, 400);
    assert_eq!(post(&rx.url, &plain_q, "<xml><Event>x</xml>").0, 400);
    let huge = format!("<xml><Event>{}</Event></xml>", "x".repeat(10_000));
    assert_eq!(post(&rx.url, &plain_q, &huge).0, 413);
    assert!(stored(&p).is_empty(), "nothing refused is stored");

    // The genuine one, twice (a retry): stored once.
    assert_eq!(
        post(&rx.url, &good.query, &good.body),
        (200, "success".to_string())
    );
    let again = seal(
        TOKEN,
        Some(&key),
        "wxsandbox",
        "gh_t",
        &msg("1"),
        &now,
        "n9",
    );
    assert_eq!(
        post(&rx.url, &again.query, &again.body),
        (200, "success".to_string())
    );
    // An unknown event in plain mode is stored as it came.
    let unknown = "<xml><FromUserName>u2</FromUserName><CreateTime>7</CreateTime><MsgType>event</MsgType><Event>brand_new_event</Event><Extra>x</Extra></xml>";
    assert_eq!(
        post(&rx.url, &plain_q, unknown),
        (200, "success".to_string())
    );
    let events = stored(&p);
    assert_eq!(events.len(), 2, "{events:#?}");
    assert_eq!(events[0]["event"], "user_view_card");
    assert_eq!(events[1]["event"], "brand_new_event");
    assert_eq!(events[1]["xml"], unknown);
    assert_no_secrets(&p, &[]);
}

#[test]
fn the_receiver_needs_its_token_from_the_environment() {
    let p = TestProject::external("http://127.0.0.1:9");
    let out = run_cmd(
        cardform()
            .args(["events", "serve", "--listen", "127.0.0.1:0", "--dir"])
            .arg(p.path())
            .env_remove("CARDFORM_EVENTS_TOKEN"),
    );
    out.expect_code(1);
    assert!(
        out.stderr.contains("CARDFORM_EVENTS_TOKEN"),
        "{}",
        out.stderr
    );
}

#[test]
fn wait_for_review_returns_at_the_push() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let rx = Receiver::start(&p, &[]);
    push_to(&emu, &rx);
    let mut apply = cardform()
        .args(["apply", "--auto-approve", "--wait-for-review", "2m"])
        .arg(p.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn apply");
    // Wait until apply created both cards and its card/get polling is asleep (its
    // backoff is 1 s, 2 s, 4 s…: at ~3.5 s the next poll is ≥ 3 s away).
    let until = Instant::now() + Duration::from_secs(60);
    let ids = loop {
        let cards = emu.admin("GET", "/__emulator/cards", None);
        let ids: Vec<String> = cards["cards"]
            .as_array()
            .map(|l| {
                // Each card as card/get writes it: {card_type, <type>: {base_info: {id}}}.
                l.iter()
                    .filter_map(|c| {
                        let c = c.get("card").unwrap_or(c);
                        c.as_object()?
                            .values()
                            .find_map(|v| v.pointer("/base_info/id"))
                    })
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if ids.len() >= 2 || Instant::now() > until {
            break ids;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(ids.len(), 2, "apply created the cards");
    std::thread::sleep(Duration::from_millis(3500));
    let pushed = Instant::now();
    for id in &ids {
        emu.admin(
            "POST",
            "/__emulator/review",
            Some(json!({"card_id": id, "result": "pass"})),
        );
    }
    let status = apply.wait().expect("apply ends");
    let latency = pushed.elapsed();
    let mut stderr = String::new();
    if let Some(mut e) = apply.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    eprintln!("--wait-for-review: review decision → apply exit: {latency:?}");
    assert!(status.success(), "{stderr}");
    // The next card/get poll was ≥ 3 s away: returning well before it is the push.
    assert!(
        latency < Duration::from_millis(2500),
        "apply returned {latency:?} after the decision: not at the push\n{stderr}"
    );
}

#[test]
fn a_platform_gets_a_verify_ticket_every_ten_minutes_of_emulator_clock() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let rx = Receiver::start(&p, &["--app-id", "wxcomponent"]);
    emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": rx.url, "token": TOKEN, "encoding_aes_key": AES_KEY, "component_appid": "wxcomponent"})),
    );
    let first = wait_stored(&p, 10, |e| !e.is_empty());
    assert_eq!(first.len(), 1, "{first:#?}");
    emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({"advance_secs": 601})),
    );
    let events = wait_stored(&p, 10, |e| e.len() >= 2);
    assert_eq!(events.len(), 2, "{events:#?}");
    let records: Vec<cardform::events::EventRecord> = events
        .iter()
        .map(|e| serde_json::from_value(e.clone()).expect("a stored record"))
        .collect();
    let newest = records[1]
        .field("ComponentVerifyTicket")
        .expect("ticket")
        .to_string();
    let now = records[1].create_time.expect("CreateTime");
    assert_eq!(
        cardform::events::read::verify_ticket(&records, "wxcomponent", now).as_deref(),
        Some(newest.as_str())
    );
    // The emulator counts a push delivered once it has read the answer, which is just
    // after the receiver stored the event: poll briefly instead of racing it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        let status = emu.admin("GET", "/__emulator/push_config", None);
        if status["delivered"].as_u64() >= Some(2) || std::time::Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status["delivered"].as_u64() >= Some(2), "{status}");
}

#[test]
fn a_review_the_emulator_decides_by_itself_is_pushed() {
    let emu = Emulator::start(&["--review-delay-ms", "1000"]);
    let p = TestProject::external(&emu.url);
    let rx = Receiver::start(&p, &[]);
    push_to(&emu, &rx);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let cards = card_ids(&p);
    assert!(!cards.is_empty());
    // Nothing looks at the cards: the decision is the emulator's own, and pushed.
    let events = wait_stored(&p, 15, |e| {
        cards.iter().all(|(_, id)| {
            e.iter()
                .any(|e| e["event"] == "card_pass_check" && e["subject"] == id.as_str())
        })
    });
    for (addr, id) in &cards {
        assert!(
            events
                .iter()
                .any(|e| e["event"] == "card_pass_check" && e["subject"] == id.as_str()),
            "{addr}'s automatic approval is pushed: {events:#?}"
        );
    }
    // Each decision is pushed once (a card/get settling it first does not push again).
    let status = p.run(&["status", "{dir}"]);
    status.expect_code(0);
    std::thread::sleep(Duration::from_millis(500));
    let passes = stored(&p)
        .iter()
        .filter(|e| e["event"] == "card_pass_check")
        .count();
    assert_eq!(passes, cards.len());
    let sent = emu.admin("GET", "/__emulator/push_config", None);
    assert_eq!(sent["sent"], json!(cards.len()), "{sent}");
}

#[test]
fn events_commands_take_the_operators_state_and_refuse_an_untrusted_one() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let elsewhere = p.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let state_file = elsewhere.join("cardform.state.json");
    let state_arg = state_file.to_string_lossy().to_string();
    // `--state` moves the receiver's log with the state.
    let rx = Receiver::start(&p, &["--state", &state_arg]);
    push_to(&emu, &rx);
    let (_, card) = card_ids(&p)[0].clone();
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card, "result": "fail", "reason": "moved log"})),
    );
    let moved_log = elsewhere.join("cardform.events.jsonl");
    let until = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&moved_log).is_ok_and(|t| t.contains("moved log"))
        && Instant::now() < until
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        std::fs::read_to_string(&moved_log).is_ok_and(|t| t.contains("moved log")),
        "the receiver stores where --state says"
    );
    drop(rx);
    assert!(
        !p.path().join("state/cardform.events.jsonl").exists(),
        "nothing in cardform.toml's state"
    );

    // `events list DIR` (positional), with the override by flag or by variable.
    let count = |out: &crate::common::Output| -> usize {
        out.expect_code(0);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("events JSON");
        doc["events"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(
        count(&p.run(&["events", "list", "{dir}", "--format", "json"])),
        0
    );
    let by_flag = p.run(&[
        "events", "list", "{dir}", "--state", &state_arg, "--format", "json",
    ]);
    assert_eq!(count(&by_flag), 1, "{}", by_flag.stdout);
    let by_env = run_cmd(
        cardform()
            .args(["events", "list", "--format", "json"])
            .arg(p.path())
            .env("CARDFORM_STATE", &state_arg),
    );
    assert_eq!(count(&by_env), 1, "{}", by_env.stdout);
    // `--dir` stays an alias.
    let by_dir = p.run(&[
        "events", "list", "--dir", "{dir}", "--state", &state_arg, "--format", "json",
    ]);
    assert_eq!(count(&by_dir), 1, "{}", by_dir.stdout);

    // cardform.toml cannot point the event log at a server that is not on loopback.
    let toml_path = p.path().join("cardform.toml");
    let toml = std::fs::read_to_string(&toml_path).expect("cardform.toml");
    std::fs::write(
        &toml_path,
        format!("state = \"postgres://cardform-db.example:1/cards?hostaddr=127.0.0.1\"\n{toml}"),
    )
    .expect("write cardform.toml");
    let list = p.run(&["events", "list", "{dir}"]);
    let serve = run_cmd(
        cardform()
            .args(["events", "serve", "--listen", "127.0.0.1:0"])
            .arg(p.path())
            .env("CARDFORM_EVENTS_TOKEN", TOKEN),
    );
    for o in [&list, &serve] {
        assert_ne!(o.code, 0, "{o:?}");
        let err = crate::common::words(&o.stderr);
        assert!(
            err.contains("cardform.toml:1:9")
                && err.contains("to cardform-db.example, which is not loopback")
                && err.contains("CARDFORM_STATE=URL"),
            "refused before connecting, naming the line:\n{err}"
        );
        assert!(!o.stdout.contains("listening on"), "{}", o.stdout);
    }
    // The operator's own state wins over the file's.
    let trusted = p.run(&[
        "events", "list", "{dir}", "--state", &state_arg, "--format", "json",
    ]);
    assert_eq!(count(&trusted), 1, "{}", trusted.stderr);
}

#[test]
fn a_user_viewing_a_card_is_pushed() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let rx = Receiver::start(&p, &[]);
    push_to(&emu, &rx);
    let created = emu.api(
        "/card/create",
        crate::emulator_support::cash("http://mmbiz.qpic.cn/mmbiz/events/0"),
    );
    let card = created["card_id"].as_str().expect("card_id").to_string();
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card, "result": "pass"})),
    );
    let claimed = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({"card_id": card, "openid": "oV"})),
    );
    let code = claimed["code"].as_str().expect("code").to_string();
    let viewed = emu.admin(
        "POST",
        "/__emulator/view",
        Some(json!({"card_id": card, "openid": "oV"})),
    );
    assert_eq!(viewed["errcode"], 0, "{viewed}");
    let events = wait_stored(&p, 10, |e| e.iter().any(|e| e["event"] == "user_view_card"));
    let view = events
        .iter()
        .find(|e| e["event"] == "user_view_card")
        .unwrap_or_else(|| panic!("user_view_card is stored: {events:#?}"));
    assert_eq!(view["subject"], card.as_str());
    assert_eq!(view["fields"]["FromUserName"], "oV");
    assert_eq!(view["fields"]["UserCardCode"], code.as_str());
}

#[test]
fn a_user_entering_the_chat_from_a_card_is_pushed_and_listed() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let rx = Receiver::start(&p, &[]);
    push_to(&emu, &rx);
    let created = emu.api(
        "/card/create",
        crate::emulator_support::cash("http://mmbiz.qpic.cn/mmbiz/events/1"),
    );
    let card = created["card_id"].as_str().expect("card_id").to_string();
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card, "result": "pass"})),
    );
    let claimed = emu.admin(
        "POST",
        "/__emulator/claim",
        Some(json!({"card_id": card, "openid": "oS"})),
    );
    let code = claimed["code"].as_str().expect("code").to_string();
    let entered = emu.admin(
        "POST",
        "/__emulator/enter_session",
        Some(json!({"card_id": card, "openid": "oS"})),
    );
    assert_eq!(entered["errcode"], 0, "{entered}");
    // A card that does not exist is WeChat's error, and nothing is pushed.
    let unknown = emu.admin(
        "POST",
        "/__emulator/enter_session",
        Some(json!({"card_id": "pNoSuchCard", "openid": "oS"})),
    );
    assert_ne!(unknown["errcode"], 0, "{unknown}");
    let events = wait_stored(&p, 10, |e| {
        e.iter()
            .any(|e| e["event"] == "user_enter_session_from_card")
    });
    let entered: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "user_enter_session_from_card")
        .collect();
    assert_eq!(entered.len(), 1, "{events:#?}");
    assert_eq!(entered[0]["subject"], card.as_str());
    assert_eq!(entered[0]["code"], code.as_str());
    assert_eq!(entered[0]["fields"]["FromUserName"], "oS");
    // `events list` (the table) shows it, and `--event` selects it.
    let table = p.run(&[
        "events",
        "list",
        "--dir",
        "{dir}",
        "--event",
        "user_enter_session_from_card",
    ]);
    table.expect_code(0);
    assert!(
        table.stdout.contains("user_enter_session_from_card") && table.stdout.contains(&card),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("1 event(s)."), "{}", table.stdout);
}

#[test]
fn two_receivers_on_one_log_store_a_retried_push_once() {
    let p = TestProject::sandbox();
    let a = Receiver::start(&p, &[]);
    let b = Receiver::start(&p, &[]);
    let key = AesKey::from_encoding_aes_key(AES_KEY).expect("key");
    let message = "<xml><ToUserName>gh_x</ToUserName><FromUserName>oRetry</FromUserName>\
        <CreateTime>1700000000</CreateTime><MsgType>event</MsgType><Event>user_get_card</Event>\
        <CardId>pRetried</CardId><UserCardCode>123456</UserCardCode></xml>";
    let appid = "wxsandbox".to_string();
    // WeChat's first delivery reaches one receiver, its retry (new timestamp and nonce,
    // same message) the other, and a third try the first again.
    for (i, rx) in [&a, &b, &a].iter().enumerate() {
        let now = chrono::Utc::now().timestamp().to_string();
        let sealed = seal(
            TOKEN,
            Some(&key),
            &appid,
            "gh_x",
            message,
            &now,
            &format!("{i}77"),
        );
        let (status, body) = post(&format!("{}/", rx.url), &sealed.query, &sealed.body);
        assert_eq!((status, body.as_str()), (200, "success"), "delivery {i}");
    }
    let events = stored(&p);
    let got: Vec<_> = events
        .iter()
        .filter(|e| e["subject"] == "pRetried")
        .collect();
    assert_eq!(got.len(), 1, "stored once: {events:#?}");
    // A different event (another CreateTime) through the second receiver is stored,
    // and the first receiver then knows it too.
    let other = message.replace("1700000000", "1700000001");
    for rx in [&b, &a] {
        let now = chrono::Utc::now().timestamp().to_string();
        let sealed = seal(TOKEN, Some(&key), &appid, "gh_x", &other, &now, "9");
        let (status, _) = post(&format!("{}/", rx.url), &sealed.query, &sealed.body);
        assert_eq!(status, 200);
    }
    let events = stored(&p);
    assert_eq!(
        events.iter().filter(|e| e["subject"] == "pRetried").count(),
        2,
        "{events:#?}"
    );
}

#[test]
fn wait_for_review_waits_for_the_sub_merchant_a_card_waits_on() {
    use crate::sub_merchants::{SHOP, project};
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    let rx = Receiver::start(&p, &[]);
    push_to(&emu, &rx);
    // The reviewer: once the apply recorded the submitted sub-merchant, approve it.
    let state_file = p.path().join("state/cardform.state.json");
    let admin_url = format!("{}/__emulator/submerchant_review", emu.url);
    let reviewer = std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let id = std::fs::read_to_string(&state_file)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|s| s["sub_merchants"]["shop"]["merchant_id"].as_u64());
            if let Some(id) = id {
                std::thread::sleep(Duration::from_millis(1500));
                let decided = Instant::now();
                crate::common::block_on(async {
                    reqwest::Client::new()
                        .post(&admin_url)
                        .json(&json!({ "merchant_id": id, "result": "pass" }))
                        .send()
                        .await
                        .expect("review")
                });
                return Some((id, decided));
            }
            if Instant::now() > until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let out = p.run(&[
        "apply",
        "--auto-approve",
        "--wait-for-review",
        "60",
        "{dir}",
    ]);
    let ended = Instant::now();
    let (id, decided) = reviewer
        .join()
        .expect("reviewer")
        .expect("the apply submitted the sub-merchant");
    out.expect_code(0);
    let said = crate::common::words(&out.stderr);
    assert!(
        said.contains("for WeChat review of 1 sub-merchant(s) that cards wait on"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "sub-merchant shop (merchant_id {id}) approved: the next `cardform apply` creates the card(s) that wait on it: bread"
        )),
        "{said}"
    );
    let latency = ended.saturating_duration_since(decided);
    eprintln!("--wait-for-review: sub-merchant decision → apply exit: {latency:?}");
    // Polling alone would see it at the 3 s poll at the earliest.
    assert!(latency < Duration::from_millis(1400), "{latency:?}\n{said}");
    // The next apply creates the card.
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    assert!(p.state()["resources"]["bread"]["card_id"].is_string());
}
