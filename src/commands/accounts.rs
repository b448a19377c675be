//! `cardform accounts list | import`: the platform's authorizers
//! (`api_get_authorizer_list`, every page) against the account folders.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::cli::{AccountsImportArgs, AccountsListArgs, Format};
use crate::config::RunSettings;
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::model::Timestamp;
use crate::platform::files::{ACCOUNT_FILE, ACCOUNTS_DIR, is_valid_account_name};
use crate::platform::stores::ImportedStores;
use crate::platform::{Platform, tokens};
use crate::session::runtime;

use super::error::CommandError;
use super::output::print_json;
use super::platform::load_platform;

/// One authorizer, as `list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorizerRow {
    pub appid: String,
    pub nick_name: String,
    /// The account folder that manages it, if any.
    pub account: Option<String>,
    pub card_permission: bool,
    /// When the merchant authorised the platform (Unix seconds, and RFC 3339).
    pub auth_time: i64,
    pub auth_time_text: String,
    /// Why its details could not be read (e.g. revoked), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
struct ListJson<'a> {
    format_version: &'static str,
    authorizers: &'a [AuthorizerRow],
    /// Account folders whose AppID the platform's list lacks.
    not_authorizers: Vec<(String, String)>,
}

/// Whether `import` would write a folder for `r`: an authorizer with the card
/// permission set that no folder manages and whose AppID can name a folder.
fn importable(r: &AuthorizerRow) -> bool {
    r.account.is_none() && r.card_permission && folder_name(&r.appid).is_some()
}

fn rows(platform: &Platform, settings: &RunSettings) -> miette::Result<Vec<AuthorizerRow>> {
    Ok(read(platform, settings, false)?
        .into_iter()
        .map(|(r, _)| r)
        .collect())
}

/// The authorizers, and with `stores` the stores of each one [`importable`] (one
/// authorizer token and one `card/location/batchget` each), from one component token.
fn read(
    platform: &Platform,
    settings: &RunSettings,
    stores: bool,
) -> miette::Result<Vec<(AuthorizerRow, Option<ImportedStores>)>> {
    let now = Timestamp(chrono::Utc::now().timestamp());
    let base_url = tokens::endpoint(platform, &settings.operator)?;
    let credentials = tokens::credentials(platform, &settings.operator, now)?;
    let managed: BTreeMap<&str, &str> = platform
        .accounts
        .values()
        .map(|a| (a.file.appid.as_str(), a.name.as_str()))
        .collect();
    runtime()?.block_on(async {
        let (client, list) =
            tokens::connect(platform, &settings.operator, &base_url, credentials).await?;
        let mut out = Vec::new();
        for a in list {
            let info = client.authorizer_info(&a.authorizer_appid).await;
            let (nick, perm, error) = match info {
                Ok(i) => {
                    let perm = i.has_card_permission();
                    (i.nick_name, perm, None)
                }
                Err(e) => (String::new(), false, Some(e.to_string())),
            };
            let row = AuthorizerRow {
                account: managed
                    .get(a.authorizer_appid.as_str())
                    .map(|s| s.to_string()),
                appid: a.authorizer_appid.clone(),
                nick_name: crate::visible::visible(&nick).into_owned(),
                card_permission: perm,
                auth_time: a.auth_time,
                auth_time_text: chrono::DateTime::from_timestamp(a.auth_time, 0)
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default(),
                error,
            };
            let read = if stores && importable(&row) {
                Some(store_ids(platform, &base_url, &client, &a).await)
            } else {
                None
            };
            out.push((row, read));
        }
        miette::Result::<_>::Ok(out)
    })
}

