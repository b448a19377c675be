//! Saved platform plans (`cardform plan --save FILE` on a platform, `cardform apply
//! FILE`): one document holding each planned account's one-account [`SavedPlan`] (so
//! an account's freshness check is exactly the one-account check), the platform's
//! identity (component AppID, commit, shard, selection), the run-wide totals, and a
//! checksum over all of it.
//!
//! Applying it ([`apply_accounts`], driven by `commands::platform_saved`): the run-wide
//! limits over the saved plans before anything is sent; then, `account_parallelism` at
//! a time, each account under its lock: its files as they were when planned (the
//! account's folder, the templates it uses, the platform's `cardform.toml`), its state
//! and live cards as the plan saw them ([`SavedPlan::check_fresh`]), the gates in force,
//! then its changes. A stale account fails ("plan again"); the others go on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::PROJECT_FILE;
use crate::engine::{CheckedPlan, PlanRun, Planned, RunError, SavedRequest, run_saved};
use crate::i18n::tr;
use crate::model::Timestamp;
use crate::plan::saved::{SavedPlan, SavedPlanError};
use crate::report::Reporter;
use crate::write_policy::{OutputFile, WriteRefused};
use cardform_spec::Points;

use super::files::{ACCOUNT_FILE, ACCOUNTS_DIR, TEMPLATES_DIR};
use super::project::Platform;
use super::report::FailureEntry;
use super::run::{AccountResult, AppliedCounts, Failure, RunOutcome, RunRequest, Status};
use super::select::Selection;
use super::tokens::Pending;

/// The `kind` of a platform's saved plan: how `apply FILE` tells it from a one-account
/// plan.
pub const KIND: &str = "cardform-platform-plan";

/// The platform saved plan's format version.
pub const FORMAT_VERSION: &str = "1";

/// What `plan --save FILE` writes on a platform.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlatformPlan {
    /// First, with `cardform_version`: the write policy recognises a saved plan by them.
    pub format_version: String,
    pub cardform_version: String,
    /// Always [`KIND`].
    pub kind: String,
    /// Unix seconds.
    pub created_at: i64,
    /// The platform folder, relative to the plan file's folder (resolved on reading).
    pub platform_dir: PathBuf,
    pub component_appid: String,
    /// The commit the platform folder was at (`git rev-parse HEAD`).
    #[serde(default)]
    pub commit: Option<String>,
    /// `K/N` when planned as one shard.
    #[serde(default)]
    pub shard: Option<String>,
    /// `--accounts` as given: `all`, `NAME,…`, `changed:REF`.
    pub selection: String,
    /// What the run-wide limits add up (informative: apply adds them up again from the
    /// accounts' plans).
    pub totals: Totals,
    /// One entry per planned account, in name order.
    pub accounts: Vec<SavedAccount>,
    /// sha256 of everything above (the document with this field empty).
    #[serde(default)]
    pub checksum: String,
}

/// The run-wide limits' measures over the saved plans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// 券点 the plans spend together, exact ("12.5").
    pub coins: String,
    /// Cards the plans delete or replace together.
    pub destroy: usize,
}

/// One account of a platform's saved plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedAccount {
    pub name: String,
    pub appid: String,
    /// `planned`, `denied` (a gate refused it when planned; apply gates it again) or
    /// `failed` (not applicable).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureEntry>,
    /// The account's saved plan; its `inputs_hash` is [`account_inputs_hash`], its
    /// `project_dir` the account's folder relative to the platform folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<SavedPlan>,
}

/// Why a platform's saved plan cannot be applied at all; nothing was sent.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlatformPlanError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Saved(#[from] SavedPlanError),
    #[error("{}", tr!("pf-sv-version", path = .path.display(), found = .found, supported = FORMAT_VERSION))]
    #[diagnostic(code(cardform::platform::saved_plan_version))]
    Version { path: PathBuf, found: String },
    #[error("{}", tr!("pf-sv-account-tampered", path = .path.display(), account = .account))]
    #[diagnostic(code(cardform::saved_plan::tampered))]
    AccountTampered { path: PathBuf, account: String },
    #[error("{}", tr!("pf-sv-not-platform", path = .path.display(), dir = .dir.display()))]
    #[diagnostic(
        code(cardform::platform::saved_plan_kind),
        help("{}", tr!("pf-sv-not-platform-help"))
    )]
    NotPlatform { path: PathBuf, dir: PathBuf },
    #[error("{}", tr!("pf-sv-one-account-plan", path = .path.display(), dir = .dir.display()))]
    #[diagnostic(
        code(cardform::platform::saved_plan_kind),
        help("{}", tr!("pf-sv-one-account-plan-help"))
    )]
    OneAccountPlan { path: PathBuf, dir: PathBuf },
    #[error("{}", tr!("pf-sv-selection", path = .path.display()))]
    #[diagnostic(
        code(cardform::platform::usage),
        help("{}", tr!("pf-sv-selection-help"))
    )]
    Selection { path: PathBuf },
    #[error("{}", tr!("pf-sv-component", path = .path.display(), planned = .planned, now = .now))]
    #[diagnostic(
        code(cardform::platform::saved_plan_component),
        help("{}", tr!("pf-sv-plan-again"))
    )]
    OtherComponent {
        path: PathBuf,
        planned: String,
        now: String,
    },
    #[error("{}", tr!("pf-sv-merge", path = .path.display()))]
    #[diagnostic(
        code(cardform::platform::merge),
        help("{}", tr!("pf-sv-merge-help"))
    )]
    MergeSaved { path: PathBuf },
}

