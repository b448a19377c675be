//! `stats` and `import --all` on a platform project: each selected account as the
//! one-account command does it, as `status` and `coins` do (`--accounts`, `--shard`,
//! `--account-parallelism`), each isolated: an account that cannot be read is
//! reported and the others go on; any failed account makes the exit code 4.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;

use crate::cli::{AccountOptions, ImportArgs, StatsArgs, StatsFormat};
use crate::config::{Project, RunSettings};
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::model::Timestamp;
use crate::operate::stats::{COLUMNS, StatRow, StatsQuery, csv, fetch};
use crate::platform::run::Prepared;
use crate::platform::{Platform, Selection, select};
use crate::report::Silent;
use crate::session::{Session, runtime};
use crate::visible::visible;
use crate::write_policy::{OutputFile, OutputKind};

use super::error::CommandError;
use super::import::{CardSettings, adopt, generate, survey};
use super::output::print_json;
use super::platform::{DEFAULT_ACCOUNT_PARALLELISM, load_platform};

/// The file `import --all` writes into an account's folder (then `imported-2.toml`, …:
/// an existing file is never overwritten).
const IMPORTED_FILE: &str = "imported";

/// Runs `each` over the selected accounts of `platform`, `--account-parallelism` at a
/// time, after one component token and one authorizer list for the run. Results are
/// in account-name order (`name` says each one's).
pub(super) fn over_accounts<T, Fut>(
    platform: &Platform,
    accounts: &AccountOptions,
    settings: &RunSettings,
    name: impl Fn(&T) -> &str,
    each: impl FnMut(Prepared) -> Fut,
) -> miette::Result<Vec<T>>
where
    Fut: Future<Output = T>,
{
    let selection = accounts.accounts.clone().unwrap_or(Selection::All);
    let names = select(platform, &selection, accounts.shard)?;
    if names.is_empty() {
        eprintln!("{}", tr!("pf-no-accounts"));
        return Ok(Vec::new());
    }
    let n = accounts
        .account_parallelism
        .or(platform.file.platform.run.account_parallelism)
        .unwrap_or(DEFAULT_ACCOUNT_PARALLELISM);
    let now = Timestamp(chrono::Utc::now().timestamp());
    let rt = runtime()?;
    let (_client, prepared) = super::platform::start(&rt, platform, &names, settings, now)?;
    let mut out = rt.block_on(async {
        // Lazy: an account's project is built when a slot frees up for it.
        let out: Vec<T> = futures::stream::iter(
            prepared
                .into_iter()
                .map(|p| p.build(platform, now))
                .map(each),
        )
        .buffer_unordered(n.max(1))
        .collect()
        .await;
        miette::Result::<_>::Ok(out)
    })?;
    out.sort_by(|a, b| name(a).cmp(name(b)));
    Ok(out)
}

/// Opens the account's session (its state, its lock, its authorizer token); the error
/// is the account's line in the report.
pub(super) async fn open(
    ready: Result<(Project, RunSettings), crate::platform::run::Failure>,
    operation: &str,
) -> Result<(Project, Session), String> {
    let (project, settings) = ready.map_err(|f| f.message)?;
    let session = Session::open(
        &project.root,
        project.config.clone(),
        operation,
        &settings,
        Arc::new(Silent),
    )
    .await
    .map_err(|e| visible(&e.to_string()).into_owned())?;
    Ok((project, session))
}

fn shown(e: &dyn std::fmt::Display) -> String {
    visible(&e.to_string()).into_owned()
}

/// One account's statistics, or why they could not be read.
#[derive(Debug, serde::Serialize)]
struct AccountStats {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    rows: Vec<StatRow>,
}

