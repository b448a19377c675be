//! `cardform apply`: a saved plan exactly as reviewed (or refused when stale), or a
//! fresh plan of a project folder that is shown and confirmed first.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::interrupt::watch_interrupts;
use crate::apply::recover::Resolution;
use crate::apply::{ApplyOptions, ApplyReport, StopSignal, apply_plan};
use crate::cli::{ApplyArgs, Format};
use crate::config::Project;
use crate::exit::Outcome;
use crate::live::Observed;
use crate::plan::saved::SavedPlan;
use crate::plan::{Action, JsonPlan, Plan, TextOptions, json_plan, render_text};
use crate::progress::TerminalReporter;
use crate::session::{PlanOptions, Session, make_plan, runtime};

use super::output::{print_json, stdout_color};
use super::project::{load, report};

pub fn run(args: &ApplyArgs) -> miette::Result<Outcome> {
    if args.target.is_file() {
        apply_saved(args, &args.target)
    } else {
        apply_dir(args)
    }
}

fn apply_dir(args: &ApplyArgs) -> miette::Result<Outcome> {
    let project = load(&args.target)?;
    let rt = runtime().map_err(report)?;
    rt.block_on(async {
        let session = Session::open(
            &project.root,
            project.config.clone(),
            "apply",
            &args.run.settings(),
            TerminalReporter::shared(),
        )
        .await
        .map_err(report)?;
        let result = plan_confirm_apply(args, &project, &session).await;
        record_project_id(&project.root, &project.config, &session, &result);
        session.close().await;
        result
    })
}

async fn plan_confirm_apply(
    args: &ApplyArgs,
    project: &Project,
    session: &Session,
) -> miette::Result<Outcome> {
    let opts = PlanOptions {
        targets: Vec::new(),
        refresh_only: args.refresh_only,
        write_resolutions: true,
        refresh: Default::default(),
    };
    let planned = make_plan(session, project, &opts).await.map_err(report)?;
    for r in &planned.resolutions {
        eprintln!("note: {r}");
    }
    // An interrupted create that matches several live cards: nothing may be planned
    // for that address until the user says which card it is.
    let ambiguous: Vec<String> = planned
        .resolutions
        .iter()
        .filter(|r| matches!(r, Resolution::Ambiguous { .. }))
        .map(ToString::to_string)
        .collect();
    if !ambiguous.is_empty() {
        session.state.commit().map_err(report)?;
        return Err(miette::miette!(
            help = "run `cardform state resolve ADDRESS --adopt CARD_ID` (then delete the other cards) or `--forget`, and apply again",
            "cannot apply: {}",
            ambiguous.join("; ")
        ));
    }
    let mut planned = planned;
    if let (Some(max), Some(c)) = (args.max_coins, planned.plan.coins.as_mut()) {
        c.budget = Some(cardform_spec::Points::whole(max));
    }
    let plan = &planned.plan;
    if args.format == Format::Text {
        print!(
            "{}",
            render_text(
                plan,
                TextOptions {
                    color: stdout_color(),
                    lang: project.config.output.lang.unwrap_or_default(),
                }
            )
        );
    }
    let violated = crate::plan::policy::violations(plan, &project.config.policy.deny);
    if !violated.is_empty() {
        eprint!("{}", crate::plan::policy::report(&violated));
        return Ok(Outcome::PolicyDenied);
    }
    if refuse_mass_destroy(args, plan, session, &project.config) {
        return Ok(Outcome::PolicyDenied);
    }
    if let Some(why) = crate::plan::policy::coin_limits_report(plan) {
        eprint!("{why}");
        return Ok(Outcome::PolicyDenied);
    }
    if !plan.has_changes() {
        // Still store resolutions of interrupted operations and cardform's own
        // settings (lifecycle), which need no call to WeChat.
        if !args.refresh_only {
            crate::apply::record_local_settings(plan, &session.state);
            crate::apply::record_unchanged_cards(plan, &session.state);
        }
        session.state.commit().map_err(report)?;
        if args.format == Format::Json {
            print_json(&ApplyJson::<()> {
                format_version: crate::plan::FORMAT_VERSION,
                applied: false,
                summary: None,
                review: None,
                plan: json_plan(plan),
            })?;
        }
        return Ok(Outcome::Success);
    }
    if !args.auto_approve && !confirm()? {
        eprintln!("Apply cancelled: nothing was changed.");
        return Ok(Outcome::Failed);
    }
    if args.refresh_only {
        record_refresh(session, plan).await.map_err(report)?;
        session.state.commit().map_err(report)?;
        println!(
            "Recorded the live values of {} card(s) as last applied. Nothing changed on WeChat.",
            plan.summary.drifted
        );
        return Ok(Outcome::Success);
    }
    let allow_coin = args.allow_coin_purchase || project.config.policy.allow_coin_purchase;
    execute(args, session, plan, planned.images.clone(), allow_coin).await
}

