//! Third-party platform (第三方平台 / 服务商) facts: the open-platform endpoints, paging,
//! lifetimes, the card permission set and the errcodes the open platform answers with
//! (reference §1.2 and §16). The client, the emulator and the product read them here.
//!
//! Sources (each row of [`FACTS`] names one):
//! - WXJ: WxJava `weixin-java-open` `WxOpenService` constants (`API_COMPONENT_TOKEN_URL`,
//!   `API_QUERY_AUTH_URL`, `API_AUTHORIZER_TOKEN_URL`, `API_GET_AUTHORIZER_INFO_URL`,
//!   `API_GET_AUTHORIZER_LIST`), reference §1.2.
//! - GOSDK: github.com/yangfanlalala/wx `authorization/authorizer.go` (the
//!   `api_get_authorizer_list` / `api_get_authorizer_info` URLs with
//!   `?component_access_token=`); github.com/dowsorg/dows-sdk
//!   `GetAuthorizerListRequest.java` ("拉取数量，最大为 500", linking the official
//!   doc `authorization-management/getAuthorizerList.html`).
//! - COMM-61005: developers.weixin.qq.com/community/develop/doc/000e682c41886826944066f946a400
//!   (`{"errcode":61005,"errmsg":"component ticket is expired rid: …"}` from
//!   api_component_token; the platform assistant answers "请获取最新ticket").
//! - COMM-61006: developers.weixin.qq.com/community/develop/doc/0000ee79190a28d2c82de625556c00
//!   (`{"errcode":61006,"errmsg":"component ticket is invalid rid: …"}`).
//! - COMM-61003: developers.weixin.qq.com/community/personal/oCJUsw0QoJ4DccDYTJ26EIsFJOqc/answer
//!   (api_authorizer_token answering `61003 component is not authorized by this account`
//!   for an authorizer that had been de-authorised).
//! - COMM-61023: developers.weixin.qq.com/community/develop/doc/00024686238320f6afee3e3c251800
//!   (api_authorizer_token answering `61023 refresh_token is invalid`).
//! - TROUBLE: reference §1.2, oplatform troubleshooting (48001 api unauthorized, 61007).
//! - DOC-AL: developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/authorization-management/getAuthorizerList.html
//!   (count "最大为 500"; error table 40170 "args count exceed count limit"; the
//!   answer has no errcode; the newer doc passes the token as `?access_token=`).
//! - TICKET: reference §16 (the ticket is pushed every 10 minutes, valid 12 hours).

/// `POST`, no token; body `{component_appid, component_appsecret, component_verify_ticket}`.
pub const COMPONENT_TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";
/// `POST ?component_access_token=`; body `{component_appid, authorization_code}`.
pub const QUERY_AUTH_PATH: &str = "/cgi-bin/component/api_query_auth";
/// `POST ?component_access_token=`; body `{component_appid, authorizer_appid,
/// authorizer_refresh_token}`.
pub const AUTHORIZER_TOKEN_PATH: &str = "/cgi-bin/component/api_authorizer_token";
/// `POST ?component_access_token=`; body `{component_appid, offset, count}`.
pub const AUTHORIZER_LIST_PATH: &str = "/cgi-bin/component/api_get_authorizer_list";
/// `POST ?component_access_token=`; body `{component_appid, authorizer_appid}`.
pub const AUTHORIZER_INFO_PATH: &str = "/cgi-bin/component/api_get_authorizer_info";

/// The most authorizers one `api_get_authorizer_list` page returns (`count` ≤ 500).
pub const AUTHORIZER_LIST_MAX_COUNT: u32 = 500;
/// How long a `component_verify_ticket` is valid after WeChat pushed it.
pub const VERIFY_TICKET_VALIDITY_SECS: i64 = 12 * 3600;
/// How often WeChat pushes a new `component_verify_ticket`.
pub const VERIFY_TICKET_PUSH_INTERVAL_SECS: i64 = 600;
/// `expires_in` of a component_access_token.
pub const COMPONENT_TOKEN_TTL_SECS: u64 = 7200;
/// `expires_in` of an authorizer_access_token.
pub const AUTHORIZER_TOKEN_TTL_SECS: u64 = 7200;
/// A component token cached in the state backend (shared by the shards and runs of a
/// platform, since its fetches are rate-limited: reference §16 "cache it") is used only
/// while at least this long is left of WeChat's `expires_in`; with less, it is fetched
/// anew. cardform's choice: a run that starts with it has 10 minutes before its own
/// refresh margin, and a runner's clock a few minutes off still finds it valid.
pub const COMPONENT_TOKEN_REUSE_MARGIN_SECS: u64 = 600;

