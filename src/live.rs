//! Turn `card/get` JSON into the canonical model, normalising what WeChat echoes
//! differently from what it was sent (reference §5, §15): hex colours, integer
//! `date_info.type` and `status`, `sku.quantity` (remaining) vs `total_quantity`,
//! absent fields and unknown extras. Shapes it cannot read are errors that name the
//! card and field; the raw JSON rides along in the error for `--debug`.

use crate::i18n::tr;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::{Canonical, CardType, Color};
use crate::wechat::errcode::INVALID_CARD_ID;
use crate::wechat::{ApiError, WeChatClient};

/// A card as WeChat reports it, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCard {
    pub card_id: String,
    pub card_type: CardType,
    /// Content in canonical form: `base_info.sku.quantity` is the total quantity.
    /// Shared with the plan's `before`, so a 10,000-card plan holds it once.
    pub content: Arc<Canonical>,
    pub status: ReviewStatus,
    /// Remaining stock (`sku.quantity` as WeChat reports it).
    pub remaining: Option<u64>,
    pub update_time: Option<i64>,
    pub create_time: Option<i64>,
}

/// The review status (reference §5, §10).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// `CARD_STATUS_NOT_VERIFY`: under review; ordinary users cannot claim it.
    NotVerify,
    /// `CARD_STATUS_VERIFY_FAIL`: rejected.
    VerifyFail,
    /// `CARD_STATUS_VERIFY_OK`: approved.
    VerifyOk,
    /// `CARD_STATUS_DISPATCH`: issued via the MP platform.
    Dispatch,
    /// `CARD_STATUS_DELETE` and any other `*_DELETE`.
    Deleted,
    /// A status outside the documented list (reported, not fatal).
    Other(String),
}

impl ReviewStatus {
    /// Reads WeChat's status: strings, and the integers of old responses.
    pub fn from_wire(v: &Value) -> ReviewStatus {
        match v {
            Value::String(s) => match s.as_str() {
                "CARD_STATUS_NOT_VERIFY" => ReviewStatus::NotVerify,
                "CARD_STATUS_VERIFY_FAIL" => ReviewStatus::VerifyFail,
                "CARD_STATUS_VERIFY_OK" => ReviewStatus::VerifyOk,
                "CARD_STATUS_DISPATCH" => ReviewStatus::Dispatch,
                s if s.ends_with("_DELETE") => ReviewStatus::Deleted,
                other => ReviewStatus::Other(other.to_string()),
            },
            // The 2014 API answered integers; their mapping is UNVERIFIED, so only the
            // documented string forms are trusted and integers are reported as-is.
            Value::Number(n) => ReviewStatus::Other(format!("status {n}")),
            _ => ReviewStatus::Other("absent".into()),
        }
    }

    pub fn as_wire(&self) -> String {
        match self {
            ReviewStatus::NotVerify => "CARD_STATUS_NOT_VERIFY".into(),
            ReviewStatus::VerifyFail => "CARD_STATUS_VERIFY_FAIL".into(),
            ReviewStatus::VerifyOk => "CARD_STATUS_VERIFY_OK".into(),
            ReviewStatus::Dispatch => "CARD_STATUS_DISPATCH".into(),
            ReviewStatus::Deleted => "CARD_STATUS_DELETE".into(),
            ReviewStatus::Other(s) => s.clone(),
        }
    }

    /// Words for the plan.
    pub fn describe(&self) -> &str {
        match self {
            ReviewStatus::NotVerify => "under review",
            ReviewStatus::VerifyFail => "rejected by review",
            ReviewStatus::VerifyOk => "approved",
            ReviewStatus::Dispatch => "dispatched",
            ReviewStatus::Deleted => "deleted",
            ReviewStatus::Other(s) => s,
        }
    }
}

/// What a `card/get` answer says about a card.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    Exists(Box<LiveCard>),
    /// Deleted (status `*_DELETE`) or unknown to WeChat (40073).
    Gone,
}

/// Why a card could not be observed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FetchError {
    /// The call failed (after the client's retries).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Api(#[from] ApiError),
    /// WeChat answered in a shape cardform cannot read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Shape(#[from] ShapeError),
}

/// `card/get` of one card, read into the model: the one way every stage observes a
/// card (refresh, verify after apply, crash recovery, import, state resolve).
///
/// # Errors
/// The API error of the call, or the shape error of an unreadable answer. An unknown
/// card_id (40073) is not an error: it is [`Observed::Gone`].
pub async fn fetch_live(client: &WeChatClient, card_id: &str) -> Result<Observed, FetchError> {
    match client.get_card(card_id).await {
        Ok(response) => Ok(normalise(card_id, &response)
            .inspect_err(|e| tracing::debug!(raw = %e.raw, "unreadable card/get answer"))?),
        Err(e) if e.errcode() == Some(INVALID_CARD_ID) => Ok(Observed::Gone),
        Err(e) => Err(FetchError::Api(e)),
    }
}

/// Why reading the managed cards back stopped.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// The run stopped: the daily quota, or no access token (one error for the run).
    #[error(transparent)]
    Stopped(ApiError),
    #[error("{}", tr!("err-live-refresh", address = .address, card_id = .card_id, error = .source.to_string()))]
    Card {
        address: String,
        card_id: String,
        source: Box<ApiError>,
    },
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

