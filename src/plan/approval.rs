//! `[policy] buy_stock = "after_approval"`: friends-coupon stock is bought with 券点
//! only once WeChat approved the card, so a rejected card never holds stock bought for
//! nothing (issue 22, item 10).
//!
//! A new card (create, replace) is created without stock and its purchase is marked
//! [`StockChange::after_approval`]: this apply buys nothing for it, `apply
//! --wait-for-review` buys once the card is approved. A card that exists but is not
//! approved (under review, rejected, or sent back to review by this plan) keeps its
//! purchase out of the plan with a [`Note::StockAwaitsApproval`]; once it is approved,
//! the next plan buys as usual.

use super::note::Note;
use super::types::{Action, Plan, StockChange, Summary};
use crate::live::ReviewStatus;
use cardform_spec::rules::UpdateClass;

/// Whether WeChat approved a card in this review status (dispatched cards were).
pub fn approved(status: Option<&ReviewStatus>) -> bool {
    matches!(
        status,
        Some(ReviewStatus::VerifyOk | ReviewStatus::Dispatch)
    )
}

/// Holds back the plan's 券点 purchases for cards WeChat has not approved.
pub fn defer_purchases(plan: &mut Plan) {
    for rc in &mut plan.resource_changes {
        let Some(stock) = rc.stock.as_mut().filter(|s| s.coin_purchase) else {
            continue;
        };
        match rc.action {
            Action::Create | Action::Replace => stock.after_approval = true,
            _ if approved(rc.review_status.as_ref()) && !rc.triggers_review => {}
            _ => {
                let quantity = u64::try_from(stock.delta).unwrap_or(0);
                rc.notes.push(Note::StockAwaitsApproval { quantity });
                rc.stock = None;
                rc.changes.retain(|c| c.class != UpdateClass::Stock);
                if rc.action == Action::Stock {
                    rc.action = Action::NoOp;
                }
            }
        }
    }
    plan.summary = Summary::of(&plan.resource_changes);
}

/// The purchases a plan left for after approval, as this apply would have made them
/// (for `apply --wait-for-review` once the cards are approved).
pub fn deferred(plan: &Plan) -> impl Iterator<Item = (&super::ResourceChange, &StockChange)> {
    plan.resource_changes.iter().filter_map(|rc| {
        rc.stock
            .as_ref()
            .filter(|s| s.coin_purchase && s.after_approval)
            .map(|s| (rc, s))
    })
}
