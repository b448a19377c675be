//! `card/qrcode/create` (reference §6.3): QR_CARD or QR_MULTIPLE_CARD, expire_seconds
//! 60–1800 (365 days when omitted), `is_unique_code` needs an approved card with stock.
//! Tickets are not stored: nothing in the emulator scans them.

use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Value, json};

use super::records::CardStatus;
use super::reply::{ApiError, as_bool, as_u64, ok};
use super::request::Input;
use super::world::World;

const DEFAULT_EXPIRE_SECONDS: u64 = 365 * 24 * 3600;

/// `POST /card/qrcode/create`.
pub fn create(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let action = body.get("action_name").and_then(Value::as_str);
    let info = body.get("action_info");
    let cards: Vec<&Value> = match action {
        Some("QR_CARD") => info
            .and_then(|i| i.get("card"))
            .map(|c| vec![c])
            .ok_or_else(|| ApiError::with(40053, "action_info.card is missing"))?,
        Some("QR_MULTIPLE_CARD") => info
            .and_then(|i| i.get("multiple_card"))
            .and_then(|m| m.get("card_list"))
            .and_then(Value::as_array)
            .map(|l| l.iter().collect())
            .ok_or_else(|| {
                ApiError::with(40053, "action_info.multiple_card.card_list is missing")
            })?,
        _ => {
            return Err(ApiError::with(
                40053,
                "action_name must be QR_CARD or QR_MULTIPLE_CARD",
            ));
        }
    };
    if cards.is_empty() {
        return Err(ApiError::with(40053, "no card"));
    }
    let expire = match body.get("expire_seconds") {
        None | Some(Value::Null) => DEFAULT_EXPIRE_SECONDS,
        Some(v) => match as_u64(v) {
            Some(s) if (60..=1800).contains(&s) => s,
            _ => return Err(ApiError::with(40097, "expire_seconds must be 60–1800")),
        },
    };
    for card in cards {
        let id = card
            .get("card_id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::with(41012, "(action_info card_id)"))?;
        // Any card type is delivered by QR (member cards are claimed this way too).
        let (status, quantity) = match world.live_special_card(id)? {
            Some(special) => (special.status, special.quantity),
            None => {
                let rec = world.live_card(id)?;
                (rec.status, rec.quantity)
            }
        };
        if card.get("is_unique_code").and_then(as_bool) == Some(true) {
            if status != CardStatus::VerifyOk {
                return Err(ApiError::with(
                    40078,
                    "is_unique_code needs an approved card",
                ));
            }
            if quantity == 0 {
                return Err(ApiError::new(45031));
            }
        }
    }
    let ticket: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(96)
        .map(char::from)
        .collect();
    Ok(ok(json!({
        "ticket": ticket,
        "expire_seconds": expire,
        "url": format!("http://weixin.qq.com/q/{}", &ticket[..22]),
        "show_qrcode_url": format!("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={ticket}"),
    })))
}
