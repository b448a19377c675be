//! A platform project on disk: the root `cardform.toml` with `[platform]`, the account
//! folders and the templates, checked as a whole (every problem of every file at
//! once); then each account as an ordinary [`Project`] the engine runs unchanged.

use crate::i18n::tr;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml::de::DeTable;

use crate::config::source::line_col;
use crate::config::{
    Account, Compiled, ConfigError, Diagnostic, PROJECT_FILE, Project, ProjectConfig,
    SANDBOX_ENDPOINT, TokenSource, compile_for, load_composed, load_typed_text,
};
use crate::model::Timestamp;

use super::files::{
    ACCOUNT_FILE, ACCOUNTS_DIR, AccountFile, PlatformFile, STATE_DIR, STATE_FILE, TEMPLATES_DIR,
    is_valid_account_name,
};
use super::template::{Instance, Template, value_at};

pub(super) fn platform_validator() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| compile_for::<PlatformFile>("cardform platform file (cardform.toml)"))
}

pub(super) fn account_validator() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| compile_for::<AccountFile>("cardform platform account (account.toml)"))
}

/// One account folder, read and checked (its cards are read by [`Platform::project`]).
#[derive(Debug, Clone)]
pub struct AccountDef {
    pub name: String,
    /// `accounts/<name>`, relative to the platform root.
    pub dir: PathBuf,
    pub file: AccountFile,
    /// The templates it uses, with its values.
    pub instances: BTreeMap<String, Instance>,
}

impl AccountDef {
    /// `accounts/<name>/account.toml`, relative to the platform root.
    pub fn file_rel(&self) -> PathBuf {
        self.dir.join(ACCOUNT_FILE)
    }
}

/// A loaded platform project.
#[derive(Debug, Clone)]
pub struct Platform {
    pub root: PathBuf,
    pub file: PlatformFile,
    /// By account name (the folder's name).
    pub accounts: BTreeMap<String, AccountDef>,
    pub templates: BTreeMap<String, Template>,
}

/// Whether `dir` holds a platform project (its `cardform.toml` has `[platform]`).
pub fn is_platform(dir: &Path) -> bool {
    fs::read_to_string(dir.join(PROJECT_FILE))
        .map(|t| super::files::is_platform_text(&t))
        .unwrap_or(false)
}

fn read(root: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match fs::read_to_string(root.join(rel)) {
        Ok(t) => Some(t),
        Err(e) => {
            diags.push(Diagnostic::error(rel, tr!("pf-file-unreadable", error = e)));
            None
        }
    }
}

/// The names of the entries of `root/rel`, sorted (none when it does not exist).
fn entries(root: &Path, rel: &str, diags: &mut Vec<Diagnostic>) -> Vec<(String, bool)> {
    let dir = root.join(rel);
    let Ok(read) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in read.flatten() {
        let is_dir = entry.path().is_dir();
        match entry.file_name().into_string() {
            Ok(name) if !name.starts_with('.') => out.push((name, is_dir)),
            Ok(_) => {}
            Err(name) => diags.push(Diagnostic::warning(
                Path::new(rel).join(&name),
                tr!("pf-file-not-utf8"),
            )),
        }
    }
    out.sort();
    out
}

