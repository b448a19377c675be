//! The PostgreSQL run lock: a session-level `pg_advisory_lock` on the backend's
//! connection (a killed runner's session ends and releases it), and its holder in
//! `cardform_lock`, written in the same transaction that takes the lock.
//!
//! Every attempt first locks the state's `cardform_lock` row (`FOR UPDATE`), then tries
//! the advisory lock, then (if taken) writes the holder, and commits. A run that finds
//! the advisory lock held therefore waited for the holder's transaction, and reads the
//! holder it committed: the refusal always names it. Releasing clears the row and the
//! advisory lock under the same row lock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ::postgres::Client;

use super::super::error::StateError;
use super::super::lock::{self, Attempt, LockInfo, LockRelease, StateLock};
use super::PostgresBackend;
use super::worker::{Worker, backend_err, pg_detail};

/// Locks the state's holder row, creating it (empty) if needed; returns the holder
/// recorded there (`None`: no holder) and the server pid of its session.
fn lock_holder_row(
    tx: &mut ::postgres::Transaction<'_>,
    name: &str,
) -> Result<Option<(String, i32)>, ::postgres::Error> {
    tx.execute(
        "INSERT INTO cardform_lock (name, lock_id, info, backend_pid) VALUES ($1, '', '', 0)
         ON CONFLICT (name) DO NOTHING",
        &[&name],
    )?;
    let row = tx.query_one(
        "SELECT lock_id, info, backend_pid FROM cardform_lock WHERE name = $1 FOR UPDATE",
        &[&name],
    )?;
    let id: String = row.get(0);
    Ok((!id.is_empty()).then(|| (row.get(1), row.get(2))))
}

/// One attempt: (taken, the holder record found).
fn attempt(
    c: &mut Client,
    name: &str,
    key: i64,
    id: &str,
    info: &str,
) -> Result<(bool, Option<String>), ::postgres::Error> {
    let mut got = false;
    let result = (|| {
        let mut tx = c.transaction()?;
        let found = lock_holder_row(&mut tx, name)?;
        got = tx
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])?
            .get(0);
        if got {
            tx.execute(
                "UPDATE cardform_lock SET lock_id = $2, info = $3, backend_pid = pg_backend_pid() WHERE name = $1",
                &[&name, &id, &info],
            )?;
        }
        tx.commit()?;
        Ok((got, found.map(|(info, _)| info)))
    })();
    if result.is_err() && got {
        // A session-level lock outlives the rolled-back transaction that took it.
        let _ = c.query_one("SELECT pg_advisory_unlock($1)", &[&key]);
    }
    result
}

/// Takes the lock if it is free (its holder gone), clearing the holder record.
fn take_and_clear(c: &mut Client, name: &str, key: i64) -> Result<bool, ::postgres::Error> {
    let mut tx = c.transaction()?;
    lock_holder_row(&mut tx, name)?;
    let got: bool = tx
        .query_one("SELECT pg_try_advisory_lock($1)", &[&key])?
        .get(0);
    if got {
        tx.execute(
            "UPDATE cardform_lock SET lock_id = '', info = '', backend_pid = 0 WHERE name = $1",
            &[&name],
        )?;
        tx.query_one("SELECT pg_advisory_unlock($1)", &[&key])?;
    }
    tx.commit()?;
    Ok(got)
}

fn parse_info(text: &str) -> Option<LockInfo> {
    serde_json::from_str::<LockInfo>(text).ok()
}

