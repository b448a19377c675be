//! The canonical layout of card files (`cardform fmt`): keys in the order WeChat's
//! card/create documentation lists them, `key = value` with single spaces, trailing
//! comments aligned within a block of consecutive lines. Comments stay with the key
//! they precede or follow; values are never rewritten, so formatting cannot change
//! what a file means (the tests load both and compare).

use cardform_spec::fields::TYPE_FIELDS;
use toml_edit::{Array, DocumentMut, InlineTable, Item, RawString, Table, Value};

/// The order of keys under each table inside a card, by the table's own key (a card's
/// root table `[cards.<address>]` is ordered by [`card_rank`]). It follows WeChat's
/// card/create field tables (reference §3). Keys that are not listed keep their order,
/// after the listed ones.
const KEY_ORDER: &[(&str, &[&str])] = &[
    (
        "base_info",
        &[
            "logo_url",
            "code_type",
            "brand_name",
            "title",
            "sub_title",
            "color",
            "notice",
            "description",
            "sku",
            "date_info",
            "use_custom_code",
            "get_custom_code_mode",
            "bind_openid",
            "service_phone",
            "location_id_list",
            "use_all_locations",
            "source",
            "center_title",
            "center_sub_title",
            "center_url",
            "center_app_brand_user_name",
            "center_app_brand_pass",
            "custom_url_name",
            "custom_url",
            "custom_url_sub_title",
            "custom_app_brand_user_name",
            "custom_app_brand_pass",
            "promotion_url_name",
            "promotion_url",
            "promotion_url_sub_title",
            "promotion_app_brand_user_name",
            "promotion_app_brand_pass",
            "get_limit",
            "use_limit",
            "can_share",
            "can_give_friend",
        ],
    ),
    ("sku", &["quantity"]),
    (
        "date_info",
        &[
            "type",
            "begin_timestamp",
            "end_timestamp",
            "fixed_term",
            "fixed_begin_term",
        ],
    ),
    (
        "advanced_info",
        &[
            "use_condition",
            "abstract",
            "text_image_list",
            "time_limit",
            "business_service",
            "share_friends",
            "consume_share_self_num",
            "consume_share_card_list",
        ],
    ),
    (
        "use_condition",
        &[
            "accept_category",
            "reject_category",
            "least_cost",
            "object_use_for",
            "can_use_with_other_discount",
        ],
    ),
    ("abstract", &["abstract", "icon_url_list"]),
    ("text_image_list", &["image_url", "text"]),
    (
        "time_limit",
        &[
            "type",
            "begin_hour",
            "begin_minute",
            "end_hour",
            "end_minute",
        ],
    ),
    ("consume_share_card_list", &["card", "card_id", "num"]),
    ("lifecycle", &["prevent_destroy"]),
];

/// A card's own keys: `card_type`, then the type-specific fields in the order of the
/// spec's one table ([`TYPE_FIELDS`]), then these.
const CARD_TABLES: &[&str] = &["base_info", "advanced_info", "lifecycle"];

/// Where `key` goes in a card's own table (unlisted keys last).
fn card_rank(key: &str) -> usize {
    if key == "card_type" {
        return 0;
    }
    if let Some(i) = TYPE_FIELDS.iter().position(|f| f.name == key) {
        return 1 + i;
    }
    CARD_TABLES
        .iter()
        .position(|k| *k == key)
        .map_or(usize::MAX, |i| 1 + TYPE_FIELDS.len() + i)
}

/// Where `key` goes under the table named `table` (unlisted keys last, in order).
fn rank(table: &str, key: &str) -> usize {
    if table.is_empty() {
        return card_rank(key);
    }
    KEY_ORDER
        .iter()
        .find(|(name, _)| *name == table)
        .and_then(|(_, keys)| keys.iter().position(|k| *k == key))
        .unwrap_or(usize::MAX)
}

