//! The plan as a versioned JSON document (`--format json`): `format_version` and
//! `resource_changes[]` with `address`, `card_id`, `action`, `triggers_review`,
//! `refreshed`, `reasons[]` (field path + rule), `before`, `after`; format 2 adds 券点
//! prices (`stock.price`, `coins`) and `test_whitelist`; `refresh` (which cards were
//! read) and `api_calls` (made by the plan, to be made by apply) were added within
//! format 2, and so was `gate` (the plan's refusals: `plan --format json` carries it).
//! Fields are only ever added within a `format_version`; a removed or changed
//! field bumps it.
//!
//! [`JsonPlan`] borrows the plan and is serialised straight to its writer: a plan over
//! 10,000 cards is ~20 MB of JSON, and building it as a `serde_json::Value` first held
//! the whole document twice over (308 MB peak RSS, against 153 MB for the text plan).

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::diff::FieldChange;
use super::gate::Verdict;
use super::note::Note;
use super::policy::{mass_destroy_report, report};
use super::stock_loss::stock_loss_report;
use super::types::{
    Action, ApiCalls, CoinSummary, Plan, RefreshSummary, ResourceChange, SettingChange,
    StockChange, Summary, WhitelistChange,
};
use crate::model::pending::shown;
use crate::model::{Canonical, CardType};
use cardform_spec::rules::UpdateClass;

/// The JSON document for a plan, borrowing it.
#[derive(Serialize)]
pub struct JsonPlan<'a> {
    format_version: &'a str,
    refresh_only: bool,
    has_changes: bool,
    summary: &'a Summary,
    #[serde(serialize_with = "changes")]
    resource_changes: &'a [ResourceChange],
    /// Settings the project file proposes (under `--trusted-settings`); absent when none.
    #[serde(skip_serializing_if = "no_settings")]
    settings: &'a [SettingChange],
    /// `{mode, refreshed, not_refreshed}`: which managed cards were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh: Option<&'a RefreshSummary>,
    /// `{made_by_plan, apply_will_make}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    api_calls: Option<&'a ApiCalls>,
    /// The 券点 the plan spends (absent when it buys nothing); each purchase's price is
    /// its `stock.price`.
    #[serde(skip_serializing_if = "Option::is_none")]
    coins: Option<JsonCoins<'a>>,
    /// The test whitelist change (absent when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    test_whitelist: Option<&'a WhitelistChange>,
    /// The sub-merchants (absent when the files declare none).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sub_merchants: &'a [super::sub_merchants::SubMerchantChange],
    /// Cards waiting for their sub-merchant's approval (absent when none).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    waiting: &'a [super::sub_merchants::WaitingCard],
    /// `{refused, refusals[]}`: what the gates say of this plan (absent where the
    /// caller did not gate it).
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<JsonGate>,
}

impl JsonPlan<'_> {
    /// Adds the gates' verdict, so a pipeline reading the JSON sees why `plan` exits 3.
    #[must_use]
    pub fn with_gate(mut self, verdict: &Verdict) -> Self {
        self.gate = Some(JsonGate::of(verdict));
        self
    }
}

/// The gates' verdict: whether the plan is refused, and each refusal with the cards
/// it names and the message `plan` prints.
#[derive(Serialize)]
struct JsonGate {
    refused: bool,
    refusals: Vec<JsonRefusal>,
}

#[derive(Serialize)]
struct JsonRefusal {
    /// `stock_loss`, `mass_destroy`, `coins` or `policy`.
    gate: &'static str,
    addresses: Vec<String>,
    /// Unclaimed bought vouchers thrown away (`stock_loss` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    vouchers: Option<u64>,
    message: String,
}

impl JsonGate {
    fn of(v: &Verdict) -> JsonGate {
        // JSON is data: its messages stay English whatever the language.
        let en = crate::i18n::Messages::new(crate::i18n::Lang::En);
        let mut refusals = Vec::new();
        if !v.stock_loss.is_empty() {
            refusals.push(JsonRefusal {
                gate: "stock_loss",
                addresses: v.stock_loss.iter().map(|l| l.address.clone()).collect(),
                vouchers: Some(v.stock_loss.iter().map(|l| l.vouchers).sum()),
                message: stock_loss_report(&en, &v.stock_loss),
            });
        }
        if let Some(m) = &v.mass_destroy {
            refusals.push(JsonRefusal {
                gate: "mass_destroy",
                addresses: m.addresses.clone(),
                vouchers: None,
                message: mass_destroy_report(&en, m),
            });
        }
        if let Some(why) = v.coins_over_in(&en) {
            refusals.push(JsonRefusal {
                gate: "coins",
                addresses: Vec::new(),
                vouchers: None,
                message: why,
            });
        }
        if !v.violations.is_empty() {
            refusals.push(JsonRefusal {
                gate: "policy",
                addresses: v.violations.iter().map(|x| x.address.clone()).collect(),
                vouchers: None,
                message: report(&en, &v.violations),
            });
        }
        JsonGate {
            refused: v.denied(),
            refusals,
        }
    }
}

