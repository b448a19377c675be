//! The loading pipeline: read `cardform.toml` and `cards/*.toml` → parse TOML (syntax
//! errors with line:col) → JSON value → JSON-Schema check (every error, located) →
//! serde into the model → semantic rules. Every problem of every file is collected
//! before anything is returned.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use super::desired::{DesiredCard, WriteRule};
use super::diagnostic::{ConfigError, Diagnostic, Severity};
use super::project::ProjectConfig;
use super::rules::{self, Finding, RuleContext};
use super::schema::{self, ADDRESS_PATTERN, Compiled, is_valid_address};
use super::source::{self, DottedPath, Locator, MAX_FILE_BYTES, Seg, Target};
use super::suggest::suggest;
use crate::model::{Card, Timestamp};

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

/// Everything after reading: schema, model, uniqueness, rules.
fn check_texts(
    dir: &Path,
    now: Timestamp,
    project_text: Option<String>,
    sources: Vec<(PathBuf, String)>,
    mut diags: Vec<Diagnostic>,
) -> Result<Project, ConfigError> {
    let config = project_text.and_then(|t| load_project_file(&t, &mut diags));
    let mut loaded: Vec<(usize, DesiredCard)> = Vec::new();
    let per_file = map_in_parallel(&sources, |(rel, text)| {
        let mut file_diags = Vec::new();
        let cards = load_card_file(rel, text, &mut file_diags);
        (cards, file_diags)
    });
    for (idx, (cards, file_diags)) in per_file.into_iter().enumerate() {
        diags.extend(file_diags);
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
                    format!(
                        "address `{}` is also declared at {}:{}",
                        card.address,
                        first.file.display(),
                        first.line
                    ),
                )
                .at(card.line, 1)
                .with_address(&card.address)
                .with_help("addresses must be unique across all card files; rename one of them"),
            );
            continue;
        }
        file_of.insert(card.address.clone(), idx);
        cards.insert(card.address.clone(), card);
    }

    let already_said = diags.iter().any(|d| d.file == Path::new(CARDS_DIR));
    if cards.is_empty() && !already_said && !diags.iter().any(Diagnostic::is_error) {
        diags.push(
            Diagnostic::warning(
                CARDS_DIR,
                "the project declares no cards; a plan would delete every card it manages",
            )
            .with_help("add cards under [cards.<address>] in cards/*.toml"),
        );
    }

    let ctx = RuleContext {
        root: dir,
        now,
        cards: &cards,
    };
    let findings = rules::check_all(&ctx);
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
                    .with_help("see schema/project.schema.json for the expected shape"),
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
                format!(
                    "the test whitelist has {} entries ({} openids, {} usernames); WeChat takes at most {MAX_TEST_WHITELIST} in total",
                    w.len(),
                    w.openids.len(),
                    w.usernames.len()
                ),
            )
            .at(line, col)
            .with_field("test_whitelist")
            .with_help(format!("remove {} entries", w.len() - MAX_TEST_WHITELIST)),
        );
    }
    for (key, list) in [("openids", &w.openids), ("usernames", &w.usernames)] {
        for (i, name) in list.iter().enumerate() {
            if name.trim().is_empty() || list[..i].contains(name) {
                let (line, col) = at(&format!("{key}[{i}]"));
                let what = if name.trim().is_empty() {
                    "is empty"
                } else {
                    "is listed twice"
                };
                diags.push(
                    Diagnostic::error(rel, format!("test_whitelist.{key}[{i}] {what}"))
                        .at(line, col)
                        .with_field(format!("test_whitelist.{key}[{i}]"))
                        .with_help("list each user once"),
                );
            }
        }
    }
}

