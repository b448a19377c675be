//! Per-card switches and pages beside the card definition (reference §2 rows 20–24):
//! `card/user/getcardlist`, `card/paycell/set`, `card/landingpage/create`,
//! `card/mpnews/gethtml`.
//!
//! UNVERIFIED choices: the emulated account has WeChat Pay (买单) permission, so
//! paycell answers 43017 only for a card without stores (§6.7); gethtml's `content` is
//! an iframe naming the card (the docs show no sample); landingpage ids are derived from the page's content.

use serde_json::{Value, json};
use sha2::Digest;

use super::records::{CardStatus, CodeStatus};
use super::reply::{ApiError, as_bool, card_id_of, ok, req_str};
use super::request::Input;
use super::world::World;
use cardform_spec::WECHAT_IMAGE_HOST;

/// `POST /card/user/getcardlist {openid, card_id?}` → the user's usable codes.
pub fn user_cards(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let openid = req_str(&input.json, "openid")?;
    let only = input
        .json
        .get("card_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let mut held: Vec<(&String, &String, i64)> = world
        .codes
        .values()
        .filter(|c| c.openid == openid && c.status == CodeStatus::Normal && c.replaced_by.is_none())
        .filter(|c| only.is_none_or(|id| c.card_id == id))
        .map(|c| (&c.card_id, &c.code, c.claimed_at))
        .collect();
    held.sort_by_key(|(_, code, at)| (*at, (*code).clone()));
    let has_share_card = held
        .iter()
        .any(|(id, _, _)| world.cards.get(*id).is_some_and(|c| c.is_friends()));
    let list: Vec<Value> = held
        .iter()
        .map(|(id, code, _)| json!({ "card_id": id, "code": code }))
        .collect();
    Ok(ok(
        json!({ "card_list": list, "has_share_card": has_share_card }),
    ))
}

/// `POST /card/paycell/set {card_id, is_open}`.
pub fn paycell(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    let card = world.live_card(id)?;
    as_bool(input.json.get("is_open").unwrap_or(&Value::Null))
        .ok_or_else(|| ApiError::with(41011, "is_open"))?;
    let base = card
        .body_map()
        .get("base_info")
        .cloned()
        .unwrap_or_default();
    let stores = base
        .get("location_id_list")
        .and_then(Value::as_array)
        .is_some_and(|l| !l.is_empty())
        || base.get("use_all_locations").and_then(as_bool) == Some(true);
    if !stores {
        return Err(ApiError::with(
            43017,
            "(the card has no store: set location_id_list)",
        ));
    }
    Ok(ok(json!({})))
}

/// `POST /card/landingpage/create {banner, page_title, can_share, scene, card_list}`.
pub fn landing_page(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let uploaded = |url: &str| {
        ["http://", "https://"].iter().any(|scheme| {
            url.strip_prefix(scheme)
                .is_some_and(|rest| rest.starts_with(&format!("{WECHAT_IMAGE_HOST}/")))
        })
    };
    let banner = req_str(body, "banner")?;
    if !uploaded(banner) {
        return Err(ApiError::with(
            40071,
            "banner must be a URL uploadimg returned",
        ));
    }
    req_str(body, "page_title")?;
    req_str(body, "scene")?;
    let list = body
        .get("card_list")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| ApiError::with(41011, "card_list"))?;
    for item in list {
        let id = req_str(item, "card_id")?;
        let card = world.live_card(id)?;
        if !matches!(card.status, CardStatus::VerifyOk | CardStatus::Dispatch) {
            return Err(ApiError::with(
                40078,
                format!("(card {id} is not approved)"),
            ));
        }
        if !uploaded(req_str(item, "thumb_url")?) {
            return Err(ApiError::with(
                40071,
                "thumb_url must be a URL uploadimg returned",
            ));
        }
    }
    // A stable id for the same page (the docs show ids as plain integers).
    let digest = sha2::Sha256::digest(body.to_string().as_bytes());
    let page_id = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) >> 1;
    Ok(ok(json!({
        "url": format!("https://mp.weixin.qq.com/bizmall/cardlandingpage?biz=emulator&page_id={page_id}#wechat_redirect"),
        "page_id": page_id,
    })))
}

/// `POST /card/mpnews/gethtml {card_id}` → `content` to paste into a mass message.
pub fn mpnews_html(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let id = card_id_of(&input.json)?;
    world.live_card(id)?;
    Ok(ok(json!({
        "content": format!("<iframe class=\"res_iframe card_iframe js_editor_card\" data-src=\"http://mp.weixin.qq.com/bizmall/appmsgcard?action=show&card_id={id}\"></iframe>"),
    })))
}