async fn execute(
    args: &ApplyArgs,
    session: &Session,
    plan: &Plan,
    images: std::collections::BTreeMap<String, crate::config::images::LocalImage>,
    allow_coin_purchase: bool,
) -> miette::Result<Outcome> {
    let budget = args.max_coins.or(session.config.policy.max_coins_per_apply);
    if let Err(stop) =
        crate::apply::coins::preflight(plan, &session.client, allow_coin_purchase, budget).await
    {
        session.state.commit().map_err(report)?;
        eprintln!("error: {stop}");
        return Ok(if stop.is_policy() {
            Outcome::PolicyDenied
        } else {
            Outcome::Failed
        });
    }
    let stop = StopSignal::new();
    let opts = ApplyOptions {
        parallelism: session.parallelism,
        allow_coin_purchase,
        stop: stop.clone(),
    };
    let watcher = tokio::spawn(watch_interrupts(stop));
    let report_ = apply_plan(
        plan,
        &session.client,
        &session.state,
        &session.root,
        images,
        opts,
        session.reporter.as_ref(),
    )
    .await;
    watcher.abort();
    let committed = session.state.commit();
    let applied_ok = report_.failures.is_empty() && report_.stopped.is_none();
    let review = match args.wait_for_review {
        Some(timeout) if applied_ok && committed.is_ok() => {
            Some(wait_for_review(session, plan, timeout).await?)
        }
        _ => None,
    };
    print_report(args.format, plan, &report_, review.as_deref())?;
    committed.map_err(report)?;
    let rejected = review.iter().flatten().any(|r| r.review != "approved");
    if applied_ok && !rejected {
        Ok(Outcome::Success)
    } else {
        Ok(Outcome::Failed)
    }
}

/// `apply --wait-for-review`: the cards the apply created or sent to review, polled
/// until WeChat approves or rejects each (or the timeout passes).
async fn wait_for_review(
    session: &Session,
    plan: &Plan,
    timeout: std::time::Duration,
) -> miette::Result<Vec<crate::operate::review::ReviewOutcome>> {
    let cards: Vec<(String, String)> = session.state.read(|s| {
        plan.resource_changes
            .iter()
            .filter(|rc| rc.triggers_review)
            .filter_map(|rc| {
                s.resources
                    .get(&rc.address)
                    .map(|r| (rc.address.clone(), r.card_id.clone()))
            })
            .collect()
    });
    if cards.is_empty() {
        return Ok(Vec::new());
    }
    eprintln!(
        "Waiting up to {}s for WeChat review of {} card(s)…",
        timeout.as_secs(),
        cards.len()
    );
    crate::operate::review::wait_for_review(&session.client, cards, timeout, |done, total| {
        if done < total {
            eprintln!("  {done} of {total} decided");
        }
    })
    .await
    .map_err(report)
}

fn print_report(
    format: Format,
    plan: &Plan,
    r: &ApplyReport,
    review: Option<&[crate::operate::review::ReviewOutcome]>,
) -> miette::Result<()> {
    match format {
        Format::Json => print_json(&ApplyJson {
            format_version: crate::plan::FORMAT_VERSION,
            applied: true,
            summary: Some(&r),
            review,
            plan: json_plan(plan),
        }),
        _ => {
            for w in &r.warnings {
                eprintln!("warning: {w}");
            }
            if let Some(why) = &r.stopped {
                eprintln!(
                    "Apply stopped early ({why}): {} change(s) were not started; everything started was finished and recorded. Run apply again to continue.",
                    r.not_started
                );
            }
            if r.failures.is_empty() {
                println!("{}", r.summary());
            } else {
                println!("{}", r.summary());
                eprintln!(
                    "Apply finished with {} failure(s); everything that succeeded is recorded in the state:",
                    r.failures.len()
                );
                for f in &r.failures {
                    eprintln!("  {}: {} failed: {}", f.address, f.operation, f.message);
                    if f.outcome_unknown {
                        eprintln!(
                            "    (WeChat may or may not have done it; the next run finds out before planning anything)"
                        );
                    }
                }
            }
            for o in review.into_iter().flatten() {
                match o.review {
                    "approved" => println!(
                        "{}: approved by WeChat review ({}s).",
                        o.address, o.waited_seconds
                    ),
                    "rejected" => eprintln!(
                        "error: {} (card_id {}) was rejected by WeChat review; `cardform status` shows it, fix the card and apply again",
                        o.address, o.card_id
                    ),
                    "under_review" => eprintln!(
                        "error: {} (card_id {}) is still under review after {}s (--wait-for-review timed out)",
                        o.address, o.card_id, o.waited_seconds
                    ),
                    other => eprintln!("error: {} (card_id {}) is {other}", o.address, o.card_id),
                }
            }
            Ok(())
        }
    }
}

