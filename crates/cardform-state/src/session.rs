//! One run's hold on the state: the lock, the loaded state and its journal.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use uuid::Uuid;

use super::backend::{Committed, StateBackend};
use super::error::StateError;
use super::invariants::check_invariants;
use super::lock::{LockInfo, StateLock};
use super::model::{Change, JournalRecord, PendingOperation, StateFile, StateStamp};

/// After this many journal records the session folds them into a new snapshot, so the
/// journal (and the next load's replay) stays bounded on very large applies.
pub const COMPACT_EVERY: usize = 10_000;

/// A locked, loaded state. Share it across apply's workers (`&self` methods); records
/// are written one at a time in the order they are made.
pub struct StateSession {
    /// Shared with the blocking threads that wait for fsyncs ([`Self::begin_async`]).
    backend: Arc<dyn StateBackend>,
    lock: StateLock,
    inner: Mutex<Inner>,
}

struct Inner {
    state: StateFile,
    /// The serial stored at load / last commit; `None` while the state exists only in
    /// memory (a first run: the first record stores it).
    stored_serial: Option<u64>,
    since_commit: usize,
}

impl StateSession {
    /// Locks (waiting up to `lock_timeout`) and loads the state; a missing state starts
    /// empty with a new lineage. Returns the notices to show the user (torn journal
    /// record, stale lock taken over, pending operations).
    ///
    /// # Errors
    /// Any error of [`StateBackend::lock`] or [`StateBackend::load`];
    /// [`StateError::Invariant`] for a state that breaks a rule of
    /// [`check_invariants`] (a run from it could delete a live card).
    pub fn open(
        backend: Box<dyn StateBackend>,
        operation: &str,
        lock_timeout: Option<Duration>,
    ) -> Result<(Self, Vec<String>), StateError> {
        Self::open_checked(backend, operation, lock_timeout, true)
    }

    /// [`Self::open`] for the commands that repair a state (`state rm`, `state mv`):
    /// a state that breaks a rule of [`check_invariants`] is opened all the same.
    ///
    /// # Errors
    /// Any error of [`StateBackend::lock`] or [`StateBackend::load`].
    pub fn open_to_repair(
        backend: Box<dyn StateBackend>,
        operation: &str,
        lock_timeout: Option<Duration>,
    ) -> Result<(Self, Vec<String>), StateError> {
        Self::open_checked(backend, operation, lock_timeout, false)
    }

