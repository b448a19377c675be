//! The third-party platform (第三方平台 / 服务商) side of the client (issue 23): the
//! component token, the authorizer list, authorizer info, and authorizer tokens
//! (reference §1.2, §16; paths and limits from `cardform_spec::platform`).
//!
//! One [`PlatformClient`] per run, shared as `Arc<PlatformClient>` by every account's
//! [`WeChatClient::for_authorizer`](crate::WeChatClient::for_authorizer): the component
//! token is fetched once (single-flight: concurrent callers wait for one fetch) and
//! again only when it expired or WeChat refused it as stale. A failed fetch is kept for
//! the run, as for access tokens: a stale verify ticket is one error, not one call per
//! account. With a [`ComponentTokenCache`] (`with_token_cache`) the token is also
//! shared with the run's other processes: asked for before a fetch, told of a fresh
//! token and of a refused one.
//!
//! Secrets (component secret, verify ticket, component/authorizer/refresh tokens) are
//! [`Secret`]s and go only to the configured base URL (https, or a loopback emulator).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cardform_spec::errcode::RetryClass;
use cardform_spec::platform::{
    AUTHORIZER_INFO_PATH, AUTHORIZER_LIST_MAX_COUNT, AUTHORIZER_LIST_PATH, AUTHORIZER_TOKEN_PATH,
    CARD_FUNCSCOPE_ID, COMPONENT_TOKEN_PATH,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::client::DEFAULT_PARALLELISM;
use super::component_cache::{CacheTurn, ComponentTokenCache};
use super::error::ApiError;
use super::lenient;
use super::platform::{AuthorizerInfo, read_authorizer_info};
use super::retry::{Idempotency, RetryPolicy};
use super::secret::Secret;
use super::transport::{Body, CallCap, Request, Transport, malformed, raw_for_error};

/// What a platform needs to get its component token.
#[derive(Debug, Clone)]
pub struct ComponentCredentials {
    /// The third-party platform's AppID.
    pub component_appid: String,
    /// The component AppSecret.
    pub component_secret: Secret,
    /// The latest `component_verify_ticket` WeChat pushed.
    pub verify_ticket: Secret,
}

/// One authorizer as `api_get_authorizer_list` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizerEntry {
    pub authorizer_appid: String,
    /// The authorizer_refresh_token (the list's `refresh_token`).
    pub refresh_token: Secret,
    /// When the merchant authorised the platform (Unix seconds).
    pub auth_time: i64,
}

/// An authorizer's access token as `api_authorizer_token` returns it.
#[derive(Debug, Clone)]
pub struct AuthorizerToken {
    pub access_token: Secret,
    /// WeChat's `expires_in`.
    pub expires_in: Duration,
    /// The refresh token WeChat returned, if any (the one to keep).
    pub refresh_token: Option<Secret>,
}

impl AuthorizerInfo {
    /// Whether the merchant granted the card (卡券) permission set
    /// (`cardform_spec::platform::CARD_FUNCSCOPE_ID`, UNVERIFIED id).
    pub fn has_card_permission(&self) -> bool {
        self.func_ids.contains(&CARD_FUNCSCOPE_ID)
    }
}

/// The component token of the run, or why there is none.
enum Slot {
    Empty,
    Token {
        token: Secret,
        expires_at: Instant,
        generation: u64,
    },
    /// The fetch failed; kept for the rest of the run.
    Failed(ApiError),
}

/// The open-platform client. `Send + Sync`; share it as `Arc<PlatformClient>`.
pub struct PlatformClient {
    transport: Transport,
    /// The run-wide cap on calls in flight, handed to every authorizer client.
    cap: Option<CallCap>,
    credentials: ComponentCredentials,
    slot: Mutex<Slot>,
    generations: AtomicU64,
    fetches: AtomicU64,
    /// Where the token is shared with other processes, if anywhere.
    cache: Option<Arc<dyn ComponentTokenCache>>,
    /// Tokens taken from `cache` instead of fetched.
    cache_hits: AtomicU64,
}

impl std::fmt::Debug for PlatformClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformClient")
            .field("component_appid", &self.credentials.component_appid)
            .field("component_fetches", &self.component_fetches())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct RawEntry {
    #[serde(deserialize_with = "lenient::string_any")]
    authorizer_appid: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    refresh_token: String,
    #[serde(default, deserialize_with = "lenient::i64_any")]
    auth_time: i64,
}