fn confirm() -> miette::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(miette::miette!(
            help = "review the plan and run with --auto-approve, or save it with `cardform plan --out FILE` and `cardform apply FILE`",
            "refusing to apply without confirmation: standard input is not a terminal"
        ));
    }
    print!("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(report)?;
    Ok(line.trim() == "yes")
}

/// `apply --refresh-only`: the live content becomes the last-applied content.
async fn record_refresh(
    session: &Session,
    plan: &Plan,
) -> Result<(), crate::session::SessionError> {
    let live = session.refresh(None).await?;
    session.state.edit(|state| {
        for rc in &plan.resource_changes {
            if rc.drift.is_empty() {
                continue;
            }
            if let (Some(Observed::Exists(l)), Some(r)) =
                (live.get(&rc.address), state.resources.get_mut(&rc.address))
            {
                let mut applied = crate::model::Canonical::from_stored(&r.applied);
                for d in &rc.drift {
                    match &d.after {
                        Some(v) => applied.insert(d.path.clone(), v.clone()),
                        None => {
                            applied.remove(&d.path);
                        }
                    }
                }
                r.applied = serde_json::to_value(&applied).unwrap_or_default();
                r.applied_hash = applied.hash();
                r.live_fingerprint = Some(l.content.hash());
                r.status = Some(l.status.as_wire());
            }
        }
    });
    Ok(())
}

fn apply_saved(args: &ApplyArgs, path: &Path) -> miette::Result<Outcome> {
    let saved = SavedPlan::read(path).map_err(report)?;
    eprintln!("Plan {} (checksum {})", path.display(), saved.checksum);
    if saved.plan.refresh_only {
        return Err(miette::miette!(
            "{} is a refresh-only plan; run `cardform apply --refresh-only DIR` instead",
            path.display()
        ));
    }
    let config = super::project::load_config(&saved.project_dir)?;
    let rt = runtime().map_err(report)?;
    rt.block_on(async {
        let session = Session::open(
            &saved.project_dir,
            config.clone(),
            "apply",
            &args.run.settings(),
            TerminalReporter::shared(),
        )
        .await
        .map_err(report)?;
        let result =
            apply_saved_in(args, &saved, &session, config.policy.allow_coin_purchase).await;
        record_project_id(&saved.project_dir, &config, &session, &result);
        session.close().await;
        result
    })
}

