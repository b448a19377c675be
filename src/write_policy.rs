//! THE write policy: every file a command writes from a path it was given (plans, review
//! pages, previews, charts, QR images, man pages, state copies, generated card files)
//! goes through [`WritePolicy::check`], and the writers take the [`OutputFile`] it returns,
//! so a new command cannot write an output without asking.
//!
//! It is an allow-list, not a list of files to avoid:
//! - inside the project folder, everything cardform or the user owns is refused: the
//!   state folder (the state, its backup, journal, lock, the sandbox world), `cards/`,
//!   `assets/`, `schema/`, `accounts/`, `templates/`, `cardform.toml`, every file a card
//!   references, and every dotfile or dot-folder (`.gitignore`, `.taplo.toml`,
//!   `.github/`);
//! - anywhere, a file that exists is overwritten only when it is of the output's own
//!   kind, recognised by its content ([`OutputKind::recognises`]): a saved plan over a
//!   saved plan, a PNG over a PNG, cardform's review page over cardform's review page.
//!   A generated card file never overwrites anything.
//!
//! Paths are compared after resolving `..` and symbolic links (a link to the state is
//! the state). Commands check before any call to WeChat, so nothing is bought or created
//! for a path that would be refused, and [`OutputFile::write`] checks again just before
//! writing (the file may have appeared since).

use crate::i18n::tr;
use std::path::{Path, PathBuf};

use crate::config::protect::resolve_for_write;

/// What an output file is: decides which existing files it may replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// `plan --out/--save`: the JSON document `apply PLANFILE` reads.
    SavedPlan,
    /// `plan --format html --out` / `--html`: the review page.
    ReviewPage,
    /// A card-face preview or a statistics chart.
    Svg,
    /// A rasterised preview, a claim QR code, a recharge QR code.
    Png,
    /// `man --out DIR`: a roff page.
    ManPage,
    /// `state pull --out`: a copy of the state document.
    StateCopy,
    /// The files a local state keeps beside its snapshot (`.backup`, `.journal`,
    /// `.lock`, `.lock.info`), written by `state pull --out` next to the copy.
    StateSidecar,
    /// `import --generate-config-out`: card files a person will edit. Never replaces a file.
    GeneratedCards,
}

impl OutputKind {
    /// Words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            OutputKind::SavedPlan => "a saved plan",
            OutputKind::ReviewPage => "a cardform review page",
            OutputKind::Svg => "an SVG image",
            OutputKind::Png => "a PNG image",
            OutputKind::ManPage => "a man page",
            OutputKind::StateCopy => "a copy of a cardform state",
            OutputKind::StateSidecar => "a file a cardform state keeps beside it",
            OutputKind::GeneratedCards => "a new card file",
        }
    }

    /// Whether `existing` (a file's first bytes, up to [`SNIFF_BYTES`]) is a file of
    /// this kind, so writing this output over it loses nothing a person made.
    pub fn recognises(self, existing: &[u8]) -> bool {
        let text = String::from_utf8_lossy(existing);
        let head = text.trim_start_matches('\u{feff}').trim_start();
        match self {
            // The saved plan's and the state's first keys (both written by serde in
            // declaration order): a JSON file of anything else is not replaced.
            OutputKind::SavedPlan => {
                head.starts_with('{')
                    && head.contains("\"format_version\"")
                    && head.contains("\"cardform_version\"")
            }
            OutputKind::StateCopy => {
                head.starts_with('{') && head.contains("\"lineage\"") && head.contains("\"serial\"")
            }
            // An empty lock or journal, a backup (a state), lock info (`operation`,
            // `pid`) or journal lines (`seq`, `lineage`): all one JSON object a line.
            OutputKind::StateSidecar => {
                existing.is_empty()
                    || OutputKind::StateCopy.recognises(existing)
                    || (head.starts_with('{')
                        && ((head.contains("\"operation\"") && head.contains("\"pid\""))
                            || (head.contains("\"seq\"") && head.contains("\"lineage\""))))
            }
            OutputKind::ReviewPage => {
                head.to_ascii_lowercase().starts_with("<!doctype html") && head.contains("cardform")
            }
            OutputKind::Svg => {
                (head.starts_with("<svg") || head.starts_with("<?xml")) && head.contains("<svg")
            }
            OutputKind::Png => existing.starts_with(b"\x89PNG\r\n\x1a\n"),
            OutputKind::ManPage => head
                .lines()
                .take(8)
                .any(|l| l.starts_with(".TH ") || l.starts_with(".ie \\n(.g")),
            OutputKind::GeneratedCards => false,
        }
    }
}

