//! The WeChat errcode table: code → meaning → retry class → what the user should do.
//!
//! ONE table (reference §1.1 and §9). The client's retry logic, every error message,
//! the emulator's errmsg texts and the docs read it from here.

use serde::Serialize;

/// How a caller reacts to an errcode (reference §9 "Retry classes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryClass {
    /// Retry with exponential backoff.
    Transient,
    /// Refresh the access token, then retry once.
    Auth,
    /// Daily quota: stop the run; retrying today will not help.
    Quota,
    /// Depends on the card's state (review, stock): stop this card, retry later.
    State,
    /// Fix the request or the configuration.
    Permanent,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ErrCode {
    pub code: i64,
    /// WeChat's errmsg, as the emulator sends it.
    pub errmsg: &'static str,
    /// What it means, in plain words.
    pub meaning: &'static str,
    pub class: RetryClass,
    /// What the user should do.
    pub guidance: &'static str,
}

use RetryClass::*;

/// card/get, card/update, card/delete…: the card_id is unknown (or already deleted).
/// A row of [`ERRCODES`]; named because cardform treats it as "the card is gone".
pub const INVALID_CARD_ID: i64 = 40073;

const fn row(
    code: i64,
    errmsg: &'static str,
    meaning: &'static str,
    class: RetryClass,
    guidance: &'static str,
) -> ErrCode {
    ErrCode {
        code,
        errmsg,
        meaning,
        class,
        guidance,
    }
}

