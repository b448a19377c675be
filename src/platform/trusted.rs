//! `cardform plan --trusted-settings DIR` on a platform (docs/security.md, threat 5):
//! the settings that decide where credentials go, which state is used and which policy
//! gates a plan come from the base branch's files, never from the pull request's.
//!
//! A platform's trusted settings are a folder, not one file: the root `cardform.toml`
//! cannot vouch for the accounts' own `[policy]` (an account's `[policy]` replaces the
//! platform's whole), so a pull request could drop an account's `deny = ["delete"]` in
//! `accounts/<name>/account.toml`. DIR holds the base branch's root `cardform.toml` and
//! its `accounts/<name>/account.toml` files (a `git worktree` of the base branch will
//! do; nothing else in DIR is read):
//!
//! - run-level, from `DIR/cardform.toml`: `endpoint`, `state`, the whole `[platform]`
//!   section (component AppID, `component_secret_env`, the verify ticket's source,
//!   `[platform.run]`) and `[policy]`;
//! - per account, from `DIR/accounts/<name>/account.toml`: `appid` (a pull request
//!   changing it would make the plan job act on another authorizer's cards: the plan
//!   runs on the trusted AppID and shows the new one as proposed) and `[policy]`;
//! - an account new in the pull request has no trusted counterpart: the trusted
//!   platform `[policy]` governs it, and its own `[policy]` is a proposed change;
//! - `[limits]`, `[output]`, `[test_whitelist]`, the templates and the cards stay the pull
//!   request's: they send nothing anywhere.
//!
//! The pull request's differing values are returned as [`SettingChange`]s: run-level
//! ones for the platform report, account-level ones for that account's plan (the
//! one-account machinery shows them and gates them with `--deny settings`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::trust::SettingChange;
use crate::config::{DenyClass, Diagnostic, PROJECT_FILE, Policy, load_typed_text};
use crate::i18n::{Messages, tr};

use super::files::{ACCOUNT_FILE, ACCOUNTS_DIR, AccountFile, PlatformFile, is_platform_text};
use super::project::{AccountDef, Platform, account_validator, locate_key, platform_validator};

/// The root keys a platform's trusted settings hold.
pub const TRUSTED_RUN_KEYS: [&str; 4] = ["endpoint", "state", "platform", "policy"];

/// The base branch's platform files, as `--trusted-settings DIR` holds them.
#[derive(Debug, Clone)]
pub struct TrustedPlatform {
    pub dir: PathBuf,
    pub file: PlatformFile,
    /// By account name (the folder's name).
    pub accounts: BTreeMap<String, AccountFile>,
}

/// What the pull request proposes for the trusted settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposals {
    /// Of the root `cardform.toml`: shown once in the platform report.
    pub run: Vec<SettingChange>,
    /// Of each account's `account.toml`, by account name: shown in its plan.
    pub accounts: BTreeMap<String, Vec<SettingChange>>,
}

/// Why the trusted settings cannot be read; nothing was sent anywhere.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TrustedError {
    #[error("{}", tr!("pf-tr-missing", path = .path.display()))]
    #[diagnostic(
        code(cardform::config::invalid_trusted_settings),
        help("{}", tr!("pf-tr-dir-help"))
    )]
    Missing { path: PathBuf },
    #[error("{}", tr!("pf-tr-file", path = .path.display()))]
    #[diagnostic(
        code(cardform::config::invalid_trusted_settings),
        help("{}", tr!("pf-tr-dir-help"))
    )]
    AFile { path: PathBuf },
    #[error("{}", tr!("pf-tr-not-platform", path = .path.display()))]
    #[diagnostic(
        code(cardform::config::invalid_trusted_settings),
        help("{}", tr!("pf-tr-not-platform-help"))
    )]
    NotPlatform { path: PathBuf },
    #[error("{}", tr!("pf-tr-invalid", n = .diagnostics.iter().filter(|d| d.is_error()).count(), path = .dir.display()))]
    #[diagnostic(
        code(cardform::config::invalid_trusted_settings),
        help("{}", tr!("pf-tr-invalid-help"))
    )]
    Invalid {
        dir: PathBuf,
        /// Every problem, named by its path under DIR (file:line:col).
        diagnostics: Vec<Diagnostic>,
    },
    #[error("{}", tr!("pf-tr-shared-appids", n = .diagnostics.len()))]
    #[diagnostic(
        code(cardform::config::shared_appid),
        help("{}", tr!("pf-tr-shared-appids-help"))
    )]
    SharedAppids {
        /// One per account sharing an AppID: its file and the other's (file:line:col).
        diagnostics: Vec<Diagnostic>,
    },
}

