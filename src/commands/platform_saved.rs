//! A platform's saved plans: `plan --save FILE` and `--html FILE` on a platform, and
//! `apply FILE` of a platform's saved plan (docs/platform.md, "Saved plans"). Parse,
//! call `platform::saved`, render.

use std::collections::BTreeMap;
use std::path::Path;

use crate::cli::{ApplyArgs, Format, PlanFormat};
use crate::config::RunSettings;
use crate::engine::SavedRequest;
use crate::exit::Outcome;
use crate::i18n::{Lang, tr};
use crate::model::Timestamp;
use crate::platform::report::{Report, SavedRef};
use crate::platform::run::{RunOutcome, RunRequest, run_wide_refusal};
use crate::platform::saved::{
    Identity, PlatformPlan, PlatformPlanError, SavedAccount, account_inputs_hash, apply_accounts,
    not_applicable, selection_words,
};
use crate::platform::{Platform, Selection, Shard, is_platform};
use crate::report::Silent;
use crate::session::runtime;
use crate::write_policy::{OutputFile, OutputKind, WritePolicy};

use super::error::CommandError;
use super::platform::{DEFAULT_ACCOUNT_PARALLELISM, commit_of, load_platform, print_report};

/// `plan --save FILE` and `--html FILE` on a platform, checked by the write policy
/// before anything is sent.
pub(super) struct Outputs {
    save: Option<OutputFile>,
    html: Option<OutputFile>,
}

impl Outputs {
    /// # Errors
    /// The write policy refuses a path (nothing was sent).
    pub(super) fn check(
        dir: &Path,
        save: Option<&Path>,
        html: Option<&Path>,
    ) -> Result<Outputs, CommandError> {
        let policy = WritePolicy::for_config(dir, None, Vec::new());
        Ok(Outputs {
            save: save
                .map(|p| policy.check(p, OutputKind::SavedPlan))
                .transpose()?,
            html: html
                .map(|p| policy.check(p, OutputKind::ReviewPage))
                .transpose()?,
        })
    }

    /// Whether the run keeps each account's plan to save it.
    pub(super) fn saves(&self) -> bool {
        self.save.is_some()
    }

    /// The selected accounts' input hashes, taken before the run (none without `--save`).
    pub(super) fn inputs(&self, platform: &Platform, names: &[String]) -> BTreeMap<String, String> {
        if self.save.is_none() {
            return BTreeMap::new();
        }
        names
            .iter()
            .map(|n| (n.clone(), account_inputs_hash(platform, n)))
            .collect()
    }

    /// Writes the platform's saved plan (taking the accounts' saved plans out of
    /// `outcome`); its checksum and shard for the report.
    ///
    /// # Errors
    /// The file could not be written.
    pub(super) fn save(
        &self,
        platform: &Platform,
        selection: &Selection,
        shard: Option<Shard>,
        outcome: &mut RunOutcome,
        inputs: &BTreeMap<String, String>,
    ) -> Result<Option<SavedRef>, CommandError> {
        let Some(file) = &self.save else {
            return Ok(None);
        };
        let folder = file
            .path()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let identity = Identity {
            platform_dir: crate::plan::saved::relative_to(&platform.root, folder),
            commit: commit_of(&platform.root),
            shard: shard.map(|s| s.to_string()),
            selection: selection_words(selection),
        };
        let mut plan = PlatformPlan::from_run(platform, identity, outcome, inputs);
        plan.write(file)?;
        let applicable = plan.accounts.iter().filter(|a| a.plan.is_some()).count();
        eprintln!(
            "{}",
            tr!(
                "pf-sv-saved",
                path = file.path().display(),
                n = applicable,
                failed = plan.accounts.len() - applicable,
                checksum = plan.checksum.as_str()
            )
        );
        // Said now, while the plan is reviewed: apply checks the same limits.
        let results = plan.as_results();
        if let Some(why) = run_wide_refusal(results.iter(), &platform.file.platform.run, false) {
            eprintln!(
                "{}",
                tr!("pf-sv-over-limits", why = why.replace('\n', "; "))
            );
        }
        Ok(Some(SavedRef {
            checksum: plan.checksum,
            shard: plan.shard,
        }))
    }

