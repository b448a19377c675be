//! The one check every plan passes before it is shown as approvable or applied —
//! `plan`, `apply DIR` and `apply FILE` alike: the policy's deny classes
//! ([`policy`](super::policy)), the mass-destroy guard, the 券点 budget and balance, and
//! bought friends-coupon stock thrown away ([`stock_loss`](super::stock_loss)).

use super::policy::{
    MassDestroy, Violation, check, coin_limits, gates_in_force, mass_destroy, mass_destroy_report,
    report,
};
use super::stock_loss::{StockLoss, stock_loss_report, stock_losses};
use super::types::{CoinSummary, Plan};
use crate::config::{DenyClass, Policy};
use crate::i18n::Messages;
use crate::state::StateFile;

/// The gates a plan must pass: the command line's, over cardform.toml's `[policy]`.
#[derive(Debug, Clone, Copy)]
pub struct GatePolicy<'a> {
    /// `--deny` (plan only).
    pub deny_flags: &'a [DenyClass],
    /// `[policy]` of the project file in force.
    pub policy: &'a Policy,
    /// `--allow-mass-destroy`.
    pub allow_mass_destroy: bool,
    /// `--allow-stock-loss`: replacing or deleting a friends coupon that holds unclaimed
    /// bought stock is accepted.
    pub allow_stock_loss: bool,
}

/// What the gates say about a plan; empty when it may go on.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// `--deny` / `[policy] deny` classes the plan contains, card by card.
    pub violations: Vec<Violation>,
    /// Too many cards deleted or replaced without `--allow-mass-destroy`.
    pub mass_destroy: Option<MassDestroy>,
    /// The 券点 purchases cost more than the budget or the balance (the plan's 券点
    /// summary; [`coin_limits`] says why).
    pub coins_over: Option<CoinSummary>,
    /// Friends coupons whose unclaimed bought stock the plan throws away, without
    /// `--allow-stock-loss` (guarantee 9).
    pub stock_loss: Vec<StockLoss>,
}

impl Verdict {
    /// Whether any gate refuses the plan (exit 3).
    pub fn denied(&self) -> bool {
        !self.violations.is_empty()
            || self.mass_destroy.is_some()
            || self.coins_over.is_some()
            || !self.stock_loss.is_empty()
    }

    /// Every refusal, as `plan` prints them: stock loss, mass destroy, 券点 limits,
    /// policy (in the process language).
    pub fn full_report(&self) -> String {
        self.full_report_in(&Messages::process())
    }

    /// [`Verdict::full_report`] in the language of `m`.
    pub fn full_report_in(&self, m: &Messages) -> String {
        let mut out = String::new();
        if !self.stock_loss.is_empty() {
            out.push_str(&stock_loss_report(m, &self.stock_loss));
            out.push('\n');
        }
        if let Some(d) = &self.mass_destroy {
            out.push_str(&mass_destroy_report(m, d));
        }
        if let Some(why) = self.coins_over_in(m) {
            out.push_str(&why);
        }
        if !self.violations.is_empty() {
            out.push_str(&report(m, &self.violations));
        }
        out
    }

    /// Why the 券点 purchases are refused, in the language of `m`.
    pub fn coins_over_in(&self, m: &Messages) -> Option<String> {
        self.coins_over.as_ref().and_then(|c| coin_limits(m, c))
    }

    /// The first refusal, as `apply` prints it before stopping (in the process
    /// language): stock loss, policy, mass destroy, 券点 limits. `None`: the plan may be
    /// applied.
    pub fn first_refusal(&self) -> Option<String> {
        let m = Messages::process();
        if !self.stock_loss.is_empty() {
            return Some(stock_loss_report(&m, &self.stock_loss) + "\n");
        }
        if !self.violations.is_empty() {
            return Some(report(&m, &self.violations));
        }
        if let Some(d) = &self.mass_destroy {
            return Some(mass_destroy_report(&m, d));
        }
        self.coins_over_in(&m)
    }
}

/// The one check every plan passes before it is shown as approvable or applied: the
/// policy's deny classes, the mass-destroy guard (against how many cards `state`
/// manages), the 券点 budget and balance, and bought stock thrown away.
pub fn gate(plan: &Plan, policy: &GatePolicy<'_>, state: &StateFile) -> Verdict {
    let gates = gates_in_force(policy.deny_flags, &policy.policy.deny);
    let mass = (!policy.allow_mass_destroy && !plan.refresh_only)
        .then(|| mass_destroy(plan, state.resources.len(), policy.policy.max_destroy))
        .flatten();
    Verdict {
        violations: check(plan, &gates),
        mass_destroy: mass,
        coins_over: plan
            .coins
            .clone()
            .filter(|c| coin_limits(&Messages::process(), c).is_some()),
        stock_loss: if policy.allow_stock_loss || plan.refresh_only {
            Vec::new()
        } else {
            stock_losses(plan)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Note, ResourceChange};

    fn deleted_friends_coupon() -> ResourceChange {
        ResourceChange {
            address: "friend_cash".into(),
            card_id: Some("pFriend".into()),
            card_type: None,
            action: Action::Delete,
            triggers_review: false,
            changes: Vec::new(),
            drift: Vec::new(),
            stock: None,
            before: None,
            after: None,
            desired: None,
            review_status: None,
            unchanged: 0,
            derived_title: None,
            live_fingerprint: None,
            depends_on: Vec::new(),
            notes: vec![Note::NoLongerInFiles, Note::GivesUpStock { remaining: 500 }],
            refreshed: true,
        }
    }

    #[test]
    fn stock_loss_is_refused_unless_allowed() {
        let plan = Plan::new(vec![deleted_friends_coupon()], false);
        let policy = Policy::default();
        let state = StateFile::default();
        let gates = |allow_stock_loss| GatePolicy {
            deny_flags: &[],
            policy: &policy,
            allow_mass_destroy: true,
            allow_stock_loss,
        };
        let refused = gate(&plan, &gates(false), &state);
        assert!(refused.denied());
        let why = refused.first_refusal().unwrap_or_default();
        assert!(
            why.contains("friend_cash: deleting it loses 500 unclaimed vouchers"),
            "{why}"
        );
        assert!(why.contains("--allow-stock-loss"), "{why}");
        assert!(refused.full_report().contains("500 unclaimed vouchers"));
        assert!(!gate(&plan, &gates(true), &state).denied());
    }
}
