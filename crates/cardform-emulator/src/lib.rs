//! cardform-emulator: a faithful local WeChat card API (design.md "The emulator").
//!
//! Must not import: any cardform crate but `cardform-spec`. It answers as the reference
//! says WeChat answers; the client and the planner are tested against it, so it may not
//! share their code.
//!
//! It behaves as `reference/wechat-card-api.md` says WeChat behaves, not as a client
//! would like: tokens expire and rotate, new cards wait for review, `card/update`
//! refuses what the update-rule table says WeChat refuses, stock arithmetic, image
//! limits, friends-coupon code rules, quotas, and injected faults. It serves plain HTTP
//! on loopback only and persists its world through an append-only journal plus an
//! atomically written snapshot, so every answered mutation survives `kill -9`.
//!
//! One concept per file: [`server`] (listener, connections, dropping a connection),
//! [`router`] (the path table and the request pipeline), [`world`] (the data and the
//! clock), [`tokens`], [`fields`] (field limits), [`cards`] (create, get, batchget,
//! delete), [`update`] (card/update rules), [`stock`], [`images`], [`codes`],
//! [`coin`] (券点), [`datacube`], [`quota`], [`whitelist`], [`qrcode`], [`faults`],
//! [`persistence`], [`admin`], [`reply`] (the error envelope).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod admin;
pub mod cards;
pub mod codes;
pub mod coin;
pub mod datacube;
pub mod faults;
pub mod fields;
pub mod images;
pub mod persistence;
pub mod qrcode;
pub mod quota;
pub mod reply;
pub mod router;
pub mod server;
pub mod stock;
pub mod tokens;
pub mod update;
pub mod whitelist;
pub mod world;

pub use faults::{FaultMode, FaultRule};
pub use quota::QuotaLimit;

pub use cardform_spec::sandbox::{SANDBOX_APPID, SANDBOX_SECRET};

/// The sandbox's data file name under the project's state folder.
pub const SANDBOX_DATA_FILE: &str = "sandbox.emulator.json";

/// How an emulator behaves.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The AppID it accepts on the token endpoints.
    pub appid: String,
    /// The AppSecret it accepts on the token endpoints.
    pub secret: String,
    /// Persist the world in this file (plus `<file>.journal` and `<file>.lock`).
    pub data: Option<PathBuf>,
    /// Latency added to every WeChat call.
    pub latency_ms: u64,
    /// Approve cards this long after they enter review; 0 = only via the admin API.
    pub review_delay_ms: u64,
    /// Access-token lifetime.
    pub token_ttl_secs: u64,
    /// Fault rules active from the start.
    pub faults: Vec<FaultRule>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            appid: SANDBOX_APPID.to_string(),
            secret: SANDBOX_SECRET.to_string(),
            data: None,
            latency_ms: 0,
            review_delay_ms: 0,
            token_ttl_secs: 7200,
            faults: Vec::new(),
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    // The secret is redacted even though the sandbox's is public: a user may pass a
    // real-looking one with --secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("appid", &self.appid)
            .field("secret", &"<redacted>")
            .field("data", &self.data)
            .field("latency_ms", &self.latency_ms)
            .field("review_delay_ms", &self.review_delay_ms)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("faults", &self.faults)
            .finish()
    }
}

/// What can go wrong starting, running or stopping an emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error(
        "refusing to listen on {0}: the emulator binds loopback addresses only; use 127.0.0.1:PORT (or [::1]:PORT)"
    )]
    NotLoopback(SocketAddr),
    #[error("`{0}` is not a listen address; write it as 127.0.0.1:PORT (port 0 picks a free port)")]
    BadListen(String),
    #[error("cannot listen on {addr}: {source}; pick another port or stop what is using it")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("emulator data {path}: {message}")]
    Data { path: PathBuf, message: String },
    #[error(
        "emulator data {path} is in use by another emulator (lock {lock} is held); stop the other run or use another data file"
    )]
    Locked { path: PathBuf, lock: PathBuf },
    #[error("invalid fault rule `{spec}`: {message} (see docs/emulator.md, \"Fault rules\")")]
    Fault { spec: String, message: String },
    #[error("invalid quota `{spec}`: {message}; write PATH=DAILY or PATH=DAILY/PER_MINUTE")]
    Quota { spec: String, message: String },
}

/// An emulator serving in the current tokio runtime.
pub struct RunningEmulator {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<world::Shared>,
    server: Option<server::ServerHandle>,
}

impl RunningEmulator {
    /// Binds `listen` (loopback only, else an error) and serves in the current tokio
    /// runtime. Loads `config.data` if set (snapshot plus journal).
    ///
    /// # Errors
    /// A non-loopback address, a port in use, an unreadable or locked data file.
    pub async fn start(
        listen: SocketAddr,
        config: EmulatorConfig,
    ) -> Result<RunningEmulator, EmulatorError> {
        if !listen.ip().is_loopback() {
            return Err(EmulatorError::NotLoopback(listen));
        }
        let shared = Arc::new(world::Shared::open(&config)?);
        let (server, addr) = server::serve(listen, shared.clone()).await?;
        let base_url = match addr {
            SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
            SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
        };
        Ok(RunningEmulator {
            base_url,
            addr,
            shared,
            server: Some(server),
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the per-path quota limits (the defaults stay for paths not named).
    pub fn set_quotas(&self, limits: Vec<QuotaLimit>) {
        world::lock(&self.shared.world).quota.set_limits(limits);
    }

    /// Stops serving (in-flight requests get a moment to finish) and flushes the data
    /// into a fresh snapshot.
    ///
    /// # Errors
    /// The snapshot could not be written (the journal still holds every mutation).
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        world::lock(&self.shared.world).flush()
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        // Without shutdown() the journal already holds every answered mutation; just
        // stop accepting.
        if let Some(server) = self.server.take() {
            server.signal_stop();
        }
    }
}

/// The embedded sandbox for `endpoint = "sandbox"`: data in
/// `<state_dir>/sandbox.emulator.json` (state_dir is created if missing), the default
/// appid/secret, review delay 0, a free loopback port.
///
/// # Errors
/// The state folder cannot be created, or the data file is unreadable or locked.
pub async fn start_sandbox(state_dir: &Path) -> Result<RunningEmulator, EmulatorError> {
    std::fs::create_dir_all(state_dir).map_err(|e| EmulatorError::Data {
        path: state_dir.to_path_buf(),
        message: format!("cannot create the state folder: {e}"),
    })?;
    let config = EmulatorConfig {
        data: Some(state_dir.join(SANDBOX_DATA_FILE)),
        ..EmulatorConfig::default()
    };
    RunningEmulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
}
