//! The sub-merchant endpoints (第三方协助制券, `cardform_spec::submerchant`) and
//! temporary media (`cgi-bin/media/upload`), with readers for the shapes WeChat writes:
//! `merchant_id` a number in submit/update/batchget and a string in get, ids and
//! times as numbers or numeric strings, optional fields left out.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::client::WeChatClient;
use super::error::ApiError;
use super::lenient;
use super::platform::{ReadError, SubMerchant, read_submerchant};
use super::retry::Idempotency::{Idempotent, NotIdempotent};
use super::transport::{Body, Request, raw_for_error};

/// One secondary category of `card/getapplyprotocol`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SecondaryCategory {
    #[serde(deserialize_with = "lenient::u64_any")]
    pub secondary_category_id: u64,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub category_name: String,
}

/// One primary category of `card/getapplyprotocol`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrimaryCategory {
    #[serde(deserialize_with = "lenient::u64_any")]
    pub primary_category_id: u64,
    #[serde(default, deserialize_with = "lenient::string_any")]
    pub category_name: String,
    #[serde(default)]
    pub secondary_category: Vec<SecondaryCategory>,
}

impl PrimaryCategory {
    /// Whether `secondary` is one of this category's.
    pub fn has(&self, secondary: u64) -> bool {
        self.secondary_category
            .iter()
            .any(|s| s.secondary_category_id == secondary)
    }
}

#[derive(Deserialize)]
struct Protocol {
    #[serde(default)]
    category: Vec<PrimaryCategory>,
}

/// Reads a `card/getapplyprotocol` answer (unknown fields ignored).
///
/// # Errors
/// A category without a readable id; the error keeps the body.
pub fn read_apply_protocol(v: &Value) -> Result<Vec<PrimaryCategory>, ReadError> {
    serde_json::from_value::<Protocol>(v.clone())
        .map(|p| p.category)
        .map_err(|e| ReadError {
            what: "card/getapplyprotocol",
            reason: e.to_string(),
            raw: raw_for_error(v),
        })
}

/// One page of `card/submerchant/batchget`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubMerchantPage {
    #[serde(default)]
    pub info_list: Vec<SubMerchant>,
    /// 0 (or absent) on the last page.
    #[serde(default, deserialize_with = "lenient::u64_any")]
    pub next_begin_id: u64,
}

/// Reads a `card/submerchant/batchget` answer.
///
/// # Errors
/// An item without a readable `merchant_id`; the error keeps the body.
pub fn read_batchget(v: &Value) -> Result<SubMerchantPage, ReadError> {
    serde_json::from_value::<SubMerchantPage>(v.clone()).map_err(|e| ReadError {
        what: "card/submerchant/batchget",
        reason: e.to_string(),
        raw: raw_for_error(v),
    })
}

/// A temporary media file (`media/upload`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UploadedMedia {
    #[serde(deserialize_with = "lenient::string_any")]
    pub media_id: String,
    /// Unix seconds; 0 when WeChat left it out.
    #[serde(default, deserialize_with = "lenient::i64_any")]
    pub created_at: i64,
}

/// Reads a `media/upload` answer.
///
/// # Errors
/// No `media_id`.
pub fn read_media(v: &Value) -> Result<UploadedMedia, ReadError> {
    match serde_json::from_value::<UploadedMedia>(v.clone()) {
        Ok(m) if !m.media_id.is_empty() => Ok(m),
        Ok(_) => Err(ReadError {
            what: "media/upload",
            reason: "empty media_id".into(),
            raw: raw_for_error(v),
        }),
        Err(e) => Err(ReadError {
            what: "media/upload",
            reason: e.to_string(),
            raw: raw_for_error(v),
        }),
    }
}

fn malformed(endpoint: &str, e: &ReadError) -> ApiError {
    ApiError::Malformed {
        endpoint: endpoint.to_string(),
        reason: e.reason.clone(),
        raw: e.raw.clone(),
    }
}

