//! The component token shared by every process of a platform's runs (the shards of a
//! CI matrix, the runs one after another) through the state backend, sealed
//! (docs/platform.md "Tokens").
//!
//! Issue 23 asks for one `api_component_token` per run, shared across shards through
//! the state backend, since WeChat limits how often it may be fetched; the standards
//! say tokens never reach the state in readable form. Both hold: the token is stored
//! only sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the component
//! AppSecret, which every shard has and the state's readers need not have. The
//! component AppID, the endpoint, the format and the expiry are authenticated with it
//! (AES-GCM's associated data), so an entry moved to another platform or endpoint, or
//! with its expiry edited, does not open.
//!
//! An entry that does not open (another secret, tampered with, another format), that
//! has less than [`COMPONENT_TOKEN_REUSE_MARGIN_SECS`] left, or a store that cannot be
//! reached, is a miss: the token is fetched as without a cache. Nothing here stops a
//! run.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use cardform_client::{CacheTurn, ComponentTokenCache, PlatformClient, Secret};
use cardform_spec::platform::COMPONENT_TOKEN_REUSE_MARGIN_SECS;
use hkdf::Hkdf;
use sha2::Sha256;

use crate::config::trust::OperatorSettings;
use crate::i18n::tr;
use crate::state::{StateError, StoredToken, TokenLockGuard, TokenStore, open_token_store};

use super::project::Platform;

/// The sealed entry's format (the first byte); another one does not open.
const FORMAT: u8 = 1;
/// HKDF's salt: whose key this is.
const KDF_SALT: &[u8] = b"cardform state-backend token seal";
/// The file name under `state/_platform/` (`.sealed`, `.lock`).
const FILE_NAME: &str = "component-token";
/// How long a process waits for another to finish fetching before it fetches itself.
pub const LOCK_WAIT: Duration = Duration::from_secs(20);
const NONCE_LEN: usize = 12;

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Seals and opens one platform's component token.
pub struct Sealer {
    cipher: Aes256Gcm,
    component_appid: String,
    endpoint: String,
}

impl Sealer {
    /// The sealer of `component_appid`'s token at `endpoint`, keyed by the component
    /// AppSecret.
    pub fn new(component_secret: &Secret, component_appid: &str, endpoint: &str) -> Sealer {
        let mut key = [0u8; 32];
        let info = format!("cardform/component_access_token/{component_appid}");
        // 32 bytes is far below HKDF-SHA256's limit (255 × 32): expand cannot fail.
        let _ = Hkdf::<Sha256>::new(Some(KDF_SALT), component_secret.expose().as_bytes())
            .expand(info.as_bytes(), &mut key);
        let cipher = Aes256Gcm::new(&key.into());
        Sealer {
            cipher,
            component_appid: component_appid.to_string(),
            endpoint: endpoint.trim_end_matches('/').to_string(),
        }
    }

    fn aad(&self, expires_at: i64) -> Vec<u8> {
        format!(
            "cardform component_access_token v{FORMAT}\0{}\0{}\0{expires_at}",
            self.component_appid, self.endpoint
        )
        .into_bytes()
    }

    /// `token`, valid until `expires_at` (Unix seconds), sealed: the format byte, a
    /// random nonce, the ciphertext and its tag.
    pub fn seal(&self, token: &str, expires_at: i64) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let aad = self.aad(expires_at);
        let sealed = self.cipher.encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: token.as_bytes(),
                aad: &aad,
            },
        );
        let mut out = Vec::with_capacity(1 + NONCE_LEN + token.len() + 16);
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        // AES-GCM encrypts any message shorter than 64 GiB; an empty entry would simply
        // not open.
        out.extend_from_slice(&sealed.unwrap_or_default());
        out
    }

    /// The token `sealed` holds, if it was sealed by this sealer (same secret, AppID,
    /// endpoint, format) for `expires_at` and not altered since.
    pub fn open(&self, sealed: &[u8], expires_at: i64) -> Option<String> {
        let (&format, rest) = sealed.split_first()?;
        if format != FORMAT || rest.len() < NONCE_LEN + 16 {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let aad = self.aad(expires_at);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()?;
        String::from_utf8(plain).ok().filter(|t| !t.is_empty())
    }
}

