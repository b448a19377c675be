//! Unix-second timestamps written as TOML datetimes with a zone.
//!
//! WeChat wants Unix seconds (reference §3.4); people write dates. A TOML offset
//! datetime (`2026-12-01T00:00:00+08:00`) removes the trap of a wrong zone or unit.
//! An integer is accepted too, for values copied from WeChat responses.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, FixedOffset, TimeZone};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use cardform_spec::{MAX_WECHAT_TIMESTAMP, beijing};

/// The key `toml` uses to smuggle a datetime through serde.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// Seconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 datetime that carries a zone (`Z` or `+08:00`).
    ///
    /// # Errors
    /// A message saying what is wrong and how to write it.
    pub fn parse(s: &str) -> Result<Self, String> {
        match DateTime::parse_from_rfc3339(s) {
            Ok(dt) => Ok(Timestamp(dt.timestamp())),
            Err(_) => {
                if s.len() == 10 || !s.contains(['+', 'Z', 'z']) && s.matches('-').count() <= 2 {
                    Err(crate::i18n::tr!("val-timestamp-no-zone", value = s))
                } else {
                    Err(crate::i18n::tr!("val-timestamp-invalid", value = s))
                }
            }
        }
    }

    /// The timestamp as a datetime in Beijing time.
    pub fn to_beijing(self) -> Option<DateTime<FixedOffset>> {
        beijing().timestamp_opt(self.0, 0).single()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_beijing() {
            Some(dt) => write!(f, "{}", dt.format("%Y-%m-%dT%H:%M:%S%:z")),
            None => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a datetime with a zone (2026-12-01T00:00:00+08:00) or Unix seconds")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v)
                    .map(Timestamp)
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
            // `toml::from_str` hands a TOML datetime over as a one-entry map with a
            // private key; accept it so the model also reads TOML directly.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Timestamp, A::Error> {
                use serde::de::Error;
                match map.next_key::<String>()? {
                    Some(k) if k == TOML_DATETIME_KEY => {
                        let raw: String = map.next_value()?;
                        Timestamp::parse(&raw).map_err(A::Error::custom)
                    }
                    _ => Err(A::Error::custom(
                        "expected a datetime with a zone (2026-12-01T00:00:00+08:00) or Unix seconds",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Timestamp {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "integer"],
            "x-timestamp": true,
            "description": "A TOML datetime with a zone (2026-12-01T00:00:00+08:00), or Unix seconds; before 2038-01-19",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_zoned_datetimes_and_renders_beijing() {
        let t = Timestamp::parse("2026-12-01T00:00:00+08:00").expect("valid");
        assert_eq!(t.0, 1_796_054_400);
        assert_eq!(t.to_string(), "2026-12-01T00:00:00+08:00");
        assert_eq!(Timestamp::parse("2026-11-30T16:00:00Z"), Ok(t));
    }

    #[test]
    fn reads_toml_datetimes_directly() {
        #[derive(Deserialize)]
        struct T {
            at: Timestamp,
        }
        let t: T = toml::from_str("at = 2026-12-01T00:00:00+08:00").expect("parses");
        assert_eq!(t.at.0, 1_796_054_400);
        assert!(toml::from_str::<T>("at = 2026-12-01T00:00:00").is_err());
    }

    #[test]
    fn rejects_datetimes_without_zone() {
        let err = Timestamp::parse("2026-12-01T00:00:00").unwrap_err();
        assert!(err.contains("no time zone"), "{err}");
    }
}
