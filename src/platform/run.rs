//! One run over many accounts: each account is planned (and applied) by the engine
//! exactly as a one-account project is, `account_parallelism` accounts at a time, each
//! isolated: an account that fails (revoked, token refused, quota used up, any error)
//! is reported and skipped, and the others go on.
//!
//! Every WeChat call of a run (the token calls and every account's calls) is under one
//! run-wide cap on calls in flight (`cardform_client::CallCap`, handed to every
//! account's client by [`super::tokens`]), so many accounts can be in flight at once
//! while the run's pressure on WeChat stays bounded.
//!
//! With run-wide limits, apply is two phases so the limits can refuse before anything
//! changes (see [`run_accounts`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::StreamExt;

use crate::apply::StopSignal;
use crate::config::{Project, RunSettings};
use crate::engine::{self, ExecuteOptions, Executed, Operation, PlanRequest, PlanRun, run_plan};
use crate::i18n::tr;
use crate::model::Timestamp;
use crate::plan::Plan;
use crate::report::Reporter;
use cardform_spec::Points;

use super::files::RunPolicy;
use super::project::Platform;
use super::tokens::Pending;

/// Why an account was skipped or failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// What was being done: `authorizer`, `plan`, `apply`.
    pub stage: String,
    /// The error, with its errcode when WeChat gave one (secrets never appear).
    pub message: String,
}

/// An account ready to run, or already failed before the run (e.g. not an authorizer).
pub struct Prepared {
    pub name: String,
    pub appid: String,
    pub ready: Result<(Project, RunSettings), Failure>,
}

/// What happened to one account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Planned; nothing applied (plan, or apply refused by a run-wide gate).
    Planned,
    /// Applied (or nothing to apply).
    Applied,
    /// A policy gate refused its plan (exit 3).
    Denied,
    /// It failed or was skipped (exit 4).
    Failed,
}

/// One account's line of the report, and its plan for the details.
#[derive(Debug, Clone)]
pub struct AccountResult {
    pub name: String,
    pub appid: String,
    pub status: Status,
    pub plan: Option<Plan>,
    /// Gate refusals, in words.
    pub denied: Option<String>,
    /// What apply did.
    pub applied: Option<AppliedCounts>,
    pub failure: Option<Failure>,
    /// Card failures of an apply that ran.
    pub errors: Vec<String>,
    /// `plan --save`: the account's plan as `apply PLANFILE` reads it.
    pub saved: Option<Box<crate::plan::saved::SavedPlan>>,
}

/// What an apply did (from the executor's outcome).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AppliedCounts {
    pub created: usize,
    pub updated: usize,
    pub sent_to_review: usize,
    pub replaced: usize,
    pub deleted: usize,
}

impl AccountResult {
    fn failed(name: String, appid: String, failure: Failure) -> Self {
        AccountResult {
            name,
            appid,
            status: Status::Failed,
            plan: None,
            denied: None,
            applied: None,
            failure: Some(failure),
            errors: Vec::new(),
            saved: None,
        }
    }

    /// The 券点 its plan spends.
    pub fn coins(&self) -> Points {
        self.plan
            .as_ref()
            .and_then(|p| p.coins.as_ref())
            .map_or(Points::ZERO, |c| c.price)
    }

    pub fn has_changes(&self) -> bool {
        self.plan
            .as_ref()
            .is_some_and(|p| p.has_changes() || !p.settings.is_empty())
    }
}

/// The command line's part of a run.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub operation: Operation,
    pub account_parallelism: usize,
    pub deny: Vec<crate::config::DenyClass>,
    pub allow_mass_destroy: bool,
    pub allow_stock_loss: bool,
    pub allow_coin_purchase: bool,
    /// `--max-coins`: per account, over `[policy] max_coins_per_apply`.
    pub max_coins: Option<u64>,
    /// `--refresh-only` (the drift check): only report changes made outside cardform.
    pub refresh_only: bool,
    /// `--refresh all|changed`.
    pub refresh: crate::plan::RefreshMode,
    /// `--target`: only these card addresses, in every account.
    pub targets: Vec<String>,
    /// Raised (Ctrl-C) to stop starting new changes, in every account.
    pub stop: StopSignal,
    pub run_policy: RunPolicy,
    /// `plan --save`: keep each account's plan as a saved plan.
    pub save: bool,
    /// `plan --trusted-settings`: what each account's own file proposes for its trusted
    /// settings, by account name (shown in its plan; `--deny settings` gates them).
    pub proposed: BTreeMap<String, Vec<crate::config::trust::SettingChange>>,
}

