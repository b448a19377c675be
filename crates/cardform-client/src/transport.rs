//! One WeChat call end to end: build the URL (token in the query string), admit it
//! through the throttle, send, read the envelope, and retry per the decision table.
//!
//! An error that stops the run (45009, no access token) halts the transport: from then
//! on every call fails with that error before anything is sent, so no call follows the
//! first 45009 except those already in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use tokio::time::Instant;

use super::envelope;
use super::error::{ApiError, TransportKind};
use super::retry::{Decision, Event, Idempotency, RetryPolicy, decide};
use super::secret::{RedactedUrl, Secret, redact_json_text, redact_text};
use super::throttle::Throttle;
use futures::future::BoxFuture;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A cap on the HTTP requests in flight shared by several clients: one platform run's
/// open-platform client and every account's client hold clones of one `CallCap`, so
/// the run never has more than `limit` calls out at once, however many accounts run.
/// Each client's own parallelism still applies (a call takes its client's slot first,
/// then the run's). Clones share the count.
#[derive(Debug, Clone)]
pub struct CallCap {
    permits: Arc<Semaphore>,
    limit: usize,
    in_flight: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
}

/// A call's slot under a [`CallCap`], given back when dropped.
struct CapSlot {
    _permit: Option<OwnedSemaphorePermit>,
    in_flight: Arc<AtomicU64>,
}

impl Drop for CapSlot {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl CallCap {
    /// At most `limit` (at least 1) calls in flight over every client sharing it.
    pub fn new(limit: usize) -> CallCap {
        let limit = limit.max(1);
        CallCap {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
            in_flight: Arc::new(AtomicU64::new(0)),
            peak: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The cap.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The most calls ever in flight at once under this cap (≤ [`CallCap::limit`]).
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// Waits for a slot (first come, first served). Held for one HTTP attempt only.
    async fn admit(&self) -> CapSlot {
        // acquire fails only on a closed semaphore, and this one is never closed.
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok();
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        CapSlot {
            _permit: permit,
            in_flight: self.in_flight.clone(),
        }
    }
}

/// A token and the cache generation it came from (for `invalidate`).
#[derive(Debug, Clone)]
pub struct Token {
    pub value: Secret,
    pub generation: u64,
}

/// Where a token-bearing call gets its access token. The token module implements it;
/// it is declared here so the transport does not depend on how tokens are fetched
/// (fetching a token is itself a transport call).
pub(crate) trait TokenSupply: Sync {
    /// The cached token, or a fresh one.
    fn get<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<Token, ApiError>>;
    /// Drops the cached token if it is still the one of `generation`.
    fn invalidate(&self, generation: u64) -> BoxFuture<'_, ()>;
}

/// Longest raw body kept in a `Malformed` error.
const RAW_LIMIT: usize = 2000;

/// The body of a request.
pub(crate) enum Body {
    None,
    /// Serialized per attempt; serde_json keeps non-ASCII as UTF-8.
    Json(Value),
    /// `media/uploadimg`: one multipart field.
    Multipart {
        field: &'static str,
        bytes: Vec<u8>,
        file_name: String,
    },
}

/// A request, minus the access token (added per attempt). No `Debug`: bodies of token
/// requests hold secrets.
pub(crate) struct Request {
    pub endpoint: &'static str,
    pub method: Method,
    /// Plain query parameters.
    pub query: Vec<(&'static str, String)>,
    /// Credential query parameters (classic token's `secret`, `component_access_token`).
    pub secret_query: Vec<(&'static str, Secret)>,
    pub body: Body,
    pub idempotency: Idempotency,
    /// Token endpoints: keep the raw body out of errors entirely.
    pub body_holds_secrets: bool,
}

impl Request {
    pub fn post_json(endpoint: &'static str, body: Value, idempotency: Idempotency) -> Self {
        Request {
            endpoint,
            method: Method::POST,
            query: Vec::new(),
            secret_query: Vec::new(),
            body: Body::Json(body),
            idempotency,
            body_holds_secrets: false,
        }
    }

    /// A plain GET with no body (getcolors, 券点 balance): reads, so retried freely.
    pub fn get(endpoint: &'static str) -> Self {
        Request {
            endpoint,
            method: Method::GET,
            query: Vec::new(),
            secret_query: Vec::new(),
            body: Body::None,
            idempotency: Idempotency::Idempotent,
            body_holds_secrets: false,
        }
    }
}

/// The HTTP layer shared by card calls and token fetches.
pub(crate) struct Transport {
    http: reqwest::Client,
    /// Per-request timeout (set on each request, so clients sharing `http` keep theirs).
    timeout: Duration,
    base: String,
    throttle: Throttle,
    /// The run-wide cap shared with other clients, if any.
    cap: Option<CallCap>,
    policy: RetryPolicy,
    calls: AtomicU64,
    in_flight: AtomicU64,
    peak: AtomicU64,
    /// The first error that stopped the run; every later call answers it unsent.
    halted: std::sync::Mutex<Option<ApiError>>,
}

/// Counts a request as in flight until dropped.
struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base", &self.base)
            .field("calls", &self.calls_made())
            .finish_non_exhaustive()
    }
}

/// One attempt's failure: what happened, and the error to report if we stop here.
struct Failure {
    event: Event,
    error: ApiError,
}

/// The HTTP client of a transport: no redirects, cardform's user agent, and no trust
/// store for a loopback `http://` endpoint.
fn build_http(parsed: &reqwest::Url, timeout: Duration) -> Result<reqwest::Client, ApiError> {
    let mut builder = reqwest::Client::builder();
    if parsed.scheme() == "http" {
        // A loopback emulator over plain HTTP never needs a certificate: skip loading
        // the system's trust store (a fixed cost of every run, ~9 % of a 1,000-card
        // plan). With no roots and no redirects, no https connection can succeed.
        builder = builder.tls_certs_only(std::iter::empty());
    }
    builder
        .timeout(timeout)
        // A redirect could carry a token (in the query) or a secret (a 307/308 body)
        // to another host; WeChat's API does not redirect.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("cardform/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ApiError::Config {
            message: format!(
                "cannot build the HTTP client: {}",
                redact_text(&e.without_url().to_string())
            ),
        })
}

impl Transport {
    /// # Errors
    /// `Config` when the base URL is not http(s) or the HTTP client cannot be built.
    pub fn new(
        base_url: &str,
        parallelism: usize,
        requests_per_second: Option<u32>,
        timeout: Duration,
        policy: RetryPolicy,
    ) -> Result<Self, ApiError> {
        Self::sharing(
            base_url,
            parallelism,
            requests_per_second,
            timeout,
            policy,
            None,
        )
    }

