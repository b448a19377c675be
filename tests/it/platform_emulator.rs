//! Issue 23: `cardform emulator --platform-authorizers N` as a real process plays the
//! open platform: admin calls, one isolated world per authorizer, the call log naming
//! the authorizer (one component token per run, one authorizer token per account),
//! revocation and 48001 without the card permission set, a stale verify ticket, and
//! the shape of api_query_auth against a recorded answer (JQA).

use std::sync::Arc;
use std::time::Duration;

use cardform::wechat::{
    ClientConfig, ComponentCredentials, PlatformClient, RetryPolicy, Secret, TokenSource,
    WeChatClient,
};
use serde_json::{Value, json};

use crate::common::{Emulator, block_on};

const APPID: &str = "wxcomponent0000emu";
const SECRET: &str = "emulator-component-secret";
const CTOKEN: &str = "/cgi-bin/component/api_component_token";
const ATOKEN: &str = "/cgi-bin/component/api_authorizer_token";

/// A POST to a WeChat path of the emulator; `query` is appended as is.
fn post(emu: &Emulator, path_and_query: &str, body: Value) -> Value {
    block_on(async {
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

fn component_token(emu: &Emulator, ticket: &str) -> Value {
    post(
        emu,
        CTOKEN,
        json!({"component_appid": APPID, "component_appsecret": SECRET, "component_verify_ticket": ticket}),
    )
}

fn ticket(emu: &Emulator) -> String {
    emu.admin("GET", "/__emulator/platform/ticket", None)["verify_ticket"]
        .as_str()
        .expect("verify_ticket")
        .to_string()
}

fn authorizer_token(emu: &Emulator, ctoken: &str, appid: &str, refresh: &str) -> Value {
    post(
        emu,
        &format!("{ATOKEN}?component_access_token={ctoken}"),
        json!({"component_appid": APPID, "authorizer_appid": appid, "authorizer_refresh_token": refresh}),
    )
}

fn batchget(emu: &Emulator, token: &str) -> Value {
    post(
        emu,
        &format!("/card/batchget?access_token={token}"),
        json!({"offset": 0, "count": 50}),
    )
}

fn calls(emu: &Emulator) -> Vec<Value> {
    emu.admin("GET", "/__emulator/calls", None)["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn count(calls: &[Value], path: &str, authorizer: Option<&str>) -> usize {
    calls
        .iter()
        .filter(|c| c["path"] == path && c["authorizer"].as_str() == authorizer)
        .count()
}

#[test]
fn the_platform_process_serves_isolated_authorizers_and_logs_who_each_call_was_for() {
    let emu = Emulator::start(&["--platform-authorizers", "3"]);
    let platform = emu.admin("GET", "/__emulator/platform", None);
    assert_eq!(platform["component_appid"], APPID);
    let auths = platform["authorizers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(auths.len(), 3, "{platform}");
    assert!(auths.iter().all(|a| a["card_permission"] == true));
    assert_eq!(
        platform["verify_ticket"].as_str(),
        Some(ticket(&emu).as_str())
    );

    let ct = component_token(&emu, &ticket(&emu));
    let ctoken = ct["component_access_token"]
        .as_str()
        .expect("component token");
    assert_eq!(ct["expires_in"], 7200);
    let list = post(
        &emu,
        &format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={ctoken}"),
        json!({"component_appid": APPID, "offset": 0, "count": 500}),
    );
    assert_eq!(list["total_count"], 3, "{list}");
    // The newer docs pass the component token as ?access_token=; 501 is refused.
    let too_many = post(
        &emu,
        &format!("/cgi-bin/component/api_get_authorizer_list?access_token={ctoken}"),
        json!({"component_appid": APPID, "offset": 0, "count": 501}),
    );
    assert_eq!(too_many["errcode"], 40170, "{too_many}");

    // A card seeded into the second authorizer's world, a review there by appid.
    let second = auths[1]["appid"].as_str().expect("appid");
    let card: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/wechat/recorded/ty_card_get.response.json")
            .expect("recorded card/get"),
    )
    .expect("json");
    let seeded = emu.admin(
        "POST",
        &format!("/__emulator/seed?authorizer_appid={second}"),
        Some(card),
    );
    let card_id = seeded["card_ids"][0].as_str().expect("seeded").to_string();
    let review = emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card_id, "result": "pass", "authorizer_appid": second})),
    );
    assert_eq!(review["status"], "CARD_STATUS_VERIFY_OK", "{review}");
    // The main account (wxsandbox) does not have it.
    assert!(
        emu.admin(
            "POST",
            "/__emulator/review",
            Some(json!({"card_id": card_id, "result": "pass"}))
        )["error"]
            .is_string()
    );
    let unknown = emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card_id, "result": "pass", "authorizer_appid": "wxnobody"})),
    );
    assert!(
        unknown["error"]
            .as_str()
            .unwrap_or_default()
            .contains("wxnobody"),
        "{unknown}"
    );

    for (i, a) in list["list"].as_array().expect("list").iter().enumerate() {
        let appid = a["authorizer_appid"].as_str().expect("appid");
        let t = authorizer_token(
            &emu,
            ctoken,
            appid,
            a["refresh_token"].as_str().expect("refresh"),
        );
        let token = t["authorizer_access_token"]
            .as_str()
            .expect("authorizer token");
        assert_eq!(t["authorizer_refresh_token"], a["refresh_token"]);
        let got = batchget(&emu, token);
        let expected = if i == 1 { 1 } else { 0 };
        assert_eq!(got["total_num"], expected, "{appid}: {got}");
    }
    assert_eq!(
        emu.api("/card/batchget", json!({"offset": 0, "count": 50}))["total_num"],
        0
    );

    let log = calls(&emu);
    assert_eq!(count(&log, CTOKEN, None), 1);
    for a in &auths {
        let appid = a["appid"].as_str();
        assert_eq!(count(&log, ATOKEN, appid), 1, "{log:?}");
        assert_eq!(count(&log, "/card/batchget", appid), 1);
    }
    // The main account's call names no authorizer.
    assert_eq!(count(&log, "/card/batchget", None), 1);
}