fn failure(stage: &str, e: &dyn std::fmt::Display) -> Failure {
    Failure {
        stage: stage.to_string(),
        message: crate::visible::visible(&e.to_string()).into_owned(),
    }
}

/// Plans every prepared account (and, for `Operation::Apply`, applies them).
/// Results are in account-name order.
///
/// Memory follows the accounts in flight, not the accounts of the run: an account's
/// session (its client, state and lock) and its project are dropped as soon as it is
/// done, and only its report row and plan stay. Without run-wide limits an apply
/// plans and applies each account in one go. With `max_coins_per_run` or
/// `max_destroy_per_run` (and no `--allow-mass-destroy` for the latter) it first plans
/// every account and closes each one's session, checks the limits over the plans,
/// then plans each account again under its lock and applies it only if that plan is
/// the one checked (else the account fails: run again).
pub async fn run_accounts(
    platform: &Platform,
    accounts: Vec<Pending>,
    now: Timestamp,
    request: &RunRequest,
    reporter: Arc<dyn Reporter>,
) -> RunOutcome {
    let build = |accounts: Vec<Pending>| accounts.into_iter().map(move |p| p.build(platform, now));
    let two_phase = request.operation == Operation::Apply
        && (request.run_policy.max_coins_per_run.is_some()
            || (request.run_policy.max_destroy_per_run.is_some() && !request.allow_mass_destroy));
    if !two_phase {
        let results = one_pass(build(accounts), request, reporter, None).await;
        return RunOutcome {
            results,
            run_refusal: None,
        };
    }
    // The accounts' inputs are kept (not their projects or sessions) for the second
    // phase.
    let again = accounts.clone();
    let check = RunRequest {
        operation: Operation::Plan,
        ..request.clone()
    };
    let planned = one_pass(build(accounts), &check, reporter.clone(), None).await;
    let run_refusal = run_wide_refusal(
        planned.iter(),
        &request.run_policy,
        request.allow_mass_destroy,
    );
    if run_refusal.is_some() {
        return RunOutcome {
            results: planned,
            run_refusal,
        };
    }
    let checked: BTreeMap<String, AccountResult> =
        planned.into_iter().map(|r| (r.name.clone(), r)).collect();
    let results = one_pass(build(again), request, reporter, Some(&checked)).await;
    RunOutcome {
        results,
        run_refusal: None,
    }
}

