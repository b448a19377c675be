//! One run against one project: the state backend and its lock, the WeChat client
//! (or the embedded sandbox), and the steps every command shares — load the state,
//! resolve interrupted operations, refresh the live cards, build the plan.
//!
//! The commands are thin; this is the orchestration they share.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};

use crate::apply::recover::{self, Resolution};
use crate::config::images::{LocalImage, hash_local_images, resolve_image};
use crate::config::trust::{self, OperatorSettings, TrustError};
use crate::config::{Project, ProjectConfig, SANDBOX_ENDPOINT};
use crate::emulator::RunningEmulator;
use crate::live::{FetchError, Observed, fetch_live};
use crate::plan::{
    Action, ApiCalls, DesiredInput, Plan, PlanError, PlanInputs, RefreshMode, RefreshSummary,
    StateInput, apply_call_estimate, build_plan, unchanged_since_apply,
};
use crate::report::{Reporter, Step};
use crate::state::{StateFile, StateSession, open_backend};
use crate::state_owner::{self, RunIdentity};
use crate::wechat::{ApiError, ClientConfig, Secret, WeChatClient};

/// What the command line says about one run (the engine's view of `--parallelism`,
/// `--lock-timeout`, `--endpoint`, `--state` and the operator's environment).
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// Requests in flight at once; `None`: cardform.toml's, else 16.
    pub parallelism: Option<usize>,
    /// How long to wait for the state lock; `None`: fail at once.
    pub lock_timeout: Option<std::time::Duration>,
    /// The operator's overrides and allowances (docs/security.md). The default trusts
    /// nothing beyond what cardform.toml may name by itself.
    pub operator: OperatorSettings,
}

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
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Trust(#[from] TrustError),
    #[error("state: {0}")]
    Owner(#[from] state_owner::OwnerError),
    #[error("state: {0}")]
    State(#[from] crate::state::StateError),
    #[error("WeChat client: {0}")]
    Client(ApiError),
    #[error("could not start the embedded sandbox: {0}")]
    Sandbox(String),
    /// The run stopped: the daily quota, or no access token (one error for the run).
    #[error("{0}")]
    Stopped(ApiError),
    #[error("refreshing card {address} ({card_id}): {source}")]
    Refresh {
        address: String,
        card_id: String,
        source: Box<ApiError>,
    },
    #[error("{0}")]
    Shape(#[from] crate::live::ShapeError),
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Plan(Vec<PlanError>),
    #[error("resolving interrupted operations: {0}")]
    Recover(#[from] crate::apply::recover::RecoverError),
    #[error("{0} ({help})", help = .0.help())]
    Image(#[from] crate::config::images::ImagePathError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error(
        "pricing the plan's 券点 purchases (card/pay/getcoinsinfo, getpayprice): {0}; a plan whose cost is unknown cannot be approved — activate the account with `cardform coins activate`, or set the friends coupons' stock back"
    )]
    Pricing(ApiError),
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

/// The result of planning.
pub struct Planned {
    pub plan: Plan,
    pub images: BTreeMap<String, LocalImage>,
    pub resolutions: Vec<Resolution>,
    pub inputs_hash: String,
}

/// Planning options.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub targets: Vec<String>,
    pub refresh_only: bool,
    /// Which managed cards to read (`--refresh`; default: all).
    pub refresh: RefreshMode,
    /// Record resolutions of interrupted operations (apply) or only show them (plan).
    pub write_resolutions: bool,
}

/// Loads the state, resolves interrupted operations, refreshes and plans.
///
/// Memory: the state is read in place, not copied (a copy is made only when an
/// interrupted operation's resolution must be shown without being recorded), and the
/// live content is shared with the plan, so each card is held once in each of its
/// forms: as declared, as last applied (the state), as live and as desired
/// (docs/performance.md has the measurements).
///
/// # Errors
/// See [`SessionError`].
pub async fn make_plan(
    session: &Session,
    project: &Project,
    opts: &PlanOptions,
) -> Result<Planned, SessionError> {
    let mut resolved_copy: Option<StateFile> = None;
    let mut resolutions: Vec<Resolution> = Vec::new();
    if session.state.read(|s| !s.pending.is_empty()) {
        let mut copy = session.state.snapshot();
        let decisions = recover::decide(&session.client, &copy).await?;
        if opts.write_resolutions {
            recover::record(&session.state, &decisions)?;
        } else {
            recover::apply_in_memory(&mut copy, &decisions);
            resolved_copy = Some(copy);
        }
        resolutions = decisions.into_iter().map(|d| d.resolution).collect();
    }
    let desired: BTreeMap<String, DesiredInput> = project
        .cards
        .iter()
        .map(|(a, d)| {
            (
                a.clone(),
                DesiredInput {
                    derived_title: crate::model::title::derived_title(&d.card),
                    card: &d.card,
                    write_rules: &d.write_rules,
                },
            )
        })
        .collect();
    let images = hash_local_images(
        &project.root,
        project
            .cards
            .values()
            .flat_map(|d| d.card.images().into_iter().map(|(_, i)| i)),
    )?;
    // `--target`: refresh only the named cards (one card/get each, not the whole state).
    let only = (!opts.targets.is_empty()).then_some(opts.targets.as_slice());
    let mut wanted = read_state(session, &resolved_copy, |state| {
        cards_to_refresh(state, only)
    });
    // `--refresh=changed`: cards unchanged since their last apply are planned from it.
    let mut unrefreshed: BTreeSet<String> = match opts.refresh {
        RefreshMode::All => BTreeSet::new(),
        RefreshMode::Changed => read_state(session, &resolved_copy, |state| {
            let uploaded = uploaded_urls(state);
            let image_url = |i: &crate::model::ImageRef| resolve_image(i, &images, &uploaded);
            unchanged_since_apply(&desired, &state_inputs(state), &image_url)
        }),
    };
    wanted.retain(|(address, _)| !unrefreshed.contains(address));
    let mut refreshed = wanted.len();
    let mut live = session.refresh_cards(wanted).await?;
    let mut plan = loop {
        let plan = read_state(session, &resolved_copy, |state| {
            let state_inputs = state_inputs(state);
            let uploaded = uploaded_urls(state);
            let image_url = |i: &crate::model::ImageRef| resolve_image(i, &images, &uploaded);
            let inputs = PlanInputs {
                desired: &desired,
                state: &state_inputs,
                live: &live,
                image_url: &image_url,
                targets: &opts.targets,
                refresh_only: opts.refresh_only,
                unrefreshed: &unrefreshed,
            };
            build_plan(&inputs)
        })
        .map_err(SessionError::Plan)?;
        // A card that changes although its files did not (a card it refers to is
        // replaced) is read after all: nothing is changed on WeChat unseen.
        let also: Vec<(String, String)> = plan
            .resource_changes
            .iter()
            .filter(|rc| !rc.refreshed && rc.action.is_change())
            .filter_map(|rc| Some((rc.address.clone(), rc.card_id.clone()?)))
            .collect();
        if also.is_empty() {
            break plan;
        }
        for (address, _) in &also {
            unrefreshed.remove(address);
        }
        refreshed += also.len();
        live.extend(session.refresh_cards(also).await?);
    };
    // `--target` plans only the named cards; the whitelist is the project's.
    if !opts.refresh_only && opts.targets.is_empty() {
        plan.whitelist = read_state(session, &resolved_copy, |state| {
            crate::plan::whitelist::whitelist_change(
                project.config.test_whitelist.as_ref(),
                state.test_whitelist.as_ref(),
            )
        });
    }
    crate::plan::price::price_plan(
        &mut plan,
        &session.client,
        project.config.policy.max_coins_per_apply,
    )
    .await
    .map_err(SessionError::Pricing)?;
    plan.refresh = Some(RefreshSummary {
        mode: opts.refresh,
        refreshed,
        not_refreshed: plan
            .resource_changes
            .iter()
            .filter(|r| !r.refreshed)
            .count(),
    });
    let uploads = read_state(session, &resolved_copy, |state| {
        images_to_upload(&plan, &images, state)
    });
    plan.api_calls = Some(ApiCalls {
        made_by_plan: session.client.calls_made(),
        apply_will_make: apply_call_estimate(&plan, uploads),
    });
    let inputs_hash = inputs_hash(&project.root);
    Ok(Planned {
        plan,
        images,
        resolutions,
        inputs_hash,
    })
}

/// The URLs of uploaded images by the sha256 of their bytes.
fn uploaded_urls(state: &StateFile) -> BTreeMap<String, String> {
    state
        .images
        .iter()
        .map(|(k, v)| (k.clone(), v.url.clone()))
        .collect()
}

/// How many distinct local images applying `plan` uploads (as the executor picks
/// them: those of created, replaced or updated cards the state has no URL for).
fn images_to_upload(
    plan: &Plan,
    images: &BTreeMap<String, LocalImage>,
    state: &StateFile,
) -> usize {
    let mut needed: BTreeSet<&str> = BTreeSet::new();
    for rc in &plan.resource_changes {
        if matches!(rc.action, Action::NoOp | Action::Delete | Action::Stock) {
            continue;
        }
        for (_, img) in rc.desired.iter().flat_map(|c| c.images()) {
            if let crate::model::ImageKind::Local(p) = img.kind()
                && let Some(h) = images.get(p)
                && !state.images.contains_key(&h.sha256)
            {
                needed.insert(h.sha256.as_str());
            }
        }
    }
    needed.len()
}

/// Reads the session's state in place, or the copy with interrupted operations resolved
/// in memory when there is one.
fn read_state<R>(
    session: &Session,
    resolved_copy: &Option<StateFile>,
    f: impl FnOnce(&StateFile) -> R,
) -> R {
    match resolved_copy {
        Some(copy) => f(copy),
        None => session.state.read(f),
    }
}

/// The state's resources as the planner reads them (borrowed, not copied).
pub fn state_inputs(state: &StateFile) -> BTreeMap<String, StateInput<'_>> {
    state
        .resources
        .iter()
        .map(|(a, r)| {
            (
                a.clone(),
                StateInput {
                    card_id: &r.card_id,
                    card_type: &r.card_type,
                    applied: &r.applied,
                    managed: r.managed.as_deref(),
                    status: r.status.as_deref(),
                    desired_hash: r.desired_hash.as_deref(),
                },
            )
        })
        .collect()
}

/// (address, card_id) of the cards in the state, or of the named ones.
fn cards_to_refresh(state: &StateFile, only: Option<&[String]>) -> Vec<(String, String)> {
    state
        .resources
        .iter()
        .filter(|(a, _)| only.is_none_or(|o| o.iter().any(|t| t == *a)))
        .map(|(a, r)| (a.clone(), r.card_id.clone()))
        .collect()
}

/// sha256 over cardform.toml and cards/*.toml (sorted), recorded in saved plans.
pub fn inputs_hash(root: &Path) -> String {
    let mut files: Vec<PathBuf> = vec![root.join("cardform.toml")];
    if let Ok(rd) = std::fs::read_dir(root.join("cards")) {
        let mut cards: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        cards.sort();
        files.extend(cards);
    }
    let mut h = Sha256::new();
    for f in files {
        h.update(
            f.strip_prefix(root)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        h.update(std::fs::read(&f).unwrap_or_default());
    }
    hex::encode(h.finalize())
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
