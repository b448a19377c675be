//! cardform's own settings (`lifecycle.*`) never reach WeChat, but the state must
//! remember them: `prevent_destroy` has to protect a card even after the card is
//! removed from the files. They are recorded without any call.

use crate::model::Canonical;
use crate::model::pending::is_pending;
use crate::model::wire::LOCAL_PREFIX;
use crate::plan::diff::{Applied, DiffContext, diff};
use crate::plan::{Action, Plan, refresh_key};
use crate::state::StateSession;
use cardform_spec::rules::UpdateClass;

/// Copies the desired local settings into the applied content of every card whose
/// only differences are local. Returns how many cards changed.
pub fn record_local_settings(plan: &Plan, state: &StateSession) -> usize {
    let mut changed = 0;
    for rc in &plan.resource_changes {
        let Some(after) = &rc.after else { continue };
        let wanted: Vec<(String, serde_json::Value)> = after
            .under(LOCAL_PREFIX)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        state.edit(|s| {
            let Some(r) = s.resources.get_mut(&rc.address) else {
                return;
            };
            if rc.card_id.as_deref() != Some(r.card_id.as_str()) {
                return;
            }
            let mut applied = Canonical::from_stored(&r.applied);
            let before: Vec<(String, serde_json::Value)> = applied
                .under(LOCAL_PREFIX)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if before == wanted {
                return;
            }
            for (k, _) in &before {
                applied.remove(k);
            }
            for (k, v) in &wanted {
                applied.insert(k.clone(), v.clone());
            }
            r.applied = serde_json::to_value(&applied).unwrap_or_default();
            r.applied_hash = applied.hash();
            changed += 1;
        });
    }
    changed
}

/// Records what each card the plan leaves alone was applied from
/// (`ResourceState::desired_hash`, see [`refresh_key`]) when the plan read it and it
/// matches both the files and its last applied content: a later
/// `plan --refresh=changed` may then skip reading it. Cards applied by an older
/// cardform, or adopted, get the record this way without being changed. Returns how
/// many records were written.
pub fn record_unchanged_cards(plan: &Plan, state: &StateSession) -> usize {
    if plan.refresh_only {
        return 0;
    }
    let mut recorded = 0;
    for rc in &plan.resource_changes {
        if rc.action != Action::NoOp || !rc.refreshed || !rc.drift.is_empty() {
            continue;
        }
        let Some(after) = &rc.after else { continue };
        if after.iter().any(|(_, v)| is_pending(v)) {
            continue;
        }
        let ctx = DiffContext {
            friends: rc.desired.as_ref().is_some_and(|c| c.is_friends()),
            title_is_derived: rc.derived_title.is_some(),
        };
        state.edit(|s| {
            let Some(r) = s.resources.get_mut(&rc.address) else {
                return;
            };
            if rc.card_id.as_deref() != Some(r.card_id.as_str()) {
                return;
            }
            let applied = Canonical::from_stored(&r.applied);
            let owned = Applied {
                content: &applied,
                managed: r.managed.as_deref(),
            };
            // Planned from the last applied content, the card must still be a no-op.
            let (changes, _) = diff(after, &applied, Some(owned), ctx);
            if changes.iter().any(|c| c.class != UpdateClass::Local) {
                return;
            }
            let key = refresh_key(&r.card_id, &applied, after);
            if r.desired_hash.as_deref() != Some(key.as_str()) {
                r.desired_hash = Some(key);
                recorded += 1;
            }
        });
    }
    recorded
}

/// `apply --refresh-only`: the live content of every card that drifted becomes its
/// last-applied content (nothing is sent to WeChat). `live`: the cards as read now.
pub fn record_refresh(
    plan: &Plan,
    state: &StateSession,
    live: &std::collections::BTreeMap<String, crate::live::Observed>,
) {
    state.edit(|state| {
        for rc in &plan.resource_changes {
            if rc.drift.is_empty() {
                continue;
            }
            if let (Some(crate::live::Observed::Exists(l)), Some(r)) =
                (live.get(&rc.address), state.resources.get_mut(&rc.address))
            {
                let mut applied = Canonical::from_stored(&r.applied);
                for d in &rc.drift {
                    match &d.after {
                        Some(v) => applied.insert(d.path.clone(), v.clone()),
                        None => {
                            applied.remove(&d.path);
                        }
                    }
                }
                r.applied = serde_json::to_value(&applied).unwrap_or_default();
                r.applied_hash = applied.hash();
                r.live_fingerprint = Some(l.content.hash());
                r.status = Some(l.status.as_wire());
            }
        }
    });
}
