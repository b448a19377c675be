//! Contract tests against recorded real WeChat bodies (`tests/fixtures/wechat/recorded/`,
//! provenance in its PROVENANCE.md): what we did not make, not what the emulator says.
//!
//! - every recorded request with a recorded answer is sent to the emulator (its
//!   card_ids seeded, images and codes replaced by ones the emulator issued), and the
//!   answer must have the recorded answer's shape (every recorded key, same JSON kind);
//! - the recorded errors are provoked and must come back with the recorded errcode;
//! - the recorded create and update requests have the shape cardform sends for the same
//!   card (same nesting under the lower-case type key, nothing cardform would add), and
//!   every field of the recorded update is one the rule table lets card/update carry.
//!
//! The client side (every recorded response decoded) is
//! `crates/cardform-client/src/recorded_tests.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use cardform::emulator::{EmulatorConfig, RunningEmulator};
use cardform::live::{Observed, normalise};
use cardform::model::Canonical;
use cardform::model::wire::create_body;
use cardform::spec::rules::rule_for;

use crate::emulator_support::*;

struct Recorded {
    file: String,
    endpoint: String,
    kind: String,
    pair: String,
    body: Value,
}

fn recorded() -> Vec<Recorded> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wechat/recorded");
    let index: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    index
        .iter()
        // Pushes are XML, read by the client's push readers (PROVENANCE.md).
        .filter(|e| e["kind"] != "push")
        .map(|e| {
            let file = e["file"].as_str().unwrap().to_string();
            let body = serde_json::from_str(&std::fs::read_to_string(dir.join(&file)).unwrap())
                .unwrap_or_else(|err| panic!("{file}: {err}"));
            Recorded {
                file,
                endpoint: e["endpoint"].as_str().unwrap().to_string(),
                kind: e["kind"].as_str().unwrap().to_string(),
                pair: e["pair"].as_str().unwrap().to_string(),
                body,
            }
        })
        .collect()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// Where `answer` lacks a key of `want` or holds it as another JSON kind.
fn shape_gaps(want: &Value, answer: &Value, path: &str, gaps: &mut Vec<String>) {
    match (want, answer) {
        (_, _) if want.is_null() => {}
        (Value::Object(w), Value::Object(a)) => {
            for (k, wv) in w {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => shape_gaps(wv, av, &p, gaps),
                    None => gaps.push(format!("{p} missing")),
                }
            }
        }
        (Value::Array(w), Value::Array(a)) => {
            if let (Some(wf), Some(af)) = (w.first(), a.first()) {
                shape_gaps(wf, af, &format!("{path}[0]"), gaps);
            }
        }
        _ if kind(want) != kind(answer) => gaps.push(format!(
            "{path}: {} recorded, {} answered",
            kind(want),
            kind(answer)
        )),
        _ => {}
    }
}

/// The TY card/get capture, as a card of `card_type` with `id` (status approved, stock).
fn seed_answer(id: &str, card_type: &str) -> Value {
    let ty = recorded()
        .into_iter()
        .find(|r| r.file == "ty_card_get.response.json")
        .unwrap()
        .body;
    let mut inner = ty["card"]["groupon"].clone();
    inner["base_info"]["id"] = json!(id);
    let obj = inner.as_object_mut().unwrap();
    obj.remove("deal_detail");
    match card_type {
        "CASH" => {
            obj.insert("least_cost".into(), json!(0));
            obj.insert("reduce_cost".into(), json!(100));
        }
        _ => {
            obj.insert("deal_detail".into(), json!("deal_detail"));
        }
    }
    json!({"card": {"card_type": card_type, card_type.to_lowercase(): inner}})
}

/// Replaces every string equal to a key of `map` (recursively).
fn substitute(v: &mut Value, map: &BTreeMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(to) = map.get(s.as_str()) {
                *s = to.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| substitute(i, map)),
        Value::Object(m) => m.values_mut().for_each(|i| substitute(i, map)),
        _ => {}
    }
}

fn card_ids(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "card_id"
                    && let Some(id) = child.as_str()
                {
                    let t = if m.contains_key("cash") || v.get("cash").is_some() {
                        "CASH"
                    } else {
                        "GROUPON"
                    };
                    out.push((id.to_string(), t.to_string()));
                }
                card_ids(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| card_ids(i, out)),
        _ => {}
    }
}

