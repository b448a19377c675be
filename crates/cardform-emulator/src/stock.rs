//! `card/modifystock` (reference §6.2): deltas on both `quantity` (remaining) and
//! `total_quantity`; reducing below zero → 40122; the total stays ≤ 100,000,000.
//! Friends coupons cannot be raised here: their stock is a 券点 purchase (reference
//! §4.4, §8.6; `limits::FRIENDS_FREE_STOCK_ERRCODE`).

use serde_json::{Value, json};

use super::persistence::Entry;
use super::reply::{ApiError, as_u64, card_id_of, ok};
use super::request::Input;
use super::world::World;
use cardform_spec::fields::MAX_QUANTITY;
use cardform_spec::limits::FRIENDS_FREE_STOCK_ERRCODE;

fn delta(body: &Value, key: &str) -> Result<u64, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => as_u64(v)
            .ok_or_else(|| ApiError::with(40122, format!("{key} must be a non-negative integer"))),
    }
}

/// `POST /card/modifystock {card_id, increase_stock_value?, reduce_stock_value?}`.
pub fn modify(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    let inc = delta(&input.json, "increase_stock_value")?;
    let red = delta(&input.json, "reduce_stock_value")?;
    // `card/modifystock` takes a card of any type; member cards and tickets have no
    // paid stock.
    if let Some(mut special) = world.live_special_card(id)? {
        let (quantity, total) = changed_stock(special.quantity, special.total_quantity, inc, red)?;
        special.quantity = quantity;
        special.total_quantity = total;
        world.commit(Entry::SpecialCard(special))?;
        return Ok(ok(json!({})));
    }
    let mut rec = world.live_card(id)?;
    if rec.is_friends() && inc > red {
        return Err(ApiError::with(
            FRIENDS_FREE_STOCK_ERRCODE,
            "(friends coupon stock is bought with 券点: card/pay/getpayprice, then card/pay/confirm)",
        ));
    }
    let (quantity, total) = changed_stock(rec.quantity, rec.total_quantity, inc, red)?;
    rec.quantity = quantity;
    rec.total_quantity = total;
    // Written: from now on the emulator answers with its own view of the card.
    rec.raw = None;
    world.commit(Entry::Card(rec))?;
    Ok(ok(json!({})))
}

/// The (remaining, total) stock after raising by `inc` and lowering by `red`.
///
/// # Errors
/// 40122 when the stock would go below 0 or above [`MAX_QUANTITY`].
fn changed_stock(quantity: u64, total: u64, inc: u64, red: u64) -> Result<(u64, u64), ApiError> {
    let raised = quantity
        .checked_add(inc)
        .ok_or_else(|| ApiError::new(40122))?;
    let quantity = raised
        .checked_sub(red)
        .ok_or_else(|| ApiError::with(40122, format!("cannot reduce by {red}: {raised} left")))?;
    let total = total.saturating_add(inc).saturating_sub(red).max(quantity);
    if total > MAX_QUANTITY {
        return Err(ApiError::with(40122, "the stock is at most 100000000"));
    }
    Ok((quantity, total))
}
