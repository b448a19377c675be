//! The client over HTTP against the in-test mock: tokens, retries, outcome-unknown,
//! envelopes and redaction.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::client::{ClientConfig, WeChatClient};
use super::error::{ApiError, TransportKind};
use super::mock::{Mock, Reply, hang_up_server, test_config};
use super::retry::RetryPolicy;
use super::token_source::TokenSource;

const CARD: &str = "pFS7Fjg8kV1IdDz01r4SQwMkuCKc";

fn card_answer() -> Value {
    json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "CASH", "cash": {"base_info": {"id": CARD, "title": "卡券"}}}})
}

fn err(code: i64, msg: &str) -> Reply {
    Reply::Json(json!({"errcode": code, "errmsg": msg}))
}

fn command_token_config(base_url: &str) -> ClientConfig {
    ClientConfig {
        token: TokenSource::Command {
            command: vec!["echo".into(), "tok-raw".into()],
        },
        explicit_secret: None,
        ..test_config(base_url, "unused")
    }
}

#[tokio::test]
async fn token_is_cached_across_calls() {
    let mock = Mock::start("tok").await;
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let client = mock.client("s3cret");
    for _ in 0..5 {
        assert!(client.get_card(CARD).await.is_ok());
    }
    assert_eq!(mock.tokens_issued(), 1);
    assert_eq!(client.token_fetches(), 1);
    assert_eq!(client.calls_made(), 6);
    // The token went in the query string, the secret in the token request body only.
    let calls = mock.calls();
    assert!(
        calls
            .iter()
            .filter(|c| c.path == "/card/get")
            .all(|c| c.query == "access_token=tok-1")
    );
    let token_body = String::from_utf8_lossy(&calls[0].body).to_string();
    assert!(token_body.contains("\"secret\":\"s3cret\""), "{token_body}");
}

#[tokio::test]
async fn expired_token_is_refreshed_once_for_many_failing_calls() {
    let mock = Mock::start("tok").await;
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let client = Arc::new(mock.client("s"));
    assert!(client.get_card(CARD).await.is_ok());
    mock.expire_token();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.get_card(CARD).await })
        })
        .collect();
    for t in tasks {
        let r = t.await.map_err(|e| e.to_string());
        assert!(matches!(r, Ok(Ok(_))), "{r:?}");
    }
    // One initial fetch + exactly one refresh.
    assert_eq!(mock.tokens_issued(), 2);
}

#[tokio::test]
async fn invalid_credential_refreshes_once_then_reports() {
    let mock = Mock::start("tok").await;
    mock.script(
        "/card/get",
        vec![
            err(
                40001,
                "invalid credential, access_token is invalid or not latest rid: 9",
            ),
            Reply::Json(card_answer()),
        ],
    );
    let client = mock.client("s");
    assert!(client.get_card(CARD).await.is_ok());
    assert_eq!(mock.tokens_issued(), 2);

    // Still refused after the refresh: reported, not looped.
    mock.script(
        "/card/get",
        vec![
            err(40001, "invalid credential"),
            err(40001, "invalid credential"),
        ],
    );
    let e = client.get_card(CARD).await.err();
    assert_eq!(e.as_ref().and_then(ApiError::errcode), Some(40001));
    assert_eq!(mock.tokens_issued(), 3);
    let shown = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(shown.contains("AppSecret"), "{shown}");
}

#[tokio::test]
async fn transient_errors_are_retried_with_backoff_then_succeed() {
    let mock = Mock::start("tok").await;
    mock.script(
        "/card/get",
        vec![
            err(-1, "system error"),
            err(45011, "api minute-quota reach limit"),
            Reply::Status(502),
            Reply::Json(card_answer()),
        ],
    );
    let client = mock.client("s");
    let v = client.get_card(CARD).await.map_err(|e| e.to_string());
    assert!(v.is_ok(), "{v:?}");
    assert_eq!(mock.count("/card/get"), 4);
}

