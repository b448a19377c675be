//! The settings of one run: the command line's flags, merged with what the operator
//! says in the environment (`CARDFORM_ENDPOINT`, `CARDFORM_STATE`, … through
//! [`trust`](super::trust)). The CLI hands over its flags as plain values
//! ([`RunFlags`]); it never reads the environment or the trust rules itself.

use std::time::Duration;

use super::trust::OperatorSettings;

/// The most requests in flight at once, on the command line (`--parallelism`) and in
/// cardform.toml (`[limits] parallelism`): one bound for both.
pub const MAX_PARALLELISM: usize = 256;

/// What the command line says about a run, before the environment is consulted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFlags {
    /// `--parallelism`.
    pub parallelism: Option<usize>,
    /// `--lock-timeout`.
    pub lock_timeout: Option<Duration>,
    /// `--endpoint URL`.
    pub endpoint: Option<String>,
    /// `--sandbox` (the same as `--endpoint sandbox`).
    pub sandbox: bool,
    /// `--state PATH|URL`.
    pub state: Option<String>,
}

/// What the engine needs to know about one run (`--parallelism`, `--lock-timeout`,
/// `--endpoint`, `--state` and the operator's environment).
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// Requests in flight at once; `None`: cardform.toml's, else 16.
    pub parallelism: Option<usize>,
    /// How long to wait for the state lock; `None`: fail at once.
    pub lock_timeout: Option<Duration>,
    /// The operator's overrides and allowances (docs/security.md). The default trusts
    /// nothing beyond what cardform.toml may name by itself.
    pub operator: OperatorSettings,
    /// Builds the run's WeChat client instead of `[account.token]` (a platform
    /// account's client, whose token is its authorizer_access_token).
    pub client: Option<ClientMaker>,
}

/// A client builder: takes the settings the project file gives and returns the client.
pub type MakeClient = dyn Fn(
        cardform_client::ClientConfig,
    ) -> Result<cardform_client::WeChatClient, cardform_client::ApiError>
    + Send
    + Sync;

/// A shared [`MakeClient`].
#[derive(Clone)]
pub struct ClientMaker(pub std::sync::Arc<MakeClient>);

impl std::fmt::Debug for ClientMaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientMaker(..)")
    }
}

impl RunSettings {
    /// The flags, with the operator's environment under them (a flag wins over its
    /// variable).
    pub fn from_env(flags: &RunFlags) -> RunSettings {
        let endpoint = if flags.sandbox {
            Some(super::SANDBOX_ENDPOINT)
        } else {
            flags.endpoint.as_deref()
        };
        RunSettings {
            parallelism: flags.parallelism,
            lock_timeout: flags.lock_timeout,
            operator: OperatorSettings::from_env().with_flags(endpoint, flags.state.as_deref()),
            client: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_bound_is_the_files_bound() {
        let schema = crate::config::project_schema();
        let max = schema
            .pointer("/definitions/Limits/properties/parallelism/maximum")
            .and_then(serde_json::Value::as_u64);
        assert_eq!(max, Some(MAX_PARALLELISM as u64), "{schema}");
    }

    #[test]
    fn sandbox_is_the_sandbox_endpoint() {
        let s = RunSettings::from_env(&RunFlags {
            sandbox: true,
            ..RunFlags::default()
        });
        assert_eq!(
            s.operator.endpoint.map(|(e, _)| e),
            Some(crate::config::SANDBOX_ENDPOINT.to_string())
        );
    }
}