/// The plan's 券点 with how far it exceeds the budget and the balance (null: within).
#[derive(Serialize)]
struct JsonCoins<'a> {
    #[serde(flatten)]
    summary: &'a CoinSummary,
    over_budget: Option<cardform_spec::Points>,
    over_balance: Option<cardform_spec::Points>,
}

fn no_settings(s: &&[SettingChange]) -> bool {
    s.is_empty()
}

#[derive(Serialize)]
struct JsonChange<'a> {
    address: &'a str,
    card_id: Option<&'a str>,
    card_type: Option<&'static str>,
    action: Action,
    triggers_review: bool,
    /// False when planned from the last applied state (`--refresh=changed`).
    refreshed: bool,
    #[serde(serialize_with = "reasons")]
    reasons: &'a [FieldChange],
    #[serde(serialize_with = "drift")]
    drift: &'a [FieldChange],
    stock: Option<&'a StockChange>,
    review_status: Option<String>,
    derived_title: Option<&'a str>,
    notes: &'a [Note],
    before: Option<Nested<'a>>,
    after: Option<Nested<'a>>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    path: &'a str,
    class: UpdateClass,
    rule: &'a str,
    before: Option<Shown<'a>>,
    after: Option<Shown<'a>>,
}

#[derive(Serialize)]
struct JsonDrift<'a> {
    path: &'a str,
    applied: Option<Shown<'a>>,
    live: Option<Shown<'a>>,
}

/// A canonical form as nested JSON, built only while it is being written.
struct Nested<'a>(&'a Canonical);

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        shown(&self.0.unflatten()).serialize(s)
    }
}

/// A value as the plan shows it: pending values as their text (see
/// [`crate::model::pending`]), so the JSON plan reads as it always has.
struct Shown<'a>(&'a Value);

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        shown(self.0).serialize(s)
    }
}

fn changes<S: Serializer>(rcs: &&[ResourceChange], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(rcs.iter().map(|rc| JsonChange {
        address: &rc.address,
        card_id: rc.card_id.as_deref(),
        card_type: rc.card_type.map(CardType::as_str),
        action: rc.action,
        triggers_review: rc.triggers_review,
        refreshed: rc.refreshed,
        reasons: &rc.changes,
        drift: &rc.drift,
        stock: rc.stock.as_ref(),
        review_status: rc.review_status.as_ref().map(|r| r.as_wire()),
        derived_title: rc.derived_title.as_deref(),
        notes: &rc.notes,
        before: rc.before.as_deref().map(Nested),
        after: rc.after.as_deref().map(Nested),
    }))
}

fn reasons<S: Serializer>(fields: &&[FieldChange], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(fields.iter().map(|f| JsonReason {
        path: &f.path,
        class: f.class,
        rule: &f.rule,
        before: f.before.as_ref().map(Shown),
        after: f.after.as_ref().map(Shown),
    }))
}

fn drift<S: Serializer>(fields: &&[FieldChange], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(fields.iter().map(|f| JsonDrift {
        path: &f.path,
        applied: f.before.as_ref().map(Shown),
        live: f.after.as_ref().map(Shown),
    }))
}

/// The JSON document for a plan, to serialise (stream) where it is needed.
pub fn json_plan(plan: &Plan) -> JsonPlan<'_> {
    JsonPlan {
        format_version: &plan.format_version,
        refresh_only: plan.refresh_only,
        has_changes: plan.has_changes(),
        summary: &plan.summary,
        resource_changes: &plan.resource_changes,
        settings: &plan.settings,
        refresh: plan.refresh.as_ref(),
        api_calls: plan.api_calls.as_ref(),
        coins: plan.coins.as_ref().map(|c| JsonCoins {
            summary: c,
            over_budget: c.over_budget(),
            over_balance: c.over_balance(),
        }),
        test_whitelist: plan.whitelist.as_ref(),
        gate: None,
        sub_merchants: &plan.sub_merchants,
        waiting: &plan.waiting,
    }
}

/// The JSON document for a plan as a value (for tests and small plans; the commands
/// stream [`json_plan`] instead).
pub fn render_json(plan: &Plan) -> Value {
    serde_json::to_value(json_plan(plan)).unwrap_or(Value::Null)
}
