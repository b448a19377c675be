//! The loading pipeline: read `cardform.toml` and `cards/*.toml` → parse TOML (syntax
//! errors with line:col) → JSON value → JSON-Schema check (every error, located) →
//! serde into the model → semantic rules. Every problem of every file is collected
//! before anything is returned.

use super::desired::{DesiredCard, WriteRule};
use super::diagnostic::{ConfigError, Diagnostic, Severity};
use super::files::{decode_checked, list_card_files, read_text};
use super::project::ProjectConfig;
use super::schema::{ADDRESS_PATTERN, is_valid_address};
use super::schema_diagnostics::{SchemaVerdict, deserialize_diagnostic, schema_diagnostics};
use super::source::{Locator, Seg, Target};
use super::validation::{Finding, RuleContext};
use super::{schema, source, validation};
use crate::i18n::tr;
use crate::model::{Card, Timestamp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The project file's name inside a project folder.
pub const PROJECT_FILE: &str = "cardform.toml";
/// The folder holding the card files.
pub const CARDS_DIR: &str = "cards";

/// A loaded, valid project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project folder as given.
    pub root: PathBuf,
    pub config: ProjectConfig,
    /// Every card, by address.
    pub cards: BTreeMap<String, DesiredCard>,
    /// Every sub-merchant (`[sub_merchants.<name>]`), by name.
    pub sub_merchants: BTreeMap<String, super::sub_merchants::DesiredSubMerchant>,
    /// Problems that do not make the project invalid.
    pub warnings: Vec<Diagnostic>,
}

/// Loads and checks a project folder: `cardform.toml` plus `cards/*.toml`.
///
/// Date rules that depend on today (the friends-coupon issue window) use the
/// current time; [`load_project_at`] takes it explicitly.
///
/// # Errors
/// [`ConfigError::Invalid`] with every diagnostic (errors and warnings, sorted by
/// file and position) when any file has an error; [`ConfigError::NotAProject`] when
/// there is no `cardform.toml`; [`ConfigError::Io`] when the folder cannot be read.
///
/// # Guarantees
/// Never panics and never touches the network, whatever the files contain.
pub fn load_project(dir: &Path) -> Result<Project, ConfigError> {
    load_project_at(dir, Timestamp(chrono::Utc::now().timestamp()))
}

/// [`load_project`] with "now" given, for reproducible checks.
///
/// # Errors
/// As [`load_project`].
pub fn load_project_at(dir: &Path, now: Timestamp) -> Result<Project, ConfigError> {
    let meta = fs::metadata(dir).map_err(|source| ConfigError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(ConfigError::NotAProject {
            dir: dir.to_path_buf(),
        });
    }
    let project_path = dir.join(PROJECT_FILE);
    if !project_path.exists() {
        return Err(ConfigError::NotAProject {
            dir: dir.to_path_buf(),
        });
    }

    let mut diags: Vec<Diagnostic> = Vec::new();
    let project_text = read_text(dir, Path::new(PROJECT_FILE), &mut diags);
    let mut texts = Vec::new();
    for rel in list_card_files(dir, &mut diags)? {
        if let Some(text) = read_text(dir, &rel, &mut diags) {
            texts.push((rel, text));
        }
    }
    check_texts(dir, now, project_text, texts, diags)
}

/// A project whose settings were made by the caller (a platform account: its
/// `account.toml` merged with the platform's `cardform.toml`): `cards/*.toml` of `dir`
/// plus `extra` card sources already in memory (instantiated templates, named by a path
/// relative to `dir`), with the same checks as [`load_project`].
///
/// # Errors
/// As [`load_project`].
pub fn load_composed(
    dir: &Path,
    now: Timestamp,
    config: ProjectConfig,
    extra: Vec<(PathBuf, String)>,
) -> Result<Project, ConfigError> {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut texts = Vec::new();
    if dir.join(CARDS_DIR).exists() || extra.is_empty() {
        for rel in list_card_files(dir, &mut diags)? {
            if let Some(text) = read_text(dir, &rel, &mut diags) {
                texts.push((rel, text));
            }
        }
    }
    texts.extend(extra);
    check_parsed(dir, now, Some(config), texts, diags)
}

