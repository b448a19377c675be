//! A schema error in words: what is wrong, what to do, and where to point.

use super::schema;
use super::schema_diagnostics::card_scope;
use super::source::{DottedPath, Seg, Target};
use super::suggest::suggest;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// A schema error in words, and where to point.
pub(super) struct Described {
    pub(super) at: Vec<Seg>,
    pub(super) target: Target,
    pub(super) message: String,
    pub(super) help: Option<String>,
    /// For unknown keys: the known key it probably meant.
    pub(super) suggestion: Option<String>,
    /// For missing keys: the key's name.
    pub(super) missing: Option<String>,
}

/// A schema error in words: what is wrong and what to do, and where to point.
pub(super) fn describe(
    kind: &ValidationErrorKind,
    instance: &Value,
    path: &[Seg],
    schema: &Value,
    fallback: String,
) -> Vec<Described> {
    let value = |message: String, help: Option<&str>| {
        vec![Described::value(path, message, help.map(str::to_string))]
    };
    let shown = || describe_value(instance);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            unknown_keys(unexpected, path, schema)
        }
        ValidationErrorKind::Required { property } => vec![missing_key(property, path)],
        ValidationErrorKind::Type { kind } => value(
            format!(
                "expected {}, found {}",
                toml_type(&type_names(kind)),
                shown()
            ),
            None,
        ),
        ValidationErrorKind::Enum { options } => vec![not_allowed(options, instance, path)],
        ValidationErrorKind::Minimum { limit } => value(
            format!("{} is less than the minimum {limit}", shown()),
            None,
        ),
        ValidationErrorKind::Maximum { limit } => value(
            format!("{} is greater than the maximum {limit}", shown()),
            None,
        ),
        ValidationErrorKind::MinItems { limit } => value(
            format!("needs at least {limit} item{}", plural(*limit)),
            None,
        ),
        ValidationErrorKind::MaxItems { limit } => value(
            format!("allows at most {limit} item{}", plural(*limit)),
            None,
        ),
        ValidationErrorKind::MinLength { limit } => value(
            format!("must be at least {limit} character{} long", plural(*limit)),
            None,
        ),
        ValidationErrorKind::Custom { keyword, message } => {
            let help = (keyword == "x-max-utf8-bytes").then_some("shorten it");
            value(message.clone(), help)
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => value(
            format!("{} does not match any allowed form", shown()),
            Some("see the schema's description of this field"),
        ),
        _ => {
            let mut msg = fallback;
            truncate(&mut msg, 200);
            value(msg, None)
        }
    }
}

impl Described {
    /// A problem with the value at `path`.
    fn value(path: &[Seg], message: String, help: Option<String>) -> Described {
        Described {
            at: path.to_vec(),
            target: Target::Value,
            message,
            help,
            suggestion: None,
            missing: None,
        }
    }
}

/// Keys the table does not know, each pointing at the key, with the known key it
/// probably meant (or the list of known keys).
fn unknown_keys(unexpected: &[String], path: &[Seg], schema: &Value) -> Vec<Described> {
    let known = schema::known_keys(schema, path);
    unexpected
        .iter()
        .map(|key| {
            let mut p = path.to_vec();
            p.push(Seg::Key(key.clone()));
            let suggestion = suggest(key, &known);
            let help = suggestion.clone().map_or_else(
                || {
                    if known.is_empty() {
                        "remove it".to_string()
                    } else {
                        format!("remove it; known keys here: {}", known.join(", "))
                    }
                },
                |s| format!("did you mean `{s}`?"),
            );
            Described {
                target: Target::Key,
                suggestion,
                ..Described::value(&p, format!("unknown key `{key}`"), Some(help))
            }
        })
        .collect()
}

/// A required key that is absent, with the table to add it under.
fn missing_key(property: &Value, path: &[Seg]) -> Described {
    let name = property
        .as_str()
        .map_or_else(|| property.to_string(), str::to_string);
    let mut p = path.to_vec();
    p.push(Seg::Key(name.clone()));
    let table = match card_scope(path) {
        (Some(a), []) => format!("[cards.{a}]"),
        (Some(a), rest) => format!("[cards.{a}.{}]", DottedPath(rest)),
        (None, []) => "the top level".to_string(),
        (None, rest) => format!("[{}]", DottedPath(rest)),
    };
    // Point at the table that lacks it: the path up to the parent.
    Described {
        missing: Some(name.clone()),
        ..Described::value(
            &p,
            format!("missing required key `{name}`"),
            Some(format!("add `{name} = …` under {table}")),
        )
    }
}

/// The JSON type names a `type` keyword allows, joined by "or".
fn type_names(kind: &jsonschema::error::TypeKind) -> String {
    match kind {
        jsonschema::error::TypeKind::Single(t) => t.to_string(),
        jsonschema::error::TypeKind::Multiple(ts) => ts
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// A value outside an enumeration, with the nearest allowed one when there is one.
fn not_allowed(options: &Value, instance: &Value, path: &[Seg]) -> Described {
    let opts: Vec<String> = options
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let help = instance
        .as_str()
        .and_then(|s| suggest(s, &opts))
        .map_or_else(
            || format!("use one of {}", opts.join(", ")),
            |s| format!("did you mean `{s}`? allowed: {}", opts.join(", ")),
        );
    Described::value(
        path,
        format!("{} is not an allowed value", describe_value(instance)),
        Some(help),
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// JSON type names in TOML words.
fn toml_type(json: &str) -> String {
    json.split(" or ")
        .map(|t| match t {
            "object" => "a table",
            "array" => "an array",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean (true/false)",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A value in an error message, short enough to read.
fn describe_value(v: &Value) -> String {
    match v {
        Value::Object(_) => "a table".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::String(s) => {
            let mut s = format!("{s:?}");
            truncate(&mut s, 60);
            format!("the string {s}")
        }
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Null => "nothing".to_string(),
    }
}

pub(super) fn truncate(s: &mut String, max_chars: usize) {
    if let Some((i, _)) = s.char_indices().nth(max_chars) {
        s.truncate(i);
        s.push('…');
    }
}
