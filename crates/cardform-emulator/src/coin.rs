//! 券点 (coupon points) and friends-coupon stock purchases (reference §8.2, §8.6): the
//! `card/pay/*` endpoints and paying a recharge (admin API). The points, quotes and
//! ledger are [`CoinState`](crate::records::CoinState) in `records`.
//!
//! activate (200 free points the first time) → getpayprice (a quote, single use, valid
//! 60 s) → confirm (deducts free points first, then paid ones, and adds the stock to
//! quantity and total_quantity; irreversible). recharge opens a WeChat Pay order that
//! stays waiting until `POST /__emulator/pay` marks it paid.
//!
//! Prices follow §8.2 per voucher: 0.2 point without threshold or with only "not
//! combinable", 0.4 with a category or minimum spend, exactly ([`Points`]): one
//! voucher is quoted `"0.2"`. Amounts are written as [`Shapes`](crate::shapes) says
//! (decimal strings in getpayprice and getorder, numbers in getcoinsinfo, by default).
//! Errors without a documented errcode (unknown, used or expired order,
//! points short) answer 40097 with a detail.

use cardform_spec::Points;
use serde_json::{Value, json};

use super::persistence::Entry;
use super::records::Quote;
use super::reply::{ApiError, as_u64, card_id_of, ok, req_str};
use super::request::Input;
use super::world::World;

pub use super::records::coin::ACTIVATION_REWARD;
/// How long a price quote may be confirmed.
pub const QUOTE_VALID_MS: i64 = 60_000;

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::with(40097, detail)
}

/// Price in tenths of a point per voucher (`cardform_spec::coin`, reference §8.2),
/// unless the admin API set another price list.
fn tenths_per_voucher(world: &World, type_obj: &serde_json::Map<String, Value>) -> u64 {
    let uc = type_obj
        .get("advanced_info")
        .and_then(|a| a.get("use_condition"));
    let category = uc
        .and_then(|u| u.get("accept_category"))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    let least = uc
        .and_then(|u| u.get("least_cost"))
        .and_then(as_u64)
        .is_some_and(|n| n > 0);
    let row = cardform_spec::coin::price_row(category, least);
    match &world.coin_prices {
        Some(p) if row == cardform_spec::coin::PRICE_WITH_THRESHOLD => p.with_threshold,
        Some(p) => p.no_threshold,
        None => row.tenths_per_voucher,
    }
}

/// `GET /card/pay/activate` → `reward`.
pub fn activate(world: &mut World, _input: &Input) -> Result<Value, ApiError> {
    let mut coin = world.coin.clone();
    let reward = if coin.activated {
        Points::ZERO
    } else {
        ACTIVATION_REWARD
    };
    if !coin.activated {
        coin.activated = true;
        coin.free_coin = coin.free_coin + reward;
        let now = world.now_s();
        coin.push_order(
            "ORDER_TYPE_SYS_ADD",
            "ORDER_STATUS_SUCC",
            now,
            "activation reward".into(),
            reward,
            Points::ZERO,
        );
        world.commit(Entry::Coin(coin))?;
    }
    Ok(ok(json!({ "reward": world.shapes.balance_amount(reward) })))
}

/// `GET /card/pay/getcoinsinfo`.
pub fn coins_info(world: &mut World, _input: &Input) -> Result<Value, ApiError> {
    let (c, s) = (&world.coin, world.shapes);
    Ok(ok(json!({
        "free_coin": s.balance_amount(c.free_coin),
        "pay_coin": s.balance_amount(c.pay_coin),
        "total_coin": s.balance_amount(c.free_coin + c.pay_coin),
    })))
}

