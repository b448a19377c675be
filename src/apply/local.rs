//! cardform's own settings (`lifecycle.*`) never reach WeChat, but the state must
//! remember them: `prevent_destroy` has to protect a card even after the card is
//! removed from the files. They are recorded without any call.

use crate::model::Canonical;
use crate::model::wire::LOCAL_PREFIX;
use crate::plan::Plan;
use crate::state::StateSession;

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
