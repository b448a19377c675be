//! A value the planner cannot know until apply: the URL of an image not yet uploaded,
//! the card_id of a card not yet created.
//!
//! It is a type, not a text: inside a canonical form it is a one-key JSON object
//! (`{"$known_after_apply": "upload assets/logo.png"}`), a shape no card field can hold
//! (every place it stands is a string or a number in the model), so a user's text that
//! happens to begin with "(known after apply)" stays a text. People and the JSON plan
//! see it as before, `(known after apply): upload assets/logo.png` ([`shown`]).
//!
//! Saved plans written before the type existed carry that display text instead;
//! [`read_legacy`] turns it back into the type when such a plan is read.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

/// How the plan shows a value that only exists after apply.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// The one key of the JSON object that stands for a pending value in a canonical form.
const KEY: &str = "$known_after_apply";

/// A value not known until apply, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// What apply does to learn it: `upload assets/logo.png`, `card_id of gift_a`.
    pub reason: String,
}

impl Pending {
    pub fn new(reason: impl Into<String>) -> Pending {
        Pending {
            reason: reason.into(),
        }
    }

    /// The value standing for it in a canonical form.
    pub fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(1);
        map.insert(KEY.to_string(), Value::String(self.reason.clone()));
        Value::Object(map)
    }

    /// The pending value `value` stands for, if it stands for one (only the value
    /// itself: see [`is_pending`] for values that contain one).
    pub fn from_value(value: &Value) -> Option<Pending> {
        match value {
            Value::Object(map) if map.len() == 1 => match map.get(KEY) {
                Some(Value::String(reason)) => Some(Pending::new(reason.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `value` is the stand-in of a pending value.
    pub fn is(value: &Value) -> bool {
        matches!(value, Value::Object(map) if map.len() == 1 && matches!(map.get(KEY), Some(Value::String(_))))
    }
}

impl Pending {
    /// How the text, markdown and HTML plans say it in the language of `m` (English:
    /// exactly its [`Display`](fmt::Display) text). The JSON plan keeps the data form.
    pub fn said(&self, m: &crate::i18n::Messages) -> String {
        let reason = self.reason.as_str();
        if let Some(path) = reason.strip_prefix("upload ") {
            m.t_args("pending-upload", &[("path", path.into())])
        } else if let Some(address) = reason.strip_prefix("card_id of ") {
            m.t_args("pending-card-id", &[("address", address.into())])
        } else if let Some(name) = reason.strip_prefix("merchant_id of sub-merchant ") {
            m.t_args("pending-merchant-id", &[("name", name.into())])
        } else {
            m.t_args("pending-other", &[("reason", reason.into())])
        }
    }
}

impl fmt::Display for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{KNOWN_AFTER_APPLY}: {}", self.reason)
    }
}

/// Whether a canonical value is, or contains, a pending value (an image inside a list,
/// a card_id inside consume_share_card_list).
pub fn is_pending(value: &Value) -> bool {
    match value {
        Value::Object(map) => Pending::is(value) || map.values().any(is_pending),
        Value::Array(items) => items.iter().any(is_pending),
        _ => false,
    }
}

/// `value` as people and the JSON plan see it: every pending value replaced by its
/// text, `(known after apply): upload assets/logo.png`. Borrowed when there is none.
pub fn shown(value: &Value) -> Cow<'_, Value> {
    if !is_pending(value) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(shown_owned(value))
}

/// [`shown`] for people reading a plan in the language of `m`: each pending value
/// replaced by [`Pending::said`].
pub fn shown_in<'v>(value: &'v Value, m: &crate::i18n::Messages) -> Cow<'v, Value> {
    if !is_pending(value) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(replaced(value, &|p| p.said(m)))
}

fn shown_owned(value: &Value) -> Value {
    replaced(value, &|p| p.to_string())
}

