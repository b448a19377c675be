//! `cardform apply`: a saved plan exactly as reviewed (or refused when stale), or a
//! fresh plan of a project folder that is shown and confirmed first. Parse, call the
//! engine, render; the rules are `engine`'s and `plan::policy`'s.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::apply_output::{ApplyJson, print_report};
use super::error::CommandError;
use super::interrupt::watch_interrupts;
use super::output::{print_json, stdout_color};
use super::project::{load, load_config};
use crate::apply::StopSignal;
use crate::cli::{ApplyArgs, Format};
use crate::config::{ProjectConfig, RunSettings};
use crate::engine::{
    self, ExecuteOptions, Executed, Operation, PlanRequest, SavedRequest, run_plan, run_saved,
};
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::plan::saved::SavedPlan;
use crate::plan::{Plan, TextOptions, render_text};
use crate::progress::TerminalReporter;
use crate::session::{Session, runtime};

pub fn run(args: &ApplyArgs) -> miette::Result<Outcome> {
    if args.target.is_file() && crate::platform::saved::is_platform_plan(&args.target) {
        return super::platform_saved::apply(args);
    }
    if args.accounts.given() || crate::platform::is_platform(&args.target) {
        return super::platform::apply(args);
    }
    if args.target.is_file() {
        apply_saved(args, &args.target)
    } else {
        apply_dir(args)
    }
}

fn apply_dir(args: &ApplyArgs) -> miette::Result<Outcome> {
    let project = load(&args.target)?;
    let request = PlanRequest {
        operation: Operation::Apply,
        refresh_only: args.refresh_only,
        max_coins: args.max_coins,
        allow_mass_destroy: args.allow_mass_destroy,
        allow_stock_loss: args.allow_stock_loss,
        ..PlanRequest::default()
    };
    let settings = RunSettings::from_env(&args.run.flags());
    runtime()?.block_on(async {
        let run = run_plan(&project, &settings, &request, TerminalReporter::shared()).await?;
        let (session, checked) = (run.session, run.checked);
        let plan = &checked.planned.plan;
        if args.format == Format::Text {
            let lang = crate::i18n::for_project(project.config.output.lang);
            let color = stdout_color();
            print!("{}", render_text(plan, TextOptions { color, lang }));
        }
        let result = match checked.verdict.first_refusal() {
            Some(why) => {
                eprint!("{why}");
                Ok(Outcome::PolicyDenied)
            }
            None => confirm_and_apply(args, &session, plan, &checked.planned.images).await,
        };
        finish(&project.config, &session, &result);
        session.close().await;
        result
    })
}

async fn confirm_and_apply(
    args: &ApplyArgs,
    session: &Session,
    plan: &Plan,
    images: &std::collections::BTreeMap<String, crate::config::images::LocalImage>,
) -> miette::Result<Outcome> {
    if !plan.has_changes() {
        engine::record_unchanged(session, plan)?;
        if args.format == Format::Json {
            print_json(&ApplyJson::<()>::unapplied(plan))?;
        }
        return Ok(Outcome::Success);
    }
    if !args.auto_approve && !confirm()? {
        eprintln!("{}", tr!("apply-cancelled"));
        return Ok(Outcome::Failed);
    }
    if args.refresh_only {
        engine::record_refresh(session, plan).await?;
        println!(
            "{}",
            tr!("apply-refresh-recorded", count = plan.summary.drifted)
        );
        return Ok(Outcome::Success);
    }
    execute(args, session, plan, images.clone()).await
}

