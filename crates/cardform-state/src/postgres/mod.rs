//! The PostgreSQL backend: `state = "postgres://host:port/db"` in cardform.toml.
//!
//! - One row per project state in `cardform_state` (lineage, serial, journal position,
//!   content hash, the same JSON document the local file holds), replaced in a
//!   transaction that locks the row and refuses a stale serial; the replaced document
//!   goes to `cardform_state_history` (the last [`HISTORY_KEPT`] versions).
//! - The journal as rows of `cardform_journal`, each insert committed before returning;
//!   a commit deletes the folded rows in the same transaction as the new snapshot.
//! - The run lock is a session-level `pg_advisory_lock` on this backend's connection
//!   (a killed runner's session ends and releases it), with the holder in
//!   `cardform_lock`, written in the transaction that takes the lock ([`lock`]).
//!
//! Credentials never come from cardform.toml: the user from the URL or `PGUSER`, the
//! password from `PGPASSWORD`. A project picks its row with `?name=NAME` (default
//! `default`). The connection is protected as libpq's `sslmode` says (default
//! `prefer`), over rustls ([`tls`]); see [`target`] for the parameters.
//!
//! The connection lives on a thread of its own ([`worker`]). Writes and the lock share
//! that one connection: a runner whose session was terminated by `force-unlock` cannot
//! write anything afterwards.

mod events;
mod lock;
mod target;
mod tls;
mod tokens;
mod worker;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::postgres::Client;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::backend::{Committed, Loaded, StateBackend};
use super::codec::{self, JournalLine};
use super::error::StateError;
use super::lock::{LockInfo, StateLock};
use super::model::{JournalRecord, StateFile};
use super::replay::replay;

pub use events::PgEventLog;
pub use target::{PgTarget, RootCerts, SslMode, TlsOptions, network_hosts, parse_target};
pub use tokens::PgTokenStore;
use worker::{Worker, backend_err, pg_detail};

/// Replaced documents kept per state in `cardform_state_history`.
pub const HISTORY_KEPT: i64 = 10;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cardform_state (
    name text PRIMARY KEY,
    lineage text NOT NULL,
    serial bigint NOT NULL,
    journal_seq bigint NOT NULL,
    content_hash text NOT NULL,
    document text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS cardform_state_history (
    name text NOT NULL,
    serial bigint NOT NULL,
    document text NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, serial)
);
CREATE TABLE IF NOT EXISTS cardform_journal (
    name text NOT NULL,
    seq bigint NOT NULL,
    lineage text NOT NULL,
    record text NOT NULL,
    PRIMARY KEY (name, seq)
);
CREATE TABLE IF NOT EXISTS cardform_lock (
    name text PRIMARY KEY,
    lock_id text NOT NULL,
    info text NOT NULL,
    backend_pid integer NOT NULL
);
";

/// Serialises concurrent `CREATE TABLE IF NOT EXISTS` (which can otherwise race).
const SCHEMA_LOCK_KEY: i64 = 0x6361_7264_666f_726d; // "cardform"

/// Connects to `url` (as the state backend does) and creates `table` from `schema`
/// if it is missing, under the schema lock: the side tables (the event log, the
/// platform's sealed token) open this way.
///
/// # Errors
/// The URL is refused, the server cannot be reached, or the table cannot be created.
fn connect_with_table(
    url: &str,
    table: &str,
    schema: &'static str,
) -> Result<(target::PgTarget, Arc<Worker>), StateError> {
    let target = parse_target(url)?;
    let location = target.location.clone();
    let worker = Worker::connect(&target)?;
    worker
        .call(&location, |c| -> Result<(), ::postgres::Error> {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK_KEY])?;
            tx.batch_execute(schema)?;
            tx.commit()
        })?
        .map_err(|e| {
            backend_err(
                &location,
                format!("cannot create table {table}: {}", pg_detail(&e)),
            )
        })?;
    Ok((target, worker))
}