    /// Writes the report's HTML page.
    ///
    /// # Errors
    /// The file could not be written.
    pub(super) fn page(&self, report: &Report, lang: Lang) -> Result<(), CommandError> {
        if let Some(file) = &self.html {
            file.write(report.html(lang).as_bytes())?;
            eprintln!("{}", tr!("plan-wrote-page", path = file.path().display()));
        }
        Ok(())
    }
}

/// `cardform apply FILE` where FILE is a platform's saved plan: the run-wide limits
/// over the saved plans, then each account under its lock, fresh or refused.
///
/// No `--auto-approve`: as for one account, applying a reviewed plan file is the
/// approval.
pub fn apply(args: &ApplyArgs) -> miette::Result<Outcome> {
    let path = &args.target;
    if args.accounts.accounts.is_some() || args.accounts.shard.is_some() {
        return Err(PlatformPlanError::Selection { path: path.clone() }.into());
    }
    if args.refresh_only || args.wait_for_review.is_some() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-sv-unsupported-apply"),
        }
        .into());
    }
    let mut saved = PlatformPlan::read(path)?;
    eprintln!(
        "{}",
        tr!(
            "pf-sv-applying",
            path = path.display(),
            n = saved.accounts.len(),
            checksum = saved.checksum.as_str()
        )
    );
    let dir = saved.platform_dir.clone();
    if !is_platform(&dir) {
        return Err(PlatformPlanError::NotPlatform {
            path: path.clone(),
            dir,
        }
        .into());
    }
    let platform = load_platform(&dir)?;
    if saved.component_appid != platform.file.platform.component_appid {
        return Err(PlatformPlanError::OtherComponent {
            path: path.clone(),
            planned: saved.component_appid.clone(),
            now: platform.file.platform.component_appid.clone(),
        }
        .into());
    }
    if saved
        .accounts
        .iter()
        .any(|a| a.plan.as_ref().is_some_and(|p| p.plan.refresh_only))
    {
        return Err(crate::engine::RunError::RefreshOnlySaved {
            path: path.display().to_string(),
        }
        .into());
    }
    let commit = commit_of(&dir);
    if let (Some(then), Some(now)) = (&saved.commit, &commit)
        && then != now
    {
        eprintln!("{}", tr!("pf-sv-other-commit", planned = then, now = now));
    }
    let lang = crate::i18n::for_project(platform.file.output.lang);
    let text_format = match args.format {
        Format::Json => PlanFormat::Json,
        Format::Markdown => PlanFormat::Markdown,
        Format::Text => PlanFormat::Text,
    };
    let report_file = args
        .report_out
        .as_deref()
        .map(|p| WritePolicy::for_config(&dir, None, Vec::new()).check(p, OutputKind::SavedPlan))
        .transpose()
        .map_err(CommandError::from)?;
    let shard = saved.shard.clone();
    let finish = |outcome: RunOutcome| -> miette::Result<Outcome> {
        let report = Report::new("apply", outcome, commit.clone(), shard.clone());
        if let Some(file) = &report_file {
            let json =
                serde_json::to_vec_pretty(&report).map_err(|e| CommandError::Json(e.into()))?;
            file.write(&json).map_err(CommandError::from)?;
            eprintln!("{}", tr!("pf-wrote-report", path = file.path().display()));
        }
        print_report(&report, text_format, lang)?;
        Ok(report.outcome(false))
    };

    // The run-wide limits, over the saved plans, before anything is sent.
    let policy = platform.file.platform.run.clone();
    let checked = saved.as_results();
    if let Some(why) = run_wide_refusal(checked.iter(), &policy, args.allow_mass_destroy) {
        return finish(RunOutcome {
            results: checked,
            run_refusal: Some(why),
        });
    }
    drop(checked);

    // Accounts that cannot be applied whatever WeChat says: failed when planned, gone,
    // or their files changed since the plan.
    note_unplanned(&platform, &saved);
    let mut results = Vec::new();
    let mut runnable: Vec<SavedAccount> = Vec::new();
    for a in std::mem::take(&mut saved.accounts) {
        match not_applicable(&platform, &a) {
            Some(r) => results.push(r),
            None => runnable.push(a),
        }
    }

    if !runnable.is_empty() {
        let settings = RunSettings::from_env(&args.run.flags());
        let now = Timestamp(chrono::Utc::now().timestamp());
        let request = RunRequest {
            operation: crate::engine::Operation::Apply,
            account_parallelism: args
                .accounts
                .account_parallelism
                .or(platform.file.platform.run.account_parallelism)
                .unwrap_or(DEFAULT_ACCOUNT_PARALLELISM),
            allow_mass_destroy: args.allow_mass_destroy,
            allow_stock_loss: args.allow_stock_loss,
            allow_coin_purchase: args.allow_coin_purchase,
            max_coins: args.max_coins,
            run_policy: policy,
            ..RunRequest::default()
        };
        let saved_request = SavedRequest {
            max_coins: args.max_coins,
            allow_mass_destroy: args.allow_mass_destroy,
            allow_stock_loss: args.allow_stock_loss,
        };
        let names: Vec<String> = runnable.iter().map(|a| a.name.clone()).collect();
        let rt = runtime()?;
        let (client, prepared) = super::platform::start(&rt, &platform, &names, &settings, now)?;
        let applied = rt.block_on(async {
            let watcher = tokio::spawn(super::interrupt::watch_interrupts(request.stop.clone()));
            let pairs = prepared.into_iter().zip(runnable).collect();
            let results = apply_accounts(
                &platform,
                pairs,
                now,
                &request,
                saved_request,
                std::sync::Arc::new(Silent),
            )
            .await;
            watcher.abort();
            eprintln!(
                "{}",
                crate::platform::token_cache::summary(&client, results.len())
            );
            miette::Result::<_>::Ok(results)
        })?;
        results.extend(applied);
    }
    results.sort_by(|a, b| a.name.cmp(&b.name));
    finish(RunOutcome {
        results,
        run_refusal: None,
    })
}

