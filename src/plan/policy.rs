//! Policy gates: `--deny review|replace|delete|stock` and `[policy] deny` in
//! cardform.toml. A violated gate exits 3 so a pipeline can ask for a second approval
//! (or refuse the plan) before anything risky reaches WeChat.
//!
//! What each class catches is one table ([`GATES`]); the plan command, the apply
//! command and the markdown comment all read it.

use crate::config::DenyClass;
use crate::i18n::{Lang, Messages};

use super::types::{Action, Plan, ResourceChange};

/// One gate: the class a policy names, and which planned cards it stops.
pub struct GateRule {
    pub class: DenyClass,
    /// The word users write (`--deny replace`, `deny = ["replace"]`).
    pub name: &'static str,
    /// What the plan does to a card this gate stops, for messages.
    pub what: &'static str,
    pub hits: fn(&ResourceChange) -> bool,
}

/// The gate table.
pub const GATES: &[GateRule] = &[
    GateRule {
        class: DenyClass::Review,
        name: "review",
        // A replacement's new card starts under review too: it is just as unclaimable.
        what: "sends it (back) to WeChat review: not claimable until approved",
        hits: |rc| rc.triggers_review && rc.action != Action::Create,
    },
    GateRule {
        class: DenyClass::Replace,
        name: "replace",
        what: "replaces it with a new card (new card_id)",
        hits: |rc| rc.action == Action::Replace,
    },
    GateRule {
        class: DenyClass::Delete,
        name: "delete",
        what: "deletes it",
        hits: |rc| rc.action == Action::Delete,
    },
    GateRule {
        class: DenyClass::Stock,
        name: "stock",
        what: "changes its stock (modifystock)",
        hits: |rc| rc.stock.is_some(),
    },
    GateRule {
        class: DenyClass::Settings,
        name: "settings",
        what: "proposes a change of the trusted settings (endpoint, account, state, policy)",
        // Settings are the project's, not a card's: see `check`.
        hits: |_| false,
    },
];

impl GateRule {
    /// [`GateRule::what`] in the language of `m`.
    pub fn what_in(&self, m: &Messages) -> String {
        m.t(match self.class {
            DenyClass::Review => "gate-what-review",
            DenyClass::Replace => "gate-what-replace",
            DenyClass::Delete => "gate-what-delete",
            DenyClass::Stock => "gate-what-stock",
            DenyClass::Settings => "gate-what-settings",
        })
    }
}

/// The table row of `class`.
pub fn gate(class: DenyClass) -> &'static GateRule {
    GATES.iter().find(|g| g.class == class).unwrap_or(&GATES[0])
}

/// Where a denied class was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateSource {
    /// `--deny CLASS` on the command line.
    Flag,
    /// `[policy] deny` in cardform.toml.
    Config,
}

/// The classes in force, each once, with where it was set (the flag wins when both
/// name it: that is what the pipeline author sees).
pub fn gates_in_force(flags: &[DenyClass], config: &[DenyClass]) -> Vec<(DenyClass, GateSource)> {
    let mut out: Vec<(DenyClass, GateSource)> = Vec::new();
    let named = flags
        .iter()
        .map(|c| (*c, GateSource::Flag))
        .chain(config.iter().map(|c| (*c, GateSource::Config)));
    for (class, source) in named {
        if !out.iter().any(|(c, _)| *c == class) {
            out.push((class, source));
        }
    }
    out
}

/// One card that a gate stops.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    pub address: String,
    pub class: DenyClass,
    pub source: GateSource,
    /// The fields behind it (what forces the replacement, what triggers review…).
    pub because: Vec<String>,
}

impl Violation {
    /// The line for this card, in the language of `m`.
    pub fn said(&self, m: &Messages) -> String {
        let g = gate(self.class);
        let source = match self.source {
            GateSource::Flag => format!("--deny {}", g.name),
            GateSource::Config => m.t_args("gate-source-config", &[("class", g.name.into())]),
        };
        let because = if self.because.is_empty() {
            String::new()
        } else {
            m.t_args(
                "gate-because",
                &[("fields", self.because.join(", ").into())],
            )
        };
        m.t_args(
            "gate-violation",
            &[
                ("address", self.address.as_str().into()),
                ("what", g.what_in(m).into()),
                ("because", because.into()),
                ("source", source.into()),
            ],
        )
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said(&Messages::new(Lang::En)))
    }
}