async fn post_recorded(e: &Emu, endpoint: &str, body: &Value) -> Value {
    if endpoint == "/card/getcolors" {
        e.get(endpoint).await
    } else {
        e.post(endpoint, body.clone()).await
    }
}

#[tokio::test]
async fn the_emulator_answers_every_recorded_request_in_the_recorded_shape() {
    let all = recorded();
    let mut checked = Vec::new();
    for req in all.iter().filter(|r| r.kind == "request") {
        let Some(resp) = all
            .iter()
            .find(|r| r.kind == "response" && r.pair == req.pair)
        else {
            continue;
        };
        let emu = RunningEmulator::start(loopback(), EmulatorConfig::default())
            .await
            .unwrap();
        let mut ids = Vec::new();
        card_ids(&req.body, &mut ids);
        let answers: Vec<Value> = ids.iter().map(|(id, t)| seed_answer(id, t)).collect();
        emu.seed(&answers).unwrap();
        let e = connect(emu).await;
        let mut map = BTreeMap::new();
        // Images: WeChat only takes URLs uploadimg returned (reference §6.5).
        let logo = e.logo().await;
        map.insert(
            "http://www.supadmin.cn/uploads/allimg/120216/1_120216214725_1.jpg".to_string(),
            logo.clone(),
        );
        // Codes: the recorded code becomes one the emulator issued to a user.
        for key in ["code", "encrypt_code"] {
            if req.body.get(key).is_some() {
                let card = ids
                    .first()
                    .map(|(id, _)| id.clone())
                    .unwrap_or_else(|| "pSeededForCodes000000000001".to_string());
                if ids.is_empty() {
                    e.emu.seed(&[seed_answer(&card, "GROUPON")]).unwrap();
                }
                let (s, claimed) = e
                    .admin("claim", json!({"card_id": card, "openid": "o-recorded"}))
                    .await;
                assert_eq!(s, 200, "{}: {claimed}", req.file);
                map.insert(
                    req.body["code"].as_str().unwrap_or_default().to_string(),
                    claimed["code"].as_str().unwrap().to_string(),
                );
                if let Some(enc) = req.body.get("encrypt_code").and_then(Value::as_str) {
                    map.insert(
                        enc.to_string(),
                        claimed["encrypt_code"].as_str().unwrap().to_string(),
                    );
                }
            }
        }
        let mut body = req.body.clone();
        substitute(&mut body, &map);
        let answer = post_recorded(&e, &req.endpoint, &body).await;
        let mut gaps = Vec::new();
        shape_gaps(&resp.body, &answer, "", &mut gaps);
        assert!(
            gaps.is_empty(),
            "{} → {}: {gaps:?}\nanswer: {answer}",
            req.file,
            resp.file
        );
        checked.push(req.file.clone());
    }
    assert!(checked.len() >= 10, "{checked:?}");
}

#[tokio::test]
async fn a_card_the_emulator_creates_reads_back_in_the_shape_of_the_recorded_card_get() {
    let recorded = recorded()
        .into_iter()
        .find(|r| r.file == "ty_card_get.response.json")
        .unwrap()
        .body;
    let e = start().await;
    let mut inner = recorded["card"]["groupon"].clone();
    let base = inner["base_info"].as_object_mut().unwrap();
    for server_field in [
        "id",
        "status",
        "create_time",
        "update_time",
        "area_code_list",
    ] {
        base.remove(server_field);
    }
    base.insert("color".into(), json!("Color010"));
    base.insert("sku".into(), json!({"quantity": 500000}));
    base.insert("logo_url".into(), json!(e.logo().await));
    let id = e
        .create(json!({"card": {"card_type": "GROUPON", "groupon": inner}}))
        .await;
    let answer = e.post("/card/get", json!({"card_id": id})).await;
    let mut gaps = Vec::new();
    shape_gaps(&recorded, &answer, "", &mut gaps);
    assert!(gaps.is_empty(), "{gaps:?}\n{answer}");
}