/// Plans (and for an apply, applies) each account, `account_parallelism` at a time,
/// each account's session closed as soon as it is done. With `checked`, an account is
/// applied only when its plan matches the one the run-wide limits were checked on.
async fn one_pass(
    accounts: impl Iterator<Item = Prepared>,
    request: &RunRequest,
    reporter: Arc<dyn Reporter>,
    checked: Option<&BTreeMap<String, AccountResult>>,
) -> Vec<AccountResult> {
    let n = request.account_parallelism.max(1);
    let plan_request = PlanRequest {
        operation: request.operation,
        max_coins: request.max_coins,
        deny: request.deny.clone(),
        allow_mass_destroy: request.allow_mass_destroy,
        allow_stock_loss: request.allow_stock_loss,
        refresh_only: request.refresh_only,
        refresh: request.refresh,
        targets: request.targets.clone(),
        ..PlanRequest::default()
    };
    let mut results: Vec<AccountResult> =
        // Lazy: an account's project is built when a slot frees up for it.
        futures::stream::iter(accounts.map(|a| {
            let mut plan_request = plan_request.clone();
            plan_request.proposed_settings =
                request.proposed.get(&a.name).cloned().unwrap_or_default();
            let reporter = reporter.clone();
            let (name, appid) = (a.name.clone(), a.appid.clone());
            // A task of its own: the accounts' CPU work (reading answers, planning)
            // spreads over the runtime's threads, not only their waiting.
            let save = request.save;
            let task = tokio::spawn(async move { plan_one(a, &plan_request, reporter, save).await });
            async move {
                let (r, open) = task.await.unwrap_or_else(|e| {
                    let f = failure("plan", &tr!("pf-run-stopped", error = e.to_string()));
                    (AccountResult::failed(name, appid, f), None)
                });
                // The apply is not a task of its own: the executor's futures are not
                // `Send` for every lifetime (a higher-ranked closure in apply).
                match open {
                    Some(run) => match checked.map(|c| c.get(&r.name)) {
                        Some(before) if !same_plan(before, &r) => {
                            run.session.close().await;
                            changed_since_check(r)
                        }
                        _ => apply_one(r, run, request).await,
                    },
                    None => r,
                }
            }
        }))
        .buffer_unordered(n)
        .collect()
        .await;
    results.sort_by(|a, b| a.name.cmp(&b.name));
    results
}

/// Whether the plan made under the lock is the one the run-wide limits were checked on.
fn same_plan(before: Option<&AccountResult>, now: &AccountResult) -> bool {
    before.is_some_and(|b| match (&b.plan, &now.plan) {
        (Some(x), Some(y)) => x.summary == y.summary && b.coins() == now.coins(),
        _ => false,
    })
}

/// The plan as the report keeps it: a card without changes keeps its address,
/// card_id, type, counts and notes, not its contents (live, desired, as typed), which
/// no report shows; so a run's memory does not grow with its unchanged cards.
pub(super) fn for_report(mut plan: Plan) -> Plan {
    for rc in &mut plan.resource_changes {
        if rc.action == crate::plan::Action::NoOp {
            rc.before = None;
            rc.after = None;
            rc.desired = None;
        }
    }
    plan
}

fn changed_since_check(mut r: AccountResult) -> AccountResult {
    r.status = Status::Failed;
    r.failure = Some(Failure {
        stage: "apply".into(),
        message: tr!("pf-plan-changed"),
    });
    r
}

/// The results of a run, and the run-wide gate's refusal if any.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub results: Vec<AccountResult>,
    pub run_refusal: Option<String>,
}

async fn plan_one(
    a: Prepared,
    request: &PlanRequest,
    reporter: Arc<dyn Reporter>,
    save: bool,
) -> (AccountResult, Option<PlanRun>) {
    let (project, settings) = match a.ready {
        Ok(p) => p,
        Err(f) => return (AccountResult::failed(a.name, a.appid, f), None),
    };
    match run_plan(&project, &settings, request, reporter).await {
        Ok(run) => {
            let verdict = &run.checked.verdict;
            let denied = verdict.denied().then(|| verdict.full_report());
            let result = AccountResult {
                name: a.name,
                appid: a.appid,
                status: if denied.is_some() {
                    Status::Denied
                } else {
                    Status::Planned
                },
                plan: Some(for_report(run.checked.planned.plan.clone())),
                denied,
                applied: None,
                failure: None,
                errors: Vec::new(),
                saved: save.then(|| Box::new(super::saved::account_plan(&run.checked))),
            };
            if request.operation == Operation::Apply && result.status == Status::Planned {
                (result, Some(run))
            } else {
                run.session.close().await;
                (result, None)
            }
        }
        Err(e) => (
            AccountResult::failed(a.name, a.appid, failure("plan", &e)),
            None,
        ),
    }
}