#[derive(Deserialize)]
struct RawList {
    #[serde(default, deserialize_with = "lenient::u64_any")]
    total_count: u64,
    #[serde(default)]
    list: Vec<RawEntry>,
}

fn post(endpoint: &'static str, body: Value, secret_query: Vec<(&'static str, Secret)>) -> Request {
    Request {
        endpoint,
        method: Method::POST,
        query: Vec::new(),
        secret_query,
        body: Body::Json(body),
        idempotency: Idempotency::Idempotent,
        // Every open-platform answer may carry a token or refresh token.
        body_holds_secrets: true,
    }
}

impl PlatformClient {
    /// `base_url` as for [`ClientConfig`](crate::ClientConfig); timeout and retry like
    /// the card client.
    ///
    /// # Errors
    /// `Config` for a bad base URL (not https, or http to a host that is not loopback)
    /// or an empty component AppID, secret or verify ticket.
    pub fn new(
        base_url: &str,
        credentials: ComponentCredentials,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ApiError> {
        let missing = if credentials.component_appid.trim().is_empty() {
            Some("the component AppID")
        } else if credentials.component_secret.is_empty() {
            Some("the component AppSecret")
        } else if credentials.verify_ticket.is_empty() {
            Some("the component_verify_ticket")
        } else {
            None
        };
        if let Some(what) = missing {
            return Err(ApiError::Config {
                message: format!(
                    "{what} is empty: a third-party platform needs it to get its component token"
                ),
            });
        }
        let transport = Transport::new(base_url, DEFAULT_PARALLELISM, None, timeout, retry)?;
        Ok(PlatformClient {
            transport,
            cap: None,
            credentials,
            slot: Mutex::new(Slot::Empty),
            generations: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
            cache: None,
            cache_hits: AtomicU64::new(0),
        })
    }

    /// Shares the component token with other processes through `cache`: a token it
    /// holds is used instead of a fetch, a fetched one is handed to it, a refused one
    /// is dropped from it.
    #[must_use]
    pub fn with_token_cache(mut self, cache: Arc<dyn ComponentTokenCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Puts this client's calls and those of every authorizer client made from it
    /// ([`WeChatClient::for_authorizer`](crate::WeChatClient::for_authorizer)) under
    /// one run-wide cap on calls in flight.
    #[must_use]
    pub fn with_call_cap(mut self, cap: CallCap) -> Self {
        self.transport = self.transport.with_cap(Some(cap.clone()));
        self.cap = Some(cap);
        self
    }

    /// The transport whose HTTP client (and connection pool) the authorizer clients
    /// of the run share.
    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The run-wide cap on calls in flight, if one was set.
    pub fn call_cap(&self) -> Option<&CallCap> {
        self.cap.as_ref()
    }

    /// The component AppID.
    pub fn component_appid(&self) -> &str {
        &self.credentials.component_appid
    }

    /// Component token fetches made (for tests and benchmarks).
    pub fn component_fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Component tokens taken from the shared cache instead of fetched.
    pub fn component_cache_hits(&self) -> u64 {
        self.cache_hits.load(Ordering::Relaxed)
    }

    /// HTTP requests this client sent (component token, list, info, authorizer tokens).
    pub fn calls_made(&self) -> u64 {
        self.transport.calls_made()
    }

    /// `api_component_token`, fetched at most once per client (cached, single-flight),
    /// refreshed only when expired or refused as stale; with a token cache
    /// ([`Self::with_token_cache`]), taken from it when it holds one and handed to it
    /// when fetched.
    ///
    /// # Errors
    /// The fetch's error (e.g. 61005 stale verify ticket), the same for every caller
    /// of the run.
    pub async fn component_token(&self) -> Result<Secret, ApiError> {
        self.token_with_generation().await.map(|(t, _)| t)
    }

    async fn token_with_generation(&self) -> Result<(Secret, u64), ApiError> {
        let mut slot = self.slot.lock().await;
        match &*slot {
            Slot::Token {
                token,
                expires_at,
                generation,
            } if *expires_at > Instant::now() => return Ok((token.clone(), *generation)),
            Slot::Failed(e) => return Err(e.clone()),
            _ => {}
        }
        // Another process's token, or this process's turn to fetch (under the cache's
        // cross-process lock, held until the fresh token is handed back).
        let turn = match self.cache.clone() {
            Some(cache) => {
                let got = blocking(move || {
                    let mut turn = cache.begin();
                    let cached = turn.cached();
                    (turn, cached)
                })
                .await;
                let (turn, cached): (Option<Box<dyn CacheTurn>>, _) = match got {
                    Some((turn, cached)) => (Some(turn), cached),
                    None => (None, None),
                };
                if let Some((token, left)) = cached {
                    self.cache_hits.fetch_add(1, Ordering::Relaxed);
                    let generation = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
                    *slot = Slot::Token {
                        token: token.clone(),
                        expires_at: Instant::now() + crate::token::lifetime(left),
                        generation,
                    };
                    if let Some(turn) = turn {
                        blocking(move || drop(turn)).await;
                    }
                    return Ok((token, generation));
                }
                turn
            }
            None => None,
        };
        let req = post(
            COMPONENT_TOKEN_PATH,
            json!({
                "component_appid": self.credentials.component_appid,
                "component_appsecret": self.credentials.component_secret.expose(),
                "component_verify_ticket": self.credentials.verify_ticket.expose(),
            }),
            Vec::new(),
        );
        let fetched = match self.transport.call(&req, None).await {
            Ok(v) => crate::token::read_token_answer(&req, &v, "component_access_token"),
            Err(e) => Err(e),
        };
        match fetched {
            Ok((token, expires_in)) => {
                self.fetches.fetch_add(1, Ordering::Relaxed);
                let generation = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
                *slot = Slot::Token {
                    token: token.clone(),
                    expires_at: Instant::now() + crate::token::lifetime(expires_in),
                    generation,
                };
                if let Some(turn) = turn {
                    let fresh = token.clone();
                    blocking(move || turn.fetched(&fresh, expires_in)).await;
                }
                Ok((token, generation))
            }
            Err(e) => {
                tracing::debug!("component token fetch failed; kept for the run");
                *slot = Slot::Failed(e.clone());
                if let Some(turn) = turn {
                    blocking(move || drop(turn)).await;
                }
                Err(e)
            }
        }
    }

    /// Drops the cached component token if it is still the one of `generation` (and
    /// from the shared cache, which then holds it no longer).
    async fn invalidate(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if let Slot::Token {
            generation: g,
            token,
            ..
        } = &*slot
            && *g == generation
        {
            if let Some(cache) = self.cache.clone() {
                let refused = token.clone();
                blocking(move || cache.refused(&refused)).await;
            }
            *slot = Slot::Empty;
        }
    }

    /// A call with `?component_access_token=`; a refusal of the token as stale
    /// (40001-class) refreshes it once and retries.
    async fn call(
        &self,
        endpoint: &'static str,
        body: Value,
    ) -> Result<(Request, Value), ApiError> {
        let mut round = 0;
        loop {
            round += 1;
            let (token, generation) = self.token_with_generation().await?;
            let req = post(
                endpoint,
                body.clone(),
                vec![("component_access_token", token)],
            );
            match self.transport.call(&req, None).await {
                Ok(v) => return Ok((req, v)),
                Err(e) if round == 1 && e.retry_class() == Some(RetryClass::Auth) => {
                    self.invalidate(generation).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `api_get_authorizer_list`, every page (count ≤ 500).
    ///
    /// # Errors
    /// The component token's error, a WeChat errcode, or a page that is not the
    /// documented shape (refresh tokens never shown).
    pub async fn authorizers(&self) -> Result<Vec<AuthorizerEntry>, ApiError> {
        self.authorizers_expecting(0).await
    }

    /// [`PlatformClient::authorizers`] when about `expected` authorizers are expected
    /// (a platform with that many account folders): the pages they would fill are
    /// asked for at once rather than one after another, and the list is read in the
    /// same order with the same checks. A page asked for ahead at an offset the list
    /// does not reach is not used.
    ///
    /// # Errors
    /// As [`PlatformClient::authorizers`].
    pub async fn authorizers_expecting(
        &self,
        expected: usize,
    ) -> Result<Vec<AuthorizerEntry>, ApiError> {
        let per_page = u64::from(AUTHORIZER_LIST_MAX_COUNT);
        // The component token first (one fetch, then shared by the pages).
        self.component_token().await?;
        let ahead_offsets: Vec<u64> = (0..(expected as u64).div_ceil(per_page).max(1))
            .map(|k| k * per_page)
            .collect();
        let mut ahead: std::collections::HashMap<u64, Result<(Request, RawList), ApiError>> =
            ahead_offsets
                .iter()
                .copied()
                .zip(futures::future::join_all(ahead_offsets.iter().map(|o| self.page(*o))).await)
                .collect();
        let mut out = Vec::new();
        let mut offset: u64 = 0;
        let mut pages: u64 = 0;
        let mut seen = std::collections::HashSet::new();
        loop {
            pages += 1;
            let (req, page) = match ahead.remove(&offset) {
                Some(asked) => asked?,
                None => self.page(offset).await?,
            };
            let got = page.list.len() as u64;
            // A page that repeats an authorizer (or a list longer than its own
            // total_count pages could hold) is not trusted: an error, never a loop.
            if let Some(again) = page
                .list
                .iter()
                .find(|r| !seen.insert(r.authorizer_appid.clone()))
            {
                return Err(malformed(
                    &req,
                    format!(
                        "the authorizer list repeats {} (page {pages}, offset {offset})",
                        again.authorizer_appid
                    ),
                    b"",
                ));
            }
            if pages > page.total_count.saturating_add(1) {
                return Err(malformed(
                    &req,
                    format!(
                        "the authorizer list does not end after {pages} pages (total_count {})",
                        page.total_count
                    ),
                    b"",
                ));
            }
            out.extend(page.list.into_iter().map(|r| AuthorizerEntry {
                authorizer_appid: r.authorizer_appid,
                refresh_token: Secret::new(r.refresh_token),
                auth_time: r.auth_time,
            }));
            offset += got;
            if got == 0 || offset >= page.total_count {
                return Ok(out);
            }
        }
    }

    /// One page of `api_get_authorizer_list` from `offset`.
    async fn page(&self, offset: u64) -> Result<(Request, RawList), ApiError> {
        let (req, v) = self
            .call(
                AUTHORIZER_LIST_PATH,
                json!({
                    "component_appid": self.credentials.component_appid,
                    "offset": offset,
                    "count": AUTHORIZER_LIST_MAX_COUNT,
                }),
            )
            .await?;
        let page: RawList = serde_json::from_value(v)
            .map_err(|e| malformed(&req, format!("not an authorizer list page: {e}"), b""))?;
        Ok((req, page))
    }

    /// `api_get_authorizer_info`: names, permission sets (`func_info`), refresh token.
    ///
    /// # Errors
    /// The component token's error, a WeChat errcode (61003: not authorised), or an
    /// answer that is not the documented shape.
    pub async fn authorizer_info(
        &self,
        authorizer_appid: &str,
    ) -> Result<AuthorizerInfo, ApiError> {
        let (req, v) = self
            .call(
                AUTHORIZER_INFO_PATH,
                json!({
                    "component_appid": self.credentials.component_appid,
                    "authorizer_appid": authorizer_appid,
                }),
            )
            .await?;
        read_authorizer_info(&v).map_err(|e| ApiError::Malformed {
            endpoint: req.endpoint.to_string(),
            reason: e.reason,
            raw: raw_for_error(&v),
        })
    }

    /// `api_authorizer_token`: a fresh authorizer_access_token for `authorizer_appid`.
    ///
    /// # Errors
    /// The component token's error, or WeChat's errcode (61003 revoked, 61023 bad
    /// refresh token).
    pub async fn authorizer_token(
        &self,
        authorizer_appid: &str,
        refresh_token: &Secret,
    ) -> Result<AuthorizerToken, ApiError> {
        let (req, v) = self
            .call(
                AUTHORIZER_TOKEN_PATH,
                json!({
                    "component_appid": self.credentials.component_appid,
                    "authorizer_appid": authorizer_appid,
                    "authorizer_refresh_token": refresh_token.expose(),
                }),
            )
            .await?;
        let (access_token, expires_in) =
            crate::token::read_token_answer(&req, &v, "authorizer_access_token")?;
        let refresh_token = v
            .get("authorizer_refresh_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        Ok(AuthorizerToken {
            access_token,
            expires_in,
            refresh_token,
        })
    }
}

/// Runs a blocking cache call off the async threads; `None` if it panicked.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Option<R> {
    tokio::task::spawn_blocking(f).await.ok()
}

/// The lifetime to cache an authorizer token for (`expires_in` minus a margin).
pub(crate) fn cache_lifetime(expires_in: Duration) -> Duration {
    crate::token::lifetime(expires_in)
}
