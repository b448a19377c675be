//! The plan as a versioned JSON document (`--format json`): `format_version` and
//! `resource_changes[]` with `address`, `card_id`, `action`, `triggers_review`,
//! `reasons[]` (field path + rule), `before`, `after`.

use serde_json::{Value, json};

use super::model::{Plan, ResourceChange};

fn change_json(rc: &ResourceChange) -> Value {
    let reasons: Vec<Value> = rc
        .changes
        .iter()
        .map(|f| json!({ "path": f.path, "class": f.class, "rule": f.rule, "before": f.before, "after": f.after }))
        .collect();
    let drift: Vec<Value> = rc
        .drift
        .iter()
        .map(|f| json!({ "path": f.path, "applied": f.before, "live": f.after }))
        .collect();
    json!({
        "address": rc.address,
        "card_id": rc.card_id,
        "card_type": rc.card_type,
        "action": rc.action,
        "triggers_review": rc.triggers_review,
        "reasons": reasons,
        "drift": drift,
        "stock": rc.stock,
        "review_status": rc.review_status.as_ref().map(|s| s.as_wire()),
        "derived_title": rc.derived_title,
        "notes": rc.notes,
        "before": rc.before.as_ref().map(|c| c.unflatten()),
        "after": rc.after.as_ref().map(|c| c.unflatten()),
    })
}

/// The JSON document for a plan.
pub fn render_json(plan: &Plan) -> Value {
    json!({
        "format_version": plan.format_version,
        "refresh_only": plan.refresh_only,
        "has_changes": plan.has_changes(),
        "summary": plan.summary,
        "resource_changes": plan.resource_changes.iter().map(change_json).collect::<Vec<_>>(),
    })
}
