//! One TOML file's text: decoding, parsing to a JSON value for the schema check, and
//! mapping a path inside the document back to line:column.
//!
//! `toml` → `serde_json::Value` through serde would turn datetimes into
//! `{"$__toml_private_datetime": …}` (rust-crates.md gotcha 5), so the conversion walks
//! toml's spanned parse tree (`DeTable::parse`) itself and writes datetimes as strings.

use std::fmt;
use std::path::Path;

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use crate::i18n::{Lang, lang, tr};

/// A card file larger than this is refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A step in a path through a document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a path the way users write it: `base_info.date_info`, `list[0].text`.
pub struct DottedPath<'a>(pub &'a [Seg]);

impl fmt::Display for DottedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in self.0 {
            match seg {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// Parses a dotted path (`advanced_info.text_image_list[0].image_url`) into segments.
pub fn parse_dotted(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Seg::Key(name.to_string()));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// Where an error without a position (the parser's nesting limit) most likely is: the
/// first line with the most nesting (dots in its key, open brackets and braces).
fn deepest_line(text: &str) -> (usize, usize) {
    let depth = |line: &str| {
        let key = line.split('=').next().unwrap_or(line);
        key.matches('.').count() + line.matches(['[', '{']).count()
    };
    text.lines()
        .enumerate()
        .max_by_key(|(i, l)| (depth(l), std::cmp::Reverse(*i)))
        .filter(|(_, l)| depth(l) > 0)
        .map_or((1, 1), |(i, _)| (i + 1, 1))
}

/// Decodes a file's bytes as UTF-8 (a leading BOM is dropped).
///
/// # Errors
/// A diagnostic at the line:column of the first invalid byte.
pub fn decode(rel: &Path, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            // Line endings are the file's, not the card's: a file saved with CRLF
            // would otherwise put "\r\n" into every multi-line text, a change that
            // sends the card to review. An escaped `\r` in a string is kept.
            if s.contains("\r\n") {
                s = s.replace("\r\n", "\n");
            }
            Ok(s)
        }
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            // valid_up_to is a char boundary of a valid prefix, so this cannot fail.
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or("");
            let (line, col) = line_col(prefix, prefix.len());
            let byte = bytes.get(good).copied().unwrap_or(0);
            Err(Box::new(
                Diagnostic::error(
                    rel,
                    tr!("val-file-not-utf8", byte = format!("0x{byte:02x}")),
                )
                .at(line, col)
                .with_help(tr!("val-file-not-utf8-help")),
            ))
        }
    }
}

/// 1-based line and column (in characters) of byte offset `off` in `text`.
pub fn line_col(text: &str, off: usize) -> (usize, usize) {
    let mut off = off.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Parses TOML into its spanned tree.
///
/// # Errors
/// Every syntax error the parser reports, each at its line:column.
pub fn parse<'a>(rel: &Path, text: &'a str) -> Result<Spanned<DeTable<'a>>, Vec<Diagnostic>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Ok(table);
    }
    let mut out: Vec<Diagnostic> = Vec::new();
    for e in errors {
        let (line, col) = e
            .span()
            .map_or_else(|| deepest_line(text), |s| line_col(text, s.start));
        let msg = e.message().trim().to_string();
        // Recovery can report the same spot twice; once is enough.
        if out
            .iter()
            .any(|d: &Diagnostic| d.line == line && d.column == col)
        {
            continue;
        }
        let help = if msg.contains("recursion") {
            tr!("val-toml-recursion-help")
        } else {
            tr!("val-toml-syntax-help")
        };
        out.push(
            Diagnostic::error(rel, tr!("val-toml-syntax", detail = toml_detail(&msg)))
                .at(line, col)
                .with_help(help),
        );
    }
    Err(out)
}

/// The TOML parser's message (`description, expected what`) in the process language:
/// English keeps the parser's text; another language gets its sentence for every kind
/// the parser reports (`TOML_KINDS`), and the parser's text only for a kind it does not
/// know (a newer parser's), which is better than losing the detail.
pub fn toml_detail(msg: &str) -> String {
    if lang() == Lang::En {
        return msg.to_string();
    }
    let (what, expected) = match msg.split_once(", expected ") {
        Some((what, expected)) => (what, Some(expected)),
        None => (msg, None),
    };
    let Some((_, id)) = TOML_KINDS.iter().find(|(en, _)| *en == what) else {
        return msg.to_string();
    };
    let mut out = tr!(id);
    if let Some(expected) = expected {
        let words: Vec<String> = expected
            .split(", ")
            .map(|w| match TOML_EXPECTED.iter().find(|(en, _)| *en == w) {
                Some((_, id)) => tr!(id),
                None => w.to_string(),
            })
            .collect();
        // A code span stands apart from the words around it; a word does not.
        let mut what = words.join("、");
        if what.starts_with('`') {
            what.insert(0, ' ');
        }
        out.push_str(&tr!("val-toml-expected", what = what));
    }
    out
}

