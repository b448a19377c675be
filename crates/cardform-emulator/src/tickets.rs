//! Special tickets: `card/movieticket/updateuser` (seat and show), `card/boardingpass/
//! checkin` (online check-in) and `card/luckymoney/updateuserbalance` (2014 doc). Each
//! takes a claimed code of its own card type (40071 for another type, UNVERIFIED
//! errcode) and stores what it sets on the code ([`TicketRecord`]).
//!
//! Required fields: the public doc samples (the ones wechatpy's signatures follow):
//! movie `ticket_class`, `show_time`, `duration`, `screening_room`, `seat_number`;
//! boarding pass `passenger_name`, `class`, `etkt_bnr`; lucky money `balance`.

use serde_json::{Map, Value, json};

use super::persistence::Entry;
use super::records::{SpecialType, TicketRecord};
use super::reply::{ApiError, as_u64, ok};
use super::request::Input;
use super::special::held_code;
use super::world::World;

/// A required field's JSON shape.
#[derive(Clone, Copy)]
enum Shape {
    Text,
    Count,
    TextList,
}

fn check(body: &Value, key: &str, shape: Shape) -> Result<(), ApiError> {
    let v = match body.get(key) {
        None | Some(Value::Null) => return Err(ApiError::with(41011, key)),
        Some(v) => v,
    };
    let fits = match shape {
        Shape::Text => v.as_str().is_some_and(|s| !s.is_empty()),
        Shape::Count => as_u64(v).is_some(),
        Shape::TextList => v
            .as_array()
            .is_some_and(|l| !l.is_empty() && l.iter().all(Value::is_string)),
    };
    if fits {
        Ok(())
    } else {
        let want = match shape {
            Shape::Text => "a non-empty string",
            Shape::Count => "a non-negative integer",
            Shape::TextList => "a non-empty list of strings",
        };
        Err(ApiError::with(47001, format!("{key} must be {want}")))
    }
}

fn set_fields(
    world: &mut World,
    input: &Input,
    want: SpecialType,
    required: &[(&str, Shape)],
) -> Result<Value, ApiError> {
    let body = &input.json;
    let (code, _) = held_code(world, body, want)?;
    for (key, shape) in required {
        check(body, key, *shape)?;
    }
    let mut fields: Map<String, Value> = world
        .tickets
        .get(&code.code)
        .and_then(|t| serde_json::from_str(&t.fields).ok())
        .unwrap_or_default();
    for (k, v) in body.as_object().into_iter().flatten() {
        if k != "code" && k != "card_id" {
            fields.insert(k.clone(), v.clone());
        }
    }
    world.commit(Entry::Ticket(TicketRecord {
        code: code.code.clone(),
        card_id: code.card_id.clone(),
        fields: Value::Object(fields).to_string(),
    }))?;
    Ok(ok(json!({})))
}

/// `POST /card/movieticket/updateuser {code, card_id?, ticket_class, show_time,
/// duration, screening_room, seat_number[]}`.
pub fn movie(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    set_fields(
        world,
        input,
        SpecialType::MovieTicket,
        &[
            ("ticket_class", Shape::Text),
            ("show_time", Shape::Count),
            ("duration", Shape::Count),
            ("screening_room", Shape::Text),
            ("seat_number", Shape::TextList),
        ],
    )
}

/// `POST /card/boardingpass/checkin {code, card_id?, passenger_name, class, etkt_bnr,
/// seat?, gate?, boarding_time?, qrcode_data?, is_cancel?}`.
pub fn boarding(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    set_fields(
        world,
        input,
        SpecialType::BoardingPass,
        &[
            ("passenger_name", Shape::Text),
            ("class", Shape::Text),
            ("etkt_bnr", Shape::Text),
        ],
    )
}

/// `POST /card/luckymoney/updateuserbalance {code, card_id?, balance}`.
pub fn lucky_money(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    set_fields(
        world,
        input,
        SpecialType::LuckyMoney,
        &[("balance", Shape::Count)],
    )
}
