//! `cgi-bin/openapi/quota/get` (reference §12): a path's daily limit, calls used today
//! and calls remaining. The limits and counters, and the 45009/45011 checks the router
//! applies to every call, are [`QuotaState`](crate::records::QuotaState) in `records`.

use serde_json::{Value, json};

use super::reply::{ApiError, ok, req_str};
use super::request::Input;
use super::world::World;

/// `POST /cgi-bin/openapi/quota/get {cgi_path}`; 76021 for a path the API lacks
/// (`is_wechat_path` is the router's table, passed in by the router).
pub fn get(
    world: &mut World,
    input: &Input,
    is_wechat_path: fn(&str) -> bool,
) -> Result<Value, ApiError> {
    let path = req_str(&input.json, "cgi_path")?;
    if !is_wechat_path(path) {
        return Err(ApiError::new(76021));
    }
    let now = world.now_ms();
    Ok(ok(json!({ "quota": world.quota.report(path, now) })))
}
