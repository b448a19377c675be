//! The sentences of the plan's 券点 and whitelist lines, shared by the text and markdown
//! renderers (one place to word each line; the words are Fluent messages, so they
//! follow `--lang`). The data is typed in the plan model ([`CoinPrice`],
//! [`CoinSummary`], [`WhitelistChange`]); JSON carries it as is.

use super::stock_loss::StockLoss;
use super::types::{CoinPrice, CoinSummary, PriceSource, StockChange, WhitelistChange};
use crate::i18n::Messages;

/// `400 points (200 free + 200 paid), quoted by card/pay/getpayprice`.
pub fn price_phrase(m: &Messages, p: &CoinPrice) -> String {
    let source = match p.source {
        PriceSource::Quoted => m.t("money-quoted"),
        PriceSource::Estimated => m.t("money-estimated"),
    };
    m.t_args(
        "money-price",
        &[
            ("price", p.price.to_string().into()),
            ("free", p.free_coin.to_string().into()),
            ("paid", p.pay_coin.to_string().into()),
            ("source", source.into()),
        ],
    )
}

/// The purchase of one card: `buys 10 vouchers with 券点: 4 points (…)`.
pub fn purchase_line(m: &Messages, s: &StockChange, new_card: bool) -> String {
    let when = if s.after_approval {
        m.t("money-after-approval")
    } else if new_card {
        m.t("money-after-create")
    } else {
        String::new()
    };
    let quantity = u64::try_from(s.delta).unwrap_or(0).to_string();
    match &s.price {
        Some(p) => m.t_args(
            "money-buys-price",
            &[
                ("quantity", quantity.into()),
                ("when", when.into()),
                ("price", price_phrase(m, p).into()),
            ],
        ),
        None => m.t_args(
            "money-buys",
            &[("quantity", quantity.into()), ("when", when.into())],
        ),
    }
}

/// The plan's 券点 lines: total, balance, budget, consent; each with whether it says
/// a limit is exceeded (renderers show those in red).
pub fn coin_lines(m: &Messages, c: &CoinSummary) -> Vec<(String, bool)> {
    let num = |n: cardform_spec::Points| n.to_string();
    let mut out = vec![(
        m.t_args(
            "money-total",
            &[
                ("purchases", c.purchases.into()),
                ("price", num(c.price).into()),
                ("free", num(c.free_coin).into()),
                ("paid", num(c.pay_coin).into()),
            ],
        ),
        false,
    )];
    let held = m.t_args(
        "money-balance",
        &[
            ("total", num(c.balance.total_coin).into()),
            ("free", num(c.balance.free_coin).into()),
            ("paid", num(c.balance.pay_coin).into()),
        ],
    );
    out.push(match c.over_balance() {
        Some(by) => (
            m.t_args(
                "money-short",
                &[("held", held.into()), ("by", num(by).into())],
            ),
            true,
        ),
        None => (
            m.t_args(
                "money-left",
                &[
                    ("held", held.into()),
                    (
                        "left",
                        num(c.balance.total_coin.saturating_sub(c.price)).into(),
                    ),
                ],
            ),
            false,
        ),
    });
    if let Some(budget) = c.budget {
        out.push(match c.over_budget() {
            Some(by) => (
                m.t_args(
                    "money-over-budget",
                    &[("budget", num(budget).into()), ("by", num(by).into())],
                ),
                true,
            ),
            None => (
                m.t_args("money-within-budget", &[("budget", num(budget).into())]),
                false,
            ),
        });
    }
    out.push((
        m.t(if c.allowed {
            "money-consent-allowed"
        } else {
            "money-consent"
        }),
        false,
    ));
    out
}

/// The whitelist's lines: `+ openid o1`, `- username bob`, then what is sent.
pub fn whitelist_lines(m: &Messages, w: &WhitelistChange) -> Vec<String> {
    let mut out: Vec<String> = w
        .added
        .iter()
        .map(|e| format!("+ {e}"))
        .chain(w.removed.iter().map(|e| format!("- {e}")))
        .collect();
    let n = w.openids.len() + w.usernames.len();
    out.push(if n == 0 {
        m.t("whitelist-clear")
    } else {
        m.t_args("whitelist-set", &[("count", n.into())])
    });
    out
}

/// The sentence for bought stock a plan throws away (markdown and HTML review pages):
/// how many vouchers, about how many 券点, and, for a date change, the way to avoid it.
/// `address` is the card's address as the format shows it.
pub fn stock_loss_sentence(m: &Messages, l: &StockLoss, address: &str) -> String {
    let points = l
        .points
        .map(|pts| {
            m.t_args(
                "md-stock-loss-points",
                &[("points", pts.to_string().into())],
            )
        })
        .unwrap_or_default();
    let key = if l.by_date_change {
        "md-stock-loss-date"
    } else {
        "md-stock-loss"
    };
    m.t_args(
        key,
        &[
            ("address", address.to_string().into()),
            ("vouchers", l.vouchers.to_string().into()),
            ("points", points.into()),
        ],
    )
}