async fn apply_saved_in(
    args: &ApplyArgs,
    saved: &SavedPlan,
    session: &Session,
    allow_coin: bool,
) -> miette::Result<Outcome> {
    let (now, no_resources, pending) = session
        .state
        .read(|s| (s.stamp(), s.resources.is_empty(), s.pending.len()));
    let fresh = now.serial == 0 && now.journal_seq == 0 && no_resources;
    let stale_state = match &saved.state {
        Some(then) => {
            then.lineage != now.lineage
                || then.serial != now.serial
                || then.journal_seq != now.journal_seq
        }
        None => !fresh,
    };
    if stale_state {
        return Err(miette::miette!(
            help = "plan again and review the new plan",
            "the saved plan is stale: the state changed since it was made (plan: {}, state now: lineage {} serial {})",
            saved
                .state
                .map(|s| format!("lineage {} serial {}", s.lineage, s.serial))
                .unwrap_or_else(|| "no state".into()),
            now.lineage,
            now.serial
        ));
    }
    if pending > 0 {
        return Err(miette::miette!(
            help = "run `cardform plan` to resolve them, then plan again",
            "the state has {pending} interrupted operation(s); the saved plan cannot account for them"
        ));
    }
    // Cards the plan did not read (`--refresh=changed`; all of them no-ops) are not
    // read now either: only what the plan saw is checked against WeChat.
    let not_read: std::collections::BTreeSet<&str> = saved
        .plan
        .resource_changes
        .iter()
        .filter(|r| !r.refreshed)
        .map(|r| r.address.as_str())
        .collect();
    let wanted: Vec<(String, String)> = session.state.read(|s| {
        s.resources
            .iter()
            .filter(|(a, _)| !not_read.contains(a.as_str()))
            .map(|(a, r)| (a.clone(), r.card_id.clone()))
            .collect()
    });
    let live = session.refresh_cards(wanted).await.map_err(report)?;
    let mut changed = Vec::new();
    for rc in saved
        .plan
        .resource_changes
        .iter()
        .filter(|r| r.action != Action::Create && r.refreshed)
    {
        let now_fp = match live.get(&rc.address) {
            Some(Observed::Exists(l)) => Some(l.content.hash()),
            _ => None,
        };
        if rc.card_id.is_some() && now_fp != rc.live_fingerprint {
            changed.push(rc.address.clone());
        }
    }
    if !changed.is_empty() {
        return Err(miette::miette!(
            help = "plan again to see and review the current differences",
            "the saved plan is stale: {} changed on WeChat since the plan was made",
            changed.join(", ")
        ));
    }
    // `[policy] deny` binds saved plans too: `plan --out` saves a denied plan so it can
    // be reviewed, but only a change to cardform.toml (itself reviewed) lifts the gate.
    let violated = crate::plan::policy::violations(&saved.plan, &session.config.policy.deny);
    if !violated.is_empty() {
        eprint!("{}", crate::plan::policy::report(&violated));
        return Ok(Outcome::PolicyDenied);
    }
    if refuse_mass_destroy(args, &saved.plan, session, &session.config) {
        return Ok(Outcome::PolicyDenied);
    }
    if !saved.plan.has_changes() {
        println!("No changes. The saved plan has nothing to do.");
        return Ok(Outcome::Success);
    }
    let _ = args.auto_approve; // a saved plan was reviewed already: applying it is the approval
    execute(
        args,
        session,
        &saved.plan,
        saved.images.clone(),
        allow_coin || args.allow_coin_purchase,
    )
    .await
}

/// The mass-destroy guard: true (and the reason printed) when the plan deletes or
/// replaces too many cards and `--allow-mass-destroy` was not given.
fn refuse_mass_destroy(
    args: &ApplyArgs,
    plan: &Plan,
    session: &Session,
    config: &crate::config::ProjectConfig,
) -> bool {
    if args.allow_mass_destroy || plan.refresh_only {
        return false;
    }
    let managed = session.state.read(|s| s.resources.len());
    match crate::plan::policy::mass_destroy(plan, managed, config.policy.max_destroy) {
        Some(m) => {
            eprint!("{}", crate::plan::policy::mass_destroy_report(&m));
            true
        }
        None => false,
    }
}

/// `apply --format json`: whether it applied, what it did, and the plan.
#[derive(serde::Serialize)]
struct ApplyJson<'a, R: serde::Serialize> {
    format_version: &'a str,
    applied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<R>,
    /// `--wait-for-review`: how each card's review ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<&'a [crate::operate::review::ReviewOutcome]>,
    plan: JsonPlan<'a>,
}

/// After a successful apply, writes the project id the state now records into
/// cardform.toml if the file has none (`state_owner`), so a state copied from another
/// project is refused from then on. Sandbox projects are local experiments (their
/// state and their emulator live in the project folder) and keep their file as it is.
fn record_project_id(
    root: &Path,
    config: &crate::config::ProjectConfig,
    session: &Session,
    result: &miette::Result<Outcome>,
) {
    if !matches!(result, Ok(Outcome::Success))
        || config.project_id.is_some()
        || config.endpoint == crate::config::SANDBOX_ENDPOINT
    {
        return;
    }
    let Some(id) = session
        .state
        .read(|s| s.owner.as_ref().and_then(|o| o.project.clone()))
    else {
        return;
    };
    let file = root.join(crate::config::PROJECT_FILE);
    match crate::state_owner::write_project_id(&file, &id) {
        Ok(()) => eprintln!(
            "note: wrote project_id = \"{id}\" into {}: commit it; from now on a state of another project is refused here",
            file.display()
        ),
        Err(e) => eprintln!(
            "warning: could not write project_id into {} ({e}); add `project_id = \"{id}\"` at its top by hand",
            file.display()
        ),
    }
}
