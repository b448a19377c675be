//! The admin API under `/__emulator/` (no token, never faulted, not in the call log):
//!
//! | call | does |
//! |---|---|
//! | `POST /__emulator/review {"card_id","result":"pass"\|"fail","reason"?}` | finishes a review |
//! | `POST /__emulator/faults [rule…]` / `GET` | replaces (`[]` clears) / lists the fault rules |
//! | `GET /__emulator/cards` | every card as card/get answers it (deleted ones included) |
//! | `POST /__emulator/claim {"card_id","openid"}` | a user claims a card → `code`, `encrypt_code` |
//! | `POST /__emulator/user_delete {"code"}` | the user deletes the card from their wallet |
//! | `POST /__emulator/activate_form {"card_id","code","common_field_list"?,"custom_field_list"?}` | a user fills a member card's activation form → `activate_ticket` |
//! | `POST /__emulator/enter_session {"card_id","openid"}` | the user taps the Official Account entry on a card's page and enters the chat (pushes `user_enter_session_from_card`) |
//! | `GET /__emulator/calls[?since=SEQ]` | calls received: path, errcode, status, fault |
//! | `GET /__emulator/concurrency` / `POST` | `{"in_flight", "peak"}`: WeChat calls being handled now and the most at once (latency included) / restarts the peak from the calls in flight now |
//! | `POST /__emulator/clock {"advance_secs":N}` | moves the emulator's clock forward |
//! | `POST /__emulator/quotas [{"path","daily","per_minute"?}…]` | replaces quota limits |
//! | `POST /__emulator/pay {"order_id"}` | marks a 券点 recharge order paid |
//! | `POST /__emulator/platform …`, `…/platform/revoke`, `…/platform/ticket`, `…/platform/authorize` | the open platform (see `platform_admin.rs`) |
//! | `POST /__emulator/submerchant_review {"merchant_id","result":"pass"\|"fail","reason"?}` | finishes a sub-merchant's review (`submerchant.rs`) |
//! | `POST /__emulator/push_config {"url","token","encoding_aes_key"?,"stock_threshold"?,"component_appid"?}` / `GET` | where push events go (`{}` stops them) / where they go and how many were delivered (never the token or key) |
//!
//! Every call that acts on one account's world (review, seed, cards, claim,
//! activate_form, user_delete, view, gift, quotas, prices, shapes, pay) acts on an
//! authorizer's world when given `?authorizer_appid=APPID` or, in an object body,
//! `"authorizer_appid"`; faults, calls and the clock are the emulator's.
//!
//! Bad admin requests answer HTTP 400/404 with `{"error": "..."}`; `claim` and `pay`
//! answer WeChat's envelope, since they simulate something WeChat would refuse.

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::persistence::Entry;
use super::records::{CardStatus, FaultRule, QuotaLimit};
use super::reply::{ApiError, json_response, ok};
use super::request::{MAX_BODY_BYTES, parse_query};
use super::world::{CallRecord, CoinPrices, Shared, World, clock_now, lock};
use super::{codes, coin, datacube, member, platform_admin, push, special};

use std::sync::Mutex;

/// Where the admin API lives.
pub const PREFIX: &str = "/__emulator/";

fn error(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    json_response(status, &json!({ "error": message.into() }))
}

fn wechat(shared: &Shared, result: Result<Value, ApiError>) -> Response<Body> {
    let body = match result {
        Ok(v) => v,
        Err(e) => e.body(&shared.next_rid()),
    };
    json_response(StatusCode::OK, &body)
}

