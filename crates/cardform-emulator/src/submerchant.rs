//! Sub-merchants (第三方协助制券, `cardform_spec::submerchant`): `card/submerchant/submit`,
//! `update`, `get`, `batchget`, `card/getapplyprotocol`, temporary media
//! (`cgi-bin/media/upload`, 3 days of emulator clock, then 40007), the check that a
//! card naming `base_info.sub_merchant_info.merchant_id` names an approved
//! sub-merchant, and the admin review (`POST /__emulator/submerchant_review`).
//!
//! How the answers are written: submit, update and batchget write `merchant_id` as a
//! number, get as a string (`cardform_client::platform::read_submerchant` reads both).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::persistence::Entry;
use super::reply::{ApiError, as_u64, ok};
use super::request::{Input, Upload};
use super::world::World;
use cardform_spec::submerchant::{
    APPROVED, CATEGORIES, CHECKING, EXPIRED, INVALID_MEDIA_ERRCODE, MAX_BATCHGET, MEDIA_TTL_SECS,
    REJECTED, UNAPPROVED_MERCHANT_ERRCODE, is_known_pair,
};

/// The largest temporary media file the emulator takes (WeChat: 10 MB for images;
/// the emulator reads at most `request::MAX_BODY_BYTES`).
pub const MAX_MEDIA_BYTES: usize = super::request::MAX_BODY_BYTES;

/// brand_name: 12 汉字 (36 UTF-8 bytes), as a card's.
const BRAND_NAME_BYTES: usize = cardform_spec::fields::bytes::BRAND_NAME;

/// One sub-merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubMerchantRecord {
    pub merchant_id: u64,
    #[serde(default)]
    pub app_id: String,
    pub brand_name: String,
    pub logo_url: String,
    pub protocol: String,
    #[serde(default)]
    pub agreement_media_id: String,
    #[serde(default)]
    pub operator_media_id: String,
    pub begin_time: i64,
    pub end_time: i64,
    pub primary_category_id: u64,
    pub secondary_category_id: u64,
    /// CHECKING, APPROVED or REJECTED (EXPIRED is read from `end_time`).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub create_time: i64,
    pub update_time: i64,
}

impl SubMerchantRecord {
    /// The status at `now_s`: an approved sub-merchant whose protocol ended is EXPIRED.
    pub fn status_at(&self, now_s: i64) -> &str {
        if self.status == APPROVED && self.end_time <= now_s {
            EXPIRED
        } else {
            &self.status
        }
    }

    /// `info` as WeChat writes it; `id_as_string` for card/submerchant/get.
    pub fn view(&self, now_s: i64, id_as_string: bool) -> Value {
        let id = if id_as_string {
            json!(self.merchant_id.to_string())
        } else {
            json!(self.merchant_id)
        };
        json!({
            "merchant_id": id,
            "app_id": self.app_id,
            "brand_name": self.brand_name,
            "logo_url": self.logo_url,
            "status": self.status_at(now_s),
            "begin_time": self.begin_time,
            "end_time": self.end_time,
            "primary_category_id": self.primary_category_id,
            "secondary_category_id": self.secondary_category_id,
            "create_time": self.create_time,
            "update_time": self.update_time,
        })
    }
}

/// One temporary media file (`media/upload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRecord {
    pub media_id: String,
    /// `type` as uploaded (image, voice, video, thumb).
    pub kind: String,
    /// Unix seconds on the emulator's clock.
    pub created_at: i64,
}

/// The sub-merchants and temporary media of the world.
#[derive(Debug, Default)]
pub struct SubMerchants {
    pub merchants: BTreeMap<u64, SubMerchantRecord>,
    pub media: BTreeMap<String, MediaRecord>,
}

impl SubMerchants {
    pub fn put_merchant(&mut self, rec: SubMerchantRecord) {
        self.merchants.insert(rec.merchant_id, rec);
    }

    pub fn put_media(&mut self, rec: MediaRecord) {
        self.media.insert(rec.media_id.clone(), rec);
    }

