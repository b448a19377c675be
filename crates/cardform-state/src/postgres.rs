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
//!   `cardform_lock` for a waiting run to read.
//!
//! Credentials never come from cardform.toml: the user from the URL or `PGUSER`, the
//! password from `PGPASSWORD`. A project picks its row with `?name=NAME` (default
//! `default`). Connections are plain TCP (no TLS in this build).
//!
//! The sync `postgres` client runs its own runtime, which must not be started inside
//! an async task; so the connection lives on a dedicated thread and every call is sent
//! to it. Writes and the lock share that one connection: a runner whose session was
//! terminated by `force-unlock` cannot write anything afterwards.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ::postgres::{Client, NoTls};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::backend::{Committed, Loaded, StateBackend};
use super::codec::{self, JournalLine};
use super::error::StateError;
use super::lock::{LockInfo, LockRelease, StateLock};
use super::model::{JournalRecord, StateFile};
use super::replay::replay;

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

type Job = Box<dyn FnOnce(&mut Client) + Send>;

/// One connection on its own thread.
struct Worker {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Worker {
    fn connect(config: ::postgres::Config, location: &str) -> Result<Arc<Worker>, StateError> {
        let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        let thread = std::thread::Builder::new()
            .name("cardform-postgres".into())
            .spawn(move || {
                let mut client = match config.connect(NoTls) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(pg_detail(&e)));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                while let Ok(job) = jobs_rx.recv() {
                    job(&mut client);
                }
                // Dropping the client ends the session (and any advisory lock).
            })
            .map_err(|e| backend_err(location, format!("cannot start a thread: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Arc::new(Worker {
                jobs: Mutex::new(Some(jobs_tx)),
                thread: Mutex::new(Some(thread)),
            })),
            Ok(Err(detail)) => Err(backend_err(
                location,
                format!(
                    "cannot connect: {detail} (user from the URL or PGUSER, password from PGPASSWORD)"
                ),
            )),
            Err(_) => Err(backend_err(
                location,
                "the connection thread stopped".into(),
            )),
        }
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    fn call<R: Send + 'static>(
        &self,
        location: &str,
        f: impl FnOnce(&mut Client) -> R + Send + 'static,
    ) -> Result<R, StateError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |c| {
            let _ = tx.send(f(c));
        });
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|s| s.send(job).is_ok())
            .unwrap_or(false);
        if !sent {
            return Err(backend_err(location, "the connection is closed".into()));
        }
        rx.recv()
            .map_err(|_| backend_err(location, "the connection thread stopped".into()))
    }

    fn close(&self) {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(t) = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.close();
    }
}

fn backend_err(location: &str, detail: String) -> StateError {
    StateError::Backend {
        location: location.to_string(),
        detail,
    }
}

/// A PostgreSQL error's message, with the server's detail when there is one.
fn pg_detail(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
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

/// A parsed `postgres://` setting.
#[derive(Debug, Clone)]
pub struct PgTarget {
    pub config: ::postgres::Config,
    /// The state's row name (`?name=`).
    pub name: String,
    /// For messages: the URL without credentials or options.
    pub location: String,
}

/// The URL without cardform's own `name=` option, parsed; the row name; the URL's
/// part before `?`.
fn parse_config(url: &str) -> Result<(::postgres::Config, String, &str), StateError> {
    let shown = super::redact_url(url);
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut name = "default".to_string();
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("name", v)) if !v.is_empty() => name = v.to_string(),
            _ => rest.push(pair),
        }
    }
    let cleaned = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let config: ::postgres::Config = cleaned.parse().map_err(|e| {
        StateError::Usage(format!(
            "`state = \"{shown}\"` in cardform.toml is not a PostgreSQL URL ({e}); write postgres://host:port/database"
        ))
    })?;
    Ok((config, name, base))
}

/// The network hosts a `postgres://` setting would connect to (and send `PGUSER` /
/// `PGPASSWORD` to): every TCP host name or address, and every `hostaddr=`. Unix
/// sockets are local and not listed. Reads no environment and connects nowhere.
///
/// # Errors
/// [`StateError::Usage`] for a URL that does not parse.
pub fn network_hosts(url: &str) -> Result<Vec<String>, StateError> {
    let (config, _, _) = parse_config(url.trim())?;
    let mut hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .filter_map(|h| match h {
            ::postgres::config::Host::Tcp(h) => Some(h.clone()),
            #[cfg(unix)]
            ::postgres::config::Host::Unix(_) => None,
        })
        .collect();
    hosts.extend(config.get_hostaddrs().iter().map(ToString::to_string));
    Ok(hosts)
}

