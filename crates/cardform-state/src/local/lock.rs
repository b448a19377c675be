//! The local lock: `<state>.lock`, flock'd while a run holds it (the OS releases it
//! when the holder dies), and `<state>.lock.info`, who holds it.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use super::super::error::StateError;
use super::super::lock::{self, Attempt, LockInfo, LockRelease, StateLock};
use super::LocalBackend;

impl LocalBackend {
    fn read_lock_info(&self) -> Option<LockInfo> {
        let bytes = fs::read(self.lock_info_path()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn open_lock_file(&self) -> Result<File, StateError> {
        self.ensure_dir()?;
        let p = self.lock_path();
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&p)
            .map_err(|e| StateError::io("open lock file", &p, e))
    }

    /// [`StateBackend::lock`](super::super::StateBackend::lock): the flock, then the
    /// holder record written while it is held.
    pub(super) fn take_lock(
        &self,
        info: LockInfo,
        timeout: Option<Duration>,
    ) -> Result<StateLock, StateError> {
        let location = self.location();
        lock::acquire(&location, info, timeout, |info| {
            let file = self.open_lock_file()?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    // A record of a dead process is what a holder that has not yet
                    // written its own leaves in place: not the holder.
                    let holder = self.read_lock_info().filter(|h| !h.holder_is_dead());
                    return Ok(Attempt::Held(holder));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(StateError::io("lock", self.lock_path(), e));
                }
            }
            // We hold the flock, so any holder record left is from a process that died.
            let previous = self.read_lock_info();
            let bytes = serde_json::to_vec_pretty(info).map_err(|e| StateError::Encode {
                location: self.lock_info_path().display().to_string(),
                detail: e.to_string(),
            })?;
            self.write_atomic(&self.lock_info_path(), &[&bytes])?;
            Ok(Attempt::Taken {
                previous,
                guard: Box::new(LocalLockGuard {
                    file: Some(file),
                    info_path: self.lock_info_path(),
                    id: info.id.clone(),
                }),
            })
        })
    }

    /// [`StateBackend::force_unlock`](super::super::StateBackend::force_unlock): a
    /// holder that is still running keeps its flock, and is never overridden.
    pub(super) fn release_dead_lock(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        let location = self.location();
        let holder = lock::check_unlock_id(&location, self.read_lock_info(), lock_id)?;
        let file = self.open_lock_file()?;
        match file.try_lock() {
            Ok(()) => {
                // The holder is gone (the OS released its lock); clear its record.
                let p = self.lock_info_path();
                fs::remove_file(&p).map_err(|e| StateError::io("remove", &p, e))?;
                self.sync_dir()?;
                Ok(holder)
            }
            Err(fs::TryLockError::WouldBlock) => Err(StateError::HolderAlive {
                location,
                holder: Box::new(holder),
            }),
            Err(fs::TryLockError::Error(e)) => Err(StateError::io("lock", self.lock_path(), e)),
        }
    }
}

/// Releases the local lock: the holder record goes first (while we still hold the
/// flock, so we never delete the next holder's record), then the flock.
struct LocalLockGuard {
    file: Option<File>,
    info_path: PathBuf,
    id: String,
}

impl LockRelease for LocalLockGuard {}

impl Drop for LocalLockGuard {
    fn drop(&mut self) {
        let mine = fs::File::open(&self.info_path)
            .ok()
            .and_then(|mut f| {
                let mut s = String::new();
                f.read_to_string(&mut s).ok().map(|_| s)
            })
            .and_then(|s| serde_json::from_str::<LockInfo>(&s).ok())
            .is_some_and(|i| i.id == self.id);
        if mine {
            let _ = fs::remove_file(&self.info_path);
        }
        if let Some(f) = self.file.take() {
            let _ = f.unlock();
        }
    }
}