/// A TOML document of any checked type `T` (named `rel` in diagnostics): syntax, the
/// schema `compiled` (every error located), then serde. `None` when anything failed
/// (the problems are in `diags`).
pub fn load_typed_text<T: serde::de::DeserializeOwned>(
    rel: &Path,
    text: &str,
    compiled: &schema::Compiled,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let tree = match source::parse(rel, text) {
        Ok(t) => t,
        Err(errs) => {
            diags.extend(errs);
            return None;
        }
    };
    let value = source::to_json(tree.get_ref());
    let locator = Locator::from_parsed(text, tree);
    let SchemaVerdict {
        diagnostics: errors,
        ..
    } = schema_diagnostics(rel, &locator, compiled, &value);
    if !errors.is_empty() {
        diags.extend(errors);
        return None;
    }
    match serde_json::from_value::<T>(value) {
        Ok(c) => Some(c),
        Err(e) => {
            diags.push(Diagnostic::error(rel, e.to_string()).at(1, 1));
            None
        }
    }
}

/// [`load_project_at`] on files already in memory: `project` is the content of
/// `cardform.toml`, `cards` the card files (paths relative to `root`, e.g.
/// `cards/a.toml`). Local images are still looked up under `root`. This is the entry
/// point of the property tests and the fuzz target.
///
/// # Errors
/// As [`load_project`].
pub fn load_in_memory(
    root: &Path,
    now: Timestamp,
    project: &[u8],
    cards: Vec<(PathBuf, Vec<u8>)>,
) -> Result<Project, ConfigError> {
    let mut diags = Vec::new();
    let project_text = decode_checked(Path::new(PROJECT_FILE), project.to_vec(), &mut diags);
    let texts = cards
        .into_iter()
        .filter_map(|(rel, bytes)| decode_checked(&rel, bytes, &mut diags).map(|t| (rel, t)))
        .collect();
    check_texts(root, now, project_text, texts, diags)
}

/// [`load_in_memory`] under settings the caller made (a platform account's,
/// [`load_composed`]) instead of a `cardform.toml`'s bytes.
///
/// # Errors
/// As [`load_project`].
pub fn load_in_memory_composed(
    root: &Path,
    now: Timestamp,
    config: ProjectConfig,
    cards: Vec<(PathBuf, Vec<u8>)>,
) -> Result<Project, ConfigError> {
    let mut diags = Vec::new();
    let texts = cards
        .into_iter()
        .filter_map(|(rel, bytes)| decode_checked(&rel, bytes, &mut diags).map(|t| (rel, t)))
        .collect();
    check_parsed(root, now, Some(config), texts, diags)
}

/// Everything after reading: schema, model, uniqueness, rules.
fn check_texts(
    dir: &Path,
    now: Timestamp,
    project_text: Option<String>,
    sources: Vec<(PathBuf, String)>,
    mut diags: Vec<Diagnostic>,
) -> Result<Project, ConfigError> {
    let config = project_text.and_then(|t| load_project_file(&t, &mut diags));
    check_parsed(dir, now, config, sources, diags)
}

