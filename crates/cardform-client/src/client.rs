//! [`WeChatClient`]: the configured client every command shares (one throttle, one
//! token cache). The card endpoints live in `cards.rs`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::component::PlatformClient;
use super::error::ApiError;
use super::retry::RetryPolicy;
use super::secret::Secret;
use super::token::{EnvLookup, TokenProvider, process_env};
use super::token_source::TokenSource;
use super::transport::{Request, TokenSupply, Transport};

/// The real API.
pub const WECHAT_BASE_URL: &str = "https://api.weixin.qq.com";

/// Requests in flight at once unless configured.
pub const DEFAULT_PARALLELISM: usize = 16;
/// Per-request timeout unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the client needs. No secret values except `explicit_secret` (the
/// sandbox's), which is a [`Secret`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://api.weixin.qq.com` or `http://127.0.0.1:PORT`.
    pub base_url: String,
    pub appid: String,
    pub token: TokenSource,
    /// Used instead of the AppSecret environment variable (the sandbox's secret).
    pub explicit_secret: Option<Secret>,
    /// Requests in flight at once, shared by every call.
    pub parallelism: usize,
    pub requests_per_second: Option<u32>,
    /// Per-request timeout (also the token command's timeout).
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// Defaults for everything but where and who: parallelism 16, 30 s timeout,
    /// the default retry policy, no requests-per-second cap.
    pub fn new(base_url: &str, appid: &str, token: TokenSource) -> Self {
        ClientConfig {
            base_url: base_url.to_string(),
            appid: appid.to_string(),
            token,
            explicit_secret: None,
            parallelism: DEFAULT_PARALLELISM,
            requests_per_second: None,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// A client of an emulator at `base_url` with an explicit AppSecret (stable_token).
    pub fn with_secret(base_url: &str, appid: &str, secret: Secret) -> Self {
        ClientConfig {
            explicit_secret: Some(secret),
            ..ClientConfig::new(base_url, appid, TokenSource::default())
        }
    }

    /// The embedded sandbox at `base_url`: appid `wxsandbox`, secret `sandbox-secret`.
    pub fn sandbox(base_url: &str) -> Self {
        use cardform_spec::sandbox::{SANDBOX_APPID, SANDBOX_SECRET};
        ClientConfig::with_secret(base_url, SANDBOX_APPID, Secret::new(SANDBOX_SECRET))
    }
}

/// The WeChat card API client. Cheap to share behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct WeChatClient {
    transport: Transport,
    tokens: TokenProvider,
    appid: String,
    /// The account's stores (`card/location/batchget`), read once a client (a run).
    pub(crate) stores: tokio::sync::OnceCell<std::collections::BTreeSet<u64>>,
}

impl WeChatClient {
    /// Builds the client and reads the secrets the token source names.
    ///
    /// # Errors
    /// `Config` for a bad base URL or a missing/empty environment variable (named).
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        Self::with_env(config, &process_env)
    }

    /// [`WeChatClient::new`] reading environment variables through `env` (tests, or a
    /// caller that resolves variables itself).
    ///
    /// # Errors
    /// As [`WeChatClient::new`].
    pub fn with_env(config: ClientConfig, env: EnvLookup<'_>) -> Result<Self, ApiError> {
        let transport = Transport::new(
            &config.base_url,
            config.parallelism,
            config.requests_per_second,
            config.timeout,
            config.retry,
        )?;
        let tokens = TokenProvider::from_source(
            &config.appid,
            &config.token,
            config.explicit_secret,
            config.timeout,
            env,
        )?;
        Ok(WeChatClient {
            transport,
            tokens,
            appid: config.appid,
            stores: tokio::sync::OnceCell::new(),
        })
    }

    /// A card client whose access token is `config.appid`'s authorizer_access_token
    /// (`config.appid` = the authorizer's AppID), fetched lazily once through
    /// `platform` (`api_authorizer_token` with `refresh_token`, the one component token
    /// of the run) and fetched again on expiry or a 40001-class answer. Its calls are
    /// under the platform's run-wide cap ([`PlatformClient::with_call_cap`]) as well as
    /// `config.parallelism`. `config.token`
    /// and `config.explicit_secret` are not used.
    ///
    /// # Errors
    /// `Config` for a bad base URL or an empty refresh token. A revoked authorizer
    /// (61003), a bad refresh token (61023) or a card call without the card permission
    /// set (48001) surface on the first call as [`ApiError`]s with WeChat's errcode.
    pub fn for_authorizer(
        config: ClientConfig,
        platform: Arc<PlatformClient>,
        refresh_token: Secret,
    ) -> Result<WeChatClient, ApiError> {
        // Every account of the run shares the platform's cap on calls in flight and its
        // HTTP client (one connection pool to WeChat for the run).
        let transport = Transport::sharing(
            &config.base_url,
            config.parallelism,
            config.requests_per_second,
            config.timeout,
            config.retry,
            Some(platform.transport()),
        )?
        .with_cap(platform.call_cap().cloned());
        let tokens = TokenProvider::for_authorizer(&config.appid, platform, refresh_token)?;
        Ok(WeChatClient {
            transport,
            tokens,
            appid: config.appid,
            stores: tokio::sync::OnceCell::new(),
        })
    }

    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// HTTP requests sent so far, every attempt and token fetch included.
    pub fn calls_made(&self) -> u64 {
        self.transport.calls_made()
    }

    /// The most HTTP requests that were ever in flight at once.
    pub fn in_flight_peak(&self) -> u64 {
        self.transport.in_flight_peak()
    }

    /// The error that stopped the run (45009, no access token), once one did: from then
    /// on every call fails with it and nothing is sent.
    pub fn stopped(&self) -> Option<ApiError> {
        self.transport.halted()
    }

    /// Access tokens fetched so far.
    pub fn token_fetches(&self) -> u64 {
        self.tokens.fetches()
    }

    /// A token-bearing call; the card endpoints are built on this.
    pub(crate) async fn call(&self, req: &Request) -> Result<Value, ApiError> {
        self.transport
            .call(req, Some(&self.tokens as &dyn TokenSupply))
            .await
    }
}
