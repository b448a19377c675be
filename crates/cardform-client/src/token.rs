//! Access-token providers for every [`TokenSource`] (reference §1.1, §1.2), with one
//! cache: a token is reused for its lifetime minus a margin, and after an auth errcode
//! (40001/40014/42001) the first caller to `invalidate` it causes exactly one refresh,
//! however many requests failed together.
//!
//! A fetch that fails (after the transport's retries with backoff) is kept for the rest
//! of the run: every waiting and later call gets the same
//! [`ApiError::TokenUnavailable`] without another token request. Fetching again per
//! card turned a token outage into 5 token calls per card (125 calls and 142 s for 25
//! cards) and could spend the token endpoint's daily quota.

use cardform_i18n::tr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::component::{PlatformClient, cache_lifetime};
use super::error::ApiError;
use super::retry::Idempotency;
use super::secret::Secret;
use super::token_source::TokenSource;
use super::transport::{Body, Request, Token, TokenSupply, Transport, malformed};

/// Refresh this long before WeChat's `expires_in` runs out.
const EXPIRY_MARGIN: Duration = Duration::from_secs(300);
/// Lifetime assumed for tokens from an env var or command without `expires_in`.
const EXTERNAL_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// Where tokens come from, with every secret already read.
enum Fetcher {
    Stable {
        appid: String,
        secret: Secret,
    },
    Classic {
        appid: String,
        secret: Secret,
    },
    /// A token someone else keeps fresh, read once from the environment.
    Env {
        var: String,
        token: Secret,
    },
    Command {
        argv: Vec<String>,
        timeout: Duration,
    },
    Component {
        component_appid: String,
        authorizer_appid: String,
        component_secret: Secret,
        verify_ticket: Secret,
        /// WeChat may rotate the refresh token; the newest is kept in memory.
        refresh_token: Mutex<Secret>,
        component_token: Mutex<Option<(Secret, Instant)>>,
    },
    /// A platform's authorizer: its token from `api_authorizer_token` through the
    /// run's shared [`PlatformClient`] (one component token for every account).
    Authorizer {
        platform: Arc<PlatformClient>,
        authorizer_appid: String,
        /// WeChat may rotate the refresh token; the newest is kept in memory.
        refresh_token: Mutex<Secret>,
    },
}

struct Cached {
    token: Secret,
    expires_at: Instant,
    generation: u64,
}

/// The token of the run, or why there is none.
enum Slot {
    Empty,
    Token(Cached),
    /// The fetch failed; kept for the rest of the run.
    Failed(ApiError),
}

/// Fetches and caches access tokens.
pub struct TokenProvider {
    fetcher: Fetcher,
    cache: Mutex<Slot>,
    generations: AtomicU64,
    /// Fetches performed (for tests and benchmarks).
    fetches: AtomicU64,
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenProvider")
            .field("source", &self.source_name())
            .finish_non_exhaustive()
    }
}

/// Looks up an environment variable (the process environment, or a map in tests).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment as an [`EnvLookup`].
pub fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

