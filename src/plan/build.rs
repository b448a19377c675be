//! Building the plan: desired (files) × live (refresh) × last applied (state).

use crate::i18n::tr;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::diff::{Applied, DiffContext, FieldChange, diff, drift};
use super::note::{DELETED_OUTSIDE, Note};
use super::types::{Action, Plan, ResourceChange, StockChange};
use crate::config::WriteRule;
use crate::live::{LiveCard, Observed, ReviewStatus};
use crate::model::wire::{Resolve, Resolved, desired_canonical};
use crate::model::{Canonical, Card, CardType, ImageRef};
use cardform_spec::rules::UpdateClass;
use serde_json::Value;

/// A card the files declare, borrowed from the loaded project.
#[derive(Debug, Clone)]
pub struct DesiredInput<'a> {
    pub card: &'a Card,
    /// WeChat's title for friends CASH/GIFT coupons.
    pub derived_title: Option<String>,
    /// Values the files hold that WeChat refuses if sent (legacy values of adopted
    /// cards): the plan fails if it would send one.
    pub write_rules: &'a [WriteRule],
}

/// A card the state knows, borrowed from the loaded state.
#[derive(Debug, Clone, Copy)]
pub struct StateInput<'a> {
    pub card_id: &'a str,
    pub card_type: &'a str,
    /// The last-applied content as stored (flat leaf paths, [`Canonical`]'s JSON).
    /// Read when its card is planned, so a large state is never held twice.
    pub applied: &'a Value,
    /// The paths of `applied` the files own (`None`: all of them).
    pub managed: Option<&'a [String]>,
    /// The review status last seen (`CARD_STATUS_…`).
    pub status: Option<&'a str>,
    /// What the card was last applied from ([`super::refresh_key`]).
    pub desired_hash: Option<&'a str>,
}

impl StateInput<'_> {
    /// The last-applied content ([`Canonical::from_stored`]).
    pub fn applied(&self) -> Canonical {
        Canonical::from_stored(self.applied)
    }
}

/// Everything the planner reads.
pub struct PlanInputs<'a> {
    pub desired: &'a BTreeMap<String, DesiredInput<'a>>,
    pub state: &'a BTreeMap<String, StateInput<'a>>,
    /// `card/get` for every address in the state.
    pub live: &'a BTreeMap<String, Observed>,
    /// The uploaded URL of a local image, if its bytes were uploaded before.
    pub image_url: &'a dyn Fn(&ImageRef) -> Resolved,
    /// Plan only these addresses (empty = all).
    pub targets: &'a [String],
    pub refresh_only: bool,
    /// Managed cards not refreshed (`--refresh=changed`): planned from the last applied
    /// content instead of `live`.
    pub unrefreshed: &'a BTreeSet<String>,
    /// The merchant_id of each declared sub-merchant that has one
    /// ([`super::sub_merchants::merchant_ids`]).
    pub merchant_ids: &'a BTreeMap<String, u64>,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("{}", tr!("plan-err-prevent-destroy", address = .address, action = *.action, hint = .hint))]
    PreventDestroy {
        address: String,
        action: &'static str,
        hint: String,
    },
    #[error("{}", tr!("plan-err-deleted-outside", address = .address, card_id = .card_id))]
    DeletedOutside { address: String, card_id: String },
    #[error("{}", tr!("plan-err-unknown-target", address = .address))]
    UnknownTarget { address: String },
    #[error("{}", tr!("plan-err-not-refreshed", address = .address, card_id = .card_id))]
    NotRefreshed { address: String, card_id: String },
    #[error("{}", tr!(
        "plan-err-write-rule",
        address = .address,
        field = .field,
        action = *.action,
        message = .message,
        help = .help
    ))]
    WriteRule {
        address: String,
        field: String,
        action: &'static str,
        message: String,
        help: String,
    },
}

/// The write rules a planned change breaks: every one for a card that is created (all
/// of it is sent), those on a changed field for an update.
fn write_rule_violations(rc: &ResourceChange, rules: &[WriteRule]) -> Vec<PlanError> {
    let action = match rc.action {
        Action::Create => "create",
        Action::Replace => "replace",
        Action::Update | Action::UpdateReview | Action::Stock => "update",
        Action::Delete | Action::NoOp => return Vec::new(),
    };
    let sent = |field: &str| {
        matches!(rc.action, Action::Create | Action::Replace)
            || rc.changes.iter().any(|c| {
                c.class != UpdateClass::Local
                    && (crate::model::is_under(&c.path, field)
                        || crate::model::is_under(field, &c.path))
            })
    };
    rules
        .iter()
        .filter(|r| sent(&r.field))
        .map(|r| PlanError::WriteRule {
            address: rc.address.clone(),
            field: r.field.clone(),
            action,
            message: r.message.clone(),
            help: r.help.clone(),
        })
        .collect()
}

