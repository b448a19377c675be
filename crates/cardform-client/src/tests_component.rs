//! Issue 23: the platform client against the real emulator over loopback (one component
//! token for every authorizer, paging, a stale ticket, revocation, 48001), and against
//! the recorded open-platform bodies (JCS, PTX, RGZ, DOC-AL, COMM-AL in
//! `tests/fixtures/wechat/recorded/PROVENANCE.md`) and their odd shapes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cardform_emulator::{EmulatorConfig, PlatformSetup, RunningEmulator};
use cardform_spec::sandbox::{EMULATOR_COMPONENT_APPID, EMULATOR_COMPONENT_SECRET};
use serde_json::{Value, json};

use super::client::{ClientConfig, WeChatClient};
use super::component::{ComponentCredentials, PlatformClient};
use super::mock::{Mock, Reply};
use super::retry::RetryPolicy;
use super::secret::Secret;
use super::token_source::TokenSource;

const LIST: &str = "/cgi-bin/component/api_get_authorizer_list";
const CTOKEN: &str = "/cgi-bin/component/api_component_token";
const ATOKEN: &str = "/cgi-bin/component/api_authorizer_token";

async fn emulator(authorizers: usize) -> RunningEmulator {
    let config = EmulatorConfig {
        platform: Some(PlatformSetup {
            authorizers,
            ..PlatformSetup::default()
        }),
        ..EmulatorConfig::default()
    };
    RunningEmulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config)
        .await
        .expect("emulator starts")
}

async fn admin(emu: &RunningEmulator, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::new();
    let url = format!("{}/__emulator/{path}", emu.base_url());
    let req = match body {
        None => http.get(url),
        Some(b) => http.post(url).json(&b),
    };
    req.send()
        .await
        .expect("admin call")
        .json()
        .await
        .expect("admin json")
}

fn credentials(ticket: &str) -> ComponentCredentials {
    ComponentCredentials {
        component_appid: EMULATOR_COMPONENT_APPID.into(),
        component_secret: Secret::new(EMULATOR_COMPONENT_SECRET),
        verify_ticket: Secret::new(ticket),
    }
}

async fn platform(emu: &RunningEmulator) -> Arc<PlatformClient> {
    let ticket = admin(emu, "platform/ticket", None).await["verify_ticket"]
        .as_str()
        .expect("ticket")
        .to_string();
    Arc::new(
        PlatformClient::new(
            emu.base_url(),
            credentials(&ticket),
            Duration::from_secs(5),
            RetryPolicy::fast(),
        )
        .expect("platform client"),
    )
}

fn card_client(base: &str, appid: &str, p: &Arc<PlatformClient>, refresh: &Secret) -> WeChatClient {
    let mut cfg = ClientConfig::new(base, appid, TokenSource::default());
    cfg.retry = RetryPolicy::fast();
    WeChatClient::for_authorizer(cfg, p.clone(), refresh.clone()).expect("card client")
}

