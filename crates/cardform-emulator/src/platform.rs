//! The open platform (第三方平台) the emulator plays (issue 23): one component
//! (AppID, AppSecret, the current `component_verify_ticket` and when it was pushed,
//! its component tokens) and its authorizers. Every authorizer is an isolated world (a
//! [`World`] of its own: cards, stock, 券点, quotas) behind its own lock, so calls for
//! different merchants run in parallel; only the emulator clock is shared.
//!
//! Authorizer worlds, tokens, tickets and refresh tokens live in memory only (the
//! `--data` file holds the main account's world): a restarted emulator starts its
//! platform afresh, as `--platform-authorizers N` or the admin call sets it up.
//!
//! Lock order: `state` before an authorizer's `access` before its `world`; the card
//! path takes `by_token` (read) and then one world, never `state`.
//!
//! Generic over the world type `W` so this file does not import `world` (which holds
//! the platform in its `Shared`): `world::Platform` is `Platform<World>`, and
//! `world.rs` passes the function that builds an authorizer's world.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Value, json};

use cardform_spec::platform::CARD_FUNCSCOPE_ID;

use super::config::PlatformSetup;
use super::records::TokenStore;
use super::records::tokens::Kind;
use super::reply::ApiError;

/// Builds an authorizer's world from its AppID and its index (1-based, in the order
/// the authorizers were added).
pub type MakeWorld<W> = Box<dyn Fn(&str, u64) -> W + Send + Sync>;

/// Locks a mutex; a poisoned lock still yields the data (as `world::lock`).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The permission sets a new authorizer grants besides the card set (1 消息管理,
/// 2 用户管理, 3 帐号服务; ids as api_query_auth samples list them).
const OTHER_FUNC_IDS: &[i64] = &[1, 2, 3];

/// How long an authorization code from the admin API stays usable (ms).
pub const AUTH_CODE_TTL_MS: i64 = 10 * 60 * 1000;

fn random(prefix: &str, len: usize) -> String {
    let tail: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}{tail}")
}

/// What an authorizer's tokens and authorisation are now.
pub struct Access {
    pub refresh_token: String,
    pub revoked: bool,
    /// Its authorizer_access_tokens (rotation as for access tokens).
    pub tokens: TokenStore,
    /// The authorizer tokens issued last (the current and the one before), kept in
    /// the platform's token index.
    pub recent_tokens: Vec<String>,
}

/// A merchant account that authorised the platform.
pub struct Authorizer<W> {
    pub appid: String,
    pub nick_name: String,
    pub user_name: String,
    pub func_ids: Vec<i64>,
    /// Unix seconds on the emulator clock.
    pub auth_time: i64,
    pub access: Mutex<Access>,
    pub world: Mutex<W>,
}

impl<W> Authorizer<W> {
    /// Whether a card call with `token` may run: 40001 once revoked (UNVERIFIED:
    /// "invalid credential"; the refresh then answers 61003), else the token check.
    ///
    /// # Errors
    /// The errcode WeChat answers.
    pub fn check_token(&self, token: &str, now_ms: i64) -> Result<(), ApiError> {
        let access = lock(&self.access);
        if access.revoked {
            return Err(ApiError::new(40001));
        }
        access.tokens.check(Some(token), now_ms)
    }

    pub fn has_card_permission(&self) -> bool {
        self.func_ids.contains(&CARD_FUNCSCOPE_ID)
    }

    pub fn is_revoked(&self) -> bool {
        lock(&self.access).revoked
    }

    /// `func_info` as WeChat writes it.
    pub fn func_info(&self) -> Value {
        Value::Array(
            self.func_ids
                .iter()
                .map(|id| json!({ "funcscope_category": { "id": id } }))
                .collect(),
        )
    }

    /// What the admin API says about it (the refresh token included: the admin API is
    /// a test harness on loopback).
    pub fn summary(&self) -> Value {
        let access = lock(&self.access);
        json!({
            "appid": self.appid,
            "refresh_token": access.refresh_token,
            "auth_time": self.auth_time,
            "card_permission": self.has_card_permission(),
            "revoked": access.revoked,
        })
    }
}

