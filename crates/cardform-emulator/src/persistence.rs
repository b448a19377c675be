//! Durability: an append-only journal plus an atomically written snapshot.
//!
//! - `<data>` is the snapshot: the whole world as one JSON document, written to a
//!   temporary file in the same folder, fsynced and renamed over the old one, so it
//!   is never half-written.
//! - `<data>.journal` holds one JSON line per mutation, appended (one `write`) before
//!   the response is sent. The kernel keeps it across a `kill -9` of the emulator;
//!   fsync is skipped for speed (power loss may lose the newest lines).
//! - Each line is a whole record (a card, a code…), so replaying is an upsert and
//!   replaying a line twice is harmless: a crash between the snapshot rename and the
//!   journal truncation loses nothing.
//! - A half-written last line (a crash mid-append) is ignored on load.
//! - `<data>.lock` is held while the emulator runs, so two emulators never share data.
//!
//! Compaction happens at start-up, at shutdown, and when the journal outgrows the
//! snapshot (at least [`MIN_COMPACT_BYTES`]).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::error::EmulatorError;
use super::records::{
    CardRecord, CodeRecord, CoinState, DayStat, MemberRecord, PayGiftRule, SpecialCardRecord,
    StoreRecord, TicketRecord, Whitelist,
};

/// Snapshot format marker.
pub const FORMAT: &str = "cardform-emulator";
/// Snapshot format version.
pub const VERSION: u32 = 1;
/// The journal is compacted once it is larger than the snapshot and at least this big.
pub const MIN_COMPACT_BYTES: u64 = 16 * 1024 * 1024;
/// How long start-up waits for another emulator to release the data file.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// One journal line: a whole record that replaces the one with the same key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Entry {
    Card(CardRecord),
    Code(CodeRecord),
    Coin(CoinState),
    Whitelist(Whitelist),
    Stat(DayStat),
    SpecialCard(SpecialCardRecord),
    Member(MemberRecord),
    Ticket(TicketRecord),
    Store(StoreRecord),
    PayGift(PayGiftRule),
    SubMerchant(crate::submerchant::SubMerchantRecord),
    Media(crate::submerchant::MediaRecord),
}

/// The snapshot as read.
#[derive(Debug, Default, Deserialize)]
pub struct Snapshot {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub cards: Vec<CardRecord>,
    #[serde(default)]
    pub codes: Vec<CodeRecord>,
    #[serde(default)]
    pub coin: CoinState,
    #[serde(default)]
    pub whitelist: Whitelist,
    #[serde(default)]
    pub stats: Vec<DayStat>,
    // The fields below came later: snapshots written before them read as empty.
    #[serde(default)]
    pub special_cards: Vec<SpecialCardRecord>,
    #[serde(default)]
    pub members: Vec<MemberRecord>,
    #[serde(default)]
    pub tickets: Vec<TicketRecord>,
    #[serde(default)]
    pub stores: Vec<StoreRecord>,
    #[serde(default)]
    pub pay_gift_rules: Vec<PayGiftRule>,
    #[serde(default)]
    pub sub_merchants: Vec<crate::submerchant::SubMerchantRecord>,
    #[serde(default)]
    pub media: Vec<crate::submerchant::MediaRecord>,
}

/// The snapshot as written (borrowing the world).
#[derive(Serialize)]
pub struct SnapshotRef<'a> {
    pub cards: Vec<&'a CardRecord>,
    pub codes: Vec<&'a CodeRecord>,
    pub coin: &'a CoinState,
    pub whitelist: &'a Whitelist,
    pub stats: Vec<&'a DayStat>,
    pub special_cards: Vec<&'a SpecialCardRecord>,
    pub members: Vec<&'a MemberRecord>,
    pub tickets: Vec<&'a TicketRecord>,
    pub stores: Vec<&'a StoreRecord>,
    pub pay_gift_rules: Vec<&'a PayGiftRule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_merchants: Vec<&'a crate::submerchant::SubMerchantRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<&'a crate::submerchant::MediaRecord>,
}

impl<'a> SnapshotRef<'a> {
    /// A snapshot of an empty world but for the coin and the whitelist.
    pub fn empty(coin: &'a CoinState, whitelist: &'a Whitelist) -> SnapshotRef<'a> {
        SnapshotRef {
            cards: Vec::new(),
            codes: Vec::new(),
            coin,
            whitelist,
            stats: Vec::new(),
            special_cards: Vec::new(),
            members: Vec::new(),
            tickets: Vec::new(),
            stores: Vec::new(),
            pay_gift_rules: Vec::new(),
            sub_merchants: Vec::new(),
            media: Vec::new(),
        }
    }
}

