//! [`StateBackend`]: where a state lives, and what loading and committing it report.
//! The local file and PostgreSQL implement it; the session drives it.

use std::time::Duration;

use super::error::StateError;
use super::lock::{LockInfo, StateLock};
use super::model::{Change, JournalRecord, PendingOperation, StateFile};

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

    /// Makes the next [`Self::commit`] store the state even when its content hash
    /// equals the stored one. The stored hash is a claim of the snapshot's header, and
    /// a hand edit does not update it: a repair (`state rm`) that undoes a hand-added
    /// entry gives back the content the stale hash claims, and must still be written.
    /// The default does nothing (for stores only cardform writes).
    fn distrust_stored_hash(&self) {}

    /// Where the state lives, for messages (never with credentials).
    fn describe(&self) -> String;
}
