//! The listener and its connections. A hand-written accept loop (instead of
//! `axum::serve`) because faults must be able to close one connection without an
//! answer: the handler signals its connection, whose task then drops the hyper
//! connection, and the client sees a transport error, not an errcode.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::error::EmulatorError;
use super::router::{self, Outcome};
use super::world::Shared;

/// How long in-flight requests may finish after a stop.
pub const STOP_GRACE: Duration = Duration::from_secs(1);

/// A running accept loop.
pub struct ServerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl ServerHandle {
    /// Stops accepting, lets in-flight requests finish (briefly), and waits.
    pub async fn stop(self) {
        self.signal_stop();
        let _ = self.task.await;
    }

    /// Stops accepting without waiting.
    pub fn signal_stop(&self) {
        let _ = self.stop.send(true);
    }
}

/// Binds `listen` and serves `shared` on it.
///
/// # Errors
/// The address cannot be bound.
pub async fn serve(
    listen: SocketAddr,
    shared: Arc<Shared>,
) -> Result<(ServerHandle, SocketAddr), EmulatorError> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| EmulatorError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind {
            addr: listen,
            source,
        })?;
    let (stop, stop_rx) = watch::channel(false);
    crate::push::start_auto_reviews(&shared, stop_rx.clone());
    crate::push::start_verify_tickets(&shared, stop_rx.clone());
    let task = tokio::spawn(accept_loop(listener, shared, stop_rx));
    Ok((ServerHandle { stop, task }, addr))
}

/// Resolves once a stop was signalled (or the handle is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(connection(stream, shared.clone(), stop.clone()));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(STOP_GRACE, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.abort_all();
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let dropper = Arc::new(Notify::new());
    let signal = dropper.clone();
    let service = service_fn(move |req: hyper::Request<Incoming>| {
        let shared = shared.clone();
        let signal = signal.clone();
        async move {
            match router::handle(&shared, req.map(Body::new)).await {
                Outcome::Respond(resp) => Ok::<_, Infallible>(resp),
                Outcome::Drop => {
                    signal.notify_one();
                    // The connection task drops this future with the connection.
                    std::future::pending().await
                }
            }
        }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        // Dropping the connection closes the socket with nothing answered.
        _ = dropper.notified() => {}
        _ = stopped(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = dropper.notified() => {}
            }
        }
    }
}
