//! One run against one project: the state backend and its lock, the WeChat client
//! (or the embedded sandbox), and reading the managed cards back from WeChat. Running a
//! plan on top of it is `plan::run`'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};

pub use crate::config::RunSettings;
use crate::config::trust::{self, TrustError};
use crate::config::{ProjectConfig, SANDBOX_ENDPOINT};
use crate::emulator::RunningEmulator;
use crate::live::{FetchError, Observed, fetch_live};
use crate::report::{Reporter, Step};
use crate::state::{StateFile, StateSession, open_backend};
use crate::state_owner::{self, RunIdentity};
use crate::wechat::{ApiError, ClientConfig, Secret, WeChatClient};

/// The client settings of a project file, for a given base URL (the caller resolves
/// `endpoint = "sandbox"` to the embedded emulator's address and secret).
fn client_config(
    project: &ProjectConfig,
    base_url: &str,
    explicit_secret: Option<Secret>,
) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_string(),
        appid: project.account.appid.clone(),
        token: project.account.token.clone(),
        explicit_secret,
        parallelism: project.limits.parallelism,
        requests_per_second: project.limits.requests_per_second,
        timeout: std::time::Duration::from_secs(project.limits.timeout_seconds.max(1)),
        retry: crate::wechat::RetryPolicy::default(),
    }
}