/// Lists `cards/*.toml`. A `cards/` that exists but cannot be listed (a dangling
/// symbolic link, a link loop, a regular file) is an error, never "no cards": a plan
/// from it would delete every card the state manages. Only a `cards/` that is truly
/// absent is a warning. A `*.toml` entry that is not a folder is always listed, so a
/// broken link or an unreadable file is reported by [`read_text`], never skipped.
fn list_card_files(dir: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<PathBuf>, ConfigError> {
    let cards_dir = dir.join(CARDS_DIR);
    match fs::symlink_metadata(&cards_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(
                Diagnostic::warning(CARDS_DIR, "there is no cards/ folder")
                    .with_help("create cards/*.toml files with [cards.<address>] tables"),
            );
            return Ok(Vec::new());
        }
        Err(e) => {
            diags.push(unreadable_cards_dir(&cards_dir, &e.to_string()));
            return Ok(Vec::new());
        }
        Ok(_) => {}
    }
    match fs::metadata(&cards_dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            diags.push(unreadable_cards_dir(&cards_dir, "it is not a folder"));
            return Ok(Vec::new());
        }
        Err(e) => {
            let what = match fs::read_link(&cards_dir) {
                Ok(target) => format!(
                    "it is a symbolic link to {} that cannot be followed ({e})",
                    target.display()
                ),
                Err(_) => e.to_string(),
            };
            diags.push(unreadable_cards_dir(&cards_dir, &what));
            return Ok(Vec::new());
        }
    }
    let entries = fs::read_dir(&cards_dir).map_err(|source| ConfigError::Io {
        path: cards_dir.clone(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ConfigError::Io {
            path: cards_dir.clone(),
            source,
        })?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            diags.push(
                Diagnostic::warning(
                    Path::new(CARDS_DIR).join(&name),
                    "file name is not valid UTF-8; skipped",
                )
                .with_help("rename it"),
            );
            continue;
        };
        if name.ends_with(".toml") && !name.starts_with('.') && !entry.path().is_dir() {
            files.push(Path::new(CARDS_DIR).join(name));
        }
    }
    files.sort();
    Ok(files)
}

/// `cards/` exists but cannot be read as a folder of card files.
fn unreadable_cards_dir(path: &Path, what: &str) -> Diagnostic {
    Diagnostic::error(
        CARDS_DIR,
        format!(
            "cannot read the card folder {}: {what}; refusing to read it as \"no cards\" (a plan would delete every card the state manages)",
            path.display()
        ),
    )
    .with_help("make cards/ a folder (or a link to one) holding the *.toml card files, then run again")
}

/// Reads a file as UTF-8 text; a problem becomes a diagnostic.
fn read_text(dir: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let path = dir.join(rel);
    let read = || -> std::io::Result<Vec<u8>> {
        // Only regular files: opening a FIFO or a device could block or never end.
        if !fs::metadata(&path)?.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        let file = fs::File::open(&path)?;
        let mut buf = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
        Ok(buf)
    };
    match read() {
        Ok(bytes) => decode_checked(rel, bytes, diags),
        Err(e) => {
            let message = match fs::read_link(&path) {
                Ok(target) => format!(
                    "cannot read the file: it is a symbolic link to {} that cannot be read ({e})",
                    target.display()
                ),
                Err(_) => format!("cannot read the file: {e}"),
            };
            diags.push(Diagnostic::error(rel, message).with_help(
                "fix or remove it: a card file that cannot be read is never treated as declaring no cards",
            ));
            None
        }
    }
}

fn decode_checked(rel: &Path, bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        diags.push(
            Diagnostic::error(
                rel,
                format!("the file is larger than {} MiB", MAX_FILE_BYTES >> 20),
            )
            .with_help("split the cards over several files"),
        );
        return None;
    }
    match source::decode(rel, bytes) {
        Ok(text) => Some(text),
        Err(d) => {
            diags.push(*d);
            None
        }
    }
}

/// Checks one card file and returns the cards that passed the schema.
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

