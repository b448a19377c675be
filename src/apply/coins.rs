//! Before anything of a plan is applied: its 券点 purchases, checked again. The plan's
//! quotes are spent (an order_id is single use, valid 60 s), so every existing card is
//! quoted again; a price above the planned one, a total above the budget or above the
//! points held stops the whole apply before the first call that changes anything.

use crate::i18n::tr;
use crate::plan::price::{balance, price_now};
use crate::plan::{CoinBalance, Plan};
use crate::wechat::{ApiError, WeChatClient};
use cardform_spec::Points;

/// Why an apply may not buy what its plan buys.
#[derive(Debug, thiserror::Error)]
pub enum CoinStop {
    #[error("{}", tr!("apply-coin-not-allowed", cards = .cards, price = .price.to_string()))]
    NotAllowed { cards: String, price: Points },
    #[error("{}", tr!(
        "apply-coin-price-rose",
        address = .address,
        quantity = .quantity,
        now = .now.to_string(),
        by = .now.saturating_sub(*.planned).to_string(),
        planned = .planned.to_string()
    ))]
    PriceRose {
        address: String,
        quantity: u64,
        planned: Points,
        now: Points,
    },
    #[error("{}", tr!(
        "apply-coin-over-budget",
        price = .price.to_string(),
        by = .price.saturating_sub(*.budget).to_string(),
        budget = .budget.to_string()
    ))]
    OverBudget { price: Points, budget: Points },
    #[error("{}", tr!(
        "apply-coin-over-balance",
        price = .price.to_string(),
        by = .price.saturating_sub(.held.total_coin).to_string(),
        total = .held.total_coin.to_string(),
        free = .held.free_coin.to_string(),
        paid = .held.pay_coin.to_string(),
        recharge = .price.saturating_sub(.held.total_coin).whole_ceil().to_string()
    ))]
    OverBalance { price: Points, held: CoinBalance },
    #[error("{}", tr!("apply-coin-api", error = .0.to_string()))]
    Api(#[from] ApiError),
}

impl CoinStop {
    /// Whether a policy stopped it (budget, balance, a price above the approved one):
    /// exit 3, like the other gates. Otherwise an error (exit 1).
    pub fn is_policy(&self) -> bool {
        matches!(
            self,
            CoinStop::PriceRose { .. } | CoinStop::OverBudget { .. } | CoinStop::OverBalance { .. }
        )
    }
}

/// Checks the plan's purchases against fresh quotes, the budget and the balance.
///
/// # Errors
/// A [`CoinStop`]; nothing has been changed when it returns one.
pub async fn preflight(
    plan: &Plan,
    client: &WeChatClient,
    allowed: bool,
    budget: Option<u64>,
) -> Result<(), CoinStop> {
    let purchases: Vec<_> = plan.coin_purchases().collect();
    if purchases.is_empty() {
        return Ok(());
    }
    if !allowed {
        return Err(CoinStop::NotAllowed {
            cards: purchases
                .iter()
                .map(|(rc, _)| rc.address.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            price: plan.coins.as_ref().map(|c| c.price).unwrap_or_default(),
        });
    }
    let held = balance(client).await?;
    let mut total = Points::ZERO;
    for (rc, stock) in purchases {
        let quantity = u64::try_from(stock.delta).unwrap_or(0);
        let now = price_now(client, rc, quantity, held.free_coin).await?;
        if let Some(planned) = stock.price
            && now.price > planned.price
        {
            return Err(CoinStop::PriceRose {
                address: rc.address.clone(),
                quantity,
                planned: planned.price,
                now: now.price,
            });
        }
        total = total + now.price;
    }
    if let Some(budget) = budget.map(Points::whole)
        && total > budget
    {
        return Err(CoinStop::OverBudget {
            price: total,
            budget,
        });
    }
    if total > held.total_coin {
        return Err(CoinStop::OverBalance { price: total, held });
    }
    Ok(())
}
