//! A schema error in words: what is wrong, what to do, and where to point.

use super::schema;
use super::schema_diagnostics::card_scope;
use super::source::{DottedPath, Seg, Target};
use super::suggest::suggest;
use crate::i18n::{Lang, lang, tr};
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
    /// For a string where another type was expected: the types expected, in words.
    pub(super) expected_type: Option<String>,
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
        ValidationErrorKind::Type { kind } => {
            let expected = toml_type(&type_names(kind));
            vec![Described {
                // nan/inf reach the schema as strings: the caller may say it better.
                expected_type: instance.is_string().then(|| expected.clone()),
                ..Described::value(
                    path,
                    tr!("val-schema-type", expected = expected, found = shown()),
                    None,
                )
            }]
        }
        ValidationErrorKind::Enum { options } => vec![not_allowed(options, instance, path)],
        ValidationErrorKind::Minimum { limit } => value(
            tr!(
                "val-schema-minimum",
                value = shown(),
                limit = limit.to_string()
            ),
            None,
        ),
        ValidationErrorKind::Maximum { limit } => value(
            tr!(
                "val-schema-maximum",
                value = shown(),
                limit = limit.to_string()
            ),
            None,
        ),
        ValidationErrorKind::MinItems { limit } => {
            value(tr!("val-schema-min-items", limit = *limit), None)
        }
        ValidationErrorKind::MaxItems { limit } => {
            value(tr!("val-schema-max-items", limit = *limit), None)
        }
        ValidationErrorKind::MinLength { limit } => {
            value(tr!("val-schema-min-length", limit = *limit), None)
        }
        ValidationErrorKind::Custom { keyword, message } => {
            let help = (keyword == "x-max-utf8-bytes").then(|| tr!("val-shorten-it"));
            value(message.clone(), help.as_deref())
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => value(
            tr!("val-schema-no-form", value = shown()),
            Some(&tr!("val-schema-no-form-help")),
        ),
        // English keeps the validator's own words for the rarer kinds (as before).
        ValidationErrorKind::MaxLength { limit } if lang() != Lang::En => {
            value(tr!("val-schema-max-length", limit = *limit), None)
        }
        ValidationErrorKind::Pattern { pattern } if lang() != Lang::En => value(
            tr!("val-schema-pattern", value = shown(), pattern = pattern),
            None,
        ),
        ValidationErrorKind::Constant { expected_value } if lang() != Lang::En => value(
            tr!(
                "val-schema-constant",
                expected = expected_value.to_string(),
                value = shown()
            ),
            None,
        ),
        _ => {
            let mut msg = fallback;
            truncate(&mut msg, 200);
            if lang() != Lang::En {
                msg = tr!("val-schema-other", detail = msg);
            }
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
            expected_type: None,
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
                        tr!("val-schema-remove-it")
                    } else {
                        tr!("val-schema-unknown-key-help", known = known.join(", "))
                    }
                },
                |s| tr!("val-did-you-mean", name = s),
            );
            Described {
                target: Target::Key,
                suggestion,
                ..Described::value(&p, tr!("val-schema-unknown-key", key = key), Some(help))
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
        (None, []) => tr!("val-schema-top-level"),
        (None, rest) => format!("[{}]", DottedPath(rest)),
    };
    // Point at the table that lacks it: the path up to the parent.
    Described {
        missing: Some(name.clone()),
        ..Described::value(
            &p,
            tr!("val-schema-missing-key", name = name),
            Some(tr!(
                "val-schema-missing-key-help",
                name = name,
                table = table
            )),
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
            || tr!("val-schema-use-one-of", allowed = opts.join(", ")),
            |s| {
                tr!(
                    "val-schema-did-you-mean-allowed",
                    name = s,
                    allowed = opts.join(", ")
                )
            },
        );
    Described::value(
        path,
        tr!("val-schema-not-allowed", value = describe_value(instance)),
        Some(help),
    )
}

/// JSON type names in TOML words.
fn toml_type(json: &str) -> String {
    json.split(" or ")
        .map(|t| match t {
            "object" => tr!("val-type-table"),
            "array" => tr!("val-type-array"),
            "string" => tr!("val-type-string"),
            "integer" => tr!("val-type-integer"),
            "number" => tr!("val-type-number"),
            "boolean" => tr!("val-type-boolean"),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(&tr!("val-type-or"))
}

/// A value in an error message, short enough to read.
fn describe_value(v: &Value) -> String {
    match v {
        Value::Object(_) => tr!("val-type-table"),
        Value::Array(_) => tr!("val-type-array"),
        Value::String(s) => {
            let mut s = format!("{s:?}");
            truncate(&mut s, 60);
            tr!("val-value-string", value = s)
        }
        Value::Bool(b) => tr!("val-value-boolean", value = b.to_string()),
        Value::Number(n) => tr!("val-value-number", value = n.to_string()),
        Value::Null => tr!("val-value-nothing"),
    }
}

pub(super) fn truncate(s: &mut String, max_chars: usize) {
    if let Some((i, _)) = s.char_indices().nth(max_chars) {
        s.truncate(i);
        s.push('…');
    }
}