type Opener = Box<dyn Fn() -> Result<Box<dyn TokenStore>, StateError> + Send + Sync>;

struct Inner {
    open: Opener,
    /// Opened on first use (a PostgreSQL connection only when a token is needed).
    store: OnceLock<Option<Box<dyn TokenStore>>>,
    sealer: Sealer,
    margin: Duration,
    lock_wait: Duration,
}

impl Inner {
    fn store(&self) -> Option<&dyn TokenStore> {
        self.store
            .get_or_init(|| match (self.open)() {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::debug!("the component token cache cannot be opened ({e}); fetching");
                    None
                }
            })
            .as_deref()
    }

    fn lock(&self, store: &dyn TokenStore) -> Option<Box<dyn TokenLockGuard>> {
        match store.lock(self.lock_wait) {
            Ok(Some(g)) => Some(g),
            Ok(None) => {
                tracing::debug!(
                    "another process held the component token lock for {:?}; going on without it",
                    self.lock_wait
                );
                None
            }
            Err(e) => {
                tracing::debug!("the component token lock cannot be taken ({e})");
                None
            }
        }
    }

    /// The entry's token and how long it is valid, if it opens and has the margin left.
    fn read(&self, store: &dyn TokenStore) -> Option<(String, Duration)> {
        let entry = match store.load() {
            Ok(e) => e?,
            Err(e) => {
                tracing::debug!("the component token cache cannot be read ({e})");
                return None;
            }
        };
        let left = u64::try_from(entry.expires_at.saturating_sub(unix_now())).ok()?;
        if left < self.margin.as_secs() {
            tracing::debug!("the cached component token has {left} s left; fetching anew");
            return None;
        }
        match self.sealer.open(&entry.sealed, entry.expires_at) {
            Some(token) => Some((token, Duration::from_secs(left))),
            None => {
                tracing::debug!(
                    "the cached component token does not open (another secret, altered, or another format); fetching"
                );
                None
            }
        }
    }
}

/// The [`ComponentTokenCache`] of a platform: its state backend, sealed.
pub struct StateTokenCache {
    inner: Arc<Inner>,
}

impl StateTokenCache {
    /// A cache over the store `open` opens (on first use), sealed by `sealer`.
    pub fn new(
        open: impl Fn() -> Result<Box<dyn TokenStore>, StateError> + Send + Sync + 'static,
        sealer: Sealer,
        lock_wait: Duration,
    ) -> StateTokenCache {
        StateTokenCache {
            inner: Arc::new(Inner {
                open: Box::new(open),
                store: OnceLock::new(),
                sealer,
                margin: Duration::from_secs(COMPONENT_TOKEN_REUSE_MARGIN_SECS),
                lock_wait,
            }),
        }
    }
}

struct Turn {
    inner: Arc<Inner>,
    /// Released when the turn ends (after the fresh token is stored).
    _guard: Option<Box<dyn TokenLockGuard>>,
}

impl CacheTurn for Turn {
    fn cached(&mut self) -> Option<(Secret, Duration)> {
        let store = self.inner.store()?;
        self.inner
            .read(store)
            .map(|(token, left)| (Secret::new(token), left))
    }

    fn fetched(self: Box<Self>, token: &Secret, expires_in: Duration) {
        let Some(store) = self.inner.store() else {
            return;
        };
        let expires_at =
            unix_now().saturating_add(i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX));
        let entry = StoredToken {
            sealed: self.inner.sealer.seal(token.expose(), expires_at),
            expires_at,
        };
        if let Err(e) = store.store(&entry) {
            tracing::debug!("the component token cannot be cached ({e})");
        }
    }
}

