//! The JSON Schema for card files and `cardform.toml`, generated from the Rust types,
//! and the validator cardform runs it with.
//!
//! The schema is emitted as **draft-07**: taplo / Even Better TOML only know drafts
//! 4–7 and silently fall back on a 2020-12 URI (rust-crates.md gotcha 7), and
//! jsonschema 0.61 validates draft-07 just as well, so one file serves editors and
//! cardform. Two custom keywords ride along; editors ignore them, cardform enforces
//! them: `x-max-utf8-bytes` (WeChat's `string(N)` counts UTF-8 bytes) and
//! `x-timestamp` (a datetime must carry a zone).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::{Keyword, ValidationError, Validator};
use schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use serde::Deserialize;
use serde_json::{Value, json};

use super::project::ProjectConfig;
use crate::model::{Card, Timestamp, byte_limit_message};

/// Card addresses: a lower-case letter, then up to 63 lower-case letters, digits or
/// underscores. They name cards in plans and state, so they stay shell- and
/// URL-safe.
pub const ADDRESS_PATTERN: &str = "^[a-z][a-z0-9_]{0,63}$";

/// A card file, `cards/*.toml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cardform card file (cards/*.toml)")]
pub struct CardFile {
    /// The cards in this file, each under [cards.<address>]. The address (a-z, 0-9, _; starts with a letter; ≤ 64) names the card in plans and state and must be unique across files.
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": ADDRESS_PATTERN }))]
    pub cards: BTreeMap<String, Card>,
    /// Sub-merchants (第三方协助制券) a platform issues cards for, each under [sub_merchants.<name>]; a card names one with sub_merchant = "<name>".
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": ADDRESS_PATTERN }))]
    pub sub_merchants: BTreeMap<String, super::sub_merchants::SubMerchantSpec>,
}

/// Whether `s` is a valid card address ([`ADDRESS_PATTERN`]).
pub fn is_valid_address(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 64
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

pub(crate) fn generator() -> SchemaGenerator {
    SchemaSettings::draft07().into_generator()
}

/// Drops `null`s and puts `$schema`, `title` and `description` first, for people
/// reading the file.
pub(crate) fn finish(mut schema: Value) -> Value {
    strip_null(&mut schema);
    let Value::Object(mut obj) = schema else {
        return schema;
    };
    let mut ordered = serde_json::Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(v) = obj.remove(key) {
            ordered.insert(key.to_string(), v);
        }
    }
    ordered.extend(obj);
    Value::Object(ordered)
}

/// The schema of a card file (`cards/*.toml`), draft-07.
pub fn card_file_schema() -> Value {
    finish(generator().into_root_schema_for::<CardFile>().to_value())
}

/// The schema of the project file (`cardform.toml`), draft-07.
pub fn project_schema() -> Value {
    let mut s = generator()
        .into_root_schema_for::<ProjectConfig>()
        .to_value();
    if let Some(obj) = s.as_object_mut() {
        obj.insert(
            "title".into(),
            json!("cardform project file (cardform.toml)"),
        );
    }
    finish(s)
}

/// One document for both kinds of file: a table with `cards` (or `sub_merchants`) is a card file,
/// anything else the project file (draft-07 `if`/`then`/`else`, which taplo knows).
pub fn combined_schema() -> Value {
    let mut generator = generator();
    let cards = generator.subschema_for::<CardFile>().to_value();
    let project = generator.subschema_for::<ProjectConfig>().to_value();
    let definitions = generator.take_definitions(true);
    finish(json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "cardform (card files and cardform.toml)",
        "if": { "type": "object", "anyOf": [{ "required": ["cards"] }, { "required": ["sub_merchants"] }] },
        "then": cards,
        "else": project,
        "definitions": definitions,
    }))
}

/// TOML has no null, so `Option<T>` fields are simply optional: drop the `null`
/// alternatives schemars adds, which would only confuse editors' completions.
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    obj.insert("type".into(), only);
                }
            }
            if obj.get("default") == Some(&Value::Null) {
                obj.remove("default");
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = obj.get_mut(key) {
                    alts.retain(|a| a != &json!({ "type": "null" }));
                    if alts.len() == 1 {
                        let only = alts.remove(0);
                        obj.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, val) in inner {
                                obj.entry(k).or_insert(val);
                            }
                        }
                    }
                }
            }
            if let Some(Value::Array(vals)) = obj.get_mut("enum") {
                vals.retain(|a| !a.is_null());
            }
            for child in obj.values_mut() {
                strip_null(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// `x-max-utf8-bytes: N`: a string of at most N UTF-8 bytes.
struct MaxUtf8Bytes(usize);

impl<'i> Keyword<'i> for MaxUtf8Bytes {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match instance.as_str() {
            Some(s) if s.len() > self.0 => {
                Err(ValidationError::custom(byte_limit_message(s.len(), self.0)))
            }
            _ => Ok(()),
        }
    }
    fn is_valid(&self, instance: &'i Value) -> bool {
        instance.as_str().is_none_or(|s| s.len() <= self.0)
    }
}

/// `x-timestamp: true`: a string must be a datetime with a zone.
struct ZonedTimestamp;

impl<'i> Keyword<'i> for ZonedTimestamp {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match instance.as_str() {
            Some(s) => Timestamp::parse(s)
                .map(|_| ())
                .map_err(ValidationError::custom),
            None => Ok(()),
        }
    }
    fn is_valid(&self, instance: &'i Value) -> bool {
        instance
            .as_str()
            .is_none_or(|s| Timestamp::parse(s).is_ok())
    }
}

