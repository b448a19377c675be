//! `plan` and `apply` on a platform project (`--accounts`, `--shard`,
//! `--account-parallelism`), and `plan merge`. Parse, call `platform`, render.

use std::path::Path;

use crate::cli::{AccountOptions, Format, PlanArgs, PlanFormat, PlanMergeArgs};
use crate::config::{ConfigError, RunSettings};
use crate::engine::Operation;
use crate::exit::Outcome;
use crate::i18n::{Lang, tr};
use crate::model::Timestamp;
use crate::platform::report::{Report, merge};
use crate::platform::run::{RunRequest, run_accounts};
use crate::platform::{Platform, Selection, select, tokens};
use crate::report::Silent;
use crate::session::runtime;
use crate::write_policy::{OutputKind, WritePolicy};

use super::error::CommandError;
use super::output::{print_json, stdout_color};

/// Accounts in flight at once unless `--account-parallelism` or `[platform.run]
/// account_parallelism` says otherwise: enough to keep the run-wide cap on calls in
/// flight (`[platform.run] max_calls_in_flight`, default 64) busy while each account
/// waits on its own chain of calls (token, then its cards).
pub(super) const DEFAULT_ACCOUNT_PARALLELISM: usize = 32;

/// Loads the platform, printing every problem (file:line:col) when it is invalid.
pub fn load_platform(dir: &Path) -> Result<Platform, CommandError> {
    match Platform::load(dir) {
        Ok(p) => Ok(p),
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            Err(CommandError::InvalidProject {
                errors,
                dir: dir.to_path_buf(),
            })
        }
        Err(e) => Err(CommandError::Config(e)),
    }
}

/// `cardform validate` on a platform project: the platform's files, then every
/// account's cards (its own and its templates' instances), every problem at once.
pub fn validate(dir: &Path) -> miette::Result<Outcome> {
    let platform = load_platform(dir)?;
    let now = Timestamp(chrono::Utc::now().timestamp());
    let mut errors = 0usize;
    let mut cards = 0usize;
    for name in platform.accounts.keys() {
        match platform.project(name, now) {
            Ok(p) => {
                cards += p.cards.len();
                for w in &p.warnings {
                    println!(
                        "{}",
                        crate::config::Diagnostic {
                            file: dir_rel(name, &w.file),
                            ..w.clone()
                        }
                    );
                }
            }
            Err(ConfigError::Invalid { diagnostics }) => {
                for d in &diagnostics {
                    println!("{d}");
                }
                errors += diagnostics.iter().filter(|d| d.is_error()).count();
            }
            Err(e) => return Err(CommandError::Config(e).into()),
        }
    }
    if errors > 0 {
        println!("{}", tr!("pf-validate-errors", n = errors));
        return Ok(Outcome::Failed);
    }
    println!(
        "{}",
        tr!(
            "pf-validate-ok",
            accounts = platform.accounts.len(),
            templates = platform.templates.len(),
            cards = cards
        )
    );
    Ok(Outcome::Success)
}

fn dir_rel(account: &str, file: &Path) -> std::path::PathBuf {
    if file.starts_with(crate::platform::files::TEMPLATES_DIR) {
        file.to_path_buf()
    } else {
        Path::new(crate::platform::files::ACCOUNTS_DIR)
            .join(account)
            .join(file)
    }
}