/// Feeds serialized bytes straight into a hash.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether the file at `path` is a platform's saved plan (its `kind`); false for
/// anything else, which the one-account reader then names.
pub fn is_platform_plan(path: &Path) -> bool {
    #[derive(Deserialize)]
    struct Head {
        kind: Option<serde_json::Value>,
    }
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Head>(&b).ok())
        .and_then(|h| h.kind)
        .is_some_and(|k| k == KIND)
}

/// `--accounts` in words, as the plan records it.
pub fn selection_words(selection: &Selection) -> String {
    match selection {
        Selection::All => "all".into(),
        Selection::Names(n) => n.join(","),
        Selection::Changed(r) => format!("changed:{r}"),
    }
}

/// sha256 over the files an account's plan is made from: the platform's
/// `cardform.toml`, the account's `account.toml` and `cards/*.toml`, and each template
/// it uses (names and bytes, in a fixed order; a missing file counts as missing). Its
/// local images are not in it: each is checked against its own sha256 when uploaded.
pub fn account_inputs_hash(platform: &Platform, name: &str) -> String {
    let root = &platform.root;
    let dir = Path::new(ACCOUNTS_DIR).join(name);
    let mut files: Vec<PathBuf> = vec![PathBuf::from(PROJECT_FILE), dir.join(ACCOUNT_FILE)];
    if let Ok(rd) = std::fs::read_dir(root.join(&dir).join(crate::config::CARDS_DIR)) {
        let mut cards: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
            .collect();
        cards.sort();
        files.extend(cards);
    }
    if let Some(a) = platform.accounts.get(name) {
        files.extend(
            a.instances
                .keys()
                .map(|t| Path::new(TEMPLATES_DIR).join(format!("{t}.toml"))),
        );
    }
    let mut h = Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update([0]);
        match std::fs::read(root.join(&f)) {
            Ok(bytes) => {
                h.update((bytes.len() as u64).to_be_bytes());
                h.update(bytes);
            }
            Err(_) => h.update(b"<missing>"),
        }
    }
    hex::encode(h.finalize())
}

/// An account's checked plan as a saved plan (its paths and inputs filled in when the
/// platform's plan is put together).
pub fn account_plan(checked: &CheckedPlan) -> SavedPlan {
    SavedPlan {
        format_version: crate::plan::FORMAT_VERSION.to_string(),
        cardform_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: chrono::Utc::now().timestamp(),
        project_dir: PathBuf::new(),
        state: Some(checked.stamp).filter(|s| s.serial > 0 || s.journal_seq > 0),
        inputs_hash: String::new(),
        images: checked.planned.images.clone(),
        plan: checked.planned.plan.clone(),
        checksum: String::new(),
    }
}

/// The platform's identity, as the plan records it.
pub struct Identity {
    pub platform_dir: PathBuf,
    pub commit: Option<String>,
    pub shard: Option<String>,
    pub selection: String,
}

fn status_words(s: &Status) -> &'static str {
    match s {
        Status::Planned | Status::Applied => "planned",
        Status::Denied => "denied",
        Status::Failed => "failed",
    }
}