#[tokio::test]
async fn retries_are_bounded() {
    let mock = Mock::start("tok").await;
    mock.default_reply("/card/get", err(-1, "system error"));
    let mut cfg = mock.config("s");
    cfg.retry = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::fast()
    };
    let client = WeChatClient::new(cfg).expect("client");
    match client.get_card(CARD).await {
        Err(
            e @ ApiError::WeChat {
                code: -1,
                attempts: 3,
                ..
            },
        ) => assert!(e.to_string().contains("after 3 attempts"), "{e}"),
        other => panic!("expected -1 after 3 attempts, got {other:?}"),
    }
    assert_eq!(mock.count("/card/get"), 3);
}

#[tokio::test]
async fn daily_quota_stops_without_retry() {
    let mock = Mock::start("tok").await;
    mock.default_reply(
        "/card/create",
        err(45009, "reach max api daily quota limit hint: [x]"),
    );
    let client = mock.client("s");
    let e = client
        .create_card(&json!({"card_type": "CASH"}))
        .await
        .err();
    assert!(matches!(e, Some(ApiError::QuotaExhausted { .. })), "{e:?}");
    assert!(e.as_ref().is_some_and(ApiError::stops_run));
    assert_eq!(mock.count("/card/create"), 1);
}

#[tokio::test]
async fn create_dropped_mid_answer_is_outcome_unknown_and_not_repeated() {
    let mock = Mock::start("tok").await;
    mock.script("/card/create", vec![Reply::DropMidBody]);
    mock.default_reply(
        "/card/create",
        Reply::Json(json!({"errcode": 0, "card_id": "p-second"})),
    );
    let client = mock.client("s");
    let e = client
        .create_card(&json!({"card_type": "CASH"}))
        .await
        .err();
    assert!(matches!(e, Some(ApiError::OutcomeUnknown { .. })), "{e:?}");
    assert_eq!(
        mock.count("/card/create"),
        1,
        "a second create reached the server"
    );
}

#[tokio::test]
async fn create_hung_up_before_any_answer_is_outcome_unknown() {
    let (base, seen) = hang_up_server().await;
    let client = WeChatClient::new(command_token_config(&base)).expect("client");
    let e = client
        .create_card(&json!({"card_type": "CASH"}))
        .await
        .err();
    assert!(matches!(e, Some(ApiError::OutcomeUnknown { .. })), "{e:?}");
    let n = seen.lock().map(|s| s.len()).unwrap_or(0);
    assert_eq!(n, 1, "create reached the server {n} times");
}

#[tokio::test]
async fn create_timeout_and_5xx_are_outcome_unknown_but_errcodes_retry() {
    let mock = Mock::start("tok").await;
    let mut cfg = mock.config("s");
    cfg.timeout = Duration::from_millis(300);
    let client = WeChatClient::new(cfg).expect("client");
    mock.script(
        "/card/create",
        vec![Reply::Delay(
            Duration::from_secs(3),
            Box::new(Reply::Json(json!({"card_id": "late"}))),
        )],
    );
    let e = client.create_card(&json!({})).await.err();
    assert!(matches!(e, Some(ApiError::OutcomeUnknown { .. })), "{e:?}");
    assert_eq!(mock.count("/card/create"), 1);

    mock.script("/card/create", vec![Reply::Status(500)]);
    let e = client.create_card(&json!({})).await.err();
    assert!(matches!(e, Some(ApiError::OutcomeUnknown { .. })), "{e:?}");
    assert_eq!(mock.count("/card/create"), 2);

    // WeChat answered -1: nothing was created, so a retry is safe.
    mock.script(
        "/card/create",
        vec![
            err(-1, "system error"),
            Reply::Json(json!({"errcode": 0, "card_id": "p-new"})),
        ],
    );
    let id = client
        .create_card(&json!({}))
        .await
        .map_err(|e| e.to_string());
    assert_eq!(id, Ok("p-new".to_string()));
    assert_eq!(mock.count("/card/create"), 4);
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_create() {
    // A port nobody listens on: the request is never sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(1);
    drop(listener);
    let mut cfg = command_token_config(&format!("http://127.0.0.1:{port}"));
    cfg.retry = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::fast()
    };
    let client = WeChatClient::new(cfg).expect("client");
    match client.create_card(&json!({})).await {
        Err(ApiError::Transport {
            kind: TransportKind::Connect,
            attempts: 3,
            ..
        }) => {}
        other => panic!("expected a connect error after 3 attempts, got {other:?}"),
    }
    assert_eq!(client.calls_made(), 3);
}

