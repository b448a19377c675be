//! The library driven in-process: an in-process emulator, a fast-retrying client and
//! any state backend (the recorded-persister tests wrap the local one). Runs what
//! `cardform apply` runs: resolve pending operations, refresh, plan, apply, commit.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use cardform::apply::recover::Resolution;
use cardform::apply::{ApplyOptions, ApplyOutcome, StopSignal, apply_plan};
use cardform::emulator::{EmulatorConfig, FaultRule, RunningEmulator};
use cardform::engine::{PlanOptions, make_plan};
use cardform::session::Session;
use cardform::state::{LocalBackend, StateBackend, StateSession};
use cardform::wechat::{ClientConfig, RetryPolicy, Secret, WeChatClient};

use super::{LiveCard, parse_cards};

/// An emulator persisting to `data`, on a free loopback port.
pub async fn start_emulator(data: &Path, faults: Vec<FaultRule>) -> RunningEmulator {
    let config = EmulatorConfig {
        data: Some(data.to_path_buf()),
        faults,
        ..EmulatorConfig::default()
    };
    RunningEmulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config)
        .await
        .expect("start the emulator")
}

/// A client of `url` with millisecond backoffs and the given timeout.
pub fn client(url: &str, timeout: Duration) -> WeChatClient {
    let mut config = ClientConfig::with_secret(url, "wxsandbox", Secret::new("sandbox-secret"));
    config.retry = RetryPolicy::fast();
    config.timeout = timeout;
    config.parallelism = 4;
    WeChatClient::new(config).expect("client")
}

/// The local backend of the project at `root`.
pub fn local(root: &Path) -> Box<dyn StateBackend> {
    Box::new(LocalBackend::new(
        root.join("state").join("cardform.state.json"),
    ))
}

/// One `cardform apply --auto-approve` in-process. `Err` when the run could not
/// start or plan (the message), else the report (failures inside).
pub async fn apply_once(
    root: &Path,
    url: &str,
    backend: Box<dyn StateBackend>,
    timeout: Duration,
) -> Result<ApplyOutcome, String> {
    let project = cardform::config::load_project(root).map_err(|e| e.to_string())?;
    let (state, _notices) =
        StateSession::open(backend, "apply", None).map_err(|e| e.to_string())?;
    let session = Session::from_parts(root, project.config.clone(), state, client(url, timeout));
    let opts = PlanOptions {
        targets: Vec::new(),
        refresh_only: false,
        write_resolutions: true,
        refresh: Default::default(),
    };
    let planned = make_plan(&session, &project, &opts)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(r) = planned
        .resolutions
        .iter()
        .find(|r| matches!(r, Resolution::Ambiguous { .. }))
    {
        let _ = session.state.commit();
        return Err(r.to_string());
    }
    let report = apply_plan(
        &planned.plan,
        &session.client,
        &session.state,
        root,
        planned.images,
        ApplyOptions {
            parallelism: session.parallelism,
            allow_coin_purchase: false,
            stop: StopSignal::new(),
        },
        &cardform::report::Silent,
    )
    .await;
    session.state.commit().map_err(|e| e.to_string())?;
    Ok(report)
}

/// Whether a plan (read-only: resolutions are shown, not recorded) has changes.
pub async fn plan_has_changes(root: &Path, url: &str) -> Result<bool, String> {
    let project = cardform::config::load_project(root).map_err(|e| e.to_string())?;
    let (state, _) = StateSession::open(local(root), "plan", None).map_err(|e| e.to_string())?;
    let session = Session::from_parts(
        root,
        project.config.clone(),
        state,
        client(url, Duration::from_secs(5)),
    );
    let planned = make_plan(&session, &project, &PlanOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(planned.plan.has_changes() || !planned.resolutions.is_empty())
}

/// Every card the emulator holds (deleted ones included).
pub async fn live_cards(url: &str) -> Vec<LiveCard> {
    let doc: serde_json::Value = reqwest::get(format!("{url}/__emulator/cards"))
        .await
        .expect("admin cards")
        .json()
        .await
        .expect("admin JSON");
    parse_cards(&doc)
}

/// The committed snapshot of the project at `root`.
pub fn read_state(root: &Path) -> serde_json::Value {
    std::fs::read(root.join("state/cardform.state.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// A project folder at `root` with `cards` and `[limits] parallelism`.
pub fn write_project(root: &Path, cards: &str, parallelism: usize) {
    std::fs::create_dir_all(root.join("cards")).expect("cards dir");
    std::fs::create_dir_all(root.join("assets")).expect("assets dir");
    std::fs::write(
        root.join("cardform.toml"),
        format!(
            "endpoint = \"http://127.0.0.1:9\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\nparallelism = {parallelism}\ntimeout_seconds = 2\n"
        ),
    )
    .expect("cardform.toml");
    std::fs::write(root.join("assets/logo.jpg"), super::TINY_JPEG).expect("logo");
    std::fs::write(root.join("cards/cards.toml"), cards).expect("cards");
}
