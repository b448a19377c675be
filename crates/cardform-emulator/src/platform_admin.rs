//! The open platform's admin calls (under `/__emulator/`, dispatched by `admin`):
//!
//! | call | does |
//! |---|---|
//! | `POST /__emulator/platform {"component_appid"?, "component_secret"?, "authorizers": N}` | sets the platform up: a new component (new verify ticket) when none exists or the AppID differs, then at least N authorizers with the card permission set (existing ones kept) → the `GET` answer |
//! | `GET /__emulator/platform` | `{"component_appid", "verify_ticket", "ticket_create_time", "component_access_token" (the current one, or null), "authorizers": [{"appid", "refresh_token", "auth_time", "card_permission", "revoked"}]}` |
//! | `POST /__emulator/platform/component_token/expire` | every component_access_token issued so far expires now (calls with one answer 42001; a new one is fetched as usual) → `{"expired": N}` |
//! | `POST /__emulator/platform/authorize {"card_permission"?: bool}` | one more authorizer (card permission set by default) → `{"appid", "refresh_token", "authorization_code"}` (the code works once with api_query_auth); pushes `authorized` |
//! | `POST /__emulator/platform/authorize {"authorizer_appid"}` | that merchant authorises again: a revoked one is back in the list (pushes `authorized`), an active one updates its authorisation (pushes `updateauthorized`); a new refresh token either way |
//! | `POST /__emulator/platform/revoke {"authorizer_appid"}` | the merchant revokes: its tokens answer 40001, its refresh token 61003, it leaves the authorizer list; pushes `unauthorized` |
//! | `GET /__emulator/platform/ticket` | `{"verify_ticket", "create_time"}` |
//! | `POST /__emulator/platform/ticket` | WeChat pushes a new ticket now (the old one then answers 61006; pushed to the push URL when one is configured) → as `GET` |
//!
//! The pushes go to `/__emulator/push_config`'s URL (the platform's authorisation-event
//! URL), encrypted for the component AppID, as `push.rs` sends them.
//!
//! Defaults: component AppID `wxcomponent0000emu`, secret `emulator-component-secret`
//! (`cardform_spec::sandbox`). The answers hold tickets and tokens in clear:
//! the admin API is a loopback test harness, as the emulator's secrets are not secret.

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};
use serde_json::{Value, json};

use cardform_spec::sandbox::{EMULATOR_COMPONENT_APPID, EMULATOR_COMPONENT_SECRET};

use super::platform::lock;
use super::push;
use super::reply::json_response;
use super::world::Shared;

fn error(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    json_response(status, &json!({ "error": message.into() }))
}

fn no_platform() -> Response<Body> {
    error(
        StatusCode::NOT_FOUND,
        "no third-party platform is set up: POST /__emulator/platform {\"authorizers\": N} or start with --platform-authorizers N",
    )
}

fn summary(shared: &Shared) -> Response<Body> {
    match shared.platform.summary() {
        Some(v) => json_response(StatusCode::OK, &v),
        None => no_platform(),
    }
}

fn ticket(shared: &Shared) -> Response<Body> {
    let state = lock(&shared.platform.state);
    match state.as_ref() {
        Some(s) => json_response(
            StatusCode::OK,
            &json!({ "verify_ticket": s.ticket, "create_time": s.ticket_created_s }),
        ),
        None => no_platform(),
    }
}