/// The canonical layout of one card file.
///
/// # Guarantees
/// The result parses to the same TOML data as `src` (only key order, spacing and the
/// position of table headers change; comments are kept). Formatting the result again
/// changes nothing.
///
/// # Errors
/// The TOML parser's error when `src` is not valid TOML.
pub fn format_card_file(src: &str) -> Result<String, toml_edit::TomlError> {
    // A CRLF file stays CRLF: everything is laid out with `\n` (toml_edit writes new
    // decor that way) and turned back at the end; the strings' own bytes are never
    // touched (a multi-line string keeps the line breaks it has).
    let crlf = src.find('\n').is_some_and(|i| src[..i].ends_with('\r'));
    let mut doc: DocumentMut = src.parse()?;
    // The file's opening comment (the `#:schema` line) sits in the decor of the first
    // table header; it must stay at the top whichever table comes first afterwards.
    let opening = first_table_prefix(doc.as_table());
    if let Some(Item::Table(cards)) = doc.as_table_mut().get_mut("cards") {
        for (_, card) in cards.iter_mut() {
            format_item("", card);
        }
    }
    let mut position = 0;
    renumber(doc.as_table_mut(), &mut position);
    if let Some(prefix) = opening {
        move_opening_comment(doc.as_table_mut(), prefix);
    }
    // At most one blank line in a row (moving headers can bring two together), `\n`
    // line ends, no blank lines at the start, one newline at the end: all in the layout
    // only, never inside a string (a multi-line string's blank lines and line ends are
    // data).
    let mut out = relayout(&doc.to_string(), "\n");
    let leading = out.len() - out.trim_start_matches(['\n', ' ', '\t']).len();
    out.drain(..leading);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    // A CRLF file stays CRLF (toml_edit writes the decor it makes with `\n`).
    if crlf {
        out = relayout(&out, "\r\n");
    }
    Ok(out)
}

/// Where a TOML text is, for [`relayout`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lexeme {
    Layout,
    Comment,
    Basic,
    Literal,
    MultiBasic,
    MultiLiteral,
}

