//! Saved plans (`cardform plan --out FILE`): the plan exactly as reviewed, with what
//! apply needs to refuse it when stale — the state's lineage, serial and journal
//! position, a fingerprint of each card's live content, and the hash of every local
//! image the plan uploads.

use crate::i18n::tr;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::types::{FORMAT_VERSION, Plan};
use crate::config::images::LocalImage;
use crate::state::StateStamp;
use crate::write_policy::{OutputFile, WriteRefused};

/// What `--out` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: String,
    /// `cardform` version that made it.
    pub cardform_version: String,
    /// Unix seconds.
    pub created_at: i64,
    /// The project folder, relative to the plan file's folder (so a plan saved as a CI
    /// artifact applies in another checkout path), whose cardform.toml names endpoint
    /// and account. [`SavedPlan::read`] resolves it.
    pub project_dir: PathBuf,
    /// The state the plan was made against (None: no state yet).
    pub state: Option<StateStamp>,
    /// sha256 over the project's files when planned.
    pub inputs_hash: String,
    /// Local images by path, with the sha256 of their bytes.
    pub images: BTreeMap<String, LocalImage>,
    pub plan: Plan,
    /// sha256 of everything above (the document with this field empty): `apply`
    /// refuses a plan whose body was edited after it was written, and prints it so a
    /// reviewer can match it with the one the plan job showed.
    #[serde(default)]
    pub checksum: String,
}

/// Feeds serialized bytes straight into a hash (a 10,000-card plan is ~30 MB of JSON).
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

/// A folder a saved plan names relative to itself, as a path from here.
pub(crate) fn beside(plan_file: &Path, dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        return dir.to_path_buf();
    }
    plan_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(dir)
}

/// The checksum a saved file was written with, if it is the one its body has now.
///
/// # Errors
/// [`SavedPlanError::Tampered`]: the file was changed after it was written (or
/// carries no checksum).
pub(crate) fn checked_checksum(
    path: &Path,
    found: String,
    actual: String,
) -> Result<String, SavedPlanError> {
    if found == actual {
        return Ok(found);
    }
    Err(SavedPlanError::Tampered {
        path: path.into(),
        found: if found.is_empty() {
            "none".into()
        } else {
            found
        },
        actual,
    })
}

/// Why a saved plan cannot be applied.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SavedPlanError {
    #[error("{}", tr!("err-saved-read", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::saved_plan::read))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-saved-parse", path = .path.display(), problem = .problem))]
    #[diagnostic(code(cardform::saved_plan::parse))]
    Parse { path: PathBuf, problem: String },
    #[error("{}", tr!("err-saved-version", path = .path.display(), found = .found, supported = FORMAT_VERSION))]
    #[diagnostic(code(cardform::saved_plan::version))]
    Version { path: PathBuf, found: String },
    #[error("{}", tr!("err-saved-tampered", path = .path.display(), found = .found, actual = .actual))]
    #[diagnostic(code(cardform::saved_plan::tampered))]
    Tampered {
        path: PathBuf,
        found: String,
        actual: String,
    },
}

impl SavedPlan {
    /// Reads a plan file.
    ///
    /// # Errors
    /// Unreadable, not a plan, or another format version.
    pub fn read(path: &Path) -> Result<SavedPlan, SavedPlanError> {
        let bytes = std::fs::read(path).map_err(|source| SavedPlanError::Read {
            path: path.into(),
            source,
        })?;
        Self::from_bytes(path, &bytes)
    }

    /// Reads a plan file's bytes as [`SavedPlan::read`] does (`path` names the file in
    /// errors and anchors the relative project folder); the fuzz target's entry point.
    ///
    /// # Errors
    /// Not a plan, another format version, or edited after it was written.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<SavedPlan, SavedPlanError> {
        // The version first (a scan that keeps nothing else), so a plan from another
        // format is named as such rather than as a parse error.
        #[derive(Deserialize)]
        struct VersionOnly {
            format_version: Option<serde_json::Value>,
        }
        let parse_error = |e: serde_json::Error| SavedPlanError::Parse {
            path: path.into(),
            problem: e.to_string(),
        };
        let version: VersionOnly = serde_json::from_slice(bytes).map_err(parse_error)?;
        let found = version
            .format_version
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .unwrap_or("none")
            .to_string();
        if found != FORMAT_VERSION {
            return Err(SavedPlanError::Version {
                path: path.into(),
                found,
            });
        }
        let mut plan: SavedPlan = serde_json::from_slice(bytes).map_err(parse_error)?;
        let found = std::mem::take(&mut plan.checksum);
        plan.checksum = checked_checksum(path, found, plan.body_checksum())?;
        plan.plan.read_legacy_pending();
        plan.project_dir = beside(path, &plan.project_dir);
        Ok(plan)
    }

    /// sha256 (hex) of the document with `checksum` empty.
    fn body_checksum(&self) -> String {
        let mut h = HashWriter(Sha256::new());
        if serde_json::to_writer(&mut h, self).is_err() {
            // Serializing our own types into memory does not fail; if it ever did, an
            // empty digest never matches a written one, so the plan is refused.
            return String::new();
        }
        hex::encode(h.0.finalize())
    }

    /// Sets the checksum of the plan's body (as [`SavedPlan::write`] does), for a plan
    /// kept inside another document (a platform's saved plan holds one per account).
    pub fn seal(&mut self) {
        self.checksum.clear();
        self.checksum = self.body_checksum();
    }

    /// Whether the checksum is the body's (the plan was not edited after
    /// [`SavedPlan::seal`]); on a plan read from a document, before its paths are
    /// resolved.
    pub fn is_sealed(&self) -> bool {
        let mut body = self.clone();
        body.checksum.clear();
        !self.checksum.is_empty() && body.body_checksum() == self.checksum
    }

    /// Writes the plan file atomically (temp file + rename), so a reviewer never sees
    /// half a plan, with the checksum of its body, to a path the write policy allowed.
    ///
    /// # Errors
    /// The file could not be written, or became something else since the check.
    pub fn write(&mut self, out: &OutputFile) -> Result<(), WriteRefused> {
        self.checksum.clear();
        self.checksum = self.body_checksum();
        // Streamed into the temp file: a 10,000-card plan is ~30 MB of JSON.
        out.write_with(|w| serde_json::to_writer_pretty(w, &*self).map_err(std::io::Error::other))
    }
}

