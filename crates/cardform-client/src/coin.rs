//! 券点 (coupon points): friends-coupon stock is bought, not set (reference §8.6).
//! getpayprice quotes a price (single-use order_id, valid 60 s); confirm spends the
//! points and adds the stock — paid and irreversible, so callers gate it.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use cardform_spec::Points;

use super::client::WeChatClient;
use super::error::ApiError;
use super::lenient;
use super::retry::Idempotency::{Idempotent, NotIdempotent};
use super::transport::Request;

/// A price quote from `card/pay/getpayprice`. WeChat writes the amounts as decimal
/// strings (`"price": "0.2"`) or numbers; both read exactly into [`Points`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayQuote {
    #[serde(deserialize_with = "lenient::string_any")]
    pub order_id: String,
    /// Total price in 券点 (1 点 = ¥1).
    pub price: Points,
    /// How much of it the free points cover.
    #[serde(default)]
    pub free_coin: Points,
    /// How much of it is paid points.
    #[serde(default)]
    pub pay_coin: Points,
}

/// The account's points (`card/pay/getcoinsinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinBalance {
    #[serde(default)]
    pub free_coin: Points,
    #[serde(default)]
    pub pay_coin: Points,
    #[serde(default)]
    pub total_coin: Points,
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

/// One 券点 ledger entry (`order_info` of getorder, an item of getorderlist). WeChat's
/// doc writes the counts as strings (`"free_coin_count": "0"`) beside a numeric
/// `create_time`; either shape reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinOrder {
    #[serde(deserialize_with = "lenient::string_any")]
    pub order_id: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub order_type: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub status: String,
    #[serde(default, deserialize_with = "lenient::i64_any")]
    pub create_time: i64,
    #[serde(default, deserialize_with = "lenient::i64_any")]
    pub pay_finish_time: i64,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub desc: String,
    #[serde(default)]
    pub free_coin_count: Points,
    #[serde(default)]
    pub pay_coin_count: Points,
    #[serde(default)]
    pub refund_free_coin_count: Points,
    #[serde(default)]
    pub refund_pay_coin_count: Points,
}

/// A page of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    #[serde(default, deserialize_with = "lenient::u64_any")]
    pub total_num: u64,
    #[serde(default)]
    pub order_list: Vec<CoinOrder>,
}

/// A recharge order: WeChat Pay's QR code; the points arrive when someone pays it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recharge {
    #[serde(deserialize_with = "lenient::string_any")]
    pub order_id: String,
    pub qrcode_url: String,
    /// The QR image, base64 (may be empty).
    #[serde(default)]
    pub qrcode_buffer: String,
}

#[derive(Deserialize)]
struct Reward {
    #[serde(default)]
    reward: Points,
}

#[derive(Deserialize)]
struct OrderInfo {
    order_info: CoinOrder,
}

impl WeChatClient {
    /// `card/pay/activate`: opens the 券点 account (200 free points the first time).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn activate_coins(&self) -> Result<Points, ApiError> {
        const EP: &str = "/card/pay/activate";
        let v = self.call(&Request::get(EP)).await?;
        serde_json::from_value::<Reward>(v.clone())
            .map(|r| r.reward)
            .map_err(|e| malformed(EP, format!("activate: {e}"), &v))
    }

    /// `card/pay/recharge`: a WeChat Pay order for `coin_count` points. Pays nothing:
    /// someone must scan and pay the QR code.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn recharge_coins(&self, coin_count: u64) -> Result<Recharge, ApiError> {
        const EP: &str = "/card/pay/recharge";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "coin_count": coin_count }),
                NotIdempotent,
            ))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("recharge: {e}"), &v))
    }

    /// `card/pay/getorderlist`: the newest `count` orders between two Unix times.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn coin_orders(
        &self,
        offset: u64,
        count: u64,
        begin_time: i64,
        end_time: i64,
    ) -> Result<OrderList, ApiError> {
        const EP: &str = "/card/pay/getorderlist";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({
                    "offset": offset,
                    "count": count,
                    "sort_info": { "sort_key": "SORT_BY_TIME", "sort_type": "SORT_DESC" },
                    "begin_time": begin_time,
                    "end_time": end_time,
                }),
                Idempotent,
            ))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("orders: {e}"), &v))
    }

    /// `card/pay/getorderlist` of one `order_type`, newest first, over WeChat's default
    /// window (the last week up to WeChat's own clock, reference §8.6): sends no times,
    /// so a local clock that differs from WeChat's does not hide an order.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn newest_coin_orders(
        &self,
        order_type: &str,
        count: u64,
    ) -> Result<OrderList, ApiError> {
        const EP: &str = "/card/pay/getorderlist";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({
                    "offset": 0,
                    "count": count,
                    "order_type": order_type,
                    "sort_info": { "sort_key": "SORT_BY_TIME", "sort_type": "SORT_DESC" },
                }),
                Idempotent,
            ))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("orders: {e}"), &v))
    }

    /// `card/pay/getorder`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn coin_order(&self, order_id: &str) -> Result<CoinOrder, ApiError> {
        const EP: &str = "/card/pay/getorder";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "order_id": order_id }),
                Idempotent,
            ))
            .await?;
        serde_json::from_value::<OrderInfo>(v.clone())
            .map(|o| o.order_info)
            .map_err(|e| malformed(EP, format!("order: {e}"), &v))
    }
}