/// Accounts the plan's selection would take now but the plan does not hold (added
/// since): said, not applied. Only for `--accounts all` (a `changed` selection
/// depends on the branch it is run on).
fn note_unplanned(platform: &Platform, saved: &PlatformPlan) {
    if saved.selection != "all" {
        return;
    }
    let shard: Option<Shard> = saved.shard.as_deref().and_then(|s| s.parse().ok());
    let Ok(now) = crate::platform::select(platform, &Selection::All, shard) else {
        return;
    };
    let planned: std::collections::BTreeSet<&str> =
        saved.accounts.iter().map(|a| a.name.as_str()).collect();
    let missing: Vec<&str> = now
        .iter()
        .map(String::as_str)
        .filter(|n| !planned.contains(n))
        .collect();
    if !missing.is_empty() {
        eprintln!("{}", tr!("pf-sv-unplanned", accounts = missing.join(", ")));
    }
}

/// `apply FILE` of a one-account saved plan whose project is a platform folder, or with
/// `--accounts`/`--shard`: the clear error.
///
/// # Errors
/// Always, when it applies: [`PlatformPlanError::OneAccountPlan`].
pub fn refuse_one_account_plan(path: &Path, project_dir: &Path) -> Result<(), PlatformPlanError> {
    if is_platform(project_dir) {
        return Err(PlatformPlanError::OneAccountPlan {
            path: path.to_path_buf(),
            dir: project_dir.to_path_buf(),
        });
    }
    Ok(())
}

/// `plan merge` joins the shards' JSON reports (`--out`), not their saved plans (each
/// shard job applies its own).
///
/// # Errors
/// [`PlatformPlanError::MergeSaved`] when `path` is a platform's saved plan.
pub fn refuse_merging_saved(path: &Path) -> Result<(), PlatformPlanError> {
    if crate::platform::saved::is_platform_plan(path) {
        return Err(PlatformPlanError::MergeSaved {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}