/// The stores `card/location/batchget` lists for the authorizer `a`, with its own
/// authorizer token (the run's component client makes it).
async fn store_ids(
    platform: &Platform,
    base_url: &str,
    client: &std::sync::Arc<cardform_client::PlatformClient>,
    a: &cardform_client::AuthorizerEntry,
) -> ImportedStores {
    let mut config = cardform_client::ClientConfig::new(
        base_url,
        &a.authorizer_appid,
        cardform_client::TokenSource::Component {
            component_appid: platform.file.platform.component_appid.clone(),
            component_secret_env: platform.file.platform.component_secret_env.clone(),
            verify_ticket_env: crate::platform::files::DEFAULT_TICKET_ENV.to_string(),
            refresh_token_env: String::new(),
        },
    );
    config.timeout = std::time::Duration::from_secs(platform.file.limits.timeout_seconds.max(1));
    let read = async {
        let wechat = cardform_client::WeChatClient::for_authorizer(
            config,
            client.clone(),
            a.refresh_token.clone(),
        )?;
        wechat
            .store_ids()
            .await
            .map(|ids| ids.iter().copied().collect())
    };
    match read.await {
        Ok(ids) => ImportedStores::Ids(ids),
        Err(e) => ImportedStores::Failed(crate::visible::visible(&e.to_string()).into_owned()),
    }
}

/// `cardform accounts list`.
pub fn list(args: &AccountsListArgs) -> miette::Result<Outcome> {
    let platform = load_platform(&args.dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let rows = rows(&platform, &settings)?;
    let listed: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.appid.as_str()).collect();
    let orphans: Vec<(String, String)> = platform
        .accounts
        .values()
        .filter(|a| !listed.contains(a.file.appid.as_str()))
        .map(|a| (a.name.clone(), a.file.appid.clone()))
        .collect();
    if args.format == Format::Json {
        print_json(&ListJson {
            format_version: "1",
            authorizers: &rows,
            not_authorizers: orphans,
        })?;
        return Ok(Outcome::Success);
    }
    println!(
        "{:<20} {:<16} {:<8} {:<26} {}",
        tr!("pf-list-appid"),
        tr!("pf-list-account"),
        tr!("pf-list-card"),
        tr!("pf-list-authorised"),
        tr!("pf-list-name")
    );
    for r in &rows {
        println!(
            "{:<20} {:<16} {:<8} {:<26} {}{}",
            r.appid,
            r.account
                .clone()
                .unwrap_or_else(|| tr!("pf-list-not-managed")),
            if r.card_permission {
                tr!("pf-list-yes")
            } else {
                tr!("pf-list-no")
            },
            r.auth_time_text,
            r.nick_name,
            r.error
                .as_deref()
                .map(|e| format!("  ({e})"))
                .unwrap_or_default()
        );
    }
    for (name, appid) in &orphans {
        println!("{appid:<20} {name:<16} {}", tr!("pf-list-orphan"));
    }
    println!(
        "\n{}",
        tr!(
            "pf-list-summary",
            n = rows.len(),
            managed = rows.iter().filter(|r| r.account.is_some()).count(),
            card = rows.iter().filter(|r| r.card_permission).count()
        )
    );
    Ok(Outcome::Success)
}

/// The folder name for a new authorizer: its AppID in lowercase.
fn folder_name(appid: &str) -> Option<String> {
    let name = appid.trim().to_ascii_lowercase();
    is_valid_account_name(&name).then_some(name)
}