/// The WeChat error's code and help reach the terminal as they are; a card's failure
/// keeps its "refreshing card …" line as the message.
impl miette::Diagnostic for RefreshError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner().code()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner().help()
    }
}

impl RefreshError {
    /// The typed error underneath, whose code and help the edge shows.
    fn inner(&self) -> &dyn miette::Diagnostic {
        match self {
            RefreshError::Stopped(e) => e,
            RefreshError::Card { source, .. } => source.as_ref(),
            RefreshError::Shape(e) => e,
        }
    }
}

/// `card/get` for each (address, card_id), `parallelism` at a time, each answer read
/// into the model; progress goes to `reporter`.
///
/// # Guarantees
/// Stops at the first error: no card/get starts after it (an error that stops the
/// run, such as 45009, also halts the client).
///
/// # Errors
/// A card could not be read (its errcode and guidance) or has a shape cardform cannot
/// read (the field; the raw JSON with `--debug`); an error that stops the run (45009,
/// no access token) is [`RefreshError::Stopped`], reported once, not per card.
pub async fn fetch_many(
    client: &WeChatClient,
    wanted: Vec<(String, String)>,
    parallelism: usize,
    reporter: &dyn crate::report::Reporter,
) -> Result<std::collections::BTreeMap<String, Observed>, RefreshError> {
    use crate::report::Step;
    use futures::{StreamExt, TryStreamExt};
    reporter.start(Step::Refresh, wanted.len() as u64);
    let results = futures::stream::iter(wanted.into_iter().map(|(address, card_id)| async move {
        let got = fetch_live(client, &card_id).await;
        reporter.advance(Step::Refresh);
        match got {
            Ok(observed) => Ok((address, observed)),
            Err(FetchError::Shape(e)) => Err(RefreshError::Shape(e)),
            Err(FetchError::Api(source)) if source.stops_run() => {
                Err(RefreshError::Stopped(source))
            }
            Err(FetchError::Api(source)) => Err(RefreshError::Card {
                address,
                card_id,
                source: Box::new(source),
            }),
        }
    }))
    .buffer_unordered(parallelism.max(1))
    .try_collect()
    .await;
    reporter.finish(Step::Refresh);
    results
}

/// A `card/get` answer cardform cannot read.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[diagnostic(code(cardform::live::shape))]
#[error("{}", tr!("err-live-shape", card_id = .card_id, field = .field, problem = .problem))]
pub struct ShapeError {
    pub card_id: String,
    pub field: String,
    pub problem: String,
    pub raw: String,
}

pub use cardform_spec::shapes::{ABSENT_DEFAULTS, DefaultValue, absent_default};
use cardform_spec::shapes::{BOOL_FIELDS, INTEGER_FIELDS, LIST_FIELDS, METADATA_FIELDS};

/// Normalises a `card/get` response (the whole JSON object, with `card`).
///
/// # Errors
/// [`ShapeError`] naming the field when the answer cannot be read.
pub fn normalise(card_id: &str, response: &Value) -> Result<Observed, ShapeError> {
    let err = |field: &str, problem: &str| ShapeError {
        card_id: card_id.to_string(),
        field: field.to_string(),
        problem: problem.to_string(),
        raw: response.to_string(),
    };
    let card = response
        .get("card")
        .ok_or_else(|| err("card", &tr!("err-live-missing")))?;
    let type_str = card
        .get("card_type")
        .and_then(Value::as_str)
        .ok_or_else(|| err("card.card_type", &tr!("err-live-not-string")))?;
    let card_type = CardType::from_wire(type_str).ok_or_else(|| {
        err(
            "card.card_type",
            &tr!("err-live-not-coupon-type", card_type = type_str),
        )
    })?;
    let body = card
        .get(card_type.wire_key())
        .and_then(Value::as_object)
        .ok_or_else(|| {
            err(
                &format!("card.{}", card_type.wire_key()),
                &tr!("err-live-not-object"),
            )
        })?;
    let base = body
        .get("base_info")
        .and_then(Value::as_object)
        .ok_or_else(|| err("base_info", &tr!("err-live-not-object")))?;

    let status = base
        .get("status")
        .map(ReviewStatus::from_wire)
        .unwrap_or(ReviewStatus::Other("absent".into()));
    if status == ReviewStatus::Deleted {
        return Ok(Observed::Gone);
    }
    let remaining = base.pointer_sku("quantity");
    let total = base.pointer_sku("total_quantity");
    let update_time = base.get("update_time").and_then(Value::as_i64);
    let create_time = base.get("create_time").and_then(Value::as_i64);

    let mut body = Value::Object(body.clone());
    if let Some(Value::Object(b)) = body.get_mut("base_info") {
        for f in METADATA_FIELDS {
            b.remove(*f);
        }
        if let Some(Value::String(c)) = b.get("color") {
            let name = Color::normalise(c);
            b.insert("color".into(), Value::String(name.as_str().to_string()));
        }
        if let Some(Value::Object(sku)) = b.get_mut("sku") {
            // The desired quantity is the total ever configured (reference §5).
            let total_v = total.or(remaining).map(Value::from);
            sku.clear();
            if let Some(t) = total_v {
                sku.insert("quantity".into(), t);
            }
        }
        if let Some(Value::Object(date)) = b.get_mut("date_info")
            && let Some(t) = date.get("type").cloned()
        {
            let s = match &t {
                Value::Number(n) if n.as_i64() == Some(1) => {
                    Value::from("DATE_TYPE_FIX_TIME_RANGE")
                }
                Value::Number(n) if n.as_i64() == Some(2) => Value::from("DATE_TYPE_FIX_TERM"),
                Value::String(_) => t.clone(),
                _ => {
                    return Err(err(
                        "base_info.date_info.type",
                        &tr!("err-live-unexpected", value = t.to_string()),
                    ));
                }
            };
            date.insert("type".into(), s);
        }
    }
    let mut content = Canonical::flatten(&body);
    content.insert("card_type", Value::String(card_type.as_str().into()));
    check_types(&content).map_err(|(field, problem)| err(&field, &problem))?;
    Ok(Observed::Exists(Box::new(LiveCard {
        card_id: card_id.to_string(),
        card_type,
        content: Arc::new(content),
        status,
        remaining,
        update_time,
        create_time,
    })))
}

