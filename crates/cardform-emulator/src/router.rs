//! The WeChat path table and the request pipeline every call goes through:
//! latency → faults → method → body → token → quota → handler → (commit-then-drop) →
//! call log. Handlers are plain functions over the locked [`World`]; they run
//! synchronously, so a request's effect is all-or-nothing and journaled before the
//! answer leaves. Above every handler: nothing below imports this file (`quota/get`
//! gets [`is_wechat_path`] passed in).

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{Method, Request, Response, StatusCode, header};
use serde_json::{Value, json};

use super::records::{FaultMode, Fired};
use super::reply::{ApiError, json_response};
use super::request::{Input, MAX_BODY_BYTES, Upload, parse_query};
use super::world::{CallRecord, Shared, World, clock_now, lock};
use super::{
    admin, cards, codes, coin, component, datacube, deposit, images, member, pages, paygift,
    qrcode, quota, stock, stores, submerchant, tickets, tokens, update, whitelist,
};

/// A handler: runs under the world lock, answers WeChat JSON or an errcode.
pub type Handler = fn(&mut World, &Input) -> Result<Value, ApiError>;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Multipart,
}

/// One WeChat endpoint.
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    /// Whether `?access_token=` is required.
    pub token: bool,
    pub body: BodyKind,
    pub handler: Handler,
}

const fn route(
    verb: Verb,
    path: &'static str,
    token: bool,
    body: BodyKind,
    handler: Handler,
) -> Route {
    Route {
        verb,
        path,
        token,
        body,
        handler,
    }
}

use BodyKind::{Json, Multipart as Form, None as NoBody};
use Verb::{Get, Post};

