//! One PostgreSQL connection on a thread of its own. The sync `postgres` client runs
//! its own runtime, which must not be started inside an async task; so the connection
//! lives on a dedicated thread and every call is sent to it.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use ::postgres::{Client, NoTls};

use super::super::error::StateError;
use super::target::{PgTarget, SslMode};
use super::tls;

type Job = Box<dyn FnOnce(&mut Client) + Send>;

/// One connection on its own thread.
pub(super) struct Worker {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Worker {
    /// Connects as `target` says, with TLS as its `sslmode` asks.
    pub(super) fn connect(target: &PgTarget) -> Result<Arc<Worker>, StateError> {
        let location = target.location.as_str();
        let tls = &target.tls;
        let connector = match tls.mode {
            SslMode::Disable => None,
            _ => Some(tls::MakeRustls::new(tls).map_err(|detail| backend_err(location, detail))?),
        };
        let config = target.config.clone();
        let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        let thread = std::thread::Builder::new()
            .name("cardform-postgres".into())
            .spawn(move || {
                let connected = match connector {
                    None => config.connect(NoTls),
                    Some(c) => config.connect(c),
                };
                let mut client = match connected {
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
                cardform_i18n::tr!(
                    "err-pg-connect",
                    detail = detail.as_str(),
                    hint = connect_hint(&detail, target)
                ),
            )),
            Err(_) => Err(backend_err(
                location,
                cardform_i18n::tr!("err-pg-thread-stopped"),
            )),
        }
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    pub(super) fn call<R: Send + 'static>(
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
            return Err(backend_err(location, cardform_i18n::tr!("err-pg-closed")));
        }
        rx.recv()
            .map_err(|_| backend_err(location, cardform_i18n::tr!("err-pg-thread-stopped")))
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

/// What to do about a connection that failed, from what failed and the TLS settings.
fn connect_hint(detail: &str, target: &PgTarget) -> String {
    let mode = target.tls.mode;
    if detail.contains("no encryption") && mode == SslMode::Disable {
        return cardform_i18n::tr!("err-pg-hint-needs-tls", mode = mode.as_str());
    }
    if detail.contains("server does not support TLS") {
        return cardform_i18n::tr!("err-pg-hint-no-tls", mode = mode.as_str());
    }
    if detail.contains("client certificate") && target.tls.client.is_none() {
        return cardform_i18n::tr!("err-pg-hint-client-cert");
    }
    if detail.contains("error performing TLS handshake") {
        // The handshake's own message says which check failed and what to set.
        return String::new();
    }
    cardform_i18n::tr!("err-pg-hint-credentials")
}

pub(super) fn backend_err(location: &str, detail: String) -> StateError {
    StateError::Backend {
        location: location.to_string(),
        detail,
    }
}

/// A PostgreSQL error's message, with the server's detail when there is one, else
/// the chain of causes (the client's own messages say only "error performing TLS
/// handshake" without them).
pub(super) fn pg_detail(e: &::postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
