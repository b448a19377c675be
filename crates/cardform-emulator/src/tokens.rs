//! Access tokens (reference §1.1): `GET /cgi-bin/token` rotates on every call and the
//! previous token stays valid for 5 minutes; `POST /cgi-bin/stable_token` returns the
//! same token until it expires unless `force_refresh`. The two are independent.
//! Tokens live in memory only: they are secrets and are never written to the data file
//! (after a restart clients get 40001 and fetch a new one, as after a WeChat rotation).
//! The issued tokens and the per-call check are [`TokenStore`](crate::records::TokenStore)
//! in `records`; this file checks credentials and answers.

use serde_json::{Value, json};

use super::records::tokens::Kind;
use super::reply::{ApiError, as_bool};
use super::request::Input;
use super::world::World;

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
            // The open platform's kinds never reach this check.
            Kind::Stable | Kind::Component | Kind::Authorizer => 40125,
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