/// Every WeChat path the emulator serves (reference §1, §2, §7, §8.6, §12).
pub const ROUTES: &[Route] = &[
    route(Get, "/cgi-bin/token", false, NoBody, tokens::classic),
    route(Post, "/cgi-bin/stable_token", false, Json, tokens::stable),
    route(Post, "/card/create", true, Json, cards::create),
    route(Post, "/card/get", true, Json, cards::get),
    route(Post, "/card/batchget", true, Json, cards::batchget),
    route(Post, "/card/update", true, Json, update::update),
    route(Post, "/card/delete", true, Json, cards::delete),
    route(Post, "/card/modifystock", true, Json, stock::modify),
    route(Get, "/card/getcolors", true, NoBody, cards::colors),
    route(Post, "/cgi-bin/media/uploadimg", true, Form, images::upload),
    route(Post, "/card/testwhitelist/set", true, Json, whitelist::set),
    route(Post, "/card/qrcode/create", true, Json, qrcode::create),
    route(Post, "/card/code/get", true, Json, codes::get),
    route(Post, "/card/code/mark", true, Json, codes::mark),
    route(Post, "/card/code/consume", true, Json, codes::consume),
    route(
        Post,
        "/card/code/unavailable",
        true,
        Json,
        codes::unavailable,
    ),
    route(Post, "/card/code/decrypt", true, Json, codes::decrypt),
    route(Post, "/card/code/update", true, Json, deposit::update_code),
    route(Post, "/card/code/deposit", true, Json, deposit::deposit),
    route(
        Post,
        "/card/code/getdepositcount",
        true,
        Json,
        deposit::deposit_count,
    ),
    route(Post, "/card/code/checkcode", true, Json, deposit::check),
    route(
        Post,
        "/card/user/getcardlist",
        true,
        Json,
        pages::user_cards,
    ),
    route(Post, "/card/paycell/set", true, Json, pages::paycell),
    route(
        Post,
        "/card/landingpage/create",
        true,
        Json,
        pages::landing_page,
    ),
    route(Post, "/card/mpnews/gethtml", true, Json, pages::mpnews_html),
    route(
        Post,
        "/card/location/batchget",
        true,
        Json,
        stores::batchget,
    ),
    route(
        Post,
        "/card/location/batchadd",
        true,
        Json,
        stores::batchadd,
    ),
    route(
        Post,
        "/card/membercard/activate",
        true,
        Json,
        member::activate,
    ),
    route(
        Post,
        "/card/membercard/updateuser",
        true,
        Json,
        member::update_user,
    ),
    route(
        Post,
        "/card/membercard/userinfo/get",
        true,
        Json,
        member::user_info,
    ),
    route(
        Post,
        "/card/membercard/activateuserform/set",
        true,
        Json,
        member::set_user_form,
    ),
    route(
        Post,
        "/card/membercard/activate/geturl",
        true,
        Json,
        member::activate_url,
    ),
    route(
        Post,
        "/card/membercard/activatetempinfo/get",
        true,
        Json,
        member::activate_info,
    ),
    route(Post, "/card/paygiftcard/add", true, Json, paygift::add),
    route(Post, "/card/paygiftcard/getbyid", true, Json, paygift::get),
    route(
        Post,
        "/card/paygiftcard/batchget",
        true,
        Json,
        paygift::batchget,
    ),
    route(
        Post,
        "/card/paygiftcard/delete",
        true,
        Json,
        paygift::delete,
    ),
    route(
        Post,
        "/card/movieticket/updateuser",
        true,
        Json,
        tickets::movie,
    ),
    route(
        Post,
        "/card/boardingpass/checkin",
        true,
        Json,
        tickets::boarding,
    ),
    route(
        Post,
        "/card/luckymoney/updateuserbalance",
        true,
        Json,
        tickets::lucky_money,
    ),
    route(
        Post,
        "/datacube/getcardbizuininfo",
        true,
        Json,
        datacube::bizuin,
    ),
    route(
        Post,
        "/datacube/getcardcardinfo",
        true,
        Json,
        datacube::card,
    ),
    route(Get, "/card/pay/activate", true, NoBody, coin::activate),
    route(
        Get,
        "/card/pay/getcoinsinfo",
        true,
        NoBody,
        coin::coins_info,
    ),
    route(Post, "/card/pay/getpayprice", true, Json, coin::pay_price),
    route(Post, "/card/pay/confirm", true, Json, coin::confirm),
    route(Post, "/card/pay/recharge", true, Json, coin::recharge),
    route(Post, "/card/pay/getorder", true, Json, coin::get_order),
    route(Post, "/card/pay/getorderlist", true, Json, coin::order_list),
    route(Post, "/cgi-bin/openapi/quota/get", true, Json, quota_get),
    // Sub-merchants (第三方协助制券) and temporary media: `submerchant.rs`.
    route(
        Post,
        "/card/submerchant/submit",
        true,
        Json,
        submerchant::submit,
    ),
    route(
        Post,
        "/card/submerchant/update",
        true,
        Json,
        submerchant::update,
    ),
    route(Post, "/card/submerchant/get", true, Json, submerchant::get),
    route(
        Post,
        "/card/submerchant/batchget",
        true,
        Json,
        submerchant::batchget,
    ),
    route(
        Get,
        "/card/getapplyprotocol",
        true,
        NoBody,
        submerchant::apply_protocol,
    ),
    route(
        Post,
        "/cgi-bin/media/upload",
        true,
        Form,
        submerchant::upload_media,
    ),
];

/// `quota/get`, told which paths the table serves (the handler cannot import the
/// table that names it).
fn quota_get(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    quota::get(world, input, is_wechat_path)
}

/// Whether the emulator serves `path` as a WeChat endpoint.
pub fn is_wechat_path(path: &str) -> bool {
    ROUTES.iter().any(|r| r.path == path)
}

/// What the connection should do with a request.
pub enum Outcome {
    Respond(Response<Body>),
    /// Close the connection without answering.
    Drop,
}

fn gateway_response(status: u16) -> Response<Body> {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let text = format!(
        "<html><head><title>{code}</title></head><body><center><h1>{code}</h1></center></body></html>"
    );
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = code;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html"),
    );
    resp
}

/// What the call log records of one call besides its answer.
struct CallOf<'a> {
    method: &'a Method,
    path: &'a str,
    fault: Option<&'a Fired>,
    authorizer: Option<String>,
}

fn log_call(shared: &Shared, call: &CallOf<'_>, errcode: Option<i64>, status: u16) {
    let at_ms = clock_now(&shared.clock);
    lock(&shared.calls).push(CallRecord {
        seq: 0,
        at_ms,
        method: call.method.to_string(),
        path: call.path.to_string(),
        errcode,
        status,
        fault: call.fault.map(|f| f.label.clone()),
        authorizer: call.authorizer.clone(),
    });
}

