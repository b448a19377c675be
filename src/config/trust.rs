//! What a run may do with the account's credentials, decided before any connection
//! (docs/security.md).
//!
//! A plan job runs on files a pull request can edit, with the AppSecret in its
//! environment. So the settings that decide where a credential goes or what program runs
//! are trusted only when they are safe whoever wrote them, or when the operator (the
//! command line, the pipeline's environment, a trusted-settings file) names them:
//!
//! - `endpoint`: secrets and tokens go only over https to a WeChat API host
//!   ([`WECHAT_API_HOSTS`]), to loopback (the emulator) or to `"sandbox"`. Anything
//!   else must come from `--endpoint` / `CARDFORM_ENDPOINT`. Plain `http://` is
//!   refused for any host but loopback, whoever names it.
//! - `state = "postgres://…"` sends `PGUSER`/`PGPASSWORD`: loopback and Unix sockets
//!   from the file, any other host only from `--state` / `CARDFORM_STATE`.
//! - `[account.token] source = "command"` runs a program: only with
//!   `CARDFORM_ALLOW_TOKEN_COMMAND=1` or on an interactive terminal.

use crate::i18n::tr;
use std::fmt;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::loader::PROJECT_FILE;
use super::project::{ProjectConfig, SANDBOX_ENDPOINT, TokenSource};
use super::source::{Locator, Seg, Target};

/// One of WeChat's API hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeChatHost {
    pub host: &'static str,
    /// What WeChat says it is for.
    pub role: &'static str,
}

/// WeChat's API hosts: the only non-loopback hosts a repository file may send the
/// AppSecret or a token to (over https). Source: WeChat's "接口域名说明" (API domain
/// names), docs/reference/wechat-card-api.md §Host. Change this table, nothing else.
pub const WECHAT_API_HOSTS: &[WeChatHost] = &[
    WeChatHost {
        host: "api.weixin.qq.com",
        role: "general: the nearest access point",
    },
    WeChatHost {
        host: "api2.weixin.qq.com",
        role: "general, remote disaster recovery",
    },
    WeChatHost {
        host: "sh.api.weixin.qq.com",
        role: "Shanghai access point",
    },
    WeChatHost {
        host: "sz.api.weixin.qq.com",
        role: "Shenzhen access point",
    },
    WeChatHost {
        host: "hk.api.weixin.qq.com",
        role: "Hong Kong access point",
    },
];

/// `--endpoint`'s environment variable.
pub const ENDPOINT_ENV: &str = "CARDFORM_ENDPOINT";
/// `--state`'s environment variable.
pub const STATE_ENV: &str = "CARDFORM_STATE";
/// Set to `1` to let `[account.token] source = "command"` run its program.
pub const ALLOW_TOKEN_COMMAND_ENV: &str = "CARDFORM_ALLOW_TOKEN_COMMAND";

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file of the project (a pull request can edit it), at line:column.
    Project {
        file: PathBuf,
        line: usize,
        column: usize,
    },
    /// The operator: a flag, an environment variable or a trusted-settings file (named).
    Operator(String),
}

impl Origin {
    pub fn is_operator(&self) -> bool {
        matches!(self, Origin::Operator(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Project { file, line, column } => {
                write!(f, "{}:{line}:{column}", file.display())
            }
            Origin::Operator(what) => f.write_str(what),
        }
    }
}

/// What the operator says about a run: settings that override the project file and
/// are trusted because they do not come from the repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperatorSettings {
    /// `--endpoint` or `CARDFORM_ENDPOINT`, and which of the two.
    pub endpoint: Option<(String, String)>,
    /// `--state` or `CARDFORM_STATE`, and which of the two.
    pub state: Option<(String, String)>,
    /// `CARDFORM_ALLOW_TOKEN_COMMAND=1`, or stdin and stderr are a terminal.
    pub allow_token_command: bool,
    /// `--trusted-settings FILE`: `endpoint`, `[account]`, `state` and `[policy]` were
    /// taken from FILE ([`adopt_trusted`]), so they are the operator's.
    pub settings_file: Option<PathBuf>,
}

impl OperatorSettings {
    /// The process environment's settings (and whether a person is at the terminal).
    pub fn from_env() -> Self {
        Self::from_lookup(
            &|k| std::env::var(k).ok(),
            std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        )
    }

