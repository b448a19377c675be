//! Getting cards to people and reading how they did: the test whitelist (reference
//! §6.4), claim QR codes (§6.3) and the data cube (§7).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::WeChatClient;
use super::error::ApiError;
use super::retry::Idempotency::Idempotent;
use super::transport::{Request, raw_for_error};

fn malformed(endpoint: &str, what: String, v: &Value) -> ApiError {
    ApiError::Malformed {
        endpoint: endpoint.to_string(),
        reason: what,
        raw: raw_for_error(v),
    }
}

/// What `card/testwhitelist/set` accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhitelistSet {
    #[serde(default)]
    pub white_list_size: u64,
    #[serde(default)]
    pub success_openid: Vec<String>,
    #[serde(default)]
    pub success_username: Vec<String>,
}

/// A claim QR code request (`card/qrcode/create`, `QR_CARD`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QrRequest {
    pub card_id: String,
    /// One random code per scan; needs an approved card with stock.
    pub is_unique_code: bool,
    /// 60–1800; `None`: 365 days.
    pub expire_seconds: Option<u64>,
    /// Scene value echoed in the claim event.
    pub outer_str: Option<String>,
}

/// A claim QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCode {
    pub ticket: String,
    #[serde(default)]
    pub expire_seconds: Option<u64>,
    pub url: String,
    pub show_qrcode_url: String,
}

/// One day of `datacube/getcardbizuininfo` or `getcardcardinfo` (reference §7).
/// Counters WeChat leaves out read as 0; a counter may be a number or a numeric
/// string. Real answers carry more fields (`is_pay`, `isfriendscard`,
/// `verify_noself_cnt`…), ignored here, and a `card_type` that may disagree with the
/// card (a GROUPON reported as 1): it is not read; rows are the card_id's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CubeDay {
    #[serde(deserialize_with = "super::lenient::string_any")]
    pub ref_date: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_id"
    )]
    pub card_id: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub view_cnt: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub view_user: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub receive_cnt: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub receive_user: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub verify_cnt: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub verify_user: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub given_cnt: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub given_user: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub expire_cnt: u64,
    #[serde(default, deserialize_with = "super::lenient::u64_any")]
    pub expire_user: u64,
}

fn opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    super::lenient::string_any(d).map(|s| Some(s).filter(|s| !s.is_empty()))
}

/// Whose data cube figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CubeScope<'a> {
    /// The account overview (`getcardbizuininfo`).
    Account,
    /// Every card, a row per card and day (`getcardcardinfo` without `card_id`).
    AllCards,
    /// One card.
    Card(&'a str),
}

/// Which cards the data cube counts (`cond_source`, reference §7): WeChat answers for
/// one source a call, so every card takes one call per source, added together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CubeSource {
    /// Cards made on the MP platform (公众平台), `cond_source` 0.
    Mp,
    /// Cards made through the API, `cond_source` 1.
    Api,
}

impl CubeSource {
    /// Both sources, MP first: every card of the account is in one of them.
    pub const ALL: [CubeSource; 2] = [CubeSource::Mp, CubeSource::Api];

    /// The `cond_source` value.
    pub fn cond_source(self) -> u8 {
        match self {
            CubeSource::Mp => 0,
            CubeSource::Api => 1,
        }
    }
}

#[derive(Deserialize)]
struct CubeList {
    #[serde(default)]
    list: Vec<CubeDay>,
}

impl WeChatClient {
    /// `card/testwhitelist/set`: replaces the whole test whitelist (an empty list
    /// clears it). A full replacement, so repeating it is harmless.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn set_test_whitelist(
        &self,
        openids: &[String],
        usernames: &[String],
    ) -> Result<WhitelistSet, ApiError> {
        const EP: &str = "/card/testwhitelist/set";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "openid": openids, "username": usernames }),
                Idempotent,
            ))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("whitelist: {e}"), &v))
    }

    /// `card/qrcode/create` for one card. Not idempotent in WeChat's sense (each call
    /// makes a new ticket) but harmless to repeat: nothing is spent.
    ///
    /// # Errors
    /// Any [`ApiError`] (40078 for `is_unique_code` on a card that is not approved).
    pub async fn create_qrcode(&self, req: &QrRequest) -> Result<QrCode, ApiError> {
        const EP: &str = "/card/qrcode/create";
        let mut card = json!({ "card_id": req.card_id });
        if let Some(obj) = card.as_object_mut() {
            if req.is_unique_code {
                obj.insert("is_unique_code".into(), json!(true));
            }
            if let Some(s) = &req.outer_str {
                obj.insert("outer_str".into(), json!(s));
            }
        }
        let mut body = json!({ "action_name": "QR_CARD", "action_info": { "card": card } });
        if let (Some(secs), Some(obj)) = (req.expire_seconds, body.as_object_mut()) {
            obj.insert("expire_seconds".into(), json!(secs));
        }
        let v = self.call(&Request::post_json(EP, body, Idempotent)).await?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(EP, format!("qrcode: {e}"), &v))
    }

    /// `datacube/getcardbizuininfo` (the account) or `getcardcardinfo` (every card, or
    /// one) over one range of at most 62 days (`YYYY-MM-DD`, inclusive), for the cards
    /// of one `source` (`cond_source`: made on the MP platform or through the API).
    ///
    /// # Errors
    /// Any [`ApiError`] (61500 bad date, 61501 range over 62 days).
    pub async fn datacube(
        &self,
        begin: &str,
        end: &str,
        scope: CubeScope<'_>,
        source: CubeSource,
    ) -> Result<Vec<CubeDay>, ApiError> {
        let mut body = json!({
            "begin_date": begin,
            "end_date": end,
            "cond_source": source.cond_source(),
        });
        let ep = match scope {
            CubeScope::Account => "/datacube/getcardbizuininfo",
            CubeScope::AllCards => "/datacube/getcardcardinfo",
            CubeScope::Card(id) => {
                if let Some(obj) = body.as_object_mut() {
                    obj.insert("card_id".into(), json!(id));
                }
                "/datacube/getcardcardinfo"
            }
        };
        let v = self.call(&Request::post_json(ep, body, Idempotent)).await?;
        serde_json::from_value::<CubeList>(v.clone())
            .map(|l| l.list)
            .map_err(|e| malformed(ep, format!("datacube: {e}"), &v))
    }
}
