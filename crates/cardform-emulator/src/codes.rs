//! Codes users hold: claims (simulated through the admin API), `card/code/get`,
//! `card/code/mark` and `card/code/consume` (reference §6.6, §8.4). The stored record
//! is [`CodeRecord`] in `records`; claims and consumes are counted through `datacube`.
//!
//! - A claim needs an approved card, or a whitelisted user (§6.4); stock (45031); at
//!   most `get_limit` per user (45033, default 50); inside the validity window, and for
//!   friends coupons no earlier than 5 days before it begins (V1.4, §8.1) → 40079.
//! - Friends coupons must be marked before consume (40003 otherwise). Seed FAQ: a
//!   friends code shows up in several users' lists, and `mark` locks it to the
//!   *current* user — whoever that is, not only the first claimer. A code locked to one
//!   openid cannot be marked by another until it is released (UNVERIFIED choice:
//!   40003, [`MARK_LOCKED_ERRCODE`]).
//! - Consumed codes answer 40099; unknown codes 40056; codes made unavailable by the
//!   merchant (`card/code/unavailable`) 40127 on consume and on `check_consume` (seed
//!   核销 errcodes: "deleted, invalidated or gifted").
//! - `card/code/decrypt` turns an encrypt_code back into its code; one that is still
//!   URL-encoded, malformed or unknown → 40075 (seed: url-decode before POST).

use rand::Rng;
use serde_json::{Value, json};

use super::datacube::{Event, record};
use super::persistence::Entry;
use super::records::{CardCore, CardRecord, CardStatus, CodeRecord, CodeStatus};
use super::reply::{ApiError, as_bool, as_u64, ok, req_str};
use super::request::Input;
use super::world::World;
use cardform_spec::fields::FIX_TIME_RANGE;

/// What marking a code locked to another openid answers (UNVERIFIED: the seed's FAQ
/// says mark locks the code to the current user, not what a second user gets).
pub const MARK_LOCKED_ERRCODE: i64 = 40003;

/// The encrypt_code the emulator gives a code (what a card page link would carry):
/// standard base64 with `=` padding, so it needs URL-encoding in a link the way
/// WeChat's does.
pub fn encrypt_code_for(code: &str) -> String {
    use base64::Engine;
    let mut payload = format!("cfemu:{code}:");
    if payload.len() % 3 == 0 {
        payload.push(':');
    }
    base64::engine::general_purpose::STANDARD.encode(payload)
}

/// Friends coupons may be claimed at most this long before they begin (V1.4).
pub const FRIENDS_EARLY_CLAIM_SECONDS: i64 = 5 * 24 * 3600;
/// WeChat's default get_limit (reference §3.3, CBI).
pub const DEFAULT_GET_LIMIT: u64 = 50;

/// The validity window of a claimed code, as Unix seconds.
fn window(card: &CardRecord, claimed_at: i64) -> (i64, i64) {
    let body = card.body_map();
    let date = body
        .get("base_info")
        .and_then(|b| b.get("date_info"))
        .cloned()
        .unwrap_or(Value::Null);
    let num = |k: &str| {
        date.get(k)
            .and_then(as_u64)
            .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
    };
    if date.get("type").and_then(Value::as_str) == Some(FIX_TIME_RANGE) {
        (
            num("begin_timestamp").unwrap_or(0),
            num("end_timestamp").unwrap_or(i64::MAX),
        )
    } else {
        let day: i64 = 24 * 3600;
        let begin =
            claimed_at.saturating_add(num("fixed_begin_term").unwrap_or(0).saturating_mul(day));
        let end = begin.saturating_add(num("fixed_term").unwrap_or(0).saturating_mul(day));
        (begin, num("end_timestamp").map_or(end, |cap| end.min(cap)))
    }
}

/// A new 12-digit code no user holds.
pub fn new_code(world: &World) -> String {
    let mut rng = rand::rng();
    loop {
        let code: String = (0..12)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect();
        if !world.codes.contains_key(&code) {
            return code;
        }
    }
}