/// The component and its authorizers.
pub struct PlatformState<W> {
    pub component_appid: String,
    pub component_secret: String,
    pub ticket: String,
    /// Unix seconds (emulator clock) when the ticket was pushed.
    pub ticket_created_s: i64,
    /// Issued component_access_tokens.
    pub tokens: TokenStore,
    /// In authorisation order (api_get_authorizer_list pages through this).
    pub authorizers: Vec<Arc<Authorizer<W>>>,
    /// Authorization codes from the admin API: code → (appid, expires ms).
    pub codes: HashMap<String, (String, i64)>,
    next_index: u64,
}

/// The open platform of one emulator (absent until set up).
pub struct Platform<W> {
    /// Builds a new authorizer's world (the emulator's config, no data file).
    make_world: MakeWorld<W>,
    token_ttl_ms: i64,
    clock: Arc<AtomicI64>,
    pub state: Mutex<Option<PlatformState<W>>>,
    /// authorizer_access_token → its authorizer: read on every card call.
    by_token: RwLock<HashMap<String, Arc<Authorizer<W>>>>,
    by_appid: RwLock<HashMap<String, Arc<Authorizer<W>>>>,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

impl<W> Platform<W> {
    /// A platform on the shared `clock` (set up with its authorizers when `setup`
    /// says so); component and authorizer tokens live `token_ttl_secs`.
    pub fn new(
        setup: Option<&PlatformSetup>,
        token_ttl_secs: u64,
        clock: Arc<AtomicI64>,
        make_world: MakeWorld<W>,
    ) -> Platform<W> {
        let platform = Platform {
            make_world,
            token_ttl_ms: i64::try_from(token_ttl_secs)
                .unwrap_or(i64::MAX)
                .saturating_mul(1000),
            clock,
            state: Mutex::new(None),
            by_token: RwLock::new(HashMap::new()),
            by_appid: RwLock::new(HashMap::new()),
        };
        if let Some(setup) = setup {
            platform.setup(
                &setup.component_appid,
                &setup.component_secret,
                setup.authorizers,
            );
        }
        platform
    }

    /// Milliseconds since the Unix epoch on the emulator clock.
    pub fn now_ms(&self) -> i64 {
        let sys = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        sys.saturating_add(self.clock.load(Ordering::Relaxed))
    }

    /// Token lifetime of component and authorizer tokens (ms): the emulator's
    /// `token_ttl_secs`, as for access tokens.
    pub fn token_ttl_ms(&self) -> i64 {
        self.token_ttl_ms
    }

    /// Sets the platform up: a new component (new ticket, no authorizers) when none
    /// exists or `component_appid` differs; then at least `authorizers` authorizers
    /// with the card permission set (existing ones are kept, never removed).
    pub fn setup(&self, component_appid: &str, component_secret: &str, authorizers: usize) {
        let now_s = self.now_ms().div_euclid(1000);
        let mut state = lock(&self.state);
        let fresh = state
            .as_ref()
            .is_none_or(|s| s.component_appid != component_appid);
        if fresh {
            write(&self.by_token).clear();
            write(&self.by_appid).clear();
            *state = Some(PlatformState {
                component_appid: component_appid.to_string(),
                component_secret: component_secret.to_string(),
                ticket: random("ticket@@@", 86),
                ticket_created_s: now_s,
                tokens: TokenStore::default(),
                authorizers: Vec::new(),
                codes: HashMap::new(),
                next_index: 1,
            });
        }
        let Some(s) = state.as_mut() else { return };
        s.component_secret = component_secret.to_string();
        while s.authorizers.len() < authorizers {
            self.add(s, true);
        }
    }

    /// Adds an authorizer (with or without the card permission set).
    pub fn add(&self, state: &mut PlatformState<W>, card_permission: bool) -> Arc<Authorizer<W>> {
        let index = state.next_index;
        state.next_index += 1;
        let appid = format!("wxa{index:015}");
        let world = (self.make_world)(&appid, index);
        let mut func_ids = OTHER_FUNC_IDS.to_vec();
        if card_permission {
            func_ids.push(CARD_FUNCSCOPE_ID);
        }
        let auth = Arc::new(Authorizer {
            nick_name: format!("emulated merchant {index}"),
            user_name: format!("gh_{index:012}"),
            appid: appid.clone(),
            func_ids,
            auth_time: self.now_ms().div_euclid(1000),
            access: Mutex::new(Access {
                refresh_token: random("refreshtoken@@@", 43),
                revoked: false,
                tokens: TokenStore::default(),
                recent_tokens: Vec::new(),
            }),
            world: Mutex::new(world),
        });
        state.authorizers.push(auth.clone());
        write(&self.by_appid).insert(appid, auth.clone());
        auth
    }

