//! Card definitions: `card/create`, `card/get` (the shape WeChat answers, reference
//! §5, [`CardCore::view`]), `card/batchget` (§6.1), `card/delete` (§6.2) and `card/getcolors` (§6.9). The
//! stored record and its status are [`CardRecord`] and [`CardStatus`] in `records`.
//!
//! Review: a new card starts `CARD_STATUS_NOT_VERIFY` (§3.1, §10) and is approved by
//! the admin API, or automatically once `review_delay_ms` has passed (applied lazily
//! whenever the card is looked at). A deleted card keeps answering `card/get` with
//! `CARD_STATUS_DELETE` (§6.2 "Delete is terminal", §10), drops out of batchget, and
//! every other call on it answers 40073.

use rand::Rng;
use serde_json::{Map, Value, json};

use super::fields::{Stage, is_friends, validate_card};
use super::persistence::Entry;
use super::records::{CardCore, CardRecord, CardStatus, SpecialType, strip_server_fields};
use super::reply::{ApiError, as_u64, card_id_of, ok, req_str};
use super::request::Input;
use super::world::World;
use cardform_spec::{CardType, PALETTE, title};

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A new card_id in WeChat's shape: 28 characters, `p` then 27 base64url characters.
pub fn new_card_id(world: &World) -> String {
    let mut rng = rand::rng();
    loop {
        let id: String = std::iter::once('p')
            .chain((0..27).map(|_| ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())] as char))
            .collect();
        if !world.cards.contains_key(&id) && !world.special_cards.contains_key(&id) {
            return id;
        }
    }
}

/// `POST /card/create {"card": {"card_type": T, "<t>": {…}}}` → `card_id`.
pub fn create(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let card = match input.json.get("card") {
        None | Some(Value::Null) => return Err(ApiError::with(41011, "card")),
        Some(Value::Object(c)) => c,
        Some(_) => return Err(ApiError::with(47001, "card must be an object")),
    };
    let type_name = req_str(&input.json["card"], "card_type").map_err(|e| {
        if e.code == 41011 {
            ApiError::with(41011, "card.card_type")
        } else {
            e
        }
    })?;
    if let Some(special) = SpecialType::from_wire(type_name) {
        return match card.get(special.wire_key()) {
            Some(Value::Object(o)) => {
                let id = new_card_id(world);
                crate::special::create(world, special, o.clone(), id)
            }
            None | Some(Value::Null) => Err(ApiError::with(
                40071,
                format!(
                    "card.{} is missing (the per-type object goes under the lower-case card_type)",
                    special.wire_key()
                ),
            )),
            Some(_) => Err(ApiError::with(
                47001,
                format!("card.{} must be an object", special.wire_key()),
            )),
        };
    }
    let t = CardType::from_wire(type_name).ok_or_else(|| {
        ApiError::with(
            40071,
            format!(
                "`{type_name}` (the emulator serves CASH, DISCOUNT, GIFT, GROUPON, GENERAL_COUPON, MEMBER_CARD, MOVIE_TICKET, BOARDING_PASS, LUCKY_MONEY)"
            ),
        )
    })?;
    for other in CardType::ALL {
        if other != t && card.contains_key(other.wire_key()) {
            return Err(ApiError::with(
                40071,
                format!("card_type {t} with a `{}` object", other.wire_key()),
            ));
        }
    }
    let mut obj = match card.get(t.wire_key()) {
        Some(Value::Object(o)) => o.clone(),
        None | Some(Value::Null) => {
            return Err(ApiError::with(
                40071,
                format!(
                    "card.{} is missing (the per-type object goes under the lower-case card_type)",
                    t.wire_key()
                ),
            ));
        }
        Some(_) => {
            return Err(ApiError::with(
                47001,
                format!("card.{} must be an object", t.wire_key()),
            ));
        }
    };
    let friends = is_friends(&obj);
    if friends && title::has_derived_title(t) {
        let sent = obj
            .get("base_info")
            .and_then(|b| b.get("title"))
            .is_some_and(|v| !v.is_null());
        if sent && !title::SENT_FRIENDS_TITLE_IGNORED {
            return Err(ApiError::with(
                47001,
                "friends CASH/GIFT titles are built by WeChat (seed V1.1); do not send base_info.title",
            ));
        }
    }
    let quantity = validate_card(t, &mut obj, Stage::Create)?;
    check_share_cards(world, &obj)?;
    check_pois(world, &obj, friends)?;
    crate::submerchant::check_card(world, &obj)?;
    // Seed V1.1/V1.3: WeChat builds friends CASH/GIFT titles from the amounts and
    // thresholds; whatever was sent is not kept (cardform_spec::title).
    if friends && title::has_derived_title(t) {
        let derived = title::friends_title_from_wire(t, &obj);
        if let (Some(derived), Some(Value::Object(base))) = (derived, obj.get_mut("base_info")) {
            base.insert("title".into(), Value::String(derived));
        }
    }
    let now_ms = world.now_ms();
    let core = CardCore::created(
        new_card_id(world),
        world.next_seq,
        obj,
        quantity,
        world.now_s(),
    )
    .map_err(|_| ApiError::new(-1))?;
    let mut rec = CardRecord {
        core,
        card_type: t,
        review_due_ms: None,
        refuse_reason: None,
        raw: None,
        deposited: Vec::new(),
        made_on_mp: false,
        auto_decided: false,
    };
    // New cards are submitted for review automatically (reference §3.1).
    rec.enter_review(now_ms, world.review_delay_ms);
    let id = rec.id.clone();
    world.commit(Entry::Card(rec))?;
    Ok(ok(json!({ "card_id": id })))
}

