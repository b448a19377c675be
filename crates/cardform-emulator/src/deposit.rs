//! Custom codes (reference §2 rows 16–19): `card/code/deposit` imports codes for an
//! import-code card (at most 100 a call, 40109 otherwise), `getdepositcount` counts
//! them, `checkcode` tells which were imported, and `card/code/update` changes a code
//! a user holds (custom-code cards only).
//!
//! UNVERIFIED choices: `code/update` on a card without `use_custom_code` answers 43009
//! (no custom-code permission, [`NOT_CUSTOM_CODE_ERRCODE`]); a `new_code` that already
//! exists answers 40116 (invalid code).

use serde_json::{Value, json};

use super::persistence::Entry;
use super::reply::{ApiError, as_bool, card_id_of, ok, req_str};
use super::request::Input;
use super::world::World;

/// At most this many codes per deposit or check call (reference §2, HGY: 40109).
pub const MAX_CODES_PER_CALL: usize = 100;
/// What `card/code/update` answers on a card without custom codes (UNVERIFIED).
pub const NOT_CUSTOM_CODE_ERRCODE: i64 = 43009;

fn codes_of(body: &Value) -> Result<Vec<String>, ApiError> {
    let list = match body.get("code") {
        None | Some(Value::Null) => return Err(ApiError::with(41011, "code")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::with(47001, "code must be a list of strings")),
    };
    if list.len() > MAX_CODES_PER_CALL {
        return Err(ApiError::with(
            40109,
            format!("{} codes, at most {MAX_CODES_PER_CALL} a call", list.len()),
        ));
    }
    list.iter()
        .map(|c| c.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ApiError::with(47001, "code must be a list of strings"))
}

/// `POST /card/code/deposit {card_id, code: [...]}` → succ/duplicate/fail lists.
pub fn deposit(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    let mut card = world.live_card(id)?;
    let codes = codes_of(&input.json)?;
    let (mut succ, mut dup, mut fail) = (Vec::new(), Vec::new(), Vec::new());
    for code in codes {
        if code.is_empty() || code.len() > 20 {
            fail.push(code);
        } else if card.deposited.contains(&code) || succ.contains(&code) {
            dup.push(code);
        } else {
            succ.push(code);
        }
    }
    card.deposited.extend(succ.iter().cloned());
    card.raw = None;
    world.commit(Entry::Card(card))?;
    Ok(ok(
        json!({ "succ_code": succ, "duplicate_code": dup, "fail_code": fail }),
    ))
}

/// `POST /card/code/getdepositcount {card_id}` → `count`.
pub fn deposit_count(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    let card = world.live_card(id)?;
    Ok(ok(json!({ "count": card.deposited.len() })))
}

/// `POST /card/code/checkcode {card_id, code: [...]}` → exist / not_exist lists.
pub fn check(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    let card = world.live_card(id)?;
    let (exist, not_exist): (Vec<String>, Vec<String>) = codes_of(&input.json)?
        .into_iter()
        .partition(|c| card.deposited.contains(c));
    Ok(ok(
        json!({ "exist_code": exist, "not_exist_code": not_exist }),
    ))
}

/// `POST /card/code/update {card_id?, code, new_code}`.
pub fn update_code(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let code = req_str(body, "code")?.to_string();
    let new_code = req_str(body, "new_code")?.to_string();
    let mut rec = world
        .codes
        .get(&code)
        .filter(|c| c.replaced_by.is_none())
        .cloned()
        .ok_or_else(|| ApiError::new(40056))?;
    if let Some(card_id) = body.get("card_id").and_then(Value::as_str)
        && !card_id.is_empty()
        && card_id != rec.card_id
    {
        return Err(ApiError::with(40056, "(the code belongs to another card)"));
    }
    let custom = world
        .cards
        .get(&rec.card_id)
        .and_then(|c| {
            c.body_map()
                .get("base_info")
                .and_then(|b| b.get("use_custom_code"))
                .and_then(as_bool)
        })
        .unwrap_or(false);
    if !custom {
        return Err(ApiError::with(
            NOT_CUSTOM_CODE_ERRCODE,
            "(only custom-code cards change codes)",
        ));
    }
    if new_code.is_empty() || world.codes.contains_key(&new_code) {
        return Err(ApiError::with(
            40116,
            "(new_code is empty or already in use)",
        ));
    }
    // The old code stays on record as replaced (it then answers 40056), the new one
    // takes over the user's card.
    let mut old = rec.clone();
    old.replaced_by = Some(new_code.clone());
    rec.code = new_code;
    world.commit_all(vec![Entry::Code(old), Entry::Code(rec)])?;
    Ok(ok(json!({})))
}