#[tokio::test]
async fn idempotent_get_is_retried_after_a_dropped_connection_and_a_timeout() {
    let mock = Mock::start("tok").await;
    let mut cfg = mock.config("s");
    cfg.timeout = Duration::from_millis(300);
    let client = WeChatClient::new(cfg).expect("client");
    mock.script(
        "/card/get",
        vec![
            Reply::DropMidBody,
            Reply::Delay(Duration::from_secs(3), Box::new(Reply::Json(card_answer()))),
            Reply::Json(card_answer()),
        ],
    );
    let v = client.get_card(CARD).await.map_err(|e| e.to_string());
    assert!(v.is_ok(), "{v:?}");
    assert_eq!(mock.count("/card/get"), 3);
}

#[tokio::test]
async fn idempotent_get_is_retried_after_a_hang_up() {
    let (base, seen) = hang_up_server().await;
    let mut cfg = command_token_config(&base);
    cfg.retry = RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::fast()
    };
    let client = WeChatClient::new(cfg).expect("client");
    let e = client.get_card(CARD).await.err();
    assert!(
        matches!(e, Some(ApiError::Transport { attempts: 2, .. })),
        "{e:?}"
    );
    assert_eq!(seen.lock().map(|s| s.len()).unwrap_or(0), 2);
}

#[tokio::test]
async fn envelope_variants() {
    let mock = Mock::start("tok").await;
    let client = mock.client("s");
    // errcode as a string.
    mock.script(
        "/card/get",
        vec![Reply::Json(
            json!({"errcode": "0", "errmsg": "ok", "card": {}}),
        )],
    );
    assert!(client.get_card(CARD).await.is_ok());
    mock.script(
        "/card/get",
        vec![Reply::Json(
            json!({"errcode": "40073", "errmsg": "invalid card id hint: [Xy1] rid: 5"}),
        )],
    );
    match client.get_card(CARD).await {
        Err(ApiError::WeChat {
            code: 40073,
            errmsg,
            raw_errmsg,
            ..
        }) => {
            assert_eq!(errmsg, "invalid card id");
            assert!(raw_errmsg.ends_with("rid: 5"));
        }
        other => panic!("{other:?}"),
    }
    // Missing errcode = success (uploadimg), multipart field `buffer`.
    mock.script(
        "/cgi-bin/media/uploadimg",
        vec![Reply::Json(
            json!({"url": "http://mmbiz.qpic.cn/mmbiz/abc/0"}),
        )],
    );
    let url = client
        .upload_image(vec![0xFF, 0xD8, 0xFF], "logo.jpg")
        .await
        .map_err(|e| e.to_string());
    assert_eq!(url, Ok("http://mmbiz.qpic.cn/mmbiz/abc/0".to_string()));
    let upload = mock
        .calls()
        .into_iter()
        .rfind(|c| c.path == "/cgi-bin/media/uploadimg");
    let body = upload
        .map(|c| String::from_utf8_lossy(&c.body).to_string())
        .unwrap_or_default();
    assert!(
        body.contains("name=\"buffer\"") && body.contains("filename=\"logo.jpg\""),
        "{body}"
    );
    // Not JSON: malformed for a read, outcome unknown for a create.
    mock.script("/card/get", vec![Reply::Status(200)]);
    assert!(matches!(
        client.get_card(CARD).await,
        Err(ApiError::Malformed { .. })
    ));
    mock.script("/card/create", vec![Reply::Status(200)]);
    assert!(matches!(
        client.create_card(&json!({})).await,
        Err(ApiError::OutcomeUnknown { .. })
    ));
    // A permanent errcode is not retried.
    mock.script("/card/update", vec![err(47001, "data format error")]);
    let before = mock.count("/card/update");
    assert_eq!(
        client
            .update_card(CARD, "CASH", &json!({}))
            .await
            .err()
            .and_then(|e| e.errcode()),
        Some(47001)
    );
    assert_eq!(mock.count("/card/update"), before + 1);
}