/// The cards of `sources` under an already checked `config`.
fn check_parsed(
    dir: &Path,
    now: Timestamp,
    config: Option<ProjectConfig>,
    sources: Vec<(PathBuf, String)>,
    mut diags: Vec<Diagnostic>,
) -> Result<Project, ConfigError> {
    let mut loaded: Vec<(usize, DesiredCard)> = Vec::new();
    let mut subs_found = Vec::new();
    let per_file = map_in_parallel(&sources, |(rel, text)| {
        let mut file_diags = Vec::new();
        let mut subs = Vec::new();
        let cards = load_card_file(rel, text, &mut subs, &mut file_diags);
        (cards, subs, file_diags)
    });
    for (idx, (cards, subs, file_diags)) in per_file.into_iter().enumerate() {
        diags.extend(file_diags);
        subs_found.extend(subs);
        loaded.extend(cards.into_iter().map(|card| (idx, card)));
    }

    // Addresses are unique across files; the duplicate names the first place.
    let mut cards: BTreeMap<String, DesiredCard> = BTreeMap::new();
    let mut file_of: BTreeMap<String, usize> = BTreeMap::new();
    for (idx, card) in loaded {
        if let Some(first) = cards.get(&card.address) {
            diags.push(
                Diagnostic::error(
                    &card.file,
                    tr!(
                        "val-duplicate-address",
                        address = card.address,
                        place = format!("{}:{}", first.file.display(), first.line)
                    ),
                )
                .at(card.line, 1)
                .with_address(&card.address)
                .with_help(tr!("val-duplicate-address-help")),
            );
            continue;
        }
        file_of.insert(card.address.clone(), idx);
        cards.insert(card.address.clone(), card);
    }

    let sub_merchants =
        super::sub_merchants::check(dir, now, subs_found, &cards, &sources, &mut diags);
    let already_said = diags.iter().any(|d| d.file == Path::new(CARDS_DIR));
    if cards.is_empty() && !already_said && !diags.iter().any(Diagnostic::is_error) {
        diags.push(
            Diagnostic::warning(CARDS_DIR, tr!("val-no-cards")).with_help(tr!("val-no-cards-help")),
        );
    }

    let ctx = RuleContext {
        root: dir,
        now,
        cards: &cards,
    };
    let findings = validation::check_all(&ctx);
    locate_findings(&findings, &cards, &file_of, &sources, &mut diags);
    for f in findings.iter().filter(|f| f.write_only) {
        if let Some(card) = cards.get_mut(&f.address) {
            card.write_rules.push(WriteRule {
                field: f.field.clone(),
                message: f.message.clone(),
                help: f.help.clone().unwrap_or_default(),
            });
        }
    }

    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
    if diags.iter().any(Diagnostic::is_error) {
        return Err(ConfigError::Invalid { diagnostics: diags });
    }
    match config {
        Some(config) => Ok(Project {
            root: dir.to_path_buf(),
            config,
            cards,
            sub_merchants,
            warnings: diags,
        }),
        // Unreachable in practice: a missing config always comes with an error.
        None => Err(ConfigError::Invalid { diagnostics: diags }),
    }
}

fn load_project_file(text: &str, diags: &mut Vec<Diagnostic>) -> Option<ProjectConfig> {
    load_config_text(Path::new(PROJECT_FILE), text, diags)
}

/// A project file's text (named `rel` in diagnostics) → the checked settings.
fn load_config_text(rel: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Option<ProjectConfig> {
    let rel = rel.to_path_buf();
    let tree = match source::parse(&rel, text) {
        Ok(t) => t,
        Err(errs) => {
            diags.extend(errs);
            return None;
        }
    };
    let value = source::to_json(tree.get_ref());
    let locator = Locator::from_parsed(text, tree);
    let SchemaVerdict {
        diagnostics: errors,
        ..
    } = schema_diagnostics(&rel, &locator, schema::project_validator(), &value);
    if !errors.is_empty() {
        diags.extend(errors);
        return None;
    }
    match serde_json::from_value::<ProjectConfig>(value) {
        Ok(c) => {
            check_whitelist(&rel, &locator, &c, diags);
            Some(c)
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(&rel, e.to_string())
                    .at(1, 1)
                    .with_help(tr!("val-project-shape-help")),
            );
            None
        }
    }
}