pub(crate) fn build(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(false)
        .with_keyword("x-max-utf8-bytes", |_, v: &Value, _| {
            let n = v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    ValidationError::schema("x-max-utf8-bytes must be a non-negative integer")
                })?;
            Ok(Box::new(MaxUtf8Bytes(n)) as Box<dyn for<'i> Keyword<'i>>)
        })
        .with_keyword("x-timestamp", |_, _, _| {
            Ok(Box::new(ZonedTimestamp) as Box<dyn for<'i> Keyword<'i>>)
        })
        .build(schema)
        .map_err(|e| e.to_string())
}

/// The draft-07 schema of any type, with its compiled validator (for the platform's
/// files, `crate::platform`).
pub fn compile_for<T: JsonSchema>(title: &str) -> Compiled {
    let mut s = generator().into_root_schema_for::<T>().to_value();
    if let Some(obj) = s.as_object_mut() {
        obj.insert("title".into(), json!(title));
    }
    let schema = finish(s);
    let validator = build(&schema);
    Compiled { schema, validator }
}

/// The schema and its compiled validator, built once per process.
pub struct Compiled {
    pub schema: Value,
    pub validator: Result<Validator, String>,
}

pub fn card_file_validator() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let schema = card_file_schema();
        let validator = build(&schema);
        Compiled { schema, validator }
    })
}

pub fn project_validator() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let schema = project_schema();
        let validator = build(&schema);
        Compiled { schema, validator }
    })
}

/// The property names a schema allows at `path` (for "did you mean" hints).
pub fn known_keys(root: &Value, path: &[super::source::Seg]) -> Vec<String> {
    use super::source::Seg;
    let mut nodes: Vec<&Value> = vec![root];
    for seg in path {
        let mut next = Vec::new();
        for n in nodes.iter().flat_map(|n| alternatives(root, n)) {
            match seg {
                Seg::Key(k) => {
                    if let Some(p) = n.get("properties").and_then(|p| p.get(k)) {
                        next.push(p);
                    } else if let Some(ap) = n.get("additionalProperties").filter(|a| a.is_object())
                    {
                        next.push(ap);
                    }
                }
                Seg::Index(_) => {
                    if let Some(items) = n.get("items") {
                        next.push(items);
                    }
                }
            }
        }
        nodes = next;
    }
    let mut keys: Vec<String> = nodes
        .iter()
        .flat_map(|n| alternatives(root, n))
        .filter_map(|n| n.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// `node` with its `$ref` followed, plus its `oneOf`/`anyOf`/`allOf` members.
fn alternatives<'a>(root: &'a Value, node: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    let mut guard = 0;
    while let Some(n) = stack.pop() {
        guard += 1;
        if guard > 64 {
            break;
        }
        let n = match n.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => target,
                None => continue,
            },
            None => n,
        };
        out.push(n);
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(alts)) = n.get(key) {
                stack.extend(alts.iter());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::source::Seg;

    #[test]
    fn schemas_are_draft07_and_compile() {
        for s in [card_file_schema(), project_schema(), combined_schema()] {
            assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
            build(&s).expect("compiles");
        }
        assert!(card_file_validator().validator.is_ok());
        assert!(project_validator().validator.is_ok());
    }

    #[test]
    fn byte_limits_are_enforced() {
        let v = build(&json!({"type": "string", "maxLength": 27, "x-max-utf8-bytes": 27}))
            .expect("compiles");
        assert!(v.is_valid(&json!("双人套餐100元兑换券")));
        let long = json!("双人套餐100元兑换券券");
        let errs: Vec<String> = v.iter_errors(&long).map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("30 UTF-8 bytes > 27"), "{errs:?}");
    }

    #[test]
    fn no_null_types_remain() {
        let s = card_file_schema().to_string();
        assert!(!s.contains("\"null\""), "{s}");
    }

    #[test]
    fn known_keys_follow_refs() {
        let s = card_file_schema();
        let keys = known_keys(
            &s,
            &[
                Seg::Key("cards".into()),
                Seg::Key("x".into()),
                Seg::Key("base_info".into()),
            ],
        );
        assert!(keys.contains(&"brand_name".to_string()), "{keys:?}");
        let top = known_keys(&s, &[Seg::Key("cards".into()), Seg::Key("x".into())]);
        assert!(top.contains(&"card_type".to_string()), "{top:?}");
    }

    #[test]
    fn addresses() {
        assert!(is_valid_address("friend_cash"));
        assert!(is_valid_address("a"));
        assert!(!is_valid_address("Friend"));
        assert!(!is_valid_address("1a"));
        assert!(!is_valid_address("a-b"));
        assert!(!is_valid_address(&"a".repeat(65)));
    }
}