#[tokio::test]
async fn endpoints_send_the_documented_bodies() {
    let mock = Mock::start("tok").await;
    let client = mock.client("s");
    mock.script(
        "/card/create",
        vec![Reply::Json(
            json!({"errcode": 0, "errmsg": "ok", "card_id": "p1"}),
        )],
    );
    let card = json!({"card_type": "CASH", "cash": {"base_info": {"title": "满100减10元", "notice": "请出示二维码"}}});
    assert_eq!(client.create_card(&card).await.ok().as_deref(), Some("p1"));
    mock.script(
        "/card/update",
        vec![Reply::Json(json!({"errcode": 0, "send_check": true}))],
    );
    assert_eq!(
        client
            .update_card("p1", "CASH", &json!({"base_info": {"notice": "新"}}))
            .await
            .ok(),
        Some(true)
    );
    assert!(client.modify_stock("p1", 0).await.is_ok());
    assert!(client.modify_stock("p1", -5).await.is_ok());
    assert!(client.modify_stock("p1", 7).await.is_ok());
    assert!(client.delete_card("p1").await.is_ok());
    mock.script(
        "/card/getcolors",
        vec![Reply::Json(
            json!({"errcode": 0, "colors": [{"name": "Color010", "value": "#63b359"}]}),
        )],
    );
    assert_eq!(
        client.get_colors().await.ok(),
        Some(vec![("Color010".to_string(), "#63b359".to_string())])
    );

    let bodies: HashMap<String, Vec<String>> =
        mock.calls().into_iter().fold(HashMap::new(), |mut m, c| {
            m.entry(c.path)
                .or_default()
                .push(String::from_utf8_lossy(&c.body).to_string());
            m
        });
    let create = &bodies["/card/create"][0];
    assert!(
        create.contains("满100减10元") && !create.contains("\\u"),
        "non-ASCII must be sent as UTF-8: {create}"
    );
    assert!(
        create.starts_with("{\"card\":{\"card_type\":\"CASH\""),
        "{create}"
    );
    let update: Value = serde_json::from_str(&bodies["/card/update"][0]).unwrap_or_default();
    assert_eq!(
        update,
        json!({"card_id": "p1", "cash": {"base_info": {"notice": "新"}}})
    );
    let stock: Vec<Value> = bodies["/card/modifystock"]
        .iter()
        .map(|b| serde_json::from_str(b).unwrap_or_default())
        .collect();
    assert_eq!(
        stock,
        vec![
            json!({"card_id": "p1", "reduce_stock_value": 5}),
            json!({"card_id": "p1", "increase_stock_value": 7})
        ]
    );
    assert_eq!(
        bodies["/card/delete"],
        vec![r#"{"card_id":"p1"}"#.to_string()]
    );
}

#[tokio::test]
async fn list_all_pages_by_fifty() {
    let mock = Mock::start("tok").await;
    let ids: Vec<String> = (0..120).map(|i| format!("p{i:03}")).collect();
    let pages: Vec<Reply> = ids
        .chunks(50)
        .map(|c| Reply::Json(json!({"errcode": 0, "card_id_list": c, "total_num": 120})))
        .collect();
    mock.script("/card/batchget", pages);
    let client = mock.client("s");
    let got = client.list_all_card_ids().await.map_err(|e| e.to_string());
    assert_eq!(got, Ok(ids));
    let offsets: Vec<Value> = mock
        .calls()
        .into_iter()
        .filter(|c| c.path == "/card/batchget")
        .map(|c| serde_json::from_slice(&c.body).unwrap_or_default())
        .collect();
    assert_eq!(
        offsets,
        vec![
            json!({"offset": 0, "count": 50}),
            json!({"offset": 50, "count": 50}),
            json!({"offset": 100, "count": 50})
        ]
    );

    // A server that keeps answering the same page ends the loop instead of spinning.
    mock.default_reply(
        "/card/batchget",
        Reply::Json(json!({"errcode": 0, "card_id_list": ["a", "b"], "total_num": 1000000})),
    );
    let got = client.list_all_card_ids().await.map_err(|e| e.to_string());
    assert_eq!(got, Ok(vec!["a".to_string(), "b".to_string()]));

    mock.script(
        "/card/batchget",
        vec![Reply::Json(
            json!({"errcode": 0, "card_id_list": ["a"], "total_num": 1}),
        )],
    );
    let page = client
        .batchget(0, 500, Some(&["CARD_STATUS_VERIFY_OK"]))
        .await
        .map_err(|e| e.to_string());
    assert_eq!(page.map(|p| p.total_num), Ok(1));
    let last = mock
        .calls()
        .into_iter()
        .rfind(|c| c.path == "/card/batchget")
        .map(|c| c.body);
    let last: Value = last
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    assert_eq!(
        last,
        json!({"offset": 0, "count": 50, "status_list": ["CARD_STATUS_VERIFY_OK"]})
    );
}

#[tokio::test]
async fn classic_and_component_token_flows() {
    let mock = Mock::start("tok").await;
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let cfg = ClientConfig {
        token: TokenSource::Classic {
            secret_env: "MY_SECRET".into(),
        },
        explicit_secret: None,
        ..mock.config("unused")
    };
    let env = |k: &str| (k == "MY_SECRET").then(|| "classic-secret".to_string());
    let client = WeChatClient::with_env(cfg, &env).expect("client");
    assert!(client.get_card(CARD).await.is_ok());
    let first = mock
        .calls()
        .into_iter()
        .next()
        .map(|c| (c.path, c.query))
        .unwrap_or_default();
    assert_eq!(first.0, "/cgi-bin/token");
    assert!(
        first.1.contains("secret=classic-secret") && first.1.contains("appid=wxtest"),
        "{}",
        first.1
    );

    let mock = Mock::start("atok").await;
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let cfg = ClientConfig {
        token: TokenSource::Component {
            component_appid: "wxcomp".into(),
            component_secret_env: "C_SECRET".into(),
            verify_ticket_env: "C_TICKET".into(),
            refresh_token_env: "C_REFRESH".into(),
        },
        explicit_secret: None,
        ..mock.config("unused")
    };
    let vars: HashMap<&str, &str> = [
        ("C_SECRET", "csecret"),
        ("C_TICKET", "ticket"),
        ("C_REFRESH", "refresh-1"),
    ]
    .into();
    let env = |k: &str| vars.get(k).map(|v| v.to_string());
    let client = WeChatClient::with_env(cfg, &env).expect("client");
    assert!(client.get_card(CARD).await.is_ok());
    mock.expire_token();
    assert!(client.get_card(CARD).await.is_ok());
    let calls = mock.calls();
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "/cgi-bin/component/api_component_token",
            "/cgi-bin/component/api_authorizer_token",
            "/card/get",
            "/card/get",
            "/cgi-bin/component/api_authorizer_token",
            "/card/get",
        ]
    );
    assert_eq!(calls[1].query, "component_access_token=ctok");
    let second: Value = serde_json::from_slice(&calls[4].body).unwrap_or_default();
    // The rotated refresh token is used for the next exchange.
    assert_eq!(second["authorizer_refresh_token"], "refresh-2");
    assert_eq!(second["authorizer_appid"], "wxtest");
    assert_eq!(calls[5].query, "access_token=atok-2");

    // A missing variable is named before any request.
    let cfg = ClientConfig {
        token: TokenSource::Env {
            env: "NOPE_TOKEN".into(),
        },
        explicit_secret: None,
        ..mock.config("unused")
    };
    match WeChatClient::with_env(cfg, &|_| None) {
        Err(ApiError::Config { message }) => assert!(message.contains("NOPE_TOKEN"), "{message}"),
        other => panic!("{other:?}"),
    }
}