impl WeChatClient {
    /// `card/submerchant/submit {info}` → the new sub-merchant (status CHECKING).
    /// Not idempotent: a retry could submit twice.
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when the answer has no readable `info`.
    pub async fn submit_sub_merchant(&self, info: Value) -> Result<SubMerchant, ApiError> {
        const EP: &str = "/card/submerchant/submit";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "info": info }),
                NotIdempotent,
            ))
            .await?;
        read_submerchant(&v).map_err(|e| malformed(EP, &e))
    }

    /// `card/submerchant/update {info{merchant_id, …}}`. Idempotent: it sets values.
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when the answer has no readable `info`.
    pub async fn update_sub_merchant(&self, info: Value) -> Result<SubMerchant, ApiError> {
        const EP: &str = "/card/submerchant/update";
        let v = self
            .call(&Request::post_json(EP, json!({ "info": info }), Idempotent))
            .await?;
        read_submerchant(&v).map_err(|e| malformed(EP, &e))
    }

    /// `card/submerchant/get {merchant_id}`.
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when the answer has no readable `info`.
    pub async fn get_sub_merchant(&self, merchant_id: u64) -> Result<SubMerchant, ApiError> {
        const EP: &str = "/card/submerchant/get";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "merchant_id": merchant_id }),
                Idempotent,
            ))
            .await?;
        read_submerchant(&v).map_err(|e| malformed(EP, &e))
    }

    /// Every sub-merchant of the account (`card/submerchant/batchget`, pages of 100).
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` for an unreadable page.
    pub async fn list_sub_merchants(&self) -> Result<Vec<SubMerchant>, ApiError> {
        const EP: &str = "/card/submerchant/batchget";
        let mut out = Vec::new();
        let mut begin = 0u64;
        // A bound against an answer whose next_begin_id never ends the walk.
        for _ in 0..10_000 {
            let body = json!({
                "begin_id": begin,
                "limit": cardform_spec::submerchant::MAX_BATCHGET,
                "status": "",
            });
            let v = self.call(&Request::post_json(EP, body, Idempotent)).await?;
            let page = read_batchget(&v).map_err(|e| malformed(EP, &e))?;
            out.extend(page.info_list);
            if page.next_begin_id == 0 || page.next_begin_id <= begin {
                break;
            }
            begin = page.next_begin_id;
        }
        Ok(out)
    }

    /// `card/getapplyprotocol`: the categories a sub-merchant may be filed under.
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when `category` has the wrong shape.
    pub async fn get_apply_protocol(&self) -> Result<Vec<PrimaryCategory>, ApiError> {
        const EP: &str = "/card/getapplyprotocol";
        let v = self.call(&Request::get(EP)).await?;
        read_apply_protocol(&v).map_err(|e| malformed(EP, &e))
    }

    /// `cgi-bin/media/upload?type=…` (multipart `media`): a temporary media file, which
    /// lives 3 days. Not idempotent (each call makes a new media id).
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when the answer has no `media_id`.
    pub async fn upload_media(
        &self,
        kind: &'static str,
        bytes: Vec<u8>,
        file_name: &str,
    ) -> Result<UploadedMedia, ApiError> {
        const EP: &str = "/cgi-bin/media/upload";
        let req = Request {
            endpoint: EP,
            method: Method::POST,
            query: vec![("type", kind.to_string())],
            secret_query: Vec::new(),
            body: Body::Multipart {
                field: "media",
                bytes,
                file_name: file_name.to_string(),
            },
            idempotency: NotIdempotent,
            body_holds_secrets: false,
        };
        let v = self.call(&req).await?;
        read_media(&v).map_err(|e| malformed(EP, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_reads_with_ids_as_strings_and_fields_missing() {
        let v = json!({"errcode": 0, "errmsg": "ok", "category": [
            {"primary_category_id": 1, "category_name": "美食", "secondary_category": [
                {"secondary_category_id": 101, "category_name": "粤菜",
                 "need_qualification_stuffs": ["food_health_permit_media_id"],
                 "can_choose_prepaid_card": 1}]},
            {"primary_category_id": "2", "secondary_category": [
                {"secondary_category_id": "201"}]},
            {"primary_category_id": 3}
        ]});
        let c = read_apply_protocol(&v).unwrap();
        assert_eq!(c.len(), 3);
        assert!(c[0].has(101));
        assert_eq!(
            (c[1].primary_category_id, c[1].category_name.as_str()),
            (2, "")
        );
        assert!(c[1].has(201));
        assert!(c[2].secondary_category.is_empty());
        // No category at all: an empty list, not an error.
        assert!(
            read_apply_protocol(&json!({"errcode": 0}))
                .unwrap()
                .is_empty()
        );
        let e =
            read_apply_protocol(&json!({"category": [{"primary_category_id": "x"}]})).unwrap_err();
        assert!(e.to_string().contains("\"x\""), "{e}");
    }

    #[test]
    fn a_batchget_page_reads_numbers_and_strings() {
        let v = json!({"errcode": 0, "errmsg": "ok", "info_list": [
            {"merchant_id": 12, "status": "CHECKING", "brand_name": "b",
             "primary_category_id": 1, "secondary_category_id": 101},
            {"merchant_id": "13", "status": "APPROVED", "end_time": "1438990559"}],
            "next_begin_id": "0"});
        let p = read_batchget(&v).unwrap();
        assert_eq!(p.info_list.len(), 2);
        assert_eq!(p.info_list[1].merchant_id, 13);
        assert_eq!(p.info_list[1].end_time, 1_438_990_559);
        assert_eq!(p.next_begin_id, 0);
        assert!(read_batchget(&json!({"info_list": [{"status": "X"}]})).is_err());
    }

    #[test]
    fn media_answers_read_with_or_without_created_at() {
        let m =
            read_media(&json!({"type": "image", "media_id": "MID", "created_at": 1_380_000_000}))
                .unwrap();
        assert_eq!((m.media_id.as_str(), m.created_at), ("MID", 1_380_000_000));
        let m =
            read_media(&json!({"type": "image", "media_id": "MID", "created_at": "1380000000"}))
                .unwrap();
        assert_eq!(m.created_at, 1_380_000_000);
        assert_eq!(read_media(&json!({"media_id": "M"})).unwrap().created_at, 0);
        assert!(read_media(&json!({"media_id": ""})).is_err());
        assert!(read_media(&json!({"url": "x"})).is_err());
    }
}
