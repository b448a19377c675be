//! The JSON-Schema check of one document: every validator error located at its key or
//! value (file:line:column), duplicates folded, over-long texts turned into write rules;
//! and the values the model's types refuse after the schema let them through.

use super::desired::WriteRule;
use super::diagnostic::{Diagnostic, Severity};
use super::schema::Compiled;
use super::schema_messages::{Described, describe};
use super::source::{DottedPath, Locator, Seg, Target};
use crate::i18n::tr;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A value the card type refuses, at the value's position.
pub(super) fn deserialize_diagnostic(
    rel: &Path,
    locator: &Locator<'_>,
    address: &str,
    e: &serde_path_to_error::Error<serde_json::Error>,
) -> Diagnostic {
    use serde_path_to_error::Segment;
    let inner: Vec<Seg> = e
        .path()
        .iter()
        .filter_map(|s| match s {
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect();
    let mut path = vec![Seg::Key("cards".into()), Seg::Key(address.to_string())];
    path.extend(inner.iter().cloned());
    let (line, col) = locator.locate(&path, Target::Value);
    let detail = e.inner().to_string();
    let help = if detail.contains("floating point") {
        tr!("val-deserialize-float-help")
    } else if detail.contains("invalid value: integer") {
        tr!("val-deserialize-range-help")
    } else {
        tr!("val-cards-shape-help")
    };
    // serde's words in English; in another language the two kinds that reach here
    // (a float for an integer, a number past the type's range) in its words.
    let detail = if crate::i18n::lang() == crate::i18n::Lang::En {
        detail
    } else if detail.contains("floating point") {
        tr!("val-deserialize-float")
    } else if detail.contains("invalid value: integer") {
        tr!("val-deserialize-range")
    } else {
        detail
    };
    let mut d = Diagnostic::error(rel, detail)
        .at(line, col)
        .with_address(address.to_string())
        .with_help(help);
    if !inner.is_empty() {
        d = d.with_field(DottedPath(&inner).to_string());
    }
    d
}

fn segments(loc: &jsonschema::paths::Location) -> Vec<Seg> {
    loc.iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Seg::Key(p.to_string()),
            LocationSegment::Index(i) => Seg::Index(i),
        })
        .collect()
}

/// Splits a document path into (card address, path inside the card) for card files.
pub(super) fn card_scope(path: &[Seg]) -> (Option<String>, &[Seg]) {
    match path {
        [Seg::Key(c), Seg::Key(addr), rest @ ..] if c == "cards" => (Some(addr.clone()), rest),
        _ => (None, path),
    }
}

/// What the schema says of one document.
pub(crate) struct SchemaVerdict {
    /// Located errors and warnings.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Cards with errors (they are not deserialized).
    pub(super) bad_cards: Vec<String>,
    /// Per card: texts over WeChat's byte limit. WeChat applies its limits to what it is
    /// sent, and old cards keep texts from before a limit was tightened, so such a text
    /// is declarable (an adopted card's value) and refused by the plan only when it
    /// would be sent.
    pub(super) write_rules: BTreeMap<String, Vec<WriteRule>>,
}