/// Carries out a checked plan, waits for review when asked, and prints what happened.
async fn execute(
    args: &ApplyArgs,
    session: &Session,
    plan: &Plan,
    images: std::collections::BTreeMap<String, crate::config::images::LocalImage>,
) -> miette::Result<Outcome> {
    let policy = &session.config.policy;
    let stop = StopSignal::new();
    let opts = ExecuteOptions {
        allow_coin_purchase: args.allow_coin_purchase || policy.allow_coin_purchase,
        budget: args.max_coins.or(policy.max_coins_per_apply),
        stop: stop.clone(),
    };
    // Review decisions pushed from now on belong to this apply (--wait-for-review).
    let started_ms = chrono::Utc::now().timestamp_millis();
    let watcher = tokio::spawn(watch_interrupts(stop));
    let executed = engine::execute(session, plan, images.clone(), opts.clone()).await;
    watcher.abort();
    let (mut report, committed) = match executed? {
        Executed::CoinStop(stop) => {
            eprintln!("{}", tr!("apply-error", error = stop.to_string()));
            return Ok(if stop.is_policy() {
                Outcome::PolicyDenied
            } else {
                Outcome::Failed
            });
        }
        Executed::Applied { report, committed } => (report, committed),
    };
    let applied_ok = report.failures.is_empty() && report.stopped.is_none();
    let review = match args.wait_for_review {
        Some(timeout) if applied_ok && committed.is_ok() => {
            Some(super::apply_output::wait_for_review(session, plan, timeout, started_ms).await?)
        }
        _ => None,
    };
    // Cards held back for a sub-merchant under review: wait for its decision too.
    if let Some(timeout) = args
        .wait_for_review
        .filter(|_| applied_ok && committed.is_ok())
    {
        crate::events::wait::wait_for_sub_merchants(session, plan, timeout, started_ms)
            .await
            .map_err(CommandError::from)?;
    }
    // `[policy] buy_stock = "after_approval"`: the cards WeChat approved while we
    // waited get their stock now; a rejected one gets none.
    let approved: std::collections::BTreeSet<String> = review
        .iter()
        .flatten()
        .filter(|r| r.review == "approved")
        .map(|r| r.address.clone())
        .collect();
    let due = crate::plan::approval::deferred(plan).any(|(rc, _)| approved.contains(&rc.address));
    let committed = match committed {
        Ok(_) if due => match engine::buy_approved(session, plan, &approved, images, opts).await? {
            Executed::CoinStop(stop) => {
                report.failures.push(crate::apply::CardFailure {
                    address: "stock".into(),
                    operation: tr!("apply-op-coin-preflight"),
                    message: tr!("apply-approved-not-bought", stop = stop.to_string()),
                    errcode: None,
                    outcome_unknown: false,
                    stops_run: false,
                });
                Ok(())
            }
            Executed::Applied {
                report: bought,
                committed,
            } => {
                report.stock_changed += bought.stock_changed;
                report.failures.extend(bought.failures);
                report.warnings.extend(bought.warnings);
                committed.map(drop)
            }
        },
        other => other.map(drop),
    };
    let applied_ok = report.failures.is_empty() && report.stopped.is_none();
    print_report(args.format, plan, &report, review.as_deref())?;
    committed.map_err(CommandError::State)?;
    let rejected = review.iter().flatten().any(|r| r.review != "approved");
    Ok(if applied_ok && !rejected {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

fn confirm() -> miette::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(CommandError::NoConfirmation.into());
    }
    print!("\n{} ", tr!("apply-confirm"));
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(CommandError::Stdin)?;
    Ok(line.trim() == "yes")
}

fn apply_saved(args: &ApplyArgs, path: &Path) -> miette::Result<Outcome> {
    let mut saved = SavedPlan::read(path)?;
    super::platform_saved::refuse_one_account_plan(path, &saved.project_dir)?;
    eprintln!(
        "{}",
        tr!(
            "apply-saved-plan",
            path = path.display(),
            checksum = saved.checksum
        )
    );
    engine::refuse_refresh_only(path, &saved)?;
    let config = load_config(&saved.project_dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let request = SavedRequest {
        max_coins: args.max_coins,
        allow_mass_destroy: args.allow_mass_destroy,
        allow_stock_loss: args.allow_stock_loss,
    };
    runtime()?.block_on(async {
        let reporter = TerminalReporter::shared();
        let (session, verdict) =
            run_saved(&mut saved, config.clone(), &settings, request, reporter).await?;
        let result = match verdict.first_refusal() {
            Some(why) => {
                eprint!("{why}");
                Ok(Outcome::PolicyDenied)
            }
            None if !saved.plan.has_changes() => {
                println!("{}", tr!("apply-saved-no-changes"));
                Ok(Outcome::Success)
            }
            // A saved plan was reviewed already: applying it is the approval.
            None => execute(args, &session, &saved.plan, saved.images.clone()).await,
        };
        finish(&config, &session, &result);
        session.close().await;
        result
    })
}

/// After a successful apply: the project id the state now records goes into
/// cardform.toml (`state_owner`), unless the file (`config`, as read) has one.
fn finish(config: &ProjectConfig, session: &Session, result: &miette::Result<Outcome>) {
    if matches!(result, Ok(Outcome::Success))
        && let Some(done) =
            crate::state_owner::record_project_id(&session.root, config, &session.state)
    {
        eprintln!("{done}");
    }
}