/// (path, authorizer) of every call the emulator logged.
async fn calls(emu: &RunningEmulator) -> Vec<(String, Option<String>)> {
    admin(emu, "calls", None).await["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .map(|c| {
            (
                c["path"].as_str().unwrap_or_default().to_string(),
                c["authorizer"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn recorded(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/wechat/recorded")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[tokio::test]
async fn one_component_token_serves_every_authorizer_and_each_has_its_own_world() {
    let emu = emulator(3).await;
    let p = platform(&emu).await;
    let list = p.authorizers().await.expect("authorizer list");
    assert_eq!(list.len(), 3);
    for a in &list {
        let info = p.authorizer_info(&a.authorizer_appid).await.expect("info");
        assert!(info.has_card_permission(), "{info:?}");
        assert_eq!(info.authorizer_appid, a.authorizer_appid);
        assert!(a.auth_time > 1_600_000_000);
    }
    // A card seeded into the first authorizer's world only.
    let first = &list[0].authorizer_appid;
    let seeded = admin(
        &emu,
        &format!("seed?authorizer_appid={first}"),
        Some(recorded("ty_card_get.response.json")),
    )
    .await;
    assert_eq!(
        seeded["card_ids"].as_array().map(Vec::len),
        Some(1),
        "{seeded}"
    );

    let clients: Vec<_> = list
        .iter()
        .map(|a| card_client(emu.base_url(), &a.authorizer_appid, &p, &a.refresh_token))
        .collect();
    // Every account in parallel, twice: one authorizer token each, reused.
    for _ in 0..2 {
        let got = futures::future::join_all(clients.iter().map(|c| c.list_all_card_ids())).await;
        let counts: Vec<usize> = got
            .into_iter()
            .map(|r| r.expect("batchget").len())
            .collect();
        assert_eq!(counts, vec![1, 0, 0]);
    }
    assert_eq!(p.component_fetches(), 1);
    let log = calls(&emu).await;
    assert_eq!(log.iter().filter(|(p, _)| p == CTOKEN).count(), 1);
    for a in &list {
        let id = Some(a.authorizer_appid.clone());
        assert_eq!(
            log.iter()
                .filter(|(p, who)| p == ATOKEN && *who == id)
                .count(),
            1,
            "{log:?}"
        );
        assert_eq!(
            log.iter()
                .filter(|(p, who)| p == "/card/batchget" && *who == id)
                .count(),
            2
        );
    }
}

#[tokio::test]
async fn the_list_is_read_in_pages_of_500() {
    let emu = emulator(1).await;
    let summary = emu
        .setup_platform(EMULATOR_COMPONENT_APPID, EMULATOR_COMPONENT_SECRET, 1001)
        .expect("platform");
    assert_eq!(summary["authorizers"].as_array().map(Vec::len), Some(1001));
    assert_eq!(emu.platform(), Some(summary));
    let p = platform(&emu).await;
    let list = p.authorizers().await.expect("list");
    assert_eq!(list.len(), 1001);
    let distinct: std::collections::BTreeSet<_> =
        list.iter().map(|a| a.authorizer_appid.clone()).collect();
    assert_eq!(distinct.len(), 1001);
    let log = calls(&emu).await;
    assert_eq!(log.iter().filter(|(p, _)| p == LIST).count(), 3);

    // All 1,001 accounts at once: one component token, one authorizer token each.
    let clients: Vec<_> = list
        .iter()
        .map(|a| card_client(emu.base_url(), &a.authorizer_appid, &p, &a.refresh_token))
        .collect();
    let got = futures::future::join_all(clients.iter().map(|c| c.list_all_card_ids())).await;
    assert!(got.iter().all(Result::is_ok));
    assert_eq!(p.component_fetches(), 1);
    let log = calls(&emu).await;
    assert_eq!(log.iter().filter(|(p, _)| p == ATOKEN).count(), 1001);
    let served: std::collections::BTreeSet<_> = log
        .iter()
        .filter(|(p, _)| p == "/card/batchget")
        .filter_map(|(_, who)| who.clone())
        .collect();
    assert_eq!(served, distinct);
}

#[tokio::test]
async fn a_stale_or_wrong_ticket_is_one_error_with_wechats_errcode() {
    let emu = emulator(1).await;
    let p = platform(&emu).await;
    admin(&emu, "clock", Some(json!({"advance_secs": 12 * 3600}))).await;
    let ticket = admin(&emu, "platform/ticket", None).await["verify_ticket"]
        .as_str()
        .expect("ticket")
        .to_string();
    let e = p.component_token().await.expect_err("stale ticket");
    assert_eq!(e.errcode(), Some(61005), "{e}");
    let again = p.authorizers().await.expect_err("kept for the run");
    assert_eq!(again.errcode(), Some(61005));
    let text = format!("{e} {e:?} {p:?}");
    assert!(!text.contains(&ticket), "{text}");
    assert!(!text.contains(EMULATOR_COMPONENT_SECRET), "{text}");
    assert_eq!(
        calls(&emu)
            .await
            .iter()
            .filter(|(p, _)| p == CTOKEN)
            .count(),
        1
    );

    // A ticket WeChat never pushed (or an old one): 61006.
    let wrong = PlatformClient::new(
        emu.base_url(),
        credentials("ticket@@@not-the-current-one"),
        Duration::from_secs(5),
        RetryPolicy::fast(),
    )
    .expect("client");
    assert_eq!(
        wrong
            .component_token()
            .await
            .err()
            .and_then(|e| e.errcode()),
        Some(61006)
    );
}

#[tokio::test]
async fn revoked_without_permission_and_bad_refresh_tokens_answer_wechats_errcodes() {
    let emu = emulator(2).await;
    let p = platform(&emu).await;
    let list = p.authorizers().await.expect("list");
    let (a, b) = (&list[0], &list[1]);

    // Without the card permission set: the token works, card calls answer 48001.
    let no_cards = admin(
        &emu,
        "platform/authorize",
        Some(json!({"card_permission": false})),
    )
    .await;
    let appid = no_cards["appid"].as_str().expect("appid");
    let info = p.authorizer_info(appid).await.expect("info");
    assert!(!info.has_card_permission());
    let refresh = Secret::new(no_cards["refresh_token"].as_str().expect("refresh"));
    let c = card_client(emu.base_url(), appid, &p, &refresh);
    let e = c.list_all_card_ids().await.expect_err("48001");
    assert_eq!(e.errcode(), Some(48001), "{e}");

    // Revoked after a first call: its token and refresh token stop working.
    let ca = card_client(emu.base_url(), &a.authorizer_appid, &p, &a.refresh_token);
    ca.list_all_card_ids().await.expect("before the revocation");
    let r = admin(
        &emu,
        "platform/revoke",
        Some(json!({"authorizer_appid": a.authorizer_appid})),
    )
    .await;
    assert_eq!(r["revoked"], true);
    let e = ca.list_all_card_ids().await.expect_err("revoked");
    assert_eq!(e.errcode(), Some(61003), "{e}");
    assert!(
        e.to_string().contains("authorises the platform again"),
        "{e}"
    );
    assert_eq!(
        p.authorizer_info(&a.authorizer_appid)
            .await
            .err()
            .and_then(|e| e.errcode()),
        Some(61003)
    );
    let left: Vec<_> = p
        .authorizers()
        .await
        .expect("list")
        .into_iter()
        .map(|x| x.authorizer_appid)
        .collect();
    assert!(!left.contains(&a.authorizer_appid), "{left:?}");

    // A refresh token that is not the authorizer's: 61023; an empty one is refused.
    let cb = card_client(
        emu.base_url(),
        &b.authorizer_appid,
        &p,
        &Secret::new("refreshtoken@@@nope"),
    );
    let e = cb.list_all_card_ids().await.expect_err("61023");
    assert_eq!(e.errcode(), Some(61023), "{e}");
    let mut cfg = ClientConfig::new(emu.base_url(), "wxb", TokenSource::default());
    cfg.retry = RetryPolicy::fast();
    assert!(WeChatClient::for_authorizer(cfg, p.clone(), Secret::new("")).is_err());
    // Still one component token for all of it.
    assert_eq!(p.component_fetches(), 1);
}

#[tokio::test]
async fn recorded_token_and_list_bodies_are_read() {
    for (file, lifetime) in [
        ("jcs_api_component_token.response.json", 7200),
        ("ptx_api_component_token.response.json", 1800),
    ] {
        let mock = Mock::start("t").await;
        mock.script(CTOKEN, vec![Reply::Json(recorded(file))]);
        mock.script(
            LIST,
            vec![
                Reply::Json(recorded("doc_api_get_authorizer_list.response.json")),
                Reply::Json(json!({"total_count": 33, "list": []})),
            ],
        );

        let p = PlatformClient::new(
            &mock.base_url,
            credentials("ticket@@@x"),
            Duration::from_secs(5),
            RetryPolicy::fast(),
        )
        .expect("client");
        assert_eq!(
            p.component_token().await.expect("token").expose(),
            "REDACTED",
            "{file} ({lifetime} s)"
        );
        let list = p.authorizers().await.expect("doc list");
        assert_eq!(list.len(), 2, "{file}");
        assert_eq!(list[1].authorizer_appid, "authorizer_appid_2");
        assert_eq!(list[1].refresh_token.expose(), "refresh_token_2");
        assert_eq!(list[0].auth_time, 1_558_000_607);
        // The page was short of total_count: asked for the rest, got none, stopped.
        assert_eq!(mock.count(LIST), 2);
        assert_eq!(mock.count(CTOKEN), 1);
        let body: Value = serde_json::from_slice(
            &mock
                .calls()
                .iter()
                .find(|c| c.path == LIST)
                .expect("list call")
                .body,
        )
        .expect("json body");
        assert_eq!(body["count"], 500);
        assert_eq!(body["offset"], 0);
    }

    let mock = Mock::start("t").await;
    mock.script(
        LIST,
        vec![Reply::Json(recorded(
            "comm_api_get_authorizer_list.response.json",
        ))],
    );
    mock.script(
        ATOKEN,
        vec![Reply::Json(recorded(
            "rgz_api_authorizer_token.response.json",
        ))],
    );
    let p = PlatformClient::new(
        &mock.base_url,
        credentials("ticket@@@x"),
        Duration::from_secs(5),
        RetryPolicy::fast(),
    )
    .expect("client");
    let list = p.authorizers().await.expect("community list");
    assert_eq!(list[0].authorizer_appid, "wx570bc396a51b8ff8");
    assert_eq!(list[0].auth_time, 1_607_344_864);
    let t = p
        .authorizer_token(&list[0].authorizer_appid, &list[0].refresh_token)
        .await
        .expect("recorded authorizer token");
    assert_eq!(t.access_token.expose(), "REDACTED");
    assert_eq!(t.expires_in, Duration::from_secs(7200));
    assert_eq!(
        t.refresh_token.map(|r| r.expose().to_string()).as_deref(),
        Some("REDACTED")
    );
    // The refresh token went in the body, the component token in the query only.
    let sent = mock
        .calls()
        .into_iter()
        .find(|c| c.path == ATOKEN)
        .expect("token call");
    assert!(
        sent.query.starts_with("component_access_token="),
        "{}",
        sent.query
    );
    assert!(String::from_utf8_lossy(&sent.body).contains("refreshtoken@@@REDACTED"));
}

#[tokio::test]
async fn odd_shapes_numbers_as_strings_and_missing_fields() {
    let mock = Mock::start("t").await;
    mock.script(
        CTOKEN,
        vec![Reply::Json(json!({"errcode": 0, "errmsg": "ok", "component_access_token": "c1", "expires_in": "7200"}))],
    );
    mock.script(
        LIST,
        vec![
            Reply::Json(json!({"total_count": "3", "list": [
                {"authorizer_appid": "wxa1", "refresh_token": "r1", "auth_time": "1607344864"},
                {"authorizer_appid": "wxa2", "refresh_token": "r2", "unknown": [1]}
            ]})),
            Reply::Json(json!({"total_count": 3, "list": [
                {"authorizer_appid": "wxa3", "refresh_token": "r3", "auth_time": 1}
            ]})),
        ],
    );
    let p = Arc::new(
        PlatformClient::new(
            &mock.base_url,
            credentials("ticket@@@x"),
            Duration::from_secs(5),
            RetryPolicy::fast(),
        )
        .expect("client"),
    );
    let list = p.authorizers().await.expect("list");
    let ids: Vec<_> = list.iter().map(|a| a.authorizer_appid.as_str()).collect();
    assert_eq!(ids, vec!["wxa1", "wxa2", "wxa3"]);
    assert_eq!((list[0].auth_time, list[1].auth_time), (1_607_344_864, 0));
    let second: Value = serde_json::from_slice(
        &mock
            .calls()
            .iter()
            .filter(|c| c.path == LIST)
            .nth(1)
            .expect("page 2")
            .body,
    )
    .expect("json");
    assert_eq!(second["offset"], 2);

    // A card call through the mock: the authorizer token (expires_in as a string,
    // no refresh token in the answer) is fetched once and carried as access_token.
    mock.script(
        ATOKEN,
        vec![Reply::Json(
            json!({"authorizer_access_token": "t-1", "expires_in": "7200"}),
        )],
    );
    let c = card_client(&mock.base_url, "wxa1", &p, &list[0].refresh_token);
    // The mock only accepts tokens it issued itself: 42001, then a refresh (the mock's
    // default answer), then success.
    c.get_colors().await.expect("colors");
    assert_eq!(mock.count(ATOKEN), 2);
    assert_eq!(p.component_fetches(), 1);

    // A list that never ends (the same page again and again): an error, not a loop.
    let page = json!({"total_count": 5, "list": [
        {"authorizer_appid": "wxa1", "refresh_token": "r1", "auth_time": 1},
        {"authorizer_appid": "wxa2", "refresh_token": "r2", "auth_time": 1}
    ]});
    mock.script(LIST, vec![Reply::Json(page.clone()), Reply::Json(page)]);
    let e = p.authorizers().await.expect_err("endless list");
    assert!(e.to_string().contains("repeats wxa1"), "{e}");

    // A list page that is not a list: an error that shows no refresh token.
    mock.script(
        LIST,
        vec![Reply::Json(
            json!({"total_count": 1, "list": [{"refresh_token": "secret-r"}]}),
        )],
    );
    let e = p.authorizers().await.expect_err("malformed");
    let text = format!("{e} {e:?}");
    assert!(!text.contains("secret-r"), "{text}");
}

#[test]
fn secrets_never_print() {
    let c = credentials("ticket@@@CANARY-T");
    let shown = format!("{c:?}");
    assert!(
        !shown.contains("CANARY-T") && !shown.contains(EMULATOR_COMPONENT_SECRET),
        "{shown}"
    );
    let e = super::component::AuthorizerEntry {
        authorizer_appid: "wxa".into(),
        refresh_token: Secret::new("refreshtoken@@@CANARY-R"),
        auth_time: 1,
    };
    assert!(!format!("{e:?}").contains("CANARY-R"));
    for key in ["refresh_token", "verify_ticket", "component_secret"] {
        let red = super::secret::redact_json_text(&format!(r#"{{"{key}":"CANARY-X"}}"#));
        assert!(!red.contains("CANARY-X"), "{key}: {red}");
    }
}

#[tokio::test]
async fn the_single_account_component_source_works_against_the_emulator() {
    // `[account.token] source = "component"` (one merchant, secrets from the
    // environment), until now only tested against the client's mock.
    let emu = emulator(1).await;
    let ticket = admin(&emu, "platform/ticket", None).await["verify_ticket"]
        .as_str()
        .expect("ticket")
        .to_string();
    let auth = admin(&emu, "platform", None).await["authorizers"][0].clone();
    let appid = auth["appid"].as_str().expect("appid").to_string();
    let refresh = auth["refresh_token"].as_str().expect("refresh").to_string();
    let source = TokenSource::Component {
        component_appid: EMULATOR_COMPONENT_APPID.into(),
        component_secret_env: "CS".into(),
        verify_ticket_env: "VT".into(),
        refresh_token_env: "RT".into(),
    };
    let mut cfg = ClientConfig::new(emu.base_url(), &appid, source);
    cfg.retry = RetryPolicy::fast();
    let env = |var: &str| match var {
        "CS" => Some(EMULATOR_COMPONENT_SECRET.to_string()),
        "VT" => Some(ticket.clone()),
        "RT" => Some(refresh.clone()),
        _ => None,
    };
    let c = WeChatClient::with_env(cfg, &env).expect("client");
    assert_eq!(
        c.list_all_card_ids().await.expect("batchget"),
        Vec::<String>::new()
    );
    let log = calls(&emu).await;
    assert_eq!(
        log.iter()
            .filter(|(p, who)| p == "/card/batchget" && who.as_deref() == Some(appid.as_str()))
            .count(),
        1
    );
}