    /// [`Self::from_env`] over any variable lookup (tests).
    pub fn from_lookup(env: &dyn Fn(&str) -> Option<String>, interactive: bool) -> Self {
        let named = |var: &str| {
            env(var)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(|v| (v, var.to_string()))
        };
        OperatorSettings {
            endpoint: named(ENDPOINT_ENV),
            state: named(STATE_ENV),
            allow_token_command: interactive
                || env(ALLOW_TOKEN_COMMAND_ENV).is_some_and(|v| v.trim() == "1"),
            settings_file: None,
        }
    }

    /// Command-line flags win over the environment.
    pub fn with_flags(mut self, endpoint: Option<&str>, state: Option<&str>) -> Self {
        if let Some(e) = endpoint.map(str::trim).filter(|e| !e.is_empty()) {
            self.endpoint = Some((e.to_string(), "--endpoint".to_string()));
        }
        if let Some(s) = state.map(str::trim).filter(|s| !s.is_empty()) {
            self.state = Some((s.to_string(), "--state".to_string()));
        }
        self
    }
}

/// A setting refused because of where it would send a credential or what it would run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error(
        "{}",
        tr!("err-trust-foreign-endpoint", origin = .origin.to_string(), endpoint = .endpoint, hosts = wechat_hosts(), env = ENDPOINT_ENV)
    )]
    ForeignEndpoint { origin: Origin, endpoint: String },
    #[error("{}", tr!("err-trust-plain-http", origin = .origin.to_string(), endpoint = .endpoint))]
    PlainHttp { origin: Origin, endpoint: String },
    #[error("{}", tr!("err-trust-bad-endpoint", origin = .origin.to_string(), endpoint = .endpoint, problem = .problem))]
    BadEndpoint {
        origin: Origin,
        endpoint: String,
        problem: String,
    },
    #[error(
        "{}",
        tr!("err-trust-token-command", origin = .origin.to_string(), program = .program, env = ALLOW_TOKEN_COMMAND_ENV)
    )]
    TokenCommand { origin: Origin, program: String },
    #[error(
        "{}",
        tr!("err-trust-foreign-state", origin = .origin.to_string(), url = .url, host = .host, env = STATE_ENV)
    )]
    ForeignStateHost {
        origin: Origin,
        url: String,
        host: String,
    },
    #[error("{}", tr!("err-trust-empty-state", origin = .origin.to_string()))]
    EmptyState { origin: Origin },
    #[error("{}", tr!("err-trust-bad-state", origin = .origin.to_string(), url = .url, problem = .problem))]
    BadState {
        origin: Origin,
        url: String,
        problem: String,
    },
}

fn wechat_hosts() -> String {
    WECHAT_API_HOSTS
        .iter()
        .map(|h| h.host)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `localhost`, 127.0.0.0/8 or ::1 (with or without brackets).
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim();
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = h
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(h);
    bare.parse::<IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Whether `host` is one of [`WECHAT_API_HOSTS`].
pub fn is_wechat_host(host: &str) -> bool {
    WECHAT_API_HOSTS
        .iter()
        .any(|w| w.host.eq_ignore_ascii_case(host))
}

/// Checks that `endpoint` may receive the account's credentials when it comes from
/// `origin`. Connects nowhere.
///
/// # Errors
/// See [`TrustError`]: a non-WeChat host named by a project file, plain http to a
/// non-loopback host (from anywhere), or not an http(s) URL.
pub fn check_endpoint(endpoint: &str, origin: &Origin) -> Result<(), TrustError> {
    let endpoint = endpoint.trim();
    if endpoint == SANDBOX_ENDPOINT {
        return Ok(());
    }
    let shown = shown_url(endpoint);
    let bad = |problem: &str| TrustError::BadEndpoint {
        origin: origin.clone(),
        endpoint: shown.clone(),
        problem: problem.to_string(),
    };
    let url = reqwest::Url::parse(endpoint)
        .map_err(|e| bad(&tr!("err-trust-not-url", error = e.to_string())))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(&tr!("err-trust-not-http")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(&tr!("err-trust-credentials")));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(bad(&tr!("err-trust-no-host")));
    };
    if is_loopback_host(host) {
        return Ok(());
    }
    if url.scheme() == "http" {
        return Err(TrustError::PlainHttp {
            origin: origin.clone(),
            endpoint: shown,
        });
    }
    if origin.is_operator() || is_wechat_host(host) {
        return Ok(());
    }
    Err(TrustError::ForeignEndpoint {
        origin: origin.clone(),
        endpoint: shown,
    })
}