impl ComponentTokenCache for StateTokenCache {
    fn begin(&self) -> Box<dyn CacheTurn> {
        let guard = self.inner.store().and_then(|s| self.inner.lock(s));
        Box::new(Turn {
            inner: Arc::clone(&self.inner),
            _guard: guard,
        })
    }

    fn refused(&self, token: &Secret) {
        let Some(store) = self.inner.store() else {
            return;
        };
        let _guard = self.inner.lock(store);
        let entry = match store.load() {
            Ok(Some(e)) => e,
            _ => return,
        };
        let holds_it = self
            .inner
            .sealer
            .open(&entry.sealed, entry.expires_at)
            .is_some_and(|t| t == token.expose());
        if holds_it && let Err(e) = store.clear() {
            tracing::debug!("the refused component token cannot be cleared ({e})");
        }
    }
}

/// The state setting the platform's run uses: the operator's (`--state`,
/// `CARDFORM_STATE`) over the root `cardform.toml`'s.
fn state_setting<'a>(platform: &'a Platform, operator: &'a OperatorSettings) -> Option<&'a str> {
    operator
        .state
        .as_ref()
        .map(|(s, _)| s.as_str())
        .or(platform.file.state.as_deref())
}

/// The cache of `platform`'s component token for a run against `endpoint`: the
/// PostgreSQL table when the state is a database, else `state/_platform/` under the
/// platform's folder.
pub fn for_run(
    platform: &Platform,
    operator: &OperatorSettings,
    component_secret: &Secret,
    endpoint: &str,
) -> Arc<dyn ComponentTokenCache> {
    let appid = platform.file.platform.component_appid.clone();
    let sealer = Sealer::new(component_secret, &appid, endpoint);
    let root = std::path::absolute(&platform.root).unwrap_or_else(|_| platform.root.clone());
    let setting = state_setting(platform, operator).map(str::to_string);
    Arc::new(StateTokenCache::new(
        move || open_token_store(&root, setting.as_deref(), &appid, FILE_NAME),
        sealer,
        LOCK_WAIT,
    ))
}

