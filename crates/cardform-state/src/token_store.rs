//! Where a third-party platform keeps a token it shares across the processes of its
//! runs (the component token: docs/platform.md "Tokens"), beside the accounts' states:
//! opaque bytes and their expiry, loaded, stored and cleared under a cross-process
//! lock. The bytes are sealed by the caller; this crate never sees a token in clear
//! and knows nothing of WeChat.
//!
//! - Local state: `state/_platform/<name>.sealed` beside `state/<account>/` (no account
//!   can be called `_platform`: account names start with a letter or a digit), written
//!   atomically; the lock is `<name>.lock` beside it, flock'd (the OS releases it when
//!   the holder dies).
//! - PostgreSQL state: one row of `cardform_platform_tokens` per key (the component
//!   AppID); the lock is a session-level advisory lock on a key derived from it
//!   ([`super::postgres::PgTokenStore`]).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::StateError;
use super::location::is_postgres_url;
use super::postgres::PgTokenStore;

/// The folder under a platform's `state/` that holds the platform's own entries.
pub const PLATFORM_STATE_DIR: &str = "_platform";

/// How often a waiting process tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(25);

/// A stored entry: the caller's sealed bytes and when what they hold expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub sealed: Vec<u8>,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Held while a process checks and refreshes the entry; dropping it releases the lock.
pub trait TokenLockGuard: Send {}

/// A store of one entry shared across processes.
pub trait TokenStore: Send + Sync {
    /// Takes the cross-process lock, waiting at most `wait`.
    ///
    /// # Errors
    /// The store cannot be reached. `Ok(None)`: another process held it all along.
    fn lock(&self, wait: Duration) -> Result<Option<Box<dyn TokenLockGuard>>, StateError>;
    /// The entry, if there is one.
    ///
    /// # Errors
    /// The store cannot be read (an entry that is not this store's format is `None`).
    fn load(&self) -> Result<Option<StoredToken>, StateError>;
    /// Replaces the entry (atomically: a reader sees the old one or the new one).
    ///
    /// # Errors
    /// The store cannot be written.
    fn store(&self, token: &StoredToken) -> Result<(), StateError>;
    /// Removes the entry.
    ///
    /// # Errors
    /// The store cannot be written.
    fn clear(&self) -> Result<(), StateError>;
    /// Where the entry lives, for messages (never its content).
    fn describe(&self) -> String;
}

/// Opens the store of entry `key` (e.g. the component AppID) for a platform whose
/// folder is `platform_root` and whose `state` setting is `state_setting`: a table of
/// the PostgreSQL database, else `state/_platform/<file_name>` under the root.
///
/// # Errors
/// As [`super::postgres::PostgresBackend::open`] for a PostgreSQL setting.
pub fn open_token_store(
    platform_root: &Path,
    state_setting: Option<&str>,
    key: &str,
    file_name: &str,
) -> Result<Box<dyn TokenStore>, StateError> {
    match state_setting.map(str::trim) {
        Some(url) if is_postgres_url(url) => Ok(Box::new(PgTokenStore::open(url, key)?)),
        _ => Ok(Box::new(LocalTokenStore::new(
            platform_root
                .join("state")
                .join(PLATFORM_STATE_DIR)
                .join(format!("{file_name}.sealed")),
        ))),
    }
}

/// Takes a lock by trying `attempt` until it succeeds or `wait` has passed.
pub(crate) fn poll_lock<G>(
    wait: Duration,
    mut attempt: impl FnMut() -> Result<Option<G>, StateError>,
) -> Result<Option<G>, StateError> {
    let deadline = Instant::now() + wait;
    loop {
        if let Some(g) = attempt()? {
            return Ok(Some(g));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        std::thread::sleep(LOCK_POLL);
    }
}

/// The entry as the local file holds it (the sealed bytes in hex).
#[derive(Serialize, Deserialize)]
struct FileEntry {
    format: u32,
    expires_at: i64,
    sealed: String,
}

const FILE_FORMAT: u32 = 1;

/// The local store: one file, its lock file beside it.
pub struct LocalTokenStore {
    path: PathBuf,
}

struct LocalGuard(File);

impl TokenLockGuard for LocalGuard {}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl LocalTokenStore {
    /// The store at `path` (its folder is made when the lock is first taken).
    pub fn new(path: PathBuf) -> LocalTokenStore {
        LocalTokenStore { path }
    }

    fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }
}