fn load_card_file(rel: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<DesiredCard> {
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

    let mut out = Vec::new();
    let Some(Value::Object(cards)) = value.get_mut("cards").map(Value::take) else {
        if value.as_object().is_some_and(|o| o.is_empty()) {
            diags.push(
                Diagnostic::warning(rel, "the file declares no cards")
                    .at(1, 1)
                    .with_help("add a [cards.<address>] table, or delete the file"),
            );
        }
        return out;
    };
    for (address, card_value) in cards {
        let path = [Seg::Key("cards".into()), Seg::Key(address.clone())];
        let (line, col) = locator.locate(&path, Target::Key);
        if !is_valid_address(&address) {
            diags.push(
                Diagnostic::error(rel, format!("`{address}` is not a valid card address"))
                    .at(line, col)
                    .with_address(address.clone())
                    .with_help(format!(
                        "start with a lower-case letter, then up to 63 lower-case letters, digits or underscores, e.g. friend_cash; pattern {ADDRESS_PATTERN}"
                    )),
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

/// A value the card type refuses, at the value's position.
fn deserialize_diagnostic(
    rel: &Path,
    locator: &Locator<'_>,
    address: &str,
    e: &serde_path_to_error::Error<serde_json::Error>,
) -> Diagnostic {
    use serde_path_to_error::Segment;
    let inner: Vec<Seg> = e
        .path()
        .iter()
        .filter_map(|s| match s {
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect();
    let mut path = vec![Seg::Key("cards".into()), Seg::Key(address.to_string())];
    path.extend(inner.iter().cloned());
    let (line, col) = locator.locate(&path, Target::Value);
    let detail = e.inner().to_string();
    let help = if detail.contains("floating point") {
        "write a whole number without a decimal point or exponent (20, not 20.0 or 2e1)"
    } else if detail.contains("invalid value: integer") {
        "the number is out of range for this field; see schema/cards.schema.json"
    } else {
        "see schema/cards.schema.json for the expected shape"
    };
    let mut d = Diagnostic::error(rel, detail)
        .at(line, col)
        .with_address(address.to_string())
        .with_help(help);
    if !inner.is_empty() {
        d = d.with_field(DottedPath(&inner).to_string());
    }
    d
}

fn segments(loc: &jsonschema::paths::Location) -> Vec<Seg> {
    loc.iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Seg::Key(p.to_string()),
            LocationSegment::Index(i) => Seg::Index(i),
        })
        .collect()
}

/// Splits a document path into (card address, path inside the card) for card files.
fn card_scope(path: &[Seg]) -> (Option<String>, &[Seg]) {
    match path {
        [Seg::Key(c), Seg::Key(addr), rest @ ..] if c == "cards" => (Some(addr.clone()), rest),
        _ => (None, path),
    }
}

/// What the schema says of one document.
struct SchemaVerdict {
    /// Located errors and warnings.
    diagnostics: Vec<Diagnostic>,
    /// Cards with errors (they are not deserialized).
    bad_cards: Vec<String>,
    /// Per card: texts over WeChat's byte limit. WeChat applies its limits to what it is
    /// sent, and old cards keep texts from before a limit was tightened, so such a text
    /// is declarable (an adopted card's value) and refused by the plan only when it
    /// would be sent.
    write_rules: BTreeMap<String, Vec<WriteRule>>,
}

/// Runs the schema over a document and turns every error into a located diagnostic.
fn schema_diagnostics(
    rel: &Path,
    locator: &Locator<'_>,
    compiled: &Compiled,
    value: &Value,
) -> SchemaVerdict {
    let validator = match &compiled.validator {
        Ok(v) => v,
        Err(e) => {
            return SchemaVerdict {
                diagnostics: vec![
                    Diagnostic::error(
                        rel,
                        format!("internal error: the schema does not compile: {e}"),
                    )
                    .with_help("please report this bug"),
                ],
                bad_cards: Vec::new(),
                write_rules: BTreeMap::new(),
            };
        }
    };
    let mut raws: Vec<Raw> = Vec::new();
    for err in validator.iter_errors(value) {
        collect(&err, &compiled.schema, 0, &mut raws);
    }
    // A misspelt required key shows up twice (unknown `colour`, missing `color`);
    // the unknown-key diagnostic already suggests the right name, so keep only it.
    let suggested: Vec<(Vec<Seg>, String)> = raws
        .iter()
        .filter_map(|r| {
            let parent = r.described.at.split_last().map(|(_, p)| p.to_vec())?;
            Some((parent, r.described.suggestion.clone()?))
        })
        .collect();
    raws.retain(|r| match &r.described.missing {
        Some(name) => !suggested
            .iter()
            .any(|(parent, s)| s == name && *parent == r.path),
        None => true,
    });
    let raws: Vec<Raw> = raws
        .into_iter()
        .map(|mut r| {
            let d = &r.described;
            let (line, col) = locator.locate(&d.at, d.target);
            let (address, inner) = card_scope(&d.at);
            let mut message = d.message.clone();
            if r.keyword == "type" && locator.is_float_literal(&d.at) {
                // nan/inf reach the schema as strings (JSON has no NaN).
                if let Some(i) = message.find(", found the string ") {
                    message.truncate(i);
                    message.push_str(", found a float that is not a number (nan or inf)");
                }
            }
            let mut diag = Diagnostic::error(rel, message)
                .at(line, col)
                .with_field(DottedPath(inner).to_string());
            if let Some(a) = address {
                diag = diag.with_address(a);
            }
            if let Some(h) = &d.help {
                diag = diag.with_help(h.clone());
            }
            r.diag = Some(diag);
            r
        })
        .collect();
    // maxLength (code points) is implied by x-max-utf8-bytes (bytes) on the same
    // string; report only the byte limit, which is the one WeChat applies.
    let byte_paths: Vec<Vec<Seg>> = raws
        .iter()
        .filter(|r| r.keyword == "x-max-utf8-bytes")
        .map(|r| r.path.clone())
        .collect();
    // A value of the wrong type also fails `enum`; the type error says it better.
    let type_paths: Vec<Vec<Seg>> = raws
        .iter()
        .filter(|r| r.keyword == "type")
        .map(|r| r.path.clone())
        .collect();
    let mut bad_cards = Vec::new();
    let mut out = Vec::new();
    let mut write_rules: BTreeMap<String, Vec<WriteRule>> = BTreeMap::new();
    for r in raws {
        if r.keyword == "maxLength" && byte_paths.contains(&r.path) {
            continue;
        }
        if r.keyword == "enum" && type_paths.contains(&r.path) {
            continue;
        }
        let (address, inner) = card_scope(&r.path);
        if let (Some(address), "x-max-utf8-bytes", Some(mut diag)) =
            (&address, r.keyword.as_str(), r.diag.clone())
        {
            let help = "WeChat refuses it when the card is created or this field is changed; it may stay while the live card already holds it (an adopted card), otherwise shorten it";
            write_rules
                .entry(address.clone())
                .or_default()
                .push(WriteRule {
                    field: DottedPath(inner).to_string(),
                    message: diag.message.clone(),
                    help: "shorten it".to_string(),
                });
            diag.severity = Severity::Warning;
            out.push(diag.with_help(help));
            continue;
        }
        if let Some(a) = address {
            bad_cards.push(a);
        }
        out.extend(r.diag);
    }
    bad_cards.sort();
    bad_cards.dedup();
    SchemaVerdict {
        diagnostics: out,
        bad_cards,
        write_rules,
    }
}

/// One schema error, before it is located.
struct Raw {
    /// The instance path the validator reported.
    path: Vec<Seg>,
    keyword: String,
    described: Described,
    diag: Option<Diagnostic>,
}

/// A schema error in words, and where to point.
struct Described {
    at: Vec<Seg>,
    target: Target,
    message: String,
    help: Option<String>,
    /// For unknown keys: the known key it probably meant.
    suggestion: Option<String>,
    /// For missing keys: the key's name.
    missing: Option<String>,
}

/// Describes one validator error; for `oneOf`/`anyOf` it descends into the
/// alternative that came closest (fewest errors), which for tagged tables like
/// `token = { source = … }` names the actual mistake.
fn collect(
    err: &jsonschema::ValidationError<'_>,
    schema: &Value,
    depth: usize,
    out: &mut Vec<Raw>,
) {
    let kind = err.kind();
    let keyword = kind.keyword().to_string();
    if keyword == "propertyNames" {
        return; // card addresses are checked by the loader with a better message
    }
    if depth < 8
        && let ValidationErrorKind::OneOfNotValid { context }
        | ValidationErrorKind::AnyOf { context } = kind
        && let Some(best) = context
            .iter()
            .filter(|c| !c.is_empty())
            .min_by_key(|c| c.len())
    {
        for e in best {
            collect(e, schema, depth + 1, out);
        }
        return;
    }
    let path = segments(err.instance_path());
    for described in describe(kind, err.instance(), &path, schema, err.to_string()) {
        out.push(Raw {
            path: path.clone(),
            keyword: keyword.clone(),
            described,
            diag: None,
        });
    }
}

/// A schema error in words: what is wrong and what to do, and where to point.
fn describe(
    kind: &ValidationErrorKind,
    instance: &Value,
    path: &[Seg],
    schema: &Value,
    fallback: String,
) -> Vec<Described> {
    let at = |p: &[Seg], t: Target, m: String, h: Option<String>| Described {
        at: p.to_vec(),
        target: t,
        message: m,
        help: h,
        suggestion: None,
        missing: None,
    };
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = schema::known_keys(schema, path);
            unexpected
                .iter()
                .map(|key| {
                    let mut p = path.to_vec();
                    p.push(Seg::Key(key.clone()));
                    let suggestion = suggest(key, &known);
                    let help = suggestion.clone().map_or_else(
                        || {
                            if known.is_empty() {
                                "remove it".to_string()
                            } else {
                                format!("remove it; known keys here: {}", known.join(", "))
                            }
                        },
                        |s| format!("did you mean `{s}`?"),
                    );
                    Described {
                        suggestion,
                        ..at(&p, Target::Key, format!("unknown key `{key}`"), Some(help))
                    }
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let mut p = path.to_vec();
            p.push(Seg::Key(name.clone()));
            let table = match card_scope(path) {
                (Some(a), []) => format!("[cards.{a}]"),
                (Some(a), rest) => format!("[cards.{a}.{}]", DottedPath(rest)),
                (None, []) => "the top level".to_string(),
                (None, rest) => format!("[{}]", DottedPath(rest)),
            };
            // Point at the table that lacks it: the path up to the parent.
            vec![Described {
                missing: Some(name.clone()),
                ..at(
                    &p,
                    Target::Value,
                    format!("missing required key `{name}`"),
                    Some(format!("add `{name} = …` under {table}")),
                )
            }]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            vec![at(
                path,
                Target::Value,
                format!(
                    "expected {}, found {}",
                    toml_type(&expected),
                    describe_value(instance)
                ),
                None,
            )]
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|o| o.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let help = instance
                .as_str()
                .and_then(|s| suggest(s, &opts))
                .map_or_else(
                    || format!("use one of {}", opts.join(", ")),
                    |s| format!("did you mean `{s}`? allowed: {}", opts.join(", ")),
                );
            vec![at(
                path,
                Target::Value,
                format!("{} is not an allowed value", describe_value(instance)),
                Some(help),
            )]
        }
        ValidationErrorKind::Minimum { limit } => vec![at(
            path,
            Target::Value,
            format!(
                "{} is less than the minimum {limit}",
                describe_value(instance)
            ),
            None,
        )],
        ValidationErrorKind::Maximum { limit } => vec![at(
            path,
            Target::Value,
            format!(
                "{} is greater than the maximum {limit}",
                describe_value(instance)
            ),
            None,
        )],
        ValidationErrorKind::MinItems { limit } => vec![at(
            path,
            Target::Value,
            format!("needs at least {limit} item{}", plural(*limit)),
            None,
        )],
        ValidationErrorKind::MaxItems { limit } => vec![at(
            path,
            Target::Value,
            format!("allows at most {limit} item{}", plural(*limit)),
            None,
        )],
        ValidationErrorKind::MinLength { limit } => vec![at(
            path,
            Target::Value,
            format!("must be at least {limit} character{} long", plural(*limit)),
            None,
        )],
        ValidationErrorKind::Custom { keyword, message } => {
            let help = match keyword.as_str() {
                "x-max-utf8-bytes" => Some("shorten it".to_string()),
                _ => None,
            };
            vec![at(path, Target::Value, message.clone(), help)]
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            vec![at(
                path,
                Target::Value,
                format!(
                    "{} does not match any allowed form",
                    describe_value(instance)
                ),
                Some("see the schema's description of this field".to_string()),
            )]
        }
        _ => {
            let mut msg = fallback;
            truncate(&mut msg, 200);
            vec![at(path, Target::Value, msg, None)]
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// JSON type names in TOML words.
fn toml_type(json: &str) -> String {
    json.split(" or ")
        .map(|t| match t {
            "object" => "a table",
            "array" => "an array",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean (true/false)",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A value in an error message, short enough to read.
fn describe_value(v: &Value) -> String {
    match v {
        Value::Object(_) => "a table".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::String(s) => {
            let mut s = format!("{s:?}");
            truncate(&mut s, 60);
            format!("the string {s}")
        }
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Null => "nothing".to_string(),
    }
}

fn truncate(s: &mut String, max_chars: usize) {
    if let Some((i, _)) = s.char_indices().nth(max_chars) {
        s.truncate(i);
        s.push('…');
    }
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
            format!(
                "{} (accepted while the live card already has this value; a plan that would send it fails)",
                f.message
            )
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
    use super::*;

    #[test]
    fn suggestions_catch_typos_only() {
        let known = vec!["brand_name".to_string(), "notice".to_string()];
        assert_eq!(suggest("brand_nam", &known).as_deref(), Some("brand_name"));
        assert_eq!(suggest("Brand_Name", &known).as_deref(), Some("brand_name"));
        assert_eq!(suggest("zzz", &known), None);
    }
}
