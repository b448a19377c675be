//! Access tokens (reference §1.1): `GET /cgi-bin/token` rotates on every call and the
//! previous token stays valid for 5 minutes; `POST /cgi-bin/stable_token` returns the
//! same token until it expires unless `force_refresh`. The two are independent.
//! Tokens live in memory only: they are secrets and are never written to the data file
//! (after a restart clients get 40001 and fetch a new one, as after a WeChat rotation).

use std::collections::HashMap;

use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Value, json};

use super::reply::{ApiError, as_bool};
use super::router::Input;
use super::world::World;

/// How long a rotated-away token keeps working.
pub const ROTATION_GRACE_MS: i64 = 5 * 60 * 1000;
/// Length of an issued token (WeChat says reserve 512; today's are ~140).
pub const TOKEN_LEN: usize = 136;

struct Token {
    expires_ms: i64,
    superseded_ms: Option<i64>,
}

/// Issued tokens.
#[derive(Default)]
pub struct TokenStore {
    tokens: HashMap<String, Token>,
    classic: Option<String>,
    stable: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Classic,
    Stable,
}

impl TokenStore {
    /// Whether `token` may call the API now: 41001 missing, 40001 unknown or rotated
    /// away more than 5 minutes ago, 42001 expired.
    ///
    /// # Errors
    /// The errcode WeChat answers.
    pub fn check(&self, token: Option<&str>, now_ms: i64) -> Result<(), ApiError> {
        let token = match token {
            None | Some("") => return Err(ApiError::new(41001)),
            Some(t) => t,
        };
        let Some(t) = self.tokens.get(token) else {
            return Err(ApiError::new(40001));
        };
        if now_ms >= t.expires_ms {
            return Err(ApiError::new(42001));
        }
        if t.superseded_ms
            .is_some_and(|s| now_ms >= s.saturating_add(ROTATION_GRACE_MS))
        {
            return Err(ApiError::new(40001));
        }
        Ok(())
    }

    fn current(&self, kind: Kind, now_ms: i64) -> Option<(&str, i64)> {
        let id = match kind {
            Kind::Classic => self.classic.as_deref()?,
            Kind::Stable => self.stable.as_deref()?,
        };
        let t = self.tokens.get(id)?;
        (t.superseded_ms.is_none() && now_ms < t.expires_ms).then_some((id, t.expires_ms))
    }

    fn issue(&mut self, kind: Kind, now_ms: i64, ttl_ms: i64) -> (String, i64) {
        // Forget tokens long dead so a long benchmark does not grow memory.
        self.tokens.retain(|_, t| {
            let dead = t
                .superseded_ms
                .map_or(t.expires_ms, |s| s.saturating_add(ROTATION_GRACE_MS))
                .min(t.expires_ms);
            dead.saturating_add(3_600_000) > now_ms
        });
        let slot = match kind {
            Kind::Classic => &mut self.classic,
            Kind::Stable => &mut self.stable,
        };
        if let Some(old) = slot.as_ref().and_then(|id| self.tokens.get_mut(id)) {
            old.superseded_ms.get_or_insert(now_ms);
        }
        let token: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(TOKEN_LEN)
            .map(char::from)
            .collect();
        let expires_ms = now_ms.saturating_add(ttl_ms);
        self.tokens.insert(
            token.clone(),
            Token {
                expires_ms,
                superseded_ms: None,
            },
        );
        *slot = Some(token.clone());
        (token, expires_ms)
    }
}

fn credentials(
    world: &World,
    get: impl Fn(&str) -> Option<String>,
    kind: Kind,
) -> Result<(), ApiError> {
    let grant = get("grant_type");
    let appid = get("appid").ok_or_else(|| ApiError::new(41002))?;
    let secret = get("secret").ok_or_else(|| ApiError::new(41004))?;
    if grant.as_deref() != Some("client_credential") {
        return Err(ApiError::new(40002));
    }
    if appid != world.appid {
        return Err(ApiError::new(40013));
    }
    if secret != world.secret {
        return Err(ApiError::new(match kind {
            Kind::Classic => 40001,
            Kind::Stable => 40125,
        }));
    }
    Ok(())
}

fn answer(token: String, expires_ms: i64, now_ms: i64) -> Value {
    // Success has no errcode here, as WeChat's token endpoint answers.
    json!({ "access_token": token, "expires_in": ((expires_ms - now_ms) / 1000).max(0) })
}

/// `GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…`
pub fn classic(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    credentials(world, |k| input.query.get(k).cloned(), Kind::Classic)?;
    let now = world.now_ms();
    let ttl = i64::try_from(world.token_ttl_secs)
        .unwrap_or(i64::MAX)
        .saturating_mul(1000);
    let (token, exp) = world.tokens.issue(Kind::Classic, now, ttl);
    Ok(answer(token, exp, now))
}

/// `POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh?}`
pub fn stable(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    credentials(
        world,
        |k| body.get(k).and_then(Value::as_str).map(str::to_string),
        Kind::Stable,
    )?;
    let force = body.get("force_refresh").and_then(as_bool).unwrap_or(false);
    let now = world.now_ms();
    if !force && let Some((token, exp)) = world.tokens.current(Kind::Stable, now) {
        return Ok(answer(token.to_string(), exp, now));
    }
    let ttl = i64::try_from(world.token_ttl_secs)
        .unwrap_or(i64::MAX)
        .saturating_mul(1000);
    let (token, exp) = world.tokens.issue(Kind::Stable, now, ttl);
    Ok(answer(token, exp, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_the_previous_token_for_five_minutes() {
        let mut store = TokenStore::default();
        let (a, _) = store.issue(Kind::Classic, 0, 7_200_000);
        let (b, _) = store.issue(Kind::Classic, 1000, 7_200_000);
        assert!(store.check(Some(&a), 1000 + ROTATION_GRACE_MS - 1).is_ok());
        assert_eq!(
            store
                .check(Some(&a), 1000 + ROTATION_GRACE_MS)
                .map_err(|e| e.code),
            Err(40001)
        );
        assert!(store.check(Some(&b), 7_200_999).is_ok());
        assert_eq!(
            store.check(Some(&b), 7_201_000).map_err(|e| e.code),
            Err(42001)
        );
        assert_eq!(store.check(None, 0).map_err(|e| e.code), Err(41001));
        assert_eq!(store.check(Some("nope"), 0).map_err(|e| e.code), Err(40001));
    }
}