/// Rewrites the line ends outside strings as `newline` and keeps at most one blank line
/// in a row there; strings (and so every byte of data) are copied as they are.
fn relayout(text: &str, newline: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut state = Lexeme::Layout;
    // Line ends seen in a row in the layout (a line of spaces counts as empty).
    let mut pending_breaks = 0usize;
    let mut pending_space = String::new();
    let mut i = 0;
    let flush = |out: &mut String, breaks: &mut usize, space: &mut String| {
        for _ in 0..(*breaks).min(2) {
            out.push_str(newline);
        }
        *breaks = 0;
        out.push_str(space);
        space.clear();
    };
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let at_line_end = c == '\n' || rest.starts_with("\r\n");
        match state {
            Lexeme::Layout | Lexeme::Comment => {
                if at_line_end {
                    // Trailing spaces of a blank line go; those of a line with text stay.
                    pending_space.clear();
                    pending_breaks += 1;
                    state = Lexeme::Layout;
                    i += if c == '\r' { 2 } else { 1 };
                    continue;
                }
                if state == Lexeme::Layout && (c == ' ' || c == '\t') {
                    pending_space.push(c);
                    i += 1;
                    continue;
                }
                flush(&mut out, &mut pending_breaks, &mut pending_space);
                if state == Lexeme::Layout {
                    if rest.starts_with("\"\"\"") {
                        state = Lexeme::MultiBasic;
                        out.push_str("\"\"\"");
                        i += 3;
                        continue;
                    } else if rest.starts_with("\'\'\'") {
                        state = Lexeme::MultiLiteral;
                        out.push_str("\'\'\'");
                        i += 3;
                        continue;
                    }
                    state = match c {
                        '#' => Lexeme::Comment,
                        '"' => Lexeme::Basic,
                        '\'' => Lexeme::Literal,
                        _ => Lexeme::Layout,
                    };
                }
                out.push(c);
                i += c.len_utf8();
            }
            Lexeme::Basic | Lexeme::MultiBasic => {
                if c == '\\' {
                    // An escape: the next character is the string's, whatever it is.
                    out.push(c);
                    i += 1;
                    if let Some(next) = text[i..].chars().next() {
                        out.push(next);
                        i += next.len_utf8();
                    }
                    continue;
                }
                if state == Lexeme::MultiBasic && rest.starts_with("\"\"\"") {
                    // Up to two quotes may end the content right before the closing three.
                    let run = rest.bytes().take_while(|b| *b == b'"').count().min(5);
                    out.push_str(&rest[..run]);
                    i += run;
                    state = Lexeme::Layout;
                    continue;
                }
                if state == Lexeme::Basic && c == '"' {
                    state = Lexeme::Layout;
                }
                out.push(c);
                i += c.len_utf8();
            }
            Lexeme::Literal | Lexeme::MultiLiteral => {
                if state == Lexeme::MultiLiteral && rest.starts_with("\'\'\'") {
                    let run = rest.bytes().take_while(|b| *b == b'\'').count().min(5);
                    out.push_str(&rest[..run]);
                    i += run;
                    state = Lexeme::Layout;
                    continue;
                }
                if state == Lexeme::Literal && c == '\'' {
                    state = Lexeme::Layout;
                }
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    flush(&mut out, &mut pending_breaks, &mut pending_space);
    out
}

fn format_item(name: &str, item: &mut Item) {
    match item {
        Item::Table(table) => format_table(name, table),
        Item::ArrayOfTables(tables) => {
            for table in tables.iter_mut() {
                format_table(name, table);
            }
        }
        Item::Value(value) => format_value(name, value),
        Item::None => {}
    }
}

fn format_table(name: &str, table: &mut Table) {
    table.sort_values_by(|a, _, b, _| rank(name, a.get()).cmp(&rank(name, b.get())));
    for (mut key, item) in table.iter_mut() {
        let key_name = key.get().to_string();
        if let Item::Value(value) = item {
            // `key = value`: one space either side of `=`, no indentation.
            let prefix = strip_indent(key.leaf_decor().prefix());
            key.leaf_decor_mut().set_prefix(prefix);
            key.leaf_decor_mut().set_suffix(" ");
            value.decor_mut().set_prefix(" ");
        }
        format_item(&key_name, item);
    }
    align_comments(table);
}

fn format_value(name: &str, value: &mut Value) {
    match value {
        Value::InlineTable(inline) => format_inline(name, inline),
        Value::Array(array) => format_array(name, array),
        _ => {}
    }
}

fn format_inline(name: &str, inline: &mut InlineTable) {
    inline.sort_values_by(|a, _, b, _| rank(name, a.get()).cmp(&rank(name, b.get())));
    let keys: Vec<String> = inline.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        if let Some(value) = inline.get_mut(&key) {
            format_value(&key, value);
        }
    }
    // `{ a = 1, b = 2 }`, keeping whatever follows the closing brace.
    let decor = inline.decor().clone();
    inline.fmt();
    *inline.decor_mut() = decor;
}

fn format_array(name: &str, array: &mut Array) {
    for value in array.iter_mut() {
        format_value(name, value);
    }
}

/// Removes the spaces and tabs that indent the key's own line.
fn strip_indent(prefix: Option<&RawString>) -> String {
    let text = prefix.and_then(RawString::as_str).unwrap_or("");
    match text.rfind('\n') {
        Some(i) => text[..=i].to_string(),
        None => String::new(),
    }
}

/// Trailing comments of consecutive `key = value` lines start in one column, two
/// spaces after the longest such line; a blank line or a comment line starts a new
/// block.
fn align_comments(table: &mut Table) {
    let mut blocks: Vec<Vec<(String, usize)>> = vec![Vec::new()];
    let names: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for name in &names {
        let Some((key, Item::Value(value))) = table.get_key_value(name) else {
            continue;
        };
        let starts_block = key
            .leaf_decor()
            .prefix()
            .and_then(RawString::as_str)
            .is_some_and(|p| !p.is_empty());
        if starts_block {
            blocks.push(Vec::new());
        }
        let comment = value
            .decor()
            .suffix()
            .and_then(RawString::as_str)
            .is_some_and(|s| s.contains('#'));
        let mut bare = value.clone();
        bare.decor_mut().clear();
        let rendered = bare.to_string();
        if comment
            && !rendered.contains('\n')
            && let Some(block) = blocks.last_mut()
        {
            let width = key.display_repr().chars().count() + 3 + rendered.chars().count();
            block.push((key.get().to_string(), width));
        }
    }
    for block in blocks {
        let Some(column) = block.iter().map(|(_, w)| w + 2).max() else {
            continue;
        };
        for (key, width) in block {
            if let Some(Item::Value(value)) = table.get_mut(&key) {
                let suffix = value
                    .decor()
                    .suffix()
                    .and_then(RawString::as_str)
                    .unwrap_or("")
                    .trim_start()
                    .to_string();
                value
                    .decor_mut()
                    .set_suffix(format!("{}{suffix}", " ".repeat(column - width)));
            }
        }
    }
}

/// Gives every table header a position in traversal order: a card's root table,
/// then its sub-tables in key order.
fn renumber(table: &mut Table, position: &mut isize) {
    if !table.is_implicit() && !table.is_dotted() {
        table.set_position(Some(*position));
        *position += 1;
    }
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(sub) => renumber(sub, position),
            Item::ArrayOfTables(tables) => {
                for sub in tables.iter_mut() {
                    renumber(sub, position);
                }
            }
            _ => {}
        }
    }
}