/// Checks that a `state` setting from `origin` sends database credentials nowhere but
/// loopback (or a Unix socket), unless the operator named it. Local paths and other
/// schemes are left to the state backend. Connects nowhere.
///
/// # Errors
/// [`TrustError::ForeignStateHost`], or [`TrustError::BadState`] for a postgres URL
/// that does not parse.
pub fn check_state(setting: Option<&str>, origin: &Origin) -> Result<(), TrustError> {
    let Some(url) = setting.map(str::trim) else {
        return Ok(());
    };
    if url.is_empty() {
        return Err(TrustError::EmptyState {
            origin: origin.clone(),
        });
    }
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Ok(());
    }
    let shown = crate::state::redact_url(url);
    let hosts = crate::state::postgres::network_hosts(url).map_err(|e| TrustError::BadState {
        origin: origin.clone(),
        url: shown.clone(),
        problem: e.to_string(),
    })?;
    if origin.is_operator() {
        return Ok(());
    }
    match hosts.into_iter().find(|h| !is_loopback_host(h)) {
        Some(host) => Err(TrustError::ForeignStateHost {
            origin: origin.clone(),
            url: shown,
            host,
        }),
        None => Ok(()),
    }
}

/// Checks that the token source runs no program unless the operator allows it.
///
/// # Errors
/// [`TrustError::TokenCommand`].
pub fn check_token_source(
    token: &TokenSource,
    origin: &Origin,
    allowed: bool,
) -> Result<(), TrustError> {
    match token {
        TokenSource::Command { command } if !allowed => Err(TrustError::TokenCommand {
            origin: origin.clone(),
            program: command.first().cloned().unwrap_or_default(),
        }),
        _ => Ok(()),
    }
}

/// Applies the operator's overrides to `config` (read from the project in `root`) and
/// checks every setting that sends a credential or runs a program. Call it before
/// anything connects or runs.
///
/// # Errors
/// The first refused setting, located in cardform.toml or naming the flag or variable.
pub fn secure(
    root: &Path,
    config: &mut ProjectConfig,
    operator: &OperatorSettings,
) -> Result<(), TrustError> {
    let endpoint_origin = match &operator.endpoint {
        Some((endpoint, from)) => {
            config.endpoint = endpoint.clone();
            Origin::Operator(from.clone())
        }
        None => setting_origin(root, operator, &["endpoint"]),
    };
    check_endpoint(&config.endpoint, &endpoint_origin)?;
    check_project_state(root, config, operator)?;
    check_token_source(
        &config.account.token,
        &setting_origin(root, operator, &["account", "token", "command"]),
        operator.allow_token_command,
    )
}

/// Where a setting that no flag overrides came from: the trusted-settings file, or the
/// project file at the setting's line.
fn setting_origin(root: &Path, operator: &OperatorSettings, path: &[&str]) -> Origin {
    match &operator.settings_file {
        Some(file) => Origin::Operator(format!("trusted settings {}", file.display())),
        None => locate(root, path),
    }
}

/// A setting of cardform.toml (`endpoint`, `account`, `state`, `policy`) that differs
/// between the trusted settings a plan ran on and the project file under review.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SettingChange {
    /// The key in cardform.toml.
    pub key: String,
    /// The value in force (from the trusted settings); `null` when unset.
    pub trusted: serde_json::Value,
    /// The value the project file proposes; `null` when unset.
    pub proposed: serde_json::Value,
}

/// The settings `--trusted-settings` takes from its file.
pub const TRUSTED_KEYS: [&str; 4] = ["endpoint", "account", "state", "policy"];

