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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ResourceChange;

    fn rc(address: &str, action: Action, status: Option<ReviewStatus>) -> ResourceChange {
        ResourceChange {
            address: address.into(),
            card_id: (action != Action::Create).then(|| format!("p{address}")),
            card_type: None,
            action,
            triggers_review: action == Action::Create,
            changes: Vec::new(),
            drift: Vec::new(),
            stock: Some(StockChange {
                from: 0,
                to: 250,
                delta: 250,
                coin_purchase: true,
                price: None,
                after_approval: false,
            }),
            before: None,
            after: None,
            desired: None,
            review_status: status,
            unchanged: 0,
            derived_title: None,
            live_fingerprint: None,
            depends_on: Vec::new(),
            notes: Vec::new(),
            refreshed: true,
        }
    }

    #[test]
    fn purchases_wait_for_approval_and_never_come_for_rejected_cards() {
        let mut plan = Plan::new(
            vec![
                rc("new", Action::Create, None),
                rc("review", Action::Stock, Some(ReviewStatus::NotVerify)),
                rc("rejected", Action::Stock, Some(ReviewStatus::VerifyFail)),
                rc("ok", Action::Stock, Some(ReviewStatus::VerifyOk)),
            ],
            false,
        );
        defer_purchases(&mut plan);
        let by = |a: &str| {
            plan.resource_changes
                .iter()
                .find(|r| r.address == a)
                .expect("card")
        };
        assert!(by("new").stock.as_ref().is_some_and(|s| s.after_approval));
        for waiting in ["review", "rejected"] {
            let r = by(waiting);
            assert_eq!((r.action, r.stock.is_none()), (Action::NoOp, true));
            assert_eq!(r.notes, vec![Note::StockAwaitsApproval { quantity: 250 }]);
        }
        assert_eq!(by("ok").action, Action::Stock);
        let buying: Vec<&str> = plan
            .coin_purchases()
            .map(|(r, _)| r.address.as_str())
            .collect();
        assert_eq!(buying, vec!["ok"]);
        assert_eq!(deferred(&plan).count(), 1);
        assert_eq!(plan.summary.stock, 1);
    }
}
