//! A live card → the TOML a person would write for it: WeChat's field names and
//! nesting, zoned datetimes, palette names where the hex is on the palette, image URLs
//! as they are (nothing is uploaded again), and comments for what is WeChat's.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::i18n::tr;
use crate::live::{LiveCard, absent_default};
use crate::model::wire::SUB_MERCHANT_PATH;
use crate::model::{Canonical, CardType, Timestamp};
use crate::spec::rules::covers;
use crate::visible::visible_line;

/// Paths written as TOML datetimes (Beijing time) instead of Unix seconds.
const TIMESTAMP_PATHS: &[&str] = &[
    "base_info.date_info.begin_timestamp",
    "base_info.date_info.end_timestamp",
];

/// Why a card cannot be written as TOML.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{}", tr!("op-gen-unwritable", card_id = .card_id, message = .message))]
    Unwritable { card_id: String, message: String },
}

/// A readable, stable, unique address for an adopted card: its type and the start of its
/// card_id (`discount_pd9sf1y6`), longer when that is taken.
pub fn address_for(live: &LiveCard, taken: &BTreeSet<String>) -> String {
    let kind = live.card_type.wire_key();
    let slug: String = live
        .card_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for len in [8, 12, 16, slug.len()] {
        let candidate = format!("{kind}_{}", &slug[..len.min(slug.len())]);
        if !taken.contains(&candidate) {
            return candidate;
        }
    }
    // Two card_ids equal once lower-cased: number them.
    (2..)
        .map(|n| format!("{kind}_{slug}_{n}"))
        .find(|a| !taken.contains(a))
        .unwrap_or_else(|| format!("{kind}_{slug}"))
}

/// The fields of `live` cardform models and that hold more than WeChat's default, and
/// the fields it does not model (kept as WeChat has them).
fn split_modeled(content: &Canonical) -> (Canonical, Vec<String>) {
    let mut modeled = Canonical::default();
    let mut other = Vec::new();
    for (path, value) in content.iter() {
        if path == "card_type" || covers(path) {
            // What WeChat echoes for an unset field is not written: not set is the same.
            let echoed_default = absent_default(path).as_ref() == Some(value)
                || matches!(value, Value::Array(a) if a.is_empty())
                || matches!(value, Value::String(t) if t.is_empty());
            if !echoed_default {
                modeled.insert(path, value.clone());
            }
        } else {
            other.push(path.clone());
        }
    }
    (modeled, other)
}

/// JSON → TOML, with the timestamp paths as offset datetimes.
fn to_toml(path: &str, value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if TIMESTAMP_PATHS.contains(&path) {
                    let shown = Timestamp(i).to_string();
                    if let Ok(dt) = shown.parse::<toml::value::Datetime>() {
                        return Some(toml::Value::Datetime(dt));
                    }
                }
                toml::Value::Integer(i)
            } else if let Some(u) = n.as_u64() {
                toml::Value::Integer(i64::try_from(u).ok()?)
            } else {
                toml::Value::Float(n.as_f64()?)
            }
        }
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => toml::Value::Array(
            items
                .iter()
                .filter_map(|v| to_toml(&format!("{path}[]"), v))
                .collect(),
        ),
        Value::Object(map) => {
            let mut table = toml::Table::new();
            for (k, v) in map {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if let Some(t) = to_toml(&child, v) {
                    table.insert(k.clone(), t);
                }
            }
            toml::Value::Table(table)
        }
    })
}

/// One `[cards.<address>]` table, with a comment above it naming the card.
///
/// # Errors
/// [`GenerateError`] when the card's content cannot be written as TOML.
pub fn card_toml(address: &str, live: &LiveCard) -> Result<String, GenerateError> {
    card_toml_for(address, live, &BTreeMap::new())
}