/// Parses a `postgres://host:port/db[?name=NAME]` setting, taking the user from the URL
/// or `PGUSER` and the password from `PGPASSWORD`.
///
/// # Errors
/// [`StateError::Usage`] for a URL that carries a password (it would live in
/// cardform.toml) or that does not parse.
pub fn parse_target(url: &str) -> Result<PgTarget, StateError> {
    let shown = super::redact_url(url);
    let (mut config, name, base) = parse_config(url)?;
    if config.get_password().is_some() {
        return Err(StateError::Usage(format!(
            "`state = \"{shown}\"` in cardform.toml carries a password: remove it from the URL and set PGPASSWORD in the environment instead"
        )));
    }
    if config.get_user().is_none() {
        let user = ["PGUSER", "USER", "USERNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        match user {
            Some(u) => {
                config.user(&u);
            }
            None => {
                return Err(StateError::Usage(
                    "no PostgreSQL user: put it in the URL (postgres://USER@host/db) or set PGUSER"
                        .into(),
                ));
            }
        }
    }
    if let Ok(pw) = std::env::var("PGPASSWORD") {
        config.password(pw);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(15));
    }
    config.application_name("cardform");
    let location = format!("{} (state \"{name}\")", cleaned_location(&config, base));
    Ok(PgTarget {
        config,
        name,
        location,
    })
}

