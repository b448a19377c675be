//! The local backend: a JSON snapshot plus an append-only journal beside it.
//!
//! Files, for `state/cardform.state.json`:
//! - `cardform.state.json`: the snapshot, replaced atomically (temp file in the same
//!   folder, write, fsync, rename, fsync the folder);
//! - `cardform.state.json.backup`: the previous snapshot (kept when the content changed);
//! - `cardform.state.json.journal`: one JSON line per intent/outcome, each fsync'd
//!   before its writer goes on (writers waiting together share one fsync);
//! - `cardform.state.json.lock` (flock'd while a run holds it) and `.lock.info` (who).

mod files;
mod lock;

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use uuid::Uuid;

use super::backend::{Committed, Loaded, StateBackend};
use super::codec::{self, JournalLine, ParsedJournal, parse_journal};
use super::error::StateError;
use super::lock::{LockInfo, StateLock};
use super::model::{JournalRecord, STATE_FORMAT_VERSION, StateFile};
use super::replay::replay;

pub use files::Restored;
use files::describe_backup;

/// The local-file backend.
pub struct LocalBackend {
    path: PathBuf,
    cursor: Mutex<Cursor>,
    /// Group commit: the highest journal seq known durable; one fsync at a time (the
    /// gate), and whoever holds it syncs every record written so far.
    synced: AtomicU64,
    sync_gate: Mutex<()>,
    sync_failed: AtomicBool,
}

/// Where the journal stands, as of the last load/commit by this process.
#[derive(Default)]
struct Cursor {
    loaded: bool,
    lineage: Option<Uuid>,
    last_seq: u64,
    /// Cut the journal to this length before the next append (a torn tail, or records
    /// all folded into the snapshot already).
    truncate_to: Option<u64>,
    /// The last complete record lacks its newline (crash right before it was written).
    needs_newline: bool,
    file: Option<File>,
    /// The snapshot file as this process last read or wrote it, with its header. A
    /// commit whose file is still this one skips re-reading it (~107 MiB at 100,000
    /// cards); any other writer shows up as a different identity and is read.
    disk: Option<(FileIdentity, codec::SnapshotHeader)>,
}

/// Tells one version of the snapshot file from another. Every writer (this backend,
/// `state push`, a restore) puts a new file in place by rename, which changes the
/// inode; size and modification time catch an edit in place.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileIdentity {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    dev_ino: (u64, u64),
}

impl FileIdentity {
    fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        FileIdentity {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            dev_ino: (meta.dev(), meta.ino()),
        }
    }
}