/// Why a saved plan may no longer be applied: what it was made against changed.
/// The state a stale plan was made from ("lineage L serial N" or "no state"), in the
/// process language.
fn planned_words(planned: &str) -> String {
    if planned == "no state" {
        tr!("err-saved-no-state")
    } else {
        planned.to_string()
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StalePlan {
    #[error(
        "{}",
        tr!("err-saved-stale-state", planned = planned_words(planned), lineage = .lineage.to_string(), serial = .serial)
    )]
    #[diagnostic(
        code(cardform::saved_plan::stale_state),
        help("{}", tr!("err-saved-stale-state-help"))
    )]
    State {
        /// "lineage L serial N", or "no state".
        planned: String,
        lineage: uuid::Uuid,
        serial: u64,
    },
    #[error("{}", tr!("err-saved-pending", count = .0))]
    #[diagnostic(
        code(cardform::saved_plan::pending),
        help("{}", tr!("err-saved-pending-help"))
    )]
    Pending(usize),
    #[error("{}", tr!("err-saved-stale-live", cards = .0.join(", ")))]
    #[diagnostic(
        code(cardform::saved_plan::stale_live),
        help("{}", tr!("err-saved-stale-live-help"))
    )]
    Live(Vec<String>),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Refresh(#[from] crate::live::RefreshError),
}

impl SavedPlan {
    /// Checks that the plan still describes the world: the state is the one it was
    /// made against (lineage, serial, journal position, no interrupted operation), and
    /// every card it read is unchanged on WeChat (one card/get each; cards the plan did
    /// not read, `--refresh=changed`, are not read now either).
    ///
    /// # Errors
    /// [`StalePlan`]: what changed, and that the way on is to plan again.
    pub async fn check_fresh(&self, session: &crate::session::Session) -> Result<(), StalePlan> {
        let (now, no_resources, pending) = session
            .state
            .read(|s| (s.stamp(), s.resources.is_empty(), s.pending.len()));
        let fresh = now.serial == 0 && now.journal_seq == 0 && no_resources;
        let stale_state = match &self.state {
            Some(then) => {
                then.lineage != now.lineage
                    || then.serial != now.serial
                    || then.journal_seq != now.journal_seq
            }
            None => !fresh,
        };
        if stale_state {
            return Err(StalePlan::State {
                planned: self
                    .state
                    .map(|s| format!("lineage {} serial {}", s.lineage, s.serial))
                    .unwrap_or_else(|| "no state".into()),
                lineage: now.lineage,
                serial: now.serial,
            });
        }
        if pending > 0 {
            return Err(StalePlan::Pending(pending));
        }
        let not_read: std::collections::BTreeSet<&str> = self
            .plan
            .resource_changes
            .iter()
            .filter(|r| !r.refreshed)
            .map(|r| r.address.as_str())
            .collect();
        let wanted: Vec<(String, String)> = session.state.read(|s| {
            s.resources
                .iter()
                .filter(|(a, _)| !not_read.contains(a.as_str()))
                .map(|(a, r)| (a.clone(), r.card_id.clone()))
                .collect()
        });
        let live = crate::live::fetch_many(
            &session.client,
            wanted,
            session.parallelism,
            session.reporter.as_ref(),
        )
        .await?;
        let changed: Vec<String> = self
            .plan
            .resource_changes
            .iter()
            .filter(|r| r.action != super::types::Action::Create && r.refreshed)
            .filter(|rc| {
                let now_fp = match live.get(&rc.address) {
                    Some(crate::live::Observed::Exists(l)) => Some(l.content.hash()),
                    _ => None,
                };
                rc.card_id.is_some() && now_fp != rc.live_fingerprint
            })
            .map(|rc| rc.address.clone())
            .collect();
        if !changed.is_empty() {
            return Err(StalePlan::Live(changed));
        }
        Ok(())
    }
}