impl TrustedPlatform {
    /// Reads `DIR/cardform.toml` and every `DIR/accounts/<name>/account.toml`, checked
    /// by the same schemas as the platform's own files.
    ///
    /// # Errors
    /// [`TrustedError`]: DIR missing, a file instead of a folder, a root file without
    /// `[platform]`, or any invalid file (every problem at file:line:col).
    pub fn load(dir: &Path) -> Result<TrustedPlatform, TrustedError> {
        if dir.is_file() {
            let text = std::fs::read_to_string(dir).unwrap_or_default();
            return Err(if is_platform_text(&text) {
                TrustedError::AFile {
                    path: dir.to_path_buf(),
                }
            } else {
                TrustedError::NotPlatform {
                    path: dir.to_path_buf(),
                }
            });
        }
        if !dir.is_dir() {
            return Err(TrustedError::Missing {
                path: dir.to_path_buf(),
            });
        }
        let root = dir.join(PROJECT_FILE);
        if !root.is_file() {
            return Err(TrustedError::Missing { path: root });
        }
        let mut diags = Vec::new();
        let text = read(&root, &mut diags);
        if let Some(t) = &text
            && toml::de::DeTable::parse(t).is_ok()
            && !is_platform_text(t)
        {
            return Err(TrustedError::NotPlatform { path: root });
        }
        let file = text.as_deref().and_then(|t| {
            load_typed_text::<PlatformFile>(&root, t, platform_validator(), &mut diags)
        });
        let mut accounts = BTreeMap::new();
        let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(dir.join(ACCOUNTS_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
            .filter(|(n, _)| !n.starts_with('.'))
            .collect();
        names.sort();
        for (name, path) in names {
            let rel = path.join(ACCOUNT_FILE);
            let Some(text) = read(&rel, &mut diags) else {
                continue;
            };
            if let Some(f) =
                load_typed_text::<AccountFile>(&rel, &text, account_validator(), &mut diags)
            {
                accounts.insert(name, f);
            }
        }
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        match file {
            Some(file) if !diags.iter().any(Diagnostic::is_error) => Ok(TrustedPlatform {
                dir: dir.to_path_buf(),
                file,
                accounts,
            }),
            _ => Err(TrustedError::Invalid {
                dir: dir.to_path_buf(),
                diagnostics: diags,
            }),
        }
    }
}

fn read(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) => {
            diags.push(Diagnostic::error(
                path,
                tr!("pf-file-unreadable", error = e),
            ));
            None
        }
    }
}

/// `value`'s `key` as JSON (`null` when unset).
fn field<T: Serialize>(value: &T, key: &str) -> serde_json::Value {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.get(key).cloned())
        .unwrap_or(serde_json::Value::Null)
}

fn changes<T: Serialize>(keys: &[&str], trusted: &T, proposed: &T) -> Vec<SettingChange> {
    keys.iter()
        .filter_map(|key| {
            let (t, p) = (field(trusted, key), field(proposed, key));
            (t != p).then(|| SettingChange {
                key: (*key).to_string(),
                trusted: t,
                proposed: p,
            })
        })
        .collect()
}