/// The parser's messages that have a sentence in the message files (English keeps
/// the parser's own text).
const TOML_KINDS: &[(&str, &str)] = &[
    ("duplicate key", "val-toml-duplicate-key"),
    (
        "string values must be quoted",
        "val-toml-string-values-must-be-quoted",
    ),
    ("unclosed table", "val-toml-unclosed-table"),
    ("unclosed array table", "val-toml-unclosed-array-table"),
    ("unclosed array", "val-toml-unclosed-array"),
    ("unclosed inline table", "val-toml-unclosed-inline-table"),
    ("missing value", "val-toml-missing-value"),
    ("missing value for key", "val-toml-missing-value-for-key"),
    ("key with no value", "val-toml-key-with-no-value"),
    ("invalid key", "val-toml-invalid-key"),
    ("invalid unquoted key", "val-toml-invalid-unquoted-key"),
    (
        "unquoted keys cannot be empty",
        "val-toml-unquoted-keys-cannot-be-empty",
    ),
    ("invalid value", "val-toml-invalid-value"),
    ("invalid key-value pair", "val-toml-invalid-key-value-pair"),
    ("invalid string", "val-toml-invalid-string"),
    ("invalid basic string", "val-toml-invalid-basic-string"),
    ("invalid literal string", "val-toml-invalid-literal-string"),
    (
        "invalid multi-line basic string",
        "val-toml-invalid-multi-line-basic-string",
    ),
    (
        "invalid multi-line literal string",
        "val-toml-invalid-multi-line-literal-string",
    ),
    ("invalid integer number", "val-toml-invalid-integer-number"),
    ("invalid octal number", "val-toml-invalid-octal-number"),
    ("invalid mantissa", "val-toml-invalid-mantissa"),
    ("invalid table", "val-toml-invalid-table"),
    (
        "invalid inline table element",
        "val-toml-invalid-inline-table-element",
    ),
    (
        "invalid comment character",
        "val-toml-invalid-comment-character",
    ),
    ("missing escaped value", "val-toml-missing-escaped-value"),
    ("missing opening quote", "val-toml-missing-opening-quote"),
    (
        "missing comma between array elements",
        "val-toml-missing-comma-between-array-elements",
    ),
    (
        "missing comma between key-value pairs",
        "val-toml-missing-comma-between-key-value-pairs",
    ),
    (
        "missing assignment between key-value pairs",
        "val-toml-missing-assignment-between-key-value-pairs",
    ),
    (
        "missing key for inline table element",
        "val-toml-missing-key-for-inline-table-element",
    ),
    (
        "missing inline table opening",
        "val-toml-missing-inline-table-opening",
    ),
    ("missing array opening", "val-toml-missing-array-opening"),
    ("missing table open", "val-toml-missing-table-open"),
    ("missing comment start", "val-toml-missing-comment-start"),
    (
        "extra comma in inline table",
        "val-toml-extra-comma-in-inline-table",
    ),
    ("extra comma in array", "val-toml-extra-comma-in-array"),
    (
        "extra assignment between key-value pairs",
        "val-toml-extra-assignment-between-key-value-pairs",
    ),
    ("extra `=`", "val-toml-extra"),
    ("unexpected `=` in array", "val-toml-unexpected-in-array"),
    (
        "unexpected key or value",
        "val-toml-unexpected-key-or-value",
    ),
    ("unexpected content", "val-toml-unexpected-content"),
    (
        "unexpected content between comment and newline",
        "val-toml-unexpected-content-between-comment-and-newline",
    ),
    (
        "unexpected leading zero",
        "val-toml-unexpected-leading-zero",
    ),
    ("unexpected sign", "val-toml-unexpected-sign"),
    ("redundant numeric sign", "val-toml-redundant-numeric-sign"),
    (
        "redundant integer number prefix",
        "val-toml-redundant-integer-number-prefix",
    ),
    (
        "integers with a radix cannot be signed",
        "val-toml-integers-with-a-radix-cannot-be-signed",
    ),
    (
        "radix must be lowercase",
        "val-toml-radix-must-be-lowercase",
    ),
    (
        "`_` may only go between digits",
        "val-toml-may-only-go-between-digits",
    ),
    (
        "too few unicode value digits",
        "val-toml-too-few-unicode-value-digits",
    ),
    (
        "carriage return must be followed by newline",
        "val-toml-carriage-return-must-be-followed-by-newline",
    ),
    (
        "keys cannot be multi-line basic strings",
        "val-toml-keys-cannot-be-multi-line-basic-strings",
    ),
    (
        "keys cannot be multi-line literal strings",
        "val-toml-keys-cannot-be-multi-line-literal-strings",
    ),
    (
        "cannot recurse further; max recursion depth met",
        "val-toml-cannot-recurse-further-max-recursion-depth-met",
    ),
];
/// The parser's words for what it expected, likewise.
const TOML_EXPECTED: &[(&str, &str)] = &[
    ("key", "val-toml-want-key"),
    ("value", "val-toml-want-value"),
    ("literal string", "val-toml-want-literal-string"),
    ("basic string", "val-toml-want-basic-string"),
    (
        "multi-line basic string",
        "val-toml-want-multi-line-basic-string",
    ),
    (
        "multi-line literal string",
        "val-toml-want-multi-line-literal-string",
    ),
    ("numbers", "val-toml-want-numbers"),
    ("digits", "val-toml-want-digits"),
    ("letters", "val-toml-want-letters"),
    ("newline", "val-toml-want-newline"),
    ("nothing", "val-toml-want-nothing"),
    (
        "unicode hexadecimal value",
        "val-toml-want-unicode-hexadecimal-value",
    ),
    ("printable characters", "val-toml-want-printable-characters"),
    ("characters", "val-toml-want-characters"),
    (
        "non-single-quote visible characters",
        "val-toml-want-non-single-quote-visible-characters",
    ),
    (
        "non-single-quote characters",
        "val-toml-want-non-single-quote-characters",
    ),
    (
        "non-double-quote visible characters",
        "val-toml-want-non-double-quote-visible-characters",
    ),
];

