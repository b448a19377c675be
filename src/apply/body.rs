//! The bodies `card/update` gets: only the changed fields, under the lower-case type
//! key, never a field the rule table says is not updatable (brand_name → 47001).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::model::Canonical;
use crate::plan::diff::FieldChange;

/// The unit WeChat replaces when one leaf below it changes: `base_info.date_info` is
/// sent whole (type + begin + end), `advanced_info.abstract` too; other leaves alone.
pub fn update_unit(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["base_info" | "advanced_info", key, ..] => format!("{}.{key}", parts[0]),
        [first, ..] => (*first).to_string(),
        [] => String::new(),
    }
}

/// The empty value WeChat understands as "cleared" for a field of `before`'s type.
fn cleared(before: Option<&Value>) -> Value {
    match before {
        Some(Value::Array(_)) => Value::Array(vec![]),
        Some(Value::Bool(_)) => Value::Bool(false),
        Some(Value::Number(_)) => Value::from(0),
        _ => Value::String(String::new()),
    }
}

/// The per-type object for `card/update`: `{"base_info": {…}, "advanced_info": {…}}`
/// with the units that contain a change, taken from the desired `canonical`.
pub fn update_body(canonical: &Canonical, changes: &[&FieldChange]) -> Value {
    let units: BTreeSet<String> = changes.iter().map(|c| update_unit(&c.path)).collect();
    let mut leaves = Canonical::default();
    for unit in &units {
        let mut found = false;
        for (path, value) in canonical.under(unit) {
            leaves.insert(path.clone(), value.clone());
            found = true;
        }
        if !found {
            let before = changes
                .iter()
                .find(|c| update_unit(&c.path) == *unit)
                .and_then(|c| c.before.as_ref());
            leaves.insert(unit.clone(), cleared(before));
        }
    }
    match leaves.unflatten() {
        Value::Object(m) => Value::Object(m),
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cardform_spec::rules::UpdateClass;
    use serde_json::json;

    fn change(path: &str) -> FieldChange {
        FieldChange {
            path: path.into(),
            before: Some(json!("x")),
            after: Some(json!("y")),
            class: UpdateClass::InPlace,
            rule: String::new(),
        }
    }

    #[test]
    fn sends_only_changed_units() {
        let desired = Canonical::flatten(&json!({"base_info": {"notice": "n", "brand_name": "b",
            "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1, "end_timestamp": 9}}}));
        let a = change("base_info.notice");
        let b = change("base_info.date_info.end_timestamp");
        let body = update_body(&desired, &[&a, &b]);
        assert_eq!(
            body,
            json!({"base_info": {"notice": "n",
            "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1, "end_timestamp": 9}}})
        );
    }

    #[test]
    fn cleared_fields_are_sent_empty() {
        let desired = Canonical::default();
        let mut c = change("base_info.service_phone");
        c.after = None;
        assert_eq!(
            update_body(&desired, &[&c]),
            json!({"base_info": {"service_phone": ""}})
        );
    }
}
