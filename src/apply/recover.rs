//! Resolving operations whose outcome is unknown (a crash, a dropped connection, a
//! server that committed and never answered) before anything else is planned.
//!
//! Updates, deletes, stock changes and uploads need no guessing: the next plan reads
//! the live card and converges (stock is declared as a total, so a delta is never sent
//! twice). A create is the dangerous one: it is resolved by listing the account's
//! cards and matching the content of the request against every card the state does
//! not know — exactly one match is adopted, none means it never happened, more than
//! one stops with the card_ids for the user to choose.

use std::collections::BTreeSet;

use serde_json::Value;

use super::executor::deposed_address;
use crate::i18n::tr;
use crate::live::{FetchError, LiveCard, Observed, fetch_live};
use crate::model::Canonical;
use crate::plan::diff::{DiffContext, diff};
use crate::state::{Change, OpKind, PendingOperation, ResourceState, StateFile, StateSession};
use crate::wechat::{ApiError, WeChatClient};

/// How one pending operation was resolved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "resolution", rename_all = "snake_case")]
pub enum Resolution {
    /// A create that did happen: the card was found and adopted.
    Adopted { address: String, card_id: String },
    /// A create that did not happen: it will be planned again.
    NotCreated { address: String },
    /// Several live cards match: the user must choose.
    Ambiguous {
        address: String,
        card_ids: Vec<String>,
    },
    /// Not a create: the next plan reads the live card instead.
    Reread { address: String, op: String },
}

impl std::fmt::Display for Resolution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resolution::Adopted { address, card_id } => f.write_str(&tr!(
                "apply-recover-adopted",
                address = address,
                card_id = card_id
            )),
            Resolution::NotCreated { address } => {
                f.write_str(&tr!("apply-recover-not-created", address = address))
            }
            Resolution::Ambiguous { address, card_ids } => f.write_str(&tr!(
                "apply-recover-ambiguous",
                address = address,
                count = card_ids.len(),
                card_ids = card_ids.join(", ")
            )),
            Resolution::Reread { address, op } => {
                f.write_str(&tr!("apply-recover-reread", address = address, op = op))
            }
        }
    }
}