    fn next_id(&self) -> u64 {
        self.merchants.keys().next_back().map_or(1, |k| k + 1)
    }
}

fn info_of(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    match body.get("info") {
        Some(Value::Object(o)) => Ok(o),
        None | Some(Value::Null) => Err(ApiError::with(41011, "info")),
        Some(_) => Err(ApiError::with(47001, "info must be an object")),
    }
}

fn str_field<'a>(info: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match info.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::with(
            47001,
            format!("info.{key} must be a string"),
        )),
    }
}

fn u64_field(info: &Map<String, Value>, key: &str) -> Result<Option<u64>, ApiError> {
    match info.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => as_u64(v).map(Some).ok_or_else(|| {
            ApiError::with(47001, format!("info.{key} must be a non-negative integer"))
        }),
    }
}

/// A media id that must exist and be younger than 3 days (else 40007).
fn check_media(world: &World, key: &str, id: &str) -> Result<(), ApiError> {
    let now = world.now_s();
    match world.sub_merchants.media.get(id) {
        Some(m) if m.created_at + MEDIA_TTL_SECS > now => Ok(()),
        Some(_) => Err(ApiError::with(
            INVALID_MEDIA_ERRCODE,
            format!("(info.{key}: the temporary media expired: they live 3 days)"),
        )),
        None => Err(ApiError::with(
            INVALID_MEDIA_ERRCODE,
            format!("(info.{key}: no such media id)"),
        )),
    }
}

/// Reads and checks `info` into `rec` (`rec` holds the current values for update).
fn fill(
    world: &World,
    info: &Map<String, Value>,
    rec: &mut SubMerchantRecord,
    creating: bool,
) -> Result<(), ApiError> {
    let required = |key: &str, v: Option<&str>| -> Result<String, ApiError> {
        match v {
            Some(s) if !s.is_empty() => Ok(s.to_string()),
            _ if !creating => Err(ApiError::with(41011, format!("info.{key}"))),
            _ => Err(ApiError::with(41011, format!("info.{key}"))),
        }
    };
    if let Some(v) = str_field(info, "brand_name")? {
        rec.brand_name = v.to_string();
    } else if creating {
        required("brand_name", None)?;
    }
    if rec.brand_name.is_empty() || rec.brand_name.len() > BRAND_NAME_BYTES {
        return Err(ApiError::with(
            47001,
            format!("info.brand_name must be 1–{BRAND_NAME_BYTES} bytes"),
        ));
    }
    if let Some(v) = str_field(info, "logo_url")? {
        rec.logo_url = v.to_string();
    }
    rec.logo_url = required("logo_url", Some(rec.logo_url.as_str()))?;
    if let Some(v) = str_field(info, "protocol")? {
        check_media(world, "protocol", v)?;
        rec.protocol = v.to_string();
    }
    rec.protocol = required("protocol", Some(rec.protocol.as_str()))?;
    for (key, slot) in [
        ("agreement_media_id", &mut rec.agreement_media_id),
        ("operator_media_id", &mut rec.operator_media_id),
    ] {
        if let Some(v) = str_field(info, key)? {
            if !v.is_empty() {
                check_media(world, key, v)?;
            }
            *slot = v.to_string();
        }
    }
    if let Some(v) = str_field(info, "app_id")? {
        rec.app_id = v.to_string();
    }
    if let Some(t) = u64_field(info, "end_time")? {
        rec.end_time = i64::try_from(t).unwrap_or(i64::MAX);
    } else if creating {
        return Err(ApiError::with(41011, "info.end_time"));
    }
    if rec.end_time <= world.now_s() {
        return Err(ApiError::with(
            47001,
            "info.end_time must be in the future (the protocol's end)",
        ));
    }
    let primary = u64_field(info, "primary_category_id")?;
    let secondary = u64_field(info, "secondary_category_id")?;
    if creating && (primary.is_none() || secondary.is_none()) {
        return Err(ApiError::with(
            41011,
            "info.primary_category_id, info.secondary_category_id",
        ));
    }
    let (p, s) = (
        primary.unwrap_or(rec.primary_category_id),
        secondary.unwrap_or(rec.secondary_category_id),
    );
    if !is_known_pair(p, s) {
        return Err(ApiError::with(
            40097,
            format!("(category {p}/{s} is not a pair of card/getapplyprotocol)"),
        ));
    }
    rec.primary_category_id = p;
    rec.secondary_category_id = s;
    Ok(())
}

