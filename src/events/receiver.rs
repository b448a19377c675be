//! `cardform events serve`: WeChat's server URL. `GET /` is the URL check (echo
//! `echostr` when the signature matches); `POST /` is one pushed message in plain,
//! compatible or safe mode, checked (signature, timestamp window, AppID), parsed (no
//! DTD), stored durably in the event log, and only then answered `success`.
//!
//! | request | answer |
//! |---|---|
//! | a wrong or missing signature, a timestamp outside the window | 401, nothing stored |
//! | an encrypted message for another AppID | 403, nothing stored |
//! | a body over [`Settings::max_body`] | 413 |
//! | malformed XML, a DTD/entity, undecryptable `Encrypt` | 400 |
//! | the log cannot be written | 500 (WeChat retries) |
//! | stored, or already stored (a retry) | 200 `success` |

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cardform_events::{AesKey, Checker, Fields, Mode, Refusal, message};

use super::{Appended, EventLog, EventRecord, EventsError};
use crate::i18n::tr;

/// The default body limit: WeChat's event messages are a few KB.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024;
/// The default timestamp window (seconds either side of this machine's clock).
pub const DEFAULT_WINDOW_SECS: i64 = 300;

/// How the receiver checks what it is sent. Debug never shows the secrets.
pub struct Settings {
    pub token: String,
    pub key: Option<AesKey>,
    pub app_ids: Vec<String>,
    pub window_secs: i64,
    pub max_body: usize,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("token", &"REDACTED")
            .field("key", &self.key.as_ref().map(|_| "REDACTED"))
            .field("app_ids", &self.app_ids)
            .field("window_secs", &self.window_secs)
            .field("max_body", &self.max_body)
            .finish()
    }
}

impl Settings {
    /// The token and key from [`super::TOKEN_ENV`] / [`super::AES_KEY_ENV`] (only
    /// there: never files, never flags).
    ///
    /// # Errors
    /// No token; a key that is not an EncodingAESKey.
    pub fn from_env(app_ids: Vec<String>) -> Result<Settings, EventsError> {
        let token = std::env::var(super::TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or(EventsError::NoToken)?;
        let key = match std::env::var(super::AES_KEY_ENV) {
            Ok(k) if !k.trim().is_empty() => {
                Some(AesKey::from_encoding_aes_key(&k).map_err(EventsError::BadKey)?)
            }
            _ => None,
        };
        Ok(Settings {
            token,
            key,
            app_ids,
            window_secs: DEFAULT_WINDOW_SECS,
            max_body: DEFAULT_MAX_BODY,
        })
    }
}

struct Receiver {
    settings: Settings,
    log: Arc<dyn EventLog>,
}

/// A receiver serving in the current runtime.
pub struct Running {
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting and waits for in-flight requests.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Binds `listen` and serves.
///
/// # Errors
/// The address cannot be bound.
pub async fn start(
    listen: SocketAddr,
    settings: Settings,
    log: Arc<dyn EventLog>,
) -> Result<Running, EventsError> {
    let max_body = settings.max_body;
    let state = Arc::new(Receiver { settings, log });
    let app = Router::new()
        .route("/", get(url_check).post(receive))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| EventsError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| EventsError::Bind {
        addr: listen,
        source,
    })?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running { addr, stop, task })
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn refuse(r: &Refusal) -> Response {
    let status = match r {
        Refusal::BadSignature | Refusal::Stale(..) => StatusCode::UNAUTHORIZED,
        Refusal::AppIdMismatch => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    eprintln!(
        "{}",
        tr!(
            "ev-serve-refused",
            status = i64::from(status.as_u16()),
            reason = r.to_string()
        )
    );
    (status, format!("refused: {r}\n")).into_response()
}

impl Receiver {
    fn checker(&self) -> Checker<'_> {
        Checker {
            token: &self.settings.token,
            key: self.settings.key.as_ref(),
            app_ids: &self.settings.app_ids,
            now_secs: now_secs(),
            window_secs: self.settings.window_secs,
        }
    }
}

async fn url_check(
    State(rx): State<Arc<Receiver>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match rx.checker().url_check(&query) {
        Ok(echo) => (StatusCode::OK, echo).into_response(),
        Err(r) => refuse(&r),
    }
}

/// The record stored for a message.
pub fn record_for(fields: &Fields, xml: String, mode: Mode) -> EventRecord {
    let now = chrono::Utc::now();
    EventRecord {
        key: message::dedup_key(fields),
        received_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        received_ms: now.timestamp_millis(),
        event: message::event_name(fields),
        subject: message::subject(fields),
        code: message::code(fields),
        create_time: message::create_time(fields),
        mode: match mode {
            Mode::Plain => "plain",
            Mode::Encrypted => "encrypted",
        }
        .to_string(),
        fields: fields.to_json(),
        xml,
    }
}

async fn receive(
    State(rx): State<Arc<Receiver>>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return refuse(&Refusal::Xml(cardform_events::XmlError::NotUtf8));
    };
    let (fields, xml, mode) = match rx.checker().open(&query, text) {
        Ok(opened) => opened,
        Err(r) => return refuse(&r),
    };
    let record = record_for(&fields, xml, mode);
    let log = rx.log.clone();
    let stored = {
        let record = record.clone();
        tokio::task::spawn_blocking(move || log.append(&record)).await
    };
    match stored {
        Ok(Ok(appended)) => {
            let id = match appended {
                Appended::Stored => "ev-serve-stored",
                Appended::Duplicate => "ev-serve-duplicate",
            };
            let subject = record
                .subject
                .as_deref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            eprintln!(
                "{}",
                tr!(id, event = record.event.as_str(), subject = subject)
            );
            (StatusCode::OK, "success").into_response()
        }
        Ok(Err(e)) => {
            eprintln!(
                "{}",
                tr!(
                    "ev-serve-store-failed",
                    event = record.event.as_str(),
                    error = e.to_string()
                )
            );
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot store the event\n",
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot store the event\n",
        )
            .into_response(),
    }
}