/// The table. Sorted by code.
pub const ERRCODES: &[ErrCode] = &[
    row(
        -1,
        "system error",
        "WeChat is busy",
        Transient,
        "cardform retries with backoff; if it persists, run again later",
    ),
    row(
        40001,
        "invalid credential, access_token is invalid or not latest",
        "wrong AppSecret, or the token is invalid or not the latest",
        Auth,
        "check the AppSecret in the environment variable named in cardform.toml; another service may have refreshed a classic token (use stable_token or a central token server)",
    ),
    row(
        40002,
        "invalid grant_type",
        "invalid credential type",
        Permanent,
        "report a bug: cardform sent a wrong grant_type",
    ),
    row(
        40003,
        "invalid openid",
        "invalid openid; for friends coupons the code was not marked before consume",
        Permanent,
        "call card/code/mark for the code and openid before consuming it",
    ),
    row(
        40005,
        "invalid file type",
        "the image is not JPG or PNG",
        Permanent,
        "convert the image to JPG or PNG",
    ),
    row(
        40009,
        "invalid image size",
        "image too large (over 1 MB)",
        Permanent,
        "shrink the image below 1 MB",
    ),
    row(
        40013,
        "invalid appid",
        "invalid AppID",
        Permanent,
        "check account.appid in cardform.toml",
    ),
    row(
        40014,
        "invalid access_token",
        "invalid access token",
        Auth,
        "cardform refreshes the token once; if it persists, check the token source",
    ),
    row(
        40053,
        "invalid action_info",
        "invalid action_info in a QR request",
        Permanent,
        "fix the qrcode request",
    ),
    row(
        40056,
        "invalid serial code",
        "unknown or unclaimed code",
        Permanent,
        "check the code and card_id",
    ),
    row(
        40071,
        "invalid card type",
        "invalid card type or malformed create JSON",
        Permanent,
        "check card_type and the fields under the type key",
    ),
    row(
        40073,
        "invalid card id",
        "no such card_id for this account",
        Permanent,
        "the card was deleted or belongs to another account: `cardform state rm` it or import the right card_id",
    ),
    row(
        40075,
        "invalid encrypt code",
        "the encrypt_code is invalid (seed 核销 errcodes: url-decode it before posting)",
        Permanent,
        "URL-decode the encrypt_code taken from the card page link before calling card/code/decrypt",
    ),
    row(
        40078,
        "invalid card status",
        "the card is in the wrong status (e.g. not yet approved); friends consume: the code was deleted or is being gifted (seed)",
        State,
        "wait until WeChat approves the card, then run again",
    ),
    row(
        40079,
        "invalid time",
        "invalid time; for friends coupons the coupon has expired",
        Permanent,
        "check the validity window",
    ),
    row(
        40097,
        "invalid args",
        "a parameter is out of range (emulator: batchget count over 50, whitelist over 10, 券点 order problems)",
        Permanent,
        "fix the request; report a bug if cardform sent it",
    ),
    row(
        40099,
        "invalid code, this code has consumed",
        "code already consumed",
        Permanent,
        "nothing to do: the code was already redeemed",
    ),
    row(
        40100,
        "invalid time range",
        "invalid time range",
        Permanent,
        "check date_info: begin before end, both before 2038-01-19",
    ),
    row(
        40122,
        "invalid stock quantity",
        "invalid stock quantity (e.g. reducing below zero)",
        Permanent,
        "raise sku.quantity: the stock cannot go below what users already claimed",
    ),
    row(
        40125,
        "invalid appsecret",
        "invalid AppSecret",
        Permanent,
        "check the AppSecret in the environment variable named in cardform.toml",
    ),
    row(
        40127,
        "the card is deleted or being gifted",
        "the code was deleted by the user or is being gifted",
        Permanent,
        "nothing cardform can change",
    ),
    row(
        40164,
        "invalid ip, not in whitelist",
        "this machine's IP is not on the account's API IP whitelist",
        Permanent,
        "add this machine's IP to the whitelist in the Official Account settings",
    ),
    // 40170: the official api_get_authorizer_list doc's error table ("args count
    // exceed count limit" for count above 500; DOC-AL in the recorded PROVENANCE).
    row(
        40170,
        "args count exceed count limit",
        "a list call asked for more items than one page may hold",
        Permanent,
        "report a bug: cardform pages through authorizer lists 500 at a time",
    ),
    row(
        40243,
        "AppSecret is frozen",
        "the AppSecret is frozen",
        Permanent,
        "unfreeze or reset the AppSecret in the Official Account settings",
    ),
    row(
        41001,
        "access_token missing",
        "no access token was sent",
        Permanent,
        "report a bug: cardform sent a request without a token",
    ),
    row(
        41002,
        "appid missing",
        "no AppID was sent to the token endpoint",
        Permanent,
        "set account.appid in cardform.toml",
    ),
    row(
        41004,
        "appsecret missing",
        "no AppSecret was sent to the token endpoint",
        Permanent,
        "set the environment variable named in cardform.toml to the AppSecret",
    ),
    row(
        41005,
        "media data missing",
        "no image in the upload (multipart field `buffer`)",
        Permanent,
        "report a bug: cardform sent an upload without the image",
    ),
    row(
        41011,
        "missing required fields",
        "a required field is missing (errmsg names it)",
        Permanent,
        "add the field named in the message",
    ),
    row(
        41012,
        "missing card_id",
        "card_id missing",
        Permanent,
        "report a bug: cardform sent a request without card_id",
    ),
    row(
        42001,
        "access_token expired",
        "the access token expired",
        Auth,
        "cardform refreshes the token once; if it persists, check the token source",
    ),
    row(
        43001,
        "require GET method",
        "this API takes GET",
        Permanent,
        "report a bug: wrong HTTP method",
    ),
    row(
        43002,
        "require POST method",
        "this API takes POST",
        Permanent,
        "report a bug: wrong HTTP method",
    ),
    row(
        44002,
        "empty post data",
        "the request body was empty",
        Permanent,
        "report a bug: cardform sent an empty body",
    ),
    row(
        45009,
        "reach max api daily quota limit",
        "the daily API quota is used up",
        Quota,
        "stop until tomorrow, or reset the quota (10 resets a month) and run again",
    ),
    row(
        45011,
        "api minute-quota reach limit",
        "the per-minute frequency limit was hit",
        Transient,
        "cardform retries in the next minute; lower limits.requests_per_second",
    ),
    row(
        45021,
        "field is too long",
        "a field is too long (friends coupons: gift rule list over 10)",
        Permanent,
        "shorten the field; `cardform validate` counts bytes as WeChat does",
    ),
    row(
        45030,
        "this card_id has no api permission",
        "this card cannot be managed through the API",
        Permanent,
        "cards made on the MP web platform or by another account cannot be managed; remove it from state",
    ),
    row(
        45031,
        "stock is zero",
        "the stock is 0",
        State,
        "raise sku.quantity",
    ),
    row(
        45033,
        "user get card num limit",
        "a user claimed more than get_limit",
        Permanent,
        "raise get_limit",
    ),
    row(
        47001,
        "data format error",
        "malformed JSON, a non-updatable field (brand_name) or the wrong type key on update",
        Permanent,
        "this field cannot be updated in place: the plan should replace the card; report a bug if it did not",
    ),
    row(
        48001,
        "api unauthorized",
        "the API is not authorised for this account or token type",
        Permanent,
        "enable the card (卡券) feature, or authorise it for the third-party platform",
    ),
    row(
        48004,
        "api forbidden",
        "the API is banned for this account",
        Permanent,
        "see the notice in the Official Account admin console",
    ),
    // Open platform (第三方平台) codes: errmsg texts as WeChat answered them in threads
    // quoted on developers.weixin.qq.com/community (see `platform.rs` for the URLs).
    row(
        61003,
        "component is not authorized by this account",
        "the merchant revoked (or never granted) the third-party platform's authorisation",
        Permanent,
        "the merchant must authorise the platform again; this account is skipped until then",
    ),
    row(
        61004,
        "access clientip is not registered",
        "client IP not registered (newer code)",
        Permanent,
        "add this machine's IP to the API IP whitelist",
    ),
    row(
        61005,
        "component ticket is expired",
        "the component_verify_ticket is older than its 12-hour validity",
        Permanent,
        "give the latest component_verify_ticket WeChat pushed (every 10 minutes) to the authorisation-event URL",
    ),
    row(
        61006,
        "component ticket is invalid",
        "the component_verify_ticket is not one WeChat issued to this component",
        Permanent,
        "give the latest component_verify_ticket of this component AppID",
    ),
    row(
        61007,
        "api is unauthorized to component",
        "the permission set is not authorised to the third-party component",
        Permanent,
        "ask the merchant to authorise the card permission set",
    ),
    // 61009/61010: api_query_auth's code errors; UNVERIFIED (no stored source quotes
    // them), the emulator answers them for an unknown or expired authorization code.
    row(
        61009,
        "code is invalid",
        "the authorization code is unknown or was used already",
        Permanent,
        "start the authorisation again to get a new code",
    ),
    row(
        61010,
        "code is expired",
        "the authorization code is older than its validity",
        Permanent,
        "start the authorisation again to get a new code",
    ),
    row(
        61023,
        "refresh_token is invalid",
        "the authorizer_refresh_token is wrong or no longer valid",
        Permanent,
        "read the current refresh token from api_get_authorizer_list (cardform does so), or have the merchant authorise again",
    ),
    row(
        61500,
        "date format error",
        "a datacube date is not YYYY-MM-DD",
        Permanent,
        "write dates as 2015-06-15",
    ),
    row(
        61501,
        "date range error",
        "a datacube range is longer than 62 days",
        Permanent,
        "query at most 62 days at a time",
    ),
    row(
        76021,
        "cgi_path not found",
        "quota/get: unknown API path",
        Permanent,
        "check the path",
    ),
    row(
        76022,
        "could not use this cgi_path, no permission",
        "quota/get: token does not match the account",
        Permanent,
        "use the token of the account whose quota you ask for",
    ),
];

/// The row for `code`, if WeChat documents it.
pub fn lookup(code: i64) -> Option<&'static ErrCode> {
    ERRCODES.iter().find(|e| e.code == code)
}

/// The retry class of `code`; unknown codes are permanent (never retried blindly).
pub fn retry_class(code: i64) -> RetryClass {
    lookup(code).map(|e| e.class).unwrap_or(Permanent)
}

/// The errmsg WeChat sends for `code` (the emulator uses this).
pub fn errmsg(code: i64) -> &'static str {
    lookup(code).map(|e| e.errmsg).unwrap_or("unknown error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in ERRCODES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
    }

    #[test]
    fn classes_follow_the_reference() {
        assert_eq!(retry_class(-1), RetryClass::Transient);
        assert_eq!(retry_class(45011), RetryClass::Transient);
        assert_eq!(retry_class(45009), RetryClass::Quota);
        assert_eq!(retry_class(42001), RetryClass::Auth);
        assert_eq!(retry_class(40001), RetryClass::Auth);
        assert_eq!(retry_class(47001), RetryClass::Permanent);
        assert_eq!(retry_class(99999), RetryClass::Permanent);
    }
}