struct Resolver<'a> {
    inputs: &'a PlanInputs<'a>,
    changing_ids: &'a BTreeSet<String>,
}

impl Resolve for Resolver<'_> {
    fn image_url(&self, image: &ImageRef) -> Resolved {
        (self.inputs.image_url)(image)
    }
    fn card_id(&self, address: &str) -> Resolved {
        if self.changing_ids.contains(address) {
            return Resolved::Pending(format!("card_id of {address}"));
        }
        match self.inputs.state.get(address) {
            Some(s) => Resolved::Known(s.card_id.to_string()),
            None => Resolved::Pending(format!("card_id of {address}")),
        }
    }
    fn merchant_id(&self, name: &str) -> Resolved {
        match self.inputs.merchant_ids.get(name) {
            Some(id) => Resolved::Known(id.to_string()),
            None => Resolved::Pending(crate::model::wire::merchant_pending(name)),
        }
    }
}

/// Builds the plan.
///
/// # Errors
/// Every [`PlanError`] found (prevent_destroy, unknown targets, cards deleted outside
/// cardform under `--refresh-only`), all at once.
pub fn build_plan(inputs: &PlanInputs<'_>) -> Result<Plan, Vec<PlanError>> {
    let mut errors = Vec::new();
    for t in inputs.targets {
        if !inputs.desired.contains_key(t) && !inputs.state.contains_key(t) {
            errors.push(PlanError::UnknownTarget { address: t.clone() });
        }
    }
    // A card whose card_id changes (create, replace) changes the content of cards that
    // refer to it; iterate until the set is stable (chains are short).
    let mut changing = BTreeSet::new();
    let mut changes = Vec::with_capacity(inputs.desired.len() + inputs.state.len());
    for _ in 0..8 {
        changes.clear();
        for (address, want) in inputs.desired {
            // `--target`: only the named cards are refreshed and planned.
            if !inputs.targets.is_empty() && !inputs.targets.contains(address) {
                continue;
            }
            let resolver = Resolver {
                inputs,
                changing_ids: &changing,
            };
            match plan_desired(address, want, inputs, &resolver) {
                Ok(rc) => changes.push(rc),
                Err(e) => errors.push(e),
            }
        }
        let next: BTreeSet<String> = changes
            .iter()
            .filter(|rc| matches!(rc.action, Action::Create | Action::Replace))
            .map(|rc| rc.address.clone())
            .collect();
        if next == changing {
            break;
        }
        changing = next;
        errors.clear();
    }
    for (address, st) in inputs.state {
        if inputs.desired.contains_key(address)
            || (!inputs.targets.is_empty() && !inputs.targets.contains(address))
        {
            continue;
        }
        changes.push(plan_removed(address, *st, inputs));
    }
    if !inputs.targets.is_empty() {
        changes.retain(|rc| inputs.targets.contains(&rc.address));
    }
    for rc in &mut changes {
        new_card_consequences(rc, inputs.live.get(&rc.address));
    }
    for rc in &changes {
        if let Some(want) = inputs.desired.get(&rc.address) {
            errors.extend(write_rule_violations(rc, want.write_rules));
        }
    }
    for rc in &changes {
        let protected = rc
            .desired
            .as_ref()
            .and_then(|c| c.lifecycle.as_ref())
            .is_some_and(|l| l.prevent_destroy)
            || inputs.state.get(&rc.address).is_some_and(|s| {
                s.applied.get("lifecycle.prevent_destroy") == Some(&Value::Bool(true))
            });
        if protected && matches!(rc.action, Action::Replace | Action::Delete) {
            let hint = match rc.action {
                Action::Replace => tr!(
                    "plan-err-forced-by",
                    fields = rc
                        .replace_reasons()
                        .map(|f| f.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => String::new(),
            };
            errors.push(PlanError::PreventDestroy {
                address: rc.address.clone(),
                action: rc.action.as_str(),
                hint,
            });
        }
    }
    if inputs.refresh_only {
        for rc in &changes {
            if rc.notes.iter().any(Note::is_deleted_outside)
                && let Some(st) = inputs.state.get(&rc.address)
            {
                errors.push(PlanError::DeletedOutside {
                    address: rc.address.clone(),
                    card_id: st.card_id.to_string(),
                });
            }
        }
        for rc in &mut changes {
            rc.action = Action::NoOp;
            rc.changes.clear();
            rc.stock = None;
            rc.triggers_review = false;
        }
        changes.retain(|rc| inputs.state.contains_key(&rc.address));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Plan::new(changes, inputs.refresh_only))
}

/// The path of the stock in the canonical form (WeChat's `total_quantity`).
pub const STOCK_PATH: &str = "base_info.sku.quantity";

/// What a new card_id costs beyond its fields: a friends coupon's stock is bought after
/// the card exists (WeChat gives none on create: a 券点 purchase), and a replacement's
/// old card takes its QR codes, links and unclaimed (bought) stock with it.
fn new_card_consequences(rc: &mut ResourceChange, live: Option<&Observed>) {
    if !matches!(rc.action, Action::Create | Action::Replace) {
        return;
    }
    let friends = rc.desired.as_ref().is_some_and(|c| c.is_friends());
    let quantity = rc
        .after
        .as_ref()
        .and_then(|a| a.get(STOCK_PATH))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if friends && quantity > 0 {
        rc.stock = Some(StockChange {
            from: 0,
            to: quantity,
            delta: quantity as i64,
            coin_purchase: true,
            price: None,
            after_approval: false,
        });
    }
    if rc.action == Action::Replace {
        rc.notes.push(Note::CardIdChanges);
        if let Some(Observed::Exists(old)) = live {
            let old_friends = old
                .content
                .get("advanced_info.share_friends")
                .is_some_and(|v| v == &Value::Bool(true));
            let remaining = old
                .remaining
                .or_else(|| old.content.get(STOCK_PATH).and_then(Value::as_u64))
                .unwrap_or(0);
            if old_friends && remaining > 0 {
                rc.notes.push(Note::GivesUpStock { remaining });
            }
        }
    }
}

fn plan_desired(
    address: &str,
    want: &DesiredInput<'_>,
    inputs: &PlanInputs<'_>,
    resolver: &Resolver<'_>,
) -> Result<ResourceChange, PlanError> {
    let canonical = desired_canonical(want.card, resolver, want.derived_title.clone());
    let ctx = DiffContext {
        friends: want.card.is_friends(),
        title_is_derived: want.derived_title.is_some(),
    };
    let mut rc = ResourceChange {
        address: address.to_string(),
        card_id: None,
        card_type: Some(want.card.card_type),
        action: Action::Create,
        triggers_review: true,
        changes: Vec::new(),
        drift: Vec::new(),
        stock: None,
        before: None,
        after: None,
        desired: Some(Box::new(want.card.clone())),
        review_status: None,
        unchanged: 0,
        derived_title: want.derived_title.clone(),
        live_fingerprint: None,
        depends_on: want
            .card
            .references()
            .into_iter()
            .map(str::to_string)
            .collect(),
        notes: Vec::new(),
        refreshed: true,
    };
    let Some(st) = inputs.state.get(address) else {
        rc.after = Some(Arc::new(canonical));
        return Ok(rc);
    };
    rc.card_id = Some(st.card_id.to_string());
    let applied = st.applied();
    // `--refresh=changed`: nothing changed since the last apply, so the last applied
    // content stands in for the live card (no drift can be seen).
    let before: Arc<Canonical> = if inputs.unrefreshed.contains(address) {
        rc.refreshed = false;
        rc.review_status = st
            .status
            .map(|s| ReviewStatus::from_wire(&Value::String(s.to_string())));
        Arc::new(applied.clone())
    } else {
        let live: &LiveCard = match inputs.live.get(address) {
            Some(Observed::Exists(live)) => live,
            Some(Observed::Gone) => {
                rc.notes.push(Note::DeletedOutsideRecreate {
                    card_id: st.card_id.to_string(),
                });
                rc.drift.push(FieldChange {
                    path: "card".into(),
                    before: Some(Value::String(st.card_id.to_string())),
                    after: None,
                    class: UpdateClass::Replace,
                    rule: DELETED_OUTSIDE.into(),
                });
                rc.after = Some(Arc::new(canonical));
                return Ok(rc);
            }
            None => {
                return Err(PlanError::NotRefreshed {
                    address: address.to_string(),
                    card_id: st.card_id.to_string(),
                });
            }
        };
        rc.review_status = Some(live.status.clone());
        rc.live_fingerprint = Some(live.content.hash());
        Arc::clone(&live.content)
    };
    let owned = Applied {
        content: &applied,
        managed: st.managed,
    };
    if rc.refreshed {
        rc.drift = drift(owned, &before, ctx);
    }
    rc.before = Some(Arc::clone(&before));
    let (changes, unchanged) = diff(&canonical, &before, Some(owned), ctx);
    rc.after = Some(Arc::new(canonical));
    rc.unchanged = unchanged;
    let worst = changes.iter().map(|c| c.class).max();
    rc.action = match worst {
        None | Some(UpdateClass::Local) => Action::NoOp,
        Some(UpdateClass::Stock) => Action::Stock,
        Some(UpdateClass::InPlace) | Some(UpdateClass::WidenOnly) => Action::Update,
        Some(UpdateClass::Review) => Action::UpdateReview,
        Some(UpdateClass::Replace) => Action::Replace,
    };
    rc.triggers_review = matches!(rc.action, Action::UpdateReview | Action::Replace);
    if matches!(
        rc.action,
        Action::Stock | Action::Update | Action::UpdateReview
    ) {
        rc.stock = changes
            .iter()
            .find(|c| c.class == UpdateClass::Stock)
            .map(|c| {
                let from = c
                    .before
                    .as_ref()
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                let to = c
                    .after
                    .as_ref()
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                StockChange {
                    from,
                    to,
                    delta: to as i64 - from as i64,
                    coin_purchase: want.card.is_friends() && to > from,
                    price: None,
                    after_approval: false,
                }
            });
        // Friends stock taken off was bought with 券点: WeChat refunds nothing.
        if let Some(stock) = &rc.stock
            && want.card.is_friends()
            && stock.to < stock.from
        {
            rc.notes.push(Note::StockNotRefunded {
                removed: stock.from - stock.to,
            });
        }
    }
    rc.changes = changes;
    Ok(rc)
}

fn plan_removed(address: &str, st: StateInput<'_>, inputs: &PlanInputs<'_>) -> ResourceChange {
    let applied = st.applied();
    let mut rc = ResourceChange {
        address: address.to_string(),
        card_id: Some(st.card_id.to_string()),
        card_type: CardType::from_wire(st.card_type),
        action: Action::Delete,
        triggers_review: false,
        changes: Vec::new(),
        drift: Vec::new(),
        stock: None,
        // The live content when there is a live card, else the last applied (below).
        before: None,
        after: None,
        desired: None,
        review_status: None,
        unchanged: 0,
        derived_title: None,
        live_fingerprint: None,
        depends_on: Vec::new(),
        notes: Vec::new(),
        refreshed: true,
    };
    if address.contains('#') {
        rc.notes.push(Note::DeposedCard);
    } else {
        rc.notes.push(Note::NoLongerInFiles);
    }
    match inputs.live.get(address) {
        Some(Observed::Exists(live)) => {
            // A friends coupon deleted with unclaimed stock loses what was bought for it
            // (the old card of a replacement was counted when the replacement was planned).
            let friends = live
                .content
                .get("advanced_info.share_friends")
                .is_some_and(|v| v == &Value::Bool(true));
            let remaining = live
                .remaining
                .or_else(|| live.content.get(STOCK_PATH).and_then(Value::as_u64))
                .unwrap_or(0);
            if friends && remaining > 0 && !address.contains('#') {
                rc.notes.push(Note::GivesUpStock { remaining });
            }
            rc.before = Some(Arc::clone(&live.content));
            rc.review_status = Some(live.status.clone());
            rc.live_fingerprint = Some(live.content.hash());
            let owned = Applied {
                content: &applied,
                managed: st.managed,
            };
            rc.drift = drift(owned, &live.content, DiffContext::default());
        }
        Some(Observed::Gone) => {
            rc.notes.push(Note::DeletedOutsideForget);
        }
        None => {}
    }
    if rc.before.is_none() {
        rc.before = Some(Arc::new(applied));
    }
    rc
}
