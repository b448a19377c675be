//! zh-CN: events (`cardform events serve|list`, the receiver's lines, the message
//! checks' refusals, a platform's verify ticket from its event log).

#[allow(unused_imports)]
use super::{assert_chinese, zh};

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use cardform_events::{AesKey, seal};
use serde_json::json;

use crate::common::{Emulator, Output, TestProject, cardform, run_cmd};
use crate::events_support::{AES_KEY, Receiver, TOKEN, post};

fn dir_of(p: &TestProject) -> String {
    p.path().to_string_lossy().to_string()
}

/// `events serve` under zh-CN with its stderr kept: what it said once `deliver` ran.
fn serve_and_deliver(p: &TestProject, deliver: impl FnOnce(&str)) -> Output {
    let stderr_path = p.path().join("serve.stderr");
    let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
    let mut child = cardform()
        .args(["events", "serve", "--listen", "127.0.0.1:0", "--dir"])
        .arg(p.path())
        .env("CARDFORM_LANG", "zh-CN")
        .env("CARDFORM_EVENTS_TOKEN", TOKEN)
        .env_remove("CARDFORM_EVENTS_AES_KEY")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn the receiver");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listening line");
    // The first stdout line stays `listening on http://…`: scripts read it, as the
    // emulator's.
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line `listening on …`, got {line:?}"))
        .to_string();
    deliver(&url);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let _ = child.kill();
    let _ = child.wait();
    Output {
        code: 0,
        stdout: String::new(),
        stderr: std::fs::read_to_string(&stderr_path).expect("stderr"),
    }
}

#[test]
fn the_receiver_speaks_chinese_stored_duplicate_refused() {
    let p = TestProject::sandbox();
    let out = serve_and_deliver(&p, |url| {
        let message = "<xml><ToUserName>gh_x</ToUserName><FromUserName>oZh</FromUserName>\
            <CreateTime>1700000000</CreateTime><MsgType>event</MsgType>\
            <Event>card_not_pass_check</Event><CardId>pZh</CardId>\
            <RefuseReason>商户名称不符</RefuseReason></xml>";
        let now = chrono::Utc::now().timestamp().to_string();
        let sealed = seal(TOKEN, None, "wxsandbox", "gh_x", message, &now, "1");
        for _ in 0..2 {
            let (status, _) = post(&format!("{url}/"), &sealed.query, &sealed.body);
            assert_eq!(status, 200);
        }
        // A forged signature, an old timestamp, an encrypted message without a key,
        // a DOCTYPE.
        let mut forged = sealed.query.clone();
        forged[0].1 = "0".repeat(40);
        assert_eq!(post(&format!("{url}/"), &forged, &sealed.body).0, 401);
        let old = (chrono::Utc::now().timestamp() - 3600).to_string();
        let stale = seal(TOKEN, None, "wxsandbox", "gh_x", message, &old, "2");
        assert_eq!(post(&format!("{url}/"), &stale.query, &stale.body).0, 401);
        let key = AesKey::from_encoding_aes_key(AES_KEY).expect("key");
        let enc = seal(TOKEN, Some(&key), "wxsandbox", "gh_x", message, &now, "3");
        assert_eq!(post(&format!("{url}/"), &enc.query, &enc.body).0, 400);
        let dtd = seal(
            TOKEN,
            None,
            "wxsandbox",
            "gh_x",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><xml><a>&a;</a></xml>",
            &now,
            "4",
        );
        assert_eq!(post(&format!("{url}/"), &dtd.query, &dtd.body).0, 400);
    });
    let said = &out.stderr;
    for wanted in [
        "提示：未设置 CARDFORM_EVENTS_AES_KEY",
        "事件存入",
        "已存储：card_not_pass_check pZh",
        "重复推送，此前已存储：card_not_pass_check pZh",
        "已拒收（401）：签名不匹配",
        "已拒收（401）：时间戳与本机时钟相差",
        "已拒收（400）：收到加密消息，但未设置 CARDFORM_EVENTS_AES_KEY",
        "已拒收（400）：XML 中声明了 DOCTYPE 或实体",
    ] {
        assert!(said.contains(wanted), "{wanted:?} in:\n{said}");
    }
    assert_chinese("events serve", &out);
}

