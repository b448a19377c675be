//! From a loaded project and the run's settings to a checked plan.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::RunError;
use crate::apply::recover::{self, Resolution};
use crate::config::images::{LocalImage, hash_local_images, resolve_image};
use crate::config::trust::SettingChange;
use crate::config::{DenyClass, Project, RunSettings};
use crate::plan::gate::{GatePolicy, Verdict, gate};
use crate::plan::{
    Action, ApiCalls, DesiredInput, Plan, PlanInputs, RefreshMode, RefreshSummary, StateInput,
    apply_call_estimate, build_plan, unchanged_since_apply,
};
use crate::report::Reporter;
use crate::session::Session;
use crate::state::{StateFile, StateStamp};

/// Which run: `plan` shows resolutions of interrupted operations, `apply` records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Operation {
    #[default]
    Plan,
    Apply,
}

impl Operation {
    /// The name the state lock and the owner checks know the run by.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Plan => "plan",
            Operation::Apply => "apply",
        }
    }
}

/// What to plan, and which gates the command line adds.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    pub operation: Operation,
    /// `--target`: plan only these addresses.
    pub targets: Vec<String>,
    pub refresh_only: bool,
    /// `--refresh`: which managed cards to read.
    pub refresh: RefreshMode,
    /// `--max-coins`: the 券点 budget, over `[policy] max_coins_per_apply`.
    pub max_coins: Option<u64>,
    /// `--deny`: classes the command line denies, besides `[policy] deny`.
    pub deny: Vec<DenyClass>,
    /// `--allow-mass-destroy`.
    pub allow_mass_destroy: bool,
    /// `--allow-stock-loss`.
    pub allow_stock_loss: bool,
    /// Settings of the project file that `--trusted-settings` holds back (shown, and
    /// denied by `--deny settings`).
    pub proposed_settings: Vec<SettingChange>,
}

/// Sets the 券点 budget a plan is checked against (`--max-coins` over the project's
/// `[policy] max_coins_per_apply`).
pub(super) fn set_budget(plan: &mut Plan, budget: Option<u64>) {
    if let (Some(max), Some(c)) = (budget, plan.coins.as_mut()) {
        c.budget = Some(cardform_spec::Points::whole(max));
    }
}

/// A made and checked plan.
pub struct CheckedPlan {
    pub planned: Planned,
    pub verdict: Verdict,
    /// The state the plan was made against (recorded in saved plans).
    pub stamp: StateStamp,
    /// How many cards the state manages.
    pub managed: usize,
}

/// An open run with its checked plan; the caller applies it (or not) and closes the
/// session.
pub struct PlanRun {
    pub session: Session,
    pub checked: CheckedPlan,
}

/// Plans `project` under `settings`: opens the run (state lock, client or sandbox),
/// resolves interrupted operations (recorded by `apply`, only shown by `plan`, both as
/// notes to `reporter`), refreshes, builds and prices the plan, and gates it.
///
/// # Errors
/// [`RunError`]; the session is closed when it returns one.
pub async fn run_plan(
    project: &Project,
    settings: &RunSettings,
    request: &PlanRequest,
    reporter: Arc<dyn Reporter>,
) -> Result<PlanRun, RunError> {
    let session = Session::open(
        &project.root,
        project.config.clone(),
        request.operation.name(),
        settings,
        reporter,
    )
    .await?;
    match check_plan(&session, project, request).await {
        Ok(checked) => Ok(PlanRun { session, checked }),
        Err(e) => {
            session.close().await;
            Err(e)
        }
    }
}