impl PostgresBackend {
    fn read_holder(&self) -> Result<Option<(LockInfo, i32)>, StateError> {
        let name = self.name.clone();
        let row = self
            .worker
            .call(&self.location, move |c| {
                c.query_opt(
                    "SELECT info, backend_pid FROM cardform_lock WHERE name = $1 AND lock_id <> ''",
                    &[&name],
                )
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        Ok(row.and_then(|r| {
            let info: String = r.get(0);
            let pid: i32 = r.get(1);
            parse_info(&info).map(|i| (i, pid))
        }))
    }

    /// [`StateBackend::lock`](super::super::StateBackend::lock).
    pub(super) fn take_lock(
        &self,
        info: LockInfo,
        timeout: Option<Duration>,
    ) -> Result<StateLock, StateError> {
        let key = self.lock_key;
        lock::acquire(&self.location, info, timeout, |info| {
            let text = serde_json::to_string(info).map_err(|e| StateError::Encode {
                location: self.location.clone(),
                detail: e.to_string(),
            })?;
            let name = self.name.clone();
            let id = info.id.clone();
            let (got, found) = self
                .worker
                .call(&self.location, move |c| attempt(c, &name, key, &id, &text))?
                .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
            let found = found.as_deref().and_then(parse_info);
            Ok(if got {
                Attempt::Taken {
                    // We hold the advisory lock: a holder left is from a session that ended.
                    previous: found,
                    guard: Box::new(PgLockGuard {
                        worker: Arc::clone(&self.worker),
                        name: self.name.clone(),
                        id: info.id.clone(),
                        key,
                        location: self.location.clone(),
                    }),
                }
            } else {
                Attempt::Held(found)
            })
        })
    }

    /// [`StateBackend::force_unlock`](super::super::StateBackend::force_unlock): a
    /// holder gone is cleared; a live one on this host is refused; a holder elsewhere
    /// whose session is still open (a hung runner) has its session ended.
    pub(super) fn force_lock_release(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        let location = self.location.clone();
        let found = self.read_holder()?;
        let backend_pid = found.as_ref().map(|(_, pid)| *pid).unwrap_or_default();
        let holder = lock::check_unlock_id(&location, found.map(|(h, _)| h), lock_id)?;
        let key = self.lock_key;
        let name = self.name.clone();
        let try_take = move |c: &mut Client| take_and_clear(c, &name, key);
        let taken = self
            .worker
            .call(&location, try_take.clone())?
            .map_err(|e| backend_err(&location, pg_detail(&e)))?;
        if taken {
            return Ok(holder);
        }
        if !holder.holder_is_dead() && lock::on_this_host(&holder) {
            // A live process on this host: it must be stopped, not overridden.
            return Err(StateError::HolderAlive {
                location,
                holder: Box::new(holder),
            });
        }
        // A holder elsewhere whose session is still open (a hung runner): end that
        // session, which releases its lock and stops it from writing anything more.
        let terminated = self
            .worker
            .call(&location, move |c| {
                c.query_one("SELECT pg_terminate_backend($1)", &[&backend_pid])
                    .map(|r| r.get::<_, bool>(0))
            })?
            .map_err(|e| {
                backend_err(
                    &location,
                    format!(
                        "the holder's session (server pid {backend_pid}) is still open and could not be ended: {}",
                        pg_detail(&e)
                    ),
                )
            })?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while terminated && Instant::now() < deadline {
            let taken = self
                .worker
                .call(&location, try_take.clone())?
                .map_err(|e| backend_err(&location, pg_detail(&e)))?;
            if taken {
                return Ok(holder);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(StateError::HolderAlive {
            location,
            holder: Box::new(holder),
        })
    }
}

/// Releases the advisory lock and clears the holder row; the session ending would
/// release the lock too (a killed runner), this is the orderly path.
struct PgLockGuard {
    worker: Arc<Worker>,
    name: String,
    id: String,
    key: i64,
    location: String,
}

impl LockRelease for PgLockGuard {}

impl Drop for PgLockGuard {
    fn drop(&mut self) {
        let name = self.name.clone();
        let id = self.id.clone();
        let key = self.key;
        let _ = self.worker.call(&self.location, move |c| {
            let released = (|| -> Result<(), ::postgres::Error> {
                let mut tx = c.transaction()?;
                lock_holder_row(&mut tx, &name)?;
                tx.execute(
                    "UPDATE cardform_lock SET lock_id = '', info = '', backend_pid = 0 WHERE name = $1 AND lock_id = $2",
                    &[&name, &id],
                )?;
                tx.query_one("SELECT pg_advisory_unlock($1)", &[&key])?;
                tx.commit()
            })();
            if released.is_err() {
                let _ = c.query_one("SELECT pg_advisory_unlock($1)", &[&key]);
            }
        });
    }
}
