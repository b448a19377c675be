//! Bought stock is never lost silently (guarantee 9): a plan that replaces or deletes a
//! friends coupon holding unclaimed vouchers — bought with 券点, never refunded — is held
//! back unless the operator says `--allow-stock-loss`, and says how many vouchers and
//! about how many points go. A replacement forced by a validity change is named as
//! such, with the way to avoid it (WeChat takes an end date moved by a limited amount in
//! place: move it within the limit now, the rest in a later apply).

use super::note::Note;
use super::price::estimate;
use super::types::{Action, Plan};
use crate::i18n::Messages;

/// One card whose unclaimed bought stock a plan would throw away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLoss {
    pub address: String,
    pub card_id: Option<String>,
    pub action: Action,
    /// Unclaimed vouchers that go with the card.
    pub vouchers: u64,
    /// What they cost at the reference price (券点), when the card's content is known.
    pub points: Option<cardform_spec::Points>,
    /// The replacement is forced by a change of the validity window (`date_info`).
    pub by_date_change: bool,
}

/// Every stock loss in `plan`.
pub fn stock_losses(plan: &Plan) -> Vec<StockLoss> {
    plan.resource_changes
        .iter()
        .filter(|rc| matches!(rc.action, Action::Replace | Action::Delete))
        .filter_map(|rc| {
            let vouchers = rc.notes.iter().find_map(|n| match n {
                Note::GivesUpStock { remaining } => Some(*remaining),
                _ => None,
            })?;
            let by_date_change = rc.action == Action::Replace
                && rc.changes.iter().any(|c| {
                    c.class == cardform_spec::rules::UpdateClass::Replace
                        && c.path.starts_with("base_info.date_info")
                });
            Some(StockLoss {
                address: rc.address.clone(),
                card_id: rc.card_id.clone(),
                action: rc.action,
                vouchers,
                points: rc.before.as_deref().map(|c| estimate(c, vouchers)),
                by_date_change,
            })
        })
        .collect()
}

/// The refusal: what would be lost and what to do, in the language of `m`.
pub fn stock_loss_report(m: &Messages, losses: &[StockLoss]) -> String {
    let mut out = m.t("gate-stock-loss-head");
    out.push('\n');
    for l in losses {
        let id = match l.action {
            Action::Delete => "gate-stock-loss-delete",
            _ => "gate-stock-loss-replace",
        };
        let points = l
            .points
            .map(|p| m.t_args("md-stock-loss-points", &[("points", p.to_string().into())]))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}\n",
            m.t_args(
                id,
                &[
                    ("address", l.address.as_str().into()),
                    ("vouchers", l.vouchers.to_string().into()),
                    ("points", points.into()),
                ],
            )
        ));
        if l.by_date_change {
            out.push_str(&format!("    {}\n", m.t("gate-stock-loss-date")));
        }
    }
    out.push_str(&m.t("gate-stock-loss-allow"));
    out
}