#[test]
fn events_list_and_its_errors_speak_chinese() {
    let p = TestProject::sandbox();
    let dir = dir_of(&p);
    let empty = zh(&["events", "list", &dir]);
    empty.expect_code(0);
    assert!(
        empty.stdout.contains("中没有（符合条件的）事件。"),
        "{}",
        empty.stdout
    );
    assert_chinese("events list (empty)", &empty);

    let rx = Receiver::start(&p, &[]);
    let message = "<xml><ToUserName>gh_x</ToUserName><FromUserName>oL</FromUserName>\
        <CreateTime>1700000100</CreateTime><MsgType>event</MsgType>\
        <Event>user_get_card</Event><CardId>pList</CardId><UserCardCode>9</UserCardCode></xml>";
    let now = chrono::Utc::now().timestamp().to_string();
    let sealed = seal(TOKEN, None, "wxsandbox", "gh_x", message, &now, "5");
    assert_eq!(
        post(&format!("{}/", rx.url), &sealed.query, &sealed.body).0,
        200
    );
    let table = zh(&["events", "list", &dir]);
    table.expect_code(0);
    assert!(table.stdout.contains("共 1 个事件。"), "{}", table.stdout);
    assert_chinese("events list", &table);
    // English is unchanged.
    let en = run_cmd(
        cardform()
            .args(["events", "list", &dir])
            .env("CARDFORM_LANG", "en"),
    );
    assert!(en.stdout.contains("1 event(s)."), "{}", en.stdout);

    let since = zh(&["events", "list", &dir, "--since", "soon"]);
    since.expect_code(1);
    assert!(since.stderr.contains("应为时长"), "{}", since.stderr);
    assert_chinese("events list --since soon", &since);
}

#[test]
fn events_serve_errors_speak_chinese() {
    let p = TestProject::sandbox();
    let dir = dir_of(&p);
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = cardform();
        cmd.args(["events", "serve", "--dir", &dir])
            .args(extra)
            .env("CARDFORM_LANG", "zh-CN")
            .env_remove("CARDFORM_EVENTS_TOKEN")
            .env_remove("CARDFORM_EVENTS_AES_KEY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_cmd(&mut cmd)
    };
    let no_token = run(&[], &["--listen", "127.0.0.1:0"]);
    no_token.expect_code(1);
    assert!(
        no_token.stderr.contains("未设置 CARDFORM_EVENTS_TOKEN"),
        "{}",
        no_token.stderr
    );
    assert_chinese("events serve without a token", &no_token);
    let bad_key = run(
        &[
            ("CARDFORM_EVENTS_TOKEN", TOKEN),
            ("CARDFORM_EVENTS_AES_KEY", "short"),
        ],
        &["--listen", "127.0.0.1:0"],
    );
    bad_key.expect_code(1);
    assert!(bad_key.stderr.contains("43 位"), "{}", bad_key.stderr);
    assert_chinese("events serve with a bad key", &bad_key);
    let bad_listen = run(
        &[("CARDFORM_EVENTS_TOKEN", TOKEN)],
        &["--listen", "nowhere"],
    );
    bad_listen.expect_code(1);
    assert!(
        bad_listen.stderr.contains("不是有效地址"),
        "{}",
        bad_listen.stderr
    );
    assert_chinese("events serve --listen nowhere", &bad_listen);
}

#[test]
fn a_platforms_missing_verify_ticket_is_said_in_chinese() {
    let emu = Emulator::start(&[]);
    emu.admin(
        "POST",
        "/__emulator/platform",
        Some(json!({"authorizers": 1})),
    );
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("cardform.toml"),
        format!(
            "endpoint = \"{}\"\n\n[platform]\ncomponent_appid = \"wxcomponent0000emu\"\n\n[platform.verify_ticket]\nsource = \"events\"\n",
            emu.url
        ),
    )
    .expect("write");
    let out = run_cmd(
        cardform()
            .current_dir(dir.path())
            .env("CARDFORM_LANG", "zh-CN")
            .env("CARDFORM_COMPONENT_SECRET", "emulator-component-secret")
            .args(["accounts", "list"]),
    );
    out.expect_code(1);
    assert!(
        crate::common::words(&out.stderr)
            .contains("中没有第三方平台 wxcomponent0000emu 的 component_verify_ticket"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("cardform events serve"),
        "{}",
        out.stderr
    );
    assert_chinese("a platform without a ticket in its event log", &out);
}

