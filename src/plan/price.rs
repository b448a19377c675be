//! 券点 prices in the plan: every friends-coupon stock purchase gets its price before
//! anyone approves it. An existing card is quoted with `card/pay/getpayprice` (the
//! quote's order_id is single use and valid 60 s, so the plan keeps only the price; apply
//! quotes again); a card that does not exist yet has no card_id to quote, so its price
//! comes from the reference price table (`cardform_spec::coin`). The account's points
//! come from `card/pay/getcoinsinfo`.

use serde_json::Value;

use super::types::{
    Action, CoinBalance, CoinPrice, CoinSummary, Plan, PriceSource, ResourceChange,
};
use crate::model::Canonical;
use crate::wechat::{ApiError, WeChatClient};
use cardform_spec::Points;
use cardform_spec::coin::{price_of, price_row, split};

/// Whether a planned purchase is for a card that exists now (so it can be quoted).
pub fn is_quotable(rc: &ResourceChange) -> bool {
    rc.card_id.is_some() && !matches!(rc.action, Action::Create | Action::Replace)
}

/// The reference-table price of `quantity` vouchers of the card `content` describes.
pub fn estimate(content: &Canonical, quantity: u64) -> Points {
    let category = content
        .get("advanced_info.use_condition.accept_category")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    let least_cost = content
        .get("advanced_info.use_condition.least_cost")
        .and_then(Value::as_u64)
        .is_some_and(|n| n > 0);
    price_of(quantity, price_row(category, least_cost).tenths_per_voucher)
}

/// The account's points.
///
/// # Errors
/// Any [`ApiError`] of `card/pay/getcoinsinfo`.
pub async fn balance(client: &WeChatClient) -> Result<CoinBalance, ApiError> {
    let b = client.coin_balance().await?;
    Ok(CoinBalance {
        free_coin: b.free_coin,
        pay_coin: b.pay_coin,
        // Older answers may leave the total out: it is the sum.
        total_coin: b.total_coin.max(b.free_coin + b.pay_coin),
    })
}

/// The price of one planned purchase now: a fresh quote for an existing card, the
/// table's estimate for a new one.
///
/// # Errors
/// Any [`ApiError`] of `card/pay/getpayprice`.
pub async fn price_now(
    client: &WeChatClient,
    rc: &ResourceChange,
    quantity: u64,
    free_balance: Points,
) -> Result<CoinPrice, ApiError> {
    match rc.card_id.as_deref().filter(|_| is_quotable(rc)) {
        Some(card_id) => {
            let q = client.get_pay_price(card_id, quantity).await?;
            Ok(CoinPrice {
                price: q.price,
                free_coin: q.free_coin,
                pay_coin: q.pay_coin,
                source: PriceSource::Quoted,
            })
        }
        None => {
            let price = rc
                .after
                .as_deref()
                .map(|c| estimate(c, quantity))
                .unwrap_or(Points::ZERO);
            let (free_coin, pay_coin) = split(price, free_balance);
            Ok(CoinPrice {
                price,
                free_coin,
                pay_coin,
                source: PriceSource::Estimated,
            })
        }
    }
}

/// Prices every 券点 purchase of `plan` and records the total, the account's points
/// and the budget in `plan.coins`. A plan that buys nothing makes no call.
///
/// # Errors
/// Any [`ApiError`] of getcoinsinfo or getpayprice: a plan whose cost is unknown is not
/// a plan to approve.
pub async fn price_plan(
    plan: &mut Plan,
    client: &WeChatClient,
    budget: Option<u64>,
) -> Result<(), ApiError> {
    if plan.coin_purchases().next().is_none() {
        return Ok(());
    }
    let balance = balance(client).await?;
    let mut total = Points::ZERO;
    let mut purchases = 0usize;
    for rc in &mut plan.resource_changes {
        let Some(stock) = rc.stock.as_ref().filter(|s| s.coin_purchase) else {
            continue;
        };
        let quantity = u64::try_from(stock.delta).unwrap_or(0);
        let price = price_now(client, rc, quantity, balance.free_coin).await?;
        total = total + price.price;
        purchases += 1;
        if let Some(s) = rc.stock.as_mut() {
            s.price = Some(price);
        }
    }
    let (free_coin, pay_coin) = split(total, balance.free_coin);
    plan.coins = Some(CoinSummary {
        purchases,
        price: total,
        free_coin,
        pay_coin,
        balance,
        budget: budget.map(Points::whole),
        allowed: false,
    });
    Ok(())
}