/// A user claims one card (the admin API's stand-in for a scan in WeChat).
///
/// # Errors
/// The errcode WeChat would refuse the claim with.
/// Whether `openid` may claim one more code of `card` (any kind: its status, the stock
/// left and the `get_limit` of its per-type object).
///
/// # Errors
/// 40078 not approved and the user not on the test whitelist, 45031 no stock left,
/// 45033 the user holds `get_limit` codes already.
pub fn check_claim(world: &World, openid: &str, card: &CardCore) -> Result<(), ApiError> {
    let listed = world.whitelist.contains(openid);
    match card.status {
        CardStatus::VerifyOk | CardStatus::Dispatch => {}
        CardStatus::NotVerify | CardStatus::VerifyFail if listed => {}
        _ => {
            return Err(ApiError::with(
                40078,
                "(the card is not approved and the user is not whitelisted)",
            ));
        }
    }
    if card.quantity == 0 {
        return Err(ApiError::new(45031));
    }
    let get_limit = card
        .body_map()
        .get("base_info")
        .and_then(|b| b.get("get_limit"))
        .and_then(as_u64)
        .unwrap_or(DEFAULT_GET_LIMIT);
    let held = world
        .codes
        .values()
        .filter(|c| c.card_id == card.id && c.openid == openid)
        .count() as u64;
    if held >= get_limit {
        return Err(ApiError::new(45033));
    }
    Ok(())
}

pub fn claim(world: &mut World, card_id: &str, openid: &str) -> Result<String, ApiError> {
    let mut card = world.live_card(card_id)?;
    check_claim(world, openid, &card)?;
    let now = world.now_s();
    let (begin, end) = window(&card, now);
    let fixed_range = card
        .body_map()
        .get("base_info")
        .and_then(|b| b.get("date_info"))
        .and_then(|d| d.get("type"))
        .and_then(Value::as_str)
        == Some(FIX_TIME_RANGE);
    if fixed_range && now > end {
        return Err(ApiError::with(40079, "(the card has expired)"));
    }
    if card.is_friends() && now < begin.saturating_sub(FRIENDS_EARLY_CLAIM_SECONDS) {
        return Err(ApiError::with(
            40079,
            "(friends coupons can be claimed at most 5 days before they begin)",
        ));
    }
    card.quantity -= 1;
    let code = CodeRecord {
        code: new_code(world),
        card_id: card_id.to_string(),
        openid: openid.to_string(),
        status: CodeStatus::Normal,
        marked_by: None,
        claimed_at: now,
        consumed_at: None,
        replaced_by: None,
    };
    let answer = code.code.clone();
    let stat = record(world, card_id, openid, Event::Receive);
    card.raw = None;
    world.commit_all(vec![Entry::Card(card), Entry::Code(code), stat])?;
    Ok(answer)
}

/// The code named in the body, checked against an optional card_id (40056).
pub fn find(world: &World, body: &Value) -> Result<CodeRecord, ApiError> {
    let code = req_str(body, "code")?;
    let rec = world
        .codes
        .get(code)
        .filter(|c| c.replaced_by.is_none())
        .ok_or_else(|| ApiError::new(40056))?;
    if let Some(card_id) = body.get("card_id").and_then(Value::as_str)
        && !card_id.is_empty()
        && card_id != rec.card_id
    {
        return Err(ApiError::with(40056, "(the code belongs to another card)"));
    }
    Ok(rec.clone())
}

fn expired(world: &World, code: &CodeRecord) -> bool {
    let now = world.now_s();
    world
        .cards
        .get(&code.card_id)
        .map(|c| window(c, code.claimed_at))
        .is_some_and(|(_, end)| now > end)
}