#[tokio::test]
async fn the_recorded_errors_come_back_with_the_recorded_errcodes() {
    let e = start().await;
    let logo = e.logo().await;
    let errcode = |file: &str| {
        recorded()
            .into_iter()
            .find(|r| r.file == file)
            .unwrap()
            .body["errcode"]
            .as_i64()
            .unwrap()
    };
    // ty_create_41011: a create without a title names the missing field.
    let v = e
        .post(
            "/card/create",
            without(cash(&logo), "/card/cash/base_info", "title"),
        )
        .await;
    assert_eq!(v["errcode"], errcode("ty_create_41011.response.json"));
    assert!(v["errmsg"].as_str().unwrap().contains("title"), "{v}");
    // ty_code_get_40056: an unknown code.
    let v = e
        .post("/card/code/get", json!({"code": "801586007419"}))
        .await;
    assert_eq!(v["errcode"], errcode("ty_code_get_40056.response.json"));
    // ty_code_decrypt_40075: an encrypt_code the account never issued.
    let v = e
        .post(
            "/card/code/decrypt",
            json!({"encrypt_code": "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE"}),
        )
        .await;
    assert_eq!(v["errcode"], errcode("ty_code_decrypt_40075.response.json"));
    assert_eq!(
        v["errmsg"]
            .as_str()
            .unwrap()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>(),
        ["invalid", "encrypt", "code"]
    );
    // ty_code_consume_40099: consuming twice.
    let id = e.create(cash(&logo)).await;
    e.approve(&id).await;
    let (_, claimed) = e
        .admin("claim", json!({"card_id": id, "openid": "o-1"}))
        .await;
    let consume = json!({"code": claimed["code"]});
    assert_eq!(
        e.post("/card/code/consume", consume.clone()).await["errcode"],
        0
    );
    assert_eq!(
        e.post("/card/code/consume", consume).await["errcode"],
        errcode("ty_code_consume_40099.response.json")
    );
    // hgy_uploadimg_error: an image over 1 MB.
    let mut big = PNG.to_vec();
    big.resize(1024 * 1024 + 1, 0);
    assert_eq!(
        e.upload(&big, "big.png").await["errcode"],
        errcode("hgy_uploadimg_error.response.json")
    );
}

/// The card/get-shaped answer for a recorded request's card object.
fn as_card_get(card_type: &str, inner: &Value) -> Value {
    json!({"card": {"card_type": card_type, card_type.to_lowercase(): inner}})
}

#[test]
fn a_recorded_create_has_the_shape_cardform_sends_for_the_same_card() {
    let req = recorded()
        .into_iter()
        .find(|r| r.file == "hgy_create_groupon.request.json")
        .unwrap()
        .body;
    let card_type = req["card"]["card_type"].as_str().unwrap();
    let inner = &req["card"][card_type.to_lowercase()];
    let Observed::Exists(live) = normalise("recorded", &as_card_get(card_type, inner)).unwrap()
    else {
        panic!("the recorded card reads as gone");
    };
    let mut content: Canonical = (*live.content).clone();
    content.insert("card_type", json!(card_type));
    let sent = create_body(&content).unwrap();
    assert_eq!(sent["card_type"], req["card"]["card_type"]);
    let sent = Canonical::flatten(&sent[card_type.to_lowercase()]);
    let real = Canonical::flatten(inner);
    for (path, value) in sent.iter() {
        let recorded = real.get(path).unwrap_or_else(|| {
            panic!("cardform would send `{path}`, the real body has no such field")
        });
        if path != "base_info.date_info.type" {
            assert_eq!(recorded, value, "{path}");
        }
    }
    // What the real body has and cardform would not send: fields no rule covers.
    let dropped: Vec<&String> = real.keys().filter(|p| sent.get(p).is_none()).collect();
    for path in &dropped {
        assert!(
            rule_for(path).path.is_empty(),
            "cardform drops `{path}`, a field its rule table models"
        );
    }
}

#[test]
fn a_recorded_update_sends_only_fields_the_rule_table_lets_update_carry() {
    let req = recorded()
        .into_iter()
        .find(|r| r.file == "pgy_update_cash.request.json")
        .unwrap()
        .body;
    let obj = req.as_object().unwrap();
    let keys: Vec<&String> = obj.keys().filter(|k| *k != "card_id").collect();
    assert_eq!(keys, ["cash"], "one lower-case type key beside card_id");
    for (path, _) in Canonical::flatten(&obj["cash"]).iter() {
        let rule = rule_for(path);
        assert!(
            rule.class.updatable(),
            "WeChat took `{path}` in card/update, but the rule table row `{}` says {}",
            rule.path,
            rule.class.as_str()
        );
    }
}