impl LocalBackend {
    /// A backend for the snapshot at `path` (nothing is read or created yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LocalBackend {
            path: path.into(),
            cursor: Mutex::new(Cursor::default()),
            synced: AtomicU64::new(0),
            sync_gate: Mutex::new(()),
            sync_failed: AtomicBool::new(false),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    pub fn backup_path(&self) -> PathBuf {
        self.sibling(".backup")
    }

    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".journal")
    }

    pub fn lock_path(&self) -> PathBuf {
        self.sibling(".lock")
    }

    pub fn lock_info_path(&self) -> PathBuf {
        self.sibling(".lock.info")
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    fn existing_backup(&self) -> Option<PathBuf> {
        let b = self.backup_path();
        b.exists().then_some(b)
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn cursor(&self) -> std::sync::MutexGuard<'_, Cursor> {
        // A panic while holding the lock cannot leave the cursor half-updated in a way
        // that matters more than the panic itself; keep going with its data.
        self.cursor.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the snapshot and the identity of the very file read (one open handle, so
    /// a rename in between cannot pair one file's bytes with another's identity).
    fn read_snapshot(&self) -> Result<Option<(Vec<u8>, FileIdentity)>, StateError> {
        let path = &self.path;
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::io("read", path, e)),
        };
        let meta = file
            .metadata()
            .map_err(|e| StateError::io("read", path, e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .map_err(|e| StateError::io("read", path, e))?;
        Ok(Some((bytes, FileIdentity::of(&meta))))
    }

    fn snapshot_identity(&self) -> Result<Option<FileIdentity>, StateError> {
        match fs::metadata(&self.path) {
            Ok(m) => Ok(Some(FileIdentity::of(&m))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::io("read", &self.path, e)),
        }
    }

    fn read_optional(&self, path: &Path) -> Result<Option<Vec<u8>>, StateError> {
        match fs::read(path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::io("read", path, e)),
        }
    }
}

impl StateBackend for LocalBackend {
    fn load(&self) -> Result<Option<Loaded>, StateError> {
        let mut cursor = self.cursor();
        let location = self.location();
        let snapshot = match self.read_snapshot()? {
            Some((bytes, identity)) => {
                let (state, header) =
                    codec::decode_snapshot_and_header(&bytes, &location, self.existing_backup())?;
                self.refuse_older_than_backup(&location, &header)?;
                cursor.disk = Some((identity, header));
                Some(state)
            }
            None => {
                cursor.disk = None;
                None
            }
        };
        let journal_path = self.journal_path();
        let journal = match self.read_optional(&journal_path)? {
            Some(bytes) => parse_journal(&bytes, &journal_path, self.existing_backup())?,
            None => ParsedJournal {
                lines: Vec::new(),
                torn_at: None,
                needs_newline: false,
            },
        };
        let mut notices = Vec::new();
        if let Some(at) = journal.torn_at {
            notices.push(cardform_i18n::tr!(
                "err-state-torn-record",
                journal = journal_path.display()
            ));
            cursor.truncate_to = Some(at);
        } else {
            cursor.truncate_to = None;
        }
        cursor.needs_newline = journal.needs_newline;
        cursor.file = None;
        cursor.loaded = true;
        let Some(mut state) = snapshot else {
            if !journal.lines.is_empty() {
                return Err(StateError::JournalWithoutState { location });
            }
            if let Some(backup) = self.existing_backup() {
                // Starting a new state here would create every card again and, at the
                // next commit, overwrite the backup: the only record of their card_ids.
                cursor.loaded = false;
                return Err(StateError::MissingWithBackup {
                    location,
                    backup_detail: describe_backup(&backup),
                    backup,
                });
            }
            cursor.lineage = None;
            cursor.last_seq = 0;
            return Ok(None);
        };
        let report = replay(&mut state, journal.lines)?;
        if report.skipped > 0 && report.applied == 0 {
            // Everything in the journal is already in the snapshot.
            cursor.truncate_to = Some(0);
            cursor.needs_newline = false;
        }
        if report.skipped > 0 {
            notices.push(cardform_i18n::tr!(
                "err-state-skipped-records",
                count = report.skipped
            ));
        }
        cursor.lineage = Some(state.lineage);
        cursor.last_seq = report.last_seq.max(state.journal_seq);
        // What was read is on disk already.
        self.synced.store(cursor.last_seq, Ordering::SeqCst);
        Ok(Some(Loaded { state, notices }))
    }

    fn record(&self, record: &JournalRecord) -> Result<u64, StateError> {
        let seq = self.append(record)?;
        self.sync(seq)?;
        Ok(seq)
    }

    fn append(&self, record: &JournalRecord) -> Result<u64, StateError> {
        let mut cursor = self.cursor();
        let Some(lineage) = cursor.lineage else {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-nothing-loaded",
                location = self.location()
            )));
        };
        let path = self.journal_path();
        if cursor.file.is_none() {
            self.ensure_dir()?;
            let existed = path.exists();
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| StateError::io("open journal", &path, e))?;
            if !existed {
                self.sync_dir()?;
            }
            cursor.file = Some(f);
        }
        let seq = cursor.last_seq + 1;
        let line = codec::encode_journal_line(
            &JournalLine {
                seq,
                lineage,
                record: record.clone(),
            },
            &path.display().to_string(),
        )?;
        let truncate_to = cursor.truncate_to.take();
        let needs_newline = std::mem::take(&mut cursor.needs_newline);
        let Some(f) = cursor.file.as_mut() else {
            return Err(StateError::Usage("journal file not open".into()));
        };
        if let Some(len) = truncate_to {
            f.set_len(len)
                .map_err(|e| StateError::io("cut the torn tail of", &path, e))?;
        }
        if needs_newline {
            f.write_all(b"\n")
                .map_err(|e| StateError::io("append to", &path, e))?;
        }
        f.write_all(&line)
            .map_err(|e| StateError::io("append to", &path, e))?;
        cursor.last_seq = seq;
        Ok(seq)
    }

    fn sync(&self, seq: u64) -> Result<(), StateError> {
        let path = self.journal_path();
        let failed = || {
            StateError::io(
                "fsync",
                &path,
                std::io::Error::other(
                    "an earlier fsync of the journal failed in this run; stop and run again",
                ),
            )
        };
        if self.sync_failed.load(Ordering::SeqCst) {
            return Err(failed());
        }
        let _gate = self.sync_gate.lock().unwrap_or_else(|p| p.into_inner());
        if self.synced.load(Ordering::SeqCst) >= seq {
            // A sync that started after our write covered it.
            return Ok(());
        }
        if self.sync_failed.load(Ordering::SeqCst) {
            return Err(failed());
        }
        // Everything written up to `upto` is in the file before the fsync starts.
        let (handle, upto) = {
            let cursor = self.cursor();
            let handle = match cursor.file.as_ref() {
                Some(f) => Some(
                    f.try_clone()
                        .map_err(|e| StateError::io("reopen", &path, e))?,
                ),
                None => None,
            };
            (handle, cursor.last_seq)
        };
        if let Some(f) = handle
            && let Err(e) = f.sync_data()
        {
            self.sync_failed.store(true, Ordering::SeqCst);
            return Err(StateError::io("fsync", &path, e));
        }
        self.synced.fetch_max(upto, Ordering::SeqCst);
        Ok(())
    }

    fn commit(
        &self,
        state: &StateFile,
        expected_serial: Option<u64>,
    ) -> Result<Committed, StateError> {
        let mut cursor = self.cursor();
        let location = self.location();
        if !cursor.loaded {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-load-first",
                location = location
            )));
        }
        if cursor.lineage.is_some_and(|l| l != state.lineage) {
            return Err(StateError::LineageMismatch {
                location,
                ours: state.lineage,
                theirs: cursor.lineage.unwrap_or_default(),
            });
        }
        if state.journal_seq != cursor.last_seq {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-unfolded",
                folded = state.journal_seq,
                location = location,
                last = cursor.last_seq
            )));
        }
        // The header of the snapshot on disk now: the one this process read or wrote
        // if the file is still that one, else read again (another writer was here).
        let disk = match self.snapshot_identity()? {
            None => None,
            Some(now) => match &cursor.disk {
                Some((known, header)) if *known == now => Some(header.clone()),
                _ => match self.read_optional(&self.path)? {
                    Some(bytes) => Some(codec::decode_header(
                        &bytes,
                        &location,
                        self.existing_backup(),
                    )?),
                    None => None,
                },
            },
        };
        let encoded = codec::encode_snapshot(state, &location)?;
        let same_content = |h: &codec::SnapshotHeader| {
            h.content_hash.as_deref() == Some(encoded.content_hash.as_str())
        };
        if let Some(h) = &disk {
            if h.lineage != state.lineage {
                return Err(StateError::LineageMismatch {
                    location,
                    ours: state.lineage,
                    theirs: h.lineage,
                });
            }
            match expected_serial {
                Some(e) if h.serial != e => {
                    return Err(StateError::StaleSerial {
                        location,
                        expected: e,
                        found: h.serial,
                    });
                }
                // The same content is not "newer" (pulling twice writes nothing).
                None if h.serial > state.serial && !same_content(h) => {
                    return Err(StateError::NewerSerial {
                        location,
                        ours: state.serial,
                        found: h.serial,
                    });
                }
                _ => {}
            }
        }
        let changed = disk.as_ref().is_none_or(|h| !same_content(h));
        let disk_serial = disk.as_ref().map(|h| h.serial).unwrap_or(0);
        let serial = match (changed, expected_serial) {
            (false, _) => disk_serial,
            // A copy (`state push`/`pull`) keeps its serial when that is ahead.
            (true, None) => (disk_serial + 1).max(state.serial),
            (true, Some(_)) => disk_serial.max(state.serial) + 1,
        };
        let journal_seq = cursor.last_seq;
        let up_to_date = disk.as_ref().is_some_and(|h| h.journal_seq == journal_seq);
        if changed || !up_to_date {
            self.ensure_dir()?;
            self.remove_stale_temps();
            if changed && disk.is_some() {
                self.keep_backup()?;
            }
            let header = encoded.header(&state.lineage, serial, journal_seq);
            self.write_atomic(&self.path, &[&header, encoded.body()])?;
            cursor.disk = self.snapshot_identity()?.map(|identity| {
                let header = codec::SnapshotHeader {
                    version: STATE_FORMAT_VERSION,
                    lineage: state.lineage,
                    serial,
                    journal_seq,
                    content_hash: Some(encoded.content_hash.clone()),
                };
                (identity, header)
            });
        }
        // Only now may the journal go: a crash before this point leaves records that
        // the snapshot's journal_seq makes replay skip.
        let journal_path = self.journal_path();
        let cut = match cursor.file.as_mut() {
            Some(f) => f.set_len(0).and_then(|()| f.sync_data()),
            None => match OpenOptions::new().write(true).open(&journal_path) {
                Ok(f) => f.set_len(0).and_then(|()| f.sync_data()),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e),
            },
        };
        cut.map_err(|e| StateError::io("truncate journal", &journal_path, e))?;
        // Every record so far is in the snapshot just written.
        self.synced.fetch_max(journal_seq, Ordering::SeqCst);
        cursor.truncate_to = None;
        cursor.needs_newline = false;
        cursor.lineage = Some(state.lineage);
        Ok(Committed {
            serial,
            journal_seq,
            content_changed: changed,
        })
    }

    fn lock(&self, info: LockInfo, timeout: Option<Duration>) -> Result<StateLock, StateError> {
        self.take_lock(info, timeout)
    }

    fn force_unlock(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        self.release_dead_lock(lock_id)
    }

    fn distrust_stored_hash(&self) {
        if let Some((_, header)) = self.cursor().disk.as_mut() {
            header.content_hash = None;
        }
    }

    fn describe(&self) -> String {
        self.location()
    }
}
