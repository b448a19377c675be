//! The canonical form the planner diffs: a card as WeChat's JSON, flattened to leaf
//! paths (`base_info.notice`, `base_info.date_info.end_timestamp`). Lists are leaves:
//! WeChat replaces them whole. Desired cards (files), live cards (card/get) and the
//! last-applied content (state) all meet in this one shape, so one diff serves drift,
//! edits and the saved plan.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Leaf path → value, sorted by path, so hashes and renderings are stable.
///
/// Stored as a sorted vector rather than a `BTreeMap`: a card has a few dozen leaves,
/// and with `serde_json`'s order-preserving `Value` (80 bytes) a B-tree's half-empty
/// nodes made each card's canonical form ~3.5 KB; a plan over 10,000 cards holds two
/// per card. It serialises exactly as the map did (a JSON object in path order), so
/// stored hashes and fingerprints are unchanged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Canonical {
    leaves: Vec<(String, Value)>,
}

impl Canonical {
    /// Flattens a JSON object: nested objects become dotted paths; arrays, strings,
    /// numbers and booleans are leaves. Nulls are dropped (absent).
    pub fn flatten(value: &Value) -> Canonical {
        let mut leaves = Vec::new();
        flatten_into("", value, &mut leaves);
        // Stable sort, then the last of equal paths wins (a literal dotted key can meet
        // a nested one), as inserting them in order would.
        leaves.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, Value)> = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            match out.last_mut() {
                Some(last) if last.0 == leaf.0 => *last = leaf,
                _ => out.push(leaf),
            }
        }
        out.shrink_to_fit();
        Canonical { leaves: out }
    }

    /// Rebuilds the nested JSON object from the leaf paths.
    pub fn unflatten(&self) -> Value {
        let mut root = Map::new();
        for (path, value) in &self.leaves {
            insert_path(&mut root, path, value.clone());
        }
        Value::Object(root)
    }

    fn position(&self, path: &str) -> Result<usize, usize> {
        self.leaves.binary_search_by(|(k, _)| k.as_str().cmp(path))
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        self.position(path).ok().map(|i| &self.leaves[i].1)
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.position(path).is_ok()
    }

    /// Sets the value at `path`.
    pub fn insert(&mut self, path: impl Into<String>, value: Value) {
        let path = path.into();
        match self.position(&path) {
            Ok(i) => self.leaves[i].1 = value,
            Err(i) => {
                // Grow by one, not by doubling: canonical forms are built once and
                // then held (two per card in a plan), so spare capacity is waste.
                self.leaves.reserve_exact(1);
                self.leaves.insert(i, (path, value));
            }
        }
    }

    pub fn remove(&mut self, path: &str) -> Option<Value> {
        self.position(path).ok().map(|i| self.leaves.remove(i).1)
    }

    /// Leaves in path order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Value)> + '_ {
        self.leaves.iter().map(|(k, v)| (k, v))
    }

    /// The values, in path order, to change in place (the paths stay).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> + '_ {
        self.leaves.iter_mut().map(|(_, v)| v)
    }

    /// Paths in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.leaves.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// Leaves under `prefix` (the path itself or below it).
    pub fn under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        self.iter().filter(move |(k, _)| is_under(k, prefix))
    }

    /// Reads a canonical form as the state stores it (a flat JSON object of leaf
    /// paths). Anything else reads as empty: every live field then shows as drift,
    /// which is the safe reading of a damaged record.
    pub fn from_stored(value: &Value) -> Canonical {
        Canonical::deserialize(value).unwrap_or_default()
    }

    /// A hex sha256 of the canonical JSON: equal content, equal hash.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }
}

impl Serialize for Canonical {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Canonical {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A map read in any order comes out sorted, last duplicate winning, as before.
        let map = BTreeMap::<String, Value>::deserialize(deserializer)?;
        let mut leaves: Vec<(String, Value)> = map.into_iter().collect();
        leaves.shrink_to_fit();
        Ok(Canonical { leaves })
    }
}

/// Whether `path` is `prefix` or lies below it.
pub fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || (path.starts_with(prefix) && matches!(path.as_bytes().get(prefix.len()), Some(b'.')))
}

fn flatten_into(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        // A pending value is one leaf, whatever shape stands for it.
        Value::Object(_) if super::pending::Pending::is(value) => {
            if !prefix.is_empty() {
                out.push((prefix.to_string(), value.clone()));
            }
        }
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
                out.push((prefix.to_string(), other.clone()));
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

    /// Hashes and fingerprints stored in states made before the sorted-vector form
    /// must still match: the bytes are those of a `BTreeMap<String, Value>`.
    #[test]
    fn serialises_like_the_sorted_map_it_replaced() {
        let v = json!({"z": 1, "base_info": {"title": "t", "sku": {"quantity": 5}},
            "a": [3, {"k": "v"}], "card_type": "CASH"});
        let c = Canonical::flatten(&v);
        let map: BTreeMap<String, Value> = c.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let ours = serde_json::to_vec(&c).expect("json");
        assert_eq!(ours, serde_json::to_vec(&map).expect("json"));
        assert_eq!(
            c.hash(),
            hex::encode(Sha256::digest(serde_json::to_vec(&map).expect("json")))
        );
        let back: Canonical = serde_json::from_slice(&ours).expect("read back");
        assert_eq!(back, c);
        // Insertion order does not matter; a second insert replaces.
        let mut d = Canonical::default();
        for (k, v) in c.iter().rev() {
            d.insert(k.clone(), v.clone());
        }
        assert_eq!(d, c);
        d.insert("z", json!(2));
        assert_eq!(d.get("z"), Some(&json!(2)));
        assert_eq!(d.len(), c.len());
        assert_eq!(d.remove("z"), Some(json!(2)));
        assert!(!d.contains_key("z"));
    }

    #[test]
    fn prefixes_respect_boundaries() {
        assert!(is_under("base_info.date_info.type", "base_info.date_info"));
        assert!(!is_under("base_info.date_infox", "base_info.date_info"));
    }
}