/// [`card_toml`] for a card that may be issued for a sub-merchant: one of
/// `sub_merchants` (merchant_id → name) is written `sub_merchant = "<name>"` at the
/// card's top level instead of WeChat's `base_info.sub_merchant_info`.
///
/// # Errors
/// As [`card_toml`].
pub fn card_toml_for(
    address: &str,
    live: &LiveCard,
    sub_merchants: &BTreeMap<u64, String>,
) -> Result<String, GenerateError> {
    let fail = |message: String| GenerateError::Unwritable {
        card_id: live.card_id.clone(),
        message,
    };
    let (mut modeled, other) = split_modeled(&live.content);
    // Seed V1.1/V1.3: WeChat builds a friends CASH/GIFT title from the amounts and
    // thresholds; a title in the files would only be refused by `validate`.
    let friends = live.content.get("advanced_info.share_friends") == Some(&Value::Bool(true));
    let derived_title = friends && matches!(live.card_type, CardType::Cash | CardType::Gift);
    if derived_title {
        modeled.remove("base_info.title");
    }
    let merchant = live.content.get(SUB_MERCHANT_PATH).and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
    });
    if let Some(name) = merchant.and_then(|id| sub_merchants.get(&id)) {
        let paths: Vec<String> = modeled
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| p.starts_with("base_info.sub_merchant_info"))
            .collect();
        for p in paths {
            modeled.remove(&p);
        }
        modeled.insert("sub_merchant", Value::String(name.clone()));
    }
    let Some(toml::Value::Table(card)) = to_toml("", &modeled.unflatten()) else {
        return Err(fail(tr!("op-gen-not-object")));
    };
    let mut cards = toml::Table::new();
    cards.insert(address.to_string(), toml::Value::Table(card));
    let mut doc = toml::Table::new();
    doc.insert("cards".into(), toml::Value::Table(cards));
    let body = toml::to_string_pretty(&doc).map_err(|e| fail(e.to_string()))?;

    // Every comment is built from live text (a title, a card_id, field names WeChat
    // sent): each is one escaped line, so no text on the account can end the comment and
    // add a table of its own to the file.
    let title = live
        .content
        .get("base_info.title")
        .and_then(Value::as_str)
        .unwrap_or("(no title)");
    let mut out = format!(
        "# {}: card_id {}, {} when imported.\n",
        visible_line(title),
        visible_line(&live.card_id),
        visible_line(live.status.describe())
    );
    if derived_title {
        out.push_str("# No title: WeChat builds a friends coupon's title from its amounts and thresholds (seed V1.1/V1.3).\n");
    }
    if !other.is_empty() {
        let names: Vec<_> = other.iter().map(|n| visible_line(n)).collect();
        out.push_str(&format!(
            "# Kept as WeChat has it (not modeled by cardform, never compared): {}.\n",
            names.join(", ")
        ));
    }
    out.push_str(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::live::{Observed, normalise};

    /// A title on the account that tries to end the header comment and add a table of
    /// its own (issue 22, item 3): the file must hold exactly the one adopted card.
    #[test]
    fn live_text_in_a_comment_cannot_add_a_table() {
        let raw = json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "GIFT", "gift": {
            "gift": "一份",
            "base_info": {
                "id": "pInjected\n[cards.from_id]", "logo_url": "http://mmbiz.qpic.cn/mmbiz/x/0",
                "code_type": "CODE_TYPE_QRCODE", "brand_name": "品牌",
                "title": "t\n[cards.injected]\nbase_info = { title = \"x\" }\r\n\u{202e}",
                "color": "Color010", "notice": "出示", "description": "说明",
                "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
                "sku": {"quantity": 1},
                "x_unknown\n[cards.from_key]": 1
            }
        }}});
        let Ok(Observed::Exists(live)) = normalise("pInjected\n[cards.from_id]", &raw) else {
            panic!("unreadable answer");
        };
        let text = card_toml("gift_pinjecte", &live).expect("TOML");
        let doc: toml::Table = toml::from_str(&text).expect("the generated file parses");
        let cards = doc
            .get("cards")
            .and_then(toml::Value::as_table)
            .expect("cards");
        assert_eq!(
            cards.keys().collect::<Vec<_>>(),
            ["gift_pinjecte"],
            "{text}"
        );
        assert!(text.contains("t\\n[cards.injected]"), "{text}");
        assert!(text.contains("\\u{202e}"), "{text}");
    }
}