/// Replaces the trusted settings of `platform` (the pull request's) with `trusted`'s
/// and returns what the pull request proposed for each that differs.
///
/// # Guarantees
/// After this, nothing of `platform` that decides where a credential goes, which
/// environment variable is sent as the component secret, which state is used, which
/// authorizer an account is, or which policy gates a plan, comes from the pull request.
///
/// # Errors
/// [`TrustedError::SharedAppids`] when, with the base branch's AppIDs, two accounts
/// have one AppID (each would plan the other's cards away, as `Platform::load` refuses
/// for the files themselves), e.g. a pull request moving account A to a new AppID and
/// adding account B with A's old one.
pub fn adopt(
    platform: &mut Platform,
    trusted: &TrustedPlatform,
) -> Result<Proposals, TrustedError> {
    let run = changes(&TRUSTED_RUN_KEYS, &trusted.file, &platform.file);
    let f = &mut platform.file;
    f.endpoint = trusted.file.endpoint.clone();
    f.state = trusted.file.state.clone();
    f.platform = trusted.file.platform.clone();
    f.policy = trusted.file.policy.clone();
    let mut accounts = BTreeMap::new();
    for (name, a) in &mut platform.accounts {
        let found = match trusted.accounts.get(name) {
            Some(t) => {
                let found = changes(&["appid", "policy"], t, &a.file);
                a.file.appid = t.appid.clone();
                a.file.policy = t.policy.clone();
                found
            }
            // New in the pull request: the trusted platform [policy] governs it.
            None => {
                let found = a
                    .file
                    .policy
                    .as_ref()
                    .map(|p| SettingChange {
                        key: "policy".into(),
                        trusted: serde_json::Value::Null,
                        proposed: serde_json::to_value(p).unwrap_or_default(),
                    })
                    .into_iter()
                    .collect();
                a.file.policy = None;
                found
            }
        };
        if !found.is_empty() {
            accounts.insert(name.clone(), found);
        }
    }
    let proposals = Proposals { run, accounts };
    let diagnostics = shared_appids(platform, trusted, &proposals);
    if diagnostics.is_empty() {
        Ok(proposals)
    } else {
        Err(TrustedError::SharedAppids { diagnostics })
    }
}

/// Where the AppID account `a` runs on is written (path, line, column): the trusted
/// file when the plan took it from there, else the pull request's.
fn appid_place(
    platform: &Platform,
    trusted: &TrustedPlatform,
    a: &AccountDef,
) -> (PathBuf, usize, usize) {
    let (shown, full) = if trusted.accounts.contains_key(&a.name) {
        let p = trusted.dir.join(a.file_rel());
        (p.clone(), p)
    } else {
        (a.file_rel(), platform.root.join(a.file_rel()))
    };
    let text = std::fs::read_to_string(full).unwrap_or_default();
    let (line, col) = locate_key(&text, "appid");
    (shown, line, col)
}