/// Errors of a session; each says what to do.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SessionError {
    #[error("{0}")]
    #[diagnostic(code(cardform::trust))]
    Trust(#[from] TrustError),
    #[error("state: {0}")]
    #[diagnostic(transparent)]
    Owner(#[from] state_owner::OwnerError),
    #[error("state: {0}")]
    #[diagnostic(code(cardform::state))]
    State(#[from] crate::state::StateError),
    #[error("WeChat client: {0}")]
    #[diagnostic(code(cardform::wechat::client))]
    Client(ApiError),
    #[error("could not start the embedded sandbox: {0}")]
    #[diagnostic(code(cardform::sandbox))]
    Sandbox(String),
    /// The run stopped: the daily quota, or no access token (one error for the run).
    #[error("{0}")]
    #[diagnostic(code(cardform::wechat::stopped))]
    Stopped(ApiError),
    #[error("refreshing card {address} ({card_id}): {source}")]
    #[diagnostic(code(cardform::refresh))]
    Refresh {
        address: String,
        card_id: String,
        source: Box<ApiError>,
    },
    #[error("{0}")]
    #[diagnostic(code(cardform::live::shape))]
    Shape(#[from] crate::live::ShapeError),
    #[error("cannot start the async runtime: {0}")]
    #[diagnostic(code(cardform::runtime))]
    Runtime(std::io::Error),
}

/// The operations that write the state, and so record its owner (`state_owner`).
/// The runs that would create every declared card from an empty state.
const CREATING_OPERATIONS: &[&str] = &["plan", "apply"];
const WRITING_OPERATIONS: &[&str] = &["apply", "import", "state resolve", ADOPT_LINEAGE];
/// The one operation that opens another project's state: to make it this project's.
pub const ADOPT_LINEAGE: &str = "state adopt-lineage";

/// An open run: locked state, a client, maybe the sandbox.
pub struct Session {
    pub root: PathBuf,
    pub config: ProjectConfig,
    /// The locked, loaded state and its journal.
    pub state: StateSession,
    pub client: WeChatClient,
    pub parallelism: usize,
    sandbox: Option<RunningEmulator>,
    /// Where progress and notes go (the CLI's terminal, or nowhere).
    pub reporter: Arc<dyn Reporter>,
}

impl Session {
    /// Applies the operator's overrides and checks where credentials would go
    /// (`config::trust`, before anything connects or runs), opens the backend, takes
    /// the run lock (waiting up to `--lock-timeout`), starts the sandbox when
    /// `endpoint = "sandbox"`, and builds the client.
    ///
    /// # Errors
    /// An endpoint, state URL or token command the operator has not allowed; the lock
    /// is held by another run (named), the state cannot be opened, the sandbox cannot
    /// start, or the token source is misconfigured.
    pub async fn open(
        root: &Path,
        mut config: ProjectConfig,
        operation: &str,
        run: &RunSettings,
        reporter: Arc<dyn Reporter>,
    ) -> Result<Session, SessionError> {
        trust::secure(root, &mut config, &run.operator)?;
        let backend = open_backend(root, config.state.as_deref())?;
        let (state, notices) = StateSession::open(backend, operation, run.lock_timeout)?;
        for n in notices {
            reporter.note(&n);
        }
        let parallelism = run.parallelism.unwrap_or(config.limits.parallelism).max(1);
        let (base_url, secret, sandbox) = if config.endpoint == SANDBOX_ENDPOINT {
            let state_dir = sandbox_dir(root, &config);
            let emu = crate::emulator::start_sandbox(&state_dir)
                .await
                .map_err(|e| SessionError::Sandbox(e.to_string()))?;
            (
                emu.base_url().to_string(),
                Some(Secret::new(cardform_spec::sandbox::SANDBOX_SECRET)),
                Some(emu),
            )
        } else {
            (config.endpoint.clone(), None, None)
        };
        let mut client_config = client_config(&config, &base_url, secret);
        client_config.parallelism = parallelism;
        if sandbox.is_some() {
            client_config.appid = cardform_spec::sandbox::SANDBOX_APPID.to_string();
        }
        let identity = RunIdentity::of(&config);
        if operation != ADOPT_LINEAGE {
            state.read(|s| state_owner::check(s.owner.as_ref(), &identity))?;
        }
        if CREATING_OPERATIONS.contains(&operation) {
            state.read(|s| state_owner::check_not_lost(s, &identity, root))?;
        }
        if WRITING_OPERATIONS.contains(&operation) {
            // Recorded by the run's commit (a no-op commit writes nothing).
            state.edit(|s| s.owner = Some(state_owner::stamp(s.owner.as_ref(), &identity)));
        }
        let client = WeChatClient::new(client_config).map_err(SessionError::Client)?;
        Ok(Session {
            root: root.to_path_buf(),
            config,
            state,
            client,
            parallelism,
            sandbox,
            reporter,
        })
    }

    /// A session from parts opened by the caller (an embedding program, or tests that
    /// bring their own state backend and client). It reports nothing; set
    /// [`Session::reporter`] to hear progress.
    pub fn from_parts(
        root: &Path,
        config: ProjectConfig,
        state: StateSession,
        client: WeChatClient,
    ) -> Session {
        let parallelism = config.limits.parallelism.max(1);
        Session {
            root: root.to_path_buf(),
            config,
            state,
            client,
            parallelism,
            sandbox: None,
            reporter: Arc::new(crate::report::Silent),
        }
    }

    /// Releases the lock and stops the sandbox (flushing its data).
    pub async fn close(mut self) {
        if let Some(emu) = self.sandbox.take() {
            let _ = emu.shutdown().await;
        }
    }

    /// `card/get` for every card in the session's state (or only the named ones),
    /// `parallelism` at a time.
    ///
    /// # Errors
    /// A card could not be read (its errcode and guidance) or has a shape cardform
    /// cannot read (the field; the raw JSON with `--debug`).
    pub async fn refresh(
        &self,
        only: Option<&[String]>,
    ) -> Result<BTreeMap<String, Observed>, SessionError> {
        let wanted = self.state.read(|s| cards_to_refresh(s, only));
        self.refresh_cards(wanted).await
    }

    /// `card/get` for each (address, card_id), `parallelism` at a time.
    ///
    /// # Guarantees
    /// Stops at the first error: no card/get starts after it (an error that stops the
    /// run, such as 45009, also halts the client).
    ///
    /// # Errors
    /// As [`Self::refresh`]; an error that stops the run (45009, no access token) is
    /// [`SessionError::Stopped`], reported once, not per card.
    pub async fn refresh_cards(
        &self,
        wanted: Vec<(String, String)>,
    ) -> Result<BTreeMap<String, Observed>, SessionError> {
        let client = &self.client;
        let reporter = self.reporter.as_ref();
        reporter.start(Step::Refresh, wanted.len() as u64);
        let results: Result<BTreeMap<String, Observed>, SessionError> =
            futures::stream::iter(wanted.into_iter().map(|(address, card_id)| async move {
                let got = fetch_live(client, &card_id).await;
                reporter.advance(Step::Refresh);
                match got {
                    Ok(observed) => Ok((address, observed)),
                    Err(FetchError::Shape(e)) => Err(SessionError::Shape(e)),
                    Err(FetchError::Api(source)) if source.stops_run() => {
                        Err(SessionError::Stopped(source))
                    }
                    Err(FetchError::Api(source)) => Err(SessionError::Refresh {
                        address,
                        card_id,
                        source: Box::new(source),
                    }),
                }
            }))
            .buffer_unordered(self.parallelism)
            .try_collect()
            .await;
        reporter.finish(Step::Refresh);
        results
    }
}

fn sandbox_dir(root: &Path, config: &ProjectConfig) -> PathBuf {
    match config.state.as_deref() {
        Some(s) if !s.contains("://") => root
            .join(s)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join("state")),
        _ => root.join("state"),
    }
}

/// (address, card_id) of the cards in the state, or of the named ones.
pub(crate) fn cards_to_refresh(
    state: &StateFile,
    only: Option<&[String]>,
) -> Vec<(String, String)> {
    state
        .resources
        .iter()
        .filter(|(a, _)| only.is_none_or(|o| o.iter().any(|t| t == *a)))
        .map(|(a, r)| (a.clone(), r.card_id.clone()))
        .collect()
}

/// A multi-threaded tokio runtime for one command.
///
/// # Errors
/// The OS refused threads.
pub fn runtime() -> Result<tokio::runtime::Runtime, SessionError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(SessionError::Runtime)
}
