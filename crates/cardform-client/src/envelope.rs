//! WeChat's response envelope: `errcode` / `errmsg` inside an HTTP-200 JSON body
//! (reference conventions and §15). `errcode` may be a string; a missing one means
//! success; errmsg carries a ` hint: [...]` / ` rid: ...` trace suffix.

use serde_json::Value;

/// What the envelope says.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub errcode: i64,
    /// errmsg as sent (empty when absent).
    pub raw_errmsg: String,
}

impl Envelope {
    pub fn is_ok(&self) -> bool {
        self.errcode == 0
    }

    /// errmsg without the trace suffix, for display.
    pub fn errmsg(&self) -> String {
        strip_trace_suffix(&self.raw_errmsg)
    }
}

/// Why a body is not a WeChat envelope.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvelopeError {
    NotJson(String),
    NotAnObject,
    BadErrcode(String),
}

impl std::fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvelopeError::NotJson(e) => write!(f, "not JSON: {e}"),
            EnvelopeError::NotAnObject => f.write_str("not a JSON object"),
            EnvelopeError::BadErrcode(v) => write!(f, "errcode is not an integer: {v}"),
        }
    }
}

/// Parses a body into its JSON object and envelope.
///
/// # Errors
/// When the body is not a JSON object or `errcode` is neither an integer nor a string
/// holding one.
pub fn parse(body: &[u8]) -> Result<(Value, Envelope), EnvelopeError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| EnvelopeError::NotJson(e.to_string()))?;
    let obj = value.as_object().ok_or(EnvelopeError::NotAnObject)?;
    let errcode = match obj.get("errcode") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| EnvelopeError::BadErrcode(n.to_string()))?,
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| EnvelopeError::BadErrcode(format!("{s:?}")))?,
        Some(other) => return Err(EnvelopeError::BadErrcode(other.to_string())),
    };
    let raw_errmsg = obj
        .get("errmsg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Ok((
        value,
        Envelope {
            errcode,
            raw_errmsg,
        },
    ))
}

/// Trace markers WeChat appends to errmsg (§15); everything from the first one is cut.
const TRACE_MARKERS: &[&str] = &[" hint: [", " hints: [", " rid: ", ", rid: ", " hint:["];

/// `"invalid card id hint: [x]"` → `"invalid card id"`.
pub fn strip_trace_suffix(errmsg: &str) -> String {
    let cut = TRACE_MARKERS
        .iter()
        .filter_map(|m| errmsg.find(m))
        .min()
        .unwrap_or(errmsg.len());
    errmsg[..cut].trim_end_matches([' ', ',']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errcode_as_number_string_or_missing() {
        assert_eq!(
            parse(br#"{"errcode":40073,"errmsg":"invalid card id"}"#).map(|p| p.1.errcode),
            Ok(40073)
        );
        assert_eq!(
            parse(br#"{"errcode":"0","errmsg":"ok"}"#).map(|p| p.1.errcode),
            Ok(0)
        );
        assert_eq!(parse(br#"{"errcode":"-1"}"#).map(|p| p.1.errcode), Ok(-1));
        assert_eq!(
            parse(br#"{"url":"http://mmbiz.qpic.cn/x/0"}"#).map(|p| p.1.errcode),
            Ok(0)
        );
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        assert!(matches!(parse(b"<html>"), Err(EnvelopeError::NotJson(_))));
        assert_eq!(parse(b"[1]").err(), Some(EnvelopeError::NotAnObject));
        assert!(matches!(
            parse(br#"{"errcode":"abc"}"#),
            Err(EnvelopeError::BadErrcode(_))
        ));
        assert!(matches!(
            parse(br#"{"errcode":1.5}"#),
            Err(EnvelopeError::BadErrcode(_))
        ));
        assert!(matches!(
            parse(br#"{"errcode":[]}"#),
            Err(EnvelopeError::BadErrcode(_))
        ));
    }

    #[test]
    fn trace_suffix_is_stripped_for_display_only() {
        let (_, env) =
            parse(br#"{"errcode":40073,"errmsg":"invalid card id hint: [Ab12] rid: 6f0e"}"#)
                .expect("valid envelope");
        assert_eq!(env.errmsg(), "invalid card id");
        assert_eq!(env.raw_errmsg, "invalid card id hint: [Ab12] rid: 6f0e");
        assert_eq!(
            strip_trace_suffix("system error, rid: 64f0-1"),
            "system error"
        );
        assert_eq!(strip_trace_suffix("ok"), "ok");
        assert_eq!(strip_trace_suffix("卡券 hint: [x]"), "卡券");
    }
}