/// The accounts that share an AppID once the trusted AppIDs are taken: one error per
/// account keeping the pull request's AppID, at its file's `appid`, naming the account
/// whose base-branch AppID it is (and where that is written).
fn shared_appids(
    platform: &Platform,
    trusted: &TrustedPlatform,
    proposals: &Proposals,
) -> Vec<Diagnostic> {
    // The AppID the pull request gives an account the plan runs on the trusted one of.
    let proposed = |a: &AccountDef| {
        proposals
            .accounts
            .get(&a.name)?
            .iter()
            .find(|s| s.key == "appid")
            .map(|s| match &s.proposed {
                serde_json::Value::String(v) => v.clone(),
                other => other.to_string(),
            })
    };
    let mut groups: BTreeMap<&str, Vec<&AccountDef>> = BTreeMap::new();
    for a in platform.accounts.values() {
        groups.entry(a.file.appid.trim()).or_default().push(a);
    }
    let mut out = Vec::new();
    for (appid, group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
        let (taken, own): (Vec<&AccountDef>, Vec<&AccountDef>) =
            group.iter().partition(|a| proposed(a).is_some());
        // The pull request's own files had no shared AppID (`Platform::load`): one of the
        // group got its base-branch AppID back. Otherwise (the base branch shares one),
        // each after the first is named.
        let (here, there) = match taken.first() {
            Some(t) if !own.is_empty() => (own, *t),
            _ => (group[1..].to_vec(), group[0]),
        };
        let (p, l, c) = appid_place(platform, trusted, there);
        let file = format!("{}:{l}:{c}", p.display());
        for h in here {
            let (path, line, col) = appid_place(platform, trusted, h);
            let (message, help) = match proposed(there) {
                Some(p) => (
                    tr!(
                        "pf-tr-shared-appid",
                        appid = appid,
                        other = there.name.as_str(),
                        proposed = p,
                        file = file.as_str()
                    ),
                    tr!(
                        "pf-tr-shared-appid-help",
                        other = there.name.as_str(),
                        name = h.name.as_str()
                    ),
                ),
                None => (
                    tr!(
                        "pf-shared-appid",
                        appid = appid,
                        other = there.name.as_str(),
                        file = file.as_str()
                    ),
                    tr!("pf-shared-appid-help"),
                ),
            };
            out.push(
                Diagnostic::error(path, message)
                    .at(line, col)
                    .with_help(help),
            );
        }
    }
    out
}

/// Whether a run-level proposal is refused: `--deny settings`, or `deny = ["settings"]`
/// in the trusted platform `[policy]`. The refusal in words, or `None`.
pub fn run_refusal(run: &[SettingChange], deny: &[DenyClass], policy: &Policy) -> Option<String> {
    let denied = deny.contains(&DenyClass::Settings) || policy.deny.contains(&DenyClass::Settings);
    (denied && !run.is_empty()).then(|| {
        let keys: Vec<&str> = run.iter().map(|s| s.key.as_str()).collect();
        tr!("pf-tr-denied", keys = keys.join(", "))
    })
}

/// A proposed value as the reports show it (`unset` for none).
fn shown(m: &Messages, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => m.t("value-unset"),
        other => crate::visible::visible(&other.to_string()).into_owned(),
    }
}

/// The run-level "Settings" block of the terminal report (the one-account plan's
/// words); nothing when there are none.
pub fn settings_text(m: &Messages, run: &[SettingChange]) -> String {
    let mut out = String::new();
    if run.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}\n\n{}\n",
        m.t("settings-head"),
        m.t("settings-intro")
    );
    for s in run {
        let _ = writeln!(
            out,
            "  ~ {}: {} -> {}",
            s.key,
            shown(m, &s.trusted),
            shown(m, &s.proposed)
        );
    }
    out.push('\n');
    out
}

/// The run-level "Settings" table of the markdown report; nothing when there are none.
pub fn settings_markdown(m: &Messages, run: &[SettingChange]) -> String {
    let mut out = String::new();
    if run.is_empty() {
        return out;
    }
    let cell = |v: &serde_json::Value| {
        let text = shown(m, v)
            .replace('`', "'")
            .replace('|', "\\|")
            .replace(['\n', '\r'], " ");
        format!("`{text}`")
    };
    let _ = writeln!(out, "> [!IMPORTANT]\n> {}\n>", m.t("md-settings"));
    let _ = writeln!(out, "> {}\n> |---|---|---|", m.t("md-settings-table-head"));
    for s in run {
        let _ = writeln!(
            out,
            "> | `{}` | {} | {} |",
            s.key,
            cell(&s.trusted),
            cell(&s.proposed)
        );
    }
    out.push('\n');
    out
}