/// `[test_whitelist]` takes at most 10 users in total (WeChat refuses a longer list),
/// and each once.
fn check_whitelist(
    rel: &Path,
    locator: &Locator<'_>,
    c: &ProjectConfig,
    diags: &mut Vec<Diagnostic>,
) {
    use super::project::MAX_TEST_WHITELIST;
    let Some(w) = &c.test_whitelist else { return };
    let at = |key: &str| {
        locator.locate(
            &source::parse_dotted(&format!("test_whitelist.{key}")),
            source::Target::Value,
        )
    };
    if w.len() > MAX_TEST_WHITELIST {
        let (line, col) = at("");
        diags.push(
            Diagnostic::error(
                rel,
                tr!(
                    "val-whitelist-too-long",
                    n = w.len(),
                    openids = w.openids.len(),
                    usernames = w.usernames.len(),
                    max = MAX_TEST_WHITELIST
                ),
            )
            .at(line, col)
            .with_field("test_whitelist")
            .with_help(tr!(
                "val-whitelist-too-long-help",
                n = w.len() - MAX_TEST_WHITELIST
            )),
        );
    }
    for (key, list) in [("openids", &w.openids), ("usernames", &w.usernames)] {
        for (i, name) in list.iter().enumerate() {
            if name.trim().is_empty() || list[..i].contains(name) {
                let (line, col) = at(&format!("{key}[{i}]"));
                let entry = format!("test_whitelist.{key}[{i}]");
                let message = if name.trim().is_empty() {
                    tr!("val-whitelist-empty", entry = entry)
                } else {
                    tr!("val-whitelist-twice", entry = entry)
                };
                diags.push(
                    Diagnostic::error(rel, message)
                        .at(line, col)
                        .with_field(entry)
                        .with_help(tr!("val-whitelist-once-help")),
                );
            }
        }
    }
}