/// `POST /card/code/get {code, card_id?, check_consume?}`.
pub fn get(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let code = find(world, &input.json)?;
    let is_expired = expired(world, &code);
    let status = match code.status {
        CodeStatus::Consumed => "CONSUMED",
        CodeStatus::Unavailable => "UNAVAILABLE",
        CodeStatus::UserDeleted => "DELETE",
        CodeStatus::Normal if is_expired => "EXPIRE",
        CodeStatus::Normal => "NORMAL",
    };
    let can_consume = status == "NORMAL";
    if input.json.get("check_consume").and_then(as_bool) == Some(true) && !can_consume {
        return Err(match code.status {
            CodeStatus::Consumed => ApiError::new(40099),
            CodeStatus::Unavailable | CodeStatus::UserDeleted => ApiError::new(40127),
            CodeStatus::Normal => ApiError::new(40079),
        });
    }
    let (begin, end) = world
        .cards
        .get(&code.card_id)
        .map(|c| window(c, code.claimed_at))
        .unwrap_or((0, 0));
    Ok(ok(json!({
        "card": { "card_id": code.card_id, "begin_time": begin, "end_time": end, "code": code.code },
        "openid": code.openid,
        "can_consume": can_consume,
        "outer_str": "",
        "user_card_status": status,
    })))
}

/// `POST /card/code/mark {code, card_id, openid, is_mark}`: lock a friends coupon to
/// the current user before consume (`is_mark: false` releases it). Seed FAQ: the code
/// may be in several users' lists, so any openid may take the lock while it is free.
pub fn mark(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    req_str(body, "card_id")?;
    let openid = req_str(body, "openid")?.to_string();
    let is_mark = body
        .get("is_mark")
        .and_then(as_bool)
        .ok_or_else(|| ApiError::with(41011, "is_mark"))?;
    let mut code = find(world, body)?;
    refuse_unusable(code.status, 40127)?;
    if let Some(holder) = &code.marked_by
        && *holder != openid
    {
        return Err(ApiError::with(
            MARK_LOCKED_ERRCODE,
            "(the code is marked by another user; it must be released first)",
        ));
    }
    code.marked_by = is_mark.then_some(openid);
    world.commit(Entry::Code(code))?;
    Ok(ok(json!({})))
}

/// Refuses a code that can no longer be used: consumed 40099, invalidated 40127, deleted
/// by the user `on_deleted` (consume 40078, seed; elsewhere 40127 "deleted, invalidated
/// or gifted").
/// 40099 for a consumed code, 40127 for one made unavailable, `on_deleted` for one the
/// user deleted.
///
/// # Errors
/// The code cannot be used.
pub fn refuse_unusable(status: CodeStatus, on_deleted: i64) -> Result<(), ApiError> {
    match status {
        CodeStatus::Consumed => Err(ApiError::new(40099)),
        CodeStatus::Unavailable => Err(ApiError::new(40127)),
        CodeStatus::UserDeleted => Err(ApiError::with(
            on_deleted,
            "(the user deleted the card from their wallet)",
        )),
        CodeStatus::Normal => Ok(()),
    }
}

/// A user deletes a claimed card from their wallet (the admin API's stand-in for the
/// user; WeChat pushes `user_del_card`, reference §11).
///
/// # Errors
/// 40056 for an unknown code.
pub fn user_delete(world: &mut World, code: &str) -> Result<(), ApiError> {
    let mut rec = world
        .codes
        .get(code)
        .cloned()
        .ok_or_else(|| ApiError::new(40056))?;
    rec.status = CodeStatus::UserDeleted;
    world.commit(Entry::Code(rec))
}

/// `POST /card/code/unavailable {code, card_id?, reason?}`: the merchant invalidates
/// one user's code (reference §2 row 15).
pub fn unavailable(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let mut code = find(world, &input.json)?;
    refuse_unusable(code.status, 40127)?;
    code.status = CodeStatus::Unavailable;
    world.commit(Entry::Code(code))?;
    Ok(ok(json!({})))
}

