//! 券点 (coupon points): friends-coupon stock is bought, not set (reference §8.6).
//! getpayprice quotes a price (single-use order_id, valid 60 s); confirm spends the
//! points and adds the stock — paid and irreversible, so callers gate it.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::WeChatClient;
use super::error::ApiError;
use super::retry::Idempotency::{Idempotent, NotIdempotent};
use super::transport::Request;

/// A price quote from `card/pay/getpayprice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayQuote {
    pub order_id: String,
    /// Total price in 券点 (1 点 = ¥1).
    pub price: u64,
    /// How much of it the free points cover.
    #[serde(default)]
    pub free_coin: u64,
    /// How much of it is paid points.
    #[serde(default)]
    pub pay_coin: u64,
}

/// The account's points (`card/pay/getcoinsinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinBalance {
    #[serde(default)]
    pub free_coin: u64,
    #[serde(default)]
    pub pay_coin: u64,
    #[serde(default)]
    pub total_coin: u64,
}

fn malformed(endpoint: &str, what: String, v: &Value) -> ApiError {
    ApiError::Malformed {
        endpoint: endpoint.to_string(),
        reason: what,
        raw: super::transport::raw_for_error(v),
    }
}

impl WeChatClient {
    /// `card/pay/getpayprice`: the price of `quantity` more vouchers for a friends coupon.
    /// A quote changes nothing, so it is retried like a read.
    ///
    /// # Errors
    /// Any [`ApiError`] (40078 for a card that is not a friends coupon).
    pub async fn get_pay_price(&self, card_id: &str, quantity: u64) -> Result<PayQuote, ApiError> {
        const EP: &str = "/card/pay/getpayprice";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "card_id": card_id, "quantity": quantity }),
                Idempotent,
            ))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("quote: {e}"), &v))
    }

    /// `card/pay/confirm`: spends the quoted points and adds the stock. Never retried
    /// once sent; an unknown outcome is resolved by re-reading the card's total stock.
    ///
    /// # Errors
    /// Any [`ApiError`]; `OutcomeUnknown` when the answer is lost.
    pub async fn confirm_pay(
        &self,
        card_id: &str,
        order_id: &str,
        quantity: u64,
    ) -> Result<(), ApiError> {
        self.call(&Request::post_json(
            "/card/pay/confirm",
            json!({ "card_id": card_id, "order_id": order_id, "quantity": quantity }),
            NotIdempotent,
        ))
        .await
        .map(drop)
    }

    /// `card/pay/getcoinsinfo`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn coin_balance(&self) -> Result<CoinBalance, ApiError> {
        const EP: &str = "/card/pay/getcoinsinfo";
        let req = Request::get(EP);
        let v = self.call(&req).await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("balance: {e}"), &v))
    }
}