async fn stats_one(p: Prepared, from: chrono::NaiveDate, to: chrono::NaiveDate) -> AccountStats {
    let mut out = AccountStats {
        name: p.name,
        appid: p.appid,
        error: None,
        rows: Vec::new(),
    };
    let (_, session) = match open(p.ready, "stats").await {
        Ok(s) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let names = session.state.read(|s| {
        s.resources
            .iter()
            .map(|(a, r)| (r.card_id.clone(), a.clone()))
            .collect()
    });
    let q = StatsQuery {
        from,
        to,
        cards: Vec::new(),
        names,
    };
    match fetch(&session.client, &q, |_, _| {}).await {
        Ok(rows) => out.rows = rows,
        Err(e) => out.error = Some(shown(&e)),
    }
    session.close().await;
    out
}

/// `cardform stats` on a platform project: each selected account's statistics (the
/// one-account computation), a table per account and the run's total; JSON one entry
/// per account; CSV with the account as the first column.
pub fn stats(args: &StatsArgs) -> miette::Result<Outcome> {
    if !args.cards.is_empty() || args.chart.is_some() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-stats"),
        }
        .into());
    }
    let (from, to) = super::stats::dates(args)?;
    let platform = load_platform(&args.dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let results = over_accounts(
        &platform,
        &args.accounts,
        &settings,
        |a: &AccountStats| &a.name,
        |p| stats_one(p, from, to),
    )?;
    let failed = results.iter().filter(|a| a.error.is_some()).count();
    let mut total = [0u64; 10];
    for a in &results {
        for (t, n) in total.iter_mut().zip(super::stats::account_totals(&a.rows)) {
            *t += n;
        }
    }
    match args.format {
        StatsFormat::Json => {
            let total: serde_json::Map<String, serde_json::Value> = COLUMNS
                .iter()
                .zip(total)
                .map(|(c, n)| ((*c).to_string(), n.into()))
                .collect();
            print_json(&serde_json::json!({
                "format_version": "1",
                "from": from.to_string(),
                "to": to.to_string(),
                "accounts": results,
                "total": total,
            }))?;
        }
        StatsFormat::Csv => {
            println!("account,date,scope,{}", COLUMNS.join(","));
            for a in &results {
                // The account's rows after csv()'s header line; names need no quoting.
                for line in csv(&a.rows).lines().skip(1) {
                    println!("{},{line}", a.name);
                }
            }
            for a in results.iter().filter(|a| a.error.is_some()) {
                eprintln!(
                    "{}",
                    tr!(
                        "pf-stats-failed",
                        name = a.name,
                        error = a.error.as_deref().unwrap_or("")
                    )
                );
            }
        }
        StatsFormat::Table => {
            for a in &results {
                println!("{}", tr!("pf-account-head", name = a.name, appid = a.appid));
                match &a.error {
                    Some(e) => println!("{}", tr!("pf-failed-line", error = e)),
                    None => print!("{}", super::stats::table(&a.rows)),
                }
            }
            println!(
                "{}",
                tr!(
                    "pf-stats-summary",
                    n = results.len(),
                    failed = failed,
                    from = from.to_string(),
                    to = to.to_string(),
                    views = total[0],
                    claims = total[2],
                    redeemed = total[4],
                    gifted = total[6],
                    expired = total[8]
                )
            );
        }
    }
    Ok(if failed > 0 {
        Outcome::AccountsFailed
    } else {
        Outcome::Success
    })
}

/// What `import --all` did in one account.
struct AccountImport {
    name: String,
    appid: String,
    error: Option<String>,
    lines: Vec<String>,
    adopted: usize,
}

