//! The open platform's endpoints (reference §1.2, §16; paths and codes from
//! `cardform_spec::platform`): `api_component_token`, `api_authorizer_token`,
//! `api_get_authorizer_list`, `api_query_auth`, `api_get_authorizer_info`.
//!
//! Errcodes: 61005 verify ticket older than 12 h, 61006 not the current ticket,
//! 61003 authorizer unknown or revoked, 61023 wrong refresh token (each quoted from
//! WeChat's answers, see `cardform_spec::platform`), 40170 for `count` outside 1..=500
//! (the list doc's error table). The component token is read from
//! `?component_access_token=` (the older docs) or `?access_token=` (the newer ones). UNVERIFIED choices: 40013 for a
//! wrong component AppID, 40125 for a wrong component secret (as for stable_token),
//! 61009 for an unknown authorization code and 61010
//! for an expired one.
//!
//! Every handler also names the authorizer it served, for the call log.

use serde_json::{Value, json};

use cardform_spec::platform::{
    AUTHORIZER_INFO_PATH, AUTHORIZER_LIST_MAX_COUNT, AUTHORIZER_LIST_PATH, AUTHORIZER_TOKEN_PATH,
    COMPONENT_TOKEN_PATH, LIST_COUNT_EXCEEDED, NOT_AUTHORIZED, QUERY_AUTH_PATH,
    REFRESH_TOKEN_INVALID, TICKET_EXPIRED, TICKET_INVALID, ticket_is_stale,
};

use super::platform::lock;
use super::records::tokens::Kind;
use super::reply::{ApiError, opt_u64, req_str};
use super::request::Input;
use super::world::{Platform, World};

type PlatformState = super::platform::PlatformState<World>;

/// An answer and the authorizer it was for.
pub type Answer = Result<(Value, Option<String>), ApiError>;

/// A handler of the open platform.
pub type Handler = fn(&Platform, &Input) -> Answer;

/// One open-platform endpoint (all `POST` with a JSON body).
pub struct Route {
    pub path: &'static str,
    pub handler: Handler,
}

/// Every open-platform path the emulator serves.
pub const ROUTES: &[Route] = &[
    Route {
        path: COMPONENT_TOKEN_PATH,
        handler: component_token,
    },
    Route {
        path: AUTHORIZER_TOKEN_PATH,
        handler: authorizer_token,
    },
    Route {
        path: AUTHORIZER_LIST_PATH,
        handler: authorizer_list,
    },
    Route {
        path: QUERY_AUTH_PATH,
        handler: query_auth,
    },
    Route {
        path: AUTHORIZER_INFO_PATH,
        handler: authorizer_info,
    },
];

/// The route for `path`, if it is an open-platform path.
pub fn route(path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.path == path)
}

/// Runs `f` on the platform's state; without a platform every call is 40013 (the
/// component AppID is unknown).
fn with_state<T>(
    platform: &Platform,
    f: impl FnOnce(&mut PlatformState) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut state = lock(&platform.state);
    match state.as_mut() {
        Some(s) => f(s),
        None => Err(ApiError::with(40013, "(no third-party platform is set up)")),
    }
}

/// The body's `component_appid` is this component's.
fn check_appid(state: &PlatformState, input: &Input) -> Result<(), ApiError> {
    if req_str(&input.json, "component_appid")? != state.component_appid {
        return Err(ApiError::new(40013));
    }
    Ok(())
}

/// `?component_access_token=` is valid now, and the body names this component.
fn check_token(platform: &Platform, state: &PlatformState, input: &Input) -> Result<(), ApiError> {
    let token = input
        .query
        .get("component_access_token")
        .or_else(|| input.query.get("access_token"));
    state
        .tokens
        .check(token.map(String::as_str), platform.now_ms())?;
    check_appid(state, input)
}

fn expires_in(expires_ms: i64, now_ms: i64) -> i64 {
    ((expires_ms - now_ms) / 1000).max(0)
}

/// `POST api_component_token {component_appid, component_appsecret,
/// component_verify_ticket}` → `{component_access_token, expires_in}`.
pub fn component_token(platform: &Platform, input: &Input) -> Answer {
    with_state(platform, |s| {
        check_appid(s, input)?;
        if req_str(&input.json, "component_appsecret")? != s.component_secret {
            return Err(ApiError::new(40125));
        }
        if req_str(&input.json, "component_verify_ticket")? != s.ticket {
            return Err(ApiError::new(TICKET_INVALID));
        }
        let now = platform.now_ms();
        if ticket_is_stale(s.ticket_created_s, now.div_euclid(1000)) {
            return Err(ApiError::new(TICKET_EXPIRED));
        }
        let (token, exp) = s
            .tokens
            .issue(Kind::Component, now, platform.token_ttl_ms());
        // No errcode on success, as the token endpoints answer.
        Ok((
            json!({ "component_access_token": token, "expires_in": expires_in(exp, now) }),
            None,
        ))
    })
}