/// The lines of `text` holding `marker`, checked by the detector (the rest of the
/// output belongs to other areas).
#[track_caller]
fn assert_lines_chinese(what: &str, text: &str, marker: &str) {
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(marker)).collect();
    assert!(
        !lines.is_empty(),
        "{what}: no line with {marker:?} in:\n{text}"
    );
    for line in lines {
        let english = super::english_sentences(line);
        assert!(
            english.is_empty(),
            "{what}: English under zh-CN: {english:?}\n{line}"
        );
    }
}

#[test]
fn the_sub_merchant_wait_speaks_chinese() {
    use crate::sub_merchants::{SHOP, project};
    let emu = Emulator::start(&[]);
    let p = project(&emu, SHOP);
    let rx = Receiver::start(&p, &[]);
    emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": format!("{}/", rx.url), "token": TOKEN, "encoding_aes_key": AES_KEY})),
    );
    let state_file = p.path().join("state/cardform.state.json");
    let admin_url = format!("{}/__emulator/submerchant_review", emu.url);
    let reviewer = std::thread::spawn(move || {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < until {
            let id = std::fs::read_to_string(&state_file)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|s| s["sub_merchants"]["shop"]["merchant_id"].as_u64());
            if let Some(id) = id {
                std::thread::sleep(std::time::Duration::from_millis(500));
                crate::common::block_on(async {
                    reqwest::Client::new()
                        .post(&admin_url)
                        .json(&json!({ "merchant_id": id, "result": "fail", "reason": "授权函不清晰" }))
                        .send()
                        .await
                        .expect("review")
                });
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    });
    let out = zh(&[
        "apply",
        "--auto-approve",
        "--wait-for-review",
        "30",
        &dir_of(&p),
    ]);
    reviewer.join().expect("reviewer");
    assert!(
        out.stderr.contains("等待微信审核 1 个子商户"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("状态为 REJECTED：“授权函不清晰”；等待它的卡券不会创建：bread"),
        "{}",
        out.stderr
    );
    assert_lines_chinese(
        "apply --wait-for-review (sub-merchant)",
        &out.stderr,
        "子商户",
    );
}

#[test]
fn a_revoked_authorizer_is_named_in_chinese() {
    let emu = Emulator::start(&[]);
    let answer = emu.admin(
        "POST",
        "/__emulator/platform",
        Some(json!({"authorizers": 1})),
    );
    let appid = answer["authorizers"][0]["appid"]
        .as_str()
        .expect("appid")
        .to_string();
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    std::fs::write(
        root.join("cardform.toml"),
        format!(
            "endpoint = \"{}\"\n\n[platform]\ncomponent_appid = \"wxcomponent0000emu\"\n\n[platform.verify_ticket]\nsource = \"events\"\n",
            emu.url
        ),
    )
    .expect("write");
    let rx = Receiver::start_in(root, &[]);
    emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": format!("{}/", rx.url), "token": TOKEN, "encoding_aes_key": AES_KEY, "component_appid": "wxcomponent0000emu"})),
    );
    let run = |args: &[&str]| {
        run_cmd(
            cardform()
                .current_dir(root)
                .env("CARDFORM_LANG", "zh-CN")
                .env("CARDFORM_COMPONENT_SECRET", "emulator-component-secret")
                .args(args),
        )
    };
    let log = root.join("state/cardform.events.jsonl");
    let wait_for = |needle: &str| {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while std::time::Instant::now() < until {
            if std::fs::read_to_string(&log).is_ok_and(|t| t.contains(needle)) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{needle} never stored");
    };
    wait_for("component_verify_ticket");
    run(&["accounts", "import"]).expect_code(0);
    emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": appid})),
    );
    wait_for("\"unauthorized\"");
    let plan = run(&["plan", "--accounts", "all", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&plan.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", plan.stdout, plan.stderr));
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let mut said = Vec::new();
    strings(&report, &mut said);
    assert_lines_chinese("a revoked authorizer", &said.join("\n"), "已取消授权");
}