fn replaced(value: &Value, say: &dyn Fn(&Pending) -> String) -> Value {
    if let Some(p) = Pending::from_value(value) {
        return Value::String(say(&p));
    }
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| replaced(v, say)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), replaced(v, say)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Reads a value written by a cardform that stored pending values as their text (saved
/// plans before the type): each such text becomes the pending value it stood for.
/// Only documents that say they predate the type are read this way, so a user's text
/// in a newer document is never mistaken for one.
pub fn read_legacy(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(reason) = s
                .strip_prefix(KNOWN_AFTER_APPLY)
                .and_then(|rest| rest.strip_prefix(": "))
            {
                *value = Pending::new(reason).to_value();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(read_legacy),
        Value::Object(map) => map.values_mut().for_each(read_legacy),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pending_value_is_recognised_by_its_shape_and_shown_as_before() {
        let p = Pending::new("upload assets/logo.png");
        let v = p.to_value();
        assert_eq!(Pending::from_value(&v), Some(p.clone()));
        assert!(is_pending(&v));
        assert!(is_pending(&json!([{"image_url": v.clone(), "text": "t"}])));
        assert_eq!(
            shown(&json!(["https://x/1.png", v.clone()])).into_owned(),
            json!([
                "https://x/1.png",
                "(known after apply): upload assets/logo.png"
            ])
        );
        assert_eq!(p.to_string(), "(known after apply): upload assets/logo.png");
    }

    /// English says a pending value exactly as its text; Chinese says it in words.
    #[test]
    fn a_pending_value_is_said_in_the_plan_language() {
        use crate::i18n::{Lang, Messages};
        let en = Messages::new(Lang::En);
        let zh = Messages::new(Lang::ZhCn);
        for reason in [
            "upload assets/cover.jpg",
            "card_id of friend_gift",
            "merchant_id of sub-merchant acme",
            "something else",
        ] {
            let p = Pending::new(reason);
            assert_eq!(p.said(&en), p.to_string());
            let said = p.said(&zh);
            assert!(!said.contains("known after apply"), "{said}");
        }
        assert_eq!(
            Pending::new("upload assets/cover.jpg").said(&zh),
            "（执行时上传 assets/cover.jpg 后生成）"
        );
        let v = json!([{"image_url": Pending::new("upload a.jpg").to_value()}]);
        assert_eq!(
            shown_in(&v, &zh).into_owned(),
            json!([{"image_url": "（执行时上传 a.jpg 后生成）"}])
        );
    }

    /// A user's text that begins with the words the plan shows is a text, not a
    /// pending value: it is compared, sent and shown like any other text.
    #[test]
    fn a_user_text_starting_with_the_marker_is_plain_text() {
        let text = json!("(known after apply): upload assets/logo.png");
        assert!(!is_pending(&text));
        assert_eq!(Pending::from_value(&text), None);
        assert!(!is_pending(&json!([text.clone()])));
        assert!(matches!(shown(&text), Cow::Borrowed(_)));
        // Nor is an object with other keys, or a non-text reason.
        assert!(!is_pending(
            &json!({"$known_after_apply": "x", "text": "y"})
        ));
        assert!(!is_pending(&json!({"$known_after_apply": 1})));
    }

    #[test]
    fn legacy_texts_read_back_as_pending_values() {
        let mut v = json!({
            "base_info.logo_url": "(known after apply): upload assets/logo.png",
            "list": ["https://x/1.png", "(known after apply): card_id of gift_a"],
            "base_info.notice": "(known after apply)",
        });
        read_legacy(&mut v);
        assert_eq!(
            Pending::from_value(&v["base_info.logo_url"]),
            Some(Pending::new("upload assets/logo.png"))
        );
        assert_eq!(v["list"][0], json!("https://x/1.png"));
        assert!(Pending::is(&v["list"][1]));
        // The bare words without a reason were never written for a pending value.
        assert_eq!(v["base_info.notice"], json!("(known after apply)"));
    }
}