/// Runs the schema over a document and turns every error into a located diagnostic.
pub(crate) fn schema_diagnostics(
    rel: &Path,
    locator: &Locator<'_>,
    compiled: &Compiled,
    value: &Value,
) -> SchemaVerdict {
    let validator = match &compiled.validator {
        Ok(v) => v,
        Err(e) => {
            return SchemaVerdict {
                diagnostics: vec![
                    Diagnostic::error(rel, tr!("val-schema-internal", error = e))
                        .with_help(tr!("val-schema-internal-help")),
                ],
                bad_cards: Vec::new(),
                write_rules: BTreeMap::new(),
            };
        }
    };
    let mut raws: Vec<Raw> = Vec::new();
    for err in validator.iter_errors(value) {
        collect(&err, &compiled.schema, 0, &mut raws);
    }
    // A misspelt required key shows up twice (unknown `colour`, missing `color`);
    // the unknown-key diagnostic already suggests the right name, so keep only it.
    let suggested: Vec<(Vec<Seg>, String)> = raws
        .iter()
        .filter_map(|r| {
            let parent = r.described.at.split_last().map(|(_, p)| p.to_vec())?;
            Some((parent, r.described.suggestion.clone()?))
        })
        .collect();
    raws.retain(|r| match &r.described.missing {
        Some(name) => !suggested
            .iter()
            .any(|(parent, s)| s == name && *parent == r.path),
        None => true,
    });
    let raws: Vec<Raw> = raws
        .into_iter()
        .map(|mut r| {
            let d = &r.described;
            let (line, col) = locator.locate(&d.at, d.target);
            let (address, inner) = card_scope(&d.at);
            let mut message = d.message.clone();
            if r.keyword == "type" && locator.is_float_literal(&d.at) {
                // nan/inf reach the schema as strings (JSON has no NaN).
                if let Some(expected) = &d.expected_type {
                    message = tr!(
                        "val-schema-type",
                        expected = expected,
                        found = tr!("val-value-nan")
                    );
                }
            }
            let mut diag = Diagnostic::error(rel, message)
                .at(line, col)
                .with_field(DottedPath(inner).to_string());
            if let Some(a) = address {
                diag = diag.with_address(a);
            }
            if let Some(h) = &d.help {
                diag = diag.with_help(h.clone());
            }
            r.diag = Some(diag);
            r
        })
        .collect();
    // maxLength (code points) is implied by x-max-utf8-bytes (bytes) on the same
    // string; report only the byte limit, which is the one WeChat applies.
    let byte_paths: Vec<Vec<Seg>> = raws
        .iter()
        .filter(|r| r.keyword == "x-max-utf8-bytes")
        .map(|r| r.path.clone())
        .collect();
    // A value of the wrong type also fails `enum`; the type error says it better.
    let type_paths: Vec<Vec<Seg>> = raws
        .iter()
        .filter(|r| r.keyword == "type")
        .map(|r| r.path.clone())
        .collect();
    let mut bad_cards = Vec::new();
    let mut out = Vec::new();
    let mut write_rules: BTreeMap<String, Vec<WriteRule>> = BTreeMap::new();
    for r in raws {
        if r.keyword == "maxLength" && byte_paths.contains(&r.path) {
            continue;
        }
        if r.keyword == "enum" && type_paths.contains(&r.path) {
            continue;
        }
        let (address, inner) = card_scope(&r.path);
        if let (Some(address), "x-max-utf8-bytes", Some(mut diag)) =
            (&address, r.keyword.as_str(), r.diag.clone())
        {
            let help = tr!("val-byte-limit-help");
            write_rules
                .entry(address.clone())
                .or_default()
                .push(WriteRule {
                    field: DottedPath(inner).to_string(),
                    message: diag.message.clone(),
                    help: tr!("val-shorten-it"),
                });
            diag.severity = Severity::Warning;
            out.push(diag.with_help(help));
            continue;
        }
        if let Some(a) = address {
            bad_cards.push(a);
        }
        out.extend(r.diag);
    }
    bad_cards.sort();
    bad_cards.dedup();
    SchemaVerdict {
        diagnostics: out,
        bad_cards,
        write_rules,
    }
}

/// One schema error, before it is located.
struct Raw {
    /// The instance path the validator reported.
    path: Vec<Seg>,
    keyword: String,
    described: Described,
    diag: Option<Diagnostic>,
}

/// Describes one validator error; for `oneOf`/`anyOf` it descends into the
/// alternative that came closest (fewest errors), which for tagged tables like
/// `token = { source = … }` names the actual mistake.
fn collect(
    err: &jsonschema::ValidationError<'_>,
    schema: &Value,
    depth: usize,
    out: &mut Vec<Raw>,
) {
    let kind = err.kind();
    let keyword = kind.keyword().to_string();
    if keyword == "propertyNames" {
        return; // card addresses are checked by the loader with a better message
    }
    if depth < 8
        && let ValidationErrorKind::OneOfNotValid { context }
        | ValidationErrorKind::AnyOf { context } = kind
        && let Some(best) = context
            .iter()
            .filter(|c| !c.is_empty())
            .min_by_key(|c| c.len())
    {
        for e in best {
            collect(e, schema, depth + 1, out);
        }
        return;
    }
    let path = segments(err.instance_path());
    for described in describe(kind, err.instance(), &path, schema, err.to_string()) {
        out.push(Raw {
            path: path.clone(),
            keyword: keyword.clone(),
            described,
            diag: None,
        });
    }
}