/// The PostgreSQL backend (one connection per instance).
pub struct PostgresBackend {
    name: String,
    location: String,
    lock_key: i64,
    worker: Arc<Worker>,
    cursor: Mutex<Cursor>,
}

#[derive(Default, Clone, Copy)]
struct Cursor {
    loaded: bool,
    lineage: Option<Uuid>,
    last_seq: u64,
}

fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(format!("cardform state lock\0{name}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(b)
}

fn to_i64(v: u64, what: &str, location: &str) -> Result<i64, StateError> {
    i64::try_from(v).map_err(|_| backend_err(location, format!("{what} {v} is out of range")))
}

impl PostgresBackend {
    /// Connects and creates the tables if they are missing.
    ///
    /// # Errors
    /// As [`parse_target`]; [`StateError::Backend`] when the server cannot be reached
    /// or the tables cannot be created.
    pub fn open(url: &str) -> Result<Self, StateError> {
        let target = parse_target(url)?;
        Self::connect(target)
    }

    /// Connects to an already parsed target.
    ///
    /// # Errors
    /// As [`Self::open`].
    pub fn connect(target: PgTarget) -> Result<Self, StateError> {
        let location = target.location.clone();
        let worker = Worker::connect(&target)?;
        let created = worker.call(&location, |c| -> Result<(), ::postgres::Error> {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK_KEY])?;
            tx.batch_execute(SCHEMA)?;
            tx.commit()
        })?;
        created.map_err(|e| {
            backend_err(
                &location,
                format!("cannot create the state tables: {}", pg_detail(&e)),
            )
        })?;
        Ok(PostgresBackend {
            lock_key: lock_key(&target.name),
            name: target.name,
            location,
            worker,
            cursor: Mutex::new(Cursor::default()),
        })
    }

    fn cursor(&self) -> std::sync::MutexGuard<'_, Cursor> {
        self.cursor.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn history_hint(&self) -> String {
        format!(
            "table cardform_state_history (name = '{}'), which keeps the previous versions",
            self.name
        )
    }
}

