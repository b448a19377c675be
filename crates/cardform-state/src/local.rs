//! The local backend: a JSON snapshot plus an append-only journal beside it.
//!
//! Files, for `state/cardform.state.json`:
//! - `cardform.state.json`: the snapshot, replaced atomically (temp file in the same
//!   folder, write, fsync, rename, fsync the folder);
//! - `cardform.state.json.backup`: the previous snapshot (kept when the content changed);
//! - `cardform.state.json.journal`: one JSON line per intent/outcome, each fsync'd
//!   before its writer goes on (writers waiting together share one fsync);
//! - `cardform.state.json.lock` (flock'd while a run holds it) and `.lock.info` (who).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::backend::{Committed, Loaded, StateBackend};
use super::codec::{self, JournalLine};
use super::error::StateError;
use super::lock::{LockInfo, LockRelease, StateLock};
use super::model::{JournalRecord, STATE_FORMAT_VERSION, StateFile};
use super::replay::replay;

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

    fn sync_dir(&self) -> Result<(), StateError> {
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

    fn ensure_dir(&self) -> Result<(), StateError> {
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| StateError::io("create folder", &dir, e))
    }

    /// Writes `parts` to `target` atomically: temp file in the same folder, fsync,
    /// rename over `target`, fsync the folder.
    fn write_atomic(&self, target: &Path, parts: &[&[u8]]) -> Result<(), StateError> {
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
    fn keep_backup(&self) -> Result<(), StateError> {
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
    fn refuse_older_than_backup(
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
                return Err(StateError::Usage(format!(
                    "there is no backup {} to restore (a backup is kept from the second save of a state on)",
                    backup.display()
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
    fn remove_stale_temps(&self) {
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
fn read_header(path: &Path) -> Option<codec::SnapshotHeader> {
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
fn describe_backup(path: &Path) -> String {
    let location = path.display().to_string();
    match fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| codec::decode_snapshot(&b, &location, None).map_err(|e| e.to_string()))
    {
        Ok(st) => format!("serial {}, {} card(s)", st.serial, st.resources.len()),
        Err(e) => format!("it cannot be read: {e}"),
    }
}

/// Parses the journal bytes into lines, tolerating a torn last line.
struct ParsedJournal {
    lines: Vec<(JournalLine, String)>,
    /// Byte length of the valid prefix when the tail was torn.
    torn_at: Option<u64>,
    needs_newline: bool,
}

fn parse_journal(
    bytes: &[u8],
    path: &Path,
    backup: Option<PathBuf>,
) -> Result<ParsedJournal, StateError> {
    let mut out = ParsedJournal {
        lines: Vec::new(),
        torn_at: None,
        needs_newline: false,
    };
    let mut offset = 0usize;
    let mut line_no = 0usize;
    while offset < bytes.len() {
        line_no += 1;
        let rest = &bytes[offset..];
        let (line, complete, next) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], true, offset + i + 1),
            None => (rest, false, bytes.len()),
        };
        let place = format!("{} line {line_no}", path.display());
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            if !complete {
                // Trailing whitespace/NULs from an interrupted append.
                if !line.is_empty() {
                    out.torn_at = Some(offset as u64);
                }
                break;
            }
            offset = next;
            continue;
        }
        match serde_json::from_slice::<JournalLine>(line) {
            Ok(l) => {
                out.lines.push((l, place));
                if !complete {
                    out.needs_newline = true;
                }
            }
            Err(_) if !complete => {
                out.torn_at = Some(offset as u64);
                break;
            }
            Err(e) => {
                return Err(StateError::Corrupt {
                    location: place,
                    detail: format!(
                        "a journal record in the middle of the journal is damaged ({e}); the journal holds the operations since the last snapshot, so it cannot be skipped safely"
                    ),
                    backup,
                });
            }
        }
        offset = next;
    }
    Ok(out)
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
            notices.push(format!(
                "the last record of {} was cut short (a run stopped while writing it) and was ignored; the operation it described had not been started",
                journal_path.display()
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
            notices.push(format!(
                "{} journal record(s) were already part of the snapshot (an earlier run stopped while saving) and were not applied again",
                report.skipped
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
            return Err(StateError::Usage(format!(
                "no state loaded or committed for {} before recording an operation (commit an initial state first)",
                self.location()
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
            return Err(StateError::Usage(format!(
                "load {location} before committing to it"
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
            return Err(StateError::Usage(format!(
                "the state being committed has folded journal records up to {} but the journal of {location} has records up to {}; apply every recorded change before committing",
                state.journal_seq, cursor.last_seq
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
        let file = self.open_lock_file()?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) => {
                    let waited = start.elapsed();
                    if timeout.is_none_or(|t| waited >= t) {
                        let waited = timeout.map(|_| waited);
                        return Err(match self.read_lock_info() {
                            Some(holder) => StateError::Locked {
                                location: self.location(),
                                holder: Box::new(holder),
                                waited,
                            },
                            None => StateError::LockedUnknown {
                                location: self.location(),
                                waited,
                            },
                        });
                    }
                    let left = timeout.unwrap_or_default().saturating_sub(waited);
                    std::thread::sleep(pause.min(left));
                    pause = (pause * 2).min(Duration::from_millis(250));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(StateError::io("lock", self.lock_path(), e));
                }
            }
        }
        // We hold the flock, so any holder record left is from a process that died.
        let replaced_stale = self.read_lock_info();
        let bytes = serde_json::to_vec_pretty(&info).map_err(|e| StateError::Encode {
            location: self.lock_info_path().display().to_string(),
            detail: e.to_string(),
        })?;
        self.write_atomic(&self.lock_info_path(), &[&bytes])?;
        let guard = LocalLockGuard {
            file: Some(file),
            info_path: self.lock_info_path(),
            id: info.id.clone(),
        };
        Ok(StateLock::new(info, replaced_stale, Box::new(guard)))
    }

    fn force_unlock(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        let location = self.location();
        let holder = self.read_lock_info();
        let Some(holder) = holder else {
            return Err(StateError::NotLocked {
                location,
                given: lock_id.to_string(),
            });
        };
        if holder.id != lock_id {
            return Err(StateError::LockIdMismatch {
                location,
                given: lock_id.to_string(),
                holder: Box::new(holder),
            });
        }
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

    fn describe(&self) -> String {
        self.location()
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