fn env_secret(env: EnvLookup<'_>, var: &str, what: &str) -> Result<Secret, ApiError> {
    match env(var) {
        Some(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
        Some(_) => Err(ApiError::Config {
            message: tr!("err-api-env-empty", var = var, what = what),
        }),
        None => Err(ApiError::Config {
            message: tr!("err-api-env-unset", var = var, what = what),
        }),
    }
}

impl TokenProvider {
    /// Reads the secrets the source names now, so a missing variable fails before any
    /// request. `explicit_secret` (the sandbox's) replaces the AppSecret variable.
    ///
    /// # Errors
    /// `Config` naming the missing or empty environment variable, or an empty command.
    pub fn from_source(
        appid: &str,
        source: &TokenSource,
        explicit_secret: Option<Secret>,
        command_timeout: Duration,
        env: EnvLookup<'_>,
    ) -> Result<Self, ApiError> {
        let app_secret = |var: &str| match &explicit_secret {
            Some(s) => Ok(s.clone()),
            None => env_secret(env, var, &tr!("err-api-what-appsecret", appid = appid)),
        };
        let fetcher = match source {
            TokenSource::StableToken { secret_env } => Fetcher::Stable {
                appid: appid.to_string(),
                secret: app_secret(secret_env)?,
            },
            TokenSource::Classic { secret_env } => Fetcher::Classic {
                appid: appid.to_string(),
                secret: app_secret(secret_env)?,
            },
            TokenSource::Env { env: var } => Fetcher::Env {
                var: var.clone(),
                token: env_secret(env, var, &tr!("err-api-what-token", appid = appid))?,
            },
            TokenSource::Command { command } => {
                if command.first().is_none_or(|p| p.trim().is_empty()) {
                    return Err(ApiError::Config {
                        message: tr!("err-api-command-empty"),
                    });
                }
                Fetcher::Command {
                    argv: command.clone(),
                    timeout: command_timeout,
                }
            }
            TokenSource::Component {
                component_appid,
                component_secret_env,
                verify_ticket_env,
                refresh_token_env,
            } => Fetcher::Component {
                component_appid: component_appid.clone(),
                authorizer_appid: appid.to_string(),
                component_secret: env_secret(
                    env,
                    component_secret_env,
                    &tr!("err-api-what-component-secret", appid = component_appid),
                )?,
                verify_ticket: env_secret(env, verify_ticket_env, &tr!("err-api-what-ticket"))?,
                refresh_token: Mutex::new(env_secret(
                    env,
                    refresh_token_env,
                    &tr!("err-api-what-refresh-token", appid = appid),
                )?),
                component_token: Mutex::new(None),
            },
        };
        Ok(Self::with_fetcher(fetcher))
    }

    /// The provider of an authorizer's token (`api_authorizer_token` with
    /// `refresh_token`, through `platform`).
    ///
    /// # Errors
    /// `Config` when the refresh token is empty.
    pub fn for_authorizer(
        authorizer_appid: &str,
        platform: Arc<PlatformClient>,
        refresh_token: Secret,
    ) -> Result<Self, ApiError> {
        if refresh_token.is_empty() {
            return Err(ApiError::Config {
                message: tr!("err-api-no-refresh-token", appid = authorizer_appid),
            });
        }
        Ok(Self::with_fetcher(Fetcher::Authorizer {
            platform,
            authorizer_appid: authorizer_appid.to_string(),
            refresh_token: Mutex::new(refresh_token),
        }))
    }

    fn with_fetcher(fetcher: Fetcher) -> Self {
        TokenProvider {
            fetcher,
            cache: Mutex::new(Slot::Empty),
            generations: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
        }
    }

    /// A short name of the source, for messages.
    pub fn source_name(&self) -> &'static str {
        match self.fetcher {
            Fetcher::Stable { .. } => "stable_token",
            Fetcher::Classic { .. } => "classic",
            Fetcher::Env { .. } => "env",
            Fetcher::Command { .. } => "command",
            Fetcher::Component { .. } => "component",
            Fetcher::Authorizer { .. } => "authorizer",
        }
    }

    /// Tokens fetched so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    // Boxed: fetching goes through Transport::call, which calls back into `get`.
    fn fetch<'a>(
        &'a self,
        transport: &'a Transport,
    ) -> BoxFuture<'a, Result<(Secret, Duration), ApiError>> {
        Box::pin(async move {
            match &self.fetcher {
                Fetcher::Stable { appid, secret } => {
                    let req = token_request(
                        "/cgi-bin/stable_token",
                        Method::POST,
                        Vec::new(),
                        Vec::new(),
                        Body::Json(json!({
                            "grant_type": "client_credential",
                            "appid": appid,
                            "secret": secret.expose(),
                            "force_refresh": false,
                        })),
                    );
                    let v = transport.call(&req, None).await?;
                    read_token(&req, &v, "access_token")
                }
                Fetcher::Classic { appid, secret } => {
                    let req = token_request(
                        "/cgi-bin/token",
                        Method::GET,
                        vec![
                            ("grant_type", "client_credential".into()),
                            ("appid", appid.clone()),
                        ],
                        vec![("secret", secret.clone())],
                        Body::None,
                    );
                    let v = transport.call(&req, None).await?;
                    read_token(&req, &v, "access_token")
                }
                Fetcher::Env { var, token } => {
                    tracing::debug!(var = %var, "access token taken from the environment");
                    Ok((token.clone(), EXTERNAL_TOKEN_LIFETIME))
                }
                Fetcher::Command { argv, timeout } => run_command(argv, *timeout).await,
                Fetcher::Component { .. } => self.fetch_component(transport).await,
                Fetcher::Authorizer {
                    platform,
                    authorizer_appid,
                    refresh_token,
                } => {
                    let refresh = refresh_token.lock().await.clone();
                    let got = platform
                        .authorizer_token(authorizer_appid, &refresh)
                        .await?;
                    if let Some(next) = got.refresh_token {
                        *refresh_token.lock().await = next;
                    }
                    Ok((got.access_token, cache_lifetime(got.expires_in)))
                }
            }
        })
    }

    async fn fetch_component(&self, transport: &Transport) -> Result<(Secret, Duration), ApiError> {
        let Fetcher::Component {
            component_appid,
            authorizer_appid,
            component_secret,
            verify_ticket,
            refresh_token,
            component_token,
        } = &self.fetcher
        else {
            return Err(ApiError::Config {
                message: "internal: component fetch on another token source".into(),
            });
        };
        // A stale component token gets one more try with a fresh one.
        for round in 0..2 {
            let ctoken = {
                let mut slot = component_token.lock().await;
                match slot.as_ref() {
                    Some((t, until)) if *until > Instant::now() => t.clone(),
                    _ => {
                        let req = token_request(
                            "/cgi-bin/component/api_component_token",
                            Method::POST,
                            Vec::new(),
                            Vec::new(),
                            Body::Json(json!({
                                "component_appid": component_appid,
                                "component_appsecret": component_secret.expose(),
                                "component_verify_ticket": verify_ticket.expose(),
                            })),
                        );
                        let v = transport.call(&req, None).await?;
                        let (t, life) = read_token(&req, &v, "component_access_token")?;
                        *slot = Some((t.clone(), Instant::now() + life));
                        t
                    }
                }
            };
            let refresh = refresh_token.lock().await.clone();
            let req = token_request(
                "/cgi-bin/component/api_authorizer_token",
                Method::POST,
                Vec::new(),
                vec![("component_access_token", ctoken)],
                Body::Json(json!({
                    "component_appid": component_appid,
                    "authorizer_appid": authorizer_appid,
                    "authorizer_refresh_token": refresh.expose(),
                })),
            );
            match transport.call(&req, None).await {
                Ok(v) => {
                    if let Some(next) = v.get("authorizer_refresh_token").and_then(Value::as_str)
                        && !next.is_empty()
                    {
                        *refresh_token.lock().await = Secret::new(next);
                    }
                    return read_token(&req, &v, "authorizer_access_token");
                }
                Err(e)
                    if round == 0
                        && e.retry_class() == Some(cardform_spec::errcode::RetryClass::Auth) =>
                {
                    *component_token.lock().await = None;
                }
                Err(e) => return Err(e),
            }
        }
        Err(ApiError::Config {
            message: tr!("err-api-component-refused"),
        })
    }
}

