//! The card endpoints the reconciler uses (reference §2, §5, §6.1, §6.2, §6.5, §6.9),
//! typed, each with its idempotency class.

use std::collections::HashSet;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::WeChatClient;
use super::error::ApiError;
use super::retry::Idempotency::{Idempotent, NotIdempotent};
use super::transport::{Body, Request, raw_for_error};

/// WeChat's page size cap for card/batchget.
pub const BATCHGET_MAX: u32 = 50;

/// One page of card/batchget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchGet {
    #[serde(default)]
    pub card_id_list: Vec<String>,
    #[serde(default)]
    pub total_num: u64,
}

#[derive(Debug, Deserialize)]
struct Colors {
    #[serde(default)]
    colors: Vec<ColorRow>,
}

#[derive(Debug, Deserialize)]
struct ColorRow {
    name: String,
    value: String,
}

fn shape_error(endpoint: &str, reason: &str, v: &Value) -> ApiError {
    ApiError::Malformed {
        endpoint: endpoint.to_string(),
        reason: reason.to_string(),
        raw: raw_for_error(v),
    }
}

impl WeChatClient {
    /// `card/get`: the whole answer (with `card`); the caller normalises it.
    ///
    /// # Errors
    /// 40073 for an unknown card_id; `Malformed` when the answer has no `card` object.
    pub async fn get_card(&self, card_id: &str) -> Result<Value, ApiError> {
        const EP: &str = "/card/get";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "card_id": card_id }),
                Idempotent,
            ))
            .await?;
        if !v.get("card").is_some_and(Value::is_object) {
            return Err(shape_error(EP, "no `card` object in the answer", &v));
        }
        Ok(v)
    }

    /// `card/batchget`: one page (`count` is capped at 50).
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when the page's fields have the wrong types.
    pub async fn batchget(
        &self,
        offset: u32,
        count: u32,
        status_list: Option<&[&str]>,
    ) -> Result<BatchGet, ApiError> {
        const EP: &str = "/card/batchget";
        let mut body = json!({ "offset": offset, "count": count.clamp(1, BATCHGET_MAX) });
        if let (Some(list), Some(obj)) = (status_list, body.as_object_mut()) {
            obj.insert("status_list".into(), json!(list));
        }
        let v = self.call(&Request::post_json(EP, body, Idempotent)).await?;
        serde_json::from_value::<BatchGet>(v.clone())
            .map_err(|e| shape_error(EP, &format!("card_id_list/total_num: {e}"), &v))
    }

    /// Every card_id of the account, paging by 50 until `total_num`. Duplicates (pages
    /// may shift while cards are created; ordering is UNVERIFIED) are dropped.
    ///
    /// # Errors
    /// The first failing page's error.
    pub async fn list_all_card_ids(&self) -> Result<Vec<String>, ApiError> {
        let mut ids = Vec::new();
        let mut seen = HashSet::new();
        let mut offset: u32 = 0;
        loop {
            let page = self.batchget(offset, BATCHGET_MAX, None).await?;
            let got = u32::try_from(page.card_id_list.len()).unwrap_or(u32::MAX);
            let before = ids.len();
            let new = page
                .card_id_list
                .into_iter()
                .filter(|id| seen.insert(id.clone()));
            ids.extend(new);
            offset = offset.saturating_add(got);
            // An empty page, or one with nothing new, ends the loop whatever total_num says.
            if got == 0 || ids.len() == before || u64::from(offset) >= page.total_num {
                return Ok(ids);
            }
        }
    }

    /// `card/create` with `card` = `{"card_type": "CASH", "cash": {…}}`; returns the card_id.
    ///
    /// # Errors
    /// 40071 for a malformed card, 45009 (quota), and `OutcomeUnknown` below.
    ///
    /// # Guarantees
    /// Never sent twice once it may have reached WeChat: a timeout, dropped connection,
    /// 5xx or unreadable answer gives `OutcomeUnknown` (the caller finds the card).
    pub async fn create_card(&self, card: &Value) -> Result<String, ApiError> {
        const EP: &str = "/card/create";
        let v = self
            .call(&Request::post_json(
                EP,
                json!({ "card": card }),
                NotIdempotent,
            ))
            .await?;
        match v.get("card_id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            // errcode 0 without a card_id: a card may exist; the caller must look.
            _ => Err(ApiError::OutcomeUnknown {
                endpoint: EP.to_string(),
                reason: format!(
                    "WeChat answered OK without a card_id: {}",
                    raw_for_error(&v)
                ),
            }),
        }
    }

    /// `card/update` with `body` = `{"base_info": {…}, …}` under the lower-case type key;
    /// returns `send_check` (true = the card went back to review).
    ///
    /// # Errors
    /// 47001 for a non-updatable field or wrong type key, among others.
    pub async fn update_card(
        &self,
        card_id: &str,
        type_key: &str,
        body: &Value,
    ) -> Result<bool, ApiError> {
        const EP: &str = "/card/update";
        let key = type_key.to_ascii_lowercase();
        let mut req = serde_json::Map::new();
        req.insert("card_id".into(), json!(card_id));
        req.insert(key, body.clone());
        // Same content twice has the same effect: idempotent.
        let v = self
            .call(&Request::post_json(EP, Value::Object(req), Idempotent))
            .await?;
        match v.get("send_check") {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(shape_error(
                EP,
                &format!("send_check is not a boolean: {other}"),
                &v,
            )),
        }
    }

    /// `card/delete`. A retry after a lost answer may get 40073 (already gone); the
    /// caller treats that as deleted.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn delete_card(&self, card_id: &str) -> Result<(), ApiError> {
        self.call(&Request::post_json(
            "/card/delete",
            json!({ "card_id": card_id }),
            Idempotent,
        ))
        .await
        .map(drop)
    }

    /// `card/modifystock`: `delta > 0` increases, `< 0` reduces, `0` makes no call.
    ///
    /// # Errors
    /// 40122 when reducing below what is left; `OutcomeUnknown` when the answer is lost.
    pub async fn modify_stock(&self, card_id: &str, delta: i64) -> Result<(), ApiError> {
        let field = match delta {
            0 => return Ok(()),
            d if d > 0 => "increase_stock_value",
            _ => "reduce_stock_value",
        };
        let mut body = serde_json::Map::new();
        body.insert("card_id".into(), json!(card_id));
        body.insert(field.into(), json!(delta.unsigned_abs()));
        self.call(&Request::post_json(
            "/card/modifystock",
            Value::Object(body),
            NotIdempotent,
        ))
        .await
        .map(drop)
    }

    /// `media/uploadimg` (multipart field `buffer`); returns the mmbiz URL.
    ///
    /// # Errors
    /// 40005/40009 for a wrong type or size; `OutcomeUnknown` when the answer is lost.
    pub async fn upload_image(&self, bytes: Vec<u8>, file_name: &str) -> Result<String, ApiError> {
        const EP: &str = "/cgi-bin/media/uploadimg";
        let req = Request {
            endpoint: EP,
            method: Method::POST,
            query: Vec::new(),
            secret_query: Vec::new(),
            body: Body::Multipart {
                field: "buffer",
                bytes,
                file_name: file_name.to_string(),
            },
            idempotency: NotIdempotent,
            body_holds_secrets: false,
        };
        let v = self.call(&req).await?;
        match v.get("url").and_then(Value::as_str) {
            Some(url) if !url.is_empty() => Ok(url.to_string()),
            _ => Err(shape_error(EP, "no `url` in the answer", &v)),
        }
    }

    /// `card/getcolors`: `(name, value)` pairs such as `("Color010", "#63b359")`.
    ///
    /// # Errors
    /// Any [`ApiError`]; `Malformed` when `colors` has the wrong shape.
    pub async fn get_colors(&self) -> Result<Vec<(String, String)>, ApiError> {
        const EP: &str = "/card/getcolors";
        let req = Request::get(EP);
        let v = self.call(&req).await?;
        let colors: Colors = serde_json::from_value(v.clone())
            .map_err(|e| shape_error(EP, &format!("colors: {e}"), &v))?;
        Ok(colors
            .colors
            .into_iter()
            .map(|c| (c.name, c.value))
            .collect())
    }
}
