//! `WxStr<N>`: a string with WeChat's `string(N)` limit, counted in UTF-8 bytes.
//!
//! WeChat's card docs write limits as `string(N)` where N is UTF-8 bytes (3 per CJK
//! character, 4 per emoji), see reference §"Encoding of lengths". JSON Schema's
//! `maxLength` counts code points, so the schema carries both `maxLength: N` (a sound
//! bound editors can check) and the custom keyword `x-max-utf8-bytes: N` that
//! cardform's own validator enforces.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A string WeChat limits to `N` UTF-8 bytes, its `string(N)`. [`WxStr::new`] enforces
/// the limit; deserializing does not (see the `Deserialize` impl).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WxStr<const N: usize>(String);

impl<const N: usize> WxStr<N> {
    /// The limit in UTF-8 bytes.
    pub const MAX_BYTES: usize = N;

    /// Wraps `s` if it fits in `N` UTF-8 bytes.
    ///
    /// # Errors
    /// Returns the byte length when it is over the limit.
    pub fn new(s: impl Into<String>) -> Result<Self, usize> {
        let s = s.into();
        if s.len() > N {
            Err(s.len())
        } else {
            Ok(Self(s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const N: usize> fmt::Debug for WxStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const N: usize> fmt::Display for WxStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const N: usize> std::ops::Deref for WxStr<N> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Reading does not enforce the limit: WeChat applies `string(N)` to what it is sent,
/// and cards created years ago keep texts from before a limit was tightened. The files
/// may hold such a text for an adopted card; the loader reports it as a write rule
/// (`config::loader`, keyword `x-max-utf8-bytes`) that the plan enforces when the text
/// would be sent.
impl<'de, const N: usize> Deserialize<'de> for WxStr<N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

/// The one wording for a byte-limit violation, shared by serde, the schema keyword
/// and the semantic rules.
pub fn byte_limit_message(len: usize, max: usize) -> String {
    crate::i18n::tr!("val-byte-limit", len = len, max = max, chars = max / 3)
}

impl<const N: usize> JsonSchema for WxStr<N> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("WxStr{N}").into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "maxLength": N,
            "x-max-utf8-bytes": N,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_not_chars() {
        // WeChat's own example title: 11 code points, exactly 27 UTF-8 bytes.
        assert!(WxStr::<27>::new("双人套餐100元兑换券").is_ok());
        assert_eq!(WxStr::<27>::new("双人套餐100元兑换券券"), Err(30));
        assert_eq!(WxStr::<3>::new("😀"), Err(4));
    }
}