fn field<'a>(body: &'a Value, key: &str) -> Result<&'a str, String> {
    body.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{key}` (a string) is required"))
}

/// Serves one admin request.
pub async fn handle(shared: &Shared, req: Request<Body>) -> Response<Body> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = parse_query(req.uri().query());
    let bytes = match axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
    };
    let body: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")),
        }
    };
    let name = &path[PREFIX.len()..];
    if name == "platform" || name.starts_with("platform/") {
        return platform_admin::handle(shared, &method, name, &body);
    }
    // The per-account calls act on an authorizer's world when they name one
    // (`?authorizer_appid=` or `"authorizer_appid"` in an object body).
    let mut body = body;
    let named = match body
        .as_object_mut()
        .and_then(|o| o.remove("authorizer_appid"))
    {
        Some(Value::String(a)) => Some(a),
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "`authorizer_appid` must be a string",
            );
        }
        None => query.get("authorizer_appid").cloned(),
    };
    let authorizer = match named {
        None => None,
        Some(appid) => match shared.platform.authorizer(&appid) {
            Some(a) => Some(a),
            None => {
                return error(
                    StatusCode::NOT_FOUND,
                    format!("no authorizer {appid} (see GET /__emulator/platform)"),
                );
            }
        },
    };
    let world_of: &Mutex<World> = match &authorizer {
        Some(a) => &a.world,
        None => &shared.world,
    };
    match (&method, name) {
        (&Method::POST, "review") => review(shared, world_of, &body),
        (&Method::POST, "submerchant_review") => {
            match crate::submerchant::review_and_push(&shared.push, &mut lock(world_of), &body) {
                Ok(v) => json_response(StatusCode::OK, &v),
                Err((code, m)) => error(
                    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
                    m,
                ),
            }
        }
        (&Method::POST, "seed") => seed(world_of, &body),
        (&Method::POST, "push_config") => push_config(shared, &body),
        (&Method::GET, "push_config") => json_response(StatusCode::OK, &shared.push.describe()),
        (&Method::POST, "faults") => set_faults(shared, body),
        (&Method::GET, "faults") => {
            json_response(StatusCode::OK, &json!(lock(&shared.faults).rules()))
        }
        (&Method::GET, "cards") => {
            let mut world = lock(world_of);
            let now = world.now_ms();
            let World { order, cards, .. } = &mut *world;
            let mut list = Vec::with_capacity(order.len());
            for id in order.iter() {
                if let Some(c) = cards.get_mut(id) {
                    c.settle(now);
                    list.push(c.view());
                }
            }
            json_response(StatusCode::OK, &json!({ "cards": list }))
        }
        (&Method::POST, "claim") => {
            let (card_id, openid) = match (field(&body, "card_id"), field(&body, "openid")) {
                (Ok(c), Ok(o)) => (c, o),
                (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
            };
            let mut world = lock(world_of);
            let claimed = if world.special_cards.contains_key(card_id) {
                special::claim(&mut world, card_id, openid)
            } else {
                codes::claim(&mut world, card_id, openid)
            };
            if let Ok(code) = &claimed {
                push::claim(&shared.push, &world, card_id, openid, code);
            }
            drop(world);
            let result = claimed.map(|code| {
                let encrypt_code = codes::encrypt_code_for(&code);
                ok(json!({ "code": code, "encrypt_code": encrypt_code }))
            });
            wechat(shared, result)
        }
        (&Method::POST, "activate_form") => {
            let result = member::fill_activate_form(&mut lock(world_of), &body);
            wechat(shared, result)
        }
        (&Method::POST, "user_delete") => {
            let code = match field(&body, "code") {
                Ok(c) => c,
                Err(m) => return error(StatusCode::BAD_REQUEST, m),
            };
            let mut world = lock(world_of);
            let before = world.codes.get(code).cloned();
            let result = codes::user_delete(&mut world, code).map(|()| ok(json!({})));
            if let (Ok(_), Some(rec)) = (&result, before) {
                push::deleted(&shared.push, &world, &rec.card_id, code, &rec.openid);
            }
            drop(world);
            wechat(shared, result)
        }
        (&Method::POST, "view") => {
            let (card_id, openid) = match (field(&body, "card_id"), field(&body, "openid")) {
                (Ok(c), Ok(o)) => (c, o),
                (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
            };
            let mut world = lock(world_of);
            let result = world.live_card(card_id).and_then(|_| {
                let entry = datacube::record(&world, card_id, openid, datacube::Event::View);
                world.commit(entry)
            });
            if result.is_ok() {
                push::viewed(&shared.push, &world, card_id, openid);
            }
            drop(world);
            wechat(shared, result.map(|()| ok(json!({}))))
        }
        (&Method::POST, "enter_session") => {
            let (card_id, openid) = match (field(&body, "card_id"), field(&body, "openid")) {
                (Ok(c), Ok(o)) => (c, o),
                (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
            };
            let mut world = lock(world_of);
            let result = world.live_card(card_id).map(|_| ());
            if result.is_ok() {
                push::entered_session(&shared.push, &world, card_id, openid);
            }
            drop(world);
            wechat(shared, result.map(|()| ok(json!({}))))
        }
        (&Method::POST, "gift") => {
            let (code, to) = match (field(&body, "code"), field(&body, "to_openid")) {
                (Ok(c), Ok(o)) => (c, o),
                (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
            };
            let mut world = lock(world_of);
            let before = world.codes.get(code).cloned();
            let result = codes::gift(&mut world, code, to).map(|()| ok(json!({})));
            if let (Ok(_), Some(rec)) = (&result, before) {
                push::gift(&shared.push, &world, &rec.card_id, code, &rec.openid, to);
            }
            drop(world);
            wechat(shared, result)
        }
        (&Method::GET, "calls") => {
            let since: u64 = query.get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
            let calls = lock(&shared.calls);
            let list: Vec<&CallRecord> = calls.entries.iter().filter(|c| c.seq > since).collect();
            json_response(StatusCode::OK, &json!({ "calls": list }))
        }
        (&Method::GET | &Method::POST, "concurrency") => {
            use std::sync::atomic::Ordering;
            let now = shared.in_flight.load(Ordering::Relaxed);
            if method == Method::POST {
                shared.in_flight_peak.store(now, Ordering::Relaxed);
            }
            let peak = shared.in_flight_peak.load(Ordering::Relaxed);
            json_response(StatusCode::OK, &json!({ "in_flight": now, "peak": peak }))
        }
        (&Method::POST, "clock") => {
            let secs = body.get("advance_secs").and_then(Value::as_i64);
            let ms = body.get("advance_ms").and_then(Value::as_i64);
            let Some(delta) = secs
                .map(|s| s.saturating_mul(1000))
                .or(ms)
                .filter(|d| *d >= 0)
            else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "give advance_secs or advance_ms (≥ 0): the clock only moves forward",
                );
            };
            shared
                .clock
                .fetch_add(delta, std::sync::atomic::Ordering::Relaxed);
            json_response(
                StatusCode::OK,
                &json!({ "now_ms": clock_now(&shared.clock) }),
            )
        }
        (&Method::POST, "quotas") => match serde_json::from_value::<Vec<QuotaLimit>>(body) {
            Ok(limits) => {
                lock(world_of).quota.set_limits(limits);
                json_response(StatusCode::OK, &json!({}))
            }
            Err(e) => error(
                StatusCode::BAD_REQUEST,
                format!("expected a list of {{path, daily, per_minute?}}: {e}"),
            ),
        },
        (&Method::POST, "prices") => match serde_json::from_value::<CoinPrices>(body) {
            Ok(prices) => {
                lock(world_of).coin_prices = Some(prices);
                json_response(StatusCode::OK, &json!({}))
            }
            Err(e) => error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{no_threshold, with_threshold}} in tenths of a point per voucher: {e}"
                ),
            ),
        },
        (&Method::POST, "shapes") => match body
            .get("shapes")
            .and_then(Value::as_str)
            .and_then(crate::shapes::Shapes::parse)
        {
            Some(shapes) => {
                lock(world_of).shapes = shapes;
                json_response(StatusCode::OK, &json!({ "shapes": shapes.name() }))
            }
            None => error(
                StatusCode::BAD_REQUEST,
                "expected {\"shapes\": \"doc\"} or {\"shapes\": \"numbers\"}",
            ),
        },
        (&Method::POST, "pay") => match field(&body, "order_id") {
            Ok(order_id) => {
                let mut world = lock(world_of);
                let result = coin::pay(&mut world, order_id).map(|()| ok(json!({})));
                if result.is_ok() {
                    push::order(&shared.push, &world, order_id);
                }
                drop(world);
                wechat(shared, result)
            }
            Err(m) => error(StatusCode::BAD_REQUEST, m),
        },
        _ => error(
            StatusCode::NOT_FOUND,
            format!("no admin call {method} {path}; see docs/emulator.md"),
        ),
    }
}

fn review(shared: &Shared, world_of: &Mutex<World>, body: &Value) -> Response<Body> {
    let card_id = match field(body, "card_id") {
        Ok(c) => c,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    let status = match body.get("result").and_then(Value::as_str) {
        Some("pass") => CardStatus::VerifyOk,
        Some("fail") => CardStatus::VerifyFail,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "`result` must be \"pass\" or \"fail\"",
            );
        }
    };
    let reason = body
        .get("reason")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut world = lock(world_of);
    if let Some(mut card) = world.special_cards.get(card_id).cloned() {
        card.status = status;
        return match world.commit(Entry::SpecialCard(card)) {
            Ok(()) => {
                let pass = status == CardStatus::VerifyOk;
                push::review(&shared.push, &world, card_id, pass, reason.as_deref());
                json_response(
                    StatusCode::OK,
                    &json!({ "card_id": card_id, "status": status.as_str() }),
                )
            }
            Err(_) => error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot write the journal",
            ),
        };
    }
    let mut card = match world.live_card(card_id) {
        Ok(c) => c,
        Err(_) => return error(StatusCode::NOT_FOUND, format!("no live card {card_id}")),
    };
    card.status = status;
    card.review_due_ms = None;
    card.auto_decided = false;
    card.refuse_reason = if status == CardStatus::VerifyFail {
        reason
    } else {
        None
    };
    card.raw = None;
    let refuse_reason = card.refuse_reason.clone();
    match world.commit(Entry::Card(card)) {
        Ok(()) => {
            let pass = status == CardStatus::VerifyOk;
            push::review(
                &shared.push,
                &world,
                card_id,
                pass,
                refuse_reason.as_deref(),
            );
            json_response(
                StatusCode::OK,
                &json!({ "card_id": card_id, "status": status.as_str() }),
            )
        }
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot write the journal",
        ),
    }
}

/// `POST /__emulator/push_config`: where push events go; `{}` (no url) stops them.
fn push_config(shared: &Shared, body: &Value) -> Response<Body> {
    let Some(url) = body.get("url").and_then(Value::as_str) else {
        shared.push.configure(None);
        return json_response(StatusCode::OK, &shared.push.describe());
    };
    let token = body.get("token").and_then(Value::as_str).unwrap_or("");
    let key = body.get("encoding_aes_key").and_then(Value::as_str);
    let threshold = body
        .get("stock_threshold")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    match push::PushConfig::new(url, token, key, threshold) {
        Ok(mut config) => {
            config.component_appid = body
                .get("component_appid")
                .and_then(Value::as_str)
                .map(str::to_string);
            shared.push.configure(Some(config));
            json_response(StatusCode::OK, &shared.push.describe())
        }
        Err(m) => error(StatusCode::BAD_REQUEST, m),
    }
}

/// `POST /admin/seed`: one recorded card/get answer, or a list of them.
fn seed(world_of: &Mutex<World>, body: &Value) -> Response<Body> {
    let answers: Vec<&Value> = match body {
        Value::Array(list) => list.iter().collect(),
        one => vec![one],
    };
    let mut world = lock(world_of);
    let mut ids = Vec::new();
    for (i, answer) in answers.into_iter().enumerate() {
        match crate::cards::seed(&mut world, answer) {
            Ok(id) => ids.push(id),
            Err(m) => return error(StatusCode::BAD_REQUEST, format!("answer {i}: {m}")),
        }
    }
    json_response(StatusCode::OK, &json!({ "card_ids": ids }))
}

fn set_faults(shared: &Shared, body: Value) -> Response<Body> {
    let rules: Vec<FaultRule> = match serde_json::from_value(body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("expected a list of fault rules: {e}"),
            );
        }
    };
    for (i, rule) in rules.iter().enumerate() {
        if let Err(message) = rule.validate() {
            return error(StatusCode::BAD_REQUEST, format!("rule {i}: {message}"));
        }
    }
    let n = rules.len();
    shared.set_faults(rules);
    json_response(StatusCode::OK, &json!({ "rules": n }))
}
