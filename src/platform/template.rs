//! Card templates: a card declared once in `templates/<name>.toml` and instantiated by
//! each account that lists it under `[templates.<name>]` with its own values.
//!
//! A template is a card file plus `[variables.<var>]` tables (`description`, `default`).
//! Anywhere under `cards`, a string that is exactly `"${var}"` becomes the account's value
//! with its own type (a number stays a number, an inline table a table); a string that
//! contains `${var}` among other text gets the value spliced in (`$${` writes `${`).
//!
//! The instance is the template's text with the `[variables…]` lines blanked and each
//! placeholder string replaced by the value's literal, so every line of the instance is
//! the template's line: the card checks report `templates/<name>.toml:line:col`.
//!
//! `"${stores.<set>}"` takes the account's `[stores]` set (`super::stores`) without a
//! declared variable.

use crate::i18n::tr;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::config::Diagnostic;
use crate::config::source::line_col;

use super::files::{StoreIds, TEMPLATES_DIR};
use super::stores;

/// A declared variable.
#[derive(Debug, Clone)]
struct VarDef {
    /// The default's TOML literal, as written.
    default: Option<Value>,
}

/// A value given to a variable: its TOML literal and, for scalars, its text for splicing.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub literal: String,
    pub scalar: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Var(String),
}

/// A string of the template holding placeholders.
#[derive(Debug, Clone)]
struct Use {
    span: Range<usize>,
    pieces: Vec<Piece>,
}

/// A loaded, checked template.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    /// `templates/<name>.toml`, relative to the platform root.
    pub rel: PathBuf,
    /// The text with the variables' lines blanked.
    text: String,
    vars: BTreeMap<String, VarDef>,
    uses: Vec<Use>,
}

/// One account's values for one template: variable → value, and where the account
/// wrote each (line, column) for messages.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub values: BTreeMap<String, (Value, (usize, usize))>,
    /// Where `[templates.<name>]` is written in the account file.
    pub at: (usize, usize),
}