#[test]
fn the_client_fetches_one_component_token_and_one_authorizer_token_per_account() {
    let emu = Emulator::start(&["--platform-authorizers", "3"]);
    let creds = ComponentCredentials {
        component_appid: APPID.into(),
        component_secret: Secret::new(SECRET),
        verify_ticket: Secret::new(ticket(&emu)),
    };
    block_on(async {
        let p = Arc::new(
            PlatformClient::new(&emu.url, creds, Duration::from_secs(5), RetryPolicy::fast())
                .expect("platform client"),
        );
        let list = p.authorizers().await.expect("list");
        let clients: Vec<WeChatClient> = list
            .iter()
            .map(|a| {
                let mut cfg =
                    ClientConfig::new(&emu.url, &a.authorizer_appid, TokenSource::default());
                cfg.retry = RetryPolicy::fast();
                WeChatClient::for_authorizer(cfg, p.clone(), a.refresh_token.clone())
                    .expect("client")
            })
            .collect();
        for _ in 0..3 {
            for r in futures::future::join_all(clients.iter().map(|c| c.list_all_card_ids())).await
            {
                assert_eq!(r.expect("batchget"), Vec::<String>::new());
            }
        }
        assert_eq!(p.component_fetches(), 1);
    });
    let log = calls(&emu);
    assert_eq!(count(&log, CTOKEN, None), 1);
    let auths = emu.admin("GET", "/__emulator/platform", None)["authorizers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for a in &auths {
        assert_eq!(count(&log, ATOKEN, a["appid"].as_str()), 1, "{log:?}");
        assert_eq!(count(&log, "/card/batchget", a["appid"].as_str()), 3);
    }
}