async fn check_plan(
    session: &Session,
    project: &Project,
    request: &PlanRequest,
) -> Result<CheckedPlan, RunError> {
    let apply = request.operation == Operation::Apply;
    let opts = PlanOptions {
        targets: request.targets.clone(),
        refresh_only: request.refresh_only,
        refresh: request.refresh,
        write_resolutions: apply,
    };
    let mut planned = make_plan(session, project, &opts).await?;
    for r in &planned.resolutions {
        if apply {
            session.reporter.note(&r.to_string());
        } else {
            session.reporter.note(&crate::i18n::tr!(
                "run-recorded-next-apply",
                resolution = r.to_string()
            ));
        }
    }
    // An interrupted create that matches several live cards: nothing may be applied
    // for that address until the user says which card it is.
    let ambiguous: Vec<String> = planned
        .resolutions
        .iter()
        .filter(|r| matches!(r, Resolution::Ambiguous { .. }))
        .map(ToString::to_string)
        .collect();
    if apply && !ambiguous.is_empty() {
        session.state.commit()?;
        return Err(RunError::Ambiguous(ambiguous.join("; ")));
    }
    // Stores before anything is created or bought (seed 创建朋友的券): one
    // card/location/batchget a run, only when a friends coupon sends its stores.
    let stores = match crate::plan::stores::check_stores(&planned.plan, &session.client).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(unknown)) => Err(RunError::UnknownStores(unknown)),
        Err(e) => Err(RunError::Stores(e)),
    };
    if let Err(e) = stores {
        if apply {
            // The resolutions this run recorded are kept.
            session.state.commit()?;
        }
        return Err(e);
    }
    set_budget(&mut planned.plan, request.max_coins);
    if let Some(c) = planned.plan.coins.as_mut() {
        c.allowed = project.config.policy.allow_coin_purchase;
    }
    planned.plan.settings = request.proposed_settings.clone();
    let policy = GatePolicy {
        deny_flags: &request.deny,
        policy: &project.config.policy,
        allow_mass_destroy: request.allow_mass_destroy,
        allow_stock_loss: request.allow_stock_loss,
    };
    let (verdict, stamp, managed) = session.state.read(|s| {
        (
            gate(&planned.plan, &policy, s),
            s.stamp(),
            s.resources.len(),
        )
    });
    Ok(CheckedPlan {
        planned,
        verdict,
        stamp,
        managed,
    })
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
/// See [`RunError`].
pub async fn make_plan(
    session: &Session,
    project: &Project,
    opts: &PlanOptions,
) -> Result<Planned, RunError> {
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
            .flat_map(|d| d.card.images().into_iter().map(|(_, i)| i))
            .chain(project.sub_merchants.values().flat_map(|s| {
                std::iter::once(&s.spec.logo_url).chain(s.spec.media().into_iter().map(|(_, f)| f))
            })),
    )?;
    // Sub-merchants: read (get, batchget, getapplyprotocol once), then planned.
    let sub_state = read_state(session, &resolved_copy, |s| s.sub_merchants.clone());
    let sub_live =
        crate::plan::sub_merchants::read_live(&session.client, &project.sub_merchants, &sub_state)
            .await
            .map_err(RunError::SubMerchantRead)?;
    let sub_changes = read_state(session, &resolved_copy, |state| {
        let uploaded = uploaded_urls(state);
        let logo = |d: &crate::config::sub_merchants::DesiredSubMerchant| {
            resolve_image(&d.spec.logo_url, &images, &uploaded)
        };
        crate::plan::sub_merchants::plan(
            &project.sub_merchants,
            &sub_state,
            &sub_live,
            &logo,
            &images,
        )
    })
    .map_err(RunError::SubMerchants)?;
    let refused =
        crate::plan::sub_merchants::declaration_errors(&project.sub_merchants, &sub_changes);
    if !refused.is_empty() {
        return Err(RunError::SubMerchantDeclarations(refused));
    }
    let merchant_ids = crate::plan::sub_merchants::merchant_ids(&sub_changes);
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
    let mut live = read_live(session, wanted).await?;
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
                merchant_ids: &merchant_ids,
            };
            build_plan(&inputs)
        })
        .map_err(RunError::Plan)?;
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
        live.extend(read_live(session, also).await?);
    };
    if !opts.refresh_only {
        crate::plan::sub_merchants::hold_waiting(&mut plan, &sub_changes);
        plan.sub_merchants = sub_changes;
    }
    // `--target` plans only the named cards; the whitelist is the project's.
    if !opts.refresh_only && opts.targets.is_empty() {
        plan.whitelist = read_state(session, &resolved_copy, |state| {
            crate::plan::whitelist::whitelist_change(
                project.config.test_whitelist.as_ref(),
                state.test_whitelist.as_ref(),
            )
        });
    }
    if project.config.policy.buy_stock == crate::config::BuyStock::AfterApproval
        && !opts.refresh_only
    {
        crate::plan::approval::defer_purchases(&mut plan);
    }
    crate::plan::price::price_plan(
        &mut plan,
        &session.client,
        project.config.policy.max_coins_per_apply,
    )
    .await
    .map_err(RunError::Pricing)?;
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
        apply_will_make: apply_call_estimate(&plan, uploads)
            + crate::plan::sub_merchants::call_estimate(&plan.sub_merchants),
    });
    let inputs_hash = crate::plan::saved::inputs_hash(&project.root);
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

/// `card/get` of each (address, card_id) with the run's client, parallelism and
/// reporter.
///
/// # Errors
/// As [`crate::live::fetch_many`].
pub(crate) async fn read_live(
    session: &Session,
    wanted: Vec<(String, String)>,
) -> Result<BTreeMap<String, crate::live::Observed>, crate::live::RefreshError> {
    crate::live::fetch_many(
        &session.client,
        wanted,
        session.parallelism,
        session.reporter.as_ref(),
    )
    .await
}
