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
fn commit_of(dir: &Path) -> Option<String> {
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

/// What a platform plan or apply renders.
pub struct Rendering {
    pub text_format: PlanFormat,
    pub detailed_exitcode: bool,
    pub report_out: Option<std::path::PathBuf>,
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
    let selection = accounts.accounts.clone().unwrap_or(Selection::All);
    let names = select(&platform, &selection, accounts.shard)?;
    let now = Timestamp(chrono::Utc::now().timestamp());
    let lang = crate::i18n::for_project(platform.file.output.lang);
    request.operation = operation;
    request.account_parallelism = accounts
        .account_parallelism
        .or(platform.file.platform.run.account_parallelism)
        .unwrap_or(DEFAULT_ACCOUNT_PARALLELISM);
    request.run_policy = platform.file.platform.run.clone();
    let outcome = if names.is_empty() {
        eprintln!("{}", tr!("pf-no-accounts"));
        crate::platform::run::RunOutcome {
            results: Vec::new(),
            run_refusal: None,
        }
    } else {
        let base_url = tokens::endpoint(&platform, &settings.operator)?;
        let credentials = tokens::credentials(&platform, &settings.operator, now)?;
        runtime()?.block_on(async {
            let (client, authorizers) = tokens::connect(&platform, &base_url, credentials).await?;
            let prepared =
                tokens::prepare(&platform, &names, &settings, &client, &authorizers, now)
                    .map_err(CommandError::Config)?;
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
                tr!(
                    "pf-run-summary",
                    n = outcome.results.len(),
                    fetches = client.component_fetches(),
                    calls = client.calls_made()
                )
            );
            miette::Result::<_>::Ok(outcome)
        })?
    };
    let mut report = Report::new(
        operation.name(),
        outcome,
        commit_of(dir),
        accounts.shard.map(|s| s.to_string()),
    );
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
    print_report(&report, render.text_format, lang)?;
    Ok(report.outcome(render.detailed_exitcode))
}

fn print_report(report: &Report, format: PlanFormat, lang: Lang) -> miette::Result<()> {
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
    if args.save.is_some() || args.html.is_some() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-save"),
        }
        .into());
    }
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
        },
    )
}

/// `cardform apply` on a platform project.
pub fn apply(args: &crate::cli::ApplyArgs) -> miette::Result<Outcome> {
    if !args.auto_approve {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-approve"),
        }
        .into());
    }
    if args.refresh_only || args.wait_for_review.is_some() || args.target.is_file() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-planfile"),
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
        },
    )
}

/// `cardform plan merge FILE…`.
pub fn plan_merge(args: &PlanMergeArgs) -> miette::Result<Outcome> {
    let mut files = Vec::new();
    for f in &args.files {
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

/// One account's 券点 account, or why it could not be read.
#[derive(Debug, serde::Serialize)]
struct AccountCoins {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coins: Option<crate::operate::coins::CoinsReport>,
}

async fn coins_one(p: crate::platform::run::Prepared, days: u32, limit: u64) -> AccountCoins {
    let mut out = AccountCoins {
        name: p.name,
        appid: p.appid,
        error: None,
        coins: None,
    };
    let session = match super::platform_ops::open(p.ready, "coins").await {
        Ok((_, s)) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let now = chrono::Utc::now().timestamp();
    match crate::operate::coins::report(&session.client, now, days, limit).await {
        Ok(r) => out.coins = Some(r),
        Err(e) => out.error = Some(crate::visible::visible(&e.to_string()).into_owned()),
    }
    session.close().await;
    out
}

/// `cardform coins` (the balance and orders) on a platform project: one line per
/// selected account and the run's total; an account that cannot be read is reported
/// (exit 4). `coins activate|recharge|order` stay one-account commands.
pub fn coins(args: &crate::cli::CoinsArgs) -> miette::Result<Outcome> {
    if args.action.is_some() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-coins"),
        }
        .into());
    }
    let platform = load_platform(&args.dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let (days, limit) = (args.days, args.limit);
    let results: Vec<AccountCoins> = super::platform_ops::over_accounts(
        &platform,
        &args.accounts,
        &settings,
        |a: &AccountCoins| a.name.as_str(),
        |p| coins_one(p, days, limit),
    )?;
    if args.format == Format::Json {
        print_json(&serde_json::json!({ "format_version": "1", "accounts": results }))?;
    } else {
        let mut total = cardform_spec::Points::ZERO;
        for a in &results {
            match (&a.coins, &a.error) {
                (Some(c), _) => {
                    total = total + c.balance.total_coin;
                    println!(
                        "{}",
                        tr!(
                            "pf-coins-line",
                            name = format!("{:<24}", a.name),
                            total = format!("{:>10}", c.balance.total_coin),
                            free = c.balance.free_coin.to_string(),
                            paid = c.balance.pay_coin.to_string(),
                            orders = c.total_orders,
                            days = days
                        )
                    );
                }
                (None, Some(e)) => println!(
                    "{}",
                    tr!(
                        "pf-coins-failed",
                        name = format!("{:<24}", a.name),
                        error = e
                    )
                ),
                (None, None) => {}
            }
        }
        println!(
            "{}",
            tr!(
                "pf-coins-summary",
                n = results.len(),
                total = total.to_string()
            )
        );
    }
    Ok(if results.iter().any(|a| a.error.is_some()) {
        Outcome::AccountsFailed
    } else {
        Outcome::Success
    })
}
