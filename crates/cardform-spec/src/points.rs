//! 券点 amounts held exactly (1 点 = ¥1, reference §8.2/§8.6). A voucher costs 0.2 or 0.4
//! points, so an amount is not a whole number of points; WeChat writes the same amount
//! as a decimal string (`"price": "0.2"`, getpayprice; `"free_coin_count": "0"`,
//! getorder) or as a number (`"free_coin": 200`, getcoinsinfo). [`Points`] counts
//! hundredths of a point (fen, the smallest amount of money WeChat Pay moves) in an
//! integer: it reads any of those shapes, sums without rounding, and writes itself as
//! WeChat shows it — `100`, `0.2`, `1.25`: a JSON integer when whole, otherwise the
//! shortest decimal number.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Hundredths of a point in one point.
const SCALE: u64 = 100;

/// An exact, non-negative amount of 券点.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(u64);

/// Why a text or number is not an amount of points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsError {
    /// The value as it was given.
    pub raw: String,
    pub reason: &'static str,
}

impl fmt::Display for PointsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not an amount of 券点 ({})", self.raw, self.reason)
    }
}

impl std::error::Error for PointsError {}

impl Points {
    pub const ZERO: Points = Points(0);

    /// `n` whole points.
    pub const fn whole(n: u64) -> Points {
        Points(n.saturating_mul(SCALE))
    }

    /// `n` tenths of a point (the price table's unit).
    pub const fn from_tenths(n: u64) -> Points {
        Points(n.saturating_mul(SCALE / 10))
    }

    /// `n` hundredths of a point.
    pub const fn from_hundredths(n: u64) -> Points {
        Points(n)
    }

    /// The amount in hundredths of a point.
    pub const fn hundredths(self) -> u64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether the amount is a whole number of points.
    pub const fn is_whole(self) -> bool {
        self.0.is_multiple_of(SCALE)
    }

    /// The smallest whole number of points that covers the amount (a recharge buys
    /// whole points).
    pub const fn whole_ceil(self) -> u64 {
        self.0.div_ceil(SCALE)
    }

    pub const fn saturating_add(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }

    pub const fn saturating_sub(self, other: Points) -> Points {
        Points(self.0.saturating_sub(other.0))
    }

    pub fn checked_sub(self, other: Points) -> Option<Points> {
        self.0.checked_sub(other.0).map(Points)
    }

    pub fn min(self, other: Points) -> Points {
        Points(self.0.min(other.0))
    }

    pub fn max(self, other: Points) -> Points {
        Points(self.0.max(other.0))
    }

    /// Reads a JSON value as WeChat writes an amount: a number or a numeric string.
    ///
    /// # Errors
    /// Anything else, negative amounts and more precision than a hundredth.
    pub fn from_json(v: &serde_json::Value) -> Result<Points, PointsError> {
        match v {
            serde_json::Value::String(s) => s.parse(),
            serde_json::Value::Number(n) => number(n),
            other => Err(PointsError {
                raw: other.to_string(),
                reason: "neither a number nor a numeric string",
            }),
        }
    }

    /// The amount as a JSON number (an integer when whole).
    pub fn to_json_number(self) -> serde_json::Value {
        if self.is_whole() {
            serde_json::Value::from(self.0 / SCALE)
        } else {
            // Only the shortest decimal representation is used (serde_json prints
            // floats with the shortest round-trip form), so 0.2 stays `0.2`.
            serde_json::Number::from_f64(self.0 as f64 / SCALE as f64)
                .map_or(serde_json::Value::Null, serde_json::Value::Number)
        }
    }

    /// The amount as a decimal string, the way getpayprice writes it (`"0.2"`, `"100"`).
    pub fn to_json_string(self) -> serde_json::Value {
        serde_json::Value::String(self.to_string())
    }
}

fn number(n: &serde_json::Number) -> Result<Points, PointsError> {
    if let Some(u) = n.as_u64() {
        return u.checked_mul(SCALE).map(Points).ok_or(PointsError {
            raw: n.to_string(),
            reason: "too large",
        });
    }
    if n.as_i64().is_some() {
        return Err(PointsError {
            raw: n.to_string(),
            reason: "negative",
        });
    }
    // A float: its shortest decimal text is what the sender wrote (0.2 → "0.2").
    n.to_string().parse()
}

impl FromStr for Points {
    type Err = PointsError;