impl StateBackend for PostgresBackend {
    fn load(&self) -> Result<Option<Loaded>, StateError> {
        let name = self.name.clone();
        let rows = self
            .worker
            .call(&self.location, move |c| -> Result<_, ::postgres::Error> {
                // One snapshot of both tables.
                let mut tx = c
                    .build_transaction()
                    .isolation_level(::postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()?;
                let doc = tx.query_opt(
                    "SELECT document FROM cardform_state WHERE name = $1",
                    &[&name],
                )?;
                let journal = tx.query(
                    "SELECT seq, lineage, record FROM cardform_journal WHERE name = $1 ORDER BY seq",
                    &[&name],
                )?;
                tx.commit()?;
                let doc: Option<String> = doc.map(|r| r.get(0));
                let journal: Vec<(i64, String, String)> = journal
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect();
                Ok((doc, journal))
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        let (doc, journal) = rows;
        let mut lines = Vec::with_capacity(journal.len());
        for (seq, lineage, record) in journal {
            let place = format!("{} journal row seq {seq}", self.location);
            let corrupt = |detail: String| StateError::Corrupt {
                location: place.clone(),
                detail,
                backup: None,
            };
            let lineage = Uuid::parse_str(&lineage)
                .map_err(|e| corrupt(format!("lineage is not a uuid ({e})")))?;
            let record: JournalRecord = serde_json::from_str(&record)
                .map_err(|e| corrupt(format!("the record does not parse ({e})")))?;
            let seq = u64::try_from(seq).map_err(|_| corrupt("negative seq".into()))?;
            lines.push((
                JournalLine {
                    seq,
                    lineage,
                    record,
                },
                place,
            ));
        }
        let mut cursor = self.cursor();
        cursor.loaded = true;
        let Some(doc) = doc else {
            if !lines.is_empty() {
                return Err(StateError::JournalWithoutState {
                    location: self.location.clone(),
                });
            }
            cursor.lineage = None;
            cursor.last_seq = 0;
            return Ok(None);
        };
        let mut state =
            codec::decode_snapshot(doc.as_bytes(), &self.location, None).map_err(|e| match e {
                StateError::Corrupt {
                    location, detail, ..
                } => StateError::Corrupt {
                    location,
                    detail: format!(
                        "{detail}; previous versions are in the {}",
                        self.history_hint()
                    ),
                    backup: None,
                },
                other => other,
            })?;
        let report = replay(&mut state, lines)?;
        let mut notices = Vec::new();
        if report.skipped > 0 {
            notices.push(cardform_i18n::tr!(
                "err-state-skipped-rows",
                count = report.skipped
            ));
        }
        cursor.lineage = Some(state.lineage);
        cursor.last_seq = report.last_seq.max(state.journal_seq);
        Ok(Some(Loaded { state, notices }))
    }

    fn record(&self, record: &JournalRecord) -> Result<u64, StateError> {
        let mut cursor = self.cursor();
        let Some(lineage) = cursor.lineage else {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-nothing-loaded",
                location = self.location
            )));
        };
        let seq = cursor.last_seq + 1;
        let text = serde_json::to_string(record).map_err(|e| StateError::Encode {
            location: self.location.clone(),
            detail: e.to_string(),
        })?;
        let name = self.name.clone();
        let seq_i = to_i64(seq, "journal seq", &self.location)?;
        let lineage_s = lineage.to_string();
        self.worker
            .call(&self.location, move |c| {
                c.execute(
                    "INSERT INTO cardform_journal (name, seq, lineage, record) VALUES ($1, $2, $3, $4)",
                    &[&name, &seq_i, &lineage_s, &text],
                )
            })?
            .map_err(|e| {
                backend_err(
                    &self.location,
                    format!("cannot record the journal entry: {}", pg_detail(&e)),
                )
            })?;
        cursor.last_seq = seq;
        Ok(seq)
    }