/// The decor prefix of the table header printed first (before formatting).
fn first_table_prefix(root: &Table) -> Option<String> {
    first_header(root).map(|(_, prefix)| prefix)
}

/// What a table header's decor holds before the `[header]` line (comments, blank lines).
fn prefix_of(table: &Table) -> String {
    table
        .decor()
        .prefix()
        .and_then(RawString::as_str)
        .unwrap_or("")
        .to_string()
}

/// The prefix of the header printed first now.
fn first_header(root: &Table) -> Option<(isize, String)> {
    let mut first: Option<(isize, String)> = None;
    visit_headers(root, &mut |table| {
        if let Some(position) = table.position()
            && first.as_ref().is_none_or(|(p, _)| position < *p)
        {
            first = Some((position, prefix_of(table)));
        }
    });
    first
}

/// Keeps the file's opening comment (up to its first blank line: the `#:schema` line
/// and the file's description) at the top when another header comes first now; the
/// rest of that prefix stays with the header it was written above. Every other header
/// gets exactly one blank line before it.
fn move_opening_comment(root: &mut Table, opening: String) {
    let Some((first_position, _)) = first_header(root) else {
        return;
    };
    let (head, rest) = match opening.find("\n\n") {
        Some(i) => (opening[..i + 2].to_string(), opening[i + 2..].to_string()),
        None => (opening.clone(), String::new()),
    };
    visit_headers_mut(root, &mut |table| {
        let prefix = prefix_of(table);
        if table.position() == Some(first_position) {
            if prefix != opening {
                let own = prefix.trim_start_matches('\n');
                table.decor_mut().set_prefix(format!("{head}{own}"));
            }
        } else if prefix == opening {
            table.decor_mut().set_prefix(format!("\n{rest}"));
        } else {
            table
                .decor_mut()
                .set_prefix(format!("\n{}", prefix.trim_start_matches('\n')));
        }
    });
}

fn visit_headers(table: &Table, f: &mut dyn FnMut(&Table)) {
    if !table.is_implicit() && !table.is_dotted() {
        f(table);
    }
    for (_, item) in table.iter() {
        match item {
            Item::Table(sub) => visit_headers(sub, f),
            Item::ArrayOfTables(tables) => tables.iter().for_each(|t| visit_headers(t, f)),
            _ => {}
        }
    }
}

fn visit_headers_mut(table: &mut Table, f: &mut dyn FnMut(&mut Table)) {
    if !table.is_implicit() && !table.is_dotted() {
        f(table);
    }
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(sub) => visit_headers_mut(sub, f),
            Item::ArrayOfTables(tables) => {
                tables.iter_mut().for_each(|t| visit_headers_mut(t, f));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_data(a: &str, b: &str) {
        let a: toml::Value = toml::from_str(a).expect("input parses");
        let b: toml::Value = toml::from_str(b).expect("output parses");
        assert_eq!(a, b, "formatting changed the data");
    }

    const MESSY: &str = r#"#:schema ../schema/cards.schema.json

# The base first, out of order.
[cards.a.base_info]
color="Color010"   # green
brand_name = "店"  # the brand
  logo_url = "https://mmbiz.qpic.cn/x"
sku = { quantity = 5 }
date_info = { end_timestamp = 1810000000, type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 1800000000 }

[cards.a]
# 满100减20
reduce_cost = 2000
card_type = "CASH"

[cards.a.advanced_info]
time_limit = [
  { end_hour = 20, type = "SATURDAY", begin_hour = 10 },
]
"#;

    /// A card's own keys follow the spec's type-field table, whatever order they were
    /// written in: `card_type`, the type's fields, then the nested tables.
    #[test]
    fn card_keys_follow_the_type_field_table() {
        let names: Vec<&str> = TYPE_FIELDS.iter().map(|f| f.name).collect();
        let mut src = String::from("[cards.a]\nlifecycle = { prevent_destroy = true }\n");
        for name in names.iter().rev() {
            src.push_str(&format!("{name} = 1\n"));
        }
        src.push_str("card_type = \"GIFT\"\n");
        let out = format_card_file(&src).expect("formats");
        same_data(&src, &out);
        let keys: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k))
            .collect();
        let mut want = vec!["card_type"];
        want.extend(&names);
        want.push("lifecycle");
        assert_eq!(keys, want, "{out}");
    }

    #[test]
    fn canonical_order_comments_kept_and_stable() {
        let out = format_card_file(MESSY).expect("formats");
        same_data(MESSY, &out);
        insta::assert_snapshot!(out);
        assert_eq!(format_card_file(&out).expect("formats again"), out);
    }

    /// Every card file in the repository (examples and test fixtures, valid or not):
    /// formatting keeps its data and is stable.
    #[test]
    fn every_card_file_in_the_repository_keeps_its_meaning() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![root.join("examples"), root.join("tests/fixtures")];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let in_cards = path.parent().is_some_and(|p| p.ends_with("cards"));
                if !in_cards || path.extension().is_none_or(|x| x != "toml") {
                    continue;
                }
                // Fixtures include files that are not UTF-8 (fmt reports those).
                let Ok(src) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(out) = format_card_file(&src) else {
                    continue; // not TOML: fmt leaves it alone (tested in tests/it)
                };
                if toml::from_str::<toml::Value>(&src).is_ok() {
                    same_data(&src, &out);
                }
                assert_eq!(
                    format_card_file(&out).expect("formats again"),
                    out,
                    "{}",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} card files found");
    }

    #[test]
    fn invalid_toml_is_an_error() {
        assert!(format_card_file("[cards.a\n").is_err());
    }
}