    /// `"100"`, `"0.2"`, `"1.25"`, `" 3 "`; at most two significant decimals.
    fn from_str(s: &str) -> Result<Points, PointsError> {
        let err = |reason| PointsError {
            raw: format!("{s:?}"),
            reason,
        };
        let t = s.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(err("empty"));
        }
        if t.starts_with('-') {
            return Err(err("negative"));
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("not a decimal number"));
        }
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() > 2 {
            return Err(err("finer than a hundredth of a point"));
        }
        let whole: u64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| err("too large"))?
        };
        let mut hundredths = 0u64;
        for (i, b) in frac_trimmed.bytes().enumerate() {
            let digit = u64::from(b - b'0');
            hundredths += digit * if i == 0 { 10 } else { 1 };
        }
        whole
            .checked_mul(SCALE)
            .and_then(|w| w.checked_add(hundredths))
            .map(Points)
            .ok_or_else(|| err("too large"))
    }
}

impl fmt::Display for Points {
    /// As WeChat shows it: `100`, `0.2`, `1.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, rest) = (self.0 / SCALE, self.0 % SCALE);
        let text = if rest == 0 {
            format!("{whole}")
        } else if rest.is_multiple_of(10) {
            format!("{whole}.{}", rest / 10)
        } else {
            format!("{whole}.{rest:02}")
        };
        // `pad` honours width and alignment (`{:>6}` in tables).
        f.pad(&text)
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        self.saturating_add(other)
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Points::saturating_add)
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            s.serialize_u64(self.0 / SCALE)
        } else {
            s.serialize_f64(self.0 as f64 / SCALE as f64)
        }
    }
}

struct PointsVisitor;

impl Visitor<'_> for PointsVisitor {
    type Value = Points;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount of 券点 (a number or a numeric string such as \"0.2\")")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Points, E> {
        v.checked_mul(SCALE)
            .map(Points)
            .ok_or_else(|| E::custom(format!("{v} is not an amount of 券点 (too large)")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Points, E> {
        u64::try_from(v)
            .map_err(|_| E::custom(format!("{v} is not an amount of 券点 (negative)")))
            .and_then(|u| self.visit_u64(u))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Points, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("{v} is not an amount of 券点")));
        }
        // `{}` prints the shortest text that reads back as `v`: what the sender wrote.
        format!("{v}").parse().map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Points, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        d.deserialize_any(PointsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_shape_wechat_writes() {
        for (v, hundredths) in [
            (json!("0.2"), 20),
            (json!("100"), 10_000),
            (json!(200), 20_000),
            (json!(0.2), 20),
            (json!(0.4), 40),
            (json!("0"), 0),
            (json!(" 1.25 "), 125),
            (json!("3.10"), 310),
            (json!(".5"), 50),
        ] {
            let p: Points = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(p.hundredths(), hundredths, "{v}");
            assert_eq!(Points::from_json(&v).unwrap().hundredths(), hundredths);
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount_and_names_the_raw_value() {
        for v in [
            json!("-1"),
            json!(-3),
            json!("abc"),
            json!("0.125"),
            json!(""),
            json!(true),
            json!("1e3"),
        ] {
            let e = serde_json::from_value::<Points>(v.clone()).unwrap_err();
            assert!(!e.to_string().is_empty());
            assert!(Points::from_json(&v).is_err(), "{v}");
        }
        let e = "0.125".parse::<Points>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"0.125\" is not an amount of 券点 (finer than a hundredth of a point)"
        );
    }

    #[test]
    fn shows_and_writes_as_wechat_does() {
        assert_eq!(Points::from_tenths(2).to_string(), "0.2");
        assert_eq!(Points::whole(100).to_string(), "100");
        assert_eq!(Points::from_hundredths(125).to_string(), "1.25");
        assert_eq!(Points::from_hundredths(105).to_string(), "1.05");
        assert_eq!(format!("{:>6}|", Points::from_tenths(2)), "   0.2|");
        assert_eq!(
            serde_json::to_string(&Points::from_tenths(2)).unwrap(),
            "0.2"
        );
        assert_eq!(serde_json::to_string(&Points::whole(100)).unwrap(), "100");
        assert_eq!(Points::from_tenths(2).to_json_string(), json!("0.2"));
        assert_eq!(Points::whole(7).to_json_number(), json!(7));
        assert_eq!(Points::from_tenths(6).to_json_number(), json!(0.6));
    }

    #[test]
    fn sums_exactly_where_floats_do_not() {
        // 0.1 + 0.2 ≠ 0.3 in f64; three vouchers at 0.2 are exactly 0.6.
        let total: Points = [Points::from_tenths(1), Points::from_tenths(2)]
            .into_iter()
            .sum();
        assert_eq!(total, "0.3".parse().unwrap());
        let three: Points = std::iter::repeat_n(Points::from_tenths(2), 3).sum();
        assert_eq!(three.to_string(), "0.6");
        assert_eq!(
            Points::whole(1).checked_sub(three),
            Some(Points::from_tenths(4))
        );
        assert_eq!(three.checked_sub(Points::whole(1)), None);
    }
}
