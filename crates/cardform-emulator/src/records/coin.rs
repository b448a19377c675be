//! The account's 券点 as the world holds and persists it: points, price quotes and the
//! order ledger ([`CoinState`]), with the ledger's bookkeeping. The `card/pay/*`
//! endpoints are in `coin.rs`.

use cardform_spec::Points;
use serde::{Deserialize, Serialize};

/// A price quote from getpayprice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub order_id: String,
    pub card_id: String,
    pub quantity: u64,
    pub price: Points,
    pub expires_ms: i64,
    pub used: bool,
}

/// A ledger entry (getorder's `order_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub order_id: String,
    pub order_type: String,
    pub status: String,
    pub create_time: i64,
    pub pay_finish_time: i64,
    pub desc: String,
    pub free_coin_count: Points,
    pub pay_coin_count: Points,
    pub refund_free_coin_count: Points,
    pub refund_pay_coin_count: Points,
    pub openid: String,
}

/// The account's points and ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinState {
    pub activated: bool,
    pub free_coin: Points,
    pub pay_coin: Points,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(default)]
    pub next_order: u64,
}

/// Free points granted on the first activation (reference §8.6).
pub const ACTIVATION_REWARD: Points = Points::whole(200);

impl CoinState {
    /// An account whose 券点 account was opened once: the activation reward, nothing
    /// else (the embedded sandbox starts so, see `EmulatorConfig::coins_activated`).
    pub fn activated() -> CoinState {
        CoinState {
            activated: true,
            free_coin: ACTIVATION_REWARD,
            ..CoinState::default()
        }
    }

    /// The next ledger order id.
    pub fn order_id(&mut self) -> String {
        self.next_order += 1;
        format!("{}", 100_000_000 + self.next_order)
    }

    /// Appends a ledger entry and returns its order id.
    pub fn push_order(
        &mut self,
        order_type: &str,
        status: &str,
        now: i64,
        desc: String,
        free: Points,
        pay: Points,
    ) -> String {
        let order_id = self.order_id();
        self.orders.push(Order {
            order_id: order_id.clone(),
            order_type: order_type.into(),
            status: status.into(),
            create_time: now,
            pay_finish_time: if status == "ORDER_STATUS_WAITING" {
                0
            } else {
                now
            },
            desc,
            free_coin_count: free,
            pay_coin_count: pay,
            refund_free_coin_count: Points::ZERO,
            refund_pay_coin_count: Points::ZERO,
            openid: String::new(),
        });
        order_id
    }
}