/// `POST /card/pay/getpayprice {card_id, quantity}`.
pub fn pay_price(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?.to_string();
    let quantity = input
        .json
        .get("quantity")
        .and_then(as_u64)
        .filter(|q| (1..=cardform_spec::fields::MAX_QUANTITY).contains(q))
        .ok_or_else(|| ApiError::with(40122, "quantity must be 1–100000000"))?;
    let card = world.live_card(&id)?;
    if !card.is_friends() {
        return Err(ApiError::with(
            40078,
            "(券点 buy stock for friends coupons only; use card/modifystock)",
        ));
    }
    let price =
        cardform_spec::coin::price_of(quantity, tenths_per_voucher(world, &card.body_map()));
    let mut coin = world.coin.clone();
    let order_id = coin.order_id();
    let now_ms = world.now_ms();
    coin.quotes.retain(|q| !q.used && q.expires_ms > now_ms);
    coin.quotes.push(Quote {
        order_id: order_id.clone(),
        card_id: id,
        quantity,
        price,
        expires_ms: now_ms.saturating_add(QUOTE_VALID_MS),
        used: false,
    });
    let (free, paid) = cardform_spec::coin::split(price, coin.free_coin);
    let s = world.shapes;
    let answer = ok(json!({
        "order_id": order_id,
        "price": s.quote_amount(price),
        "free_coin": s.quote_amount(free),
        "pay_coin": s.quote_amount(paid),
    }));
    world.commit(Entry::Coin(coin))?;
    Ok(answer)
}

/// `POST /card/pay/confirm {card_id, order_id, quantity}`: points → stock.
pub fn confirm(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?.to_string();
    let order_id = req_str(&input.json, "order_id")?.to_string();
    let quantity = input.json.get("quantity").and_then(as_u64);
    let mut card = world.live_card(&id)?;
    let now_ms = world.now_ms();
    let mut coin = world.coin.clone();
    let quote = coin
        .quotes
        .iter_mut()
        .find(|q| q.order_id == order_id)
        .ok_or_else(|| invalid(format!("(order_id {order_id} is unknown or expired)")))?;
    if quote.used {
        return Err(invalid(format!(
            "(order_id {order_id} was already confirmed)"
        )));
    }
    if now_ms > quote.expires_ms {
        return Err(invalid(format!(
            "(order_id {order_id} expired: confirm within 60 s of getpayprice)"
        )));
    }
    if quote.card_id != id || quantity.is_some_and(|q| q != quote.quantity) {
        return Err(invalid(
            "(card_id or quantity differ from the getpayprice call)",
        ));
    }
    let (price, q) = (quote.price, quote.quantity);
    let held = coin.free_coin + coin.pay_coin;
    if held < price {
        return Err(invalid(format!(
            "(not enough 券点: {price} needed, {held} held)"
        )));
    }
    let new_total = card.total_quantity.saturating_add(q);
    if new_total > cardform_spec::fields::MAX_QUANTITY {
        return Err(ApiError::with(40122, "the stock is at most 100000000"));
    }
    quote.used = true;
    let (free, paid) = cardform_spec::coin::split(price, coin.free_coin);
    coin.free_coin = coin.free_coin.saturating_sub(free);
    coin.pay_coin = coin.pay_coin.saturating_sub(paid);
    let now = world.now_s();
    coin.push_order(
        "ORDER_TYPE_REDUCE",
        "ORDER_STATUS_SUCC",
        now,
        format!("{q} vouchers for {id}"),
        free,
        paid,
    );
    card.quantity += q;
    card.total_quantity = new_total;
    card.raw = None;
    world.commit_all(vec![Entry::Coin(coin), Entry::Card(card)])?;
    Ok(ok(json!({})))
}

/// `POST /card/pay/recharge {coin_count}` → a waiting WeChat Pay order.
pub fn recharge(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let count = input
        .json
        .get("coin_count")
        .and_then(as_u64)
        .filter(|c| (1..=1_000_000_000).contains(c))
        .ok_or_else(|| ApiError::with(41011, "coin_count (1–1000000000)"))?;
    let mut coin = world.coin.clone();
    let now = world.now_s();
    let order_id = coin.push_order(
        "ORDER_TYPE_WXPAY",
        "ORDER_STATUS_WAITING",
        now,
        format!("recharge {count}"),
        Points::ZERO,
        Points::whole(count),
    );
    world.commit(Entry::Coin(coin))?;
    Ok(ok(json!({
        "order_id": order_id,
        "qrcode_url": format!("weixin://wxpay/bizpayurl?pr=emulator{order_id}"),
        "qrcode_buffer": "",
    })))
}