/// How much of an existing file [`OutputKind::recognises`] reads.
pub const SNIFF_BYTES: usize = 4096;

/// A write the policy refused, and what to do instead.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum WriteRefused {
    #[error("{}", tr!("err-write-owned", given = .given, what = what_words(what), resolved = .resolved.display()))]
    #[diagnostic(
        code(cardform::write::owned),
        help("{}", tr!("err-write-owned-help"))
    )]
    Owned {
        given: String,
        what: String,
        resolved: PathBuf,
    },
    #[error("{}", tr!("err-write-not-own-kind", given = .given, kind = what_words(kind), resolved = .resolved.display()))]
    #[diagnostic(
        code(cardform::write::not_own_kind),
        help("{}", tr!("err-write-not-own-kind-help"))
    )]
    NotOwnKind {
        given: String,
        kind: &'static str,
        resolved: PathBuf,
    },
    #[error("{}", tr!("err-write-folder", given = .given, resolved = .resolved.display()))]
    #[diagnostic(code(cardform::write::folder), help("{}", tr!("err-write-folder-help")))]
    Folder { given: String, resolved: PathBuf },
    #[error("{}", tr!("err-write-no-folder", given = .given, folder = .folder.display()))]
    #[diagnostic(
        code(cardform::write::no_folder),
        help("{}", tr!("err-write-no-folder-help"))
    )]
    NoFolder { given: String, folder: PathBuf },
    #[error("{}", tr!("err-cannot-write", path = .path, error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::write::io))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What a refused path is (one of the descriptions below, in English as the policy
/// keeps them), in the process language.
fn what_words(what: &str) -> String {
    match WHAT_IDS.iter().find(|(en, _)| *en == what) {
        Some((_, id)) => tr!(id),
        None => what.to_string(),
    }
}

/// The descriptions the policy gives the paths it refuses, and their messages.
const WHAT_IDS: &[(&str, &str)] = &[
    ("a saved plan", "err-write-kind-saved-plan"),
    ("a cardform review page", "err-write-kind-review-page"),
    ("an SVG image", "err-write-kind-svg"),
    ("a PNG image", "err-write-kind-png"),
    ("a man page", "err-write-kind-man"),
    ("a copy of a cardform state", "err-write-kind-state-copy"),
    (
        "a file a cardform state keeps beside it",
        "err-write-kind-state-sidecar",
    ),
    ("a new card file", "err-write-kind-new-cards"),
    (
        "in the cards/ folder, which holds the card files",
        "err-write-in-cards",
    ),
    (
        "in the assets/ folder, which holds the images cards use",
        "err-write-in-assets",
    ),
    (
        "in the schema/ folder, which holds the schemas editors check the files with",
        "err-write-in-schema",
    ),
    (
        "in the accounts/ folder, which holds the merchant accounts' files",
        "err-write-in-accounts",
    ),
    (
        "in the templates/ folder, which holds the card templates",
        "err-write-in-templates",
    ),
    (
        "in the state/ folder, which holds the state, its backup, journal and lock, and the sandbox's world",
        "err-write-in-state",
    ),
    (
        "in the folder that holds the state, its backup, journal and lock, and the sandbox's world",
        "err-write-in-state-dir",
    ),
    ("the project file cardform.toml", "err-write-project-file"),
    ("an image a card uses", "err-write-image"),
    ("the state file", "err-write-state-file"),
    ("the state's backup", "err-write-state-backup"),
    ("the state's journal", "err-write-state-journal"),
    ("the state's lock", "err-write-state-lock"),
    (
        "the state's lock holder record",
        "err-write-state-lock-info",
    ),
    (
        "the push-event log (`cardform events serve`)",
        "err-write-event-log",
    ),
    (
        "the sandbox's world (every card of `endpoint = \"sandbox\"`)",
        "err-write-sandbox-world",
    ),
    ("the project folder itself", "err-write-project-folder"),
    (
        "a dotfile or dot-folder of the project (.gitignore, .taplo.toml, .github/…), which the user or cardform init owns",
        "err-write-dotfile",
    ),
    ("a dot-folder of the project", "err-write-dot-folder"),
];

