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

mod backend;
pub mod codec;
mod error;
mod local;
mod lock;
mod model;
pub mod postgres;
mod replay;
mod session;

use std::path::{Path, PathBuf};

pub use backend::{Committed, Loaded, StateBackend};
pub use codec::{JournalLine, SnapshotHeader, state_content_hash};
pub use error::StateError;
pub use local::{LocalBackend, Restored};
pub use lock::{LockInfo, LockRelease, StateLock};
pub use model::{
    Change, ImageRecord, JournalRecord, OpKind, PendingOperation, ResourceState,
    STATE_FORMAT_VERSION, StateFile, StateOwner, StateStamp, UpdateAnswer, WhitelistRecord,
};
pub use replay::{ReplayReport, replay};
pub use session::{COMPACT_EVERY, StateSession};

/// The default state location inside a project folder.
pub const DEFAULT_STATE_PATH: &str = "state/cardform.state.json";

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