    /// As [`Transport::new`], reusing `shared` (another transport's HTTP client, with
    /// its connection pool) when it is given for the same base URL: the accounts of one
    /// platform run share one pool of connections to WeChat instead of opening their
    /// own, and one client is built (with its TLS roots) instead of one per account.
    ///
    /// # Errors
    /// As [`Transport::new`].
    pub fn sharing(
        base_url: &str,
        parallelism: usize,
        requests_per_second: Option<u32>,
        timeout: Duration,
        policy: RetryPolicy,
        shared: Option<&Transport>,
    ) -> Result<Self, ApiError> {
        let base = base_url.trim_end_matches('/').to_string();
        let parsed = Url::parse(&base).map_err(|e| ApiError::Config {
            message: format!(
                "endpoint {:?} is not a URL ({e}); use https://api.weixin.qq.com or http://127.0.0.1:PORT",
                redact_text(base_url)
            ),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(ApiError::Config {
                message: format!(
                    "endpoint {:?} must be an http(s) URL without a query; use https://api.weixin.qq.com or http://127.0.0.1:PORT",
                    redact_text(base_url)
                ),
            });
        }
        // Defence in depth (the product checks the endpoint first, docs/security.md):
        // the AppSecret and tokens never travel unencrypted off this machine.
        if parsed.scheme() == "http" && !is_loopback(&parsed) {
            return Err(ApiError::Config {
                message: format!(
                    "endpoint {:?} uses http:// to a host that is not loopback: the AppSecret and access tokens would travel unencrypted; use https://",
                    redact_text(base_url)
                ),
            });
        }
        // A transport for the same host shares its HTTP client (one connection pool and
        // one TLS setup per run); the timeout is set per request, so each keeps its own.
        let http = match shared.filter(|t| t.base == base) {
            Some(other) => other.http.clone(),
            None => build_http(&parsed, timeout)?,
        };
        Ok(Transport {
            http,
            timeout,
            base,
            throttle: Throttle::new(parallelism, requests_per_second),
            cap: None,
            policy,
            calls: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak: AtomicU64::new(0),
            halted: std::sync::Mutex::new(None),
        })
    }

    /// Puts every call of this transport under `cap` as well as its own parallelism.
    pub fn with_cap(mut self, cap: Option<CallCap>) -> Self {
        self.cap = cap;
        self
    }

    /// HTTP requests sent so far (every attempt, token fetches included).
    pub fn calls_made(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The most requests ever in flight at once (bounded by `parallelism`).
    pub fn in_flight_peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// The error that stopped the run, if one did.
    pub fn halted(&self) -> Option<ApiError> {
        self.halted.lock().ok().and_then(|h| h.clone())
    }

    /// Keeps `e` as the reason the run stopped (the first one wins) when it is one.
    fn halt_on(&self, e: &ApiError) {
        if e.stops_run()
            && let Ok(mut h) = self.halted.lock()
            && h.is_none()
        {
            tracing::debug!(error = %e, "the run stops: no further WeChat call");
            *h = Some(e.clone());
        }
    }

    /// Runs `req` with retries. With `tokens`, adds `access_token` to the query and
    /// refreshes it once on an auth errcode.
    ///
    /// # Guarantees
    /// After an error that stops the run (45009, no access token), nothing more is
    /// sent: this and every later call returns that error, also between retries.
    ///
    /// # Errors
    /// See [`ApiError`]; a non-idempotent call that may have taken effect gives
    /// `OutcomeUnknown` and is never repeated.
    pub async fn call(
        &self,
        req: &Request,
        tokens: Option<&dyn TokenSupply>,
    ) -> Result<Value, ApiError> {
        let start = Instant::now();
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            if let Some(stopped) = self.halted() {
                return Err(stopped);
            }
            let token = match tokens {
                Some(p) => match p.get(self).await {
                    Ok(t) => Some(t),
                    Err(e) => {
                        self.halt_on(&e);
                        return Err(e);
                    }
                },
                None => None,
            };
            let failure = match self.attempt(req, token.as_ref().map(|t| &t.value)).await {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            let decision = decide(failure.event, req.idempotency);
            tracing::debug!(
                endpoint = req.endpoint,
                attempt,
                event = ?failure.event,
                decision = ?decision,
                "wechat call failed"
            );
            match decision {
                Decision::Fail => return Err(with_attempts(failure.error, attempt)),
                Decision::StopQuota => {
                    let e = match failure.error {
                        ApiError::WeChat {
                            endpoint, errmsg, ..
                        } => ApiError::QuotaExhausted { endpoint, errmsg },
                        other => other,
                    };
                    self.halt_on(&e);
                    return Err(e);
                }
                Decision::OutcomeUnknown => {
                    return Err(ApiError::OutcomeUnknown {
                        endpoint: req.endpoint.to_string(),
                        reason: unknown_reason(&failure.error),
                    });
                }
                Decision::RefreshToken => match (tokens, token) {
                    (Some(p), Some(t)) if !refreshed => {
                        refreshed = true;
                        p.invalidate(t.generation).await;
                        // A refresh is not a backoff retry: no sleep, but it counts.
                        if attempt < self.policy.max_attempts.max(2) {
                            continue;
                        }
                        return Err(with_attempts(failure.error, attempt));
                    }
                    _ => return Err(with_attempts(failure.error, attempt)),
                },
                Decision::Retry { rate_limited } => {
                    let delay = self.policy.backoff(attempt, rate_limited);
                    let out_of_time = start.elapsed() + delay > self.policy.max_total;
                    if attempt >= self.policy.max_attempts || out_of_time {
                        return Err(with_attempts(failure.error, attempt));
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn attempt(&self, req: &Request, token: Option<&Secret>) -> Result<Value, Failure> {
        let url = self.url(req, token).map_err(|error| Failure {
            event: Event::HttpOther,
            error,
        })?;
        let shown = RedactedUrl::from(&url);
        let mut builder = self
            .http
            .request(req.method.clone(), url)
            .timeout(self.timeout);
        builder = match &req.body {
            Body::None => builder,
            Body::Json(v) => match serde_json::to_vec(v) {
                Ok(bytes) => builder
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/json; charset=utf-8",
                    )
                    .body(bytes),
                Err(e) => {
                    return Err(Failure {
                        event: Event::HttpOther,
                        error: ApiError::Config {
                            message: format!("{}: cannot encode the request: {e}", req.endpoint),
                        },
                    });
                }
            },
            Body::Multipart {
                field,
                bytes,
                file_name,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name(file_name.clone())
                    .mime_str(mime_for(file_name))
                    .map_err(|e| Failure {
                        event: Event::HttpOther,
                        error: ApiError::Config {
                            message: format!(
                                "{}: bad MIME type: {}",
                                req.endpoint,
                                e.without_url()
                            ),
                        },
                    })?;
                builder.multipart(reqwest::multipart::Form::new().part(*field, part))
            }
        };

        // The client's own slot first, then the run's: a call waiting for the run's
        // cap holds only its own client's slot, never another's.
        let permit = self.throttle.admit().await;
        let run_slot = match &self.cap {
            Some(cap) => Some(cap.admit().await),
            None => None,
        };
        self.calls.fetch_add(1, Ordering::Relaxed);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        let _in_flight = InFlight(&self.in_flight);
        tracing::debug!(endpoint = req.endpoint, url = %shown, "wechat request");

        let response = builder.send().await.map_err(|e| {
            let kind = if e.is_connect() {
                TransportKind::Connect
            } else if e.is_timeout() {
                TransportKind::Timeout
            } else {
                TransportKind::Dropped
            };
            transport_failure(req.endpoint, &shown, kind, e)
        })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| {
            let kind = if e.is_timeout() {
                TransportKind::Timeout
            } else {
                TransportKind::Body
            };
            transport_failure(req.endpoint, &shown, kind, e)
        })?;
        // The answer is here: the slots go to the next call before this one's body is
        // read, so reading answers never holds WeChat's capacity idle.
        drop(run_slot);
        drop(permit);
        tracing::debug!(
            endpoint = req.endpoint,
            status = status.as_u16(),
            bytes = body.len(),
            "wechat answer"
        );

        if !status.is_success() {
            let event = if status == StatusCode::TOO_MANY_REQUESTS {
                Event::TooManyRequests
            } else if status.is_server_error() {
                Event::Http5xx
            } else {
                Event::HttpOther
            };
            return Err(Failure {
                event,
                error: ApiError::HttpStatus {
                    endpoint: req.endpoint.to_string(),
                    status: status.as_u16(),
                    attempts: 1,
                },
            });
        }

        match envelope::parse(&body) {
            Ok((value, env)) if env.is_ok() => Ok(value),
            Ok((_, env)) => {
                tracing::debug!(endpoint = req.endpoint, errcode = env.errcode, errmsg = %redact_text(&env.raw_errmsg), "wechat errcode");
                Err(Failure {
                    event: Event::ErrCode(env.errcode),
                    error: ApiError::WeChat {
                        endpoint: req.endpoint.to_string(),
                        code: env.errcode,
                        errmsg: env.errmsg(),
                        raw_errmsg: env.raw_errmsg.clone(),
                        attempts: 1,
                    },
                })
            }
            Err(e) => Err(Failure {
                event: Event::Malformed,
                error: malformed(req, e.to_string(), &body),
            }),
        }
    }

    fn url(&self, req: &Request, token: Option<&Secret>) -> Result<Url, ApiError> {
        let mut url = Url::parse(&format!("{}{}", self.base, req.endpoint)).map_err(|e| {
            ApiError::Config {
                message: format!("{}: cannot build the URL: {e}", req.endpoint),
            }
        })?;
        if !req.query.is_empty() || !req.secret_query.is_empty() || token.is_some() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &req.query {
                q.append_pair(k, v);
            }
            for (k, v) in &req.secret_query {
                q.append_pair(k, v.expose());
            }
            if let Some(t) = token {
                q.append_pair("access_token", t.expose());
            }
        }
        Ok(url)
    }
}

/// Builds a `Malformed` error for `req` from a body; credentials never reach `raw`.
pub(crate) fn malformed(req: &Request, reason: String, body: &[u8]) -> ApiError {
    let raw = if req.body_holds_secrets {
        format!(
            "({} bytes, not shown: the answer of a token endpoint)",
            body.len()
        )
    } else {
        let text = String::from_utf8_lossy(body);
        truncate(&redact_json_text(&text), RAW_LIMIT)
    };
    ApiError::Malformed {
        endpoint: req.endpoint.to_string(),
        reason,
        raw,
    }
}

/// A JSON answer as it may appear in an error: credentials removed, truncated.
pub(crate) fn raw_for_error(v: &Value) -> String {
    truncate(&redact_json_text(&v.to_string()), RAW_LIMIT)
}

fn truncate(s: &str, limit: usize) -> String {
    if s.len() <= limit {
        return s.to_string();
    }
    let mut cut = limit;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..cut], s.len())
}

fn transport_failure(
    endpoint: &str,
    url: &RedactedUrl,
    kind: TransportKind,
    e: reqwest::Error,
) -> Failure {
    Failure {
        event: Event::Transport(kind),
        error: ApiError::Transport {
            endpoint: endpoint.to_string(),
            url: url.clone(),
            kind,
            message: error_chain(e),
            attempts: 1,
        },
    }
}

/// The error and its sources, without the URL, redacted once more for good measure.
fn error_chain(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    redact_text(&parts.join(": "))
}

/// What went wrong, briefly, for an `OutcomeUnknown` (its own message says what to do).
fn unknown_reason(e: &ApiError) -> String {
    match e {
        ApiError::Transport {
            kind, url, message, ..
        } => format!("{kind} at {url}: {message}"),
        ApiError::HttpStatus { status, .. } => format!("HTTP status {status}"),
        ApiError::Malformed { reason, raw, .. } => format!("{reason}; raw answer: {raw}"),
        other => other.to_string(),
    }
}

fn with_attempts(mut e: ApiError, n: u32) -> ApiError {
    match &mut e {
        ApiError::WeChat { attempts, .. }
        | ApiError::Transport { attempts, .. }
        | ApiError::HttpStatus { attempts, .. } => *attempts = n,
        _ => {}
    }
    e
}

fn mime_for(file_name: &str) -> &'static str {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "image/png"
    } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        "image/jpeg"
    } else {
        "application/octet-stream"
    }
}