impl PlatformPlan {
    /// Puts the platform's plan together from a plan run's results (taking each
    /// account's saved plan out of them); `inputs` are the accounts' input hashes taken
    /// before the run.
    pub fn from_run(
        platform: &Platform,
        identity: Identity,
        outcome: &mut RunOutcome,
        inputs: &BTreeMap<String, String>,
    ) -> PlatformPlan {
        let coins: Points = outcome.results.iter().map(AccountResult::coins).sum();
        let destroy = outcome
            .results
            .iter()
            .filter_map(|r| r.plan.as_ref())
            .map(|p| p.summary.delete + p.summary.replace)
            .sum();
        let accounts = outcome
            .results
            .iter_mut()
            .map(|r| {
                let plan = r.saved.take().map(|s| {
                    let mut s = *s;
                    s.project_dir = Path::new(ACCOUNTS_DIR).join(&r.name);
                    s.inputs_hash = inputs.get(&r.name).cloned().unwrap_or_default();
                    s.seal();
                    s
                });
                SavedAccount {
                    name: r.name.clone(),
                    appid: r.appid.clone(),
                    status: if plan.is_none() {
                        "failed".into()
                    } else {
                        status_words(&r.status).into()
                    },
                    failure: r.failure.as_ref().map(|f| FailureEntry {
                        stage: f.stage.clone(),
                        message: f.message.clone(),
                    }),
                    plan,
                }
            })
            .collect();
        PlatformPlan {
            format_version: FORMAT_VERSION.into(),
            cardform_version: env!("CARGO_PKG_VERSION").into(),
            kind: KIND.into(),
            created_at: chrono::Utc::now().timestamp(),
            platform_dir: identity.platform_dir,
            component_appid: platform.file.platform.component_appid.clone(),
            commit: identity.commit,
            shard: identity.shard,
            selection: identity.selection,
            totals: Totals {
                coins: coins.to_string(),
                destroy,
            },
            accounts,
            checksum: String::new(),
        }
    }

    /// sha256 (hex) of the document with `checksum` empty.
    fn body_checksum(&self) -> String {
        let mut h = HashWriter(Sha256::new());
        if serde_json::to_writer(&mut h, self).is_err() {
            // Never matches a written checksum: the plan is refused.
            return String::new();
        }
        hex::encode(h.0.finalize())
    }

    /// Writes the plan atomically, with its checksum, to a path the write policy
    /// allowed.
    ///
    /// # Errors
    /// The file could not be written, or became something else since the check.
    pub fn write(&mut self, out: &OutputFile) -> Result<(), WriteRefused> {
        self.checksum.clear();
        self.checksum = self.body_checksum();
        out.write_with(|w| serde_json::to_writer_pretty(w, &*self).map_err(std::io::Error::other))
    }

    /// Reads a platform's saved plan: its format, its checksum and each account's, and
    /// the platform folder resolved against the file's folder.
    ///
    /// # Errors
    /// Unreadable, not a platform plan, another format version, or edited after it was
    /// written.
    pub fn read(path: &Path) -> Result<PlatformPlan, PlatformPlanError> {
        let bytes = std::fs::read(path).map_err(|source| SavedPlanError::Read {
            path: path.into(),
            source,
        })?;
        let parse = |e: serde_json::Error| SavedPlanError::Parse {
            path: path.into(),
            problem: e.to_string(),
        };
        #[derive(Deserialize)]
        struct Head {
            format_version: Option<serde_json::Value>,
        }
        let head: Head = serde_json::from_slice(&bytes).map_err(parse)?;
        let found = head
            .format_version
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .unwrap_or("none")
            .to_string();
        if found != FORMAT_VERSION {
            return Err(PlatformPlanError::Version {
                path: path.into(),
                found,
            });
        }
        let mut plan: PlatformPlan = serde_json::from_slice(&bytes).map_err(parse)?;
        let found = std::mem::take(&mut plan.checksum);
        plan.checksum = crate::plan::saved::checked_checksum(path, found, plan.body_checksum())?;
        for a in &mut plan.accounts {
            if let Some(p) = &mut a.plan {
                if !p.is_sealed() {
                    return Err(PlatformPlanError::AccountTampered {
                        path: path.into(),
                        account: a.name.clone(),
                    });
                }
                p.plan.read_legacy_pending();
            }
        }
        plan.platform_dir = crate::plan::saved::beside(path, &plan.platform_dir);
        Ok(plan)
    }

    /// Each account as the run-wide limits see it (its saved plan).
    pub fn as_results(&self) -> Vec<AccountResult> {
        self.accounts
            .iter()
            .map(|a| {
                let plan = a
                    .plan
                    .as_ref()
                    .map(|p| super::run::for_report(p.plan.clone()));
                result(a, Status::Planned, plan)
            })
            .collect()
    }
}

fn result(a: &SavedAccount, status: Status, plan: Option<crate::plan::Plan>) -> AccountResult {
    AccountResult {
        name: a.name.clone(),
        appid: a.appid.clone(),
        status,
        plan,
        denied: None,
        applied: None,
        failure: None,
        errors: Vec::new(),
        saved: None,
    }
}