/// consume_share_card_list must name an existing friends coupon (reference §3.5).
pub fn check_share_cards(world: &World, obj: &Map<String, Value>) -> Result<(), ApiError> {
    let list = obj
        .get("advanced_info")
        .and_then(|a| a.get("consume_share_card_list"))
        .and_then(Value::as_array);
    for item in list.into_iter().flatten() {
        let id = item.get("card_id").and_then(Value::as_str).unwrap_or("");
        match world.cards.get(id) {
            Some(c) if c.status != CardStatus::Delete && c.is_friends() => {}
            Some(c) if c.status != CardStatus::Delete => {
                return Err(ApiError::with(
                    47001,
                    format!("consume_share_card_list card {id} is not a friends coupon"),
                ));
            }
            _ => {
                return Err(ApiError::with(
                    40073,
                    format!("consume_share_card_list card {id}"),
                ));
            }
        }
    }
    Ok(())
}

/// Friends coupons need at least one usable poi_id (seed 创建朋友的券 table,
/// reference §8.3): every id in `location_id_list` must be one of the account's
/// stores (the emulator's `pois`), else 40071 naming it (errcode UNVERIFIED: the
/// seed names no code for an unknown store). Ordinary coupons are not checked (the
/// general create table does not say the ids are verified).
pub fn check_pois(world: &World, obj: &Map<String, Value>, friends: bool) -> Result<(), ApiError> {
    if !friends {
        return Ok(());
    }
    let ids = obj
        .get("base_info")
        .and_then(|b| b.get("location_id_list"))
        .and_then(Value::as_array);
    for id in ids.into_iter().flatten() {
        let n = as_u64(id).unwrap_or(0);
        if !world.pois.contains(&n) {
            return Err(ApiError::with(
                cardform_spec::sandbox::UNKNOWN_POI_ERRCODE,
                format!("location_id_list: {n} is not a store (poi_id) of this account"),
            ));
        }
    }
    Ok(())
}

/// `POST /card/get {card_id}`.
pub fn get(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    if let Some(special) = world.special_cards.get(id) {
        return Ok(ok(json!({ "card": special.view() })));
    }
    let rec = world.card(id)?;
    if let Some(raw) = &rec.raw
        && let Ok(card) = serde_json::from_str::<Value>(raw)
    {
        return Ok(ok(json!({ "card": card })));
    }
    Ok(ok(json!({ "card": rec.view() })))
}

/// Largest batchget page (reference §6.1).
pub const MAX_BATCH: u64 = 50;

/// `POST /card/batchget {offset, count ≤ 50, status_list?}` → `card_id_list`, `total_num`.
pub fn batchget(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let field = |key: &str| -> Result<u64, ApiError> {
        match body.get(key) {
            None | Some(Value::Null) => Err(ApiError::with(41011, key)),
            Some(v) => as_u64(v).ok_or_else(|| {
                ApiError::with(47001, format!("{key} must be a non-negative integer"))
            }),
        }
    };
    let offset = field("offset")?;
    let count = field("count")?;
    if count == 0 || count > MAX_BATCH {
        return Err(ApiError::with(
            40097,
            format!("count must be 1–{MAX_BATCH}"),
        ));
    }
    let filter: Option<Vec<String>> = match body.get("status_list") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    ApiError::with(47001, "status_list must be a list of status names")
                })?,
        ),
        Some(_) => {
            return Err(ApiError::with(
                47001,
                "status_list must be a list of status names",
            ));
        }
    };
    let now = world.now_ms();
    let mut total = 0u64;
    let mut page = Vec::new();
    let World {
        order,
        cards,
        special_cards,
        ..
    } = world;
    let mut visit = |id: &String, status: CardStatus| {
        if status == CardStatus::Delete {
            return;
        }
        if let Some(f) = &filter
            && !f.iter().any(|s| s == status.as_str())
        {
            return;
        }
        if total >= offset && (page.len() as u64) < count {
            page.push(id.clone());
        }
        total += 1;
    };
    if special_cards.is_empty() {
        for id in order.iter() {
            if let Some(card) = cards.get_mut(id) {
                card.settle(now);
                visit(id, card.status);
            }
        }
    } else {
        // Member cards and tickets (rare) are merged in by creation order.
        let mut listed: Vec<(u64, &String, CardStatus)> = Vec::with_capacity(order.len());
        for id in order.iter() {
            if let Some(card) = cards.get_mut(id) {
                card.settle(now);
                listed.push((card.seq, id, card.status));
            }
        }
        listed.extend(special_cards.values().map(|c| (c.seq, &c.id, c.status)));
        listed.sort_by_key(|(seq, _, _)| *seq);
        for (_, id, status) in listed {
            visit(id, status);
        }
    }
    // A real answer also carries an empty `card_list` of unknown meaning (reference §6.1,
    // TY capture in tests/fixtures/wechat/recorded/ty_batchget.response.json).
    Ok(ok(
        json!({ "card_id_list": page, "total_num": total, "card_list": [] }),
    ))
}