#[cfg(test)]
mod idempotence {
    //! `fmt` on any input: a second run changes nothing, the data is kept, and the line
    //! endings come out as the file had them (issue 22, item 7).

    use proptest::prelude::*;

    use super::format_card_file;

    fn stable(src: &str) {
        let once = format_card_file(src).expect("formats");
        let twice = format_card_file(&once).expect("formats again");
        assert_eq!(twice, once, "second run changed the file; input:\n{src:?}");
        let a: toml::Value = toml::from_str(src).expect("input parses");
        let b: toml::Value = toml::from_str(&once).expect("output parses");
        assert_eq!(a, b, "formatting changed the data");
        if src.contains("\r\n") {
            assert!(
                !once.replace("\r\n", "").contains('\n'),
                "a CRLF file came out mixed: {once:?}"
            );
        }
    }

    /// The prober's case: a header comment, a blank line, a multi-line string.
    #[test]
    fn header_comment_blank_line_and_multi_line_string() {
        stable(
            "# header comment\n\n[cards.x]\ncard_type = \"GIFT\"\ngift = \"\"\"\none\n\ntwo\n\"\"\"\n\n[cards.x.base_info]\ntitle = \"t\"\n",
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        stable(
            "#:schema x\r\n\r\n[cards.a.base_info]\r\ntitle = \"t\"  # c\r\n\r\n[cards.a]\r\ncard_type = \"GIFT\"\r\n",
        );
    }

    fn file() -> impl Strategy<Value = String> {
        let header = prop::option::of(prop::sample::select(vec![
            "#:schema ../schema/cards.schema.json\n",
            "# header comment\n",
            "#:schema x\n# and a description\n",
        ]));
        let blank = prop::sample::select(vec!["", "\n", "\n\n", "\n\n\n"]);
        let value = prop::sample::select(vec![
            "\"one line\"",
            "\"\"\"\nmulti\n\nline\n\"\"\"",
            "'''\nliteral\n\n\n'''",
            "\"\"\"one\"\"\"",
        ]);
        let comment = prop::option::of(prop::sample::select(vec![
            "# a comment\n",
            "# two\n# lines\n",
        ]));
        (
            header,
            blank.clone(),
            value,
            comment,
            blank,
            prop::bool::ANY,
            prop::bool::ANY,
        )
            .prop_map(|(header, gap1, value, comment, gap2, base_first, crlf)| {
                let mut s = String::new();
                if let Some(h) = header {
                    s.push_str(h);
                }
                s.push_str(gap1);
                let card = format!("[cards.a]\ngift = {value}\ncard_type = \"GIFT\"\n");
                let base = format!(
                    "{}[cards.a.base_info]\nnotice = {value}\ntitle = \"t\"  # trailing\n",
                    comment.unwrap_or("")
                );
                if base_first {
                    s.push_str(&base);
                    s.push_str(gap2);
                    s.push_str(&card);
                } else {
                    s.push_str(&card);
                    s.push_str(gap2);
                    s.push_str(&base);
                }
                if crlf { s.replace('\n', "\r\n") } else { s }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn fmt_is_idempotent_on_generated_files(src in file()) {
            stable(&src);
        }
    }
}