/// Every error path, formatted with Display and Debug, never shows the canary secret or
/// token (guarantee 5).
#[tokio::test]
async fn secrets_and_tokens_never_appear_in_errors() {
    const SECRET: &str = "CANARYSECRET0123456789abcdef";
    let mock = Mock::start("CANARYTOKEN").await;
    let mut cfg = mock.config(SECRET);
    cfg.timeout = Duration::from_millis(300);
    cfg.retry = RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::fast()
    };
    let client = WeChatClient::new(cfg.clone()).expect("client");
    let mut shown = vec![format!("{client:?}"), format!("{cfg:?}")];
    let mut record = |e: Option<ApiError>| {
        if let Some(e) = e {
            shown.push(format!("{e}"));
            shown.push(format!("{e:?}"));
        }
    };
    mock.script("/card/get", vec![err(40073, "invalid card id")]);
    record(client.get_card(CARD).await.err());
    mock.script("/card/get", vec![Reply::DropMidBody, Reply::DropMidBody]);
    record(client.get_card(CARD).await.err());
    mock.script(
        "/card/get",
        vec![Reply::Delay(Duration::from_secs(2), Box::new(Reply::Status(200))); 2],
    );
    record(client.get_card(CARD).await.err());
    mock.script("/card/create", vec![Reply::DropMidBody]);
    record(client.create_card(&json!({})).await.err());
    mock.script("/card/get", vec![Reply::Status(200)]);
    record(client.get_card(CARD).await.err());
    mock.script("/card/get", vec![Reply::Status(404)]);
    record(client.get_card(CARD).await.err());
    // A malformed token answer that echoes the token and the secret.
    let fresh = WeChatClient::new(mock.config(SECRET)).expect("client");
    mock.script(
        "/cgi-bin/stable_token",
        vec![Reply::Json(
            json!({"access_token": "", "secret": SECRET, "token": "CANARYTOKEN-9"}),
        )],
    );
    record(fresh.get_card(CARD).await.err());
    // The classic token endpoint puts the secret in the URL; make it fail in transit.
    let (base, _) = hang_up_server().await;
    let classic = ClientConfig {
        token: TokenSource::Classic {
            secret_env: "X".into(),
        },
        ..test_config(&base, SECRET)
    };
    let classic = WeChatClient::new(classic).expect("client");
    record(classic.get_card(CARD).await.err());
    // And a card call whose URL holds the token, failing in transit.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(1);
    drop(listener);
    let dead = WeChatClient::new(ClientConfig {
        token: TokenSource::Command {
            command: vec!["echo".into(), "CANARYTOKEN-cmd".into()],
        },
        explicit_secret: None,
        ..test_config(&format!("http://127.0.0.1:{port}"), SECRET)
    })
    .expect("client");
    record(dead.get_card(CARD).await.err());

    assert!(shown.len() >= 18, "{} errors recorded", shown.len());
    for s in &shown {
        assert!(!s.contains("CANARYSECRET"), "secret leaked: {s}");
        assert!(!s.contains("CANARYTOKEN"), "token leaked: {s}");
    }
    // The transport errors did carry a (redacted) URL.
    assert!(
        shown.iter().any(|s| s.contains("access_token=***")),
        "{shown:#?}"
    );
    assert!(shown.iter().any(|s| s.contains("secret=***")), "{shown:#?}");
}

