//! The one check every plan passes before it is shown as approvable or applied —
//! `plan`, `apply DIR` and `apply FILE` alike: the policy's deny classes
//! ([`policy`](super::policy)), the mass-destroy guard, and the 券点 budget and balance.

use super::policy::{
    MassDestroy, Violation, check, coin_limits_report, gates_in_force, mass_destroy,
    mass_destroy_report, report,
};
use super::types::Plan;
use crate::config::{DenyClass, Policy};
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
}

/// What the gates say about a plan; empty when it may go on.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// `--deny` / `[policy] deny` classes the plan contains, card by card.
    pub violations: Vec<Violation>,
    /// Too many cards deleted or replaced without `--allow-mass-destroy`.
    pub mass_destroy: Option<MassDestroy>,
    /// The 券点 purchases cost more than the budget or the balance (the message).
    pub coins_over: Option<String>,
}

impl Verdict {
    /// Whether any gate refuses the plan (exit 3).
    pub fn denied(&self) -> bool {
        !self.violations.is_empty() || self.mass_destroy.is_some() || self.coins_over.is_some()
    }

    /// Every refusal, as `plan` prints them: mass destroy, 券点 limits, policy.
    pub fn full_report(&self) -> String {
        let mut out = String::new();
        if let Some(m) = &self.mass_destroy {
            out.push_str(&mass_destroy_report(m));
        }
        if let Some(why) = &self.coins_over {
            out.push_str(why);
        }
        if !self.violations.is_empty() {
            out.push_str(&report(&self.violations));
        }
        out
    }

    /// The first refusal, as `apply` prints it before stopping: policy, mass destroy,
    /// 券点 limits. `None`: the plan may be applied.
    pub fn first_refusal(&self) -> Option<String> {
        if !self.violations.is_empty() {
            return Some(report(&self.violations));
        }
        if let Some(m) = &self.mass_destroy {
            return Some(mass_destroy_report(m));
        }
        self.coins_over.clone()
    }
}

/// The one check every plan passes before it is shown as approvable or applied: the
/// policy's deny classes, the mass-destroy guard (against how many cards `state`
/// manages), and the 券点 budget and balance.
pub fn gate(plan: &Plan, policy: &GatePolicy<'_>, state: &StateFile) -> Verdict {
    let gates = gates_in_force(policy.deny_flags, &policy.policy.deny);
    let mass = (!policy.allow_mass_destroy && !plan.refresh_only)
        .then(|| mass_destroy(plan, state.resources.len(), policy.policy.max_destroy))
        .flatten();
    Verdict {
        violations: check(plan, &gates),
        mass_destroy: mass,
        coins_over: coin_limits_report(plan),
    }
}
