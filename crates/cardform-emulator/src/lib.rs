//! cardform-emulator: a faithful local WeChat card API (design.md "The emulator").
//!
//! Must not import: any cardform crate but `cardform-spec` and `cardform-events` (the
//! push protocol, which the receiver shares so both speak it the same way). It answers as the reference
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
//! One concept per file, in layers, bottom to top. A file imports only files of its own
//! or a lower layer, and no import cycle runs between files; this file sits on top.
//!
//! 0. Leaf helpers (import no crate file above layer 0):
//!    - [`error`] — `EmulatorError`, what starting, running or stopping can fail with.
//!    - [`reply`] — the error envelope (`ApiError`), the JSON response, body-field readers.
//!    - [`fields`] — field limits, the create-time checks as tables (imports `reply`).
//!    - [`request`] — a request as handlers see it (`Input`, `Upload`, query parsing).
//! 1. [`records`] — the data the world holds, with its pure methods, one file per concept
//!    (cards, codes, 券点, statistics, whitelist, tokens, quotas, fault rules).
//! 2. Built on records:
//!    - [`persistence`] — the append-only journal and the snapshot.
//!    - [`config`] — `EmulatorConfig`, how an emulator behaves.
//! 3. [`world`] — the data and the clock, the shared state, the call log;
//!    [`platform`] — the open platform: the component, its verify ticket and tokens,
//!    and one isolated [`world::World`] per authorizer behind its own lock.
//! 4. Handlers, one file per endpoint family (import world, records, request, reply,
//!    fields; where one reuses another's helper it is named):
//!    - [`tokens`] — `cgi-bin/token`, `cgi-bin/stable_token`.
//!    - [`component`] — the open platform's `cgi-bin/component/*` endpoints.
//!    - [`cards`] — `card/create`, `get`, `batchget`, `delete`, `getcolors`.
//!    - [`update`] — `card/update` rules (uses `cards`' share-card check).
//!    - [`stock`] — `card/modifystock`.
//!    - [`images`] — `media/uploadimg`.
//!    - [`datacube`] — the statistics endpoints, and counting claims and consumes.
//!    - [`codes`] — claims, `card/code/get`, `mark`, `consume`, `unavailable`,
//!      `decrypt` (counts via `datacube`).
//!    - [`deposit`] — custom codes: `card/code/deposit`, `getdepositcount`,
//!      `checkcode`, `update`.
//!    - [`pages`] — `card/user/getcardlist`, `paycell/set`, `landingpage/create`,
//!      `mpnews/gethtml`.
//!    - [`stores`] — `card/location/batchadd`, `batchget`.
//!    - [`special`] — member cards and tickets: create, claims, finding their codes
//!      (used by `cards` for create and by `admin` for claims).
//!    - [`member`] — `card/membercard/*` (uses `special`).
//!    - [`tickets`] — movie, boarding-pass and lucky-money updates (uses `special`).
//!    - [`paygift`] — `card/paygiftcard/*` (uses `special`).
//!    - [`coin`] — 券点, `card/pay/*`.
//!    - [`quota`] — `openapi/quota/get`.
//!    - [`whitelist`] — `card/testwhitelist/set`.
//!    - [`qrcode`] — `card/qrcode/create`.
//!    - [`push`] — WeChat's push events to a configured URL (builds on world; spawns
//!      its deliveries, never holding the world lock).
//!    - [`admin`] — the `/__emulator/` admin API (uses `cards`, `codes`, `coin`,
//!      `member`, `special`, `platform_admin`).
//!    - [`platform_admin`] — the open platform's admin calls.
//! 5. [`router`] — the path table and the request pipeline (faults, token, quota, log);
//!    a card call carrying an authorizer's token runs in that authorizer's world.
//! 6. [`server`] — the listener, connections, dropping a connection.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

pub mod admin;
pub mod cards;
pub mod codes;
pub mod coin;
pub mod component;
pub mod config;
pub mod datacube;
pub mod deposit;
pub mod error;
pub mod fields;
pub mod images;
pub mod latency;
pub mod member;
pub mod pages;
pub mod paygift;
pub mod persistence;
pub mod platform;
pub mod platform_admin;
pub mod push;
pub mod qrcode;
pub mod quota;
pub mod records;
pub mod reply;
pub mod request;
pub mod router;
pub mod server;
pub mod shapes;
pub mod special;
pub mod stock;
pub mod stores;
pub mod submerchant;
pub mod tickets;
pub mod tokens;
pub mod update;
pub mod whitelist;
pub mod world;

pub use config::{EmulatorConfig, PlatformSetup};
pub use error::EmulatorError;
pub use records::{FaultMode, FaultRule, QuotaLimit};
pub use shapes::Shapes;

pub use cardform_spec::sandbox::{SANDBOX_APPID, SANDBOX_SECRET};

/// The sandbox's data file name under the project's state folder.
pub const SANDBOX_DATA_FILE: &str = "sandbox.emulator.json";

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

    /// Stores recorded card/get answers (see `POST /__emulator/seed`); a card_id the
    /// world already holds is left as it is, so a persisted world can be seeded again.
    ///
    /// # Errors
    /// The first answer that cannot be stored, with its index and why.
    pub fn seed(&self, answers: &[serde_json::Value]) -> Result<Vec<String>, String> {
        let mut world = world::lock(&self.shared.world);
        let mut ids = Vec::new();
        for (i, answer) in answers.iter().enumerate() {
            let known = answer
                .pointer("/card/card_type")
                .and_then(serde_json::Value::as_str)
                .and_then(cardform_spec::CardType::from_wire)
                .and_then(|t| {
                    answer
                        .get("card")?
                        .get(t.wire_key())?
                        .pointer("/base_info/id")?
                        .as_str()
                })
                .filter(|id| world.cards.contains_key(*id));
            if let Some(id) = known {
                ids.push(id.to_string());
                continue;
            }
            ids.push(cards::seed(&mut world, answer).map_err(|m| format!("answer {i}: {m}"))?);
        }
        Ok(ids)
    }

    /// Sets the open platform up as `POST /__emulator/platform` does (a new component
    /// when none exists or the AppID differs; at least `authorizers` authorizers with
    /// the card permission set) and returns what `GET /__emulator/platform` answers.
    pub fn setup_platform(
        &self,
        component_appid: &str,
        component_secret: &str,
        authorizers: usize,
    ) -> Option<serde_json::Value> {
        self.shared
            .platform
            .setup(component_appid, component_secret, authorizers);
        self.shared.platform.summary()
    }

    /// What `GET /__emulator/platform` answers: the component, its verify ticket and
    /// its authorizers (with their refresh tokens); `None` without a platform.
    pub fn platform(&self) -> Option<serde_json::Value> {
        self.shared.platform.summary()
    }

    /// Pushes events to `config`'s URL from now on (`None`: stop).
    pub fn set_push(&self, config: Option<push::PushConfig>) {
        self.shared.push.configure(config);
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
/// appid/secret, review delay 0, a free loopback port, and (for a new world) its 券点
/// account opened with the activation reward, so the first apply can buy friends stock.
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
        coins_activated: true,
        ..EmulatorConfig::default()
    };
    RunningEmulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
}