/// `POST /card/code/decrypt {encrypt_code}` → `code` (reference §2 row 14).
pub fn decrypt(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    use base64::Engine;
    let encrypted = req_str(&input.json, "encrypt_code")?;
    let invalid = |why: &str| ApiError::with(40075, format!("({why})"));
    if encrypted.contains('%') {
        return Err(invalid("URL-decode the encrypt_code before posting it"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encrypted)
        .map_err(|_| invalid("not an encrypt_code"))?;
    let text = String::from_utf8(bytes).map_err(|_| invalid("not an encrypt_code"))?;
    let code = text
        .strip_prefix("cfemu:")
        .and_then(|rest| rest.split(':').next())
        .filter(|code| world.codes.contains_key(*code))
        .ok_or_else(|| invalid("no such encrypt_code"))?;
    Ok(ok(json!({ "code": code })))
}

/// `POST /card/code/consume {code, card_id?}`.
pub fn consume(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let mut code = find(world, &input.json)?;
    // Seed 核销 errcodes: 40078 "code deleted or being gifted" on consume.
    refuse_unusable(code.status, 40078)?;
    let friends = world
        .cards
        .get(&code.card_id)
        .is_some_and(CardRecord::is_friends);
    // Seed 核销朋友的券: consume answers 40003 unless the code is marked; the user who
    // consumes is the one it is locked to.
    let consumer = match (&code.marked_by, friends) {
        (Some(user), true) => user.clone(),
        (None, true) => {
            return Err(ApiError::with(
                40003,
                "(mark the code with card/code/mark first)",
            ));
        }
        (_, false) => code.openid.clone(),
    };
    let now = world.now_s();
    if let Some(card) = world.cards.get(&code.card_id) {
        let (begin, end) = window(card, code.claimed_at);
        if now > end || now < begin {
            return Err(ApiError::new(40079));
        }
    }
    code.status = CodeStatus::Consumed;
    code.consumed_at = Some(now);
    let (card_id, openid) = (code.card_id.clone(), consumer);
    let stat = record(world, &card_id, &openid, Event::Verify);
    world.commit_all(vec![Entry::Code(code), stat])?;
    Ok(ok(
        json!({ "card": { "card_id": card_id }, "openid": openid }),
    ))
}

/// A user gives a claimed code to a friend (the admin API's `gift`: WeChat's gifting
/// happens in the app, no API does it). Allowed for an unconsumed, unmarked code of a
/// card with `base_info.can_give_friend` true (friends coupons must set it false,
/// reference §8.3); the code moves to the friend and the gift counts for the giver
/// (`given_cnt`, `given_user` in the datacube). A refused gift answers 40078 with the
/// reason (the app's own message is not documented; emulator choice).
///
/// # Errors
/// 40056 for an unknown code, 40099 for a consumed one, 40078 when the card may not be
/// given or the code is marked.
pub fn gift(world: &mut World, code: &str, to_openid: &str) -> Result<(), ApiError> {
    let mut rec = world
        .codes
        .get(code)
        .cloned()
        .ok_or_else(|| ApiError::new(40056))?;
    if rec.status == CodeStatus::Consumed {
        return Err(ApiError::new(40099));
    }
    if rec.marked_by.is_some() {
        return Err(ApiError::with(40078, "(the code is marked for redemption)"));
    }
    let card = world.live_card(&rec.card_id)?;
    let givable = card
        .body_map()
        .get("base_info")
        .and_then(|b| b.get("can_give_friend"))
        .and_then(as_bool)
        .unwrap_or(true);
    if !givable || card.is_friends() {
        return Err(ApiError::with(
            40078,
            "(the card cannot be given to friends: can_give_friend is false)",
        ));
    }
    let stat = record(world, &rec.card_id, &rec.openid, Event::Give);
    rec.openid = to_openid.to_string();
    world.commit_all(vec![Entry::Code(rec), stat])
}