/// The multipart field names uploadimg takes the file under: `buffer` in the card
/// docs (reference §6.5, COMM-UPLOAD), `media` in the mass-message docs of the same
/// `/cgi-bin/media/uploadimg` endpoint (what wechatpy's `upload_image` sends).
pub const UPLOAD_FIELDS: &[&str] = &["buffer", "media"];

async fn read_input(route: &Route, req: Request<Body>) -> Result<Input, ApiError> {
    let query = parse_query(req.uri().query());
    match route.body {
        BodyKind::None => Ok(Input {
            query,
            json: Value::Null,
            upload: Upload::NotMultipart,
        }),
        BodyKind::Json => {
            let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES)
                .await
                .map_err(|_| ApiError::with(47001, "(request body too large or cut short)"))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::new(44002));
            }
            let json: Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::with(47001, format!("(invalid JSON: {e})")))?;
            Ok(Input {
                query,
                json,
                upload: Upload::NotMultipart,
            })
        }
        BodyKind::Multipart => {
            let (parts, body) = req.into_parts();
            let upload = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
                Err(_) => Upload::TooLarge,
                Ok(bytes) => {
                    let total = bytes.len();
                    let req = Request::from_parts(parts, Body::from(bytes));
                    match Multipart::from_request(req, &()).await {
                        Err(_) => Upload::NotMultipart,
                        Ok(mut form) => {
                            let mut found = Upload::Missing;
                            loop {
                                match form.next_field().await {
                                    Ok(Some(field))
                                        if field
                                            .name()
                                            .is_some_and(|n| UPLOAD_FIELDS.contains(&n)) =>
                                    {
                                        found = match field.bytes().await {
                                            Ok(b) => Upload::File(b.to_vec()),
                                            Err(_) if total > images::MAX_IMAGE_BYTES => {
                                                Upload::TooLarge
                                            }
                                            Err(_) => Upload::Missing,
                                        };
                                        break;
                                    }
                                    Ok(Some(_)) => continue,
                                    Ok(None) => break,
                                    Err(_) if total > images::MAX_IMAGE_BYTES => {
                                        found = Upload::TooLarge;
                                        break;
                                    }
                                    Err(_) => break,
                                }
                            }
                            found
                        }
                    }
                }
            };
            Ok(Input {
                query,
                json: Value::Null,
                upload,
            })
        }
    }
}