#[test]
fn revocation_missing_permission_quotas_and_a_stale_ticket_answer_wechats_errcodes() {
    let emu = Emulator::start(&["--platform-authorizers", "2", "--component-appid", APPID]);
    let auths = emu.admin("GET", "/__emulator/platform", None)["authorizers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (a, b) = (&auths[0], &auths[1]);
    let (a_id, b_id) = (
        a["appid"].as_str().expect("a"),
        b["appid"].as_str().expect("b"),
    );
    let ctoken = component_token(&emu, &ticket(&emu))["component_access_token"]
        .as_str()
        .expect("component token")
        .to_string();

    // Without the card permission set: a token, and 48001 on card calls.
    let c = emu.admin(
        "POST",
        "/__emulator/platform/authorize",
        Some(json!({"card_permission": false})),
    );
    let t = authorizer_token(
        &emu,
        &ctoken,
        c["appid"].as_str().expect("appid"),
        c["refresh_token"].as_str().expect("r"),
    );
    let no_cards = t["authorizer_access_token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(batchget(&emu, &no_cards)["errcode"], 48001);

    // Quotas per authorizer: b's world runs out, a's does not.
    let set = emu.admin(
        "POST",
        &format!("/__emulator/quotas?authorizer_appid={b_id}"),
        Some(json!([{"path": "/card/batchget", "daily": 1}])),
    );
    assert!(set.get("error").is_none(), "{set}");
    let ta = authorizer_token(&emu, &ctoken, a_id, a["refresh_token"].as_str().expect("r"))["authorizer_access_token"]
        .as_str()
        .expect("a token")
        .to_string();
    let tb = authorizer_token(&emu, &ctoken, b_id, b["refresh_token"].as_str().expect("r"))["authorizer_access_token"]
        .as_str()
        .expect("b token")
        .to_string();
    assert_eq!(batchget(&emu, &tb)["errcode"], 0);
    assert_eq!(batchget(&emu, &tb)["errcode"], 45009);
    assert_eq!(batchget(&emu, &ta)["errcode"], 0);
    assert_eq!(batchget(&emu, &ta)["errcode"], 0);

    // Revocation: the token stops working (40001), the refresh token and info 61003,
    // the list no longer shows it.
    let r = emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": a_id})),
    );
    assert_eq!(r["revoked"], true);
    assert_eq!(batchget(&emu, &ta)["errcode"], 40001);
    assert_eq!(
        authorizer_token(&emu, &ctoken, a_id, a["refresh_token"].as_str().expect("r"))["errcode"],
        61003
    );
    let info = post(
        &emu,
        &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={ctoken}"),
        json!({"component_appid": APPID, "authorizer_appid": a_id}),
    );
    assert_eq!(info["errcode"], 61003, "{info}");
    // A wrong refresh token: 61023.
    assert_eq!(
        authorizer_token(&emu, &ctoken, b_id, "refreshtoken@@@wrong")["errcode"],
        61023
    );
    let log = calls(&emu);
    assert!(
        count(&log, ATOKEN, Some(a_id)) >= 2,
        "refused token calls name the authorizer"
    );

    // The clock is the emulator's: 12 hours on, the ticket is stale (61005); a new
    // push works, and the old ticket is then refused as not current (61006).
    let old = ticket(&emu);
    emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({"advance_secs": 12 * 3600})),
    );
    assert_eq!(component_token(&emu, &old)["errcode"], 61005);
    let fresh = emu.admin("POST", "/__emulator/platform/ticket", None)["verify_ticket"]
        .as_str()
        .expect("new ticket")
        .to_string();
    assert!(component_token(&emu, &fresh)["component_access_token"].is_string());
    assert_eq!(component_token(&emu, &old)["errcode"], 61006);
    let wrong_secret = post(
        &emu,
        CTOKEN,
        json!({"component_appid": APPID, "component_appsecret": "nope", "component_verify_ticket": fresh}),
    );
    assert_eq!(wrong_secret["errcode"], 40125);
}

#[test]
fn the_component_token_endpoint_takes_a_quota_like_any_path() {
    let emu = Emulator::start(&[
        "--platform-authorizers",
        "1",
        "--quota",
        "/cgi-bin/component/api_component_token=1",
    ]);
    let t = ticket(&emu);
    assert!(component_token(&emu, &t)["component_access_token"].is_string());
    assert_eq!(component_token(&emu, &t)["errcode"], 45009);
}

#[test]
fn query_auth_answers_in_the_recorded_shape_and_a_code_works_once() {
    let emu = Emulator::start(&["--platform-authorizers", "0"]);
    let ctoken = component_token(&emu, &ticket(&emu))["component_access_token"]
        .as_str()
        .expect("component token")
        .to_string();
    let auth = emu.admin("POST", "/__emulator/platform/authorize", Some(json!({})));
    let code = auth["authorization_code"].as_str().expect("code");
    let path = format!("/cgi-bin/component/api_query_auth?component_access_token={ctoken}");
    let answer = post(
        &emu,
        &path,
        json!({"component_appid": APPID, "authorization_code": code}),
    );
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/wechat/recorded/jqa_api_query_auth.response.json")
            .expect("recorded"),
    )
    .expect("json");
    let want = recorded["authorization_info"].as_object().expect("object");
    let got = &answer["authorization_info"];
    for (key, value) in want {
        let kind = |v: &Value| match v {
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            _ => "other",
        };
        assert_eq!(kind(&got[key]), kind(value), "{key}: {answer}");
    }
    assert_eq!(got["authorizer_appid"], auth["appid"]);
    assert!(
        got["func_info"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["funcscope_category"]["id"] == 8))
    );
    let token = got["authorizer_access_token"].as_str().expect("token");
    assert_eq!(batchget(&emu, token)["errcode"], 0);
    let again = post(
        &emu,
        &path,
        json!({"component_appid": APPID, "authorization_code": code}),
    );
    assert_eq!(again["errcode"], 61009, "{again}");
    assert_eq!(
        count(
            &calls(&emu),
            "/cgi-bin/component/api_query_auth",
            auth["appid"].as_str()
        ),
        1
    );
}