/// The commit the platform folder is at (`git rev-parse HEAD`), if it is in git.
pub(super) fn commit_of(dir: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The run's start: the selected accounts' files are checked on every core while the
/// component token and the authorizer list are fetched (the only calls before the
/// check is done: no account's call is sent while a file is invalid). Then each
/// account's inputs, its project built when its turn comes.
///
/// # Errors
/// The platform's endpoint or credentials refused; an account's files invalid (every
/// problem listed); the component token or the authorizer list refused.
pub(super) fn start(
    rt: &tokio::runtime::Runtime,
    platform: &Platform,
    names: &[String],
    settings: &RunSettings,
    now: Timestamp,
) -> miette::Result<(
    std::sync::Arc<crate::wechat::PlatformClient>,
    Vec<tokens::Pending>,
)> {
    let base_url = tokens::endpoint(platform, &settings.operator)?;
    let credentials = tokens::credentials(platform, &settings.operator, now)?;
    let (checked, connected) = std::thread::scope(|scope| {
        let checker = scope.spawn(|| platform.check_projects(names, now));
        let connected = rt.block_on(tokens::connect(
            platform,
            &settings.operator,
            &base_url,
            credentials,
        ));
        let checked = checker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (checked, connected)
    });
    // The files first: they are the user's to fix whatever WeChat said.
    checked.map_err(CommandError::Config)?;
    let (client, authorizers) = connected?;
    let prepared = tokens::prepare(platform, names, settings, &client, &authorizers);
    Ok((client, prepared))
}

/// What a platform plan or apply renders.
pub struct Rendering {
    pub text_format: PlanFormat,
    pub detailed_exitcode: bool,
    pub report_out: Option<std::path::PathBuf>,
    /// `plan --save FILE`: the platform's saved plan.
    pub save: Option<std::path::PathBuf>,
    /// `plan --html FILE`: the report's HTML page.
    pub html: Option<std::path::PathBuf>,
}

/// Plans (or applies) the selected accounts of the platform in `dir`.
pub fn run(
    dir: &Path,
    operation: Operation,
    accounts: &AccountOptions,
    mut request: RunRequest,
    settings: RunSettings,
    render: &Rendering,
) -> miette::Result<Outcome> {
    let mut platform = load_platform(dir)?;
    // `plan --trusted-settings DIR`: the base branch's settings, before anything connects.
    let proposals = super::platform_trust::adopt(&mut platform, &settings.operator)?;
    request.proposed = proposals.accounts;
    let report_file = render
        .report_out
        .as_deref()
        .map(|p| WritePolicy::for_config(dir, None, Vec::new()).check(p, OutputKind::SavedPlan))
        .transpose()
        .map_err(CommandError::from)?;
    let outputs =
        super::platform_saved::Outputs::check(dir, render.save.as_deref(), render.html.as_deref())?;
    let selection = accounts.accounts.clone().unwrap_or(Selection::All);
    let names = select(&platform, &selection, accounts.shard)?;
    let inputs = outputs.inputs(&platform, &names);
    request.save = outputs.saves();
    let now = Timestamp(chrono::Utc::now().timestamp());
    let lang = crate::i18n::for_project(platform.file.output.lang);
    request.operation = operation;
    request.account_parallelism = accounts
        .account_parallelism
        .or(platform.file.platform.run.account_parallelism)
        .unwrap_or(DEFAULT_ACCOUNT_PARALLELISM);
    request.run_policy = platform.file.platform.run.clone();
    let mut outcome = if names.is_empty() {
        eprintln!("{}", tr!("pf-no-accounts"));
        crate::platform::run::RunOutcome {
            results: Vec::new(),
            run_refusal: None,
        }
    } else {
        let rt = runtime()?;
        let (client, prepared) = start(&rt, &platform, &names, &settings, now)?;
        rt.block_on(async {
            // Ctrl-C during an apply stops starting new changes in every account (the
            // journal keeps what was done); a plan keeps Ctrl-C's default.
            let watcher = (operation == Operation::Apply)
                .then(|| tokio::spawn(super::interrupt::watch_interrupts(request.stop.clone())));
            let outcome = run_accounts(
                &platform,
                prepared,
                now,
                &request,
                std::sync::Arc::new(Silent),
            )
            .await;
            if let Some(w) = watcher {
                w.abort();
            }
            eprintln!(
                "{}",
                crate::platform::token_cache::summary(&client, outcome.results.len())
            );
            miette::Result::<_>::Ok(outcome)
        })?
    };
    let saved = outputs.save(&platform, &selection, accounts.shard, &mut outcome, &inputs)?;
    let mut report = Report::new(
        operation.name(),
        outcome,
        commit_of(dir),
        accounts.shard.map(|s| s.to_string()),
    );
    report.saved_plans.extend(saved);
    super::platform_trust::finish(
        &mut report,
        proposals.run,
        &request.deny,
        &platform.file.policy,
    );
    if let Some(file) = &report_file {
        let json = serde_json::to_vec_pretty(&report).map_err(|e| CommandError::Json(e.into()))?;
        file.write(&json).map_err(CommandError::from)?;
        eprintln!("{}", tr!("pf-wrote-report", path = file.path().display()));
    }
    outputs.page(&report, lang)?;
    print_report(&report, render.text_format, lang)?;
    Ok(report.outcome(render.detailed_exitcode))
}

pub(super) fn print_report(report: &Report, format: PlanFormat, lang: Lang) -> miette::Result<()> {
    match format {
        PlanFormat::Json => print_json(report)?,
        PlanFormat::Markdown => print!("{}", report.markdown(lang)),
        PlanFormat::Html => print!("{}", report.html(lang)),
        PlanFormat::Text => print!("{}", report.text(lang, stdout_color())),
    }
    Ok(())
}

/// `cardform plan` on a platform project.
pub fn plan(args: &PlanArgs) -> miette::Result<Outcome> {
    let mut settings = RunSettings::from_env(&args.run.flags());
    // The trusted settings count as the operator's (docs/security.md).
    settings.operator.settings_file = args.trusted_settings.clone();
    let request = RunRequest {
        deny: args.deny.clone(),
        allow_mass_destroy: args.allow_mass_destroy,
        allow_stock_loss: args.allow_stock_loss,
        refresh_only: args.refresh_only,
        refresh: args.refresh,
        targets: args.targets.clone(),
        ..RunRequest::default()
    };
    run(
        &args.project.dir,
        Operation::Plan,
        &args.accounts,
        request,
        settings,
        &Rendering {
            text_format: args.format,
            detailed_exitcode: args.detailed_exitcode,
            report_out: args.out.clone(),
            save: args.save.clone(),
            html: args.html.clone(),
        },
    )
}

/// `cardform apply` on a platform project.
pub fn apply(args: &crate::cli::ApplyArgs) -> miette::Result<Outcome> {
    if args.target.is_file() {
        // A platform's saved plan went to `platform_saved::apply`; this is another file.
        let saved = crate::plan::saved::SavedPlan::read(&args.target)?;
        return Err(crate::platform::saved::PlatformPlanError::OneAccountPlan {
            path: args.target.clone(),
            dir: saved.project_dir,
        }
        .into());
    }
    if !args.auto_approve {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-approve"),
        }
        .into());
    }
    if args.refresh_only || args.wait_for_review.is_some() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-sv-unsupported-apply"),
        }
        .into());
    }
    let request = RunRequest {
        allow_mass_destroy: args.allow_mass_destroy,
        allow_stock_loss: args.allow_stock_loss,
        allow_coin_purchase: args.allow_coin_purchase,
        max_coins: args.max_coins,
        ..RunRequest::default()
    };
    let text_format = match args.format {
        Format::Json => PlanFormat::Json,
        Format::Markdown => PlanFormat::Markdown,
        Format::Text => PlanFormat::Text,
    };
    run(
        &args.target,
        Operation::Apply,
        &args.accounts,
        request,
        RunSettings::from_env(&args.run.flags()),
        &Rendering {
            text_format,
            detailed_exitcode: false,
            report_out: args.report_out.clone(),
            save: None,
            html: None,
        },
    )
}