/// `f` over `items`, results in the items' order, spread over the machine's cores in
/// contiguous chunks. Card files are parsed and schema-checked independently, and that
/// is most of a large project's load time.
fn map_in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            // A panic in a worker is a bug; re-raise it rather than lose files.
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Checks one card file and returns the cards that passed the schema.
fn load_card_file(
    rel: &Path,
    text: &str,
    subs: &mut Vec<super::sub_merchants::DesiredSubMerchant>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<DesiredCard> {
    let tree = match source::parse(rel, text) {
        Ok(t) => t,
        Err(errs) => {
            diags.extend(errs);
            return Vec::new();
        }
    };
    let mut value = source::to_json(tree.get_ref());
    let locator = Locator::from_parsed(text, tree);
    let SchemaVerdict {
        diagnostics,
        bad_cards,
        mut write_rules,
    } = schema_diagnostics(rel, &locator, schema::card_file_validator(), &value);
    diags.extend(diagnostics);
    subs.extend(super::sub_merchants::take_from_file(
        rel, &mut value, &locator, diags,
    ));

    let mut out = Vec::new();
    let Some(Value::Object(cards)) = value.get_mut("cards").map(Value::take) else {
        if value.as_object().is_some_and(|o| o.is_empty()) && subs.is_empty() {
            diags.push(
                Diagnostic::warning(rel, tr!("val-file-no-cards"))
                    .at(1, 1)
                    .with_help(tr!("val-file-no-cards-help")),
            );
        }
        return out;
    };
    for (address, card_value) in cards {
        let path = [Seg::Key("cards".into()), Seg::Key(address.clone())];
        let (line, col) = locator.locate(&path, Target::Key);
        if !is_valid_address(&address) {
            diags.push(
                Diagnostic::error(rel, tr!("val-bad-address", address = address))
                    .at(line, col)
                    .with_address(address.clone())
                    .with_help(tr!("val-bad-address-help", pattern = ADDRESS_PATTERN)),
            );
            continue;
        }
        if bad_cards.contains(&address) {
            continue;
        }
        // The plain deserializer first (the path-tracking one costs on every card);
        // on an error, again with the path, to say where.
        let parsed = <Card as serde::Deserialize>::deserialize(&card_value)
            .or_else(|_| serde_path_to_error::deserialize::<_, Card>(&card_value));
        match parsed {
            Ok(card) => out.push(DesiredCard {
                file: rel.to_path_buf(),
                line,
                write_rules: write_rules.remove(&address).unwrap_or_default(),
                address,
                card,
            }),
            // What the schema lets through but the types refuse (an integral float
            // such as 1e3 or 100.0, a number past the type's range): located at the
            // value, never at the card's header.
            Err(e) => diags.push(deserialize_diagnostic(rel, &locator, &address, &e)),
        }
    }
    out
}

/// Turns rule findings into diagnostics located in their card's file.
fn locate_findings(
    findings: &[Finding],
    cards: &BTreeMap<String, DesiredCard>,
    file_of: &BTreeMap<String, usize>,
    sources: &[(PathBuf, String)],
    diags: &mut Vec<Diagnostic>,
) {
    // Parse each file at most once, only when it has findings, and one at a time so
    // thousands of findings do not keep thousands of parse trees alive.
    let mut by_file: Vec<(usize, &Finding)> = findings
        .iter()
        .filter_map(|f| file_of.get(&f.address).map(|&idx| (idx, f)))
        .collect();
    by_file.sort_by_key(|(idx, _)| *idx);
    let mut current: Option<(usize, Locator<'_>)> = None;
    for (idx, f) in by_file {
        let (Some(card), Some((rel, text))) = (cards.get(&f.address), sources.get(idx)) else {
            continue;
        };
        if current.as_ref().is_none_or(|(i, _)| *i != idx) {
            current = Some((idx, Locator::new(text)));
        }
        let Some((_, locator)) = &current else {
            continue;
        };
        let mut path = vec![Seg::Key("cards".into()), Seg::Key(f.address.clone())];
        path.extend(source::parse_dotted(&f.field));
        let (line, col) = locator.locate(&path, Target::Value);
        let message = if f.write_only {
            tr!("val-write-rule", message = f.message)
        } else {
            f.message.clone()
        };
        let mut d = match f.severity {
            Severity::Error => Diagnostic::error(rel, message),
            Severity::Warning => Diagnostic::warning(rel, message),
        }
        .at(line, col)
        .with_address(card.address.clone())
        .with_field(f.field.clone());
        if let Some(h) = &f.help {
            d = d.with_help(h.clone());
        }
        diags.push(d);
    }
}

/// Reads only `cardform.toml`: for commands that do not need the card files (applying
/// a saved plan, which carries its own desired content; import).
///
/// # Errors
/// [`ConfigError::Invalid`] with the file's diagnostics.
pub fn load_project_config(dir: &Path) -> Result<ProjectConfig, ConfigError> {
    let mut diags = Vec::new();
    let parsed = read_text(dir, Path::new(PROJECT_FILE), &mut diags)
        .and_then(|text| load_project_file(&text, &mut diags));
    match parsed {
        Some(c) if !diags.iter().any(Diagnostic::is_error) => Ok(c),
        _ => Err(ConfigError::Invalid { diagnostics: diags }),
    }
}

/// Reads a project file anywhere (e.g. the base branch's cardform.toml given to
/// `--trusted-settings`), with the same checks as the project's own.
///
/// # Errors
/// [`ConfigError::Invalid`] with the file's diagnostics (named by `path`).
pub fn load_settings_file(path: &Path) -> Result<ProjectConfig, ConfigError> {
    let mut diags = Vec::new();
    let parsed = read_text(Path::new(""), path, &mut diags)
        .and_then(|text| load_config_text(path, &text, &mut diags));
    match parsed {
        Some(c) if !diags.iter().any(Diagnostic::is_error) => Ok(c),
        _ => Err(ConfigError::Invalid { diagnostics: diags }),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::suggest::suggest;

    #[test]
    fn suggestions_catch_typos_only() {
        let known = vec!["brand_name".to_string(), "notice".to_string()];
        assert_eq!(suggest("brand_nam", &known).as_deref(), Some("brand_name"));
        assert_eq!(suggest("Brand_Name", &known).as_deref(), Some("brand_name"));
        assert_eq!(suggest("zzz", &known), None);
    }
}