/// The folders of a project that hold what the user or cardform owns (relative to the
/// project root), with what each is.
const OWNED_FOLDERS: &[(&str, &str)] = &[
    ("cards", "in the cards/ folder, which holds the card files"),
    (
        "assets",
        "in the assets/ folder, which holds the images cards use",
    ),
    (
        "schema",
        "in the schema/ folder, which holds the schemas editors check the files with",
    ),
    (
        "accounts",
        "in the accounts/ folder, which holds the merchant accounts' files",
    ),
    (
        "templates",
        "in the templates/ folder, which holds the card templates",
    ),
];

/// Which paths a command may write, for one project (or none).
#[derive(Debug, Clone, Default)]
pub struct WritePolicy {
    /// The project folder, resolved; `None` for commands run outside a project.
    root: Option<PathBuf>,
    /// Owned folders, resolved, with what they are.
    folders: Vec<(PathBuf, String)>,
    /// Owned files, resolved, with what they are.
    files: Vec<(PathBuf, String)>,
}

impl WritePolicy {
    /// The policy for a command run outside any project: only the own-kind rule holds.
    pub fn outside_project() -> Self {
        Self::default()
    }

    /// The policy for the project at `root`. `state_dir` is the folder that holds the
    /// local state (and the sandbox world), wherever cardform.toml puts it; `referenced`
    /// are the files the cards reference (images), wherever they are.
    pub fn for_project(
        root: &Path,
        state_dir: Option<&Path>,
        referenced: impl IntoIterator<Item = PathBuf>,
    ) -> Self {
        let root = resolve_for_write(root);
        let mut folders: Vec<(PathBuf, String)> = OWNED_FOLDERS
            .iter()
            .map(|(name, what)| (root.join(name), (*what).to_string()))
            .collect();
        folders.push((
            root.join("state"),
            "in the state/ folder, which holds the state, its backup, journal and lock, and the sandbox's world".into(),
        ));
        // A state folder that is the project folder itself (or holds it: `state =
        // "cardform.state.json"`, `state = "../x.json"`) is not refused as a whole: the
        // caller protects the state's own files one by one ([`WritePolicy::protect_file`]).
        if let Some(dir) = state_dir.map(resolve_for_write)
            && !root.starts_with(&dir)
        {
            folders.push((
                dir,
                "in the folder that holds the state, its backup, journal and lock, and the sandbox's world".into(),
            ));
        }
        let mut files = vec![(
            root.join("cardform.toml"),
            "the project file cardform.toml".to_string(),
        )];
        files.extend(
            referenced
                .into_iter()
                .map(|p| (resolve_for_write(&p), "an image a card uses".to_string())),
        );
        Self {
            root: Some(root),
            folders,
            files,
        }
    }