fn token_request(
    endpoint: &'static str,
    method: Method,
    query: Vec<(&'static str, String)>,
    secret_query: Vec<(&'static str, Secret)>,
    body: Body,
) -> Request {
    Request {
        endpoint,
        method,
        query,
        secret_query,
        body,
        idempotency: Idempotency::Idempotent,
        body_holds_secrets: true,
    }
}

/// Reads `{key: token, expires_in: seconds}`; the lifetime is `expires_in` minus the
/// margin (half of it when it is shorter than the margin).
fn read_token(req: &Request, v: &Value, key: &str) -> Result<(Secret, Duration), ApiError> {
    let (token, expires_in) = read_token_answer(req, v, key)?;
    Ok((token, lifetime(expires_in)))
}

/// Reads `{key: token, expires_in}` as WeChat wrote it: `expires_in` a number or a
/// numeric string as some answers write it, 7200 when missing. Shared with the open
/// platform's tokens (`component.rs`).
pub(crate) fn read_token_answer(
    req: &Request,
    v: &Value,
    key: &str,
) -> Result<(Secret, Duration), ApiError> {
    let token = v
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| malformed(req, format!("no {key} in the answer"), b""))?;
    let expires_in = v
        .get("expires_in")
        .and_then(|e| e.as_u64().or_else(|| e.as_str()?.trim().parse().ok()))
        .unwrap_or(7200);
    Ok((Secret::new(token), Duration::from_secs(expires_in)))
}

/// How long to keep a token WeChat says lives `expires_in`: that minus the margin, or
/// half of it when it is shorter than twice the margin.
pub(crate) fn lifetime(expires_in: Duration) -> Duration {
    if expires_in > EXPIRY_MARGIN * 2 {
        expires_in - EXPIRY_MARGIN
    } else {
        expires_in / 2
    }
}

/// Runs the token command without a shell. Stdout is the token, or JSON
/// `{"access_token", "expires_in"}`. Stderr is captured and never shown (it may echo
/// secrets); the user is told to run the command by hand.
async fn run_command(argv: &[String], timeout: Duration) -> Result<(Secret, Duration), ApiError> {
    let program = argv.first().cloned().unwrap_or_default();
    let fail = |problem: String| ApiError::TokenCommand {
        program: program.clone(),
        problem,
    };
    let child = tokio::process::Command::new(&program)
        .args(argv.iter().skip(1))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(tr!("err-api-cmd-start", error = e)))?;
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| fail(tr!("err-api-cmd-timeout", seconds = timeout.as_secs())))?
        .map_err(|e| fail(tr!("err-api-cmd-failed", error = e)))?;
    if !output.status.success() {
        return Err(fail(tr!(
            "err-api-cmd-exit",
            status = output.status.to_string(),
            bytes = output.stderr.len()
        )));
    }
    let stdout = String::from_utf8(output.stdout).map_err(|_| fail(tr!("err-api-cmd-utf8")))?;
    let text = stdout.trim();
    if text.starts_with('{') {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| fail(tr!("err-api-cmd-json", error = e.to_string())))?;
        let token = v
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| fail(tr!("err-api-cmd-no-token")))?;
        let life = v
            .get("expires_in")
            .and_then(Value::as_u64)
            .map_or(EXTERNAL_TOKEN_LIFETIME, |s| {
                lifetime(Duration::from_secs(s))
            });
        return Ok((Secret::new(token), life));
    }
    if text.is_empty() || text.contains(char::is_whitespace) {
        return Err(fail(tr!("err-api-cmd-one-token")));
    }
    Ok((Secret::new(text), EXTERNAL_TOKEN_LIFETIME))
}

