//! The push-event log: an append-only, deduplicated, bounded record of what WeChat
//! pushed (`cardform events serve` writes it, `events list`, `status` and
//! `apply --wait-for-review` read it). It lives in the state backend: beside the local
//! state file as JSON lines, or in PostgreSQL's `cardform_events` table.
//!
//! - Durable: [`EventLog::append`] returns after the line is fsynced (or the row
//!   committed), so the receiver answers `success` only for what is on disk.
//! - Idempotent: a record whose `key` is already in the log is not stored again.
//! - Bounded: the local log rotates by size ([`LocalEventLog::MAX_SEGMENT_BYTES`] per
//!   segment, the active file and [`LocalEventLog::KEPT_SEGMENTS`] older ones,
//!   `cardform.events.jsonl.1` the newest of those); PostgreSQL keeps the newest
//!   [`KEPT_ROWS`] rows per state.
//!
//! The record knows nothing of WeChat beyond names: the receiver fills it.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::error::StateError;
use super::location::{is_postgres_url, local_state_path};

/// Rows kept per state in PostgreSQL.
pub const KEPT_ROWS: i64 = 200_000;

/// One stored event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// What makes two deliveries the same event.
    pub key: String,
    /// When the receiver stored it (RFC 3339, UTC) and as Unix milliseconds.
    pub received_at: String,
    pub received_ms: i64,
    /// The event's name (`card_not_pass_check`, `component_verify_ticket`, …).
    pub event: String,
    /// The card (or sub-merchant, or authorizer) it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The message's CreateTime (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// `plain` or `encrypted`.
    pub mode: String,
    /// Every element of the message, by name.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The message as it came (decrypted when it was encrypted).
    pub xml: String,
}

impl EventRecord {
    /// A field's value as text.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(serde_json::Value::as_str)
    }
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    Stored,
    /// The key was already in the log; nothing was written.
    Duplicate,
}

/// Where events are kept.
pub trait EventLog: Send + Sync {
    /// Stores `record` durably unless its key is already stored.
    ///
    /// # Errors
    /// The write or its fsync failed (nothing may be answered `success` then).
    fn append(&self, record: &EventRecord) -> Result<Appended, StateError>;

    /// Every kept record, oldest first.
    ///
    /// # Errors
    /// The log cannot be read.
    fn list(&self) -> Result<Vec<EventRecord>, StateError>;

    /// The records stored after `cursor` (0: from the start of what a poll can see),
    /// advancing it; cheap enough to call every few tens of milliseconds.
    ///
    /// # Errors
    /// The log cannot be read.
    fn poll(&self, cursor: &mut u64) -> Result<Vec<EventRecord>, StateError>;

    /// Where the log is, for messages (no credentials).
    fn describe(&self) -> String;
}

/// The event-log file beside a local state file: `cardform.state.json` →
/// `cardform.events.jsonl` in the same folder.
pub fn events_path_for(state_path: &Path) -> PathBuf {
    let name = state_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("cardform.state.json");
    let stem = name
        .strip_suffix(".state.json")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name);
    state_path.with_file_name(format!("{stem}.events.jsonl"))
}

/// Opens the event log of the state named by cardform.toml's `state` setting.
///
/// # Errors
/// As [`crate::open_backend`]: an unknown backend, PostgreSQL unreachable.
pub fn open_event_log(
    project_root: &Path,
    state_setting: Option<&str>,
) -> Result<Box<dyn EventLog>, StateError> {
    match state_setting.map(str::trim) {
        Some(s) if is_postgres_url(s) => Ok(Box::new(super::postgres::PgEventLog::open(s)?)),
        other => match local_state_path(project_root, other) {
            Some(p) => Ok(Box::new(LocalEventLog::open(events_path_for(&p))?)),
            None => Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-no-event-log"
            ))),
        },
    }
}

/// The local event log: JSON lines, rotated by size.
pub struct LocalEventLog {
    path: PathBuf,
    max_bytes: u64,
    kept: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    keys: HashSet<String>,
    /// Bytes in the active file, when known.
    size: Option<u64>,
    /// How far `keys` has read the active file: another writer (a second receiver on
    /// the same log) may have appended since, and its keys are read from here on.
    known: u64,
}

impl LocalEventLog {
    /// A segment rotates once it would grow past this.
    pub const MAX_SEGMENT_BYTES: u64 = 16 * 1024 * 1024;
    /// Older segments kept beside the active file.
    pub const KEPT_SEGMENTS: usize = 4;

    /// Opens (without creating) the log at `path`, with the default bounds.
    ///
    /// # Errors
    /// A kept segment exists but cannot be read.
    pub fn open(path: PathBuf) -> Result<LocalEventLog, StateError> {
        Self::with_bounds(path, Self::MAX_SEGMENT_BYTES, Self::KEPT_SEGMENTS)
    }