    fn open_checked(
        backend: Box<dyn StateBackend>,
        operation: &str,
        lock_timeout: Option<Duration>,
        check: bool,
    ) -> Result<(Self, Vec<String>), StateError> {
        let lock = backend.lock(LockInfo::for_current_process(operation), lock_timeout)?;
        let mut notices = Vec::new();
        if let Some((holder, waited)) = lock.waited_for() {
            notices.push(cardform_i18n::tr!(
                "state-notice-waited",
                waited = format!("{waited:.1?}"),
                location = backend.describe(),
                holder = holder.to_string()
            ));
        }
        if let Some(stale) = lock.replaced_stale() {
            notices.push(cardform_i18n::tr!(
                "state-notice-stale-lock",
                location = backend.describe(),
                stale = stale.to_string()
            ));
        }
        let (state, stored_serial) = match backend.load()? {
            Some(loaded) => {
                notices.extend(loaded.notices);
                let serial = loaded.state.serial;
                (loaded.state, Some(serial))
            }
            None => (StateFile::new(), None),
        };
        if check {
            let violations = check_invariants(&state);
            if !violations.is_empty() {
                return Err(StateError::Invariant {
                    location: backend.describe(),
                    violations,
                });
            }
        } else {
            // A repair may give back exactly the content a hand-edited file's stale
            // header hash claims; it must be written all the same.
            backend.distrust_stored_hash();
        }
        if !state.pending.is_empty() {
            notices.push(cardform_i18n::tr!(
                "state-notice-pending",
                count = state.pending.len(),
                operations = state
                    .pending
                    .iter()
                    .map(|p| format!("{} {}", p.op.as_str(), p.address))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let session = StateSession {
            backend: Arc::from(backend),
            lock,
            inner: Mutex::new(Inner {
                state,
                stored_serial,
                since_commit: 0,
            }),
        };
        Ok((session, notices))
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the state under the session's mutex.
    pub fn read<R>(&self, f: impl FnOnce(&StateFile) -> R) -> R {
        f(&self.inner().state)
    }

    /// A copy of the state (costly on very large states; prefer [`Self::read`]).
    pub fn snapshot(&self) -> StateFile {
        self.inner().state.clone()
    }

    pub fn stamp(&self) -> StateStamp {
        self.inner().state.stamp()
    }

    pub fn lock_info(&self) -> &LockInfo {
        self.lock.info()
    }

    pub fn describe(&self) -> String {
        self.backend.describe()
    }

    /// Durably records that `op` is about to be sent.
    ///
    /// # Guarantees
    /// When this returns `Ok`, a crash at any later point leaves `op` in the next
    /// load's `pending` unless its outcome was recorded.
    ///
    /// # Errors
    /// As [`StateBackend::record`]; on error the call must not be made.
    pub fn begin(&self, op: PendingOperation) -> Result<(), StateError> {
        self.record(JournalRecord::Intent { op })
    }

    /// Durably records what a completed operation changed.
    ///
    /// # Errors
    /// As [`StateBackend::record`].
    pub fn finish(&self, op_id: Uuid, changes: Vec<Change>) -> Result<(), StateError> {
        self.record(JournalRecord::Outcome { op_id, changes })
    }

    /// Durably records that an operation was not carried out (or changed nothing).
    ///
    /// # Errors
    /// As [`StateBackend::record`].
    pub fn abandon(&self, op_id: Uuid) -> Result<(), StateError> {
        self.record(JournalRecord::Abandoned { op_id })
    }

    /// Appends under the session's mutex (records keep their order in memory and on
    /// disk), then waits for durability outside it, so concurrent workers share fsyncs.
    fn record(&self, record: JournalRecord) -> Result<(), StateError> {
        let seq = self.append(record)?;
        self.backend.sync(seq)
    }

    /// [`Self::begin`] for async callers: the fsync is waited for on a blocking thread,
    /// so the tasks polled by the same thread keep going and their records join the
    /// same fsync (group commit).
    ///
    /// # Guarantees
    /// As [`Self::begin`]: when this returns `Ok`, the intent survives a crash.
    ///
    /// # Errors
    /// As [`Self::begin`]; on error the call must not be made.
    pub async fn begin_async(&self, op: PendingOperation) -> Result<(), StateError> {
        self.record_async(JournalRecord::Intent { op }).await
    }

    /// [`Self::finish`] for async callers (see [`Self::begin_async`]).
    ///
    /// # Errors
    /// As [`Self::finish`].
    pub async fn finish_async(&self, op_id: Uuid, changes: Vec<Change>) -> Result<(), StateError> {
        self.record_async(JournalRecord::Outcome { op_id, changes })
            .await
    }

    /// [`Self::abandon`] for async callers (see [`Self::begin_async`]).
    ///
    /// # Errors
    /// As [`Self::abandon`].
    pub async fn abandon_async(&self, op_id: Uuid) -> Result<(), StateError> {
        self.record_async(JournalRecord::Abandoned { op_id }).await
    }

    async fn record_async(&self, record: JournalRecord) -> Result<(), StateError> {
        let seq = self.append(record)?;
        let backend = Arc::clone(&self.backend);
        match tokio::task::spawn_blocking(move || backend.sync(seq)).await {
            Ok(result) => result,
            // The blocking pool is shutting down: wait here instead.
            Err(_) => self.backend.sync(seq),
        }
    }

    /// Appends `record` and applies it in memory; returns its sequence number. Not yet
    /// durable: the caller syncs.
    fn append(&self, record: JournalRecord) -> Result<u64, StateError> {
        let seq = {
            let mut inner = self.inner();
            if inner.stored_serial.is_none() {
                // Journal records need a stored snapshot to belong to.
                self.commit_locked(&mut inner)?;
            }
            let seq = self.backend.append(&record)?;
            inner.state.apply_record(&record);
            inner.state.journal_seq = seq;
            inner.since_commit += 1;
            if inner.since_commit >= COMPACT_EVERY {
                self.commit_locked(&mut inner)?;
            }
            seq
        };
        Ok(seq)
    }

    /// Edits the state in memory (for `state rm/mv`, import); [`Self::commit`] stores it.
    pub fn edit<R>(&self, f: impl FnOnce(&mut StateFile) -> R) -> R {
        f(&mut self.inner().state)
    }

    /// Folds the journal into a new snapshot.
    ///
    /// # Errors
    /// As [`StateBackend::commit`].
    pub fn commit(&self) -> Result<Committed, StateError> {
        let mut inner = self.inner();
        self.commit_locked(&mut inner)
    }

    fn commit_locked(&self, inner: &mut Inner) -> Result<Committed, StateError> {
        let c = self.backend.commit(&inner.state, inner.stored_serial)?;
        inner.state.serial = c.serial;
        inner.state.journal_seq = c.journal_seq;
        inner.stored_serial = Some(c.serial);
        inner.since_commit = 0;
        Ok(c)
    }
}

impl std::fmt::Debug for StateSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateSession")
            .field("backend", &self.backend.describe())
            .field("lock", &self.lock)
            .finish()
    }
}