/// `cardform plan merge FILE…`.
pub fn plan_merge(args: &PlanMergeArgs) -> miette::Result<Outcome> {
    let mut files = Vec::new();
    for f in &args.files {
        super::platform_saved::refuse_merging_saved(f)?;
        let text = std::fs::read_to_string(f).map_err(|source| {
            CommandError::Config(ConfigError::Io {
                path: f.clone(),
                source,
            })
        })?;
        files.push((f.display().to_string(), text));
    }
    let report = merge(&files)?;
    print_report(
        &report,
        args.format,
        crate::i18n::chosen().unwrap_or_default(),
    )?;
    Ok(report.outcome(args.detailed_exitcode))
}

/// One account's `status`: its cards' review states, or why it could not be read.
#[derive(Debug, serde::Serialize)]
struct AccountStatus {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    cards: Vec<crate::operate::review::CardStatus>,
}

async fn status_one(p: crate::platform::run::Prepared) -> AccountStatus {
    let mut out = AccountStatus {
        name: p.name,
        appid: p.appid,
        error: None,
        cards: Vec::new(),
    };
    let session = match super::platform_ops::open(p.ready, "status").await {
        Ok((_, s)) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let (cards, whitelist_set) = session.state.read(|s| {
        let cards: Vec<(String, String)> = s
            .resources
            .iter()
            .map(|(a, r)| (a.clone(), r.card_id.clone()))
            .collect();
        let wl = s
            .test_whitelist
            .as_ref()
            .is_some_and(|w| !w.openids.is_empty() || !w.usernames.is_empty());
        (cards, wl)
    });
    let now = chrono::Utc::now().timestamp();
    match crate::operate::review::statuses(
        &session.client,
        cards,
        now,
        whitelist_set,
        session.parallelism,
    )
    .await
    {
        Ok(rows) => out.cards = rows,
        Err(e) => out.error = Some(crate::visible::visible(&e.to_string()).into_owned()),
    }
    session.close().await;
    out
}

/// `cardform status` on a platform project: each selected account's cards' review
/// states; an account that cannot be read is reported (exit 4), the others shown.
pub fn status(args: &crate::cli::StatusArgs) -> miette::Result<Outcome> {
    let dir = &args.project.dir;
    let platform = load_platform(dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let results: Vec<AccountStatus> = super::platform_ops::over_accounts(
        &platform,
        &args.accounts,
        &settings,
        |a: &AccountStatus| a.name.as_str(),
        status_one,
    )?;
    if args.format == Format::Json {
        print_json(&serde_json::json!({ "format_version": "1", "accounts": results }))?;
    } else {
        for a in &results {
            println!("{}", tr!("pf-account-head", name = a.name, appid = a.appid));
            if let Some(e) = &a.error {
                println!("{}", tr!("pf-failed-line", error = e));
            }
            for r in &a.cards {
                println!(
                    "  {:<24}  {:<12}  {}  {}",
                    r.address,
                    r.review,
                    if r.claimable {
                        tr!("pf-status-claimable")
                    } else {
                        tr!("pf-status-not-claimable")
                    },
                    r.why
                );
            }
        }
        let failed = results.iter().filter(|a| a.error.is_some()).count();
        let cards: usize = results.iter().map(|a| a.cards.len()).sum();
        let claimable: usize = results
            .iter()
            .map(|a| a.cards.iter().filter(|r| r.claimable).count())
            .sum();
        println!(
            "{}",
            tr!(
                "pf-status-summary",
                n = results.len(),
                failed = failed,
                claimable = claimable,
                cards = cards
            )
        );
    }
    Ok(if results.iter().any(|a| a.error.is_some()) {
        Outcome::AccountsFailed
    } else {
        Outcome::Success
    })
}