impl Template {
    /// Parses `templates/<name>.toml`; problems go to `diags` (and give `None`).
    pub fn parse(name: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Template> {
        let rel = Path::new(TEMPLATES_DIR).join(format!("{name}.toml"));
        let before = diags.len();
        let tree = match DeTable::parse(text) {
            Ok(t) => t,
            Err(e) => {
                let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                diags.push(
                    Diagnostic::error(&rel, tr!("pf-tpl-syntax", error = e.message().trim()))
                        .at(line, col),
                );
                return None;
            }
        };
        let mut vars = BTreeMap::new();
        for (key, value) in tree.get_ref() {
            match &**key.get_ref() {
                "cards" => {}
                "variables" => read_vars(&rel, text, value, &mut vars, diags),
                other => {
                    let (line, col) = line_col(text, key.span().start);
                    diags.push(
                        Diagnostic::error(&rel, tr!("pf-tpl-unknown-key", key = other))
                            .at(line, col)
                            .with_help(tr!("pf-tpl-unknown-key-help")),
                    );
                }
            }
        }
        let blanked = blank_variables(text);
        let mut uses = Vec::new();
        match DeTable::parse(&blanked) {
            Ok(t) => {
                if t.get_ref().contains_key("variables") {
                    diags.push(
                        Diagnostic::error(&rel, tr!("pf-tpl-vars-inline"))
                            .at(1, 1)
                            .with_help(tr!("pf-tpl-vars-inline-help")),
                    );
                }
                if let Some(cards) = t.get_ref().get("cards") {
                    collect_uses(cards, &mut uses);
                }
            }
            Err(_) => diags.push(Diagnostic::error(&rel, tr!("pf-tpl-vars-inside")).at(1, 1)),
        }
        for u in &uses {
            for p in &u.pieces {
                if let Piece::Var(v) = p
                    && stores::set_of(v).is_some()
                {
                    if let Some((message, help)) = stores::check_use(v, u.pieces.len() == 1) {
                        let (line, col) = line_col(text, u.span.start);
                        diags.push(
                            Diagnostic::error(&rel, message)
                                .at(line, col)
                                .with_help(help),
                        );
                    }
                    continue;
                }
                if let Piece::Var(v) = p
                    && !vars.contains_key(v)
                {
                    let (line, col) = line_col(text, u.span.start);
                    let known: Vec<&str> = vars.keys().map(String::as_str).collect();
                    diags.push(
                        Diagnostic::error(&rel, tr!("pf-tpl-unknown-var", name = v))
                            .at(line, col)
                            .with_help(tr!(
                                "pf-tpl-unknown-var-help",
                                name = v,
                                known = if known.is_empty() {
                                    tr!("pf-none")
                                } else {
                                    known.join(", ")
                                }
                            )),
                    );
                }
            }
        }
        if diags.len() > before {
            return None;
        }
        Some(Template {
            name: name.to_string(),
            rel,
            text: blanked,
            vars,
            uses,
        })
    }

    /// The variables a use needs that have no default.
    pub fn required(&self) -> impl Iterator<Item = &str> {
        self.vars
            .iter()
            .filter(|(_, d)| d.default.is_none())
            .map(|(k, _)| k.as_str())
    }

    /// The store sets the template uses (`${stores.<set>}`).
    pub fn store_sets(&self) -> std::collections::BTreeSet<&str> {
        self.uses
            .iter()
            .flat_map(|u| &u.pieces)
            .filter_map(|p| match p {
                Piece::Var(v) => stores::set_of(v),
                Piece::Text(_) => None,
            })
            .collect()
    }

    pub fn declares(&self, var: &str) -> bool {
        self.vars.contains_key(var)
    }

    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// The instance's text for `instance` (named, in diagnostics, by the account file
    /// `account_rel`), with `stores` the account's `[stores]` sets; a missing, unknown
    /// or unsplicable variable, and a store set the account lacks, is reported there.
    pub fn instantiate(
        &self,
        account_rel: &Path,
        instance: &Instance,
        stores: &BTreeMap<String, StoreIds>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let before = diags.len();
        self.check_store_sets(account_rel, instance, stores, diags);
        for (var, (_, (line, col))) in &instance.values {
            if !self.vars.contains_key(var) {
                let known: Vec<&str> = self.variables().collect();
                diags.push(
                    Diagnostic::error(
                        account_rel,
                        tr!("pf-tpl-no-var", template = self.name, name = var),
                    )
                    .at(*line, *col)
                    .with_help(tr!(
                        "pf-tpl-no-var-help",
                        known = if known.is_empty() {
                            tr!("pf-none")
                        } else {
                            known.join(", ")
                        },
                        file = self.rel.display()
                    )),
                );
            }
        }
        let value_of = |var: &str| -> Option<&Value> {
            instance
                .values
                .get(var)
                .map(|(v, _)| v)
                .or_else(|| self.vars.get(var).and_then(|d| d.default.as_ref()))
        };
        for var in self.vars.keys() {
            if value_of(var).is_none() {
                let used = self
                    .uses
                    .iter()
                    .find(|u| u.pieces.contains(&Piece::Var(var.clone())));
                let where_used = used
                    .map(|u| {
                        let (l, c) = line_col(&self.text, u.span.start);
                        tr!(
                            "pf-tpl-used-at",
                            file = self.rel.display(),
                            line = l,
                            col = c
                        )
                    })
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        account_rel,
                        tr!(
                            "pf-tpl-needs",
                            template = self.name,
                            name = var,
                            used = where_used
                        ),
                    )
                    .at(instance.at.0, instance.at.1)
                    .with_help(tr!(
                        "pf-tpl-needs-help",
                        name = var,
                        template = self.name
                    )),
                );
            }
        }
        let mut out = self.text.clone();
        for u in self.uses.iter().rev() {
            let replacement = match u.pieces.as_slice() {
                [Piece::Var(v)] if stores::set_of(v).is_some() => {
                    match stores::set_of(v).and_then(|set| stores.get(set)) {
                        Some(ids) => stores::literal(ids),
                        None => continue,
                    }
                }
                [Piece::Var(v)] => match value_of(v) {
                    Some(val) => val.literal.clone(),
                    None => continue,
                },
                pieces => {
                    let mut s = String::new();
                    for p in pieces {
                        match p {
                            Piece::Text(t) => s.push_str(t),
                            Piece::Var(v) => match value_of(v).map(|val| val.scalar.as_deref()) {
                                Some(Some(text)) => s.push_str(text),
                                Some(None) => {
                                    let (line, col) =
                                        instance.values.get(v).map_or(instance.at, |(_, at)| *at);
                                    diags.push(
                                        Diagnostic::error(
                                            account_rel,
                                            tr!(
                                                "pf-tpl-splice",
                                                name = v,
                                                template = self.name,
                                                file = self.rel.display()
                                            ),
                                        )
                                        .at(line, col)
                                        .with_help(tr!("pf-tpl-splice-help")),
                                    );
                                }
                                None => {}
                            },
                        }
                    }
                    serde_json::to_string(&s).unwrap_or_default()
                }
            };
            out.replace_range(u.span.clone(), &replacement);
        }
        (diags.len() == before).then_some(out)
    }
}