impl Platform {
    /// Reads the root file, every `accounts/*/account.toml` and every
    /// `templates/*.toml`; checks them and the instances of the templates.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with every problem found (file:line:col).
    pub fn load(root: &Path) -> Result<Platform, ConfigError> {
        let mut diags = Vec::new();
        if !root.join(PROJECT_FILE).is_file() {
            return Err(ConfigError::NotAProject {
                dir: root.to_path_buf(),
            });
        }
        let root_text = read(root, Path::new(PROJECT_FILE), &mut diags);
        let file: Option<PlatformFile> = root_text.as_deref().and_then(|t| {
            load_typed_text(Path::new(PROJECT_FILE), t, platform_validator(), &mut diags)
        });
        if let (Some(f), Some(text)) = (&file, &root_text)
            && f.endpoint.trim() == SANDBOX_ENDPOINT
        {
            let (l, c) = locate_key(text, "endpoint");
            diags.push(
                Diagnostic::error(PROJECT_FILE, tr!("pf-no-sandbox"))
                    .at(l, c)
                    .with_help(tr!("pf-no-sandbox-help")),
            );
        }

        let mut templates = BTreeMap::new();
        let mut broken = std::collections::BTreeSet::new();
        for (name, is_dir) in entries(root, TEMPLATES_DIR, &mut diags) {
            let Some(stem) = name.strip_suffix(".toml").filter(|_| !is_dir) else {
                continue;
            };
            let rel = Path::new(TEMPLATES_DIR).join(&name);
            if !crate::config::is_valid_address(stem) {
                diags.push(
                    Diagnostic::error(&rel, tr!("pf-template-name"))
                        .with_help(tr!("pf-template-name-help")),
                );
                continue;
            }
            match read(root, &rel, &mut diags)
                .and_then(|text| Template::parse(stem, &text, &mut diags))
            {
                Some(t) => {
                    templates.insert(stem.to_string(), t);
                }
                // Its problems are listed; its users are not told it does not exist.
                None => {
                    broken.insert(stem.to_string());
                }
            }
        }

        let mut accounts = BTreeMap::new();
        let listed = entries(root, ACCOUNTS_DIR, &mut diags);
        if listed.is_empty() {
            diags.push(
                Diagnostic::warning(ACCOUNTS_DIR, tr!("pf-no-accounts-dir"))
                    .with_help(tr!("pf-no-accounts-dir-help")),
            );
        }
        // Each account's file is read, schema-checked and its template instances
        // checked on every core: with a thousand accounts this is the run's start, before
        // any call can be sent (nothing is sent while a file is invalid).
        for (def, mut found) in on_every_core(&listed, |(name, is_dir)| {
            load_account(root, name, *is_dir, &templates, &broken)
        }) {
            diags.append(&mut found);
            if let Some(def) = def {
                accounts.insert(def.name.clone(), def);
            }
        }
        check_unique_appids(root, &accounts, &mut diags);
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diags.dedup();
        match file {
            Some(file) if !diags.iter().any(Diagnostic::is_error) => Ok(Platform {
                root: root.to_path_buf(),
                file,
                accounts,
                templates,
            }),
            _ => Err(ConfigError::Invalid { diagnostics: diags }),
        }
    }

    /// The state setting of `account`: the platform's postgres URL with
    /// `name=<account>`, else `state/<account>/cardform.state.json` under the root.
    pub fn state_for(&self, state: Option<&str>, account: &str) -> String {
        match state.map(str::trim).filter(|s| !s.is_empty()) {
            Some(url) if crate::state::is_postgres_url(url) => with_name(url, account),
            // Absolute: the account's session resolves a relative state path against
            // the account's folder, which put it under accounts/<name>/state/<name>/.
            _ => std::path::absolute(&self.root)
                .unwrap_or_else(|_| self.root.clone())
                .join(STATE_DIR)
                .join(account)
                .join(STATE_FILE)
                .display()
                .to_string(),
        }
    }

    /// The account as an ordinary project: its settings (the platform's, with the
    /// account's overrides), its `cards/*.toml` and its templates' instances.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`], the diagnostics named from the platform root.
    pub fn project(&self, name: &str, now: Timestamp) -> Result<Project, ConfigError> {
        let Some(a) = self.accounts.get(name) else {
            return Err(ConfigError::Invalid {
                diagnostics: vec![Diagnostic::error(
                    ACCOUNTS_DIR,
                    tr!("pf-no-such-account", name = name),
                )],
            });
        };
        let config = ProjectConfig {
            project_id: None,
            endpoint: self.file.endpoint.clone(),
            state: Some(self.state_for(self.file.state.as_deref(), name)),
            account: Account {
                appid: a.file.appid.clone(),
                token: TokenSource::Component {
                    component_appid: self.file.platform.component_appid.clone(),
                    component_secret_env: self.file.platform.component_secret_env.clone(),
                    verify_ticket_env: super::files::DEFAULT_TICKET_ENV.to_string(),
                    refresh_token_env: String::new(),
                },
            },
            limits: a
                .file
                .limits
                .clone()
                .unwrap_or_else(|| self.file.limits.clone()),
            policy: a
                .file
                .policy
                .clone()
                .unwrap_or_else(|| self.file.policy.clone()),
            output: self.file.output,
            test_whitelist: a.file.test_whitelist.clone(),
        };
        let mut diags = Vec::new();
        let mut extra = Vec::new();
        for (t, inst) in &a.instances {
            if let Some(template) = self.templates.get(t)
                && let Some(text) =
                    template.instantiate(&a.file_rel(), inst, &a.file.stores, &mut diags)
            {
                extra.push((template.rel.clone(), text));
            }
        }
        if !diags.is_empty() {
            return Err(ConfigError::Invalid { diagnostics: diags });
        }
        let dir = self.root.join(&a.dir);
        load_composed(&dir, now, config, extra).map_err(|e| match e {
            ConfigError::Invalid { diagnostics } => ConfigError::Invalid {
                diagnostics: diagnostics
                    .into_iter()
                    .map(|d| rename(super::stores::hint_own_card(d, &dir), &a.dir, name))
                    .collect(),
            },
            other => other,
        })
    }
}