/// `POST /card/submerchant/submit {info{…}}` → `info` (status CHECKING).
pub fn submit(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let info = info_of(&input.json)?;
    let now = world.now_s();
    let mut rec = SubMerchantRecord {
        merchant_id: world.sub_merchants.next_id(),
        app_id: String::new(),
        brand_name: String::new(),
        logo_url: String::new(),
        protocol: String::new(),
        agreement_media_id: String::new(),
        operator_media_id: String::new(),
        begin_time: now,
        end_time: 0,
        primary_category_id: 0,
        secondary_category_id: 0,
        status: CHECKING.to_string(),
        reason: None,
        create_time: now,
        update_time: now,
    };
    fill(world, info, &mut rec, true)?;
    let view = rec.view(now, false);
    world.commit(Entry::SubMerchant(rec))?;
    Ok(ok(json!({ "info": view })))
}

fn merchant_id_of(v: &Value, key: &str) -> Result<u64, ApiError> {
    match v.get("merchant_id") {
        None | Some(Value::Null) => Err(ApiError::with(41011, key.to_string())),
        Some(id) => as_u64(id)
            .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| ApiError::with(47001, format!("{key} must be an integer"))),
    }
}

fn known(world: &World, id: u64) -> Result<SubMerchantRecord, ApiError> {
    world
        .sub_merchants
        .merchants
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::with(40097, format!("(no sub-merchant {id})")))
}

/// `POST /card/submerchant/update {info{merchant_id, …}}`: the changed sub-merchant
/// goes back to CHECKING (UNVERIFIED: assumed reviewed again, as a card is).
pub fn update(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let info = info_of(&input.json)?;
    let id = merchant_id_of(&input.json["info"], "info.merchant_id")?;
    let mut rec = known(world, id)?;
    fill(world, info, &mut rec, false)?;
    let now = world.now_s();
    rec.status = CHECKING.to_string();
    rec.reason = None;
    rec.update_time = now;
    let view = rec.view(now, false);
    world.commit(Entry::SubMerchant(rec))?;
    Ok(ok(json!({ "info": view })))
}

/// `POST /card/submerchant/get {merchant_id}` → `info` (merchant_id a string).
pub fn get(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = merchant_id_of(&input.json, "merchant_id")?;
    let rec = known(world, id)?;
    Ok(ok(json!({ "info": rec.view(world.now_s(), true) })))
}

/// `POST /card/submerchant/batchget {begin_id, limit ≤ 100, status?}` →
/// `info_list`, `next_begin_id` (0 at the end).
pub fn batchget(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let begin = body.get("begin_id").and_then(as_u64).unwrap_or(0);
    let limit = match body.get("limit") {
        None | Some(Value::Null) => return Err(ApiError::with(41011, "limit")),
        Some(v) => as_u64(v).ok_or_else(|| ApiError::with(47001, "limit must be an integer"))?,
    };
    if limit == 0 || limit > MAX_BATCHGET {
        return Err(ApiError::with(
            40097,
            format!("limit must be 1–{MAX_BATCHGET}"),
        ));
    }
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let now = world.now_s();
    let mut matching = world
        .sub_merchants
        .merchants
        .range(begin..)
        .map(|(_, r)| r)
        .filter(|r| status.is_none_or(|s| r.status_at(now) == s));
    let list: Vec<Value> = matching
        .by_ref()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|r| r.view(now, false))
        .collect();
    let next = matching.next().map_or(0, |r| r.merchant_id);
    Ok(ok(json!({ "info_list": list, "next_begin_id": next })))
}

