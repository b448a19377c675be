//! Field-level diff and classification: which leaves differ, and what each difference
//! costs according to the update-rule table ([`cardform_spec::rules`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::live::absent_default;
use crate::model::Canonical;
use crate::model::wire::LOCAL_PREFIX;
use cardform_spec::rules::{FRIENDS_MAX_END_EXTENSION_SECONDS, UpdateClass, rule_for};

/// One leaf that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// WeChat JSON path (`base_info.notice`).
    pub path: String,
    /// The value now (absent = None).
    pub before: Option<Value>,
    /// The value wanted (absent = None: the field is cleared).
    pub after: Option<Value>,
    /// What this change costs, after direction checks (widening vs narrowing).
    pub class: UpdateClass,
    /// Why: the rule and its source.
    pub rule: String,
}

/// Options that change how a field is classified.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffContext {
    /// Friends coupons (朋友的券) have extra rules: derived titles, 3-month extension cap.
    pub friends: bool,
    /// Friends CASH/GIFT titles are derived by WeChat: never diffed.
    pub title_is_derived: bool,
}

/// What cardform last applied to a card, and which of its fields the files own.
#[derive(Debug, Clone, Copy)]
pub struct Applied<'a> {
    pub content: &'a Canonical,
    /// The paths the files set at the last apply; `None`: every path of `content`.
    pub managed: Option<&'a [String]>,
}

impl<'a> Applied<'a> {
    /// Everything in `content` is owned by the files (a card cardform applied).
    pub fn all(content: &'a Canonical) -> Self {
        Applied {
            content,
            managed: None,
        }
    }

    /// Whether the files set `path` at the last apply (or a parent of it).
    pub fn owns(&self, path: &str) -> bool {
        self.managed.is_none_or(|m| {
            m.iter()
                .any(|p| p == path || crate::model::is_under(path, p))
        })
    }
}

/// Whether cardform models `path` (the rule table covers it); other fields WeChat
/// returns are kept as they came and never compared.
fn is_modeled(path: &str) -> bool {
    cardform_spec::rules::covers(path)
}

/// The value WeChat means at `path` (its documented default when absent).
fn effective<'a>(c: &'a Canonical, path: &str) -> Option<std::borrow::Cow<'a, Value>> {
    match c.get(path) {
        Some(v) => Some(std::borrow::Cow::Borrowed(v)),
        None => absent_default(path).map(std::borrow::Cow::Owned),
    }
}

fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => values_equal(x, y),
        // An absent value equals an empty one: WeChat echoes [] and "" for unset fields.
        (Some(x), None) | (None, Some(x)) => is_empty(x),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Paths cardform compares for a card: everything the files declare, plus what the
/// files set at the last apply and no longer declare (the user removed it). Fields the
/// files never set are WeChat's business (field ownership; absent ≠ changed, reference
/// §15): never compared, so never a reason to update or replace.
fn compared_paths<'a>(
    desired: &'a Canonical,
    applied: Option<Applied<'a>>,
    ctx: DiffContext,
) -> Vec<&'a str> {
    let mut paths: Vec<&str> = desired.keys().map(String::as_str).collect();
    if let Some(applied) = applied {
        for k in applied.content.keys() {
            if !desired.contains_key(k) && applied.owns(k) && is_modeled(k) {
                paths.push(k);
            }
        }
    }
    paths.sort_unstable();
    paths.dedup();
    paths.retain(|p| !(ctx.title_is_derived && *p == "base_info.title"));
    paths
}

/// The changes that turn `live` into `desired`.
///
/// # Guarantees
/// Only paths the files declare, or set at the last apply (`applied`'s owned paths),
/// are compared: no change is ever planned for a field the files never mentioned. A
/// removed field means WeChat's default where one is documented, so a removed field
/// that WeChat already holds at its default is no change.
pub fn diff(
    desired: &Canonical,
    live: &Canonical,
    applied: Option<Applied<'_>>,
    ctx: DiffContext,
) -> (Vec<FieldChange>, usize) {
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for path in compared_paths(desired, applied, ctx) {
        let want = effective(desired, path);
        let have = effective(live, path);
        if same(want.as_deref(), have.as_deref()) {
            unchanged += 1;
            continue;
        }
        let (class, rule) = classify(path, have.as_deref(), want.as_deref(), ctx);
        changes.push(FieldChange {
            path: path.to_string(),
            before: have.map(|c| c.into_owned()),
            after: want.map(|c| c.into_owned()),
            class,
            rule,
        });
    }
    (changes, unchanged)
}

