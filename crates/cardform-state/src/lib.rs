//! cardform-state: what cardform applied, where it lives, and how it survives crashes.
//!
//! A backend stores a snapshot ([`StateFile`]) plus a write-ahead journal of
//! [`JournalRecord`]s. During apply every mutation is preceded by a durable `Intent` and
//! followed by an `Outcome` (or `Abandoned`), each one cheap (one appended record) and
//! durable before the call returns; [`StateBackend::commit`] folds them into a new
//! snapshot. Loading replays the journal, so intents with no outcome come back in
//! [`StateFile::pending`] for the caller to resolve. [`StateSession`] bundles the lock,
//! the loaded state and the journal for one run. This crate knows nothing of WeChat.
//!
//! Must not import: any other cardform crate (it sits beside the client, below the
//! product).

pub mod codec;
mod error;
mod local;
mod lock;
mod model;
pub mod postgres;
mod replay;
mod session;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use codec::{JournalLine, SnapshotHeader, state_content_hash};
pub use error::StateError;
pub use local::{LocalBackend, Restored};
pub use lock::{LockInfo, LockRelease, StateLock};
pub use model::{
    Change, ImageRecord, JournalRecord, OpKind, PendingOperation, ResourceState,
    STATE_FORMAT_VERSION, StateFile, StateStamp,
};
pub use replay::{ReplayReport, replay};
pub use session::{COMPACT_EVERY, StateSession};

/// The default state location inside a project folder.
pub const DEFAULT_STATE_PATH: &str = "state/cardform.state.json";

/// A loaded state, with what the user should be told about how it was loaded.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub state: StateFile,
    /// E.g. "the last journal record was cut short and ignored".
    pub notices: Vec<String>,
}

/// What a commit wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// The serial now stored (bumped only when the content changed).
    pub serial: u64,
    /// The journal position folded into the stored snapshot.
    pub journal_seq: u64,
    pub content_changed: bool,
}

/// Where a state lives. One instance per run; methods take `&self` and are safe to
/// call from several threads (records are serialised internally).
pub trait StateBackend: Send + Sync {
    /// Reads the snapshot and replays the journal onto it.
    ///
    /// # Guarantees
    /// Outcomes recorded are applied once; intents with no outcome are in `pending`. A
    /// torn last journal record (crash mid-append) is ignored and reported in `notices`.
    /// Nothing is written.
    ///
    /// # Errors
    /// [`StateError::Corrupt`] for an unreadable snapshot or a damaged record before the
    /// journal's end (pointing at the `.backup`); [`StateError::UnsupportedVersion`];
    /// [`StateError::JournalWithoutState`]; I/O or backend errors. `Ok(None)`: no state yet.
    fn load(&self) -> Result<Option<Loaded>, StateError>;

    /// Appends one journal record and returns its sequence number.
    ///
    /// # Guarantees
    /// The record is durable (fsync'd / committed) before this returns.
    ///
    /// # Errors
    /// [`StateError::Usage`] before any `load`/`commit` of an existing state; I/O errors.
    fn record(&self, record: &JournalRecord) -> Result<u64, StateError>;

    /// Appends one journal record without waiting for it to be durable, and returns its
    /// sequence number; [`Self::sync`] then makes it durable. Apply's workers append
    /// one at a time but wait for durability together, so one fsync covers many records
    /// (group commit). The default is [`Self::record`]: durable at once.
    ///
    /// # Errors
    /// As [`Self::record`].
    fn append(&self, record: &JournalRecord) -> Result<u64, StateError> {
        self.record(record)
    }

    /// Makes every record appended up to `seq` durable.
    ///
    /// # Guarantees
    /// When this returns `Ok`, records `..=seq` survive a crash (or were folded into a
    /// committed snapshot). Several callers waiting at once share one fsync.
    ///
    /// # Errors
    /// I/O or backend errors; after a failed sync every later sync fails too (a failed
    /// fsync may have dropped written data, so a later success would prove nothing).
    fn sync(&self, seq: u64) -> Result<(), StateError> {
        let _ = seq;
        Ok(())
    }

    /// Records an intent (before the mutating call). See [`Self::record`].
    ///
    /// # Errors
    /// As [`Self::record`].
    fn record_intent(&self, op: &PendingOperation) -> Result<u64, StateError> {
        self.record(&JournalRecord::Intent { op: op.clone() })
    }

    /// Records the outcome of an operation (after the call). See [`Self::record`].
    ///
    /// # Errors
    /// As [`Self::record`].
    fn record_outcome(&self, op_id: uuid::Uuid, changes: &[Change]) -> Result<u64, StateError> {
        self.record(&JournalRecord::Outcome {
            op_id,
            changes: changes.to_vec(),
        })
    }