impl Template {
    /// Every store set the template uses that `stores` lacks: an error at the account's
    /// `[templates.<name>]`, naming the template's first use of the set.
    fn check_store_sets(
        &self,
        account_rel: &Path,
        instance: &Instance,
        stores: &BTreeMap<String, StoreIds>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut first_use: BTreeMap<&str, &Use> = BTreeMap::new();
        for u in &self.uses {
            for p in &u.pieces {
                if let Piece::Var(v) = p
                    && let Some(set) = stores::set_of(v)
                {
                    first_use.entry(set).or_insert(u);
                }
            }
        }
        for (set, u) in first_use {
            if stores.contains_key(set) {
                continue;
            }
            let (l, c) = line_col(&self.text, u.span.start);
            diags.push(
                Diagnostic::error(
                    account_rel,
                    tr!(
                        "pf-st-missing",
                        template = self.name,
                        name = set,
                        used = tr!(
                            "pf-tpl-used-at",
                            file = self.rel.display(),
                            line = l,
                            col = c
                        )
                    ),
                )
                .at(instance.at.0, instance.at.1)
                .with_help(tr!(
                    "pf-st-missing-help",
                    name = set,
                    known = stores::known(stores)
                )),
            );
        }
    }
}

/// The value at `span` of `text` as a template variable's value.
pub fn value_at(text: &str, value: &DeValue<'_>, span: Range<usize>) -> Value {
    let literal = text.get(span).unwrap_or("\"\"").to_string();
    let scalar = match value {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {
            Some(literal.replace('_', ""))
        }
        DeValue::Array(_) | DeValue::Table(_) => None,
    };
    Value { literal, scalar }
}

fn read_vars(
    rel: &Path,
    text: &str,
    value: &toml::Spanned<DeValue<'_>>,
    vars: &mut BTreeMap<String, VarDef>,
    diags: &mut Vec<Diagnostic>,
) {
    let at = |off: usize| line_col(text, off);
    let Some(table) = value.get_ref().as_table() else {
        let (l, c) = at(value.span().start);
        diags.push(Diagnostic::error(rel, tr!("pf-tpl-vars-table")).at(l, c));
        return;
    };
    for (name, def) in table {
        let var = name.get_ref().to_string();
        if var == stores::NAMESPACE {
            let (l, c) = at(name.span().start);
            diags.push(
                Diagnostic::error(rel, tr!("pf-st-reserved"))
                    .at(l, c)
                    .with_help(tr!("pf-st-reserved-help")),
            );
            continue;
        }
        if !crate::config::is_valid_address(&var) {
            let (l, c) = at(name.span().start);
            diags.push(Diagnostic::error(rel, tr!("pf-tpl-var-name", name = var)).at(l, c));
            continue;
        }
        let mut d = VarDef { default: None };
        match def.get_ref().as_table() {
            Some(t) => {
                for (k, v) in t {
                    match &**k.get_ref() {
                        "description" if v.get_ref().as_str().is_some() => {}
                        "default" => d.default = Some(value_at(text, v.get_ref(), v.span())),
                        other => {
                            let (l, c) = at(k.span().start);
                            diags.push(
                                Diagnostic::error(
                                    rel,
                                    tr!("pf-tpl-var-key", name = var, key = other),
                                )
                                .at(l, c)
                                .with_help(tr!("pf-tpl-var-key-help")),
                            );
                        }
                    }
                }
            }
            None => {
                let (l, c) = at(def.span().start);
                diags.push(
                    Diagnostic::error(rel, tr!("pf-tpl-var-table", name = var))
                        .at(l, c)
                        .with_help(tr!("pf-tpl-var-table-help", name = var)),
                );
            }
        }
        vars.insert(var, d);
    }
}

