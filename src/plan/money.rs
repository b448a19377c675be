//! The sentences of the plan's 券点 and whitelist lines, shared by the text and markdown
//! renderers (one place to word, and to translate, each line). The data is typed in
//! the plan model ([`CoinPrice`], [`CoinSummary`], [`WhitelistChange`]); JSON carries it
//! as is.

use super::model::{CoinPrice, CoinSummary, PriceSource, StockChange, WhitelistChange};

/// `400 points (200 free + 200 paid), quoted by card/pay/getpayprice`.
pub fn price_phrase(p: &CoinPrice) -> String {
    let source = match p.source {
        PriceSource::Quoted => "quoted by card/pay/getpayprice",
        PriceSource::Estimated => {
            "estimated from WeChat's price table (the card has no card_id to quote yet; apply quotes it once created and stops if the quote is higher)"
        }
    };
    format!(
        "{} points ({} free + {} paid), {source}",
        p.price, p.free_coin, p.pay_coin
    )
}

/// The purchase of one card: `buys 10 vouchers with 券点: 4 points (…)`.
pub fn purchase_line(s: &StockChange, new_card: bool) -> String {
    let when = if new_card {
        " after the card is created"
    } else {
        ""
    };
    let quantity = u64::try_from(s.delta).unwrap_or(0);
    match &s.price {
        Some(p) => format!(
            "buys {quantity} vouchers with 券点{when} (paid, irreversible): {}",
            price_phrase(p)
        ),
        None => format!("buys {quantity} vouchers with 券点{when} (paid, irreversible)"),
    }
}

/// The plan's 券点 lines: total, balance, budget, consent.
pub fn coin_lines(c: &CoinSummary) -> Vec<String> {
    let mut out = vec![format!(
        "{} purchase{} {} points (1 点 = ¥1): {} free + {} paid",
        c.purchases,
        if c.purchases == 1 { " costs" } else { "s cost" },
        c.price,
        c.free_coin,
        c.pay_coin
    )];
    let held = format!(
        "balance: {} points ({} free + {} paid)",
        c.balance.total_coin, c.balance.free_coin, c.balance.pay_coin
    );
    out.push(match c.over_balance() {
        Some(by) => format!("{held}: {by} short — recharge with `cardform coins recharge {by}`"),
        None => format!(
            "{held}: {} left after the purchases",
            c.balance.total_coin - c.price
        ),
    });
    if let Some(budget) = c.budget {
        out.push(match c.over_budget() {
            Some(by) => format!("budget: {budget} points (max_coins_per_apply): over by {by}"),
            None => format!("budget: {budget} points (max_coins_per_apply): within it"),
        });
    }
    out.push(
        "apply needs --allow-coin-purchase (or [policy] allow_coin_purchase = true) and quotes again: a higher price stops it before anything is bought".to_string(),
    );
    out
}

/// The whitelist's lines: `+ openid o1`, `- username bob`, then what is sent.
pub fn whitelist_lines(w: &WhitelistChange) -> Vec<String> {
    let mut out: Vec<String> = w
        .added
        .iter()
        .map(|e| format!("+ {e}"))
        .chain(w.removed.iter().map(|e| format!("- {e}")))
        .collect();
    let n = w.openids.len() + w.usernames.len();
    out.push(if n == 0 {
        "card/testwhitelist/set with an empty list: clears the whitelist cardform set".to_string()
    } else {
        format!("card/testwhitelist/set with all {n} entries (a full replacement)")
    });
    out
}
