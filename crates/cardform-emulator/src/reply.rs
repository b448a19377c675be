//! The error envelope WeChat answers with: HTTP 200 and `{"errcode":N,"errmsg":"…"}`
//! (reference "Error transport": the HTTP status on errors is unverified, 200 assumed).
//! errmsg texts come from the one errcode table; like WeChat's, they end in a trace
//! suffix (` rid: …`, reference §15) that clients must strip for display.
//!
//! Also the JSON response every answer goes out as, and the readers of body fields
//! (`req_str`, `card_id_of`, `as_u64`, …) that answer 41011/41012/47001. A leaf: it
//! imports nothing from the crate.

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use serde_json::{Value, json};

use cardform_spec::errcode;

/// A WeChat error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: i64,
    /// What exactly was wrong, appended to the table's errmsg (e.g. the missing field).
    pub detail: Option<String>,
    /// A server message that replaces the table's errmsg (reference §4.3 DateInfo).
    pub message: Option<String>,
}

impl ApiError {
    pub fn new(code: i64) -> Self {
        ApiError {
            code,
            detail: None,
            message: None,
        }
    }

    /// The table's errmsg plus a detail, e.g. `missing required fields base_info.title`.
    pub fn with(code: i64, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: Some(detail.into()),
            message: None,
        }
    }

    /// A message WeChat is documented to send verbatim instead of the table's errmsg.
    pub fn verbatim(code: i64, message: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: None,
            message: Some(message.into()),
        }
    }

    /// The errmsg without the trace suffix.
    pub fn errmsg(&self) -> String {
        match (&self.message, &self.detail) {
            (Some(m), _) => m.clone(),
            (None, Some(d)) => format!("{} {d}", errcode::errmsg(self.code)),
            (None, None) => errcode::errmsg(self.code).to_string(),
        }
    }

    /// The JSON body, with `rid` as the trace suffix.
    pub fn body(&self, rid: &str) -> Value {
        json!({ "errcode": self.code, "errmsg": format!("{} rid: {rid}", self.errmsg()) })
    }
}

/// `{"errcode":0,"errmsg":"ok"}` plus `fields` (an object).
pub fn ok(fields: Value) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("errcode".into(), json!(0));
    out.insert("errmsg".into(), json!("ok"));
    if let Value::Object(map) = fields {
        out.extend(map);
    }
    Value::Object(out)
}

/// A JSON answer with HTTP 200, as WeChat sends everything.
pub fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; encoding=utf-8"),
    );
    resp
}

/// Reads a required string field, 41011 naming it when missing.
pub fn req_str<'a>(body: &'a Value, field: &str) -> Result<&'a str, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiError::with(41011, field)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::with(47001, format!("{field} must be a string"))),
    }
}

/// Reads an optional unsigned integer (WeChat also accepts digits in a string).
pub fn opt_u64(body: &Value, field: &str) -> Result<Option<u64>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => as_u64(v).map(Some).ok_or_else(|| {
            ApiError::with(47001, format!("{field} must be a non-negative integer"))
        }),
    }
}

/// The card_id field, 41012 when missing.
pub fn card_id_of(body: &Value) -> Result<&str, ApiError> {
    match body.get("card_id") {
        None | Some(Value::Null) => Err(ApiError::new(41012)),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::new(41012)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::with(47001, "card_id must be a string")),
    }
}

/// An unsigned integer from a JSON number or a string of digits.
pub fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean from JSON true/false (or "true"/"false", as some SDKs send).
pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errmsg_comes_from_the_table_with_detail_and_rid() {
        let e = ApiError::with(41011, "base_info.title");
        let body = e.body("0001");
        assert_eq!(body["errcode"], 41011);
        assert_eq!(
            body["errmsg"],
            "missing required fields base_info.title rid: 0001"
        );
        assert_eq!(ApiError::new(40073).errmsg(), "invalid card id");
    }
}
