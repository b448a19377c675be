//! One run against one project: the state backend and its lock, and the WeChat client
//! (or the embedded sandbox). Running a plan on top of it is `engine`'s; reading the
//! managed cards back is `live::fetch_many`'s.

use crate::i18n::tr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::config::RunSettings;
use crate::config::trust::{self, TrustError};
use crate::config::{ProjectConfig, SANDBOX_ENDPOINT};
use crate::emulator::RunningEmulator;
use crate::report::Reporter;
use crate::state::{StateSession, open_backend};
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
    #[error("{}", tr!("err-state-usage", message = .0.to_string()))]
    #[diagnostic(transparent)]
    Owner(#[from] state_owner::OwnerError),
    /// The state error's message already starts with "state:".
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] crate::state::StateError),
    #[error("{}", tr!("err-session-client", error = .0.to_string()))]
    #[diagnostic(transparent)]
    Client(ApiError),
    #[error("{}", tr!("err-session-sandbox", error = .0.to_string()))]
    #[diagnostic(transparent)]
    Sandbox(crate::emulator::EmulatorError),
    #[error("{}", tr!("err-session-runtime", error = crate::state::io_words(.0)))]
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
        let (state, notices) = open_state(root, config.state.clone(), operation, run).await?;
        for n in notices {
            reporter.note(&n);
        }
        let parallelism = run.parallelism.unwrap_or(config.limits.parallelism).max(1);
        let (base_url, secret, sandbox) = if config.endpoint == SANDBOX_ENDPOINT {
            let state_dir = sandbox_dir(root, &config);
            let emu = crate::emulator::start_sandbox(&state_dir)
                .await
                .map_err(SessionError::Sandbox)?;
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
        let client = match &run.client {
            Some(make) => (make.0)(client_config),
            None => WeChatClient::new(client_config),
        }
        .map_err(SessionError::Client)?;
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
}

/// Opens the state and takes its lock on a blocking thread: taking a lock may wait
/// for its holder, and writing the holder record syncs files to disk; on the
/// runtime's own threads either would stall every other task of the process (a
/// platform run has dozens of accounts in flight, each waiting on WeChat).
async fn open_state(
    root: &Path,
    state_setting: Option<String>,
    operation: &str,
    run: &RunSettings,
) -> Result<(StateSession, Vec<String>), SessionError> {
    let root = root.to_path_buf();
    let operation = operation.to_string();
    let lock_timeout = run.lock_timeout;
    tokio::task::spawn_blocking(move || {
        let backend = open_backend(&root, state_setting.as_deref())?;
        Ok(StateSession::open(backend, &operation, lock_timeout)?)
    })
    .await
    .unwrap_or_else(|e| match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        // Only when the runtime is shutting down.
        Err(e) => Err(SessionError::Runtime(std::io::Error::other(e))),
    })
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