impl Platform {
    /// Builds the project of each of `names` (its files, its templates' instances,
    /// every card checked) on every core and drops it: the run checks every account
    /// before any card call, and keeps none of the projects (each is built again
    /// when its turn comes).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with every problem of every account; another error
    /// of the first account that had one.
    pub fn check_projects(&self, names: &[String], now: Timestamp) -> Result<(), ConfigError> {
        let mut diagnostics = Vec::new();
        for result in on_every_core(names, |name| self.project(name, now).map(drop)) {
            match result {
                Ok(()) => {}
                Err(ConfigError::Invalid { diagnostics: mut d }) => diagnostics.append(&mut d),
                Err(other) => return Err(other),
            }
        }
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid { diagnostics })
        }
    }
}

/// A diagnostic of an account's project named from the platform root: its own files
/// under `accounts/<name>/`, an instance as the template's file with the account named.
fn rename(mut d: Diagnostic, dir: &Path, account: &str) -> Diagnostic {
    if d.file.starts_with(TEMPLATES_DIR) {
        d.message = tr!("pf-in-account", account = account, message = d.message);
    } else {
        d.file = dir.join(&d.file);
    }
    d
}

/// `url` with its `name=` option set to `account` (any other `name=` dropped).
pub fn with_name(url: &str, account: &str) -> String {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("name="))
        .collect();
    let name = format!("name={account}");
    kept.push(&name);
    format!("{head}?{}", kept.join("&"))
}

pub(super) fn locate_key(text: &str, key: &str) -> (usize, usize) {
    DeTable::parse(text)
        .ok()
        .and_then(|t| {
            t.get_ref()
                .get_key_value(key)
                .map(|(k, _)| line_col(text, k.span().start))
        })
        .unwrap_or((1, 1))
}

/// `[templates.<name>]` tables of an account file, with each value's literal and place.
fn instances_of(text: &str) -> BTreeMap<String, Instance> {
    let mut out = BTreeMap::new();
    let Ok(tree) = DeTable::parse(text) else {
        return out;
    };
    let Some(templates) = tree
        .get_ref()
        .get("templates")
        .and_then(|v| v.get_ref().as_table())
    else {
        return out;
    };
    for (name, table) in templates {
        let mut inst = Instance {
            at: line_col(text, name.span().start),
            ..Instance::default()
        };
        if let Some(t) = table.get_ref().as_table() {
            for (k, v) in t {
                inst.values.insert(
                    k.get_ref().to_string(),
                    (
                        value_at(text, v.get_ref(), v.span()),
                        line_col(text, k.span().start),
                    ),
                );
            }
        }
        out.insert(name.get_ref().to_string(), inst);
    }
    out
}