/// `text` with every line of `[variables]` / `[variables.*]` tables turned into spaces
/// (byte offsets and lines unchanged).
fn blank_variables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('[') {
            let header = t.trim_start_matches('[').trim_start();
            inside = !t.starts_with("[[")
                && (header.starts_with("variables]")
                    || header.starts_with("variables.")
                    || header.starts_with("variables ]"));
        }
        if inside {
            // One space per byte: a non-ASCII character (a Chinese default) keeps its
            // bytes, so every span of the blanked text is the same in `text`.
            for c in line.chars() {
                if c == '\n' || c == '\r' {
                    out.push(c);
                } else {
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

fn collect_uses(value: &toml::Spanned<DeValue<'_>>, uses: &mut Vec<Use>) {
    match value.get_ref() {
        DeValue::String(s) if s.contains("${") => {
            uses.push(Use {
                span: value.span(),
                pieces: pieces(s),
            });
        }
        DeValue::Table(t) => t.values().for_each(|v| collect_uses(v, uses)),
        DeValue::Array(a) => a.iter().for_each(|v| collect_uses(v, uses)),
        _ => {}
    }
    uses.sort_by_key(|u| u.span.start);
}

/// `a ${x} b` → text, var, text; `$${` is a literal `${`; an unclosed `${` is text.
fn pieces(s: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        if rest[..i].ends_with('$') {
            text.push_str(&rest[..i - 1]);
            text.push_str("${");
            rest = &rest[i + 2..];
            continue;
        }
        let Some(end) = rest[i + 2..].find('}') else {
            break;
        };
        text.push_str(&rest[..i]);
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Var(rest[i + 2..i + 2 + end].trim().to_string()));
        rest = &rest[i + 3 + end..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = r#"[variables.brand]
description = "the merchant's name"
[variables.quantity]
default = 100

[cards.spring_cash]
card_type = "CASH"
title = "${brand} spring"
quantity = "${quantity}"
"#;

    fn inst(values: &[(&str, &str)]) -> Instance {
        let mut i = Instance {
            at: (3, 1),
            ..Instance::default()
        };
        for (k, lit) in values {
            let text = format!("v = {lit}");
            let tree = DeTable::parse(&text).expect("parses").into_inner();
            let v = tree.get("v").expect("v");
            i.values.insert(
                k.to_string(),
                (value_at(&text, v.get_ref(), v.span()), (4, 1)),
            );
        }
        i
    }

    #[test]
    fn placeholders_keep_lines_and_types() {
        let mut d = Vec::new();
        let t = Template::parse("spring", T, &mut d).expect("parses");
        assert!(d.is_empty(), "{d:?}");
        let out = t
            .instantiate(
                Path::new("accounts/a/account.toml"),
                &inst(&[("brand", "\"Tea \\\"Co\\\"\"")]),
                &BTreeMap::new(),
                &mut d,
            )
            .expect("instance");
        assert_eq!(out.lines().count(), T.lines().count());
        let parsed: toml::Table = toml::from_str(&out).expect("valid toml");
        let card = &parsed["cards"]["spring_cash"];
        assert_eq!(card["title"].as_str(), Some("Tea \"Co\" spring"));
        assert_eq!(card["quantity"].as_integer(), Some(100));
        assert!(!parsed.contains_key("variables"));
        let out = t
            .instantiate(
                Path::new("a.toml"),
                &inst(&[("brand", "\"X\""), ("quantity", "7")]),
                &BTreeMap::new(),
                &mut d,
            )
            .expect("instance");
        let parsed: toml::Table = toml::from_str(&out).expect("valid toml");
        assert_eq!(
            parsed["cards"]["spring_cash"]["quantity"].as_integer(),
            Some(7)
        );
    }

    #[test]
    fn missing_and_unknown_variables_are_located() {
        let mut d = Vec::new();
        let t = Template::parse("spring", T, &mut d).expect("parses");
        let r = t.instantiate(
            Path::new("accounts/a/account.toml"),
            &inst(&[("colour", "\"red\"")]),
            &BTreeMap::new(),
            &mut d,
        );
        assert!(r.is_none());
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|m| m.starts_with("accounts/a/account.toml:4:1")
                    && m.contains("no variable `colour`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|m| m.starts_with("accounts/a/account.toml:3:1")
                    && m.contains(
                        "needs a value for variable `brand` (used at templates/spring.toml:8:9)"
                    )),
            "{text:?}"
        );
    }

    #[test]
    fn undeclared_placeholder_in_a_template_is_located() {
        let mut d = Vec::new();
        let bad = "[cards.a]\ncard_type = \"CASH\"\ntitle = \"${nope}\"\n";
        assert!(Template::parse("t", bad, &mut d).is_none());
        assert_eq!(d.len(), 1);
        assert!(
            d[0].to_string()
                .starts_with("templates/t.toml:3:9: unknown variable `nope`"),
            "{}",
            d[0]
        );
    }

    const FRIENDS: &str = r#"[variables.brand]
default = "Tea"

[cards.gift]
card_type = "CASH"
title = "${brand}"
location_id_list = "${stores.downtown}"
other = ["${stores.all}"]
"#;

    fn sets(list: &[(&str, &[u64])]) -> BTreeMap<String, StoreIds> {
        list.iter()
            .map(|(k, v)| (k.to_string(), StoreIds(v.to_vec())))
            .collect()
    }

    #[test]
    fn store_sets_become_the_accounts_arrays() {
        let mut d = Vec::new();
        let t = Template::parse("friends", FRIENDS, &mut d).expect("parses");
        assert!(d.is_empty(), "{d:?}");
        let out = t
            .instantiate(
                Path::new("accounts/a/account.toml"),
                &inst(&[]),
                &sets(&[("downtown", &[401234567]), ("all", &[401234567, 9])]),
                &mut d,
            )
            .expect("instance");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(out.lines().count(), FRIENDS.lines().count());
        let parsed: toml::Table = toml::from_str(&out).expect("valid toml");
        let card = &parsed["cards"]["gift"];
        assert_eq!(
            card["location_id_list"].as_array().map(|a| a
                .iter()
                .filter_map(toml::Value::as_integer)
                .collect::<Vec<_>>()),
            Some(vec![401234567])
        );
        assert_eq!(card["other"][0].as_array().map(Vec::len), Some(2));
        assert_eq!(
            t.store_sets().into_iter().collect::<Vec<_>>(),
            vec!["all", "downtown"]
        );
    }

    #[test]
    fn a_store_set_the_account_lacks_names_the_template_and_the_account() {
        let mut d = Vec::new();
        let t = Template::parse("friends", FRIENDS, &mut d).expect("parses");
        let r = t.instantiate(
            Path::new("accounts/a/account.toml"),
            &inst(&[]),
            &sets(&[("all", &[1])]),
            &mut d,
        );
        assert!(r.is_none());
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 1, "{text:?}");
        assert!(
            text[0].starts_with("accounts/a/account.toml:3:1: template `friends` uses store set `downtown` (used at templates/friends.toml:7:20)"),
            "{text:?}"
        );
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.contains("[stores]") && h.contains("all")),
            "{:?}",
            d[0].help
        );
    }

    #[test]
    fn bad_store_placeholders_are_template_errors() {
        let mut d = Vec::new();
        let bad = "[variables.stores]\ndefault = 1\n\n[cards.a]\ncard_type = \"CASH\"\ntitle = \"at ${stores.all}\"\nx = \"${stores}\"\ny = \"${stores.Down}\"\n";
        assert!(Template::parse("t", bad, &mut d).is_none());
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        for (place, what) in [
            ("templates/t.toml:1:12", "reserved"),
            ("templates/t.toml:6:9", "cannot be spliced"),
            ("templates/t.toml:7:5", "names no set"),
            ("templates/t.toml:8:5", "store set name `Down`"),
        ] {
            assert!(
                text.iter()
                    .any(|m| m.starts_with(place) && m.contains(what)),
                "{place} {what}: {text:?}"
            );
        }
    }

    #[test]
    fn a_non_ascii_default_keeps_the_columns_of_later_lines() {
        let mut d = Vec::new();
        let t = "[variables.brand]\ndefault = \"卡式咖啡\"\n\n[cards.a]\ntitle = \"${nope}\"\nx = \"${stores}\"\n";
        assert!(Template::parse("t", t, &mut d).is_none());
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|m| m.starts_with("templates/t.toml:5:9: unknown variable `nope`")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|m| m.starts_with("templates/t.toml:6:5:")),
            "{text:?}"
        );
        assert_eq!(blank_variables(t).len(), t.len());
    }

    #[test]
    fn pieces_split_and_escape() {
        assert_eq!(
            pieces("a ${x} $${y} ${ z }"),
            vec![
                Piece::Text("a ".into()),
                Piece::Var("x".into()),
                Piece::Text(" ${y} ".into()),
                Piece::Var("z".into())
            ]
        );
    }
}