fn cleaned_location(config: &::postgres::Config, base: &str) -> String {
    let db = config.get_dbname().unwrap_or("");
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(h, p)| match h {
            ::postgres::config::Host::Tcp(h) => format!("{h}:{p}"),
            #[cfg(unix)]
            ::postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if hosts.is_empty() {
        super::redact_url(base)
    } else {
        format!("postgres://{}/{db}", hosts.join(","))
    }
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
        let worker = Worker::connect(target.config, &location)?;
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

    fn read_holder(&self) -> Result<Option<(LockInfo, i32)>, StateError> {
        let name = self.name.clone();
        let row = self
            .worker
            .call(&self.location, move |c| {
                c.query_opt(
                    "SELECT info, backend_pid FROM cardform_lock WHERE name = $1",
                    &[&name],
                )
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        Ok(row.and_then(|r| {
            let info: String = r.get(0);
            let pid: i32 = r.get(1);
            serde_json::from_str::<LockInfo>(&info)
                .ok()
                .map(|i| (i, pid))
        }))
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
            notices.push(format!(
                "{} journal row(s) were already part of the snapshot and were not applied again",
                report.skipped
            ));
        }
        cursor.lineage = Some(state.lineage);
        cursor.last_seq = report.last_seq.max(state.journal_seq);
        Ok(Some(Loaded { state, notices }))
    }

    fn record(&self, record: &JournalRecord) -> Result<u64, StateError> {
        let mut cursor = self.cursor();
        let Some(lineage) = cursor.lineage else {
            return Err(StateError::Usage(format!(
                "no state loaded or committed for {} before recording an operation (commit an initial state first)",
                self.location
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
            return Err(StateError::Usage(format!(
                "load {location} before committing to it"
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
            return Err(StateError::Usage(format!(
                "the state being committed has folded journal records up to {} but the journal of {location} has records up to {}; apply every recorded change before committing",
                state.journal_seq, cursor.last_seq
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
        let start = Instant::now();
        let mut pause = Duration::from_millis(20);
        let key = self.lock_key;
        loop {
            let got = self
                .worker
                .call(&self.location, move |c| {
                    c.query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                        .map(|r| r.get::<_, bool>(0))
                })?
                .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
            if got {
                break;
            }
            let waited = start.elapsed();
            if timeout.is_none_or(|t| waited >= t) {
                let waited = timeout.map(|_| waited);
                return Err(match self.read_holder()? {
                    Some((holder, _)) => StateError::Locked {
                        location: self.location.clone(),
                        holder: Box::new(holder),
                        waited,
                    },
                    None => StateError::LockedUnknown {
                        location: self.location.clone(),
                        waited,
                    },
                });
            }
            let left = timeout.unwrap_or_default().saturating_sub(waited);
            std::thread::sleep(pause.min(left));
            pause = (pause * 2).min(Duration::from_millis(250));
        }
        // We hold the advisory lock, so a holder row left is from a session that ended.
        let replaced_stale = self.read_holder()?.map(|(i, _)| i);
        let text = serde_json::to_string(&info).map_err(|e| StateError::Encode {
            location: self.location.clone(),
            detail: e.to_string(),
        })?;
        let name = self.name.clone();
        let id = info.id.clone();
        let written = self.worker.call(&self.location, move |c| {
            c.execute(
                "INSERT INTO cardform_lock (name, lock_id, info, backend_pid) VALUES ($1, $2, $3, pg_backend_pid())
                 ON CONFLICT (name) DO UPDATE SET lock_id = EXCLUDED.lock_id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid",
                &[&name, &id, &text],
            )
        })?;
        if let Err(e) = written {
            let _ = self.worker.call(&self.location, move |c| {
                c.execute("SELECT pg_advisory_unlock($1)", &[&key])
            });
            return Err(backend_err(&self.location, pg_detail(&e)));
        }
        let guard = PgLockGuard {
            worker: Arc::clone(&self.worker),
            name: self.name.clone(),
            id: info.id.clone(),
            key,
            location: self.location.clone(),
        };
        Ok(StateLock::new(info, replaced_stale, Box::new(guard)))
    }

    fn force_unlock(&self, lock_id: &str) -> Result<LockInfo, StateError> {
        let location = self.location.clone();
        let Some((holder, backend_pid)) = self.read_holder()? else {
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
        let key = self.lock_key;
        let name = self.name.clone();
        let try_take = move |c: &mut Client| -> Result<bool, ::postgres::Error> {
            let got: bool = c
                .query_one("SELECT pg_try_advisory_lock($1)", &[&key])?
                .get(0);
            if got {
                c.execute("DELETE FROM cardform_lock WHERE name = $1", &[&name])?;
                c.query_one("SELECT pg_advisory_unlock($1)", &[&key])?;
            }
            Ok(got)
        };
        let taken = self
            .worker
            .call(&location, try_take.clone())?
            .map_err(|e| backend_err(&location, pg_detail(&e)))?;
        if taken {
            return Ok(holder);
        }
        if !holder.holder_is_dead() && holder.host == LockInfo::for_current_process("").host {
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

/// Releases the advisory lock and the holder row; the session ending would release
/// the lock too (a killed runner), this is the orderly path.
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
            let _ = c.execute(
                "DELETE FROM cardform_lock WHERE name = $1 AND lock_id = $2",
                &[&name, &id],
            );
            let _ = c.query_one("SELECT pg_advisory_unlock($1)", &[&key]);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_hosts_lists_every_host_and_hostaddr() {
        assert_eq!(
            network_hosts("postgres://db.example:5432/cards?name=x").expect("parses"),
            vec!["db.example".to_string()]
        );
        assert_eq!(
            network_hosts("postgres://127.0.0.1/db?host=evil.example&hostaddr=10.0.0.1")
                .expect("parses"),
            vec![
                "127.0.0.1".to_string(),
                "evil.example".to_string(),
                "10.0.0.1".to_string()
            ]
        );
        assert!(network_hosts("postgres://[::1]:5/db").expect("parses") == vec!["::1"]);
        assert!(
            network_hosts("postgres://%2Ftmp/db")
                .expect("parses")
                .is_empty()
        );
    }

    #[test]
    fn password_in_the_url_is_refused_without_echoing_it() {
        let err =
            parse_target("postgres://bob:hunter2@db.example:5432/cards").expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("PGPASSWORD"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn name_option_and_location() {
        let t = parse_target("postgres://alice@127.0.0.1:6543/cards?name=shop-a").expect("parses");
        assert_eq!(t.name, "shop-a");
        assert_eq!(
            t.location,
            "postgres://127.0.0.1:6543/cards (state \"shop-a\")"
        );
        assert_eq!(t.config.get_user(), Some("alice"));
        let t = parse_target("postgres://alice@db/cards").expect("parses");
        assert_eq!(t.name, "default");
        assert_ne!(lock_key("a"), lock_key("b"));
    }
}