    fn commit(
        &self,
        state: &StateFile,
        expected_serial: Option<u64>,
    ) -> Result<Committed, StateError> {
        let mut cursor = self.cursor();
        let location = self.location.clone();
        if !cursor.loaded {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-load-first",
                location = location
            )));
        }
        if let Some(l) = cursor.lineage.filter(|l| *l != state.lineage) {
            return Err(StateError::LineageMismatch {
                location,
                ours: state.lineage,
                theirs: l,
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
        let encoded = codec::encode_snapshot(state, &location)?;
        let journal_seq = cursor.last_seq;
        let name = self.name.clone();
        let lineage = state.lineage;
        let our_serial = state.serial;
        let hash = encoded.content_hash.clone();
        let loc = location.clone();
        // The document is built on the connection thread once the serial is known.
        let outcome = self.worker.call(&location, move |c| {
            pg_commit(
                c,
                &loc,
                &name,
                lineage,
                our_serial,
                expected_serial,
                journal_seq,
                &hash,
                &encoded,
            )
        })??;
        cursor.lineage = Some(state.lineage);
        Ok(outcome)
    }

    fn lock(&self, info: LockInfo, timeout: Option<Duration>) -> Result<StateLock, StateError> {
        self.take_lock(info, timeout)
    }

    fn force_unlock(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        self.force_lock_release(lock_id)
    }

    fn describe(&self) -> String {
        self.location.clone()
    }
}

#[allow(clippy::too_many_arguments)]
fn pg_commit(
    c: &mut Client,
    location: &str,
    name: &str,
    lineage: Uuid,
    our_serial: u64,
    expected_serial: Option<u64>,
    journal_seq: u64,
    hash: &str,
    encoded: &codec::EncodedSnapshot,
) -> Result<Committed, StateError> {
    let db = |e: ::postgres::Error| backend_err(location, pg_detail(&e));
    let mut tx = c.transaction().map_err(db)?;
    let row = tx
        .query_opt(
            "SELECT lineage, serial, journal_seq, content_hash FROM cardform_state WHERE name = $1 FOR UPDATE",
            &[&name],
        )
        .map_err(db)?;
    let disk: Option<(String, i64, i64, String)> =
        row.map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)));
    if let Some((l, serial, _, disk_hash)) = &disk {
        let theirs = Uuid::parse_str(l).unwrap_or_default();
        if theirs != lineage {
            return Err(StateError::LineageMismatch {
                location: location.to_string(),
                ours: lineage,
                theirs,
            });
        }
        let serial = u64::try_from(*serial).unwrap_or(0);
        match expected_serial {
            Some(e) if serial != e => {
                return Err(StateError::StaleSerial {
                    location: location.to_string(),
                    expected: e,
                    found: serial,
                });
            }
            // The same content is not "newer" (pulling or pushing twice writes nothing).
            None if serial >= our_serial && disk_hash != hash => {
                return Err(StateError::NewerSerial {
                    location: location.to_string(),
                    ours: our_serial,
                    found: serial,
                });
            }
            _ => {}
        }
    }
    let changed = disk.as_ref().is_none_or(|d| d.3 != hash);
    let disk_serial = disk
        .as_ref()
        .map(|d| u64::try_from(d.1).unwrap_or(0))
        .unwrap_or(0);
    let serial = match (changed, expected_serial) {
        (false, _) => disk_serial,
        // A copy (`state push`/`pull`) keeps its serial when that is ahead.
        (true, None) => (disk_serial + 1).max(our_serial),
        (true, Some(_)) => disk_serial.max(our_serial) + 1,
    };
    let serial_i = to_i64(serial, "serial", location)?;
    let seq_i = to_i64(journal_seq, "journal seq", location)?;
    let doc =
        String::from_utf8(encoded.to_document(&lineage, serial, journal_seq)).map_err(|e| {
            StateError::Encode {
                location: location.to_string(),
                detail: e.to_string(),
            }
        })?;
    let lineage_s = lineage.to_string();
    match &disk {
        Some(_) => {
            if changed {
                tx.execute(
                    "INSERT INTO cardform_state_history (name, serial, document)
                     SELECT name, serial, document FROM cardform_state WHERE name = $1
                     ON CONFLICT DO NOTHING",
                    &[&name],
                )
                .map_err(db)?;
                tx.execute(
                    "DELETE FROM cardform_state_history WHERE name = $1 AND serial NOT IN
                     (SELECT serial FROM cardform_state_history WHERE name = $1 ORDER BY serial DESC LIMIT $2)",
                    &[&name, &HISTORY_KEPT],
                )
                .map_err(db)?;
            }
            let up_to_date = disk.as_ref().is_some_and(|d| d.2 == seq_i);
            if changed || !up_to_date {
                tx.execute(
                    "UPDATE cardform_state SET serial = $2, journal_seq = $3, content_hash = $4, document = $5, updated_at = now() WHERE name = $1",
                    &[&name, &serial_i, &seq_i, &hash, &doc],
                )
                .map_err(db)?;
            }
        }
        None => {
            tx.execute(
                "INSERT INTO cardform_state (name, lineage, serial, journal_seq, content_hash, document) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&name, &lineage_s, &serial_i, &seq_i, &hash, &doc],
            )
            .map_err(|e| {
                if e.code() == Some(&::postgres::error::SqlState::UNIQUE_VIOLATION) {
                    backend_err(
                        location,
                        "another run created this state at the same moment; run again to start from it".into(),
                    )
                } else {
                    db(e)
                }
            })?;
        }
    }
    tx.execute(
        "DELETE FROM cardform_journal WHERE name = $1 AND seq <= $2",
        &[&name, &seq_i],
    )
    .map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(Committed {
        serial,
        journal_seq,
        content_changed: changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_its_own_lock_key() {
        assert_ne!(lock_key("a"), lock_key("b"));
    }
}