pub(super) async fn apply_one(
    mut r: AccountResult,
    run: PlanRun,
    request: &RunRequest,
) -> AccountResult {
    let session = run.session;
    let planned = run.checked.planned;
    let plan = &planned.plan;
    if !plan.has_changes() {
        if let Err(e) = engine::record_unchanged(&session, plan) {
            r.status = Status::Failed;
            r.failure = Some(failure("apply", &e));
        } else {
            r.status = Status::Applied;
            r.applied = Some(AppliedCounts::default());
        }
        session.close().await;
        return r;
    }
    let policy = &session.config.policy;
    let opts = ExecuteOptions {
        allow_coin_purchase: request.allow_coin_purchase || policy.allow_coin_purchase,
        budget: request.max_coins.or(policy.max_coins_per_apply),
        stop: request.stop.clone(),
    };
    match engine::execute(&session, plan, planned.images.clone(), opts).await {
        Ok(Executed::CoinStop(stop)) => {
            if stop.is_policy() {
                r.status = Status::Denied;
                r.denied = Some(stop.to_string());
            } else {
                r.status = Status::Failed;
                r.failure = Some(failure("apply", &stop));
            }
        }
        Ok(Executed::Applied { report, committed }) => {
            r.applied = Some(AppliedCounts {
                created: report.created,
                updated: report.updated,
                sent_to_review: report.sent_to_review,
                replaced: report.replaced,
                deleted: report.deleted,
            });
            r.errors = report
                .failures
                .iter()
                .map(|f| {
                    crate::visible::visible(&format!(
                        "{}: {}: {}",
                        f.address, f.operation, f.message
                    ))
                    .into_owned()
                })
                .collect();
            if let Some(why) = &report.stopped {
                r.errors.push(crate::visible::visible(why).into_owned());
            }
            if let Err(e) = committed {
                r.errors
                    .push(tr!("pf-state-not-saved", error = e.to_string()));
            }
            r.status = if r.errors.is_empty() {
                Status::Applied
            } else {
                Status::Failed
            };
            if r.status == Status::Failed {
                r.failure = Some(Failure {
                    stage: "apply".into(),
                    message: tr!("pf-changes-failed", n = r.errors.len()),
                });
            }
        }
        Err(e) => {
            r.status = Status::Failed;
            r.failure = Some(failure("apply", &e));
        }
    }
    session.close().await;
    r
}

/// The run-wide limits over every account's plan: total 券点, total cards deleted or
/// replaced. `None` when the run may go on.
pub fn run_wide_refusal<'a>(
    results: impl Iterator<Item = &'a AccountResult> + Clone,
    policy: &RunPolicy,
    allow_mass_destroy: bool,
) -> Option<String> {
    let mut why = Vec::new();
    if let Some(max) = policy.max_coins_per_run {
        let total: Points = results.clone().map(AccountResult::coins).sum();
        if total > Points::whole(max) {
            why.push(tr!("pf-run-coins", total = total.to_string(), max = max));
        }
    }
    if let Some(max) = policy.max_destroy_per_run
        && !allow_mass_destroy
    {
        let total: usize = results
            .filter_map(|r| r.plan.as_ref())
            .map(|p| p.summary.delete + p.summary.replace)
            .sum();
        if total > max {
            why.push(tr!("pf-run-destroy", total = total, max = max));
        }
    }
    (!why.is_empty()).then(|| why.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, deletes: usize) -> AccountResult {
        let mut plan = Plan::new(Vec::new(), false);
        plan.summary.delete = deletes;
        AccountResult {
            name: name.into(),
            appid: "wx".into(),
            status: Status::Planned,
            plan: Some(plan),
            denied: None,
            applied: None,
            failure: None,
            errors: Vec::new(),
            saved: None,
        }
    }

    #[test]
    fn the_run_wide_destroy_limit_adds_the_accounts_up() {
        let rs = [result("a", 3), result("b", 3)];
        let policy = RunPolicy {
            max_destroy_per_run: Some(5),
            ..RunPolicy::default()
        };
        let why = run_wide_refusal(rs.iter(), &policy, false).expect("refused");
        assert!(why.contains("6 cards together"), "{why}");
        assert!(run_wide_refusal(rs.iter(), &policy, true).is_none());
        let loose = RunPolicy {
            max_destroy_per_run: Some(6),
            ..RunPolicy::default()
        };
        assert!(run_wide_refusal(rs.iter(), &loose, false).is_none());
    }
}