/// `a` as a failed account of the apply, with `message` at `stage`.
pub fn failed(a: &SavedAccount, stage: &str, message: String) -> AccountResult {
    let plan = a
        .plan
        .as_ref()
        .map(|p| super::run::for_report(p.plan.clone()));
    let mut r = result(a, Status::Failed, plan);
    r.failure = Some(Failure {
        stage: stage.into(),
        message: crate::visible::visible(&message).into_owned(),
    });
    r
}

/// Why an account of the plan is not applied before anything is sent, if it is not:
/// it failed when planned, its folder is gone, or its files changed since the plan.
pub fn not_applicable(platform: &Platform, a: &SavedAccount) -> Option<AccountResult> {
    let Some(plan) = &a.plan else {
        let why = a
            .failure
            .as_ref()
            .map_or_else(|| tr!("pf-none"), |f| f.message.clone());
        return Some(failed(
            a,
            "plan",
            tr!("pf-sv-failed-when-planned", error = why),
        ));
    };
    if !platform.accounts.contains_key(&a.name) {
        return Some(failed(a, "apply", tr!("pf-sv-account-gone")));
    }
    if account_inputs_hash(platform, &a.name) != plan.inputs_hash {
        return Some(failed(a, "apply", tr!("pf-sv-files-changed")));
    }
    None
}

/// Applies each account's saved plan, `account_parallelism` at a time, each under its
/// lock: the one-account freshness check and gates ([`run_saved`]), then its changes.
/// Results in account-name order.
///
/// # Guarantees
/// An account is changed only when its state, its live cards and its files are what
/// its saved plan was made from; a stale or failing account is reported and the others
/// go on.
pub async fn apply_accounts(
    platform: &Platform,
    accounts: Vec<(Pending, SavedAccount)>,
    now: Timestamp,
    request: &RunRequest,
    saved_request: SavedRequest,
    reporter: Arc<dyn Reporter>,
) -> Vec<AccountResult> {
    let n = request.account_parallelism.max(1);
    let mut results: Vec<AccountResult> =
        futures::stream::iter(accounts.into_iter().map(|(pending, account)| {
            let reporter = reporter.clone();
            async move {
                let prepared = pending.build(platform, now);
                apply_one_saved(prepared, account, request, saved_request, reporter).await
            }
        }))
        .buffer_unordered(n)
        .collect()
        .await;
    results.sort_by(|a, b| a.name.cmp(&b.name));
    results
}