/// Differences between what cardform last applied and what WeChat now reports:
/// changes made outside cardform.
/// Only owned, modeled paths count: a field the files never set is WeChat's to change.
pub fn drift(applied: Applied<'_>, live: &Canonical, ctx: DiffContext) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (path, was) in applied.content.iter() {
        if !applied.owns(path) || !is_modeled(path) {
            continue;
        }
        if crate::model::is_under(path, LOCAL_PREFIX)
            || (ctx.title_is_derived && path == "base_info.title")
        {
            continue;
        }
        if crate::model::pending::is_pending(was) {
            continue;
        }
        let now = effective(live, path);
        if !same(Some(was), now.as_deref()) {
            let (class, rule) = classify(path, Some(was), now.as_deref(), ctx);
            out.push(FieldChange {
                path: path.clone(),
                before: Some(was.clone()),
                after: now.map(|c| c.into_owned()),
                class,
                rule,
            });
        }
    }
    out
}

/// Classifies one changed field: the table's class, with the direction checks the
/// table cannot express (validity may only widen; friends coupons extend ≤ 3 months).
pub fn classify(
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    ctx: DiffContext,
) -> (UpdateClass, String) {
    let rule = rule_for(path);
    let base = format!("{} ({})", rule.class.as_str(), rule.note);
    if rule.class != UpdateClass::WidenOnly {
        return (rule.class, base);
    }
    let (Some(old), Some(new)) = (
        before.and_then(Value::as_i64),
        after.and_then(Value::as_i64),
    ) else {
        return (UpdateClass::InPlace, format!("in place ({})", rule.note));
    };
    if path.ends_with("begin_timestamp") {
        if new <= old {
            (
                UpdateClass::InPlace,
                "in place: the validity window widens (begin moves earlier)".into(),
            )
        } else {
            (UpdateClass::Replace, "forces replacement: begin moves later, narrowing the validity window (§4.3 widen only)".into())
        }
    } else if new < old {
        (UpdateClass::Replace, "forces replacement: end moves earlier, narrowing the validity window (§4.3 widen only)".into())
    } else if ctx.friends && new - old > FRIENDS_MAX_END_EXTENSION_SECONDS {
        (
            UpdateClass::Replace,
            "forces replacement: friends coupons may extend end by at most 3 months (§4.3)".into(),
        )
    } else {
        (
            UpdateClass::InPlace,
            "in place: the validity window widens (end moves later)".into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn c(v: Value) -> Canonical {
        Canonical::flatten(&v)
    }

    #[test]
    fn classifies_by_the_table() {
        let desired =
            c(json!({"base_info": {"notice": "new", "service_phone": "1", "brand_name": "x"}}));
        let live = c(
            json!({"base_info": {"notice": "old", "service_phone": "2", "brand_name": "y", "extra": 1}}),
        );
        let (changes, unchanged) = diff(&desired, &live, None, DiffContext::default());
        let classes: Vec<_> = changes.iter().map(|f| (f.path.as_str(), f.class)).collect();
        assert_eq!(
            classes,
            vec![
                ("base_info.brand_name", UpdateClass::Replace),
                ("base_info.notice", UpdateClass::Review),
                ("base_info.service_phone", UpdateClass::InPlace)
            ]
        );
        assert_eq!(unchanged, 0);
    }

    #[test]
    fn absent_live_values_use_wechat_defaults() {
        let desired = c(json!({"base_info": {"get_limit": 50, "location_id_list": []}}));
        let live = c(json!({"base_info": {}}));
        assert!(
            diff(&desired, &live, None, DiffContext::default())
                .0
                .is_empty()
        );
    }

    #[test]
    fn validity_only_widens() {
        let ctx = DiffContext::default();
        let p = "base_info.date_info.end_timestamp";
        assert_eq!(
            classify(p, Some(&json!(100)), Some(&json!(200)), ctx).0,
            UpdateClass::InPlace
        );
        assert_eq!(
            classify(p, Some(&json!(200)), Some(&json!(100)), ctx).0,
            UpdateClass::Replace
        );
        let b = "base_info.date_info.begin_timestamp";
        assert_eq!(
            classify(b, Some(&json!(100)), Some(&json!(50)), ctx).0,
            UpdateClass::InPlace
        );
        assert_eq!(
            classify(b, Some(&json!(100)), Some(&json!(150)), ctx).0,
            UpdateClass::Replace
        );
        let friends = DiffContext {
            friends: true,
            title_is_derived: true,
        };
        let four_months = 120 * 24 * 3600;
        assert_eq!(
            classify(p, Some(&json!(0)), Some(&json!(four_months)), friends).0,
            UpdateClass::Replace
        );
    }

    #[test]
    fn derived_titles_are_never_diffed() {
        let desired = c(json!({"base_info": {"title": "mine"}}));
        let live = c(json!({"base_info": {"title": "满100减10"}}));
        let ctx = DiffContext {
            friends: true,
            title_is_derived: true,
        };
        assert!(diff(&desired, &live, None, ctx).0.is_empty());
    }

    #[test]
    fn drift_is_applied_versus_live() {
        let applied = c(json!({"base_info": {"notice": "a", "service_phone": "1"}}));
        let live = c(json!({"base_info": {"notice": "b", "service_phone": "1"}}));
        let d = drift(Applied::all(&applied), &live, DiffContext::default());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "base_info.notice");
    }

    /// A card adopted with `import`: WeChat's answer is recorded, nothing is owned.
    fn adopted(live: &Canonical) -> Applied<'_> {
        Applied {
            content: live,
            managed: Some(&[]),
        }
    }

    #[test]
    fn fields_the_files_never_set_are_never_compared() {
        // A faithful hand-written file for a card WeChat answers with echoed defaults
        // and fields cardform does not model.
        let live = c(json!({
            "base_info": {"notice": "n", "service_phone": "1", "url_name_type": "URL_NAME_TYPE_RESERVATION",
                "auto_update_new_location": true, "can_share": true},
            "advanced_info": {"share_friends": false, "use_condition": {"can_use_with_other_discount": true}},
        }));
        let desired = c(json!({"base_info": {"notice": "n", "service_phone": "1"}}));
        let (changes, _) = diff(
            &desired,
            &live,
            Some(adopted(&live)),
            DiffContext::default(),
        );
        assert!(changes.is_empty(), "{changes:?}");
        assert!(drift(adopted(&live), &c(json!({})), DiffContext::default()).is_empty());
        // The same state read as "everything owned" (a state written before ownership):
        // unmodeled paths are still never compared, and echoed defaults equal "not set".
        let (changes, _) = diff(
            &desired,
            &live,
            Some(Applied::all(&live)),
            DiffContext::default(),
        );
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["base_info.can_share"]);
        assert_ne!(changes[0].class, UpdateClass::Replace);
    }

    #[test]
    fn a_field_the_files_set_and_then_removed_is_a_change() {
        let applied = c(json!({"base_info": {"notice": "n", "service_phone": "1"}}));
        let live = applied.clone();
        let desired = c(json!({"base_info": {"notice": "n"}}));
        let (changes, _) = diff(
            &desired,
            &live,
            Some(Applied::all(&applied)),
            DiffContext::default(),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "base_info.service_phone");
        assert_eq!(changes[0].after, None);
        // Removing a field WeChat holds at its default changes nothing.
        let applied =
            c(json!({"advanced_info": {"share_friends": false}, "base_info": {"get_limit": 50}}));
        let desired = c(json!({}));
        let (changes, _) = diff(
            &desired,
            &applied,
            Some(Applied::all(&applied)),
            DiffContext::default(),
        );
        assert!(changes.is_empty(), "{changes:?}");
    }
}
