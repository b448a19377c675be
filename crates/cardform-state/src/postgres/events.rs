//! The push-event log in PostgreSQL: table `cardform_events`, one row per event and
//! state (`?name=`), the key unique per state, so a redelivered event inserts nothing.
//! A row is committed before [`EventLog::append`] returns; the newest
//! [`KEPT_ROWS`] rows per state are kept (older ones are deleted every few hundred
//! inserts).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::super::error::StateError;
use super::super::events::{Appended, EventLog, EventRecord, KEPT_ROWS};
use super::connect_with_table;
use super::worker::{Worker, backend_err, pg_detail};

const EVENTS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cardform_events (
    name text NOT NULL,
    seq bigserial,
    key text NOT NULL,
    received_ms bigint NOT NULL,
    event text NOT NULL,
    subject text,
    record text NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE INDEX IF NOT EXISTS cardform_events_seq ON cardform_events (name, seq);
";

/// Inserts between two trims of old rows.
const TRIM_EVERY: u64 = 500;

/// The PostgreSQL event log.
pub struct PgEventLog {
    name: String,
    location: String,
    worker: Arc<Worker>,
    inserts: AtomicU64,
}

impl PgEventLog {
    /// Connects (as the state backend does) and creates the table if missing.
    ///
    /// # Errors
    /// The URL is refused or the server cannot be reached.
    pub fn open(url: &str) -> Result<PgEventLog, StateError> {
        let (target, worker) = connect_with_table(url, "cardform_events", EVENTS_SCHEMA)?;
        let location = target.location.clone();
        Ok(PgEventLog {
            name: target.name,
            location,
            worker,
            inserts: AtomicU64::new(0),
        })
    }

    fn rows(&self, after_seq: i64) -> Result<Vec<(i64, EventRecord)>, StateError> {
        let name = self.name.clone();
        let rows = self
            .worker
            .call(&self.location, move |c| {
                c.query(
                    "SELECT seq, record FROM cardform_events WHERE name = $1 AND seq > $2 ORDER BY seq",
                    &[&name, &after_seq],
                )
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.get(0);
            let text: String = row.get(1);
            let record = serde_json::from_str(&text).map_err(|e| StateError::Corrupt {
                location: format!("{} (cardform_events seq {seq})", self.location),
                detail: e.to_string(),
                backup: None,
            })?;
            out.push((seq, record));
        }
        Ok(out)
    }
}

impl EventLog for PgEventLog {
    fn append(&self, record: &EventRecord) -> Result<Appended, StateError> {
        let text = serde_json::to_string(record)
            .map_err(|e| backend_err(&self.location, format!("cannot encode an event: {e}")))?;
        let name = self.name.clone();
        let key = record.key.clone();
        let event = record.event.clone();
        let subject = record.subject.clone();
        let received = record.received_ms;
        let trim = self.inserts.fetch_add(1, Ordering::Relaxed) % TRIM_EVERY == TRIM_EVERY - 1;
        let inserted = self
            .worker
            .call(&self.location, move |c| -> Result<u64, ::postgres::Error> {
                let n = c.execute(
                    "INSERT INTO cardform_events (name, key, received_ms, event, subject, record) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name, key) DO NOTHING",
                    &[&name, &key, &received, &event, &subject, &text],
                )?;
                if trim {
                    c.execute(
                        "DELETE FROM cardform_events WHERE name = $1 AND seq <= \
                         (SELECT max(seq) FROM cardform_events WHERE name = $1) - $2",
                        &[&name, &KEPT_ROWS],
                    )?;
                }
                Ok(n)
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        Ok(if inserted == 0 {
            Appended::Duplicate
        } else {
            Appended::Stored
        })
    }

    fn list(&self) -> Result<Vec<EventRecord>, StateError> {
        Ok(self.rows(0)?.into_iter().map(|(_, r)| r).collect())
    }

    fn poll(&self, cursor: &mut u64) -> Result<Vec<EventRecord>, StateError> {
        let after = i64::try_from(*cursor).unwrap_or(i64::MAX);
        let rows = self.rows(after)?;
        if let Some((seq, _)) = rows.last() {
            *cursor = u64::try_from(*seq).unwrap_or(*cursor);
        }
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }

    fn describe(&self) -> String {
        format!(
            "{} (table cardform_events, name = '{}')",
            self.location, self.name
        )
    }
}
