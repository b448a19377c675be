//! The message crypto against what cardform did not make: WeChat's published sample
//! (`tests/fixtures/events/`, with PROVENANCE.md) and wechatpy's `WeChatCrypto` both
//! ways: wechatpy encrypts → the real receiver stores; the real emulator pushes →
//! wechatpy decrypts. Without python3/wechatpy the wechatpy tests skip with a message,
//! unless `CARDFORM_REQUIRE_WECHATPY=1` (set by `.ci/run`, which installs wechatpy).

use std::collections::HashMap;

use cardform_events::{AesKey, Checker, Mode, crypto};
use serde_json::json;

use crate::common::{Emulator, TestProject};
use crate::events_support::{
    AES_KEY, Capture, Receiver, TOKEN, post, wait_stored, wechatpy, wechatpy_or_skip,
};

fn fixture() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/events/wechat_sample.json"
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn s<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} in the fixture"))
}

#[test]
fn the_published_samples_verify_and_decrypt() {
    let fx = fixture();
    for name in ["official_mp_sample", "wechatpy_work_sample"] {
        let v = &fx[name];
        let key = AesKey::from_encoding_aes_key(s(v, "encoding_aes_key")).expect("key");
        let body = s(v, "body");
        let encrypt = cardform_events::xml::parse(body).expect("outer XML");
        // Our msg_signature over the published values is the published one.
        assert_eq!(
            crypto::msg_signature(
                s(v, "token"),
                s(v, "timestamp"),
                s(v, "nonce"),
                encrypt.get("Encrypt").expect("Encrypt")
            ),
            s(v, "msg_signature"),
            "{name}"
        );
        let ids = vec![s(v, "app_id").to_string()];
        let checker = Checker {
            token: s(v, "token"),
            key: Some(&key),
            app_ids: &ids,
            now_secs: s(v, "timestamp").parse().expect("timestamp"),
            window_secs: 300,
        };
        let query: HashMap<String, String> = [
            ("msg_signature", s(v, "msg_signature")),
            ("timestamp", s(v, "timestamp")),
            ("nonce", s(v, "nonce")),
            ("encrypt_type", "aes"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (fields, _, mode) = checker.open(&query, body).expect(name);
        assert_eq!(mode, Mode::Encrypted);
        for (k, want) in v["expect"].as_object().expect("expect") {
            assert_eq!(fields.get(k), want.as_str(), "{name}: {k}");
        }
        // Another AppID, or a changed signature, is refused.
        let other = vec!["wxsomeoneelse".to_string()];
        let wrong_app = Checker {
            app_ids: &other,
            ..Checker {
                ..checker_ref(&checker)
            }
        };
        assert_eq!(
            wrong_app.open(&query, body).err(),
            Some(cardform_events::Refusal::AppIdMismatch)
        );
        let mut forged = query.clone();
        forged.insert("msg_signature".into(), "0".repeat(40));
        assert_eq!(
            checker.open(&forged, body).err(),
            Some(cardform_events::Refusal::BadSignature)
        );
    }
}

fn checker_ref<'a>(c: &Checker<'a>) -> Checker<'a> {
    Checker {
        token: c.token,
        key: c.key,
        app_ids: c.app_ids,
        now_secs: c.now_secs,
        window_secs: c.window_secs,
    }
}

/// A card_not_pass_check as WeChat writes it.
fn rejection_xml(card_id: &str, create_time: i64, reason: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[mphelper]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[card_not_pass_check]]></Event><CardId><![CDATA[{card_id}]]></CardId>\
         <RefuseReason><![CDATA[{reason}]]></RefuseReason></xml>"
    )
}

#[test]
fn wechatpy_encrypts_and_the_receiver_stores_it_once() {
    if !wechatpy_or_skip("wechatpy_encrypts_and_the_receiver_stores_it_once") {
        return;
    }
    let p = TestProject::external("http://127.0.0.1:9");
    let rx = Receiver::start(&p, &[]);
    let now = chrono::Utc::now().timestamp();
    let req = wechatpy(
        "encrypt",
        &json!({
            "token": TOKEN, "encoding_aes_key": AES_KEY, "app_id": "wxsandbox",
            "message": rejection_xml("pWECHATPY", now, "品牌名与资质不符"),
            "timestamp": now.to_string(), "nonce": "424242", "to_user": "gh_test",
        }),
    );
    let query: Vec<(String, String)> = req["query"]
        .as_object()
        .expect("query")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let body = req["body"].as_str().expect("body");
    assert_eq!(post(&rx.url, &query, body), (200, "success".to_string()));
    // WeChat's retry of the same message: answered success, stored once.
    assert_eq!(post(&rx.url, &query, body), (200, "success".to_string()));
    let events = wait_stored(&p, 5, |e| !e.is_empty());
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["event"], "card_not_pass_check");
    assert_eq!(events[0]["subject"], "pWECHATPY");
    assert_eq!(events[0]["mode"], "encrypted");
    assert_eq!(events[0]["fields"]["RefuseReason"], "品牌名与资质不符");
}

#[test]
fn the_emulator_encrypts_and_wechatpy_decrypts_with_retries() {
    if !wechatpy_or_skip("the_emulator_encrypts_and_wechatpy_decrypts_with_retries") {
        return;
    }
    // The stand-in receiver fails the first delivery: the emulator must retry.
    let capture = Capture::start(vec!["not yet", "success"]);
    let emu = Emulator::start(&[]);
    let cfg = emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": capture.url, "token": TOKEN, "encoding_aes_key": AES_KEY})),
    );
    assert_eq!(cfg["encrypted"], true, "{cfg}");
    assert!(!cfg.to_string().contains(AES_KEY) && !cfg.to_string().contains(TOKEN));
    let created = emu.api(
        "/card/create",
        crate::emulator_support::cash("http://mmbiz.qpic.cn/mmbiz/events/0"),
    );
    let card_id = created["card_id"].as_str().expect("card_id").to_string();
    let reviewed = emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card_id, "result": "fail", "reason": "logo 模糊"})),
    );
    assert_eq!(reviewed["status"], "CARD_STATUS_VERIFY_FAIL", "{reviewed}");
    let seen = capture.wait_for(2, 10);
    assert_eq!(seen.len(), 2, "one failed attempt and one retry: {seen:#?}");
    let last = &seen[1];
    assert_eq!(
        last.query.get("encrypt_type").map(String::as_str),
        Some("aes")
    );
    let decrypted = wechatpy(
        "decrypt",
        &json!({
            "token": TOKEN, "encoding_aes_key": AES_KEY, "app_id": "wxsandbox",
            "query": last.query, "body": last.body,
        }),
    );
    let message = decrypted["message"].as_str().expect("message");
    assert!(message.contains("card_not_pass_check"), "{message}");
    assert!(
        message.contains(&card_id) && message.contains("logo 模糊"),
        "{message}"
    );
    let status = emu.admin("GET", "/__emulator/push_config", None);
    assert_eq!(status["delivered"], 1, "{status}");
}