/// `POST api_authorizer_token {component_appid, authorizer_appid,
/// authorizer_refresh_token}` → `{authorizer_access_token, expires_in,
/// authorizer_refresh_token}`.
pub fn authorizer_token(platform: &Platform, input: &Input) -> Answer {
    let appid = with_state(platform, |s| {
        check_token(platform, s, input)?;
        Ok(req_str(&input.json, "authorizer_appid")?.to_string())
    })?;
    let refresh = req_str(&input.json, "authorizer_refresh_token")?;
    let Some(auth) = platform.authorizer(&appid) else {
        return Err(ApiError::new(NOT_AUTHORIZED));
    };
    let result = {
        let access = lock(&auth.access);
        if access.revoked {
            Err(ApiError::new(NOT_AUTHORIZED))
        } else if access.refresh_token != refresh {
            Err(ApiError::new(REFRESH_TOKEN_INVALID))
        } else {
            Ok(access.refresh_token.clone())
        }
    };
    let refresh = result?;
    let now = platform.now_ms();
    let (token, exp) = platform.issue_authorizer_token(&auth);
    Ok((
        json!({
            "authorizer_access_token": token,
            "expires_in": expires_in(exp, now),
            "authorizer_refresh_token": refresh,
        }),
        Some(appid),
    ))
}

/// `POST api_get_authorizer_list {component_appid, offset, count ≤ 500}` →
/// `{total_count, list[{authorizer_appid, refresh_token, auth_time}]}`; revoked
/// authorizers are not listed.
pub fn authorizer_list(platform: &Platform, input: &Input) -> Answer {
    with_state(platform, |s| {
        check_token(platform, s, input)?;
        let offset = opt_u64(&input.json, "offset")?.unwrap_or(0);
        let count = opt_u64(&input.json, "count")?.unwrap_or(0);
        if count == 0 || count > u64::from(AUTHORIZER_LIST_MAX_COUNT) {
            return Err(ApiError::with(
                LIST_COUNT_EXCEEDED,
                format!("(count must be 1..={AUTHORIZER_LIST_MAX_COUNT})"),
            ));
        }
        let live: Vec<_> = s.authorizers.iter().filter(|a| !a.is_revoked()).collect();
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(live.len());
        let end = start
            .saturating_add(usize::try_from(count).unwrap_or(usize::MAX))
            .min(live.len());
        let list: Vec<Value> = live[start..end]
            .iter()
            .map(|a| {
                json!({
                    "authorizer_appid": a.appid,
                    "refresh_token": lock(&a.access).refresh_token,
                    "auth_time": a.auth_time,
                })
            })
            .collect();
        Ok((json!({ "total_count": live.len(), "list": list }), None))
    })
}

/// `POST api_query_auth {component_appid, authorization_code}` →
/// `{authorization_info{authorizer_appid, authorizer_access_token, expires_in,
/// authorizer_refresh_token, func_info}}`. Codes come from
/// `POST /__emulator/platform/authorize` and work once.
pub fn query_auth(platform: &Platform, input: &Input) -> Answer {
    let appid = with_state(platform, |s| {
        check_token(platform, s, input)?;
        let code = req_str(&input.json, "authorization_code")?;
        let (appid, expires) = s.codes.remove(code).ok_or_else(|| ApiError::new(61009))?;
        if platform.now_ms() >= expires {
            return Err(ApiError::new(61010));
        }
        Ok(appid)
    })?;
    let Some(auth) = platform.authorizer(&appid).filter(|a| !a.is_revoked()) else {
        return Err(ApiError::new(NOT_AUTHORIZED));
    };
    let now = platform.now_ms();
    let (token, exp) = platform.issue_authorizer_token(&auth);
    let refresh = lock(&auth.access).refresh_token.clone();
    Ok((
        json!({ "authorization_info": {
            "authorizer_appid": appid,
            "authorizer_access_token": token,
            "expires_in": expires_in(exp, now),
            "authorizer_refresh_token": refresh,
            "func_info": auth.func_info(),
        }}),
        Some(appid),
    ))
}

/// `POST api_get_authorizer_info {component_appid, authorizer_appid}` →
/// `{authorizer_info{…}, authorization_info{authorizer_appid, authorizer_refresh_token,
/// func_info}}`.
pub fn authorizer_info(platform: &Platform, input: &Input) -> Answer {
    let appid = with_state(platform, |s| {
        check_token(platform, s, input)?;
        Ok(req_str(&input.json, "authorizer_appid")?.to_string())
    })?;
    let Some(auth) = platform.authorizer(&appid).filter(|a| !a.is_revoked()) else {
        return Err(ApiError::new(NOT_AUTHORIZED));
    };
    let refresh = lock(&auth.access).refresh_token.clone();
    Ok((
        json!({
            "authorizer_info": {
                "nick_name": auth.nick_name,
                "head_img": "",
                "service_type_info": { "id": 2 },
                "verify_type_info": { "id": 0 },
                "user_name": auth.user_name,
                "principal_name": auth.nick_name,
                "alias": "",
                "business_info": {
                    "open_store": 0, "open_scan": 0, "open_pay": 0,
                    "open_card": i64::from(auth.has_card_permission()), "open_shake": 0
                },
                "qrcode_url": "",
                "idc": 1,
                "signature": "",
            },
            "authorization_info": {
                "authorizer_appid": appid,
                "authorizer_refresh_token": refresh,
                "func_info": auth.func_info(),
            },
        }),
        Some(appid),
    ))
}
