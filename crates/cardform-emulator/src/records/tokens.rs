//! Issued access tokens as the world holds them ([`TokenStore`], memory only: tokens
//! are secrets and never reach the data file): issuing with rotation, and the check
//! every call with `access_token` goes through (reference §1.1). The token endpoints
//! are in `tokens.rs`.

use std::collections::HashMap;

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::reply::ApiError;

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
    /// The open platform's component_access_token (the platform's own store).
    component: Option<String>,
    /// An authorizer's authorizer_access_token (the authorizer world's store).
    authorizer: Option<String>,
}

/// Which endpoint a token comes from: the two rotate independently.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Classic,
    Stable,
    /// `api_component_token`.
    Component,
    /// `api_authorizer_token` / `api_query_auth`.
    Authorizer,
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

    /// The kind's current token and its expiry, if it is still valid.
    pub fn current(&self, kind: Kind, now_ms: i64) -> Option<(&str, i64)> {
        let id = match kind {
            Kind::Classic => self.classic.as_deref()?,
            Kind::Stable => self.stable.as_deref()?,
            Kind::Component => self.component.as_deref()?,
            Kind::Authorizer => self.authorizer.as_deref()?,
        };
        let t = self.tokens.get(id)?;
        (t.superseded_ms.is_none() && now_ms < t.expires_ms).then_some((id, t.expires_ms))
    }

    /// Every token issued here expires at `now_ms` (later calls with it answer 42001).
    /// Returns how many were still valid.
    pub fn expire_all(&mut self, now_ms: i64) -> usize {
        let mut n = 0;
        for t in self.tokens.values_mut() {
            if t.expires_ms > now_ms {
                t.expires_ms = now_ms;
                n += 1;
            }
        }
        n
    }

    /// Issues a new token of `kind`, superseding the previous one.
    pub fn issue(&mut self, kind: Kind, now_ms: i64, ttl_ms: i64) -> (String, i64) {
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
            Kind::Component => &mut self.component,
            Kind::Authorizer => &mut self.authorizer,
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
        // Expired before its time (the admin call): 42001 from then on.
        assert_eq!(store.expire_all(2000), 2);
        assert_eq!(store.check(Some(&b), 2000).map_err(|e| e.code), Err(42001));
        assert_eq!(store.expire_all(3000), 0);
        assert_eq!(store.check(Some("nope"), 0).map_err(|e| e.code), Err(40001));
    }
}