/// The `func_info[].funcscope_category.id` of the card (微信卡券) permission set.
/// UNVERIFIED: no stored source lists the id; 8 is the value the reference (§16) gives.
pub const CARD_FUNCSCOPE_ID: i64 = 8;
/// Whether [`CARD_FUNCSCOPE_ID`] is confirmed by a source (it is not).
pub const CARD_FUNCSCOPE_VERIFIED: bool = false;

/// api_component_token: the verify ticket is older than 12 hours (COMM-61005).
pub const TICKET_EXPIRED: i64 = 61005;
/// api_component_token: the verify ticket is not this component's (COMM-61006).
pub const TICKET_INVALID: i64 = 61006;
/// api_authorizer_token / api_get_authorizer_info: the authorizer revoked the
/// platform's authorisation (COMM-61003).
pub const NOT_AUTHORIZED: i64 = 61003;
/// api_authorizer_token: the refresh token is wrong or no longer valid (COMM-61023).
pub const REFRESH_TOKEN_INVALID: i64 = 61023;
/// A card call with the token of an authorizer that did not grant the card permission
/// set (TROUBLE).
pub const API_UNAUTHORIZED: i64 = 48001;
/// The permission set is not authorised to the component (TROUBLE).
pub const UNAUTHORIZED_TO_COMPONENT: i64 = 61007;
/// api_get_authorizer_list: `count` above 500 (DOC-AL: the official doc's error table,
/// "args count exceed count limit").
pub const LIST_COUNT_EXCEEDED: i64 = 40170;

/// One platform fact, for `cardform rules`-style listings and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformFact {
    pub fact: &'static str,
    pub value: &'static str,
    /// A source key from this module's header, or `UNVERIFIED`.
    pub source: &'static str,
}

const fn fact(fact: &'static str, value: &'static str, source: &'static str) -> PlatformFact {
    PlatformFact {
        fact,
        value,
        source,
    }
}

/// The table (the constants above, with where each comes from).
pub const FACTS: &[PlatformFact] = &[
    fact("component token endpoint", COMPONENT_TOKEN_PATH, "WXJ"),
    fact("query auth endpoint", QUERY_AUTH_PATH, "WXJ"),
    fact("authorizer token endpoint", AUTHORIZER_TOKEN_PATH, "WXJ"),
    fact(
        "authorizer list endpoint",
        AUTHORIZER_LIST_PATH,
        "WXJ, GOSDK",
    ),
    fact(
        "authorizer info endpoint",
        AUTHORIZER_INFO_PATH,
        "WXJ, GOSDK",
    ),
    fact("authorizer list page size", "count <= 500", "GOSDK, DOC-AL"),
    fact("authorizer list count above 500", "40170", "DOC-AL"),
    fact("verify ticket validity", "12 h", "TICKET"),
    fact("verify ticket push interval", "10 min", "TICKET"),
    fact("component token expires_in", "7200 s", "reference §16"),
    fact("authorizer token expires_in", "7200 s", "reference §16"),
    fact(
        "component token reused from the state while left",
        ">= 600 s",
        "reference §16 (cache it); the margin is cardform's",
    ),
    fact("card permission set funcscope id", "8", "UNVERIFIED"),
    fact("ticket expired", "61005", "COMM-61005"),
    fact("ticket invalid", "61006", "COMM-61006"),
    fact("authorisation revoked", "61003", "COMM-61003"),
    fact("refresh token invalid", "61023", "COMM-61023"),
    fact(
        "card call without the card permission set",
        "48001",
        "TROUBLE",
    ),
    fact(
        "permission set not authorised to the component",
        "61007",
        "TROUBLE",
    ),
];

/// Whether a verify ticket created at `created_s` is stale at `now_s` (Unix seconds).
pub fn ticket_is_stale(created_s: i64, now_s: i64) -> bool {
    now_s.saturating_sub(created_s) >= VERIFY_TICKET_VALIDITY_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_errcode_fact_is_in_the_errcode_table() {
        for code in [
            TICKET_EXPIRED,
            TICKET_INVALID,
            NOT_AUTHORIZED,
            REFRESH_TOKEN_INVALID,
            API_UNAUTHORIZED,
            UNAUTHORIZED_TO_COMPONENT,
            LIST_COUNT_EXCEEDED,
        ] {
            assert!(crate::errcode::lookup(code).is_some(), "{code}");
        }
        assert!(FACTS.iter().any(|f| f.source == "UNVERIFIED"));
        // The card permission id is marked UNVERIFIED in the table as in the constant.
        assert!(
            FACTS
                .iter()
                .any(|f| f.value == "8" && f.source == "UNVERIFIED")
        );
    }

    #[test]
    fn a_ticket_is_stale_after_twelve_hours() {
        assert!(!ticket_is_stale(0, 12 * 3600 - 1));
        assert!(ticket_is_stale(0, 12 * 3600));
    }
}