    /// The policy for a project whose cardform.toml says `state = state_setting`: the
    /// state folder (its own files one by one when that folder is the project folder), the
    /// sandbox world beside it, and `referenced` (the files the cards use).
    pub fn for_config(
        root: &Path,
        state_setting: Option<&str>,
        referenced: impl IntoIterator<Item = PathBuf>,
    ) -> Self {
        let state = cardform_state::local_state_path(root, state_setting);
        let state_dir = state
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf);
        let mut policy = Self::for_project(root, state_dir.as_deref(), referenced);
        if let Some(state) = state {
            let names = [
                "the state file",
                "the state's backup",
                "the state's journal",
                "the state's lock",
                "the state's lock holder record",
            ];
            // The push-event log beside the state, and its kept segments.
            let events = cardform_state::events_path_for(&state);
            for n in 0..=cardform_state::LocalEventLog::KEPT_SEGMENTS {
                let file = if n == 0 {
                    events.clone()
                } else {
                    let mut name = events.as_os_str().to_owned();
                    name.push(format!(".{n}"));
                    std::path::PathBuf::from(name)
                };
                policy.protect_file(&file, "the push-event log (`cardform events serve`)");
            }
            let own = cardform_state::LocalBackend::new(state).own_files();
            for (file, what) in own.into_iter().zip(names) {
                policy.protect_file(&file, what);
            }
            if let Some(dir) = &state_dir {
                policy.protect_file(
                    &dir.join(cardform_emulator::SANDBOX_DATA_FILE),
                    "the sandbox's world (every card of `endpoint = \"sandbox\"`)",
                );
            }
        }
        policy
    }

    /// Adds one more file the policy refuses, with what it is.
    pub fn protect_file(&mut self, path: &Path, what: &str) {
        self.files.push((resolve_for_write(path), what.to_string()));
    }

    /// Checks that `path` may receive an output of `kind`.
    ///
    /// # Errors
    /// [`WriteRefused`] naming the path, what it is, and what to do.
    pub fn check(&self, path: &Path, kind: OutputKind) -> Result<OutputFile, WriteRefused> {
        let resolved = resolve_for_write(path);
        let given = path.display().to_string();
        let owned = |what: &str| WriteRefused::Owned {
            given: given.clone(),
            what: what.to_string(),
            resolved: resolved.clone(),
        };
        if let Some((_, what)) = self.files.iter().find(|(f, _)| *f == resolved) {
            return Err(owned(what));
        }
        // A generated card file is a new file of the cards/ folder (it never replaces
        // one: [`OutputKind::GeneratedCards`] recognises nothing).
        let cards = self.root.as_ref().map(|r| r.join("cards"));
        if let Some((_, what)) = self.folders.iter().find(|(dir, _)| {
            resolved.starts_with(dir)
                && !(kind == OutputKind::GeneratedCards && Some(dir) == cards.as_ref())
        }) {
            return Err(owned(what));
        }
        if let Some(root) = &self.root
            && let Ok(inside) = resolved.strip_prefix(root)
        {
            if inside.as_os_str().is_empty() {
                return Err(owned("the project folder itself"));
            }
            let hidden = inside.components().any(|c| {
                c.as_os_str()
                    .to_str()
                    .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
            });
            if hidden {
                return Err(owned(
                    "a dotfile or dot-folder of the project (.gitignore, .taplo.toml, .github/…), which the user or cardform init owns",
                ));
            }
        }
        check_existing(&given, &resolved, kind)?;
        let folder = resolved
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !folder.is_dir() {
            return Err(WriteRefused::NoFolder {
                given,
                folder: folder.to_path_buf(),
            });
        }
        Ok(OutputFile {
            given: path.to_path_buf(),
            resolved,
            kind,
        })
    }

    /// Checks a folder an output writes several files into (`preview --out DIR`,
    /// `man --out DIR`): the folder itself must not be one the project owns; each file
    /// is then checked with [`WritePolicy::check`].
    ///
    /// # Errors
    /// [`WriteRefused`] when the folder is owned.
    pub fn check_folder(&self, dir: &Path) -> Result<(), WriteRefused> {
        let resolved = resolve_for_write(dir);
        let given = dir.display().to_string();
        let owned = |what: &str| WriteRefused::Owned {
            given: given.clone(),
            what: what.to_string(),
            resolved: resolved.clone(),
        };
        if let Some((_, what)) = self.folders.iter().find(|(d, _)| resolved.starts_with(d)) {
            return Err(owned(what));
        }
        if self.root.as_ref() == Some(&resolved) {
            return Err(owned("the project folder itself"));
        }
        if let Some(root) = &self.root
            && let Ok(inside) = resolved.strip_prefix(root)
            && inside
                .components()
                .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
        {
            return Err(owned("a dot-folder of the project"));
        }
        Ok(())
    }
}

