//! The files of a platform project a person writes: the root `cardform.toml` with
//! `[platform]`, and `accounts/<name>/account.toml`. Both are schema-checked like a
//! project's files (every problem at file:line:col).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::{Limits, Output, Policy, TestWhitelist};

/// The folder holding one folder per merchant account.
pub const ACCOUNTS_DIR: &str = "accounts";
/// The file of an account folder.
pub const ACCOUNT_FILE: &str = "account.toml";
/// The folder of card templates.
pub const TEMPLATES_DIR: &str = "templates";
/// The folder of the local states, one folder per account.
pub const STATE_DIR: &str = "state";
/// The state file's name inside `state/<account>/`.
pub const STATE_FILE: &str = "cardform.state.json";
/// The component AppSecret's variable unless `[platform] component_secret_env` names another.
pub const DEFAULT_SECRET_ENV: &str = "CARDFORM_COMPONENT_SECRET";
/// The verify ticket's variable unless `[platform.verify_ticket] env` names another.
pub const DEFAULT_TICKET_ENV: &str = "CARDFORM_VERIFY_TICKET";
/// WeChat pushes a new component_verify_ticket every 10 minutes; one older than this
/// is refused before anything is sent (the "older than 12 hours").
pub const MAX_TICKET_AGE_SECONDS: i64 = 12 * 3600;
/// The platform's default endpoint.
pub const DEFAULT_PLATFORM_ENDPOINT: &str = "https://api.weixin.qq.com";

/// The root `cardform.toml` of a platform project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformFile {
    /// The API base URL (https://api.weixin.qq.com, or http://127.0.0.1:PORT for `cardform emulator --platform-authorizers N`). A platform has no embedded sandbox.
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// Where the accounts' states live: omitted, each account's state is `state/<account>/cardform.state.json`; a postgres:// URL (without credentials) keeps every account's state in one database, one row (`name=<account>`) and one advisory lock per account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The third-party platform (服务商) and the run-wide rules.
    pub platform: PlatformSection,
    /// Client limits of every account (an account's `[limits]` replaces them).
    #[serde(default)]
    pub limits: Limits,
    /// The plan policy of every account (an account's `[policy]` replaces it whole).
    #[serde(default)]
    pub policy: Policy,
    /// How cardform shows plans.
    #[serde(default)]
    pub output: Output,
}

fn default_endpoint() -> String {
    DEFAULT_PLATFORM_ENDPOINT.to_string()
}

/// `[platform]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformSection {
    /// The component (third-party platform) AppID, wx….
    pub component_appid: String,
    /// The environment variable holding the component AppSecret (default CARDFORM_COMPONENT_SECRET). The secret itself never lives in a file.
    #[serde(default = "default_secret_env")]
    pub component_secret_env: String,
    /// Where the latest component_verify_ticket comes from.
    #[serde(default)]
    pub verify_ticket: TicketSource,
    /// Rules for a whole run across accounts.
    #[serde(default)]
    pub run: RunPolicy,
}

fn default_secret_env() -> String {
    DEFAULT_SECRET_ENV.to_string()
}

/// `[platform.verify_ticket]`: the component_verify_ticket WeChat pushes every 10 minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "source", rename_all = "snake_case", deny_unknown_fields)]
pub enum TicketSource {
    /// An environment variable (default CARDFORM_VERIFY_TICKET), and optionally another holding when it was received (Unix seconds): a ticket older than 12 hours is refused before anything is sent.
    Env {
        #[serde(default = "default_ticket_env")]
        env: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        received_at_env: Option<String>,
    },
    /// A program printing the ticket on stdout (run without a shell; the same rule as token commands: only with CARDFORM_ALLOW_TOKEN_COMMAND=1 or on an interactive terminal).
    Command { command: Vec<String> },
    /// The newest ticket `cardform events serve` stored in the platform's event log (the receiver runs in the platform's folder as its authorisation-event URL); one older than 12 hours, or none, is refused before anything is sent.
    Events,
}

fn default_ticket_env() -> String {
    DEFAULT_TICKET_ENV.to_string()
}

impl Default for TicketSource {
    fn default() -> Self {
        TicketSource::Env {
            env: default_ticket_env(),
            received_at_env: None,
        }
    }
}

/// `[platform.run]`: limits of one run over many accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunPolicy {
    /// Accounts planned or applied at once (`--account-parallelism` overrides; default 32); the run-wide `max_calls_in_flight` bounds their calls together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 256))]
    pub account_parallelism: Option<usize>,
    /// The most WeChat calls in flight at once over the whole run, every account's client and the token calls together (default 64); each account's own `[limits] parallelism` still applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1024))]
    pub max_calls_in_flight: Option<usize>,
    /// The most 券点 one run may spend over all its accounts together; a run whose plans cost more stops with exit 3 before any account is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_coins_per_run: Option<u64>,
    /// The most cards one run may delete or replace over all its accounts together without `--allow-mass-destroy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_destroy_per_run: Option<usize>,
}

/// `accounts/<name>/account.toml`: one merchant account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountFile {
    /// The merchant's Official Account AppID (wx…), an authorizer of the platform with the card permission set.
    pub appid: String,
    /// Replaces the platform's `[policy]` for this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// Replaces the platform's `[limits]` for this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// This account's test whitelist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_whitelist: Option<TestWhitelist>,
    /// Card templates this account uses, `[templates.<name>]` (templates/<name>.toml), each with this account's values of the template's variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// Named sets of this merchant's stores (门店), `<set> = [poi_id, …]` (set names: lowercase letters, digits, _ and -). A template uses one as a whole value, `location_id_list = "${stores.<set>}"`; `cardform accounts import` writes `all` from card/location/batchget. The plan checks the ids against the account's stores.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("propertyNames" = { "pattern": STORE_SET_PATTERN }))]
    pub stores: BTreeMap<String, StoreIds>,
}

/// The names of `[stores]` sets: as account names.
pub const STORE_SET_PATTERN: &str = "^[a-z0-9][a-z0-9_-]{0,63}$";

/// One named set of a merchant's stores: at least one poi_id, each a positive integer, none twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct StoreIds(
    #[schemars(length(min = 1), inner(range(min = 1)), extend("uniqueItems" = true))] pub Vec<u64>,
);

/// Whether an account name can name a folder, a state row and a shard member:
/// lowercase letters, digits, `_` and `-`, starting with a letter or digit, at most 64.
pub fn is_valid_account_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '0'..='9'))
        && s.len() <= 64
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
}

/// Whether `s` can name a `[stores]` set ([`STORE_SET_PATTERN`]; the account-name rule).
pub fn is_valid_store_set_name(s: &str) -> bool {
    is_valid_account_name(s)
}

/// Whether a `cardform.toml` text is a platform's (has a top-level `platform` key).
pub fn is_platform_text(text: &str) -> bool {
    toml::de::DeTable::parse(text)
        .map(|t| t.get_ref().contains_key("platform"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names() {
        assert!(is_valid_account_name("shop-a_1"));
        assert!(is_valid_account_name("7eleven"));
        assert!(!is_valid_account_name("Shop"));
        assert!(!is_valid_account_name("-a"));
        assert!(!is_valid_account_name(""));
        assert!(!is_valid_account_name("a/b"));
    }

    #[test]
    fn platform_files_are_recognised() {
        assert!(is_platform_text("[platform]\ncomponent_appid = \"wx1\"\n"));
        assert!(!is_platform_text("[account]\nappid = \"wx1\"\n"));
        assert!(!is_platform_text("not toml ["));
    }
}