    /// As [`Self::open`] with other bounds (tests).
    ///
    /// # Errors
    /// As [`Self::open`].
    pub fn with_bounds(
        path: PathBuf,
        max_bytes: u64,
        kept: usize,
    ) -> Result<LocalEventLog, StateError> {
        let log = LocalEventLog {
            path,
            max_bytes: max_bytes.max(1),
            kept,
            inner: Mutex::new(Inner {
                keys: HashSet::new(),
                size: None,
                known: 0,
            }),
        };
        // The length first: what is appended between it and the listing is read
        // again by the next catch-up, which only re-inserts keys.
        let known = std::fs::metadata(&log.path).map(|m| m.len()).unwrap_or(0);
        let keys: HashSet<String> = log.list()?.into_iter().map(|r| r.key).collect();
        let mut inner = log.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.keys = keys;
        inner.known = known;
        drop(inner);
        Ok(log)
    }

    /// The active file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn segment(&self, n: usize) -> PathBuf {
        if n == 0 {
            self.path.clone()
        } else {
            let mut s = self.path.as_os_str().to_owned();
            s.push(format!(".{n}"));
            PathBuf::from(s)
        }
    }

    fn sync_dir(&self) -> Result<(), StateError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Directories cannot be fsynced everywhere; where they can, the rename or
            // the new file's entry must be durable too.
            if let Ok(d) = File::open(dir) {
                d.sync_all().map_err(|e| StateError::io("fsync", dir, e))?;
            }
        }
        Ok(())
    }

    fn rotate(&self) -> Result<(), StateError> {
        if self.kept == 0 {
            std::fs::remove_file(&self.path)
                .map_err(|e| StateError::io("remove", &self.path, e))?;
            return self.sync_dir();
        }
        let oldest = self.segment(self.kept);
        if oldest.exists() {
            std::fs::remove_file(&oldest).map_err(|e| StateError::io("remove", &oldest, e))?;
        }
        for n in (0..self.kept).rev() {
            let from = self.segment(n);
            if from.exists() {
                let to = self.segment(n + 1);
                std::fs::rename(&from, &to).map_err(|e| StateError::io("rename", &from, e))?;
            }
        }
        self.sync_dir()
    }

    /// The lock every writer of this log holds while it appends (a file of its own
    /// beside the log, so rotation never renames it).
    fn lock_file(&self) -> Result<File, StateError> {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StateError::io("create", dir, e))?;
        }
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StateError::io("open", &path, e))?;
        f.lock().map_err(|e| StateError::io("lock", &path, e))?;
        Ok(f)
    }

    /// Reads the keys other writers appended since this one last looked (under the
    /// lock): from `known` on in the active file, and when the file rotated since,
    /// the rest of what is now `.1` too.
    fn catch_up(&self, inner: &mut Inner) -> Result<(), StateError> {
        let len = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if len == inner.known && inner.size.is_none_or(|s| s == len) {
            return Ok(());
        }
        let mut found = Vec::new();
        if len < inner.known {
            Self::read_segment(&self.segment(1), inner.known, &mut found)?;
            inner.known = 0;
        }
        inner.known = Self::read_segment(&self.path, inner.known, &mut found)?;
        inner.keys.extend(found.into_iter().map(|r| r.key));
        // Measured again by the append, which also ends a line the other writer tore.
        inner.size = None;
        Ok(())
    }

    fn read_segment(path: &Path, from: u64, out: &mut Vec<EventRecord>) -> Result<u64, StateError> {
        let mut f = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(StateError::io("read", path, e)),
        };
        let len = f
            .metadata()
            .map_err(|e| StateError::io("read", path, e))?
            .len();
        let start = if from > len { 0 } else { from };
        f.seek(SeekFrom::Start(start))
            .map_err(|e| StateError::io("read", path, e))?;
        let mut reader = BufReader::new(f);
        let mut pos = start;
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| StateError::io("read", path, e))?;
            if n == 0 || !line.ends_with('\n') {
                // The end, or a line still being written: read it next time.
                break;
            }
            pos += n as u64;
            // A line that is not a record (a torn write from a crash) is skipped.
            if let Ok(r) = serde_json::from_str::<EventRecord>(line.trim_end()) {
                out.push(r);
            }
        }
        Ok(pos)
    }
}