/// `GET /card/getapplyprotocol` → `category[…]`.
pub fn apply_protocol(_world: &mut World, _input: &Input) -> Result<Value, ApiError> {
    let list: Vec<Value> = CATEGORIES
        .iter()
        .map(|c| {
            json!({
                "primary_category_id": c.id,
                "category_name": c.name,
                "secondary_category": c.secondary.iter().map(|(id, name)| json!({
                    "secondary_category_id": id,
                    "category_name": name,
                    "need_qualification_stuffs": ["food_health_permit_media_id"],
                    "can_choose_prepaid_card": 1,
                    "can_choose_payment_card": 1,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(ok(json!({ "category": list })))
}

/// `POST /cgi-bin/media/upload?type=…` (multipart `media`) → `{type, media_id,
/// created_at}`, a temporary media that lives 3 days. Success has no errcode, as
/// uploadimg's.
pub fn upload_media(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let kind = input.query.get("type").map(String::as_str).unwrap_or("");
    if !matches!(kind, "image" | "voice" | "video" | "thumb") {
        return Err(ApiError::verbatim(
            40004,
            "invalid media type (type must be image, voice, video or thumb)",
        ));
    }
    let bytes = match &input.upload {
        Upload::NotMultipart | Upload::Missing => {
            return Err(ApiError::with(
                41005,
                "(send the file as multipart field `media`)",
            ));
        }
        Upload::TooLarge => return Err(ApiError::new(40009)),
        Upload::File(b) => b,
    };
    if bytes.is_empty() || bytes.len() > MAX_MEDIA_BYTES {
        return Err(ApiError::with(
            41005,
            "(the file field is empty or too large)",
        ));
    }
    let now = world.now_s();
    let digest = hex::encode(Sha256::digest(bytes));
    let media_id = format!(
        "{}_{now}_{}",
        &digest[..16],
        world.sub_merchants.media.len() + 1
    );
    let rec = MediaRecord {
        media_id: media_id.clone(),
        kind: kind.to_string(),
        created_at: now,
    };
    world.commit(Entry::Media(rec))?;
    Ok(json!({ "type": kind, "media_id": media_id, "created_at": now }))
}

/// A card naming `base_info.sub_merchant_info.merchant_id` must name an approved
/// sub-merchant of this account (errcode UNVERIFIED, `cardform_spec::submerchant`).
pub fn check_card(world: &World, obj: &Map<String, Value>) -> Result<(), ApiError> {
    let Some(info) = obj
        .get("base_info")
        .and_then(|b| b.get("sub_merchant_info"))
    else {
        return Ok(());
    };
    if info.is_null() {
        return Ok(());
    }
    let id = merchant_id_of(info, "base_info.sub_merchant_info.merchant_id")?;
    let now = world.now_s();
    match world.sub_merchants.merchants.get(&id) {
        Some(m) if m.status_at(now) == APPROVED => Ok(()),
        Some(m) => Err(ApiError::with(
            UNAPPROVED_MERCHANT_ERRCODE,
            format!("(sub-merchant {id} is {}, not APPROVED)", m.status_at(now)),
        )),
        None => Err(ApiError::with(
            UNAPPROVED_MERCHANT_ERRCODE,
            format!("(no sub-merchant {id} on this account)"),
        )),
    }
}

/// Admin: `POST /__emulator/submerchant_review {"merchant_id", "result": "pass"|"fail",
/// "reason"?}` → the sub-merchant as card/submerchant/get answers it.
///
/// # Errors
/// A message for HTTP 400 (bad body) or 404 (no such sub-merchant).
pub fn review(world: &mut World, body: &Value) -> Result<Value, (u16, String)> {
    let id = merchant_id_of(body, "merchant_id").map_err(|e| (400, e.errmsg()))?;
    let pass = match body.get("result").and_then(Value::as_str) {
        Some("pass") => true,
        Some("fail") => false,
        _ => return Err((400, "`result` must be \"pass\" or \"fail\"".into())),
    };
    let reason = body
        .get("reason")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(mut rec) = world.sub_merchants.merchants.get(&id).cloned() else {
        return Err((404, format!("no sub-merchant {id}")));
    };
    let now = world.now_s();
    rec.status = if pass { APPROVED } else { REJECTED }.to_string();
    rec.reason = if pass { None } else { reason };
    rec.update_time = now;
    let view = rec.view(now, true);
    world
        .commit(Entry::SubMerchant(rec))
        .map_err(|e| (500, e.errmsg()))?;
    // WeChat pushes `card_merchant_check_result` after this decision: the admin
    // router calls [`review_and_push`], which pushes once this commit succeeded.
    Ok(view)
}

/// [`review`], then the `card_merchant_check_result` push (MerchantId, IsPass 1/0,
/// Reason) when a push URL is configured.
///
/// # Errors
/// As [`review`]; nothing is pushed then.
pub fn review_and_push(
    push: &std::sync::Arc<crate::push::Pusher>,
    world: &mut World,
    body: &Value,
) -> Result<Value, (u16, String)> {
    let view = review(world, body)?;
    let id = merchant_id_of(body, "merchant_id").map_err(|e| (400, e.errmsg()))?;
    if let Some(rec) = world.sub_merchants.merchants.get(&id) {
        let pass = rec.status == APPROVED;
        crate::push::sub_merchant_check(push, world, id, pass, rec.reason.as_deref());
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;
    use std::collections::HashMap;

    fn input(json: Value) -> Input {
        Input {
            query: HashMap::new(),
            json,
            upload: Upload::NotMultipart,
        }
    }

    fn media(world: &mut World) -> String {
        let mut query = HashMap::new();
        query.insert("type".to_string(), "image".to_string());
        let up = Input {
            query,
            json: Value::Null,
            upload: Upload::File(b"protocol scan".to_vec()),
        };
        let v = upload_media(world, &up).unwrap();
        v["media_id"].as_str().unwrap().to_string()
    }

    fn info(world: &World, protocol: &str) -> Value {
        json!({"info": {"brand_name": "小店", "logo_url": "http://mmbiz.qpic.cn/x/0",
            "protocol": protocol, "end_time": world.now_s() + 86_400 * 30,
            "primary_category_id": 1, "secondary_category_id": 101}})
    }

    #[test]
    fn submit_review_and_card_check() {
        let mut world = World::new(&EmulatorConfig::default());
        let m = media(&mut world);
        let body = info(&world, &m);
        let v = submit(&mut world, &input(body)).unwrap();
        assert_eq!(v["info"]["status"], "CHECKING");
        let id = v["info"]["merchant_id"].as_u64().unwrap();
        let card = json!({"base_info": {"sub_merchant_info": {"merchant_id": id}}});
        let e = check_card(&world, card.as_object().unwrap()).unwrap_err();
        assert_eq!(e.code, UNAPPROVED_MERCHANT_ERRCODE);
        review(&mut world, &json!({"merchant_id": id, "result": "pass"})).unwrap();
        check_card(&world, card.as_object().unwrap()).unwrap();
        let got = get(&mut world, &input(json!({"merchant_id": id}))).unwrap();
        assert_eq!(got["info"]["merchant_id"], json!(id.to_string()));
        assert_eq!(got["info"]["status"], "APPROVED");
        let page = batchget(&mut world, &input(json!({"begin_id": 0, "limit": 100}))).unwrap();
        assert_eq!(page["info_list"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn expired_media_and_bad_categories_are_refused() {
        let mut world = World::new(&EmulatorConfig::default());
        let m = media(&mut world);
        let mut bad = info(&world, &m);
        bad["info"]["secondary_category_id"] = json!(999);
        assert_eq!(submit(&mut world, &input(bad)).unwrap_err().code, 40097);
        world.clock.fetch_add(
            (MEDIA_TTL_SECS + 1) * 1000,
            std::sync::atomic::Ordering::Relaxed,
        );
        let body = info(&world, &m);
        assert_eq!(
            submit(&mut world, &input(body)).unwrap_err().code,
            INVALID_MEDIA_ERRCODE
        );
    }
}
