//! `card/update` (reference §4): which fields WeChat refuses and which send the card
//! back to review come from the ONE table of WeChat facts, `cardform_spec::rules`,
//! which the planner reads too. So a test where the planner predicts review and the
//! emulator agrees shows only that both read the row; what shows the row is right comes
//! from outside: the recorded real bodies (`tests/it/recorded_contract.rs`), the
//! wechatpy witness, and WeChat's real `send_check` answers kept at apply and weighed
//! per row by `cardform rules --evidence` (each row says its basis: doc, sample or
//! UNVERIFIED).
//!
//! - The body is `{"card_id", "<lower-case type>": {…changed fields…}}`; another type
//!   key → 47001 (§4.1 "Body wrapper key").
//! - Every sent leaf is looked up: a class that is not `updatable()` (replace, stock,
//!   unknown fields) → 47001 naming the field (§4.4: brand_name, title on coupons,
//!   type amounts, sku).
//! - `date_info` may only widen, keep its type, and (friends) extend the end by at most
//!   three months; otherwise WeChat's DateInfo message (§4.3). Its errcode is
//!   UNVERIFIED; the emulator answers 40100 (invalid time range).
//! - A changed value on a `Review` field → `send_check: true` and
//!   `CARD_STATUS_NOT_VERIFY`; otherwise `send_check: false`. Sending a field with its
//!   current value changes nothing and does not trigger review.
//! - The merged card is re-validated with the create tables (structure, enums);
//!   lengths, palette colours and image URLs only on the sent fields, so a legacy
//!   value an old card holds does not block an update of another field (UNVERIFIED,
//!   `fields::Scope`).

use serde_json::{Map, Value, json};

use super::cards::check_share_cards;
use super::fields::{Stage, normalise_date_type, validate_card};
use super::persistence::Entry;
use super::records::{CardCore, CardRecord};
use super::reply::{ApiError, as_u64, card_id_of, ok};
use super::request::Input;
use super::world::World;
use cardform_spec::CardType;
use cardform_spec::fields::FIX_TERM;
use cardform_spec::rules::{FRIENDS_MAX_END_EXTENSION_SECONDS, UpdateClass, rule_for};

/// WeChat's message for a date_info change it refuses (reference §4.3, COMM-DATE).
pub const DATE_INFO_MESSAGE: &str = "invalid DateInfo, Make Sure OldDateInfoType==NewDateInfoType && NewBeginTime<=OldBeginTime && OldEndTime<= NewEndTime";
/// The errcode sent with it (UNVERIFIED; emulator choice).
pub const DATE_INFO_ERRCODE: i64 = 40100;

const DATE_PATH: &str = "base_info.date_info";

/// Collects the leaf paths of `v` (objects are descended, lists are leaves).
fn leaves(prefix: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&path, child, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, key| cur.get(key))
}

/// Objects merge key by key; everything else (lists included) is replaced whole.
fn merge(into: &mut Value, patch: &Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

fn date_error() -> ApiError {
    ApiError::verbatim(DATE_INFO_ERRCODE, DATE_INFO_MESSAGE)
}

/// Checks a date_info patch against the stored one (widen only, same type).
fn check_dates(old: &Value, new: &Value, friends: bool) -> Result<(), ApiError> {
    let new = new
        .as_object()
        .ok_or_else(|| ApiError::with(47001, "base_info.date_info must be an object"))?;
    let old_type = old.get("type").and_then(normalise_date_type);
    if let Some(t) = new.get("type")
        && normalise_date_type(t) != old_type
    {
        return Err(date_error());
    }
    // FIX_TERM terms are not modifiable (reference §4.3, DATE-FT).
    if old_type == Some(FIX_TERM)
        || new.contains_key("fixed_term")
        || new.contains_key("fixed_begin_term")
    {
        return Err(date_error());
    }
    let num = |m: &Map<String, Value>, k: &str| -> Result<Option<u64>, ApiError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => as_u64(v).map(Some).ok_or_else(|| {
                ApiError::with(
                    47001,
                    format!("base_info.date_info.{k} must be Unix seconds"),
                )
            }),
        }
    };
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let (old_begin, old_end) = (num(old, "begin_timestamp")?, num(old, "end_timestamp")?);
    let (new_begin, new_end) = (num(new, "begin_timestamp")?, num(new, "end_timestamp")?);
    if let (Some(n), Some(o)) = (new_begin, old_begin)
        && n > o
    {
        return Err(date_error());
    }
    if let (Some(n), Some(o)) = (new_end, old_end) {
        if n < o {
            return Err(date_error());
        }
        if friends && n - o > FRIENDS_MAX_END_EXTENSION_SECONDS as u64 {
            return Err(date_error());
        }
    }
    Ok(())
}

/// The changed fields of a `card/update` body for a card whose type object is under
/// `key`, and the leaf paths it sends.
///
/// # Errors
/// 47001: not an object, a key beside `card_id` and `key` (another type's key named as
/// such, §4.1 "Body wrapper key"), `key` missing or not an object.
fn patch_of<'a>(body: &'a Value, key: &str) -> Result<(&'a Value, Vec<String>), ApiError> {
    let Some(body) = body.as_object() else {
        return Err(ApiError::with(47001, "the body must be an object"));
    };
    for k in body.keys() {
        if k != "card_id" && k != key {
            let is_type_key = CardType::ALL.iter().any(|t| t.wire_key() == k)
                || super::records::SpecialType::ALL
                    .iter()
                    .any(|t| t.wire_key() == k);
            let hint = if is_type_key {
                format!("`{k}` is not this card's type key `{key}`")
            } else {
                format!("unexpected `{k}` beside card_id and `{key}`")
            };
            return Err(ApiError::with(47001, hint));
        }
    }
    let patch = body.get(key).ok_or_else(|| {
        ApiError::with(47001, format!("`{key}` with the changed fields is missing"))
    })?;
    if !patch.is_object() {
        return Err(ApiError::with(47001, format!("`{key}` must be an object")));
    }
    let mut paths = Vec::new();
    leaves("", patch, &mut paths);
    paths.retain(|p| !p.is_empty());
    Ok((patch, paths))
}