#[tokio::test]
async fn parallelism_bounds_requests_in_flight() {
    let mock = Mock::start("tok").await;
    mock.default_reply(
        "/card/get",
        Reply::Delay(
            Duration::from_millis(20),
            Box::new(Reply::Json(card_answer())),
        ),
    );
    let mut cfg = mock.config("s");
    cfg.parallelism = 2;
    let client = Arc::new(WeChatClient::new(cfg).expect("client"));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.get_card(CARD).await.is_ok() })
        })
        .collect();
    for t in tasks {
        assert!(matches!(t.await, Ok(true)));
    }
    assert_eq!(client.calls_made(), 9);
    assert_eq!(client.in_flight_peak(), 2);
}

/// A `MakeWriter` that appends every log line to a shared buffer.
#[derive(Clone, Default)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Every log line at every level, from cardform and its HTTP stack, during token
/// fetches, refreshes, retries and failures, is free of the canary secret and token.
#[tokio::test]
async fn logs_never_contain_secrets_or_tokens() {
    const SECRET: &str = "CANARYSECRET-log";
    let logs = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    // tracing caches callsite interest process-wide; a test on another thread without a
    // subscriber can pin a callsite to "never". A second, always-interested dispatcher
    // kept alive for the test plus a rebuild keeps every callsite live for this capture.
    let anchor = tracing::Dispatch::new(tracing_subscriber::registry());
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let mock = Mock::start("CANARYTOKEN").await;
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let client = mock.client(SECRET);
    assert!(client.get_card(CARD).await.is_ok());
    mock.expire_token();
    mock.script(
        "/card/get",
        vec![err(-1, "system error rid: 1"), Reply::DropMidBody],
    );
    assert!(client.get_card(CARD).await.is_ok());
    mock.script("/card/get", vec![err(40073, "invalid card id")]);
    assert!(client.get_card(CARD).await.is_err());
    let classic = ClientConfig {
        token: TokenSource::Classic {
            secret_env: "X".into(),
        },
        ..mock.config(SECRET)
    };
    let classic = WeChatClient::new(classic).expect("client");
    assert!(classic.get_card(CARD).await.is_ok());

    drop(anchor);
    let text = logs
        .0
        .lock()
        .map(|v| String::from_utf8_lossy(&v).to_string())
        .unwrap_or_default();
    assert!(text.contains("wechat request"), "nothing logged: {text}");
    for line in text.lines() {
        assert!(
            !line.contains("CANARYSECRET"),
            "secret in a log line: {line}"
        );
        assert!(!line.contains("CANARYTOKEN"), "token in a log line: {line}");
    }
}