/// Replaces `endpoint`, `[account]`, `state` and `[policy]` of `config` (the project
/// file under review) with `trusted`'s, and returns what the project file proposed for
/// each that differs. `[limits]` stays the project's: it sends nothing anywhere.
pub fn adopt_trusted(config: &mut ProjectConfig, trusted: &ProjectConfig) -> Vec<SettingChange> {
    let value = |c: &ProjectConfig, key: &str| {
        serde_json::to_value(c)
            .ok()
            .and_then(|v| v.get(key).cloned())
            .unwrap_or(serde_json::Value::Null)
    };
    let changes = TRUSTED_KEYS
        .iter()
        .filter_map(|key| {
            let (t, p) = (value(trusted, key), value(config, key));
            (t != p).then(|| SettingChange {
                key: (*key).to_string(),
                trusted: t,
                proposed: p,
            })
        })
        .collect();
    config.endpoint = trusted.endpoint.clone();
    config.account = trusted.account.clone();
    config.state = trusted.state.clone();
    config.policy = trusted.policy.clone();
    changes
}

/// The state part of [`secure`], for commands that open only the state.
///
/// # Errors
/// As [`check_state`].
pub fn check_project_state(
    root: &Path,
    config: &mut ProjectConfig,
    operator: &OperatorSettings,
) -> Result<(), TrustError> {
    let origin = match &operator.state {
        Some((state, from)) => {
            config.state = Some(state.clone());
            Origin::Operator(from.clone())
        }
        None => setting_origin(root, operator, &["state"]),
    };
    check_state(config.state.as_deref(), &origin)
}

/// Where `path` is in `root`'s cardform.toml (the file is read again: it is small, and
/// this runs only to word a refusal). Falls back to the file's start.
pub fn locate(root: &Path, path: &[&str]) -> Origin {
    let file = root.join(PROJECT_FILE);
    let (line, column) = std::fs::read_to_string(&file)
        .ok()
        .map(|text| {
            let segs: Vec<Seg> = path.iter().map(|k| Seg::Key((*k).to_string())).collect();
            Locator::new(&text).locate(&segs, Target::Value)
        })
        .unwrap_or((1, 1));
    Origin::Project { file, line, column }
}

