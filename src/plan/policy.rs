//! Policy gates: `--deny review|replace|delete|stock` and `[policy] deny` in
//! cardform.toml. A violated gate exits 3 so a pipeline can ask for a second approval.

use crate::config::DenyClass;

use super::model::{Action, Plan};

/// One card that a gate stops.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    pub address: String,
    pub class: DenyClass,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.class {
            DenyClass::Review => "sends the card back to review",
            DenyClass::Replace => "replaces the card (new card_id)",
            DenyClass::Delete => "deletes the card",
            DenyClass::Stock => "changes its stock",
        };
        write!(
            f,
            "{}: the plan {what}, which policy denies ({:?})",
            self.address, self.class
        )
    }
}

/// Which changes of `plan` the `deny` classes forbid.
pub fn violations(plan: &Plan, deny: &[DenyClass]) -> Vec<Violation> {
    let mut out = Vec::new();
    for rc in &plan.resource_changes {
        for class in deny {
            let hit = match class {
                DenyClass::Review => rc.triggers_review && rc.action != Action::Create,
                DenyClass::Replace => rc.action == Action::Replace,
                DenyClass::Delete => rc.action == Action::Delete,
                DenyClass::Stock => rc.stock.is_some(),
            };
            if hit {
                out.push(Violation {
                    address: rc.address.clone(),
                    class: *class,
                });
            }
        }
    }
    out
}
