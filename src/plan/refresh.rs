//! What a plan read from WeChat and what applying it will cost: which cards the refresh
//! may skip (`plan --refresh=changed`), and the API-call counts the plan reports.

use crate::i18n::Messages;
use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::build::{DesiredInput, StateInput};
use super::price::is_quotable;
use super::types::{Action, Plan};
use crate::model::wire::{Resolve, Resolved, desired_canonical};
use crate::model::{Canonical, ImageRef};

/// The hash recorded in the state at apply (`ResourceState::desired_hash`) and
/// recomputed by the plan: the card_id, the applied content and the desired content.
/// Equal hashes mean neither the files nor the card's state entry changed since.
pub fn refresh_key(card_id: &str, applied: &Canonical, desired: &Canonical) -> String {
    let mut h = Sha256::new();
    for part in [card_id, &applied.hash(), &desired.hash()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Resolves references and images as the last apply did: card_ids and image URLs
/// from the state.
struct StateResolver<'a> {
    state: &'a BTreeMap<String, StateInput<'a>>,
    image_url: &'a dyn Fn(&ImageRef) -> Resolved,
}

impl Resolve for StateResolver<'_> {
    fn image_url(&self, image: &ImageRef) -> Resolved {
        (self.image_url)(image)
    }
    fn card_id(&self, address: &str) -> Resolved {
        match self.state.get(address) {
            Some(s) => Resolved::Known(s.card_id.to_string()),
            None => Resolved::Pending(format!("card_id of {address}")),
        }
    }
}

/// The managed cards `--refresh=changed` need not read: declared in the files, in the
/// state with a `desired_hash`, and giving the same [`refresh_key`] now. A card
/// removed from the files, adopted, edited in the files or in the state is refreshed.
pub fn unchanged_since_apply(
    desired: &BTreeMap<String, DesiredInput<'_>>,
    state: &BTreeMap<String, StateInput<'_>>,
    image_url: &dyn Fn(&ImageRef) -> Resolved,
) -> BTreeSet<String> {
    let resolver = StateResolver { state, image_url };
    desired
        .iter()
        .filter(|(address, want)| {
            let Some(st) = state.get(*address) else {
                return false;
            };
            let Some(recorded) = st.desired_hash else {
                return false;
            };
            let canonical = desired_canonical(want.card, &resolver, want.derived_title.clone());
            refresh_key(st.card_id, &st.applied(), &canonical) == recorded
        })
        .map(|(address, _)| address.clone())
        .collect()
}

/// The calls `cardform apply` of `plan` makes when nothing fails, following the
/// executor: one token (when anything is sent); `card/get` of every card the plan
/// refreshed (the saved plan's staleness check); `uploads` images; create + read-back;
/// replace = create + read-back + delete; update = `card/update` (when a sent field
/// changed) + stock (`modifystock`) + read-back; a 券点 stock purchase (on create,
/// replace or update) = a fresh quote + confirm with a read of the ledger before and
/// after (to name the confirmed order), after apply's check of the balance
/// (once) and of each existing card's price; delete = 1; the test whitelist = 1.
pub fn apply_call_estimate(plan: &Plan, uploads: usize) -> u64 {
    let refreshed = plan
        .resource_changes
        .iter()
        .filter(|rc| rc.card_id.is_some() && rc.refreshed)
        .count();
    let changes: usize = plan
        .resource_changes
        .iter()
        .map(|rc| {
            let stock = match &rc.stock {
                // Quote, the ledger before, confirm, the ledger after.
                Some(s) if s.after_approval => 0,
                Some(s) if s.coin_purchase => 4,
                Some(_) => 1,
                None => 0,
            };
            match rc.action {
                Action::NoOp => 0,
                Action::Create => 2 + stock,
                Action::Replace => 3 + stock,
                Action::Delete => 1,
                Action::Stock | Action::Update | Action::UpdateReview => {
                    let update = usize::from(rc.changes.iter().any(|c| c.class.updatable()));
                    update + stock + 1
                }
            }
        })
        .sum();
    let whitelist = usize::from(plan.whitelist.is_some());
    let purchases: Vec<_> = plan.coin_purchases().collect();
    let coin_checks = match purchases.len() {
        0 => 0,
        _ => 1 + purchases.iter().filter(|(rc, _)| is_quotable(rc)).count(),
    };
    match refreshed + uploads + changes + whitelist + coin_checks {
        0 => 0,
        calls => (calls + 1) as u64,
    }
}

/// The sentence saying which cards the plan did not read, when it skipped any.
pub fn refresh_note(m: &Messages, plan: &Plan) -> Option<String> {
    let r = plan.refresh.as_ref()?;
    if r.not_refreshed == 0 {
        return None;
    }
    Some(m.t_args(
        "plan-not-refreshed",
        &[
            ("count", r.not_refreshed.into()),
            ("total", (r.not_refreshed + r.refreshed).into()),
        ],
    ))
}

/// `API calls: N made by this plan; applying it will make about M.`
pub fn calls_line(m: &Messages, plan: &Plan) -> Option<String> {
    let c = plan.api_calls?;
    Some(m.t_args(
        "plan-api-calls",
        &[
            ("made", c.made_by_plan.into()),
            ("apply", c.apply_will_make.into()),
        ],
    ))
}
