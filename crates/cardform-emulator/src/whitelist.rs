//! `card/testwhitelist/set` (reference §6.4): a full replacement of at most 10 users
//! (openids and WeChat usernames together). Listed users may claim cards that are not
//! approved (still in review or rejected), friends coupons included (§8.5). The list
//! itself is [`Whitelist`] in `records`.

use serde_json::{Value, json};

use super::persistence::Entry;
use super::records::Whitelist;
use super::reply::{ApiError, ok};
use super::request::Input;
use super::world::World;

/// The largest whitelist.
pub const MAX_WHITELIST: usize = 10;

fn names(body: &Value, key: &str) -> Result<Vec<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::with(47001, format!("{key} must be a list of strings"))),
        Some(_) => Err(ApiError::with(
            47001,
            format!("{key} must be a list of strings"),
        )),
    }
}

/// `POST /card/testwhitelist/set {openid?: [], username?: []}`.
pub fn set(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let openid = names(&input.json, "openid")?;
    let username = names(&input.json, "username")?;
    if openid.len() + username.len() > MAX_WHITELIST {
        // The errcode for an over-long whitelist is not documented; emulator choice.
        return Err(ApiError::with(
            40097,
            format!("the whitelist takes at most {MAX_WHITELIST} users"),
        ));
    }
    let list = Whitelist { openid, username };
    let answer = ok(json!({
        "white_list_size": list.openid.len() + list.username.len(),
        "success_openid": list.openid,
        "success_username": list.username,
    }));
    world.commit(Entry::Whitelist(list))?;
    Ok(answer)
}
