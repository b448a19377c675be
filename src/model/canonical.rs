//! The canonical form the planner diffs: a card as WeChat's JSON, flattened to leaf
//! paths (`base_info.notice`, `base_info.date_info.end_timestamp`). Lists are leaves:
//! WeChat replaces them whole. Desired cards (files), live cards (card/get) and the
//! last-applied content (state) all meet in this one shape, so one diff serves drift,
//! edits and the saved plan.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Leaf path → value. Ordered, so hashes and renderings are stable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Canonical(pub BTreeMap<String, Value>);

impl Canonical {
    /// Flattens a JSON object: nested objects become dotted paths; arrays, strings,
    /// numbers and booleans are leaves. Nulls are dropped (absent).
    pub fn flatten(value: &Value) -> Canonical {
        let mut out = BTreeMap::new();
        flatten_into("", value, &mut out);
        Canonical(out)
    }

    /// Rebuilds the nested JSON object from the leaf paths.
    pub fn unflatten(&self) -> Value {
        let mut root = Map::new();
        for (path, value) in &self.0 {
            insert_path(&mut root, path, value.clone());
        }
        Value::Object(root)
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        self.0.get(path)
    }

    pub fn insert(&mut self, path: impl Into<String>, value: Value) {
        self.0.insert(path.into(), value);
    }

    pub fn remove(&mut self, path: &str) -> Option<Value> {
        self.0.remove(path)
    }

    /// Leaves under `prefix` (the path itself or below it).
    pub fn under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        self.0.iter().filter(move |(k, _)| is_under(k, prefix))
    }

    /// A hex sha256 of the canonical JSON: equal content, equal hash.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(&self.0).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }
}

/// Whether `path` is `prefix` or lies below it.
pub fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || (path.starts_with(prefix) && matches!(path.as_bytes().get(prefix.len()), Some(b'.')))
}

fn flatten_into(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_into(&path, v, out);
            }
        }
        Value::Null => {}
        other => {
            if !prefix.is_empty() {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
}

fn insert_path(root: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut cur = root;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(part.to_string(), value);
            return;
        }
        let entry = cur
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        match entry {
            Value::Object(m) => cur = m,
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_round_trips() {
        let v = json!({"card_type": "CASH", "base_info": {"notice": "n", "sku": {"quantity": 5},
            "location_id_list": [1, 2], "x": null}, "reduce_cost": 100});
        let c = Canonical::flatten(&v);
        assert_eq!(c.get("base_info.sku.quantity"), Some(&json!(5)));
        assert_eq!(c.get("base_info.location_id_list"), Some(&json!([1, 2])));
        assert!(c.get("base_info.x").is_none());
        let back = c.unflatten();
        assert_eq!(back["base_info"]["notice"], json!("n"));
        assert_eq!(Canonical::flatten(&back), c);
    }

    #[test]
    fn prefixes_respect_boundaries() {
        assert!(is_under("base_info.date_info.type", "base_info.date_info"));
        assert!(!is_under("base_info.date_infox", "base_info.date_info"));
    }
}