trait SkuExt {
    fn pointer_sku(&self, key: &str) -> Option<u64>;
}
impl SkuExt for Map<String, Value> {
    fn pointer_sku(&self, key: &str) -> Option<u64> {
        self.get("sku").and_then(|s| s.get(key)).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    }
}

fn check_types(content: &Canonical) -> Result<(), (String, String)> {
    for (path, value) in content.iter() {
        let expected = if INTEGER_FIELDS.contains(&path.as_str()) {
            value.is_i64() || value.is_u64()
        } else if BOOL_FIELDS.contains(&path.as_str()) {
            value.is_boolean()
        } else if LIST_FIELDS.contains(&path.as_str()) {
            value.is_array()
        } else {
            true
        };
        if !expected {
            return Err((
                path.clone(),
                tr!("err-live-unexpected", value = value.to_string()),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "GROUPON", "groupon": {
            "base_info": {"id": "pX", "logo_url": "http://mmbiz.qpic.cn/a", "code_type": "CODE_TYPE_QRCODE",
                "brand_name": "b", "title": "t", "color": "#63B359", "notice": "n", "description": "d",
                "date_info": {"type": 2, "fixed_term": 90, "fixed_begin_term": 0},
                "status": "CARD_STATUS_VERIFY_OK", "sku": {"quantity": 499999, "total_quantity": 500000},
                "create_time": 1, "update_time": 2, "area_code_list": [], "location_id_list": []},
            "deal_detail": "dd",
            "advanced_info": {"time_limit": [], "share_friends": false}}}})
    }

    #[test]
    fn normalises_what_wechat_echoes_differently() {
        let Ok(Observed::Exists(live)) = normalise("pX", &sample()) else {
            panic!("expected a live card");
        };
        assert_eq!(
            live.content.get("base_info.color"),
            Some(&json!("Color010"))
        );
        assert_eq!(
            live.content.get("base_info.sku.quantity"),
            Some(&json!(500000))
        );
        assert_eq!(live.remaining, Some(499999));
        assert_eq!(
            live.content.get("base_info.date_info.type"),
            Some(&json!("DATE_TYPE_FIX_TERM"))
        );
        assert!(live.content.get("base_info.status").is_none());
        assert_eq!(live.status, ReviewStatus::VerifyOk);
    }

    #[test]
    fn deleted_statuses_are_gone() {
        let mut v = sample();
        v["card"]["groupon"]["base_info"]["status"] = json!("CARD_STATUS_SYS_DELETE");
        assert_eq!(normalise("pX", &v), Ok(Observed::Gone));
    }

    #[test]
    fn unreadable_shapes_name_the_field() {
        let mut v = sample();
        v["card"]["groupon"]["base_info"]["get_limit"] = json!("many");
        let e = normalise("pX", &v).unwrap_err();
        assert_eq!(e.field, "base_info.get_limit");
        let e = normalise("pX", &json!({"card": {"card_type": "MEMBER_CARD"}})).unwrap_err();
        assert_eq!(e.field, "card.card_type");
    }

    /// The legacy corpus (tests/fixtures/wechat/legacy, reference §15 shapes), read
    /// from the bytes as WeChat sends them: every card reads; a deleted one is gone.
    #[test]
    fn reads_every_legacy_shape() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wechat/legacy");
        let mut read = 0;
        for entry in std::fs::read_dir(&dir).expect("corpus folder") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("corpus file");
            let v: Value = serde_json::from_str(&text).expect("JSON");
            let observed =
                normalise("pX", &v).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let gone = path.to_string_lossy().contains("delete");
            assert_eq!(
                matches!(observed, Observed::Gone),
                gone,
                "{}",
                path.display()
            );
            read += 1;
        }
        assert!(read >= 5, "{read} corpus files");
    }
}
