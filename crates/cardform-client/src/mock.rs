//! Test-only: a scriptable WeChat stand-in on 127.0.0.1:0 (axum), plus a raw TCP
//! server that reads a request and hangs up without answering.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use super::client::{ClientConfig, WeChatClient};
use super::retry::RetryPolicy;
use super::secret::Secret;
use super::token_source::TokenSource;

/// A scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    Json(Value),
    /// Any HTTP status with a short text body.
    Status(u16),
    /// 200 with headers sent, then the connection dies mid-body.
    DropMidBody,
    /// Wait, then answer.
    Delay(Duration, Box<Reply>),
}

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub query: String,
    pub body: Bytes,
}

#[derive(Default)]
struct MockState {
    scripts: HashMap<String, VecDeque<Reply>>,
    defaults: HashMap<String, Reply>,
    token_prefix: String,
    tokens_issued: u32,
    valid_token: Option<String>,
    calls: Vec<Call>,
}

/// The mock server; dropped with the test's runtime.
#[derive(Clone)]
pub struct Mock {
    pub base_url: String,
    state: Arc<Mutex<MockState>>,
}

impl Mock {
    /// Starts a mock whose stable_token/token endpoints issue `{prefix}-1`, `{prefix}-2`…
    pub async fn start(token_prefix: &str) -> Mock {
        let state = Arc::new(Mutex::new(MockState {
            token_prefix: token_prefix.to_string(),
            ..MockState::default()
        }));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Mock {
            base_url: format!("http://{addr}"),
            state,
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut MockState) -> R) -> R {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Queues answers for `path`, used before the default.
    pub fn script(&self, path: &str, replies: Vec<Reply>) {
        self.with(|s| {
            s.scripts
                .entry(path.to_string())
                .or_default()
                .extend(replies)
        });
    }

    /// The answer for `path` once the script is used up.
    pub fn default_reply(&self, path: &str, reply: Reply) {
        self.with(|s| s.defaults.insert(path.to_string(), reply));
    }

    /// Makes the current token stale (as if it expired): card calls get 42001 until a
    /// new token is fetched.
    pub fn expire_token(&self) {
        self.with(|s| s.valid_token = None);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.with(|s| s.calls.clone())
    }

    pub fn count(&self, path: &str) -> usize {
        self.with(|s| s.calls.iter().filter(|c| c.path == path).count())
    }

    pub fn tokens_issued(&self) -> u32 {
        self.with(|s| s.tokens_issued)
    }

    /// A client for this mock with stable_token, the given secret and fast retries.
    pub fn client(&self, secret: &str) -> WeChatClient {
        WeChatClient::new(self.config(secret)).expect("client builds")
    }

    pub fn config(&self, secret: &str) -> ClientConfig {
        test_config(&self.base_url, secret)
    }
}

/// Client settings for tests: stable_token with an explicit secret, fast retries.
pub fn test_config(base_url: &str, secret: &str) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_string(),
        appid: "wxtest".into(),
        token: TokenSource::default(),
        explicit_secret: Some(Secret::new(secret)),
        parallelism: 4,
        requests_per_second: None,
        timeout: Duration::from_secs(5),
        retry: RetryPolicy::fast(),
    }
}

fn token_answer(s: &mut MockState, key: &str) -> Reply {
    s.tokens_issued += 1;
    let token = format!("{}-{}", s.token_prefix, s.tokens_issued);
    s.valid_token = Some(token.clone());
    Reply::Json(json!({ key: token, "expires_in": 7200 }))
}

async fn handle(State(state): State<Arc<Mutex<MockState>>>, uri: Uri, body: Bytes) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    let reply = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.calls.push(Call {
            path: path.clone(),
            query: query.clone(),
            body,
        });
        let scripted = s.scripts.get_mut(&path).and_then(VecDeque::pop_front);
        match (scripted, path.as_str()) {
            (Some(r), _) => r,
            (None, "/cgi-bin/stable_token" | "/cgi-bin/token") => {
                token_answer(&mut s, "access_token")
            }
            (None, "/cgi-bin/component/api_component_token") => {
                Reply::Json(json!({ "component_access_token": "ctok", "expires_in": 7200 }))
            }
            (None, "/cgi-bin/component/api_authorizer_token") => {
                let mut r = token_answer(&mut s, "authorizer_access_token");
                if let Reply::Json(Value::Object(m)) = &mut r {
                    m.insert("authorizer_refresh_token".into(), json!("refresh-2"));
                }
                r
            }
            (None, _) => {
                let sent = query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("access_token="))
                    .map(str::to_string);
                if sent.is_none() || sent != s.valid_token {
                    Reply::Json(json!({"errcode": 42001, "errmsg": "access_token expired rid: 1"}))
                } else {
                    s.defaults
                        .get(&path)
                        .cloned()
                        .unwrap_or(Reply::Json(json!({"errcode": 0, "errmsg": "ok"})))
                }
            }
        }
    };
    respond(reply).await
}

async fn respond(reply: Reply) -> Response {
    let mut reply = reply;
    while let Reply::Delay(d, next) = reply {
        tokio::time::sleep(d).await;
        reply = *next;
    }
    match reply {
        Reply::Json(v) => axum::Json(v).into_response(),
        Reply::Status(code) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "mock status",
        )
            .into_response(),
        Reply::DropMidBody => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"errcode\":0,")),
                Err(std::io::Error::other("mock drops the connection")),
            ];
            Response::builder()
                .header("content-type", "application/json")
                .body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Reply::Delay(..) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A server that reads each request completely, counts it, and closes the connection
/// without a byte of answer. Returns its base URL and the request counter.
pub async fn hang_up_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read until the headers and the announced body are in.
                loop {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if request_complete(&buf) {
                        break;
                    }
                }
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(line) = text.lines().next() {
                    log.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(line.to_string());
                }
                drop(sock);
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn request_complete(buf: &[u8]) -> bool {
    let text = String::from_utf8_lossy(buf);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let len = text[..end]
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    buf.len() >= end + 4 + len
}
