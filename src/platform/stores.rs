//! Per-account stores (门店): an account file's `[stores]` names sets of the
//! merchant's poi_ids (`all = [401234567, 401234568]`), and a template uses one as a
//! whole value, `location_id_list = "${stores.all}"`, without declaring a variable:
//! `stores.` is a namespace of its own, reserved (a `[variables.stores]` is an error).
//!
//! The template is checked on its own (a set used inside other text, a set without a
//! name or with a bad one: errors at the template's line:col); each instance is checked
//! against its account's sets (a set the account lacks: an error at the account file's
//! `[templates.<name>]`, naming where the template uses it). A set an account defines
//! and no template uses is fine (`accounts import` writes `all` for every merchant).
//! The plan then checks the ids against the account's stores on WeChat
//! (`card/location/batchget`, `crate::plan::stores`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::config::Diagnostic;
use crate::i18n::tr;

use super::files::{StoreIds, TEMPLATES_DIR, is_valid_store_set_name};

/// The namespace of store sets in placeholders: `${stores.<set>}`.
pub const NAMESPACE: &str = "stores";

/// The set a placeholder's variable names, when it is in the stores namespace
/// (`stores.all` → `all`; a bare `stores` → an empty set name).
pub fn set_of(var: &str) -> Option<&str> {
    if var == NAMESPACE {
        return Some("");
    }
    var.strip_prefix(NAMESPACE)?.strip_prefix('.')
}

/// What is wrong with a placeholder `${<var>}` of the stores namespace in a template,
/// if anything: (message, help). `alone`: the placeholder is the whole string.
pub fn check_use(var: &str, alone: bool) -> Option<(String, String)> {
    let set = set_of(var)?;
    if set.is_empty() {
        return Some((tr!("pf-st-no-set"), tr!("pf-st-no-set-help")));
    }
    if !is_valid_store_set_name(set) {
        return Some((
            tr!("pf-st-set-name", name = set),
            tr!("pf-st-set-name-help"),
        ));
    }
    if !alone {
        return Some((
            tr!("pf-st-splice", name = set),
            tr!("pf-st-splice-help", name = set),
        ));
    }
    None
}

/// The TOML literal of a set of store ids, on one line (an instance keeps every line
/// of its template).
pub fn literal(ids: &StoreIds) -> String {
    let ids: Vec<String> = ids.0.iter().map(u64::to_string).collect();
    format!("[{}]", ids.join(", "))
}

/// The names of an account's sets, for messages.
pub fn known(stores: &BTreeMap<String, StoreIds>) -> String {
    if stores.is_empty() {
        tr!("pf-none")
    } else {
        stores.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Every `[stores]` set of an account file (`text`, named `rel`) whose name breaks the
/// rule, at its key (the schema's `propertyNames` errors are left to the loaders).
pub fn check_set_names(rel: &Path, text: &str, diags: &mut Vec<Diagnostic>) {
    let Ok(tree) = toml::de::DeTable::parse(text) else {
        return;
    };
    let Some(sets) = tree
        .get_ref()
        .get(NAMESPACE)
        .and_then(|v| v.get_ref().as_table())
    else {
        return;
    };
    for key in sets.keys() {
        if !is_valid_store_set_name(key.get_ref()) {
            let (l, c) = crate::config::source::line_col(text, key.span().start);
            diags.push(
                Diagnostic::error(rel, tr!("pf-st-set-name", name = key.get_ref()))
                    .at(l, c)
                    .with_help(tr!("pf-st-set-name-help")),
            );
        }
    }
}

/// A problem of an account's own card file (`cards/*.toml`, relative to the account's
/// folder `account_dir`) on a line holding `${stores.`: an account's own cards are
/// plain card files (as in a one-account project), so the placeholder stays text and
/// the schema refuses it; the help says so (only on this error path is the file read
/// again).
pub fn hint_own_card(mut d: Diagnostic, account_dir: &Path) -> Diagnostic {
    if d.line == 0 || d.file.starts_with(TEMPLATES_DIR) {
        return d;
    }
    let Ok(text) = std::fs::read_to_string(account_dir.join(&d.file)) else {
        return d;
    };
    if text
        .lines()
        .nth(d.line - 1)
        .is_some_and(|l| l.contains("${stores"))
    {
        d.help = Some(tr!("pf-st-card-hint"));
    }
    d
}

/// What `cardform accounts import` read of a merchant's stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedStores {
    /// The poi_ids `card/location/batchget` listed (maybe none).
    Ids(Vec<u64>),
    /// The listing failed (why).
    Failed(String),
}

/// The `[stores]` part of a new account file: `all` with the ids and a comment saying
/// where they came from; a comment only when the merchant has none or they could not
/// be read. `date` is the import's day (YYYY-MM-DD).
pub fn import_toml(stores: &ImportedStores, date: &str) -> String {
    let mut out = String::new();
    match stores {
        ImportedStores::Ids(ids) if !ids.is_empty() => {
            let _ = writeln!(out, "\n# {}", tr!("pf-st-import-comment", date = date));
            let set = StoreIds(ids.clone());
            let _ = writeln!(out, "[stores]\nall = {}", literal(&set));
        }
        ImportedStores::Ids(_) => {
            let _ = writeln!(out, "\n# {}", tr!("pf-st-import-none", date = date));
            let _ = writeln!(out, "# [stores]\n# all = [poi_id, …]");
        }
        ImportedStores::Failed(why) => {
            let why = why.replace(['\n', '\r'], " ");
            let _ = writeln!(out, "\n# {}", tr!("pf-st-import-failed", error = why));
            let _ = writeln!(out, "# [stores]\n# all = [poi_id, …]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_is_recognised() {
        assert_eq!(set_of("stores.all"), Some("all"));
        assert_eq!(set_of("stores"), Some(""));
        assert_eq!(set_of("storesx"), None);
        assert_eq!(set_of("brand"), None);
        assert!(check_use("stores.all", true).is_none());
        assert!(check_use("stores.all", false).is_some());
        assert!(check_use("stores", true).is_some());
        assert!(check_use("stores.Bad", true).is_some());
        assert!(check_use("brand", false).is_none());
    }

    #[test]
    fn import_writes_a_set_or_says_why_not() {
        let t = import_toml(&ImportedStores::Ids(vec![2, 1]), "2026-12-07");
        let parsed: toml::Table = toml::from_str(&t).expect("valid toml");
        assert_eq!(
            parsed["stores"]["all"].as_array().map(Vec::len),
            Some(2),
            "{t}"
        );
        assert!(t.contains("card/location/batchget"), "{t}");
        for none in [
            import_toml(&ImportedStores::Ids(vec![]), "2026-12-07"),
            import_toml(&ImportedStores::Failed("boom\nx".into()), "2026-12-07"),
        ] {
            let parsed: toml::Table = toml::from_str(&none).expect("valid toml");
            assert!(parsed.is_empty(), "{none}");
            assert!(none.contains("# [stores]"), "{none}");
        }
    }
}