/// The run-level settings of the HTML report, escaped by `esc`; nothing when none.
pub fn settings_html(m: &Messages, run: &[SettingChange], esc: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    if run.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "<div class=\"settings\"><p><b>{}</b></p><ul>",
        esc(&m.t("warn-settings"))
    );
    for s in run {
        let item = m.t_args(
            "warn-settings-item",
            &[
                ("key", s.key.as_str().into()),
                ("trusted", shown(m, &s.trusted).into()),
                ("proposed", shown(m, &s.proposed).into()),
            ],
        );
        let _ = writeln!(out, "<li><code>{}</code></li>", esc(&item));
    }
    let _ = writeln!(out, "</ul></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn write_platform(root: &Path) {
        write(
            root,
            "cardform.toml",
            "endpoint = \"http://127.0.0.1:9\"\n[platform]\ncomponent_appid = \"wxcomp\"\n",
        );
        write(root, "accounts/shop-a/account.toml", "appid = \"wxa\"\n");
        write(root, "accounts/shop-b/account.toml", "appid = \"wxb\"\n");
    }

    #[test]
    fn the_base_branch_settings_win_and_the_pull_requests_are_listed() {
        let base = tempfile::tempdir().expect("tmp");
        write_platform(base.path());
        write(
            base.path(),
            "accounts/shop-a/account.toml",
            "appid = \"wxa\"\n[policy]\ndeny = [\"delete\"]\n",
        );
        let pr = tempfile::tempdir().expect("tmp");
        write_platform(pr.path());
        write(
            pr.path(),
            "cardform.toml",
            "endpoint = \"http://127.0.0.1:10\"\n[platform]\ncomponent_appid = \"wxcomp\"\ncomponent_secret_env = \"OTHER\"\n[limits]\nparallelism = 2\n",
        );
        write(
            pr.path(),
            "accounts/shop-b/account.toml",
            "appid = \"wxz\"\n",
        );
        write(
            pr.path(),
            "accounts/shop-c/account.toml",
            "appid = \"wxc\"\n[policy]\ndeny = []\n",
        );
        let trusted = TrustedPlatform::load(base.path()).expect("trusted");
        let mut p = Platform::load(pr.path()).expect("pr");
        let found = adopt(&mut p, &trusted).expect("no shared AppID");
        let keys: Vec<&str> = found.run.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["endpoint", "platform"]);
        assert_eq!(p.file.endpoint, "http://127.0.0.1:9");
        assert_eq!(
            p.file.platform.component_secret_env,
            "CARDFORM_COMPONENT_SECRET"
        );
        assert_eq!(
            p.file.limits.parallelism, 2,
            "limits stay the pull request's"
        );
        // shop-a dropped its deny; shop-b changed its AppID; shop-c is new.
        let a = &found.accounts["shop-a"];
        assert_eq!(a[0].key, "policy");
        assert_eq!(a[0].trusted["deny"][0], "delete");
        assert_eq!(
            p.accounts["shop-a"].file.policy,
            trusted.accounts["shop-a"].policy
        );
        assert_eq!(found.accounts["shop-b"][0].key, "appid");
        assert_eq!(p.accounts["shop-b"].file.appid, "wxb");
        assert_eq!(found.accounts["shop-c"][0].trusted, serde_json::Value::Null);
        assert_eq!(p.accounts["shop-c"].file.policy, None);
        assert!(run_refusal(&found.run, &[DenyClass::Settings], &Policy::default()).is_some());
        assert!(run_refusal(&found.run, &[], &Policy::default()).is_none());
        assert!(run_refusal(&[], &[DenyClass::Settings], &Policy::default()).is_none());
    }

    #[test]
    fn a_shared_appid_after_the_swap_names_both_files() {
        let base = tempfile::tempdir().expect("tmp");
        write_platform(base.path());
        let trusted = TrustedPlatform::load(base.path()).expect("trusted");
        // shop-a moves to a new AppID; shop-c, new, takes shop-a's old one.
        let pr = tempfile::tempdir().expect("tmp");
        write_platform(pr.path());
        write(
            pr.path(),
            "accounts/shop-a/account.toml",
            "appid = \"wxnew\"\n",
        );
        write(
            pr.path(),
            "accounts/shop-c/account.toml",
            "# from shop-a\nappid = \"wxa\"\n",
        );
        let mut p = Platform::load(pr.path()).expect("the files alone are fine");
        let Err(TrustedError::SharedAppids { diagnostics }) = adopt(&mut p, &trusted) else {
            panic!("a shared AppID");
        };
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let text = diagnostics[0].to_string();
        let there = format!(
            "{}:1:1",
            base.path().join("accounts/shop-a/account.toml").display()
        );
        for wanted in [
            "accounts/shop-c/account.toml:2:1: ",
            "wxnew",
            "`shop-a`",
            &there,
        ] {
            assert!(text.contains(wanted), "{wanted:?} not in {text}");
        }
        // Two accounts swapping their AppIDs share none: each runs on its trusted one.
        write(
            pr.path(),
            "accounts/shop-a/account.toml",
            "appid = \"wxb\"\n",
        );
        write(
            pr.path(),
            "accounts/shop-b/account.toml",
            "appid = \"wxa\"\n",
        );
        std::fs::remove_dir_all(pr.path().join("accounts/shop-c")).expect("rm");
        let mut p = Platform::load(pr.path()).expect("pr");
        let found = adopt(&mut p, &trusted).expect("no shared AppID");
        assert_eq!(found.accounts.len(), 2);
    }

    #[test]
    fn run_level_settings_render_in_every_report_format() {
        let m = Messages::new(crate::i18n::Lang::En);
        let run = vec![SettingChange {
            key: "endpoint".into(),
            trusted: serde_json::json!("https://api.weixin.qq.com"),
            proposed: serde_json::json!("http://127.0.0.1:9|x"),
        }];
        assert_eq!(
            settings_text(&m, &run),
            "Settings: cardform.toml proposes changes (in force only after merge)\n\n\
             This plan ran on the trusted settings; the project file under review changes:\n\n  \
             ~ endpoint: \"https://api.weixin.qq.com\" -> \"http://127.0.0.1:9|x\"\n\n"
        );
        let md = settings_markdown(&m, &run);
        assert!(
            md.ends_with(
                "> | `endpoint` | `\"https://api.weixin.qq.com\"` | `\"http://127.0.0.1:9\\|x\"` |\n\n"
            ),
            "{md}"
        );
        let html = settings_html(&m, &run, &|s: &str| s.replace('"', "&quot;"));
        assert!(
            html.contains("<li><code>endpoint: &quot;https://api"),
            "{html}"
        );
        assert!(settings_text(&m, &[]).is_empty() && settings_markdown(&m, &[]).is_empty());
    }

    #[test]
    fn bad_trusted_folders_are_named() {
        let tmp = tempfile::tempdir().expect("tmp");
        let missing = tmp.path().join("nope");
        assert!(matches!(
            TrustedPlatform::load(&missing),
            Err(TrustedError::Missing { .. })
        ));
        write(
            tmp.path(),
            "one/cardform.toml",
            "[account]\nappid = \"wx1\"\n",
        );
        assert!(matches!(
            TrustedPlatform::load(&tmp.path().join("one")),
            Err(TrustedError::NotPlatform { .. })
        ));
        assert!(matches!(
            TrustedPlatform::load(&tmp.path().join("one/cardform.toml")),
            Err(TrustedError::NotPlatform { .. })
        ));
        write_platform(&tmp.path().join("pf"));
        assert!(matches!(
            TrustedPlatform::load(&tmp.path().join("pf/cardform.toml")),
            Err(TrustedError::AFile { .. })
        ));
        write(
            &tmp.path().join("pf"),
            "accounts/shop-a/account.toml",
            "appid = [\n",
        );
        let Err(TrustedError::Invalid { diagnostics, .. }) =
            TrustedPlatform::load(&tmp.path().join("pf"))
        else {
            panic!("invalid");
        };
        let text = diagnostics[0].to_string();
        assert!(text.contains("accounts/shop-a/account.toml:1:"), "{text}");
    }
}
