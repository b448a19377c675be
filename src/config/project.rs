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
    /// This project's id, written by its first apply: the state records it, and a state of another project (copied in, or a wrong `state` setting) is refused instead of deleting that project's cards. Keep it; never copy it into another project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
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
    /// How cardform shows plans.
    #[serde(default, skip_serializing_if = "Output::is_default")]
    pub output: Output,
    /// The test whitelist (`card/testwhitelist/set`, reference §6.4): users who may claim cards that are not approved yet, friends coupons included. At most 10 entries in total; cardform sends the whole list (a full replacement) when it changes. Removing the table clears the list only if cardform set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_whitelist: Option<TestWhitelist>,
}

/// `[output]`: how plans are shown to the people who review them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// The language of text, markdown and HTML plans: "en" (default) or "zh-CN".
    /// `--lang` overrides it; JSON plans never change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<crate::i18n::Lang>,
}

impl Output {
    fn is_default(&self) -> bool {
        *self == Output::default()
    }
}

/// `[test_whitelist]`: openids and WeChat usernames (at most 10 together).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestWhitelist {
    /// Users by openid (of this Official Account).
    #[serde(default)]
    pub openids: Vec<String>,
    /// Users by WeChat ID (微信号).
    #[serde(default)]
    pub usernames: Vec<String>,
}

/// The most users the test whitelist takes (reference §6.4, §12).
pub const MAX_TEST_WHITELIST: usize = 10;

impl TestWhitelist {
    pub fn len(&self) -> usize {
        self.openids.len() + self.usernames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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

pub use cardform_client::TokenSource;

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
    cardform_client::DEFAULT_PARALLELISM
}
fn default_timeout() -> u64 {
    cardform_client::DEFAULT_TIMEOUT.as_secs()
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
    /// The most managed cards one plan may delete or replace without `--allow-mass-destroy` (default: half of the managed cards, at least 5). A plan that would delete or replace every managed card always needs the flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_destroy: Option<usize>,
    /// The most 券点 (1 点 = ¥1) one apply may spend on friends-coupon stock; a plan that costs more stops with exit 3 and buys nothing (`--max-coins` on apply overrides). Purchases still need `allow_coin_purchase` or `--allow-coin-purchase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_coins_per_apply: Option<u64>,
    /// When friends-coupon stock is bought with 券点: `immediately` (the default: right after the card is created) or `after_approval`: only once WeChat approved the card, by a later apply or `apply --wait-for-review`; a rejected card never gets stock bought.
    #[serde(default, skip_serializing_if = "BuyStock::is_default")]
    pub buy_stock: BuyStock,
}

/// When friends-coupon stock is bought (`[policy] buy_stock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuyStock {
    /// Right after the card is created (or whenever the plan buys it).
    #[default]
    Immediately,
    /// Only once WeChat approved the card.
    AfterApproval,
}

impl BuyStock {
    fn is_default(&self) -> bool {
        *self == BuyStock::Immediately
    }
}

/// A class of change a policy can deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DenyClass {
    Review,
    Replace,
    Delete,
    Stock,
    /// A proposed change of cardform.toml's trusted settings (endpoint, account, state,
    /// policy) under `--trusted-settings`.
    Settings,
}

impl DenyClass {
    pub const ALL: [DenyClass; 5] = [
        DenyClass::Review,
        DenyClass::Replace,
        DenyClass::Delete,
        DenyClass::Stock,
        DenyClass::Settings,
    ];

    /// The name used in `cardform.toml` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyClass::Review => "review",
            DenyClass::Replace => "replace",
            DenyClass::Delete => "delete",
            DenyClass::Stock => "stock",
            DenyClass::Settings => "settings",
        }
    }
}