/// The parse tree as a JSON value: datetimes become their RFC 3339 text, integers
/// stay integers, floats that JSON cannot hold (nan, inf) become strings.
pub fn to_json(table: &DeTable<'_>) -> Value {
    let mut map = Map::with_capacity(table.len());
    for (k, v) in table.iter() {
        map.insert(k.get_ref().to_string(), value_to_json(v.get_ref()));
    }
    Value::Object(map)
}

fn value_to_json(v: &DeValue<'_>) -> Value {
    match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let raw = i.as_str();
            if let Ok(n) = i64::from_str_radix(raw, i.radix()) {
                Value::Number(n.into())
            } else if let Ok(n) = u64::from_str_radix(raw, i.radix()) {
                Value::Number(n.into())
            } else {
                // Out of every integer range; a float keeps the magnitude for the
                // "greater than the maximum" message.
                raw.parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map_or_else(|| Value::String(i.to_string()), Value::Number)
            }
        }
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(f.as_str().to_string()), Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(a) => Value::Array(a.iter().map(|e| value_to_json(e.get_ref())).collect()),
        DeValue::Table(t) => to_json(t),
    }
}

/// Finds where a path points in a parsed document.
pub struct Locator<'a> {
    text: &'a str,
    root: Option<Spanned<DeTable<'a>>>,
    /// Byte offset where each line starts, so locating is a binary search rather
    /// than a scan (a file with thousands of errors stays linear).
    line_starts: Vec<usize>,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// What to point at when a path is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The value (for a table: its header or opening brace).
    Value,
    /// The key naming the last segment (for unknown keys).
    Key,
}

impl<'a> Locator<'a> {
    /// A locator over `text`; a document that does not parse locates everything at 1:1.
    pub fn new(text: &'a str) -> Self {
        Locator {
            text,
            root: DeTable::parse(text).ok(),
            line_starts: line_starts(text),
        }
    }

    pub fn from_parsed(text: &'a str, root: Spanned<DeTable<'a>>) -> Self {
        Locator {
            text,
            root: Some(root),
            line_starts: line_starts(text),
        }
    }