/// `cardform accounts import`: one folder per authorizer with the card permission set
/// that no folder manages yet; an existing folder is never written.
pub fn import(args: &AccountsImportArgs) -> miette::Result<Outcome> {
    let platform = load_platform(&args.dir)?;
    for t in &args.templates {
        if !platform.templates.contains_key(t) {
            return Err(CommandError::PlatformUnsupported {
                what: tr!("pf-unsupported-template", name = t),
            }
            .into());
        }
    }
    let settings = RunSettings::from_env(&args.run.flags());
    let rows = read(&platform, &settings, !args.dry_run)?;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut written = 0usize;
    for (r, stores) in &rows {
        if let Some(a) = &r.account {
            eprintln!("{}", tr!("pf-import-managed", appid = r.appid, account = a));
            continue;
        }
        if !r.card_permission {
            eprintln!(
                "{}",
                tr!(
                    "pf-import-no-permission",
                    appid = r.appid,
                    nick = r.nick_name,
                    why = r
                        .error
                        .as_deref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                )
            );
            continue;
        }
        let Some(name) = folder_name(&r.appid) else {
            eprintln!("{}", tr!("pf-import-bad-name", appid = r.appid));
            continue;
        };
        if args.dry_run {
            println!(
                "{}",
                tr!(
                    "pf-import-would-write",
                    file = format!("{ACCOUNTS_DIR}/{name}/{ACCOUNT_FILE}"),
                    nick = r.nick_name
                )
            );
            continue;
        }
        let stores = stores
            .clone()
            .unwrap_or_else(|| ImportedStores::Ids(Vec::new()));
        if let ImportedStores::Failed(error) = &stores {
            eprintln!(
                "{}",
                tr!(
                    "pf-st-import-warn",
                    appid = r.appid,
                    error = error,
                    file = format!("{ACCOUNTS_DIR}/{name}/{ACCOUNT_FILE}")
                )
            );
        }
        write_account(
            &args.dir,
            &name,
            r,
            &args.templates,
            &crate::platform::stores::import_toml(&stores, &today),
        )?;
        warn_missing_sets(&platform, &args.templates, &stores, &name);
        println!(
            "{}",
            tr!(
                "pf-import-wrote",
                file = format!("{ACCOUNTS_DIR}/{name}/{ACCOUNT_FILE}"),
                nick = r.nick_name
            )
        );
        written += 1;
    }
    if !args.dry_run {
        eprintln!("{}", tr!("pf-import-written", n = written));
    }
    Ok(Outcome::Success)
}

/// Says which store sets the new file's templates use that its `[stores]` lacks (it
/// has `all` only when the merchant's stores were listed): the file is written, and
/// `validate` will refuse it until the sets are added.
fn warn_missing_sets(
    platform: &Platform,
    templates: &[String],
    stores: &ImportedStores,
    name: &str,
) {
    let has_all = matches!(stores, ImportedStores::Ids(ids) if !ids.is_empty());
    for t in templates {
        let Some(template) = platform.templates.get(t) else {
            continue;
        };
        for set in template.store_sets() {
            if !(has_all && set == "all") {
                eprintln!(
                    "{}",
                    tr!(
                        "pf-st-import-missing",
                        file = format!("{ACCOUNTS_DIR}/{name}/{ACCOUNT_FILE}"),
                        template = t,
                        name = set
                    )
                );
            }
        }
    }
}

fn write_account(
    root: &Path,
    name: &str,
    r: &AuthorizerRow,
    templates: &[String],
    stores: &str,
) -> Result<(), CommandError> {
    let io = |path: &Path, source: std::io::Error| CommandError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = root.join(ACCOUNTS_DIR).join(name);
    std::fs::create_dir_all(root.join(ACCOUNTS_DIR)).map_err(|e| io(&dir, e))?;
    // create_dir fails when the folder exists: never writes into one.
    std::fs::create_dir(&dir).map_err(|e| io(&dir, e))?;
    std::fs::create_dir(dir.join("cards")).map_err(|e| io(&dir, e))?;
    let mut text = format!(
        "# {} — imported by `cardform accounts import` (authorised {}).\nappid = \"{}\"\n",
        r.nick_name.replace('\n', " "),
        r.auth_time_text,
        r.appid
    );
    // [stores] before the templates: the file ends in the last [templates.<name>],
    // where a person (or a script) adds the template's values.
    text.push_str(stores);
    for t in templates {
        text.push_str(&format!("\n[templates.{t}]\n"));
    }
    let path = dir.join(ACCOUNT_FILE);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    f.write_all(text.as_bytes()).map_err(|e| io(&path, e))?;
    Ok(())
}