impl TokenSupply for TokenProvider {
    /// The cached token, or a fresh one. Concurrent callers wait for one fetch.
    ///
    /// # Guarantees
    /// One fetch at a time; a failed fetch is not repeated in this run: every caller,
    /// waiting or later, gets the same error.
    ///
    /// # Errors
    /// [`ApiError::TokenUnavailable`] with the cause: the token endpoint's error (e.g.
    /// 40125 wrong AppSecret, or a 5xx after the retries), a failed command, or a
    /// missing environment variable.
    fn get<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<Token, ApiError>> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            match &*cache {
                Slot::Token(c) if c.expires_at > Instant::now() => {
                    return Ok(Token {
                        value: c.token.clone(),
                        generation: c.generation,
                    });
                }
                Slot::Failed(e) => return Err(e.clone()),
                Slot::Token(_) | Slot::Empty => {}
            }
            let (token, lifetime) = match self.fetch(transport).await {
                Ok(got) => got,
                Err(cause) => {
                    let e = match cause {
                        already @ ApiError::TokenUnavailable { .. } => already,
                        cause => ApiError::TokenUnavailable {
                            source_name: self.source_name(),
                            cause: Box::new(cause),
                        },
                    };
                    tracing::debug!(
                        source = self.source_name(),
                        "access token fetch failed; kept for the run"
                    );
                    *cache = Slot::Failed(e.clone());
                    return Err(e);
                }
            };
            self.fetches.fetch_add(1, Ordering::Relaxed);
            let generation = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::debug!(
                source = self.source_name(),
                generation,
                lifetime_s = lifetime.as_secs(),
                "access token fetched"
            );
            *cache = Slot::Token(Cached {
                token: token.clone(),
                expires_at: Instant::now() + lifetime,
                generation,
            });
            Ok(Token {
                value: token,
                generation,
            })
        })
    }

    /// Drops the cached token if it is still the one of `generation` (a later
    /// generation means another caller already refreshed).
    fn invalidate(&self, generation: u64) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if matches!(&*cache, Slot::Token(c) if c.generation == generation) {
                tracing::debug!(generation, "access token invalidated");
                *cache = Slot::Empty;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_keep_a_margin() {
        assert_eq!(
            lifetime(Duration::from_secs(7200)),
            Duration::from_secs(6900)
        );
        assert_eq!(lifetime(Duration::from_secs(60)), Duration::from_secs(30));
    }

    #[test]
    fn missing_env_var_is_named() {
        let src = TokenSource::StableToken {
            secret_env: "CARDFORM_TEST_SURELY_UNSET_VAR_1".into(),
        };
        match TokenProvider::from_source("wx1", &src, None, Duration::from_secs(1), &|_| None) {
            Err(ApiError::Config { message }) => {
                assert!(
                    message.contains("CARDFORM_TEST_SURELY_UNSET_VAR_1"),
                    "{message}"
                );
                assert!(message.contains("AppSecret"), "{message}");
            }
            other => panic!("expected a config error, got {other:?}"),
        }
        // The explicit (sandbox) secret needs no variable.
        assert!(
            TokenProvider::from_source(
                "wxsandbox",
                &src,
                Some(Secret::new("sandbox-secret")),
                Duration::from_secs(1),
                &|_| None
            )
            .is_ok()
        );
    }

    #[test]
    fn empty_command_is_refused() {
        let src = TokenSource::Command { command: vec![] };
        assert!(matches!(
            TokenProvider::from_source("wx1", &src, None, Duration::from_secs(1), &|_| None),
            Err(ApiError::Config { .. })
        ));
    }

    #[tokio::test]
    async fn command_prints_the_token() {
        let argv = vec!["echo".to_string(), "tok-from-command".to_string()];
        let (t, life) = run_command(&argv, Duration::from_secs(5))
            .await
            .expect("echo runs");
        assert_eq!(t.expose(), "tok-from-command");
        assert_eq!(life, EXTERNAL_TOKEN_LIFETIME);

        let argv = vec![
            "echo".into(),
            r#"{"access_token":"tj","expires_in":7200}"#.into(),
        ];
        let (t, life) = run_command(&argv, Duration::from_secs(5))
            .await
            .expect("json form");
        assert_eq!(t.expose(), "tj");
        assert_eq!(life, Duration::from_secs(6900));
    }

    #[tokio::test]
    async fn command_failures_never_echo_stderr() {
        let canary = "CANARY-SECRET-ON-STDERR";
        let argv = vec![
            "sh".into(),
            "-c".into(),
            format!("echo {canary} >&2; exit 3"),
        ];
        let err = run_command(&argv, Duration::from_secs(5))
            .await
            .err()
            .map(|e| format!("{e} {e:?}"));
        let err = err.unwrap_or_default();
        assert!(err.contains("exited"), "{err}");
        assert!(!err.contains(canary), "{err}");

        let argv = vec!["sleep".into(), "5".into()];
        let err = run_command(&argv, Duration::from_millis(50))
            .await
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("did not finish"));

        let argv = vec!["/nonexistent/cardform-token-helper".into()];
        let err = run_command(&argv, Duration::from_secs(1))
            .await
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("could not start"));

        let argv = vec!["printf".into(), "".into()];
        let err = run_command(&argv, Duration::from_secs(1))
            .await
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("exactly one token"));
    }
}