/// The open data files.
pub struct Store {
    path: PathBuf,
    journal_path: PathBuf,
    journal: File,
    journal_bytes: u64,
    snapshot_bytes: u64,
    snapshot_exists: bool,
    // Held for the emulator's lifetime; the OS releases it if the process dies.
    _lock: File,
}

fn data_err(path: &Path, message: impl Into<String>) -> EmulatorError {
    EmulatorError::Data {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

impl Store {
    /// Locks and loads `path` (a missing file is an empty world).
    ///
    /// # Errors
    /// The lock is held by another emulator, or a file is unreadable or not an
    /// emulator snapshot.
    pub fn open(path: &Path) -> Result<(Store, Snapshot, Vec<Entry>), EmulatorError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| data_err(path, format!("cannot create its folder: {e}")))?;
        }
        let lock_path = sibling(path, ".lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| data_err(&lock_path, format!("cannot open the lock file: {e}")))?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(EmulatorError::Locked {
                        path: path.to_path_buf(),
                        lock: lock_path,
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(data_err(&lock_path, format!("cannot lock: {e}")));
                }
            }
        }

        let snapshot_exists = path.exists();
        let (snapshot, snapshot_bytes) = match File::open(path) {
            Ok(f) => {
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                let snap: Snapshot = serde_json::from_reader(BufReader::new(f)).map_err(|e| {
                    data_err(
                        path,
                        format!(
                            "not a readable emulator snapshot ({e}); move it away to start an empty world"
                        ),
                    )
                })?;
                if snap.format != FORMAT || snap.version != VERSION {
                    return Err(data_err(
                        path,
                        format!(
                            "format `{}` version {} is not {FORMAT} version {VERSION}",
                            snap.format, snap.version
                        ),
                    ));
                }
                (snap, len)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
                Snapshot {
                    format: FORMAT.into(),
                    version: VERSION,
                    ..Snapshot::default()
                },
                0,
            ),
            Err(e) => return Err(data_err(path, format!("cannot read: {e}"))),
        };

        let journal_path = sibling(path, ".journal");
        let mut entries = Vec::new();
        match File::open(&journal_path) {
            Ok(f) => {
                for (n, line) in BufReader::new(f).lines().enumerate() {
                    let line = line.map_err(|e| {
                        data_err(&journal_path, format!("cannot read line {}: {e}", n + 1))
                    })?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str::<Entry>(&line) {
                        Ok(entry) => entries.push(entry),
                        // A line cut short by a crash mid-write: it was never answered.
                        Err(e) => eprintln!(
                            "{}",
                            cardform_i18n::tr!(
                                "emu-journal-line",
                                line = n + 1,
                                path = journal_path.display(),
                                error = e.to_string()
                            )
                        ),
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(data_err(&journal_path, format!("cannot read: {e}"))),
        }
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_path)
            .map_err(|e| data_err(&journal_path, format!("cannot open for append: {e}")))?;
        let journal_bytes = journal.metadata().map(|m| m.len()).unwrap_or(0);
        Ok((
            Store {
                path: path.to_path_buf(),
                journal_path,
                journal,
                journal_bytes,
                snapshot_bytes,
                snapshot_exists,
                _lock: lock,
            },
            snapshot,
            entries,
        ))
    }

    /// Appends one line per entry in a single `write` call, so a crash leaves whole
    /// lines or a cut last line (ignored on load), never interleaved lines.
    ///
    /// # Errors
    /// The write failed (disk full, file removed…).
    pub fn append(&mut self, entries: &[Entry]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for entry in entries {
            serde_json::to_writer(&mut buf, entry).map_err(std::io::Error::other)?;
            buf.push(b'\n');
        }
        self.journal.write_all(&buf)?;
        self.journal_bytes += buf.len() as u64;
        Ok(())
    }

    /// Whether a snapshot file existed when the store was opened.
    pub fn snapshot_existed(&self) -> bool {
        self.snapshot_exists
    }

    /// Whether the snapshot on disk already holds everything (nothing was journaled
    /// since it was written): a run that only read needs no new snapshot.
    pub fn is_clean(&self) -> bool {
        self.snapshot_exists && self.journal_bytes == 0
    }

    /// Whether the journal has grown enough to be folded into the snapshot.
    pub fn should_compact(&self) -> bool {
        self.journal_bytes > MIN_COMPACT_BYTES.max(self.snapshot_bytes)
    }

    /// Writes `view` as the new snapshot (temp file, fsync, rename) and empties the
    /// journal.
    ///
    /// # Errors
    /// Writing or renaming failed; the old snapshot and the journal are untouched.
    pub fn compact(&mut self, view: &SnapshotRef<'_>) -> Result<(), EmulatorError> {
        #[derive(Serialize)]
        struct Doc<'a, 'b> {
            format: &'static str,
            version: u32,
            #[serde(flatten)]
            view: &'b SnapshotRef<'a>,
        }
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| data_err(&self.path, format!("cannot create a temporary file: {e}")))?;
        {
            let mut w = BufWriter::new(tmp.as_file());
            serde_json::to_writer(
                &mut w,
                &Doc {
                    format: FORMAT,
                    version: VERSION,
                    view,
                },
            )
            .map_err(|e| data_err(&self.path, format!("cannot write the snapshot: {e}")))?;
            w.flush()
                .map_err(|e| data_err(&self.path, format!("cannot write the snapshot: {e}")))?;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| data_err(&self.path, format!("cannot sync the snapshot: {e}")))?;
        let len = tmp.as_file().metadata().map(|m| m.len()).unwrap_or(0);
        tmp.persist(&self.path)
            .map_err(|e| data_err(&self.path, format!("cannot replace the snapshot: {e}")))?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        self.snapshot_bytes = len;
        self.snapshot_exists = true;
        self.journal
            .set_len(0)
            .map_err(|e| data_err(&self.journal_path, format!("cannot truncate: {e}")))?;
        self.journal_bytes = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Entry {
        Entry::Whitelist(Whitelist {
            openid: (0..n).map(|i| format!("o{i}")).collect(),
            username: Vec::new(),
        })
    }

    #[test]
    fn a_store_is_clean_only_when_its_snapshot_holds_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.json");
        let (mut store, _, _) = Store::open(&path).unwrap();
        assert!(!store.is_clean(), "no snapshot yet");
        let wl = Whitelist::default();
        let coin = Default::default();
        let view = || SnapshotRef::empty(&coin, &wl);
        store.compact(&view()).unwrap();
        assert!(store.is_clean());
        store.append(&[list(1)]).unwrap();
        assert!(!store.is_clean(), "a journaled mutation");
        store.compact(&view()).unwrap();
        drop(store);
        let (store, _, _) = Store::open(&path).unwrap();
        assert!(store.is_clean(), "reopened: snapshot and an empty journal");
    }

    #[test]
    fn a_cut_last_line_is_ignored_and_compaction_empties_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.json");
        {
            let (mut store, snap, entries) = Store::open(&path).unwrap();
            assert!(snap.cards.is_empty() && entries.is_empty());
            store.append(&[list(1), list(2)]).unwrap();
        }
        // A crash in the middle of a write.
        let journal = sibling(&path, ".journal");
        let mut f = OpenOptions::new().append(true).open(&journal).unwrap();
        f.write_all(br#"{"kind":"whitelist","record":{"openid":["o"#)
            .unwrap();
        drop(f);
        let (mut store, _, entries) = Store::open(&path).unwrap();
        assert_eq!(entries.len(), 2);
        let wl = Whitelist::default();
        let coin = Default::default();
        store.compact(&SnapshotRef::empty(&coin, &wl)).unwrap();
        assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
        drop(store);
        let (_, snap, entries) = Store::open(&path).unwrap();
        assert_eq!(snap.format, FORMAT);
        assert!(entries.is_empty());
    }

    #[test]
    fn a_snapshot_written_before_stores_and_member_cards_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.json");
        std::fs::write(
            &path,
            r#"{"format":"cardform-emulator","version":1,"cards":[],"codes":[],"coin":{"activated":false,"free_coin":0,"pay_coin":0},"whitelist":{"openid":[],"username":[]},"stats":[]}"#,
        )
        .unwrap();
        let (_, snap, _) = Store::open(&path).unwrap();
        assert!(snap.stores.is_empty() && snap.special_cards.is_empty());
        assert!(snap.members.is_empty() && snap.pay_gift_rules.is_empty());
    }

    #[test]
    fn a_foreign_file_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.json");
        std::fs::write(&path, "{\"format\":\"other\",\"version\":1}").unwrap();
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("cardform-emulator"), "{err}");
        std::fs::write(&path, "not json").unwrap();
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("move it away"), "{err}");
    }
}