/// Marks a recharge order paid (admin API): its points become paid points.
///
/// # Errors
/// The order is unknown or not a waiting recharge.
pub fn pay(world: &mut World, order_id: &str) -> Result<(), ApiError> {
    let mut coin = world.coin.clone();
    let now = world.now_s();
    let order = coin
        .orders
        .iter_mut()
        .find(|o| o.order_id == order_id && o.order_type == "ORDER_TYPE_WXPAY")
        .ok_or_else(|| invalid(format!("(no recharge order {order_id})")))?;
    if order.status != "ORDER_STATUS_WAITING" {
        return Err(invalid(format!("(order {order_id} is {})", order.status)));
    }
    order.status = "ORDER_STATUS_SUCC".into();
    order.pay_finish_time = now;
    let amount = order.pay_coin_count;
    coin.pay_coin = coin.pay_coin + amount;
    world.commit(Entry::Coin(coin))
}

/// `POST /card/pay/getorder {order_id}` → `order_info`.
pub fn get_order(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let order_id = req_str(&input.json, "order_id")?;
    let order = world
        .coin
        .orders
        .iter()
        .find(|o| o.order_id == order_id)
        .ok_or_else(|| invalid(format!("(no order {order_id})")))?;
    Ok(ok(json!({ "order_info": order_json(order, world.shapes) })))
}

/// `POST /card/pay/getorderlist {offset, count, order_type?, nor_filter?: {status},
/// sort_info?: {sort_key, sort_type}, begin_time?, end_time?}` → `total_num`,
/// `order_list[]` (reference §8.6: begin defaults to a week ago, end to now).
pub fn order_list(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let now = world.now_s();
    let num = |key: &str| body.get(key).and_then(as_u64);
    let begin = body
        .get("begin_time")
        .and_then(Value::as_i64)
        .unwrap_or(now - 7 * 24 * 3600);
    let end = body.get("end_time").and_then(Value::as_i64).unwrap_or(now);
    let offset = usize::try_from(num("offset").unwrap_or(0)).unwrap_or(usize::MAX);
    let count = usize::try_from(num("count").unwrap_or(50)).unwrap_or(usize::MAX);
    let order_type = body.get("order_type").and_then(Value::as_str);
    let status = body
        .get("nor_filter")
        .and_then(|f| f.get("status"))
        .and_then(Value::as_str);
    let ascending = body
        .get("sort_info")
        .and_then(|s| s.get("sort_type"))
        .and_then(Value::as_str)
        == Some("SORT_ASC");
    let mut matching: Vec<&super::records::Order> = world
        .coin
        .orders
        .iter()
        .filter(|o| (begin..=end).contains(&o.create_time))
        .filter(|o| order_type.is_none_or(|t| o.order_type == t))
        .filter(|o| status.is_none_or(|s| o.status == s))
        .collect();
    // The ledger is in creation order: newest first unless asked otherwise.
    if !ascending {
        matching.reverse();
    }
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(count)
        .map(|o| order_json(o, world.shapes))
        .collect();
    Ok(ok(json!({ "total_num": total, "order_list": page })))
}

/// A ledger entry as getorder writes it: the counts in the world's [`Shapes`].
///
/// [`Shapes`]: crate::shapes::Shapes
fn order_json(o: &super::records::Order, shapes: crate::shapes::Shapes) -> Value {
    json!({
        "order_id": o.order_id,
        "status": o.status,
        "create_time": o.create_time,
        "pay_finish_time": o.pay_finish_time,
        "desc": o.desc,
        "free_coin_count": shapes.order_count(o.free_coin_count),
        "pay_coin_count": shapes.order_count(o.pay_coin_count),
        "refund_free_coin_count": shapes.order_count(o.refund_free_coin_count),
        "refund_pay_coin_count": shapes.order_count(o.refund_pay_coin_count),
        "openid": o.openid,
        "order_type": o.order_type,
    })
}
