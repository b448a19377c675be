//! `cardform.toml`: the project file (account, endpoint, state location, limits, policy).
//!
//! Secrets never live here: the file names the environment variable that holds the
//! AppSecret, or another way to get a token.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The project file, `cardform.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// "sandbox" runs the embedded emulator with its data under state/; otherwise the API base URL (https://api.weixin.qq.com, or http://127.0.0.1:PORT for `cardform emulator`).
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// Where the state lives: a path relative to the project folder (default state/cardform.state.json) or a postgres:// URL without credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The Official Account and how to get its access token.
    pub account: Account,
    /// Client limits.
    #[serde(default)]
    pub limits: Limits,
    /// Plan policy gates, the same as `--deny` on the command line.
    #[serde(default)]
    pub policy: Policy,
}

fn default_endpoint() -> String {
    "sandbox".to_string()
}

/// The value of `endpoint` that means the embedded emulator.
pub const SANDBOX_ENDPOINT: &str = "sandbox";

/// The Official Account (公众号).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The AppID (wx…). The sandbox uses wxsandbox.
    pub appid: String,
    /// How cardform gets an access token (default: stable_token with the secret in CARDFORM_APPSECRET).
    #[serde(default)]
    pub token: TokenSource,
}

/// How to obtain an access token (reference §1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "source", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenSource {
    /// POST /cgi-bin/stable_token: returns the same token while valid, so it does not break other services (recommended).
    StableToken {
        /// Environment variable holding the AppSecret.
        #[serde(default = "default_secret_env")]
        secret_env: String,
    },
    /// GET /cgi-bin/token: each fetch invalidates the previous token after 5 minutes; prefer stable_token or a central token server.
    Classic {
        /// Environment variable holding the AppSecret.
        #[serde(default = "default_secret_env")]
        secret_env: String,
    },
    /// A token someone else keeps fresh, read from an environment variable.
    Env {
        /// Environment variable holding the access token.
        env: String,
    },
    /// A token printed on stdout by a command (e.g. a client of your central token server).
    Command {
        /// Program and arguments; run without a shell.
        command: Vec<String>,
    },
    /// Third-party platform (服务商): the authorizer_access_token of an authorised merchant account.
    Component {
        /// The component (third-party platform) AppID.
        component_appid: String,
        /// Environment variable holding the component AppSecret.
        component_secret_env: String,
        /// Environment variable holding the latest component_verify_ticket.
        verify_ticket_env: String,
        /// Environment variable holding the merchant's authorizer_refresh_token.
        refresh_token_env: String,
    },
}

fn default_secret_env() -> String {
    "CARDFORM_APPSECRET".to_string()
}

impl Default for TokenSource {
    fn default() -> Self {
        TokenSource::StableToken {
            secret_env: default_secret_env(),
        }
    }
}

/// Client limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Requests in flight at once, shared by refresh and apply (`--parallelism` overrides).
    #[serde(default = "default_parallelism")]
    #[schemars(range(min = 1, max = 256))]
    pub parallelism: usize,
    /// Optional cap on requests per second to WeChat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub requests_per_second: Option<u32>,
    /// Per-request timeout in seconds.
    #[serde(default = "default_timeout")]
    #[schemars(range(min = 1, max = 600))]
    pub timeout_seconds: u64,
}

fn default_parallelism() -> usize {
    16
}
fn default_timeout() -> u64 {
    30
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            parallelism: default_parallelism(),
            requests_per_second: None,
            timeout_seconds: default_timeout(),
        }
    }
}

/// Policy gates (exit 3 when violated).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Change classes a plan may not contain: review, replace, delete, stock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<DenyClass>,
    /// Allow friends-coupon stock purchases with 券点 (paid, irreversible) during apply.
    #[serde(default)]
    pub allow_coin_purchase: bool,
}

/// A class of change a policy can deny.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum DenyClass {
    Review,
    Replace,
    Delete,
    Stock,
}