/// `localhost`, 127.0.0.0/8 or ::1: the emulator's hosts, the only ones plain http
/// may reach.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_endpoints_are_config_errors() {
        for bad in [
            "ftp://x",
            "not a url",
            "http://h/?access_token=CANARY",
            "http://api.weixin.qq.com",
            "http://10.0.0.1:80",
        ] {
            match Transport::new(bad, 1, None, Duration::from_secs(1), RetryPolicy::fast()) {
                Err(ApiError::Config { message }) => {
                    assert!(!message.contains("CANARY"), "{message}")
                }
                Err(other) => panic!("{bad}: {other}"),
                Ok(_) => panic!("{bad} accepted"),
            }
        }
    }

    #[tokio::test]
    async fn a_call_cap_holds_over_all_its_clones() {
        let cap = CallCap::new(2);
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let cap = cap.clone();
            tasks.push(tokio::spawn(async move {
                let _slot = cap.admit().await;
                tokio::time::sleep(Duration::from_millis(3)).await;
            }));
        }
        for t in tasks {
            assert!(t.await.is_ok());
        }
        assert_eq!(cap.peak(), 2);
        assert_eq!(cap.limit(), 2);
        assert_eq!(cap.in_flight.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn truncation_respects_utf8() {
        let s = "卡".repeat(1000);
        let t = truncate(&s, 100);
        assert!(t.starts_with(&"卡".repeat(33)));
        assert!(t.contains("3000 bytes"));
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_for("a.PNG"), "image/png");
        assert_eq!(mime_for("logo.jpeg"), "image/jpeg");
        assert_eq!(mime_for("x"), "application/octet-stream");
    }
}
