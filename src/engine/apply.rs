//! From a checked plan to the changes on WeChat; a saved plan's run.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::RunError;
use super::plan::set_budget;
use crate::apply::coins::CoinStop;
use crate::apply::{ApplyOptions, ApplyOutcome, StopSignal, apply_plan};
use crate::config::images::LocalImage;
use crate::config::{ProjectConfig, RunSettings};
use crate::plan::Plan;
use crate::plan::gate::{GatePolicy, Verdict, gate};
use crate::plan::saved::SavedPlan;
use crate::report::Reporter;
use crate::session::Session;

/// What `apply FILE` adds to a saved plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct SavedRequest {
    /// `--max-coins`.
    pub max_coins: Option<u64>,
    /// `--allow-mass-destroy`.
    pub allow_mass_destroy: bool,
    /// `--allow-stock-loss`: the operator who applies a saved plan gives this consent,
    /// as for `--allow-mass-destroy` (the saved plan does not carry it).
    pub allow_stock_loss: bool,
}

/// Opens the run of a saved plan against its project, `config`
/// being the project's cardform.toml now; checks that the plan is still fresh and
/// gates it exactly as a fresh plan is gated (the reviewer approved what it showed,
/// not the gates: a policy in force now binds it).
///
/// # Errors
/// A stale plan, or [`RunError`]; the session is closed when it returns one.
pub async fn run_saved(
    saved: &mut SavedPlan,
    config: ProjectConfig,
    settings: &RunSettings,
    request: SavedRequest,
    reporter: Arc<dyn Reporter>,
) -> Result<(Session, Verdict), RunError> {
    let session = Session::open(&saved.project_dir, config, "apply", settings, reporter).await?;
    if let Err(e) = saved.check_fresh(&session).await {
        session.close().await;
        return Err(e.into());
    }
    set_budget(
        &mut saved.plan,
        request
            .max_coins
            .or(session.config.policy.max_coins_per_apply),
    );
    let policy = GatePolicy {
        deny_flags: &[],
        policy: &session.config.policy,
        allow_mass_destroy: request.allow_mass_destroy,
        allow_stock_loss: request.allow_stock_loss,
    };
    let verdict = session.state.read(|s| gate(&saved.plan, &policy, s));
    Ok((session, verdict))
}

/// A refresh-only plan is not applied from a file (its changes are the live values
/// as they were): `apply --refresh-only DIR` records them as they are now.
///
/// # Errors
/// [`RunError::RefreshOnlySaved`].
pub fn refuse_refresh_only(path: &std::path::Path, saved: &SavedPlan) -> Result<(), RunError> {
    if saved.plan.refresh_only {
        return Err(RunError::RefreshOnlySaved {
            path: path.display().to_string(),
        });
    }
    Ok(())
}

/// A plan with no change to make: still records resolutions of interrupted
/// operations and cardform's own settings (lifecycle), which need no call to WeChat.
///
/// # Errors
/// The state could not be committed.
pub fn record_unchanged(session: &Session, plan: &Plan) -> Result<(), RunError> {
    if !plan.refresh_only {
        crate::apply::record_local_settings(plan, &session.state);
        crate::apply::record_unchanged_cards(plan, &session.state);
    }
    session.state.commit()?;
    Ok(())
}

/// `apply --refresh-only`: reads the cards again and records their live content as
/// last applied. Nothing is changed on WeChat.
///
/// # Errors
/// A card could not be read, or the state could not be committed.
pub async fn record_refresh(session: &Session, plan: &Plan) -> Result<(), RunError> {
    let wanted = session
        .state
        .read(|s| super::plan::cards_to_refresh(s, None));
    let live = super::plan::read_live(session, wanted).await?;
    crate::apply::record_refresh(plan, &session.state, &live);
    session.state.commit()?;
    Ok(())
}

/// How a checked plan is carried out.
#[derive(Debug, Clone)]
pub struct ExecuteOptions {
    /// `--allow-coin-purchase` or `[policy] allow_coin_purchase`.
    pub allow_coin_purchase: bool,
    /// `--max-coins`, else `[policy] max_coins_per_apply`.
    pub budget: Option<u64>,
    /// Raised by the caller (Ctrl-C) to stop starting new changes.
    pub stop: StopSignal,
}

/// What carrying out a plan came to.
pub enum Executed {
    /// The 券点 preflight stopped it before anything changed (the state, with any
    /// recorded resolutions, is committed).
    CoinStop(CoinStop),
    /// It ran; `committed`: whether the state was saved.
    Applied {
        report: ApplyOutcome,
        committed: Result<crate::state::Committed, crate::state::StateError>,
    },
}

/// The executor's options for this run.
fn apply_options(session: &Session, opts: ExecuteOptions) -> ApplyOptions {
    ApplyOptions {
        parallelism: session.parallelism,
        allow_coin_purchase: opts.allow_coin_purchase,
        stop: opts.stop,
    }
}

/// Carries out a checked plan: the 券点 purchases are checked again against fresh
/// quotes, then every change is made and journaled, and the state committed.
///
/// # Errors
/// The state could not be committed after the preflight stopped the apply.
pub async fn execute(
    session: &Session,
    plan: &Plan,
    images: BTreeMap<String, LocalImage>,
    opts: ExecuteOptions,
) -> Result<Executed, RunError> {
    if let Err(stop) =
        crate::apply::coins::preflight(plan, &session.client, opts.allow_coin_purchase, opts.budget)
            .await
    {
        session.state.commit()?;
        return Ok(Executed::CoinStop(stop));
    }
    let report = apply_plan(
        plan,
        &session.client,
        &session.state,
        &session.root,
        images,
        apply_options(session, opts),
        session.reporter.as_ref(),
    )
    .await;
    let committed = session.state.commit();
    Ok(Executed::Applied { report, committed })
}

/// `apply --wait-for-review` with `[policy] buy_stock = "after_approval"`: buys the
/// stock `plan` left for after approval, for the cards of `approved` only (a rejected
/// card never gets stock), after the same 券点 preflight as any purchase, and commits.
///
/// # Errors
/// The state could not be committed after the preflight stopped the purchases.
pub async fn buy_approved(
    session: &Session,
    plan: &Plan,
    approved: &std::collections::BTreeSet<String>,
    images: BTreeMap<String, LocalImage>,
    opts: ExecuteOptions,
) -> Result<Executed, RunError> {
    // The purchases now due, as a plan the preflight checks like any other.
    let mut waiting = plan.clone();
    waiting
        .resource_changes
        .retain(|rc| approved.contains(&rc.address));
    let mut due = waiting.clone();
    for rc in &mut due.resource_changes {
        if let Some(s) = rc.stock.as_mut() {
            s.after_approval = false;
        }
    }
    if let Err(stop) =
        crate::apply::coins::preflight(&due, &session.client, opts.allow_coin_purchase, opts.budget)
            .await
    {
        session.state.commit()?;
        return Ok(Executed::CoinStop(stop));
    }
    let report = crate::apply::buy_approved(
        &waiting,
        &session.client,
        &session.state,
        &session.root,
        images,
        apply_options(session, opts),
        session.reporter.as_ref(),
    )
    .await;
    let committed = session.state.commit();
    Ok(Executed::Applied { report, committed })
}