/// The run's summary line: accounts, component token fetches (saying so when the one
/// cached in the state was used instead), open-platform calls.
pub fn summary(client: &PlatformClient, accounts: usize) -> String {
    let fetches = client.component_fetches();
    if fetches == 0 && client.component_cache_hits() > 0 {
        tr!(
            "pf-tok-run-summary-cached",
            n = accounts,
            calls = client.calls_made()
        )
    } else {
        tr!(
            "pf-run-summary",
            n = accounts,
            fetches = fetches,
            calls = client.calls_made()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "component-token-0123456789abcdefghijklmnopqrstuvwxyz";

    fn sealer(secret: &str) -> Sealer {
        Sealer::new(
            &Secret::new(secret),
            "wxcomponent1",
            "https://api.weixin.qq.com",
        )
    }

    #[test]
    fn a_sealed_token_opens_with_the_same_secret_only() {
        let s = sealer("secret-a");
        let sealed = s.seal(TOKEN, 1_900_000_000);
        assert_eq!(s.open(&sealed, 1_900_000_000).as_deref(), Some(TOKEN));
        // Nothing readable: neither the token nor a piece of it.
        assert!(
            !sealed
                .windows(8)
                .any(|w| TOKEN.as_bytes().windows(8).any(|t| t == w))
        );
        // Two seals differ (a fresh nonce each time).
        assert_ne!(sealed, s.seal(TOKEN, 1_900_000_000));
        // Another secret, AppID or endpoint: no key, no token.
        assert_eq!(sealer("secret-b").open(&sealed, 1_900_000_000), None);
        let other_app = Sealer::new(
            &Secret::new("secret-a"),
            "wxcomponent2",
            "https://api.weixin.qq.com",
        );
        assert_eq!(other_app.open(&sealed, 1_900_000_000), None);
        let other_end = Sealer::new(
            &Secret::new("secret-a"),
            "wxcomponent1",
            "http://127.0.0.1:1",
        );
        assert_eq!(other_end.open(&sealed, 1_900_000_000), None);
    }

    #[test]
    fn a_tampered_entry_or_another_format_does_not_open() {
        let s = sealer("secret-a");
        let sealed = s.seal(TOKEN, 1_900_000_000);
        // The expiry is authenticated: moving it does not open.
        assert_eq!(s.open(&sealed, 1_900_000_001), None);
        for i in [0, 1, 13, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(s.open(&bad, 1_900_000_000), None, "byte {i}");
        }
        assert_eq!(s.open(&sealed[..20], 1_900_000_000), None);
        assert_eq!(s.open(&[], 1_900_000_000), None);
    }

    /// A store in memory (the lock is the process's own).
    #[derive(Default)]
    struct Memory(std::sync::Mutex<Option<StoredToken>>);

    struct NoGuard;
    impl TokenLockGuard for NoGuard {}

    /// One process's handle on the memory store.
    struct Handle(Arc<Memory>);

    impl TokenStore for Handle {
        fn lock(&self, _: Duration) -> Result<Option<Box<dyn TokenLockGuard>>, StateError> {
            Ok(Some(Box::new(NoGuard)))
        }
        fn load(&self) -> Result<Option<StoredToken>, StateError> {
            Ok(self.0.0.lock().map(|g| g.clone()).unwrap_or_default())
        }
        fn store(&self, token: &StoredToken) -> Result<(), StateError> {
            if let Ok(mut g) = self.0.0.lock() {
                *g = Some(token.clone());
            }
            Ok(())
        }
        fn clear(&self) -> Result<(), StateError> {
            if let Ok(mut g) = self.0.0.lock() {
                *g = None;
            }
            Ok(())
        }
        fn describe(&self) -> String {
            "memory".into()
        }
    }

    fn cache(mem: &Arc<Memory>, secret: &str) -> StateTokenCache {
        let m = Arc::clone(mem);
        StateTokenCache::new(
            move || Ok(Box::new(Handle(Arc::clone(&m))) as Box<dyn TokenStore>),
            sealer(secret),
            Duration::ZERO,
        )
    }

    #[test]
    fn a_fetched_token_is_found_by_the_next_process_and_refusal_clears_it() {
        let mem = Arc::new(Memory::default());
        let first = cache(&mem, "secret-a");
        let mut turn = first.begin();
        assert!(turn.cached().is_none());
        turn.fetched(&Secret::new(TOKEN), Duration::from_secs(7200));
        let stored = Handle(Arc::clone(&mem))
            .load()
            .expect("load")
            .expect("an entry");
        assert!(!String::from_utf8_lossy(&stored.sealed).contains(TOKEN));
        let second = cache(&mem, "secret-a");
        let (token, left) = second.begin().cached().expect("a hit");
        assert_eq!(token.expose(), TOKEN);
        assert!(left > Duration::from_secs(7100) && left <= Duration::from_secs(7200));
        // Another secret: a miss, not an error.
        assert!(cache(&mem, "secret-b").begin().cached().is_none());
        // A refusal of another token leaves the entry; of this one clears it.
        second.refused(&Secret::new("another-token"));
        assert!(Handle(Arc::clone(&mem)).load().expect("load").is_some());
        second.refused(&Secret::new(TOKEN));
        assert!(Handle(Arc::clone(&mem)).load().expect("load").is_none());
    }

    #[test]
    fn a_token_with_less_than_the_margin_left_is_a_miss() {
        let mem = Arc::new(Memory::default());
        let c = cache(&mem, "secret-a");
        let margin = i64::try_from(COMPONENT_TOKEN_REUSE_MARGIN_SECS).expect("small");
        for (left, hit) in [(margin - 5, false), (margin + 60, true), (-10, false)] {
            let expires_at = unix_now() + left;
            Handle(Arc::clone(&mem))
                .store(&StoredToken {
                    sealed: c.inner.sealer.seal(TOKEN, expires_at),
                    expires_at,
                })
                .expect("store");
            assert_eq!(c.begin().cached().is_some(), hit, "{left} s left");
        }
    }
}
