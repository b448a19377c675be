//! Secrets at the type level: a [`Secret`] never prints its value, and a [`RedactedUrl`]
//! never prints the credentials WeChat makes us put in query strings.
//!
//! Tokens travel in URLs (`?access_token=`), and URLs end up in error messages (reqwest
//! puts them there), so redaction lives in the types every error and log line uses.

use std::fmt;

/// Query keys whose values are credentials (reference §1: token endpoints and card calls).
pub const SENSITIVE_KEYS: &[&str] = &[
    "access_token",
    "secret",
    "appsecret",
    "component_appsecret",
    "component_access_token",
    "authorizer_access_token",
    "authorizer_refresh_token",
    "component_verify_ticket",
    // The open platform's other names for them: `api_get_authorizer_list` entries,
    // and the emulator's admin answers (`verify_ticket`, `component_secret`).
    "refresh_token",
    "verify_ticket",
    "component_secret",
];

/// What a hidden value prints as.
pub const MASK: &str = "***";

/// A credential (AppSecret, access token, refresh token). Prints as `***`; has no
/// `Serialize`, so it cannot end up in a state or plan file by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that must send it (a query string or token body).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// A URL whose Display and Debug hide the values of [`SENSITIVE_KEYS`].
#[derive(Clone, PartialEq, Eq)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    /// Redacts once, at construction: the raw URL is never stored.
    pub fn new(url: &str) -> Self {
        RedactedUrl(redact_text(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&reqwest::Url> for RedactedUrl {
    fn from(url: &reqwest::Url) -> Self {
        RedactedUrl::new(url.as_str())
    }
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({})", self.0)
    }
}

/// Replaces the value after every `KEY=` (KEY in [`SENSITIVE_KEYS`], case-insensitive,
/// at a query-parameter boundary) up to the next `&`, `#`, whitespace or quote.
///
/// Used on URLs and, as a second line of defence, on any transport error text.
pub fn redact_text(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some(key) = sensitive_key_at(&lower, i) {
            let value_start = i + key.len() + 1;
            out.push_str(&text[i..value_start]);
            let mut end = value_start;
            while end < bytes.len() && !is_value_end(bytes[end]) {
                end += 1;
            }
            if end > value_start {
                out.push_str(MASK);
            }
            i = end;
            continue;
        }
        // Advance by one whole char so slicing stays on UTF-8 boundaries.
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch_len]);
        i += ch_len;
    }
    out
}

fn sensitive_key_at(lower: &str, i: usize) -> Option<&'static str> {
    let at_boundary = i == 0 || matches!(lower.as_bytes()[i - 1], b'?' | b'&' | b' ' | b'"' | b'(');
    if !at_boundary {
        return None;
    }
    let rest = &lower[i..];
    SENSITIVE_KEYS
        .iter()
        .copied()
        .find(|k| rest.starts_with(k) && rest.as_bytes().get(k.len()) == Some(&b'='))
}

fn is_value_end(b: u8) -> bool {
    matches!(b, b'&' | b'#' | b'"' | b'\'' | b')' | b'>') || b.is_ascii_whitespace()
}

/// Replaces the values of [`SENSITIVE_KEYS`] anywhere in a JSON document (token
/// responses carry the token in the body). Non-JSON text is run through [`redact_text`].
pub fn redact_json_text(raw: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(mut v) => {
            redact_json(&mut v);
            serde_json::to_string(&v).unwrap_or_else(|_| redact_text(raw))
        }
        Err(_) => redact_text(raw),
    }
}

fn redact_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if SENSITIVE_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
                    *val = serde_json::Value::String(MASK.to_string());
                } else {
                    redact_json(val);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "CANARY-tok-9f8e7d";

    #[test]
    fn secret_never_prints() {
        let s = Secret::new(CANARY);
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
        assert_eq!(s.expose(), CANARY);
    }

    #[test]
    fn url_hides_every_credential() {
        let raw = format!(
            "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret={CANARY}&access_token={CANARY}&APPSECRET={CANARY}&component_appsecret={CANARY}"
        );
        let u = RedactedUrl::new(&raw);
        for shown in [format!("{u}"), format!("{u:?}")] {
            assert!(!shown.contains(CANARY), "{shown}");
            assert!(shown.contains("appid=wx1"), "{shown}");
            assert!(shown.contains("secret=***"), "{shown}");
        }
    }

    #[test]
    fn keys_only_match_at_parameter_boundaries() {
        // `client_secret_hint` is not `secret`; `appid` is kept.
        let u = RedactedUrl::new("http://h/p?mysecret=keep&secret=x#frag");
        assert_eq!(u.as_str(), "http://h/p?mysecret=keep&secret=***#frag");
    }

    #[test]
    fn error_text_and_json_are_redacted() {
        let text = format!(
            "error sending request for url (http://127.0.0.1:1/card/get?access_token={CANARY}): oops"
        );
        assert!(!redact_text(&text).contains(CANARY));
        let json = format!(
            r#"{{"access_token":"{CANARY}","expires_in":7200,"nested":[{{"secret":"{CANARY}"}}]}}"#
        );
        let red = redact_json_text(&json);
        assert!(!red.contains(CANARY), "{red}");
        assert!(red.contains("7200"));
    }

    #[test]
    fn non_ascii_text_survives() {
        let t = "卡券 access_token=abc 失败";
        assert_eq!(redact_text(t), "卡券 access_token=*** 失败");
    }
}