fn because(rc: &ResourceChange, class: DenyClass) -> Vec<String> {
    match class {
        DenyClass::Review => rc
            .review_reasons()
            .chain(rc.replace_reasons())
            .map(|c| c.path.clone())
            .collect(),
        DenyClass::Replace => rc.replace_reasons().map(|c| c.path.clone()).collect(),
        DenyClass::Delete | DenyClass::Settings => Vec::new(),
        DenyClass::Stock => rc
            .stock
            .iter()
            .map(|s| {
                if s.coin_purchase {
                    crate::i18n::tr!("gate-because-coin", from = s.from, to = s.to)
                } else {
                    format!("{} → {}", s.from, s.to)
                }
            })
            .collect(),
    }
}

/// Which changes of `plan` the `gates` forbid, card by card, each class once.
pub fn check(plan: &Plan, gates: &[(DenyClass, GateSource)]) -> Vec<Violation> {
    let mut out = Vec::new();
    for rc in &plan.resource_changes {
        for (class, source) in gates {
            if (gate(*class).hits)(rc) {
                out.push(Violation {
                    address: rc.address.clone(),
                    class: *class,
                    source: *source,
                    because: because(rc, *class),
                });
            }
        }
    }
    if !plan.settings.is_empty() {
        for (class, source) in gates.iter().filter(|(c, _)| *c == DenyClass::Settings) {
            out.push(Violation {
                address: "cardform.toml".to_string(),
                class: *class,
                source: *source,
                because: plan.settings.iter().map(|s| s.key.clone()).collect(),
            });
        }
    }
    out
}

/// Which changes of `plan` the `deny` classes (from cardform.toml) forbid.
pub fn violations(plan: &Plan, deny: &[DenyClass]) -> Vec<Violation> {
    check(plan, &gates_in_force(&[], deny))
}

/// What the command prints on stderr when gates are violated: one line per card,
/// then what to do (in the language of `m`).
pub fn report(m: &Messages, violations: &[Violation]) -> String {
    let mut out = String::new();
    for v in violations {
        out.push_str(&m.t_args("gate-policy-line", &[("violation", v.said(m).into())]));
        out.push('\n');
    }
    let mut cards: Vec<&str> = violations.iter().map(|v| v.address.as_str()).collect();
    cards.dedup();
    let mut help = Vec::new();
    if violations.iter().any(|v| v.source == GateSource::Flag) {
        help.push(m.t("gate-help-flag"));
    }
    if violations.iter().any(|v| v.source == GateSource::Config) {
        help.push(m.t("gate-help-config"));
    }
    help.push(m.t("gate-help-change"));
    out.push_str(&m.t_args(
        "gate-denied",
        &[
            ("changes", violations.len().into()),
            ("cards", cards.len().into()),
            ("help", help.join(&m.t("gate-help-sep")).into()),
        ],
    ));
    out.push('\n');
    out
}

/// What stops a plan whose 券点 purchases cost more than the budget (`[policy]
/// max_coins_per_apply`, `--max-coins`) or more than the account holds: one line each,
/// saying by how much and what to do (exit 3; nothing is bought). `None`: within both.
pub fn coin_limits_report(plan: &Plan) -> Option<String> {
    coin_limits(&Messages::new(Lang::En), plan.coins.as_ref()?)
}

/// [`coin_limits_report`] of a plan's 券点 summary, in the language of `m`.
pub fn coin_limits(m: &Messages, c: &super::types::CoinSummary) -> Option<String> {
    let mut out = String::new();
    if let (Some(by), Some(budget)) = (c.over_budget(), c.budget) {
        out.push_str(&m.t_args(
            "gate-coins-over-budget",
            &[
                ("price", c.price.to_string().into()),
                ("by", by.to_string().into()),
                ("budget", budget.to_string().into()),
            ],
        ));
        out.push('\n');
    }
    if let Some(by) = c.over_balance() {
        let activate = if c.balance.total_coin.is_zero() {
            m.t("gate-coins-activate")
        } else {
            String::new()
        };
        out.push_str(&m.t_args(
            "gate-coins-over-balance",
            &[
                ("price", c.price.to_string().into()),
                ("by", by.to_string().into()),
                ("total", c.balance.total_coin.to_string().into()),
                ("free", c.balance.free_coin.to_string().into()),
                ("paid", c.balance.pay_coin.to_string().into()),
                ("activate", activate.into()),
                ("recharge", by.whole_ceil().to_string().into()),
            ],
        ));
        out.push('\n');
    }
    (!out.is_empty()).then_some(out)
}