fn check_existing(given: &str, resolved: &Path, kind: OutputKind) -> Result<(), WriteRefused> {
    let meta = match std::fs::metadata(resolved) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(WriteRefused::Io {
                path: given.to_string(),
                source,
            });
        }
    };
    if meta.is_dir() {
        return Err(WriteRefused::Folder {
            given: given.to_string(),
            resolved: resolved.to_path_buf(),
        });
    }
    let head = read_head(resolved).map_err(|source| WriteRefused::Io {
        path: given.to_string(),
        source,
    })?;
    if kind.recognises(&head) {
        Ok(())
    } else {
        Err(WriteRefused::NotOwnKind {
            given: given.to_string(),
            kind: kind.describe(),
            resolved: resolved.to_path_buf(),
        })
    }
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// A path the policy allowed, for one kind of output. The only way to write an output.
#[derive(Debug, Clone)]
pub struct OutputFile {
    given: PathBuf,
    resolved: PathBuf,
    kind: OutputKind,
}

impl OutputFile {
    /// The path as the user gave it (for messages).
    pub fn path(&self) -> &Path {
        &self.given
    }

    /// Where it is really written (links and `..` resolved). Only for a writer that
    /// writes more than one file beside it (a state copy: its lock and journal).
    pub fn resolved(&self) -> &Path {
        &self.resolved
    }

    /// Writes `bytes` through a temporary file beside the target (a crash leaves the old
    /// file or the new one), writing through a symbolic link to its target and keeping
    /// the permissions of a file it replaces.
    ///
    /// # Errors
    /// [`WriteRefused`] when the file changed into something else since the check, or
    /// cannot be written.
    pub fn write(&self, bytes: &[u8]) -> Result<(), WriteRefused> {
        self.write_with(|w| w.write_all(bytes))
    }

    /// [`OutputFile::write`] with the content streamed by `fill` (a 10,000-card plan is
    /// ~30 MB of JSON: it is never held as a whole). A generated card file is only ever
    /// created, never put over a file that appeared since the check.
    ///
    /// # Errors
    /// As [`OutputFile::write`], or the error `fill` returns.
    pub fn write_with(
        &self,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), WriteRefused> {
        let given = self.given.display().to_string();
        check_existing(&given, &self.resolved, self.kind)?;
        let replace = self.kind != OutputKind::GeneratedCards;
        write_atomic_with(&self.resolved, replace, fill).map_err(|source| WriteRefused::Io {
            path: given,
            source,
        })
    }
}

/// Writes `bytes` to `path` (already resolved: not a link) atomically, keeping the
/// permissions of the file it replaces (a new file gets 0644).
///
/// # Errors
/// The I/O error.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, true, |w| w.write_all(bytes))
}

/// [`write_atomic`] with streamed content; with `replace` false an existing file is
/// never replaced (the rename fails instead).
fn write_atomic_with(
    path: &Path,
    replace: bool,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    // A temporary file is private (0600); the result keeps the permissions of the file
    // it replaces, or gets a normal file's.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        #[cfg(unix)]
        Err(_) => Some(std::os::unix::fs::PermissionsExt::from_mode(0o644)),
        #[cfg(not(unix))]
        Err(_) => None,
    };
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    tmp.as_file().sync_all()?;
    if replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// Rewrites a file the project owns (a card file by `fmt`, cardform.toml by the first
