//! Readers for the open platform (第三方平台) and sub-merchant answers, as WeChat really
//! writes them (issue 26; recorded bodies in `tests/fixtures/wechat/recorded/`):
//!
//! - the `component_verify_ticket` push, once decrypted: every value in CDATA inside an
//!   `<xml>` whose first element is `<AppId>` (no `<ToUserName>`, unlike the
//!   messages pushed to an official account);
//! - `api_get_authorizer_info`, whose `authorization_info.authorizer_refresh_token` may
//!   be `""` (a real answer): an empty refresh token is no token, never stored;
//! - `card/submerchant/get`, whose `merchant_id` is the string `"12"` where submit,
//!   update and batchget write the number 12.
//!
//! Pushes as a whole (signature, decryption, the other events) are a later issue; these
//! are the pieces the token code and the sub-merchant reads need.

use serde::Deserialize;
use serde_json::Value;

use super::lenient;
use super::secret::Secret;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {reason} (body: {raw})")]
pub struct ReadError {
    pub what: &'static str,
    pub reason: String,
    /// The body as received, shortened; never holds a secret (tickets are cut out).
    pub raw: String,
}

/// The decrypted `component_verify_ticket` push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyTicket {
    /// The third-party platform's AppID (`<AppId>`).
    pub component_appid: String,
    pub create_time: i64,
    pub ticket: Secret,
}

/// The text of `<tag>…</tag>` in a flat WeChat push, CDATA unwrapped and trimmed.
fn xml_field(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    let inner = xml[start..start + len].trim();
    let text = inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(inner);
    Some(text.to_string())
}

/// Shortens a push for an error, with the ticket's value removed.
fn raw_push(xml: &str) -> String {
    let mut shown = xml.to_string();
    if let Some(t) = xml_field(xml, "ComponentVerifyTicket")
        && !t.is_empty()
    {
        shown = shown.replace(&t, "<redacted>");
    }
    shown.chars().take(300).collect()
}

/// Reads a decrypted `component_verify_ticket` push.
///
/// # Errors
/// Another `InfoType`, or a missing AppId or ticket; the error shows the push with
/// the ticket cut out.
pub fn read_verify_ticket(xml: &str) -> Result<VerifyTicket, ReadError> {
    let err = |reason: String| ReadError {
        what: "component_verify_ticket push",
        reason,
        raw: raw_push(xml),
    };
    let info_type = xml_field(xml, "InfoType").unwrap_or_default();
    if info_type != "component_verify_ticket" {
        return Err(err(format!(
            "InfoType is {info_type:?}, not component_verify_ticket"
        )));
    }
    let component_appid = xml_field(xml, "AppId")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("no <AppId>".into()))?;
    let ticket = xml_field(xml, "ComponentVerifyTicket")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("no <ComponentVerifyTicket>".into()))?;
    let create_time = match xml_field(xml, "CreateTime") {
        None => 0,
        Some(t) => t
            .parse()
            .map_err(|_| err(format!("CreateTime {t:?} is not a Unix time")))?,
    };
    Ok(VerifyTicket {
        component_appid,
        create_time,
        ticket: Secret::new(&ticket),
    })
}

/// What `api_get_authorizer_info` says about an authorised account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizerInfo {
    pub authorizer_appid: String,
    pub nick_name: String,
    /// The original id (`gh_…`).
    pub user_name: String,
    /// `service_type_info.id` (2: service account).
    pub service_type: i64,
    /// `verify_type_info.id` (-1: not verified).
    pub verify_type: i64,
    /// `business_info.open_card`: the card (卡券) feature is open.
    pub open_card: bool,
    /// The permission sets granted (`func_info[].funcscope_category.id`).
    pub func_ids: Vec<i64>,
    /// `None` when WeChat sent none or `""`: keep the stored one.
    pub refresh_token: Option<Secret>,
}

#[derive(Deserialize)]
struct Id {
    #[serde(default, deserialize_with = "lenient::i64_any")]
    id: i64,
}

#[derive(Deserialize, Default)]
struct Business {
    #[serde(default, deserialize_with = "lenient::i64_any")]
    open_card: i64,
}

#[derive(Deserialize)]
struct RawAuthorizer {
    #[serde(default, deserialize_with = "lenient::string_any")]
    nick_name: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    user_name: String,
    service_type_info: Option<Id>,
    verify_type_info: Option<Id>,
    #[serde(default)]
    business_info: Business,
}

#[derive(Deserialize)]
struct Func {
    funcscope_category: Id,
}

#[derive(Deserialize)]
struct RawAuthorization {
    #[serde(deserialize_with = "lenient::string_any")]
    authorizer_appid: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    authorizer_refresh_token: String,
    #[serde(default)]
    func_info: Vec<Func>,
}

#[derive(Deserialize)]
struct RawInfo {
    authorizer_info: RawAuthorizer,
    authorization_info: RawAuthorization,
}

/// Reads an `api_get_authorizer_info` answer (unknown fields ignored).
///
/// # Errors
/// `authorizer_info` or `authorization_info.authorizer_appid` missing or mistyped;
/// the error shows the body with tokens redacted.
pub fn read_authorizer_info(v: &Value) -> Result<AuthorizerInfo, ReadError> {
    let raw: RawInfo = serde_json::from_value(v.clone()).map_err(|e| ReadError {
        what: "api_get_authorizer_info",
        reason: e.to_string(),
        raw: super::transport::raw_for_error(v),
    })?;
    let a = raw.authorization_info;
    Ok(AuthorizerInfo {
        authorizer_appid: a.authorizer_appid,
        nick_name: raw.authorizer_info.nick_name,
        user_name: raw.authorizer_info.user_name,
        service_type: raw.authorizer_info.service_type_info.map_or(0, |i| i.id),
        verify_type: raw.authorizer_info.verify_type_info.map_or(-1, |i| i.id),
        open_card: raw.authorizer_info.business_info.open_card == 1,
        func_ids: a
            .func_info
            .into_iter()
            .map(|f| f.funcscope_category.id)
            .collect(),
        refresh_token: Some(a.authorizer_refresh_token)
            .filter(|t| !t.is_empty())
            .map(|t| Secret::new(&t)),
    })
}