/// Errors while resolving.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RecoverError {
    #[error("{}", tr!("apply-recover-list-failed", error = .0.to_string()))]
    #[diagnostic(transparent)]
    Api(#[from] ApiError),
    #[error("{}", tr!("apply-recover-record-failed", error = .0.to_string()))]
    #[diagnostic(transparent)]
    State(#[from] crate::state::StateError),
}

/// The decision for one pending operation.
#[derive(Debug, Clone)]
pub struct Decision {
    pub op_id: uuid::Uuid,
    pub resolution: Resolution,
    /// What to record as its outcome; `None` leaves it pending (ambiguous).
    pub changes: Option<Vec<Change>>,
}

/// Decides how to resolve every pending operation in `state`. Reads WeChat; writes
/// nothing (plan shows the decisions, apply records them with [`record`]).
///
/// # Guarantees
/// A create whose outcome is unknown is never planned again while a live card might be
/// its result: it is adopted, proven absent, or left pending (ambiguous) with a message.
///
/// # Errors
/// WeChat could not be read; nothing is lost: the intents stay pending.
pub async fn decide(
    client: &WeChatClient,
    state: &StateFile,
) -> Result<Vec<Decision>, RecoverError> {
    if state.pending.is_empty() {
        return Ok(Vec::new());
    }
    let creates: Vec<&PendingOperation> = state
        .pending
        .iter()
        .filter(|p| p.op == OpKind::Create)
        .collect();
    let mut candidates: Vec<LiveCard> = Vec::new();
    if !creates.is_empty() {
        let known: BTreeSet<String> = state
            .resources
            .values()
            .map(|r| r.card_id.clone())
            .collect();
        let earliest = creates.iter().map(|p| p.started_at).min().unwrap_or(0);
        for id in client.list_all_card_ids().await? {
            if known.contains(&id) {
                continue;
            }
            let observed = match fetch_live(client, &id).await {
                Ok(observed) => observed,
                Err(FetchError::Api(e)) => return Err(e.into()),
                // An unreadable card is not one cardform made.
                Err(FetchError::Shape(_)) => continue,
            };
            if let Observed::Exists(live) = observed {
                // Clocks differ a little; a card made well before the intent is not it.
                if live.create_time.is_none_or(|t| t + 300 >= earliest) {
                    candidates.push(*live);
                }
            }
        }
    }
    let mut adopted: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for op in &state.pending {
        let decision = if op.op == OpKind::Create {
            let content = intended_content(op);
            let friends = content.get("advanced_info.share_friends") == Some(&Value::Bool(true));
            let ctx = DiffContext {
                friends,
                title_is_derived: friends,
            };
            let matches: Vec<&LiveCard> = candidates
                .iter()
                .filter(|c| !adopted.contains(&c.card_id))
                .filter(|c| {
                    !content.is_empty()
                        && diff(&content, &c.content, None, ctx)
                            .0
                            .iter()
                            .all(|f| f.class == cardform_spec::rules::UpdateClass::Local)
                })
                .collect();
            match matches.as_slice() {
                [one] => {
                    adopted.insert(one.card_id.clone());
                    let changes = adoption(state, op, one);
                    Decision {
                        op_id: op.id,
                        resolution: Resolution::Adopted {
                            address: op.address.clone(),
                            card_id: one.card_id.clone(),
                        },
                        changes: Some(changes),
                    }
                }
                [] => Decision {
                    op_id: op.id,
                    resolution: Resolution::NotCreated {
                        address: op.address.clone(),
                    },
                    changes: Some(Vec::new()),
                },
                many => Decision {
                    op_id: op.id,
                    resolution: Resolution::Ambiguous {
                        address: op.address.clone(),
                        card_ids: many.iter().map(|c| c.card_id.clone()).collect(),
                    },
                    changes: None,
                },
            }
        } else {
            Decision {
                op_id: op.id,
                resolution: Resolution::Reread {
                    address: op.address.clone(),
                    op: op.op.as_str().to_string(),
                },
                changes: Some(Vec::new()),
            }
        };
        out.push(decision);
    }
    Ok(out)
}

/// The content an interrupted create asked for (empty when the intent has none).
pub fn intended_content(op: &PendingOperation) -> Canonical {
    op.detail
        .get("content")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// What adopting `live` as the result of the interrupted create `op` records: the card
/// under the op's address with the intended content as last applied; a card already
/// at that address (the old card of a replacement) is kept as deposed, to be deleted.
pub fn adoption(state: &StateFile, op: &PendingOperation, live: &LiveCard) -> Vec<Change> {
    let content = intended_content(op);
    let mut changes = Vec::new();
    if let Some(old) = state.resources.get(&op.address)
        && old.card_id != live.card_id
    {
        changes.push(Change::PutResource {
            address: deposed_address(&op.address, &old.card_id),
            resource: old.clone(),
        });
    }
    changes.push(Change::PutResource {
        address: op.address.clone(),
        resource: ResourceState {
            card_id: live.card_id.clone(),
            card_type: live.card_type.as_str().to_string(),
            applied: serde_json::to_value(&content).unwrap_or(Value::Null),
            applied_hash: content.hash(),
            live_fingerprint: Some(live.content.hash()),
            status: Some(live.status.as_wire()),
            updated_at: chrono::Utc::now().timestamp(),
            managed: None,
            desired_hash: None,
        },
    });
    changes
}

/// Applies decisions to an in-memory copy (what plan shows).
pub fn apply_in_memory(state: &mut StateFile, decisions: &[Decision]) {
    for d in decisions {
        if let Some(changes) = &d.changes {
            state.pending.retain(|p| p.id != d.op_id);
            for c in changes {
                state.apply_change(c);
            }
        }
    }
}

/// Records decisions durably (what apply does before planning).
///
/// # Errors
/// The state could not be written; unrecorded decisions stay pending.
pub fn record(session: &StateSession, decisions: &[Decision]) -> Result<(), RecoverError> {
    for d in decisions {
        match &d.changes {
            Some(changes) if changes.is_empty() => session.abandon(d.op_id)?,
            Some(changes) => session.finish(d.op_id, changes.clone())?,
            None => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::ReviewStatus;
    use crate::model::CardType;

    fn live(id: &str) -> LiveCard {
        let mut content = Canonical::default();
        content.insert("base_info.title", Value::from("t"));
        LiveCard {
            card_id: id.into(),
            card_type: CardType::GeneralCoupon,
            content: std::sync::Arc::new(content),
            status: ReviewStatus::NotVerify,
            remaining: None,
            update_time: None,
            create_time: None,
        }
    }

    fn create_op(address: &str) -> PendingOperation {
        let mut content = Canonical::default();
        content.insert("base_info.title", Value::from("t"));
        PendingOperation {
            id: uuid::Uuid::new_v4(),
            address: address.into(),
            op: OpKind::Create,
            card_id: None,
            request_fingerprint: content.hash(),
            started_at: 0,
            detail: serde_json::json!({ "content": content }),
        }
    }

    #[test]
    fn adopting_the_replacement_keeps_the_old_card_as_deposed() {
        let mut state = StateFile::new();
        let old = ResourceState {
            card_id: "pOLD".into(),
            card_type: "GENERAL_COUPON".into(),
            applied: Value::Null,
            applied_hash: String::new(),
            live_fingerprint: None,
            status: None,
            updated_at: 0,
            managed: None,
            desired_hash: None,
        };
        state.resources.insert("a".into(), old.clone());
        let op = create_op("a");
        let changes = adoption(&state, &op, &live("pNEW"));
        for c in &changes {
            state.apply_change(c);
        }
        assert_eq!(state.resources["a"].card_id, "pNEW");
        assert_eq!(state.resources["a#deposed-pOLD"], old);
        assert_eq!(
            state.resources["a"].applied_hash,
            intended_content(&op).hash()
        );
    }

    #[test]
    fn adopting_a_first_create_records_only_the_card() {
        let state = StateFile::new();
        let changes = adoption(&state, &create_op("a"), &live("pNEW"));
        assert_eq!(changes.len(), 1);
    }
}
