//! [`TokenSource`]: how the client gets an access token (reference §1). It is also the
//! `[account.token]` table of `cardform.toml`, so it carries serde and schema derives.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