/// Serves `platform` and `platform/…` (`name` is the path after `/__emulator/`).
pub fn handle(shared: &Shared, method: &Method, name: &str, body: &Value) -> Response<Body> {
    match (method, name) {
        (&Method::GET, "platform") => summary(shared),
        (&Method::POST, "platform") => {
            let text = |key: &str, default: &str| -> Result<String, String> {
                match body.get(key) {
                    None | Some(Value::Null) => Ok(default.to_string()),
                    Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                    Some(_) => Err(format!("`{key}` must be a non-empty string")),
                }
            };
            let appid = text("component_appid", EMULATOR_COMPONENT_APPID);
            let secret = text("component_secret", EMULATOR_COMPONENT_SECRET);
            let count = match body.get("authorizers") {
                None | Some(Value::Null) => Ok(0),
                Some(v) => v
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| *n <= 100_000)
                    .ok_or_else(|| "`authorizers` must be a number 0..=100000".to_string()),
            };
            match (appid, secret, count) {
                (Ok(appid), Ok(secret), Ok(count)) => {
                    shared.platform.setup(&appid, &secret, count);
                    summary(shared)
                }
                (Err(m), _, _) | (_, Err(m), _) | (_, _, Err(m)) => {
                    error(StatusCode::BAD_REQUEST, m)
                }
            }
        }
        (&Method::POST, "platform/authorize") => {
            let card_permission = match body.get("card_permission") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    return error(StatusCode::BAD_REQUEST, "`card_permission` must be a bool");
                }
            };
            let mut state = lock(&shared.platform.state);
            let Some(s) = state.as_mut() else {
                return no_platform();
            };
            let again = body.get("authorizer_appid").and_then(Value::as_str);
            let (auth, info_type) = match again {
                Some(appid) => match shared.platform.restore(appid) {
                    Some(was_revoked) => match shared.platform.authorizer(appid) {
                        Some(a) => (
                            a,
                            if was_revoked {
                                "authorized"
                            } else {
                                "updateauthorized"
                            },
                        ),
                        None => {
                            return error(StatusCode::NOT_FOUND, format!("no authorizer {appid}"));
                        }
                    },
                    None => return error(StatusCode::NOT_FOUND, format!("no authorizer {appid}")),
                },
                None => (shared.platform.add(s, card_permission), "authorized"),
            };
            let code = shared.platform.authorization_code(s, &auth.appid);
            let refresh = lock(&auth.access).refresh_token.clone();
            let now_s = shared.platform.now_ms().div_euclid(1000);
            push::authorization(
                &shared.push,
                &s.component_appid,
                now_s,
                info_type,
                &auth.appid,
                Some((&code, now_s + super::platform::AUTH_CODE_TTL_MS / 1000)),
            );
            json_response(
                StatusCode::OK,
                &json!({
                    "appid": auth.appid,
                    "refresh_token": refresh,
                    "authorization_code": code,
                    "card_permission": card_permission,
                }),
            )
        }
        (&Method::POST, "platform/revoke") => {
            let Some(appid) = body.get("authorizer_appid").and_then(Value::as_str) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "`authorizer_appid` (a string) is required",
                );
            };
            if shared.platform.revoke(appid) {
                let component = lock(&shared.platform.state)
                    .as_ref()
                    .map(|s| s.component_appid.clone());
                if let Some(component) = component {
                    let now_s = shared.platform.now_ms().div_euclid(1000);
                    push::authorization(
                        &shared.push,
                        &component,
                        now_s,
                        "unauthorized",
                        appid,
                        None,
                    );
                }
                json_response(
                    StatusCode::OK,
                    &json!({ "authorizer_appid": appid, "revoked": true }),
                )
            } else {
                error(StatusCode::NOT_FOUND, format!("no authorizer {appid}"))
            }
        }
        (&Method::POST, "platform/component_token/expire") => {
            match shared.platform.expire_component_tokens() {
                Some(n) => json_response(StatusCode::OK, &json!({ "expired": n })),
                None => no_platform(),
            }
        }
        (&Method::GET, "platform/ticket") => ticket(shared),
        (&Method::POST, "platform/ticket") => match shared.platform.push_ticket() {
            Some((minted, created_s)) => {
                let component = lock(&shared.platform.state)
                    .as_ref()
                    .map(|s| s.component_appid.clone());
                if let Some(component) = component {
                    push::verify_ticket(&shared.push, &component, &minted, created_s);
                }
                ticket(shared)
            }
            None => no_platform(),
        },
        _ => error(
            StatusCode::NOT_FOUND,
            format!("no admin call {method} /__emulator/{name}; see docs/emulator.md"),
        ),
    }
}
