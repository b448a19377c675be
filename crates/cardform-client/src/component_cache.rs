//! The seam through which a [`PlatformClient`](crate::PlatformClient) shares its
//! component token with other processes (the shards and runs of a platform): the
//! product hands it a [`ComponentTokenCache`] (which keeps the token sealed in the
//! state backend); the client asks it before fetching, tells it of a fresh token, and
//! of a token WeChat refused. The client knows nothing of where or how the token is
//! kept.
//!
//! The calls block (a lock, a file, a database); the client makes them off its async
//! threads. A cache that fails must answer as a miss: it never stops a run.

use std::time::Duration;

use super::secret::Secret;

/// A cache of the component token shared across processes. `Send + Sync`.
pub trait ComponentTokenCache: Send + Sync + 'static {
    /// Starts a check-then-fetch: takes the cross-process lock (a bounded wait; on a
    /// timeout the turn goes on without it) so that processes starting together fetch
    /// once between them.
    fn begin(&self) -> Box<dyn CacheTurn>;
    /// WeChat refused `token` (40001/42001/40014): drop it from the cache if the cache
    /// still holds it (not a newer one another process stored).
    fn refused(&self, token: &Secret);
}

/// One check-then-fetch; dropping it releases the lock.
pub trait CacheTurn: Send {
    /// The cached token and how long it is still valid (WeChat's expiry minus now), if
    /// the cache holds one that may be used.
    fn cached(&mut self) -> Option<(Secret, Duration)>;
    /// The token this process just fetched and WeChat's `expires_in`; ends the turn.
    fn fetched(self: Box<Self>, token: &Secret, expires_in: Duration);
}