    /// Records that an operation was not carried out. See [`Self::record`].
    ///
    /// # Errors
    /// As [`Self::record`].
    fn record_abandoned(&self, op_id: uuid::Uuid) -> Result<u64, StateError> {
        self.record(&JournalRecord::Abandoned { op_id })
    }

    /// Stores `state` as the new snapshot and empties the journal.
    ///
    /// `state` must be what `load` returned with every record written since applied
    /// (its `journal_seq` proves it). `expected_serial`: the serial read at load time;
    /// `None` only when writing a state that was not loaded from here (`state push`).
    ///
    /// # Guarantees
    /// The serial is bumped only when the content changed; the lineage is kept; the
    /// previous snapshot stays as the backup. A crash at any point leaves a loadable
    /// state with nothing lost or applied twice.
    ///
    /// # Errors
    /// [`StateError::LineageMismatch`], [`StateError::StaleSerial`] (someone wrote
    /// since we loaded), [`StateError::NewerSerial`], [`StateError::Corrupt`] (the
    /// stored snapshot is unreadable: it is never overwritten), [`StateError::Usage`]
    /// (no load first, or `state` misses journal records), I/O or backend errors.
    fn commit(
        &self,
        state: &StateFile,
        expected_serial: Option<u64>,
    ) -> Result<Committed, StateError>;

    /// Takes the run lock, waiting up to `timeout` (`None`: fail at once).
    ///
    /// # Guarantees
    /// One holder at a time; a holder that dies (killed, crashed) releases it without
    /// anyone's help. The guard releases it on drop.
    ///
    /// # Errors
    /// [`StateError::Locked`] naming the holder and how to force-unlock, or
    /// [`StateError::LockedUnknown`]; I/O or backend errors.
    fn lock(&self, info: LockInfo, timeout: Option<Duration>) -> Result<StateLock, StateError>;

    /// Releases a lock whose holder is gone, if its id is `lock_id`; returns who held it.
    ///
    /// # Errors
    /// [`StateError::LockIdMismatch`] (naming the real holder), [`StateError::NotLocked`],
    /// [`StateError::HolderAlive`] when the holder is still running.
    fn force_unlock(&self, lock_id: &str) -> Result<LockInfo, StateError>;

    /// Where the state lives, for messages (never with credentials).
    fn describe(&self) -> String;
}

/// Opens the backend named by `cardform.toml`'s `state` setting: a path (relative to
/// the project folder), a `postgres://host:port/db[?name=NAME]` URL (credentials from
/// `PGUSER`/`PGPASSWORD`, never the file), or by default [`DEFAULT_STATE_PATH`].
///
/// # Errors
/// [`StateError::Usage`] for a setting this build cannot serve or a URL carrying a
/// password; [`StateError::Backend`] when PostgreSQL cannot be reached.
pub fn open_backend(
    project_root: &Path,
    state_setting: Option<&str>,
) -> Result<Box<dyn StateBackend>, StateError> {
    match state_setting.map(str::trim) {
        None | Some("") => Ok(Box::new(LocalBackend::new(
            project_root.join(DEFAULT_STATE_PATH),
        ))),
        Some(s) if s.starts_with("postgres://") || s.starts_with("postgresql://") => {
            Ok(Box::new(postgres::PostgresBackend::open(s)?))
        }
        Some(s) if s.contains("://") => Err(StateError::Usage(format!(
            "`state = \"{}\"` in cardform.toml: unknown state backend; use a file path or postgres://host:port/db",
            redact_url(s)
        ))),
        Some(s) => {
            let p = PathBuf::from(s);
            Ok(Box::new(LocalBackend::new(if p.is_absolute() {
                p
            } else {
                project_root.join(p)
            })))
        }
    }
}

/// The snapshot path of a local state, as [`open_backend`] resolves it; `None` for a
/// PostgreSQL (or unknown) backend.
pub fn local_state_path(project_root: &Path, state_setting: Option<&str>) -> Option<PathBuf> {
    match state_setting.map(str::trim) {
        None | Some("") => Some(project_root.join(DEFAULT_STATE_PATH)),
        Some(s) if s.contains("://") => None,
        Some(s) => {
            let p = PathBuf::from(s);
            Some(if p.is_absolute() {
                p
            } else {
                project_root.join(p)
            })
        }
    }
}

/// Drops any `user:password@` part of a URL for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(
            redact_url("postgres://bob:hunter2@db:5432/x"),
            "postgres://db:5432/x"
        );
        assert_eq!(redact_url("postgres://db/x"), "postgres://db/x");
    }

    #[test]
    fn default_and_relative_paths() {
        let b = open_backend(Path::new("/p"), None).expect("default");
        assert_eq!(b.describe(), "/p/state/cardform.state.json");
        let b = open_backend(Path::new("/p"), Some("elsewhere/s.json")).expect("relative");
        assert_eq!(b.describe(), "/p/elsewhere/s.json");
        assert!(open_backend(Path::new("/p"), Some("s3://bucket/x")).is_err());
    }
}