/// apply): through a symbolic link to its target, keeping the file's permissions.
///
/// # Errors
/// The I/O error.
pub fn rewrite_owned_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(&resolve_for_write(path), bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        for sub in ["state", "cards", "assets", "schema", ".github/workflows"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        std::fs::write(root.join("cardform.toml"), "endpoint = \"sandbox\"\n").expect("write");
        std::fs::write(root.join("state/sandbox.emulator.json"), "{}").expect("write");
        std::fs::write(root.join(".gitignore"), "/state\n").expect("write");
        std::fs::write(root.join("logo.png"), b"\x89PNG\r\n\x1a\nlogo").expect("write");
        (dir, root)
    }

    #[test]
    fn everything_the_project_owns_is_refused() {
        let (_d, root) = project();
        let policy = WritePolicy::for_project(&root, None, [root.join("logo.png")]);
        for (path, kind) in [
            ("state/sandbox.emulator.json", OutputKind::SavedPlan),
            (
                "state/cardform.state.json.journal",
                OutputKind::GeneratedCards,
            ),
            ("state/new.json", OutputKind::SavedPlan),
            ("cards/x.toml", OutputKind::SavedPlan),
            ("cards/x.svg", OutputKind::Svg),
            ("assets/friend_cash.png", OutputKind::Png),
            ("schema/cards.schema.json", OutputKind::SavedPlan),
            ("cardform.toml", OutputKind::SavedPlan),
            (".gitignore", OutputKind::ReviewPage),
            (".taplo.toml", OutputKind::SavedPlan),
            (".github/workflows/x.yml", OutputKind::SavedPlan),
            ("logo.png", OutputKind::Png),
            ("cards/../state/x", OutputKind::SavedPlan),
        ] {
            let err = policy.check(&root.join(path), kind).expect_err(path);
            assert!(matches!(err, WriteRefused::Owned { .. }), "{path}: {err}");
        }
        assert!(policy.check_folder(&root.join("assets")).is_err());
        assert!(policy.check_folder(&root).is_err());
        assert!(policy.check_folder(&root.join("previews")).is_ok());
    }

    #[test]
    fn a_generated_card_file_is_a_new_file_in_cards_or_outside() {
        let (_d, root) = project();
        std::fs::write(root.join("cards/cards.toml"), "[cards.a]\n").expect("write");
        let policy = WritePolicy::for_project(&root, None, []);
        let file = policy
            .check(
                &root.join("cards/imported.toml"),
                OutputKind::GeneratedCards,
            )
            .expect("a new card file in cards/");
        file.write(b"[cards.b]\n").expect("write");
        for taken in ["cards/imported.toml", "cards/cards.toml"] {
            assert!(matches!(
                policy.check(&root.join(taken), OutputKind::GeneratedCards),
                Err(WriteRefused::NotOwnKind { .. })
            ));
        }
        // Created, never replaced: a file that appears after the check stays.
        let late = policy
            .check(&root.join("cards/late.toml"), OutputKind::GeneratedCards)
            .expect("new");
        std::fs::write(root.join("cards/late.toml"), "mine").expect("write");
        assert!(late.write(b"[cards.c]\n").is_err());
        assert_eq!(
            std::fs::read_to_string(root.join("cards/late.toml")).expect("read"),
            "mine"
        );
        assert!(matches!(
            policy.check(&root.join("no/such/x.json"), OutputKind::SavedPlan),
            Err(WriteRefused::NoFolder { .. })
        ));
    }

    #[test]
    fn the_configured_state_folder_and_world_are_refused() {
        let (_d, root) = project();
        std::fs::create_dir_all(root.join("elsewhere")).expect("mkdir");
        let policy = WritePolicy::for_config(&root, Some("elsewhere/s.json"), []);
        for path in [
            "elsewhere/s.json.journal",
            "elsewhere/sandbox.emulator.json",
        ] {
            assert!(
                policy
                    .check(&root.join(path), OutputKind::SavedPlan)
                    .is_err()
            );
        }
        // A state kept in the project folder itself: its own files, not the whole folder.
        let policy = WritePolicy::for_config(&root, Some("s.json"), []);
        for path in [
            "s.json",
            "s.json.backup",
            "s.json.journal",
            "sandbox.emulator.json",
            "s.events.jsonl",
            "s.events.jsonl.1",
            "s.events.jsonl.4",
        ] {
            assert!(
                policy
                    .check(&root.join(path), OutputKind::SavedPlan)
                    .is_err(),
                "{path}"
            );
        }
        policy
            .check(&root.join("plan.json"), OutputKind::SavedPlan)
            .expect("plan.json beside it");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_an_owned_file_is_that_file() {
        let (_d, root) = project();
        let outside = tempfile::tempdir().expect("tempdir");
        let link = outside.path().join("plan.json");
        std::os::unix::fs::symlink(root.join("state/sandbox.emulator.json"), &link).expect("link");
        let policy = WritePolicy::for_project(&root, None, []);
        assert!(policy.check(&link, OutputKind::SavedPlan).is_err());
    }

    #[test]
    fn new_files_and_files_of_the_own_kind_are_allowed_others_refused() {
        let (_d, root) = project();
        let policy = WritePolicy::for_project(&root, None, []);
        let out = tempfile::tempdir().expect("tempdir");
        let fresh = out.path().join("plan.json");
        let file = policy
            .check(&fresh, OutputKind::SavedPlan)
            .expect("a new file");
        file.write(b"{\n  \"format_version\": \"1\",\n  \"cardform_version\": \"0.1.0\"\n}")
            .expect("write");
        policy
            .check(&fresh, OutputKind::SavedPlan)
            .expect("a saved plan over a saved plan");
        let notes = out.path().join("notes.txt");
        std::fs::write(&notes, "my notes").expect("write");
        for kind in [
            OutputKind::SavedPlan,
            OutputKind::ReviewPage,
            OutputKind::Png,
            OutputKind::Svg,
            OutputKind::ManPage,
            OutputKind::StateCopy,
            OutputKind::StateSidecar,
            OutputKind::GeneratedCards,
        ] {
            let err = policy.check(&notes, kind).expect_err("not its kind");
            assert!(matches!(err, WriteRefused::NotOwnKind { .. }), "{err}");
        }
        assert!(matches!(
            policy.check(out.path(), OutputKind::SavedPlan),
            Err(WriteRefused::Folder { .. })
        ));
        // A file inside the project but in no owned place is fine (e.g. plan.json).
        policy
            .check(&root.join("plan.json"), OutputKind::SavedPlan)
            .expect("plan.json in the project root");
    }

    #[cfg(unix)]
    #[test]
    fn a_rewrite_keeps_the_link_and_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("real.toml");
        std::fs::write(&target, "a = 1\n").expect("write");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.path().join("cards.toml");
        std::os::unix::fs::symlink("real.toml", &link).expect("link");
        rewrite_owned_file(&link, b"a = 2\n").expect("rewrite");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "a = 2\n");
        let mode = std::fs::metadata(&target)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn kinds_recognise_their_own_files() {
        assert!(OutputKind::Png.recognises(b"\x89PNG\r\n\x1a\n...."));
        assert!(!OutputKind::Png.recognises(b"GIF89a"));
        assert!(OutputKind::Svg.recognises(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"));
        assert!(
            OutputKind::ReviewPage.recognises(
                b"<!DOCTYPE html>\n<html><meta name=\"generator\" content=\"cardform\">"
            )
        );
        assert!(!OutputKind::ReviewPage.recognises(b"<!DOCTYPE html><html>my site</html>"));
        assert!(
            OutputKind::StateCopy.recognises(b"{\"version\": 4, \"lineage\": \"x\", \"serial\": 3")
        );
        assert!(!OutputKind::GeneratedCards.recognises(b"[cards.x]"));
        // A state's side files: empty lock/journal, lock info, journal lines, a backup.
        let sidecar = OutputKind::StateSidecar;
        assert!(sidecar.recognises(b""));
        assert!(sidecar.recognises(b"{\"id\":\"a\",\"operation\":\"apply\",\"pid\":7}"));
        assert!(sidecar.recognises(b"{\"seq\":1,\"lineage\":\"u\",\"record\":{}}\n"));
        assert!(sidecar.recognises(b"{\"version\": 4, \"lineage\": \"x\", \"serial\": 3"));
        assert!(!sidecar.recognises(b"  \n"));
        assert!(!sidecar.recognises(b"my notes about the journal"));
        assert!(!sidecar.recognises(b"{\"name\": \"package.json\"}"));
    }
}