/// A sub-merchant (`info` of `card/submerchant/get`, submit, update; an item of
/// batchget's `info_list`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubMerchant {
    /// A number in submit/update/batchget, a string in get: read as a number.
    #[serde(deserialize_with = "lenient::u64_any")]
    pub merchant_id: u64,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub app_id: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub brand_name: String,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub logo_url: String,
    /// CHECKING, APPROVED, REJECTED or EXPIRED.
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub status: String,
    #[serde(default, deserialize_with = "lenient::i64_any")]
    pub begin_time: i64,
    #[serde(default, deserialize_with = "lenient::i64_any")]
    pub end_time: i64,
    #[serde(default, deserialize_with = "lenient::u64_any")]
    pub primary_category_id: u64,
    #[serde(default, deserialize_with = "lenient::u64_any")]
    pub secondary_category_id: u64,
}

#[derive(Deserialize)]
struct SubMerchantAnswer {
    info: SubMerchant,
}

/// Reads a `card/submerchant/get` (or submit/update) answer: `{"info": {...}}`.
///
/// # Errors
/// No `info`, or a `merchant_id` that is not a number or numeric string; the error
/// keeps the body.
pub fn read_submerchant(v: &Value) -> Result<SubMerchant, ReadError> {
    serde_json::from_value::<SubMerchantAnswer>(v.clone())
        .map(|a| a.info)
        .map_err(|e| ReadError {
            what: "card/submerchant/get",
            reason: e.to_string(),
            raw: super::transport::raw_for_error(v),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_ticket_push_is_read_with_cdata_and_without_to_user_name() {
        let xml = "<xml><AppId><![CDATA[wxcomp]]></AppId>\r\n<CreateTime>1413192605</CreateTime>\r\n<InfoType><![CDATA[component_verify_ticket]]></InfoType>\r\n<ComponentVerifyTicket><![CDATA[ticket@@@abc]]></ComponentVerifyTicket>\r\n</xml> ";
        let t = read_verify_ticket(xml).unwrap();
        assert_eq!(t.component_appid, "wxcomp");
        assert_eq!(t.create_time, 1_413_192_605);
        assert_eq!(t.ticket.expose(), "ticket@@@abc");
        // Plain text (no CDATA) reads the same.
        let plain = "<xml><AppId>wxcomp</AppId><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>t2</ComponentVerifyTicket></xml>";
        assert_eq!(read_verify_ticket(plain).unwrap().ticket.expose(), "t2");
    }

    #[test]
    fn another_event_or_a_missing_ticket_is_an_error_that_hides_the_ticket() {
        let other = "<xml><AppId><![CDATA[wxcomp]]></AppId><InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA[wxa]]></AuthorizerAppid></xml>";
        let e = read_verify_ticket(other).unwrap_err();
        assert!(e.reason.contains("unauthorized"), "{e}");
        let bad_time = "<xml><AppId>wxcomp</AppId><CreateTime>soon</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>secret-t</ComponentVerifyTicket></xml>";
        let e = read_verify_ticket(bad_time).unwrap_err();
        assert!(!e.to_string().contains("secret-t"), "{e}");
        assert!(e.to_string().contains("soon"), "{e}");
    }

    #[test]
    fn an_empty_refresh_token_is_no_token() {
        let v = json!({
            "authorizer_info": {"nick_name": "n", "user_name": "gh_1",
                "service_type_info": {"id": "2"}, "verify_type_info": {"id": -1},
                "business_info": {"open_card": 1}, "idc": 1},
            "authorization_info": {"authorizer_appid": "wxa", "authorizer_refresh_token": "",
                "func_info": [{"funcscope_category": {"id": 8}}]}
        });
        let a = read_authorizer_info(&v).unwrap();
        assert_eq!(a.refresh_token, None);
        assert_eq!((a.service_type, a.verify_type, a.open_card), (2, -1, true));
        assert_eq!(a.func_ids, vec![8]);
        let mut with = v.clone();
        with["authorization_info"]["authorizer_refresh_token"] = json!("refreshtoken@@@x");
        let a = read_authorizer_info(&with).unwrap();
        assert_eq!(
            a.refresh_token.map(|s| s.expose().to_string()).as_deref(),
            Some("refreshtoken@@@x")
        );
        assert!(read_authorizer_info(&json!({"authorizer_info": {}})).is_err());
    }

    #[test]
    fn merchant_id_reads_as_a_string_or_a_number() {
        for id in [json!("12"), json!(12)] {
            let v = json!({"errcode": 0, "errmsg": "ok", "info": {
                "merchant_id": id, "app_id": "", "brand_name": "b", "logo_url": "u",
                "status": "CHECKING", "begin_time": 1_438_990_559, "end_time": "1438990559",
                "primary_category_id": 1, "secondary_category_id": "101", "unknown": [1]}});
            let m = read_submerchant(&v).unwrap();
            assert_eq!(m.merchant_id, 12);
            assert_eq!((m.end_time, m.secondary_category_id), (1_438_990_559, 101));
        }
        let e = read_submerchant(&json!({"info": {"merchant_id": "twelve"}})).unwrap_err();
        assert!(e.to_string().contains("twelve"), "{e}");
    }
}