/// `POST /card/delete {card_id}`: the definition becomes `CARD_STATUS_DELETE`.
pub fn delete(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    // `card/delete` takes a card of any type (the card doc's 删除卡券接口).
    if let Some(mut special) = world.live_special_card(id)? {
        special.status = CardStatus::Delete;
        special.update_time = world.now_s();
        world.commit(Entry::SpecialCard(special))?;
        return Ok(ok(json!({})));
    }
    let mut rec = world.live_card(id)?;
    rec.status = CardStatus::Delete;
    rec.review_due_ms = None;
    rec.raw = None;
    world.commit(Entry::Card(rec))?;
    Ok(ok(json!({})))
}

/// `GET /card/getcolors`.
pub fn colors(_world: &mut World, _input: &Input) -> Result<Value, ApiError> {
    let colors: Vec<Value> = PALETTE
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    Ok(ok(json!({ "colors": colors })))
}

/// Stores a card as real WeChat answered `card/get` for it, in any historical shape
/// (`{"card": {...}}`, with or without `errcode`): card/get answers that `card`
/// object unchanged until the card is written. Returns its card_id
/// (`base_info.id`, or a new one).
///
/// # Errors
/// What is missing: the card, a card type the emulator knows, the per-type object.
pub fn seed(world: &mut World, answer: &Value) -> Result<String, String> {
    let card = answer
        .get("card")
        .ok_or("the answer has no `card` object")?;
    let type_name = card
        .get("card_type")
        .and_then(Value::as_str)
        .ok_or("card.card_type is missing")?;
    let t = CardType::from_wire(type_name)
        .ok_or_else(|| format!("card_type {type_name} is not a coupon type the emulator serves"))?;
    let mut obj = card
        .get(t.wire_key())
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| format!("card.{} is missing", t.wire_key()))?;
    let base = obj
        .get("base_info")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let id = match base.get("id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => new_card_id(world),
    };
    if world.cards.contains_key(&id) {
        return Err(format!("card {id} already exists"));
    }
    let status = match base.get("status") {
        Some(Value::String(s)) => CardStatus::from_wire(s),
        // Old answers used numbers (reference §15): 1 not verified, 2 failed, 3 ok,
        // 4 deleted (by the merchant), 5 dispatched; anything else reads as approved.
        Some(v) => match v.as_i64() {
            Some(1) => CardStatus::NotVerify,
            Some(2) => CardStatus::VerifyFail,
            Some(4) => CardStatus::Delete,
            Some(5) => CardStatus::Dispatch,
            _ => CardStatus::VerifyOk,
        },
        None => CardStatus::VerifyOk,
    };
    let sku = |key: &str| {
        base.get("sku").and_then(|s| s.get(key)).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    };
    let quantity = sku("quantity").unwrap_or(0);
    let total_quantity = sku("total_quantity").unwrap_or(quantity);
    let time = |key: &str| base.get(key).and_then(Value::as_i64).unwrap_or(0);
    strip_server_fields(&mut obj);
    if let Some(Value::Object(b)) = obj.get_mut("base_info") {
        // card/get writes the colour as hex; the stored body holds the name create took
        // (an off-palette hex of an old card stays as it is).
        if let Some(name) = b
            .get("color")
            .and_then(Value::as_str)
            .and_then(cardform_spec::name_for_hex)
        {
            b.insert("color".into(), json!(name));
        }
    }
    let rec = CardRecord {
        core: CardCore {
            id: id.clone(),
            seq: world.next_seq,
            body: serde_json::to_string(&obj).map_err(|e| e.to_string())?,
            status,
            quantity,
            total_quantity,
            create_time: time("create_time"),
            update_time: time("update_time"),
        },
        card_type: t,
        review_due_ms: None,
        refuse_reason: None,
        raw: Some(card.to_string()),
        deposited: Vec::new(),
        made_on_mp: true,
        auto_decided: false,
    };
    world
        .commit(Entry::Card(rec))
        .map_err(|_| "cannot write the journal".to_string())?;
    Ok(id)
}