impl EventLog for LocalEventLog {
    fn append(&self, record: &EventRecord) -> Result<Appended, StateError> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // Another receiver may write this log too (two behind one proxy, or an old
        // one still running): appends take turns, each first reading what the others
        // stored, so a retry that reached the other one is stored once.
        let _turn = self.lock_file()?;
        self.catch_up(&mut inner)?;
        if inner.keys.contains(&record.key) {
            return Ok(Appended::Duplicate);
        }
        let mut line = serde_json::to_string(record).map_err(|e| StateError::Backend {
            location: self.describe(),
            detail: format!("cannot encode an event: {e}"),
        })?;
        line.push('\n');
        let size = match inner.size {
            Some(s) => s,
            None => std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0),
        };
        let mut size = size;
        if size > 0 && size + line.len() as u64 > self.max_bytes {
            self.rotate()?;
            size = 0;
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StateError::io("create", dir, e))?;
        }
        let created = size == 0 && !self.path.exists();
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| StateError::io("open", &self.path, e))?;
        if inner.size.is_none() && size > 0 && !ends_with_newline(&self.path) {
            // A crash tore the last line: end it, so this record starts a line of its own.
            line.insert(0, '\n');
        }
        f.write_all(line.as_bytes())
            .map_err(|e| StateError::io("write", &self.path, e))?;
        f.sync_data()
            .map_err(|e| StateError::io("fsync", &self.path, e))?;
        if created {
            self.sync_dir()?;
        }
        inner.size = Some(size + line.len() as u64);
        inner.known = size + line.len() as u64;
        inner.keys.insert(record.key.clone());
        Ok(Appended::Stored)
    }

    fn list(&self) -> Result<Vec<EventRecord>, StateError> {
        let mut out = Vec::new();
        for n in (0..=self.kept).rev() {
            Self::read_segment(&self.segment(n), 0, &mut out)?;
        }
        Ok(out)
    }

    fn poll(&self, cursor: &mut u64) -> Result<Vec<EventRecord>, StateError> {
        // A cursor past the active file's end means it rotated: start it over (the
        // few records between the last poll and the rotation are in `.1`).
        let mut out = Vec::new();
        let len = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if *cursor > len {
            let mut rotated = Vec::new();
            Self::read_segment(&self.segment(1), *cursor, &mut rotated)?;
            out.extend(rotated);
            *cursor = 0;
        }
        *cursor = Self::read_segment(&self.path, *cursor, &mut out)?;
        Ok(out)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

fn ends_with_newline(path: &Path) -> bool {
    use std::io::Read;
    let Ok(mut f) = File::open(path) else {
        return true;
    };
    if f.seek(SeekFrom::End(-1)).is_err() {
        return true;
    }
    let mut b = [0u8; 1];
    f.read_exact(&mut b).is_ok() && b[0] == b'\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(key: &str) -> EventRecord {
        EventRecord {
            key: key.into(),
            received_at: "2026-12-07T00:00:00Z".into(),
            received_ms: 1,
            event: "card_pass_check".into(),
            subject: Some("c".into()),
            code: None,
            create_time: Some(1),
            mode: "plain".into(),
            fields: serde_json::Map::new(),
            xml: "<xml/>".into(),
        }
    }

    #[test]
    fn stores_once_rotates_and_polls() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state").join("cardform.events.jsonl");
        let log = LocalEventLog::with_bounds(path.clone(), 600, 2).expect("opens");
        assert_eq!(log.append(&rec("a")).expect("a"), Appended::Stored);
        assert_eq!(log.append(&rec("a")).expect("a again"), Appended::Duplicate);
        let mut cursor = 0;
        assert_eq!(log.poll(&mut cursor).expect("poll").len(), 1);
        assert!(log.poll(&mut cursor).expect("poll").is_empty());
        for i in 0..20 {
            log.append(&rec(&format!("k{i}"))).expect("append");
        }
        // Bounded: the active file and two older segments, each under the limit.
        assert!(path.exists() && log.segment(1).exists() && log.segment(2).exists());
        assert!(!log.segment(3).exists());
        for n in 0..=2 {
            assert!(std::fs::metadata(log.segment(n)).expect("meta").len() <= 600);
        }
        let kept = log.list().expect("list");
        assert!(kept.len() < 21 && kept.last().map(|r| r.key.as_str()) == Some("k19"));
        // A reopened log still knows the kept keys.
        let again = LocalEventLog::with_bounds(path, 600, 2).expect("reopens");
        assert_eq!(again.append(&rec("k19")).expect("dup"), Appended::Duplicate);
    }

    #[test]
    fn a_torn_last_line_is_not_read_and_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cardform.events.jsonl");
        let log = LocalEventLog::open(path.clone()).expect("opens");
        log.append(&rec("a")).expect("a");
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(b"{\"key\":\"b\",").expect("torn");
        assert_eq!(log.list().expect("list").len(), 1);
        // The next writer (a restarted receiver) ends the torn line first.
        let again = LocalEventLog::open(path).expect("reopens");
        again.append(&rec("c")).expect("c");
        let keys: Vec<String> = again
            .list()
            .expect("list")
            .into_iter()
            .map(|r| r.key)
            .collect();
        assert_eq!(keys, ["a", "c"]);
    }

    #[test]
    fn path_beside_the_state() {
        assert_eq!(
            events_path_for(Path::new("p/state/cardform.state.json")),
            PathBuf::from("p/state/cardform.events.jsonl")
        );
        assert_eq!(
            events_path_for(Path::new("s/prod.json")),
            PathBuf::from("s/prod.events.jsonl")
        );
    }
}