/// sha256 over cardform.toml and cards/*.toml (sorted), recorded in saved plans.
pub fn inputs_hash(root: &Path) -> String {
    let mut files: Vec<PathBuf> = vec![root.join("cardform.toml")];
    if let Ok(rd) = std::fs::read_dir(root.join("cards")) {
        let mut cards: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        cards.sort();
        files.extend(cards);
    }
    let mut h = Sha256::new();
    for f in files {
        h.update(
            f.strip_prefix(root)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        h.update(std::fs::read(&f).unwrap_or_default());
    }
    hex::encode(h.finalize())
}

/// `project` relative to `from` (both absolute or both relative to the same folder):
/// `../cards-repo` style, for plan files that move between checkouts.
pub fn relative_to(project: &Path, from: &Path) -> PathBuf {
    let (Ok(project), Ok(from)) = (std::fs::canonicalize(project), std::fs::canonicalize(from))
    else {
        return project.to_path_buf();
    };
    let p: Vec<_> = project.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = p.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_paths_are_relative_to_the_plan_file() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let project = root.path().join("repo/cards");
        let plans = root.path().join("artifacts");
        std::fs::create_dir_all(&project).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(&plans).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            relative_to(&project, &plans),
            PathBuf::from("../repo/cards")
        );
        assert_eq!(relative_to(&project, &project), PathBuf::from("."));
    }

    #[test]
    fn written_plans_read_back_and_other_formats_are_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("p.plan");
        let saved = SavedPlan {
            format_version: FORMAT_VERSION.into(),
            cardform_version: "test".into(),
            created_at: 1,
            project_dir: PathBuf::from("."),
            state: None,
            inputs_hash: "h".into(),
            images: BTreeMap::new(),
            plan: Plan::new(Vec::new(), false),
            checksum: String::new(),
        };
        let mut saved = saved;
        let out = crate::write_policy::WritePolicy::outside_project()
            .check(&path, crate::write_policy::OutputKind::SavedPlan)
            .unwrap_or_else(|e| panic!("{e}"));
        saved.write(&out).unwrap_or_else(|e| panic!("{e}"));
        let back = SavedPlan::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.plan, saved.plan);
        assert_eq!(back.inputs_hash, "h");
        assert_eq!(back.checksum.len(), 64);

        // An edited body is refused, whatever was edited.
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let edited = text.replace("\"inputs_hash\": \"h\"", "\"inputs_hash\": \"x\"");
        assert_ne!(edited, text);
        std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            SavedPlan::read(&path),
            Err(SavedPlanError::Tampered { .. })
        ));

        for (text, found) in [
            (r#"{"format_version": "0", "plan": 1}"#, "0"),
            (r#"{"format_version": 2}"#, "none"),
            (r#"{"something": "else"}"#, "none"),
        ] {
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
            match SavedPlan::read(&path) {
                Err(SavedPlanError::Version { found: f, .. }) => assert_eq!(f, found, "{text}"),
                other => panic!("{text}: expected a version error, got {other:?}"),
            }
        }
        std::fs::write(&path, "{\"format_version\": \"1\", ").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            SavedPlan::read(&path),
            Err(SavedPlanError::Parse { .. })
        ));
    }

    #[test]
    fn from_bytes_reads_what_read_reads_and_refuses_garbage() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub/p.plan");
        std::fs::create_dir_all(dir.path().join("sub")).unwrap_or_else(|e| panic!("{e}"));
        let mut saved = SavedPlan {
            format_version: FORMAT_VERSION.into(),
            cardform_version: "test".into(),
            created_at: 1,
            project_dir: PathBuf::from("proj"),
            state: None,
            inputs_hash: "h".into(),
            images: BTreeMap::new(),
            plan: Plan::new(Vec::new(), false),
            checksum: String::new(),
        };
        let out = crate::write_policy::WritePolicy::outside_project()
            .check(&path, crate::write_policy::OutputKind::SavedPlan)
            .unwrap_or_else(|e| panic!("{e}"));
        saved.write(&out).unwrap_or_else(|e| panic!("{e}"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let from_bytes = SavedPlan::from_bytes(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let read = SavedPlan::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_bytes.plan, read.plan);
        assert_eq!(from_bytes.checksum, read.checksum);
        assert_eq!(from_bytes.project_dir, dir.path().join("sub/proj"));
        for garbage in [
            &b""[..],
            b"\xff\xfe",
            b"[]",
            b"null",
            b"{\"format_version\": \"2\"",
        ] {
            match SavedPlan::from_bytes(Path::new("x.plan"), garbage) {
                Err(SavedPlanError::Parse { path, .. }) => assert_eq!(path, Path::new("x.plan")),
                other => panic!("{garbage:?}: expected a parse error, got {other:?}"),
            }
        }
    }
}