/// Counts a WeChat call as in flight until its handling ends (or its connection is
/// dropped with it).
struct InFlight<'a>(&'a std::sync::atomic::AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Runs one HTTP request through the pipeline.
pub async fn handle(shared: &Shared, req: Request<Body>) -> Outcome {
    let arrived = std::time::Instant::now();
    let path = req.uri().path().to_string();
    if path.starts_with(admin::PREFIX) {
        return Outcome::Respond(admin::handle(shared, req).await);
    }
    let method = req.method().clone();
    let now = shared.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    shared.in_flight_peak.fetch_max(now, Ordering::Relaxed);
    let _in_flight = InFlight(&shared.in_flight);
    if shared.latency_ms > 0 {
        crate::latency::wait_from(arrived, Duration::from_millis(shared.latency_ms)).await;
    }
    let fired = if shared.faults_active.load(Ordering::Relaxed) {
        lock(&shared.faults).fire(&path)
    } else {
        None
    };
    // The authorizer whose token the call carries (None off the platform).
    let token_authorizer = if shared.platform.has_tokens() {
        parse_query(req.uri().query())
            .get("access_token")
            .and_then(|t| shared.platform.by_token(t))
            .map(|a| a.appid.clone())
    } else {
        None
    };
    let mut call = CallOf {
        method: &method,
        path: &path,
        fault: fired.as_ref(),
        authorizer: token_authorizer,
    };
    if let Some(f) = &fired {
        if f.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
        }
        match (f.mode, f.errcode, f.status) {
            (FaultMode::Drop, _, _) => {
                log_call(shared, &call, None, 0);
                return Outcome::Drop;
            }
            (FaultMode::Error, Some(code), _) => {
                let body = ApiError::new(code).body(&shared.next_rid());
                log_call(shared, &call, Some(code), 200);
                return Outcome::Respond(json_response(StatusCode::OK, &body));
            }
            (FaultMode::Error, None, Some(status)) => {
                log_call(shared, &call, None, status);
                return Outcome::Respond(gateway_response(status));
            }
            _ => {}
        }
    }
    let result = if let Some(route) = component::route(&path) {
        if method == Method::POST {
            match read_input(&PLATFORM_INPUT, req).await {
                Ok(input) => {
                    // A refused token or info call is logged for the authorizer it named.
                    let named = input
                        .json
                        .get("authorizer_appid")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    // The component's quotas are the emulator's (`--quota PATH=…`).
                    let quota = {
                        let mut world = lock(&shared.world);
                        let now = world.now_ms();
                        world.quota.take(route.path, now)
                    };
                    match quota.and_then(|()| (route.handler)(&shared.platform, &input)) {
                        Ok((v, served)) => {
                            call.authorizer = served.or(named).or(call.authorizer.take());
                            Ok(v)
                        }
                        Err(e) => {
                            call.authorizer = named.or(call.authorizer.take());
                            Err(e)
                        }
                    }
                }
                Err(e) => Err(e),
            }
        } else {
            Err(ApiError::new(43002))
        }
    } else {
        let Some(route) = ROUTES.iter().find(|r| r.path == path) else {
            log_call(shared, &call, None, 404);
            return Outcome::Respond(json_response(
                StatusCode::NOT_FOUND,
                &json!({ "errcode": 404, "errmsg": format!("the emulator does not serve {path}") }),
            ));
        };
        match (route.verb, &method) {
            (Verb::Get, &Method::GET) | (Verb::Post, &Method::POST) => {
                match read_input(route, req).await {
                    Ok(input) => run(shared, route, &input),
                    Err(e) => Err(e),
                }
            }
            (Verb::Get, _) => Err(ApiError::new(43001)),
            (Verb::Post, _) => Err(ApiError::new(43002)),
        }
    };
    let commit_then_drop = fired
        .as_ref()
        .is_some_and(|f| f.mode == FaultMode::CommitThenDrop);
    let mut body = match result {
        Ok(v) => v,
        Err(e) => e.body(&shared.next_rid()),
    };
    if let Some(answer) = fired.as_ref().and_then(|f| f.send_check)
        && let Some(slot) = body.get_mut("send_check")
    {
        *slot = Value::Bool(answer);
    }
    let errcode = body.get("errcode").and_then(Value::as_i64).or(Some(0));
    if commit_then_drop {
        log_call(shared, &call, errcode, 0);
        return Outcome::Drop;
    }
    log_call(shared, &call, errcode, 200);
    Outcome::Respond(json_response(StatusCode::OK, &body))
}

/// How open-platform requests are read (JSON bodies; never dispatched through it).
const PLATFORM_INPUT: Route = route(Post, "", false, Json, refuse);

fn refuse(_: &mut World, _: &Input) -> Result<Value, ApiError> {
    Err(ApiError::new(-1))
}

fn run(shared: &Shared, route: &Route, input: &Input) -> Result<Value, ApiError> {
    if route.token
        && let Some(token) = input.query.get("access_token")
        && let Some(auth) = shared.platform.by_token(token)
    {
        // A card call of a platform's authorizer: its own world, its own lock.
        let mut world = lock(&auth.world);
        let now = world.now_ms();
        auth.check_token(token, now)?;
        if !auth.has_card_permission() {
            return Err(ApiError::new(cardform_spec::platform::API_UNAUTHORIZED));
        }
        world.quota.take(route.path, now)?;
        return (route.handler)(&mut world, input);
    }
    let mut world = lock(&shared.world);
    let now = world.now_ms();
    if route.token {
        world
            .tokens
            .check(input.query.get("access_token").map(String::as_str), now)?;
    }
    world.quota.take(route.path, now)?;
    let answer = (route.handler)(&mut world, input)?;
    super::push::after_call(&shared.push, &world, route.path, input);
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(seen.insert(r.path), "{}", r.path);
        }
    }
}