/// Throughput of the client alone (mock answers instantly). A measurement, not an
/// assertion: `cargo test --lib wechat::tests::bench -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run by hand"]
async fn bench_thousand_gets() {
    let mock = Mock::start("tok").await;
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    for parallelism in [1usize, 4, 16, 64] {
        let mut cfg = mock.config("s");
        cfg.parallelism = parallelism;
        let client = Arc::new(WeChatClient::new(cfg).expect("client"));
        let start = std::time::Instant::now();
        let tasks: Vec<_> = (0..1000)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move { c.get_card(CARD).await.is_ok() })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            if matches!(t.await, Ok(true)) {
                ok += 1;
            }
        }
        println!(
            "parallelism {parallelism:>3}: 1000 card/get in {:?} ({ok} ok, {} HTTP requests, peak in flight {})",
            start.elapsed(),
            client.calls_made(),
            client.in_flight_peak()
        );
    }
}

/// A token outage: 20 concurrent card calls share one failed fetch (retried with
/// backoff once), later calls get the same error, and no card call is sent.
#[tokio::test]
async fn a_failed_token_fetch_is_shared_and_not_repeated() {
    let mock = Mock::start("tok").await;
    // More failures queued than one fetch may use: a second fetch would show.
    mock.script("/cgi-bin/stable_token", vec![Reply::Status(503); 100]);
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let client = Arc::new(mock.client("s"));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.get_card(CARD).await })
        })
        .collect();
    for call in calls {
        let e = call.await.expect("task").err();
        assert!(
            matches!(&e, Some(ApiError::TokenUnavailable { cause, .. })
                if matches!(**cause, ApiError::HttpStatus { status: 503, .. })),
            "{e:?}"
        );
        assert!(e.as_ref().is_some_and(ApiError::stops_run));
    }
    let attempts = RetryPolicy::fast().max_attempts as usize;
    assert_eq!(mock.count("/cgi-bin/stable_token"), attempts);
    assert!(client.get_card(CARD).await.is_err());
    assert_eq!(mock.count("/cgi-bin/stable_token"), attempts);
    assert_eq!(mock.count("/card/get"), 0);
    assert!(client.stopped().is_some());
}

/// After a 45009 nothing more is sent, on any endpoint.
#[tokio::test]
async fn nothing_is_sent_after_a_daily_quota_error() {
    let mock = Mock::start("tok").await;
    mock.script(
        "/card/get",
        vec![err(45009, "reach max api daily quota limit")],
    );
    mock.default_reply("/card/get", Reply::Json(card_answer()));
    let client = mock.client("s");
    let first = client.get_card(CARD).await.err();
    assert!(
        matches!(first, Some(ApiError::QuotaExhausted { .. })),
        "{first:?}"
    );
    for _ in 0..3 {
        let e = client.get_card(CARD).await.err();
        assert!(matches!(e, Some(ApiError::QuotaExhausted { .. })), "{e:?}");
    }
    assert!(client.delete_card(CARD).await.is_err());
    assert_eq!(mock.count("/card/get"), 1);
    assert_eq!(mock.count("/card/delete"), 0);
}