/// Whether the sent `paths` of `patch` send the card back to review: `class` says per
/// path whether the field is updatable (`None`: refused with 47001) and whether a new
/// value needs review; `date_info` may only widen ([`check_dates`]). Sending a field
/// with its current value never needs review.
///
/// # Errors
/// 47001 naming a field that cannot be changed; the date error of [`check_dates`].
fn review_needed(
    patch: &Value,
    old: &Value,
    paths: &[String],
    friends: bool,
    class: impl Fn(&str) -> Option<bool>,
) -> Result<bool, ApiError> {
    let mut review = false;
    for path in paths {
        if path == DATE_PATH || path.starts_with(&format!("{DATE_PATH}.")) {
            continue;
        }
        match class(path) {
            None => {
                return Err(ApiError::with(
                    47001,
                    format!("{path} cannot be changed by card/update"),
                ));
            }
            Some(true) if at(patch, path) != at(old, path) => review = true,
            Some(_) => {}
        }
    }
    if let Some(dates) = at(patch, DATE_PATH) {
        check_dates(at(old, DATE_PATH).unwrap_or(&Value::Null), dates, friends)?;
    }
    Ok(review)
}

/// A `card/update` of a card of any kind, checked and merged into the stored per-type
/// object.
pub(crate) struct Merged {
    /// The stored per-type object with the sent fields merged in.
    pub obj: Map<String, Value>,
    /// The sent leaf paths.
    pub paths: Vec<String>,
    /// Whether a new value sends the card back to review.
    pub review: bool,
}

/// Reads the update `body` (the per-type object under `key`), checks each sent field
/// with `class` ([`review_needed`]) and merges it into `card`'s stored object.
///
/// # Errors
/// What [`patch_of`] and [`review_needed`] answer.
pub(crate) fn merge_update(
    body: &Value,
    key: &str,
    card: &CardCore,
    friends: bool,
    class: impl Fn(&str) -> Option<bool>,
) -> Result<Merged, ApiError> {
    let (patch, paths) = patch_of(body, key)?;
    let old = Value::Object(card.body_map());
    let review = review_needed(patch, &old, &paths, friends, class)?;
    let mut merged = old;
    merge(&mut merged, patch);
    let Value::Object(obj) = merged else {
        return Err(ApiError::new(-1));
    };
    Ok(Merged { obj, paths, review })
}

/// `POST /card/update` → `send_check`.
pub fn update(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    if let Some(special) = world.live_special_card(id)? {
        return super::special::update(world, special, &input.json);
    }
    let rec = world.live_card(id)?;
    let Merged {
        obj: mut merged,
        paths,
        review,
    } = merge_update(
        &input.json,
        rec.card_type.wire_key(),
        &rec,
        rec.is_friends(),
        |path| {
            let rule = rule_for(path);
            rule.class
                .updatable()
                .then_some(rule.class == UpdateClass::Review)
        },
    )?;
    validate_card(rec.card_type, &mut merged, Stage::Update { sent: &paths })?;
    check_share_cards(world, &merged)?;

    let now_ms = world.now_ms();
    let mut next: CardRecord = rec;
    next.rewrite(&merged, world.now_s())
        .map_err(|_| ApiError::new(-1))?;
    if review {
        next.enter_review(now_ms, world.review_delay_ms);
    }
    // Written: from now on the emulator answers with its own view of the card.
    next.raw = None;
    world.commit(Entry::Card(next))?;
    Ok(ok(json!({ "send_check": review })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_widen_only() {
        let old = json!({"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 100, "end_timestamp": 200});
        assert!(
            check_dates(
                &old,
                &json!({"begin_timestamp": 50, "end_timestamp": 300}),
                false
            )
            .is_ok()
        );
        assert!(check_dates(&old, &json!({"end_timestamp": 199}), false).is_err());
        assert!(check_dates(&old, &json!({"begin_timestamp": 101}), false).is_err());
        assert!(check_dates(&old, &json!({"type": "DATE_TYPE_FIX_TERM"}), false).is_err());
        assert!(check_dates(&old, &json!({"type": 1}), false).is_ok());
        let far = 200 + FRIENDS_MAX_END_EXTENSION_SECONDS as u64 + 1;
        assert!(check_dates(&old, &json!({"end_timestamp": far}), false).is_ok());
        assert_eq!(
            check_dates(&old, &json!({"end_timestamp": far}), true).map_err(|e| e.errmsg()),
            Err(DATE_INFO_MESSAGE.to_string())
        );
    }

    #[test]
    fn leaves_descend_objects_only() {
        let mut out = Vec::new();
        leaves(
            "",
            &json!({"base_info": {"notice": "x", "date_info": {"end_timestamp": 1}}, "advanced_info": {"time_limit": []}}),
            &mut out,
        );
        assert_eq!(
            out,
            vec![
                "base_info.notice",
                "base_info.date_info.end_timestamp",
                "advanced_info.time_limit"
            ]
        );
    }
}