/// One account folder read and checked: its file against the schema, its templates
/// known, their instances complete. `None` when it cannot be used; the problems go
/// with it.
fn load_account(
    root: &Path,
    name: &str,
    is_dir: bool,
    templates: &BTreeMap<String, Template>,
    broken: &std::collections::BTreeSet<String>,
) -> (Option<AccountDef>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if !is_dir {
        return (None, diags);
    }
    let dir = Path::new(ACCOUNTS_DIR).join(name);
    if !is_valid_account_name(name) {
        diags.push(
            Diagnostic::error(&dir, tr!("pf-account-name", name = name))
                .with_help(tr!("pf-account-name-help")),
        );
        return (None, diags);
    }
    let rel = dir.join(ACCOUNT_FILE);
    if !root.join(&rel).is_file() {
        diags.push(
            Diagnostic::error(&rel, tr!("pf-no-account-file"))
                .with_help(tr!("pf-no-account-file-help")),
        );
        return (None, diags);
    }
    let Some(text) = read(root, &rel, &mut diags) else {
        return (None, diags);
    };
    super::stores::check_set_names(&rel, &text, &mut diags);
    let Some(file) = load_typed_text::<AccountFile>(&rel, &text, account_validator(), &mut diags)
    else {
        return (None, diags);
    };
    let instances = instances_of(&text);
    for (t, inst) in &instances {
        match templates.get(t) {
            // Checked here too, so `validate` sees every account's problem.
            Some(template) => {
                template.instantiate(&rel, inst, &file.stores, &mut diags);
            }
            // A template that does not parse has its problems listed; its users are
            // not told it does not exist.
            None if broken.contains(t) => {}
            None => diags.push(
                Diagnostic::error(&rel, tr!("pf-unknown-template", name = t))
                    .at(inst.at.0, inst.at.1)
                    .with_help(tr!(
                        "pf-unknown-template-help",
                        name = t,
                        known = templates.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
            ),
        }
    }
    let def = AccountDef {
        name: name.to_string(),
        dir,
        file,
        instances,
    };
    (Some(def), diags)
}

/// `f` over `items` on every core the machine has, the results in `items`' order.
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            // A worker that panicked re-raises its panic here, as the loop would have.
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Two account folders with one AppID would plan each other's cards away.
fn check_unique_appids(
    root: &Path,
    accounts: &BTreeMap<String, AccountDef>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut first: BTreeMap<&str, &AccountDef> = BTreeMap::new();
    for a in accounts.values() {
        let appid = a.file.appid.trim();
        if let Some(other) = first.get(appid) {
            let text = fs::read_to_string(root.join(a.file_rel())).unwrap_or_default();
            let (l, c) = locate_key(&text, "appid");
            diags.push(
                Diagnostic::error(
                    a.file_rel(),
                    tr!(
                        "pf-shared-appid",
                        appid = appid,
                        other = other.name,
                        file = other.file_rel().display()
                    ),
                )
                .at(l, c)
                .with_help(tr!("pf-shared-appid-help")),
            );
        } else {
            first.insert(appid, a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    pub(crate) const CARD: &str = r#"[cards.spring_cash]
card_type = "CASH"
least_cost = 10000
reduce_cost = 1000

[cards.spring_cash.base_info]
logo_url = "https://mmbiz.qpic.cn/logo.png"
code_type = "CODE_TYPE_QRCODE"
brand_name = "${brand}"
title = "${brand} ¥10 off"
color = "Color010"
notice = "Show the code at the till"
description = "One per visit."
sku = { quantity = "${quantity}" }
date_info = { type = "DATE_TYPE_FIX_TERM", fixed_term = 30, fixed_begin_term = 0 }
use_all_locations = true

[variables.brand]
description = "brand"
[variables.quantity]
default = 100
"#;

    fn platform(root: &Path) {
        write(
            root,
            "cardform.toml",
            "endpoint = \"http://127.0.0.1:9\"\n[platform]\ncomponent_appid = \"wxcomp\"\n",
        );
        write(root, "templates/spring.toml", CARD);
        write(
            root,
            "accounts/shop-a/account.toml",
            "appid = \"wxa\"\n[templates.spring]\nbrand = \"Tea A\"\n",
        );
        write(
            root,
            "accounts/shop-b/account.toml",
            "appid = \"wxb\"\n[templates.spring]\nbrand = \"Tea B\"\nquantity = 5\n",
        );
    }

    #[test]
    fn accounts_are_projects_with_their_template_instances() {
        let dir = tempfile::tempdir().expect("tmp");
        platform(dir.path());
        let p = Platform::load(dir.path()).expect("loads");
        assert_eq!(p.accounts.len(), 2);
        let b = p
            .project("shop-b", Timestamp(1_700_000_000))
            .expect("project");
        assert_eq!(b.config.account.appid, "wxb");
        assert!(b.cards.contains_key("spring_cash"));
        assert!(
            b.config
                .state
                .as_deref()
                .is_some_and(|s| s.ends_with("state/shop-b/cardform.state.json")),
            "{:?}",
            b.config.state
        );
    }

    #[test]
    fn a_missing_variable_and_a_shared_appid_are_errors_with_places() {
        let dir = tempfile::tempdir().expect("tmp");
        platform(dir.path());
        write(
            dir.path(),
            "accounts/shop-c/account.toml",
            "appid = \"wxa\"\n\n[templates.spring]\nquantity = 3\ncolour = 1\n",
        );
        let Err(ConfigError::Invalid { diagnostics }) = Platform::load(dir.path()) else {
            panic!("must fail");
        };
        let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("accounts/shop-c/account.toml:1:1")
                    && t.contains("also the AppID of account `shop-a`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("accounts/shop-c/account.toml:3:12")
                    && t.contains("variable `brand`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("accounts/shop-c/account.toml:5:1")
                    && t.contains("no variable `colour`")),
            "{text:?}"
        );
    }

    const FRIENDS: &str = r#"[cards.friends_cash]
card_type = "CASH"
least_cost = 10000
reduce_cost = 1000

[cards.friends_cash.base_info]
logo_url = "https://mmbiz.qpic.cn/logo.png"
code_type = "CODE_TYPE_QRCODE"
brand_name = "Tea"
title = "Tea ¥10 off"
color = "Color010"
notice = "Show the code at the till"
description = "One per visit."
sku = { quantity = 100 }
date_info = { type = "DATE_TYPE_FIX_TERM", fixed_term = 30, fixed_begin_term = 0 }
location_id_list = "${stores.all}"
"#;

    #[test]
    fn each_account_gets_its_own_store_set() {
        let dir = tempfile::tempdir().expect("tmp");
        platform(dir.path());
        write(dir.path(), "templates/stores.toml", FRIENDS);
        write(
            dir.path(),
            "accounts/shop-a/account.toml",
            "appid = \"wxa\"\n[templates.stores]\n\n[stores]\nall = [11, 12]\n",
        );
        write(
            dir.path(),
            "accounts/shop-b/account.toml",
            "appid = \"wxb\"\n[templates.stores]\n[stores]\nall = [\n  21, # the mall\n]\nunused = [22]\n",
        );
        let p = Platform::load(dir.path()).expect("loads");
        for (name, ids) in [("shop-a", vec![11, 12]), ("shop-b", vec![21])] {
            let project = p.project(name, Timestamp(1_700_000_000)).expect("project");
            let card = &project.cards["friends_cash"];
            assert_eq!(card.card.base_info.location_id_list, Some(ids), "{name}");
        }
    }

    #[test]
    fn a_missing_store_set_and_bad_sets_are_errors_with_places() {
        let dir = tempfile::tempdir().expect("tmp");
        platform(dir.path());
        write(dir.path(), "templates/stores.toml", FRIENDS);
        write(
            dir.path(),
            "accounts/shop-a/account.toml",
            "appid = \"wxa\"\n\n[templates.stores]\n",
        );
        write(
            dir.path(),
            "accounts/shop-b/account.toml",
            "appid = \"wxb\"\n[stores]\nall = []\nDown = [1]\nzero = [0]\n",
        );
        let Err(ConfigError::Invalid { diagnostics }) = Platform::load(dir.path()) else {
            panic!("must fail");
        };
        let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.starts_with(
                "accounts/shop-a/account.toml:3:12: template `stores` uses store set `all` (used at templates/stores.toml:16:20)"
            )),
            "{text:?}"
        );
        for place in [
            "accounts/shop-b/account.toml:3:7",
            "accounts/shop-b/account.toml:4:1",
            "accounts/shop-b/account.toml:5:9",
        ] {
            assert!(
                text.iter().any(|t| t.starts_with(place)),
                "{place}: {text:?}"
            );
        }
    }

    #[test]
    fn a_store_placeholder_in_an_own_card_says_templates_only() {
        let dir = tempfile::tempdir().expect("tmp");
        platform(dir.path());
        write(
            dir.path(),
            "accounts/shop-a/cards/own.toml",
            &FRIENDS.replace("friends_cash", "own_cash"),
        );
        let p = Platform::load(dir.path()).expect("loads");
        let Err(ConfigError::Invalid { diagnostics }) =
            p.project("shop-a", Timestamp(1_700_000_000))
        else {
            panic!("must fail");
        };
        assert!(
            diagnostics
                .iter()
                .any(|d| d.file == Path::new("accounts/shop-a/cards/own.toml")
                    && d.line == 16
                    && d.help
                        .as_deref()
                        .is_some_and(|h| h.contains("templates/*.toml"))),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn postgres_state_gets_one_row_per_account() {
        assert_eq!(with_name("postgres://db/x", "a"), "postgres://db/x?name=a");
        assert_eq!(
            with_name("postgres://db/x?sslmode=require&name=z", "b"),
            "postgres://db/x?sslmode=require&name=b"
        );
    }
}