async fn apply_one_saved(
    prepared: super::run::Prepared,
    account: SavedAccount,
    request: &RunRequest,
    saved_request: SavedRequest,
    reporter: Arc<dyn Reporter>,
) -> AccountResult {
    let (project, settings) = match prepared.ready {
        Ok(p) => p,
        Err(f) => return failed(&account, &f.stage, f.message),
    };
    let Some(mut saved) = account.plan.clone() else {
        return failed(
            &account,
            "plan",
            tr!("pf-sv-failed-when-planned", error = tr!("pf-none")),
        );
    };
    saved.project_dir = project.root.clone();
    let (session, verdict) = match run_saved(
        &mut saved,
        project.config.clone(),
        &settings,
        saved_request,
        reporter,
    )
    .await
    {
        Ok(v) => v,
        Err(e @ RunError::Stale(_)) => {
            return failed(&account, "apply", tr!("pf-sv-stale", error = e.to_string()));
        }
        Err(e) => return failed(&account, "apply", e.to_string()),
    };
    let mut r = result(
        &account,
        Status::Planned,
        Some(super::run::for_report(saved.plan.clone())),
    );
    if verdict.denied() {
        r.status = Status::Denied;
        r.denied = Some(verdict.full_report());
        session.close().await;
        return r;
    }
    if !saved.plan.has_changes() {
        // As the one-account `apply FILE`: nothing to change, nothing recorded.
        r.status = Status::Applied;
        r.applied = Some(AppliedCounts::default());
        session.close().await;
        return r;
    }
    let checked = CheckedPlan {
        planned: Planned {
            plan: saved.plan,
            images: saved.images,
            resolutions: Vec::new(),
            inputs_hash: saved.inputs_hash,
        },
        verdict,
        stamp: session.state.read(|s| s.stamp()),
        managed: 0,
    };
    super::run::apply_one(r, PlanRun { session, checked }, request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_are_recorded_as_given() {
        assert_eq!(selection_words(&Selection::All), "all");
        assert_eq!(
            selection_words(&Selection::Names(vec!["a".into(), "b".into()])),
            "a,b"
        );
        assert_eq!(
            selection_words(&Selection::Changed("origin/main".into())),
            "changed:origin/main"
        );
    }

    fn account_saved() -> SavedPlan {
        SavedPlan {
            format_version: crate::plan::FORMAT_VERSION.into(),
            cardform_version: "test".into(),
            created_at: 1,
            project_dir: PathBuf::from("accounts/a"),
            state: None,
            inputs_hash: "h".into(),
            images: BTreeMap::new(),
            plan: crate::plan::Plan::new(Vec::new(), false),
            checksum: String::new(),
        }
    }

    #[test]
    fn platform_plans_read_back_and_refuse_edits_and_other_formats() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("plan.json");
        let mut inner = account_saved();
        inner.seal();
        assert!(inner.is_sealed());
        let mut plan = PlatformPlan {
            format_version: FORMAT_VERSION.into(),
            cardform_version: "test".into(),
            kind: KIND.into(),
            created_at: 1,
            platform_dir: PathBuf::from("."),
            component_appid: "wxcomp".into(),
            commit: None,
            shard: Some("1/2".into()),
            selection: "all".into(),
            totals: Totals::default(),
            accounts: vec![SavedAccount {
                name: "a".into(),
                appid: "wxa".into(),
                status: "planned".into(),
                failure: None,
                plan: Some(inner),
            }],
            checksum: String::new(),
        };
        let out = crate::write_policy::WritePolicy::outside_project()
            .check(&path, crate::write_policy::OutputKind::SavedPlan)
            .unwrap_or_else(|e| panic!("{e}"));
        plan.write(&out).unwrap_or_else(|e| panic!("{e}"));
        assert!(is_platform_plan(&path));
        let back = PlatformPlan::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.accounts.len(), 1);
        assert_eq!(back.platform_dir, dir.path().join("."));
        // Written again over itself: a saved plan over a saved plan.
        plan.write(&out).unwrap_or_else(|e| panic!("{e}"));

        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let edited = text.replace("\"inputs_hash\": \"h\"", "\"inputs_hash\": \"x\"");
        assert_ne!(edited, text);
        std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            PlatformPlan::read(&path),
            Err(PlatformPlanError::Saved(SavedPlanError::Tampered { .. }))
        ));
        // An account's plan edited and the outer checksum forged: still refused.
        let mut forged = plan.clone();
        if let Some(p) = forged.accounts[0].plan.as_mut() {
            p.inputs_hash = "x".into();
        }
        forged.write(&out).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            PlatformPlan::read(&path),
            Err(PlatformPlanError::AccountTampered { .. })
        ));
        std::fs::write(
            &path,
            r#"{"format_version": "9", "kind": "cardform-platform-plan"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            PlatformPlan::read(&path),
            Err(PlatformPlanError::Version { .. })
        ));
        std::fs::write(&path, r#"{"format_version": "2"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(!is_platform_plan(&path));
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn an_accounts_inputs_are_its_folder_its_templates_and_the_platform_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        write(
            root,
            "cardform.toml",
            "endpoint = \"http://127.0.0.1:9\"\n[platform]\ncomponent_appid = \"wxcomp\"\n",
        );
        write(root, "templates/t.toml", "[cards]\n");
        write(root, "templates/other.toml", "[cards]\n");
        write(
            root,
            "accounts/a/account.toml",
            "appid = \"wxa\"\n[templates.t]\n",
        );
        write(root, "accounts/b/account.toml", "appid = \"wxb\"\n");
        let load = || Platform::load(root).unwrap_or_else(|e| panic!("{e:?}"));
        let p = load();
        let (a, b) = (account_inputs_hash(&p, "a"), account_inputs_hash(&p, "b"));
        assert_ne!(a, b);
        // A template the account does not use, or another account: no change.
        write(root, "templates/other.toml", "[cards]\n# edited\n");
        write(root, "accounts/b/cards/x.toml", "# new\n");
        let p = load();
        assert_eq!(account_inputs_hash(&p, "a"), a);
        assert_ne!(account_inputs_hash(&p, "b"), b);
        // Its template, a card file of its own, the platform's file: a change each.
        for (file, text) in [
            ("templates/t.toml", "[cards]\n# edited\n"),
            ("accounts/a/cards/c.toml", "# new\n"),
            (
                "cardform.toml",
                "endpoint = \"http://127.0.0.1:9\"\n[platform]\ncomponent_appid = \"wxcomp\"\n# x\n",
            ),
        ] {
            let before = account_inputs_hash(&load(), "a");
            write(root, file, text);
            assert_ne!(account_inputs_hash(&load(), "a"), before, "{file}");
        }
    }
}