impl TokenStore for LocalTokenStore {
    fn lock(&self, wait: Duration) -> Result<Option<Box<dyn TokenLockGuard>>, StateError> {
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| StateError::io("create folder", &dir, e))?;
        let p = self.lock_path();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&p)
            .map_err(|e| StateError::io("open lock file", &p, e))?;
        poll_lock(wait, || match file.try_lock() {
            Ok(()) => Ok(Some(())),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(StateError::io("lock", &p, e)),
        })
        .map(|got| got.map(|()| Box::new(LocalGuard(file)) as Box<dyn TokenLockGuard>))
    }

    fn load(&self) -> Result<Option<StoredToken>, StateError> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::io("read", &self.path, e)),
        };
        Ok(serde_json::from_slice::<FileEntry>(&bytes)
            .ok()
            .filter(|e| e.format == FILE_FORMAT)
            .and_then(|e| {
                hex::decode(&e.sealed).ok().map(|sealed| StoredToken {
                    sealed,
                    expires_at: e.expires_at,
                })
            }))
    }

    fn store(&self, token: &StoredToken) -> Result<(), StateError> {
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| StateError::io("create folder", &dir, e))?;
        let entry = FileEntry {
            format: FILE_FORMAT,
            expires_at: token.expires_at,
            sealed: hex::encode(&token.sealed),
        };
        let bytes = serde_json::to_vec_pretty(&entry).map_err(|e| StateError::Encode {
            location: self.describe(),
            detail: e.to_string(),
        })?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "token".into());
        let tmp = self
            .path
            .with_file_name(format!(".{name}.tmp-{}", Uuid::new_v4().simple()));
        let written = (|| {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(|e| StateError::io("create", &tmp, e))?;
            f.write_all(&bytes)
                .map_err(|e| StateError::io("write", &tmp, e))?;
            f.sync_all().map_err(|e| StateError::io("fsync", &tmp, e))?;
            drop(f);
            fs::rename(&tmp, &self.path)
                .map_err(|e| StateError::io("rename into place", &self.path, e))
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written
    }

    fn clear(&self) -> Result<(), StateError> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateError::io("remove", &self.path, e)),
        }
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_entry_round_trips_and_clears() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = open_token_store(dir.path(), None, "wxc", "component-token").expect("open");
        assert_eq!(store.load().expect("load"), None);
        let entry = StoredToken {
            sealed: vec![1, 2, 3, 250],
            expires_at: 1_800_000_000,
        };
        let guard = store.lock(Duration::ZERO).expect("lock");
        assert!(guard.is_some());
        store.store(&entry).expect("store");
        drop(guard);
        assert_eq!(store.load().expect("load"), Some(entry));
        assert!(
            dir.path()
                .join("state/_platform/component-token.sealed")
                .is_file()
        );
        store.clear().expect("clear");
        store.clear().expect("clear twice");
        assert_eq!(store.load().expect("load"), None);
    }

    #[test]
    fn the_lock_is_exclusive_and_a_wait_is_bounded() {
        let dir = tempfile::tempdir().expect("tmp");
        let a = LocalTokenStore::new(dir.path().join("t.sealed"));
        let b = LocalTokenStore::new(dir.path().join("t.sealed"));
        let held = a.lock(Duration::ZERO).expect("lock").expect("free");
        let start = Instant::now();
        assert!(b.lock(Duration::from_millis(100)).expect("try").is_none());
        assert!(start.elapsed() >= Duration::from_millis(100));
        drop(held);
        assert!(b.lock(Duration::ZERO).expect("lock").is_some());
    }

    #[test]
    fn an_entry_of_another_format_is_no_entry() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = LocalTokenStore::new(dir.path().join("t.sealed"));
        fs::write(dir.path().join("t.sealed"), b"{\"format\":9}").expect("write");
        assert_eq!(store.load().expect("load"), None);
        fs::write(dir.path().join("t.sealed"), b"not json").expect("write");
        assert_eq!(store.load().expect("load"), None);
    }
}
