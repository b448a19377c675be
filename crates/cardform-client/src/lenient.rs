//! Readers for the scalar shapes WeChat really sends: the same field comes as a number
//! in one answer and as a numeric string in another (`"free_coin_count": "0"` beside a
//! numeric `create_time` in getorder; `merchant_id` `"12"` in submerchant/get, `12` in
//! submit), and a counter may be `null`. Used with `#[serde(deserialize_with = …)]`;
//! the error names the raw value, and the endpoint's `Malformed` error keeps the body.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

struct Unsigned;

impl Visitor<'_> for Unsigned {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer (a number or a numeric string)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(format!("{v} is negative")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 {
            Ok(v as u64)
        } else {
            Err(E::custom(format!("{v} is not a non-negative integer")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(0);
        }
        t.parse()
            .map_err(|_| E::custom(format!("{v:?} is not a non-negative integer")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<u64, E> {
        Ok(0)
    }
}

struct Signed;

impl Visitor<'_> for Signed {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer (a number or a numeric string)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.2e18 {
            Ok(v as i64)
        } else {
            Err(E::custom(format!("{v} is not an integer")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(0);
        }
        t.parse()
            .map_err(|_| E::custom(format!("{v:?} is not an integer")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<i64, E> {
        Ok(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<i64, E> {
        Ok(0)
    }
}

struct Text;

impl Visitor<'_> for Text {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id (a string or a number)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

/// A count or id that is a number, a numeric string, `""` or `null` (read as 0).
///
/// # Errors
/// Anything else; the message names the raw value.
pub fn u64_any<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(Unsigned)
}

/// A Unix time or signed count, shaped like [`u64_any`].
///
/// # Errors
/// Anything else; the message names the raw value.
pub fn i64_any<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(Signed)
}

/// An id or text that WeChat writes as a string or as a number (`null` reads as "").
///
/// # Errors
/// Objects, arrays and booleans.
pub fn string_any<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(Text)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Row {
        #[serde(default, deserialize_with = "super::u64_any")]
        n: u64,
        #[serde(default, deserialize_with = "super::i64_any")]
        t: i64,
        #[serde(default, deserialize_with = "super::string_any")]
        id: String,
    }

    #[test]
    fn numbers_and_numeric_strings_read_alike() {
        for v in [
            json!({ "n": 12, "t": 1_700_000_000, "id": 12 }),
            json!({ "n": "12", "t": "1700000000", "id": "12" }),
            json!({ "n": " 12 ", "t": 1_700_000_000, "id": "12", "extra": [1] }),
        ] {
            let r: Row = serde_json::from_value(v).unwrap();
            assert_eq!((r.n, r.t, r.id.as_str()), (12, 1_700_000_000, "12"));
        }
        let r: Row = serde_json::from_value(json!({ "n": null, "t": "" })).unwrap();
        assert_eq!((r.n, r.t, r.id.as_str()), (0, 0, ""));
    }

    #[test]
    fn the_error_names_the_raw_value() {
        let e = serde_json::from_value::<Row>(json!({ "n": "twelve" })).unwrap_err();
        assert!(e.to_string().contains("\"twelve\""), "{e}");
        let e = serde_json::from_value::<Row>(json!({ "n": -1 })).unwrap_err();
        assert!(e.to_string().contains("-1"), "{e}");
        assert!(serde_json::from_value::<Row>(json!({ "id": {"a": 1} })).is_err());
    }
}