    /// Line and column of the deepest part of `path` that exists in the document.
    /// Whether the value at `path` is written as a float in the source (`nan`, `inf`,
    /// `1e3`, `20.0`): JSON has no NaN, so [`to_json`] turns non-finite floats into
    /// strings, and messages must not call them strings.
    pub fn is_float_literal(&self, path: &[Seg]) -> bool {
        let off = self.offset(path, Target::Value).min(self.text.len());
        let rest = self.text.get(off..).unwrap_or("");
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_'))
            .collect();
        let t = token.trim_start_matches(['+', '-']);
        matches!(t, "nan" | "inf")
            || (!t.is_empty()
                && t.chars().next().is_some_and(|c| c.is_ascii_digit())
                && (t.contains('.') || t.contains(['e', 'E']))
                && !t.starts_with("0x"))
    }

    pub fn locate(&self, path: &[Seg], target: Target) -> (usize, usize) {
        let mut off = self.offset(path, target).min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= off);
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        (line.max(1), self.text[start..off].chars().count() + 1)
    }

    fn offset(&self, path: &[Seg], target: Target) -> usize {
        let Some(root) = &self.root else { return 0 };
        let mut best = 0usize;
        let mut table: Option<&DeTable<'a>> = Some(root.get_ref());
        let mut array: Option<&toml::de::DeArray<'a>> = None;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let value: &Spanned<DeValue<'a>> = match seg {
                Seg::Key(name) => {
                    let Some((k, v)) = table.and_then(|t| t.get_key_value(name.as_str())) else {
                        break;
                    };
                    let ks = k.span();
                    let vs = v.span();
                    best = if (last && target == Target::Key) || vs.is_empty() {
                        ks.start
                    } else {
                        vs.start
                    };
                    v
                }
                Seg::Index(idx) => {
                    let Some(v) = array.and_then(|a| a.get(*idx)) else {
                        break;
                    };
                    if !v.span().is_empty() {
                        best = v.span().start;
                    }
                    v
                }
            };
            table = value.get_ref().as_table();
            array = value.get_ref().as_array();
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_round_trip() {
        let p = parse_dotted("advanced_info.text_image_list[0].image_url");
        assert_eq!(
            p,
            vec![
                Seg::Key("advanced_info".into()),
                Seg::Key("text_image_list".into()),
                Seg::Index(0),
                Seg::Key("image_url".into()),
            ]
        );
        assert_eq!(
            DottedPath(&p).to_string(),
            "advanced_info.text_image_list[0].image_url"
        );
    }

    #[test]
    fn datetimes_become_strings() {
        let src = "a = 2026-12-01T00:00:00+08:00\nb = 2026-12-01T00:00:00\nc = 0x10\nd = nan\n";
        let t = parse(Path::new("x.toml"), src).expect("parses");
        let v = to_json(t.get_ref());
        assert_eq!(v["a"], "2026-12-01T00:00:00+08:00");
        assert_eq!(v["b"], "2026-12-01T00:00:00");
        assert_eq!(v["c"], 16);
        assert_eq!(v["d"], "nan");
    }

    #[test]
    fn locates_values_keys_and_missing_tails() {
        let src = "[cards.a]\ncard_type = \"CASH\"\n\n[cards.a.base_info]\nnotice = \"hi\"\nlist = [1, 2]\n";
        let loc = Locator::new(src);
        let p = |s: &str| {
            let mut v = vec![Seg::Key("cards".into()), Seg::Key("a".into())];
            v.extend(parse_dotted(s));
            v
        };
        assert_eq!(loc.locate(&p("card_type"), Target::Value), (2, 13));
        assert_eq!(loc.locate(&p("card_type"), Target::Key), (2, 1));
        assert_eq!(loc.locate(&p("base_info.notice"), Target::Value), (5, 10));
        assert_eq!(loc.locate(&p("base_info.list[1]"), Target::Value), (6, 12));
        // A missing field points at the deepest table that exists.
        assert_eq!(loc.locate(&p("base_info.nothing"), Target::Value).0, 4);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let d = decode(Path::new("x.toml"), b"a = 1\nb = \"\xff\"\n".to_vec()).unwrap_err();
        assert_eq!((d.line, d.column), (2, 6));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let errs = parse(Path::new("x.toml"), "a = 1\nb = \n").unwrap_err();
        assert_eq!(errs[0].line, 2);
    }
}