/// The account's new card file: `--generate-config-out` inside its folder, else the
/// first of `cards/imported.toml`, `cards/imported-2.toml`, … that does not exist.
fn out_path(project: &Project, given: Option<&Path>) -> PathBuf {
    if let Some(rel) = given {
        return project.root.join(rel);
    }
    let cards = project.root.join(crate::config::CARDS_DIR);
    (1..)
        .map(|i| {
            cards.join(if i == 1 {
                format!("{IMPORTED_FILE}.toml")
            } else {
                format!("{IMPORTED_FILE}-{i}.toml")
            })
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| cards.join(format!("{IMPORTED_FILE}.toml")))
}

async fn import_one(p: Prepared, given: Option<PathBuf>, dry_run: bool) -> AccountImport {
    let mut out = AccountImport {
        name: p.name,
        appid: p.appid,
        error: None,
        lines: Vec::new(),
        adopted: 0,
    };
    // The file is checked before this account's WeChat is asked anything.
    let ready = match p.ready {
        Ok((project, settings)) => {
            let file: Result<Option<OutputFile>, String> = if dry_run {
                Ok(None)
            } else {
                super::project::write_policy(&project)
                    .check(
                        &out_path(&project, given.as_deref()),
                        OutputKind::GeneratedCards,
                    )
                    .map(Some)
                    .map_err(|e| shown(&e))
            };
            match file {
                Ok(f) => Ok(((project, settings), f)),
                Err(e) => Err(e),
            }
        }
        Err(f) => Err(f.message),
    };
    let ((project, settings), file) = match ready {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let (project, session) = match open(Ok((project, settings)), "import").await {
        Ok(s) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let result = import_account(&project, &session, file.as_ref(), &mut out).await;
    if let Err(e) = result {
        out.error = Some(e);
    }
    session.close().await;
    out
}

async fn import_account(
    project: &Project,
    session: &Session,
    file: Option<&OutputFile>,
    out: &mut AccountImport,
) -> Result<(), String> {
    let mut taken: BTreeSet<String> = session
        .state
        .read(|s| s.resources.keys().cloned().collect());
    taken.extend(project.cards.keys().cloned());
    let found = survey(session, taken, None).await.map_err(|e| shown(&e))?;
    out.lines = found.lines;
    let Some(file) = file else {
        return Ok(());
    };
    if found.adoptable.is_empty() {
        return Ok(());
    }
    let generated = generate(
        &project.root,
        CardSettings::Composed(&project.config),
        &found.adoptable,
        &found.subs,
    );
    if generated.accepted.is_empty() {
        out.lines.push(tr!("pf-import-none"));
    } else {
        file.write(generated.text.as_bytes())
            .map_err(|e| shown(&e))?;
        adopt(session, &generated.accepted).map_err(|e| shown(&e))?;
        out.adopted = generated.accepted.len();
        let rel = file
            .path()
            .strip_prefix(&project.root)
            .unwrap_or(file.path())
            .display()
            .to_string();
        out.lines.push(tr!(
            "pf-import-adopted",
            n = generated.accepted.len(),
            file = rel
        ));
    }
    if !generated.refused.is_empty() {
        out.lines.extend(
            generated
                .refused
                .iter()
                .map(|r| tr!("pf-import-refused-line", reason = r.to_string())),
        );
        return Err(tr!("pf-import-refused", n = generated.refused.len()));
    }
    Ok(())
}

/// `cardform import --all` on a platform project: adopts each selected merchant's
/// cards into its own folder, as the one-account `import --all` does (the same
/// generated TOML, checked to plan "No changes", never overwriting a file).
pub fn import(args: &ImportArgs) -> miette::Result<Outcome> {
    if !args.all || args.reattach {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-import"),
        }
        .into());
    }
    if let Some(rel) = &args.generate_config_out
        && (rel.is_absolute() || !rel.starts_with(crate::config::CARDS_DIR))
    {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-unsupported-import-out", path = rel.display()),
        }
        .into());
    }
    let platform = load_platform(&args.dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let (given, dry_run) = (args.generate_config_out.clone(), args.dry_run);
    let results = over_accounts(
        &platform,
        &args.accounts,
        &settings,
        |a: &AccountImport| &a.name,
        |p| import_one(p, given.clone(), dry_run),
    )?;
    for a in &results {
        println!("{}", tr!("pf-account-head", name = a.name, appid = a.appid));
        for line in &a.lines {
            println!("{line}");
        }
        if let Some(e) = &a.error {
            println!("{}", tr!("pf-failed-line", error = e));
        }
    }
    let failed = results.iter().filter(|a| a.error.is_some()).count();
    let adopted: usize = results.iter().map(|a| a.adopted).sum();
    println!(
        "{}",
        tr!(
            "pf-import-summary",
            n = results.len(),
            failed = failed,
            adopted = adopted,
            dry = if dry_run {
                tr!("pf-import-dry")
            } else {
                String::new()
            }
        )
    );
    Ok(if failed > 0 {
        Outcome::AccountsFailed
    } else {
        Outcome::Success
    })
}