    /// Every authorizer, revoked or not (the automatic-review ticker visits their
    /// worlds).
    pub fn authorizers(&self) -> Vec<Arc<Authorizer<W>>> {
        read(&self.by_appid).values().cloned().collect()
    }

    /// The authorizer `appid`, revoked or not.
    pub fn authorizer(&self, appid: &str) -> Option<Arc<Authorizer<W>>> {
        read(&self.by_appid).get(appid).cloned()
    }

    /// Whether any authorizer token was issued (the card path skips the lookup
    /// otherwise).
    pub fn has_tokens(&self) -> bool {
        !read(&self.by_token).is_empty()
    }

    /// The authorizer an authorizer_access_token was issued to.
    pub fn by_token(&self, token: &str) -> Option<Arc<Authorizer<W>>> {
        let map = read(&self.by_token);
        if map.is_empty() {
            return None;
        }
        map.get(token).cloned()
    }

    /// Issues an authorizer_access_token for `auth` (the previous one keeps working
    /// for the rotation grace, as access tokens do) → (token, expires ms).
    pub fn issue_authorizer_token(&self, auth: &Arc<Authorizer<W>>) -> (String, i64) {
        let now = self.now_ms();
        let mut access = lock(&auth.access);
        let (token, expires) = access
            .tokens
            .issue(Kind::Authorizer, now, self.token_ttl_ms);
        let mut index = write(&self.by_token);
        access.recent_tokens.push(token.clone());
        while access.recent_tokens.len() > 2 {
            let old = access.recent_tokens.remove(0);
            index.remove(&old);
        }
        index.insert(token.clone(), auth.clone());
        (token, expires)
    }

    /// Revokes `appid`'s authorisation: its refresh token and tokens stop working.
    /// False when there is no such authorizer.
    pub fn revoke(&self, appid: &str) -> bool {
        match self.authorizer(appid) {
            Some(auth) => {
                lock(&auth.access).revoked = true;
                true
            }
            None => false,
        }
    }

    /// The merchant authorises `appid` again (after a revocation, or to update the
    /// permissions it granted): its authorisation works again with a new refresh
    /// token. `Some(was_revoked)`, or None when there is no such authorizer.
    pub fn restore(&self, appid: &str) -> Option<bool> {
        let auth = self.authorizer(appid)?;
        let mut access = lock(&auth.access);
        let was_revoked = access.revoked;
        access.revoked = false;
        access.refresh_token = random("refreshtoken@@@", 43);
        Some(was_revoked)
    }

    /// The admin API's view: component, ticket, authorizers.
    pub fn summary(&self) -> Option<Value> {
        let now = self.now_ms();
        let state = lock(&self.state);
        let s = state.as_ref()?;
        Some(json!({
            "component_appid": s.component_appid,
            "verify_ticket": s.ticket,
            "ticket_create_time": s.ticket_created_s,
            "component_access_token": s.tokens.current(Kind::Component, now).map(|(t, _)| t),
            "authorizers": s.authorizers.iter().map(|a| a.summary()).collect::<Vec<_>>(),
        }))
    }

    /// Every component_access_token issued so far expires now (as when WeChat ends a
    /// token before its `expires_in`: calls with it answer 42001) → how many were
    /// still valid, or None without a platform.
    pub fn expire_component_tokens(&self) -> Option<usize> {
        let now = self.now_ms();
        let mut state = lock(&self.state);
        Some(state.as_mut()?.tokens.expire_all(now))
    }

    /// Pushes a new verify ticket now (the old one stops being accepted) →
    /// (ticket, create time), or None without a platform.
    pub fn push_ticket(&self) -> Option<(String, i64)> {
        let now_s = self.now_ms().div_euclid(1000);
        let mut state = lock(&self.state);
        let s = state.as_mut()?;
        s.ticket = random("ticket@@@", 86);
        s.ticket_created_s = now_s;
        Some((s.ticket.clone(), now_s))
    }

    /// A single-use authorization code for `appid` (api_query_auth).
    pub fn authorization_code(&self, state: &mut PlatformState<W>, appid: &str) -> String {
        let code = random("queryauthcode@@@", 40);
        let expires = self.now_ms().saturating_add(AUTH_CODE_TTL_MS);
        state
            .codes
            .insert(code.clone(), (appid.to_string(), expires));
        code
    }
}
