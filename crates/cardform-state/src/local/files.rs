//! The local backend's files: atomic replacement, the `.backup`, restoring it, and
//! the temp files a crash leaves.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::super::codec;
use super::super::error::StateError;
use super::{Cursor, LocalBackend};

impl LocalBackend {
    pub(super) fn sync_dir(&self) -> Result<(), StateError> {
        let dir = self.dir();
        // Directories cannot be opened for sync on every platform; where they can, the
        // rename is only durable once the folder entry is.
        match File::open(&dir) {
            Ok(d) => match d.sync_all() {
                Ok(()) => Ok(()),
                Err(e) if cfg!(windows) => {
                    let _ = e;
                    Ok(())
                }
                Err(e) => Err(StateError::io("fsync folder", &dir, e)),
            },
            Err(e) if cfg!(windows) => {
                let _ = e;
                Ok(())
            }
            Err(e) => Err(StateError::io("open folder", &dir, e)),
        }
    }

    pub(super) fn ensure_dir(&self) -> Result<(), StateError> {
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| StateError::io("create folder", &dir, e))
    }

    /// Writes `parts` to `target` atomically: temp file in the same folder, fsync,
    /// rename over `target`, fsync the folder.
    pub(super) fn write_atomic(&self, target: &Path, parts: &[&[u8]]) -> Result<(), StateError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into());
        let tmp = target.with_file_name(format!(".{name}.tmp-{}", Uuid::new_v4().simple()));
        let result = (|| {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(|e| StateError::io("create", &tmp, e))?;
            for p in parts {
                f.write_all(p)
                    .map_err(|e| StateError::io("write", &tmp, e))?;
            }
            f.sync_all().map_err(|e| StateError::io("fsync", &tmp, e))?;
            drop(f);
            fs::rename(&tmp, target).map_err(|e| StateError::io("rename into place", target, e))?;
            self.sync_dir()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Makes `.backup` the current snapshot, without a moment where either file is
    /// missing or partial: hard link (or copy) to a temp name, then rename.
    pub(super) fn keep_backup(&self) -> Result<(), StateError> {
        let backup = self.backup_path();
        let tmp = backup.with_file_name(format!(
            ".{}.tmp-{}",
            backup
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Uuid::new_v4().simple()
        ));
        if fs::hard_link(&self.path, &tmp).is_err() {
            fs::copy(&self.path, &tmp).map_err(|e| StateError::io("copy to backup", &tmp, e))?;
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| StateError::io("fsync", &tmp, e))?;
        }
        fs::rename(&tmp, &backup).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            StateError::io("rename into place", &backup, e)
        })
    }

    /// A snapshot older than its own backup (same lineage, lower serial) is an old
    /// copy put in place of the state: refused. An equal serial is what a crash
    /// between keeping the backup and writing the new snapshot leaves, and is fine.
    pub(super) fn refuse_older_than_backup(
        &self,
        location: &str,
        header: &codec::SnapshotHeader,
    ) -> Result<(), StateError> {
        let Some(backup) = self.existing_backup() else {
            return Ok(());
        };
        match read_header(&backup) {
            Some(b) if b.lineage == header.lineage && b.serial > header.serial => {
                Err(StateError::OlderThanBackup {
                    location: location.to_string(),
                    serial: header.serial,
                    backup,
                    backup_serial: b.serial,
                })
            }
            _ => Ok(()),
        }
    }

    /// Every file of this state: the snapshot, its backup, journal, lock and lock
    /// holder record. Nothing but this backend may write them.
    pub fn own_files(&self) -> Vec<PathBuf> {
        vec![
            self.path.clone(),
            self.backup_path(),
            self.journal_path(),
            self.lock_path(),
            self.lock_info_path(),
        ]
    }

    /// Makes the `.backup` the state again (`cardform state restore-backup`). The
    /// caller holds the lock ([`StateBackend::lock`]).
    ///
    /// # Guarantees
    /// The backup is read and checked before anything is written; a state file it
    /// replaces is first copied to `<state>.replaced-<time>` (returned); the state is
    /// replaced atomically; the backup itself is kept. A journal beside the state is
    /// kept and replayed by the next load (its records belong to the same lineage).
    ///
    /// # Errors
    /// [`StateError::Usage`] when there is no backup; [`StateError::Corrupt`] or
    /// [`StateError::UnsupportedVersion`] when the backup cannot be read; I/O errors.
    pub fn restore_backup(&self) -> Result<Restored, StateError> {
        let backup = self.backup_path();
        let bytes = match fs::read(&backup) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(StateError::Usage(cardform_i18n::tr!(
                    "err-state-no-backup",
                    backup = backup.display()
                )));
            }
            Err(e) => return Err(StateError::io("read", &backup, e)),
        };
        let (state, header) =
            codec::decode_snapshot_and_header(&bytes, &backup.display().to_string(), None)?;
        self.ensure_dir()?;
        self.remove_stale_temps();
        let replaced_copy = match self.read_optional(&self.path)? {
            Some(current) => {
                let copy = self.free_name(".replaced");
                self.write_atomic(&copy, &[&current])?;
                Some(copy)
            }
            None => None,
        };
        self.write_atomic(&self.path, &[&bytes])?;
        let journal_records = fs::metadata(self.journal_path())
            .map(|m| m.len() > 0)
            .unwrap_or(false);
        // Whatever this process knew of the files is out of date now.
        *self.cursor() = Cursor::default();
        Ok(Restored {
            serial: header.serial,
            resources: state.resources.len(),
            replaced_copy,
            journal_kept: journal_records,
        })
    }

    /// `<state><suffix>-<UTC seconds>[-n]`, a name no file has yet.
    fn free_name(&self, suffix: &str) -> PathBuf {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let mut n = 0u32;
        loop {
            let tail = if n == 0 {
                format!("{suffix}-{secs}")
            } else {
                format!("{suffix}-{secs}-{n}")
            };
            let p = self.sibling(&tail);
            if !p.exists() {
                return p;
            }
            n += 1;
        }
    }

    /// Removes temp files left by a crash mid-write (they are never read).
    pub(super) fn remove_stale_temps(&self) {
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        let names: Vec<String> = [&self.path, &self.backup_path(), &self.lock_info_path()]
            .iter()
            .filter_map(|p| {
                p.file_name()
                    .map(|n| format!(".{}.tmp-", n.to_string_lossy()))
            })
            .collect();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if names.iter().any(|prefix| name.starts_with(prefix)) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// What [`LocalBackend::restore_backup`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The serial of the restored state.
    pub serial: u64,
    /// How many cards it manages.
    pub resources: usize,
    /// Where the state it replaced was copied, if there was one.
    pub replaced_copy: Option<PathBuf>,
    /// A journal of an interrupted run was beside the state; the next load replays it.
    pub journal_kept: bool,
}

/// The header of the snapshot at `path`, from its first bytes when it was written by
/// this crate (a 100,000-card backup is not parsed in full on every load), else from
/// the whole file. `None` when it cannot be read.
pub(super) fn read_header(path: &Path) -> Option<codec::SnapshotHeader> {
    let mut prefix = Vec::with_capacity(4096);
    File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut prefix)
        .ok()?;
    codec::peek_header(&prefix).or_else(|| {
        let bytes = fs::read(path).ok()?;
        codec::decode_header(&bytes, "", None).ok()
    })
}

/// "serial 3, 2 card(s)" for messages about a backup, or why it cannot be read.
pub(super) fn describe_backup(path: &Path) -> String {
    let location = path.display().to_string();
    match fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| codec::decode_snapshot(&b, &location, None).map_err(|e| e.to_string()))
    {
        Ok(st) => cardform_i18n::tr!(
            "err-state-backup-detail",
            serial = st.serial,
            count = st.resources.len()
        ),
        Err(e) => cardform_i18n::tr!("err-state-backup-unreadable", error = e.to_string()),
    }
}