/// A URL for messages: any `user:password@` dropped.
fn shown_url(url: &str) -> String {
    crate::state::redact_url(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Origin {
        Origin::Project {
            file: PathBuf::from("cardform.toml"),
            line: 1,
            column: 12,
        }
    }

    fn flag() -> Origin {
        Origin::Operator("--endpoint".into())
    }

    #[test]
    fn wechat_loopback_and_sandbox_are_allowed_from_the_file() {
        for ok in [
            "sandbox",
            "https://api.weixin.qq.com",
            "https://API.weixin.qq.com/",
            "https://sh.api.weixin.qq.com",
            "http://127.0.0.1:8080",
            "http://127.3.4.5:1",
            "http://localhost:9",
            "https://localhost",
            "http://[::1]:9",
        ] {
            assert_eq!(check_endpoint(ok, &file()), Ok(()), "{ok}");
        }
    }

    #[test]
    fn other_hosts_are_refused_from_the_file_with_the_location_and_the_way_out() {
        for bad in [
            "https://evil.example",
            "https://api.weixin.qq.com.evil.example",
            "https://10.0.0.1",
            "https://0.0.0.0",
        ] {
            let err = check_endpoint(bad, &file()).expect_err(bad);
            let text = err.to_string();
            assert!(text.starts_with("cardform.toml:1:12: "), "{text}");
            assert!(
                text.contains("--endpoint") && text.contains(ENDPOINT_ENV),
                "{text}"
            );
        }
        assert_eq!(check_endpoint("https://evil.example", &flag()), Ok(()));
    }

    #[test]
    fn plain_http_is_refused_off_loopback_whoever_names_it() {
        for origin in [file(), flag()] {
            assert!(matches!(
                check_endpoint("http://api.weixin.qq.com", &origin),
                Err(TrustError::PlainHttp { .. })
            ));
            assert!(matches!(
                check_endpoint("http://127.0.0.1.nip.io:80", &origin),
                Err(TrustError::PlainHttp { .. })
            ));
        }
    }

    #[test]
    fn malformed_endpoints_are_errors_without_credentials() {
        let e = check_endpoint("https://bob:hunter2@api.weixin.qq.com", &file())
            .expect_err("credentials");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        // The user-info trick shows the host it really names.
        let e = check_endpoint("https://api.weixin.qq.com@evil.example", &flag())
            .expect_err("user info");
        assert!(e.to_string().contains("\"https://evil.example\""), "{e}");
        assert!(matches!(
            check_endpoint("ftp://api.weixin.qq.com", &file()),
            Err(TrustError::BadEndpoint { .. })
        ));
        assert!(matches!(
            check_endpoint("not a url", &flag()),
            Err(TrustError::BadEndpoint { .. })
        ));
    }

    #[test]
    fn state_hosts() {
        let st = Origin::Operator("--state".into());
        assert_eq!(check_state(None, &file()), Ok(()));
        for empty in ["", "  "] {
            assert!(matches!(
                check_state(Some(empty), &file()),
                Err(TrustError::EmptyState { .. })
            ));
        }
        assert_eq!(check_state(Some("state/x.json"), &file()), Ok(()));
        assert_eq!(
            check_state(Some("postgres://127.0.0.1/db"), &file()),
            Ok(())
        );
        assert_eq!(
            check_state(Some("postgres://localhost:5/db"), &file()),
            Ok(())
        );
        assert_eq!(check_state(Some("postgres://%2Ftmp/db"), &file()), Ok(()));
        for bad in [
            "postgres://db.example/x",
            "postgresql://127.0.0.1/x?host=db.example",
            "postgres://127.0.0.1/x?hostaddr=10.1.2.3",
        ] {
            let e = check_state(Some(bad), &file()).expect_err(bad);
            assert!(e.to_string().contains(STATE_ENV), "{e}");
            assert_eq!(check_state(Some(bad), &st), Ok(()));
        }
    }

    #[test]
    fn token_command_needs_the_operator() {
        let cmd = TokenSource::Command {
            command: vec!["./steal".into()],
        };
        let e = check_token_source(&cmd, &file(), false).expect_err("refused");
        assert!(e.to_string().contains(ALLOW_TOKEN_COMMAND_ENV), "{e}");
        assert_eq!(check_token_source(&cmd, &file(), true), Ok(()));
        assert_eq!(
            check_token_source(&TokenSource::default(), &file(), false),
            Ok(())
        );
    }

    #[test]
    fn trusted_settings_replace_the_projects_and_list_what_it_proposes() {
        let parse = |t: &str| toml::from_str::<ProjectConfig>(t).expect("config");
        let trusted = parse(
            "endpoint = \"https://api.weixin.qq.com\"\n[account]\nappid = \"wx1\"\n[policy]\ndeny = [\"delete\"]\n",
        );
        let mut pr = parse(
            "endpoint = \"https://evil.example\"\n[account]\nappid = \"wx1\"\n[limits]\nparallelism = 3\n",
        );
        let changes = adopt_trusted(&mut pr, &trusted);
        let keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["endpoint", "policy"]);
        assert_eq!(changes[0].proposed, "https://evil.example");
        assert_eq!(pr.endpoint, "https://api.weixin.qq.com");
        assert_eq!(pr.policy, trusted.policy);
        assert_eq!(pr.limits.parallelism, 3);
        let mut same = trusted.clone();
        assert!(adopt_trusted(&mut same, &trusted).is_empty());
    }

    #[test]
    fn operator_settings_from_env_and_flags() {
        let env = |k: &str| match k {
            ENDPOINT_ENV => Some("https://proxy.example".to_string()),
            ALLOW_TOKEN_COMMAND_ENV => Some("1".to_string()),
            STATE_ENV => Some("  ".to_string()),
            _ => None,
        };
        let o = OperatorSettings::from_lookup(&env, false);
        assert_eq!(
            o.endpoint,
            Some(("https://proxy.example".into(), ENDPOINT_ENV.into()))
        );
        assert_eq!(o.state, None);
        assert!(o.allow_token_command);
        let o = o.with_flags(Some("http://127.0.0.1:1"), None);
        assert_eq!(o.endpoint.map(|e| e.1).as_deref(), Some("--endpoint"));
        assert!(!OperatorSettings::from_lookup(&|_| None, false).allow_token_command);
    }
}
