//! Stock changes, friends-coupon stock bought with 券点, and the test whitelist.

use super::{CardFailure, Executor, IfUnknown, Intent, failure, local_failure, now};
use crate::plan::{CoinPrice, ResourceChange};
use crate::state::OpKind;
use cardform_spec::Points;
use serde_json::json;
use uuid::Uuid;

use crate::wechat::coin::CoinOrder;

/// The ledger's type of a 券点 purchase of stock.
const REDUCE: &str = "ORDER_TYPE_REDUCE";
/// How many of the newest purchases are read to find the confirmed one.
const ORDERS_READ: u64 = 50;

impl<'a> Executor<'a> {
    /// `modifystock` with the planned delta; returns the intent to close.
    pub(super) async fn change_stock(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        stock: &crate::plan::StockChange,
    ) -> Result<Uuid, CardFailure> {
        let intent = Intent {
            op: OpKind::ModifyStock,
            card_id: Some(card_id),
            fingerprint: format!("total={}", stock.to),
            detail: json!({ "from": stock.from, "to": stock.to, "delta": stock.delta }),
        };
        let (op, ()) = self
            .journaled(
                &rc.address,
                "modifystock",
                intent,
                IfUnknown::KeepPending,
                self.client.modify_stock(card_id, stock.delta),
            )
            .await?;
        Ok(op)
    }

    /// Friends-coupon stock: a fresh 券点 quote (the plan's order_id would have
    /// expired: valid 60 s, single use), then the (paid, irreversible) confirm. A quote
    /// above the planned price buys nothing. Stock is declared as a total, so an
    /// unknown outcome is resolved by re-reading `total_quantity`, never by buying twice.
    pub(super) async fn buy_stock(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        quantity: u64,
        planned: Option<&CoinPrice>,
    ) -> Result<Uuid, CardFailure> {
        if !self.opts.allow_coin_purchase {
            return Err(local_failure(
                &rc.address,
                "stock",
                crate::i18n::tr!("apply-stock-not-allowed", quantity = quantity),
            ));
        }
        let quote = self
            .client
            .get_pay_price(card_id, quantity)
            .await
            .map_err(|e| failure(&rc.address, "getpayprice", &e))?;
        if let Some(p) = planned
            && quote.price > p.price
        {
            return Err(local_failure(
                &rc.address,
                "getpayprice",
                crate::i18n::tr!(
                    "apply-stock-price-rose",
                    quantity = quantity,
                    now = quote.price.to_string(),
                    by = quote.price.saturating_sub(p.price).to_string(),
                    planned = p.price.to_string()
                ),
            ));
        }
        let intent = Intent {
            op: OpKind::CoinConfirm,
            card_id: Some(card_id),
            fingerprint: quote.order_id.clone(),
            detail: json!({ "order_id": quote.order_id, "quantity": quantity, "price": quote.price }),
        };
        // The quote's order_id is not the ledger's: the confirmed order gets its own id.
        // The ledger's purchases before the confirm tell the new one apart (read-only).
        let before = self.reduce_orders().await;
        let (op, ()) = self
            .journaled(
                &rc.address,
                "券点 confirm",
                intent,
                IfUnknown::KeepPending,
                self.client.confirm_pay(card_id, &quote.order_id, quantity),
            )
            .await?;
        let order = match before {
            Ok(before) => self.confirmed_order(card_id, quote.price, &before).await,
            Err(why) => Err(why),
        };
        let order = match order {
            Ok(id) => crate::i18n::tr!("apply-order-found", id = id),
            Err(why) => crate::i18n::tr!("apply-order-unknown", why = why),
        };
        self.warn(crate::i18n::tr!(
            "apply-bought",
            address = rc.address,
            quantity = quantity,
            price = quote.price.to_string(),
            free = quote.free_coin.to_string(),
            paid = quote.pay_coin.to_string(),
            order = order
        ));
        Ok(op)
    }

    /// The newest 券点 purchases of the ledger (`ORDER_TYPE_REDUCE`).
    async fn reduce_orders(&self) -> Result<Vec<CoinOrder>, String> {
        self.client
            .newest_coin_orders(REDUCE, ORDERS_READ)
            .await
            .map(|l| l.order_list)
            .map_err(|e| format!("card/pay/getorderlist: {e}"))
    }

    /// The ledger's order of the purchase just confirmed: a purchase that was not in
    /// the ledger before the confirm, for `price`, not claimed by another purchase of
    /// this apply (preferring one whose description names `card_id`). Exactly one, or
    /// why not.
    async fn confirmed_order(
        &self,
        card_id: &str,
        price: Points,
        before: &[CoinOrder],
    ) -> Result<String, String> {
        let after = self.reduce_orders().await?;
        let Ok(mut claimed) = self.claimed_orders.lock() else {
            return Err(crate::i18n::tr!("apply-order-lock"));
        };
        let new: Vec<&CoinOrder> = after
            .iter()
            .filter(|o| !before.iter().any(|b| b.order_id == o.order_id))
            .filter(|o| o.free_coin_count + o.pay_coin_count == price)
            .filter(|o| !claimed.contains(&o.order_id))
            .collect();
        let naming: Vec<&CoinOrder> = new
            .iter()
            .copied()
            .filter(|o| o.desc.contains(card_id))
            .collect();
        let found = if naming.is_empty() { new } else { naming };
        match found.as_slice() {
            [one] => {
                claimed.insert(one.order_id.clone());
                Ok(one.order_id.clone())
            }
            [] => Err(crate::i18n::tr!(
                "apply-order-none",
                price = price.to_string()
            )),
            many => Err(crate::i18n::tr!(
                "apply-order-many",
                count = many.len(),
                price = price.to_string(),
                orders = many
                    .iter()
                    .map(|o| o.order_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// `card/testwhitelist/set` with the whole list (a full replacement, so repeating it
    /// is harmless and needs no intent record); the state remembers what was set.
    pub(super) async fn set_whitelist(&self, w: &crate::plan::WhitelistChange) {
        match self
            .client
            .set_test_whitelist(&w.openids, &w.usernames)
            .await
        {
            Ok(_) => {
                self.state.edit(|s| {
                    s.test_whitelist = Some(crate::state::WhitelistRecord {
                        openids: w.openids.clone(),
                        usernames: w.usernames.clone(),
                        set_at: now(),
                    });
                });
                self.count(|r| r.whitelist_set = true);
            }
            Err(e) => {
                if let Ok(mut r) = self.outcome.lock() {
                    r.failures
                        .push(failure("test_whitelist", "testwhitelist/set", &e));
                }
            }
        }
    }
}
