//! A platform's shared token in PostgreSQL ([`crate::token_store`]): one row of
//! `cardform_platform_tokens` per key (the component AppID) holding the caller's sealed
//! bytes and their expiry; the cross-process lock is a session-level
//! `pg_advisory_lock` on a key derived from it, on this store's own connection (a
//! killed runner's session ends and releases it).

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::super::error::StateError;
use super::super::token_store::{StoredToken, TokenLockGuard, TokenStore, poll_lock};
use super::connect_with_table;
use super::worker::{Worker, backend_err, pg_detail};

const TOKENS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cardform_platform_tokens (
    component_appid text PRIMARY KEY,
    sealed bytea NOT NULL,
    expires_at bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
";

/// The advisory lock key of `key`'s entry (apart from every state's lock key, which
/// hashes another prefix).
fn lock_key(key: &str) -> i64 {
    let digest = Sha256::digest(format!("cardform platform token lock\0{key}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(b)
}

/// The PostgreSQL store of one platform's token.
pub struct PgTokenStore {
    key: String,
    lock_key: i64,
    location: String,
    worker: Arc<Worker>,
}

impl PgTokenStore {
    /// Connects (as the state backend does) and creates the table if it is missing.
    ///
    /// # Errors
    /// The URL is refused or the server cannot be reached.
    pub fn open(url: &str, key: &str) -> Result<PgTokenStore, StateError> {
        let (target, worker) = connect_with_table(url, "cardform_platform_tokens", TOKENS_SCHEMA)?;
        let location = target.location.clone();
        Ok(PgTokenStore {
            key: key.to_string(),
            lock_key: lock_key(key),
            location,
            worker,
        })
    }
}

struct PgGuard {
    worker: Arc<Worker>,
    key: i64,
    location: String,
}

impl TokenLockGuard for PgGuard {}

impl Drop for PgGuard {
    fn drop(&mut self) {
        let key = self.key;
        let _ = self.worker.call(&self.location, move |c| {
            c.query_one("SELECT pg_advisory_unlock($1)", &[&key])
        });
    }
}

impl TokenStore for PgTokenStore {
    fn lock(&self, wait: Duration) -> Result<Option<Box<dyn TokenLockGuard>>, StateError> {
        let key = self.lock_key;
        poll_lock(wait, || {
            let got = self
                .worker
                .call(&self.location, move |c| {
                    c.query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                        .map(|r| r.get::<_, bool>(0))
                })?
                .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
            Ok(got.then(|| {
                Box::new(PgGuard {
                    worker: Arc::clone(&self.worker),
                    key,
                    location: self.location.clone(),
                }) as Box<dyn TokenLockGuard>
            }))
        })
    }

    fn load(&self) -> Result<Option<StoredToken>, StateError> {
        let key = self.key.clone();
        let row = self
            .worker
            .call(&self.location, move |c| {
                c.query_opt(
                    "SELECT sealed, expires_at FROM cardform_platform_tokens WHERE component_appid = $1",
                    &[&key],
                )
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        Ok(row.map(|r| StoredToken {
            sealed: r.get(0),
            expires_at: r.get(1),
        }))
    }

    fn store(&self, token: &StoredToken) -> Result<(), StateError> {
        let key = self.key.clone();
        let sealed = token.sealed.clone();
        let expires_at = token.expires_at;
        self.worker
            .call(&self.location, move |c| {
                c.execute(
                    "INSERT INTO cardform_platform_tokens (component_appid, sealed, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (component_appid) DO UPDATE SET sealed = EXCLUDED.sealed,
                     expires_at = EXCLUDED.expires_at, updated_at = now()",
                    &[&key, &sealed, &expires_at],
                )
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        Ok(())
    }

    fn clear(&self) -> Result<(), StateError> {
        let key = self.key.clone();
        self.worker
            .call(&self.location, move |c| {
                c.execute(
                    "DELETE FROM cardform_platform_tokens WHERE component_appid = $1",
                    &[&key],
                )
            })?
            .map_err(|e| backend_err(&self.location, pg_detail(&e)))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "{} (table cardform_platform_tokens, component_appid = '{}')",
            self.location, self.key
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_lock_is_apart_from_the_state_locks() {
        assert_ne!(lock_key("wxc"), super::super::lock_key("wxc"));
        assert_ne!(lock_key("wxc"), lock_key("wxd"));
    }
}