/// The smallest default `[policy] max_destroy`.
pub const MIN_MAX_DESTROY: usize = 5;

/// A plan that deletes or replaces every managed card, or more than `[policy]
/// max_destroy` of them: almost always a mistake (an empty or unreadable cards/, the
/// wrong folder, the wrong state), so it needs `--allow-mass-destroy`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MassDestroy {
    /// The cards the plan deletes or replaces.
    pub addresses: Vec<String>,
    /// Cards the state manages (all of them, also under `--target`).
    pub managed: usize,
    /// The limit in force, and whether it came from cardform.toml.
    pub limit: usize,
    pub limit_from_config: bool,
}

/// The limit in force: `[policy] max_destroy`, else half of the managed cards, at
/// least [`MIN_MAX_DESTROY`].
pub fn destroy_limit(managed: usize, max_destroy: Option<usize>) -> usize {
    max_destroy.unwrap_or((managed / 2).max(MIN_MAX_DESTROY))
}

/// Whether `plan` destroys too much (see [`MassDestroy`]); `managed`: how many cards
/// the state manages.
pub fn mass_destroy(
    plan: &Plan,
    managed: usize,
    max_destroy: Option<usize>,
) -> Option<MassDestroy> {
    let addresses: Vec<String> = plan
        .resource_changes
        .iter()
        .filter(|rc| rc.card_id.is_some() && matches!(rc.action, Action::Delete | Action::Replace))
        .map(|rc| rc.address.clone())
        .collect();
    let limit = destroy_limit(managed, max_destroy);
    let every = managed > 0 && addresses.len() >= managed;
    (every || addresses.len() > limit).then_some(MassDestroy {
        addresses,
        managed,
        limit,
        limit_from_config: max_destroy.is_some(),
    })
}

/// What the command prints on stderr when [`mass_destroy`] stops a plan (exit 3), in
/// the language of `m`.
pub fn mass_destroy_report(m: &Messages, d: &MassDestroy) -> String {
    let n = d.addresses.len();
    let mut shown: Vec<&str> = d.addresses.iter().take(10).map(String::as_str).collect();
    if n > shown.len() {
        shown.push("…");
    }
    let args = |id: &str| {
        m.t_args(
            id,
            &[
                ("count", n.into()),
                ("managed", d.managed.into()),
                ("limit", d.limit.into()),
                ("min", MIN_MAX_DESTROY.into()),
            ],
        )
    };
    let why = if n == d.managed {
        args("gate-mass-every")
    } else if d.limit_from_config {
        args("gate-mass-config")
    } else {
        args("gate-mass-default")
    };
    format!(
        "{}\n  {}\n  {}\n",
        m.t_args(
            "gate-mass-destroy",
            &[("why", why.into()), ("cards", shown.join(", ").into())]
        ),
        m.t("gate-mass-mistake"),
        m.t("gate-mass-allow")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_destroy_limit_is_half_at_least_five() {
        assert_eq!(destroy_limit(0, None), 5);
        assert_eq!(destroy_limit(4, None), 5);
        assert_eq!(destroy_limit(11, None), 5);
        assert_eq!(destroy_limit(40, None), 20);
        assert_eq!(destroy_limit(40, Some(0)), 0);
    }

    #[test]
    fn every_deny_class_has_exactly_one_gate() {
        for class in [
            DenyClass::Review,
            DenyClass::Replace,
            DenyClass::Delete,
            DenyClass::Stock,
        ] {
            assert_eq!(GATES.iter().filter(|g| g.class == class).count(), 1);
            assert_eq!(gate(class).class, class);
        }
    }

    #[test]
    fn a_class_named_twice_is_checked_once_and_the_flag_wins() {
        let g = gates_in_force(
            &[DenyClass::Delete, DenyClass::Delete],
            &[DenyClass::Delete, DenyClass::Stock],
        );
        assert_eq!(
            g,
            vec![
                (DenyClass::Delete, GateSource::Flag),
                (DenyClass::Stock, GateSource::Config)
            ]
        );
    }

    #[test]
    fn names_match_what_users_write() {
        for g in GATES {
            let parsed: DenyClass =
                serde_json::from_value(serde_json::Value::String(g.name.into()))
                    .unwrap_or(DenyClass::Review);
            assert_eq!(parsed, g.class, "{}", g.name);
        }
    }
}
