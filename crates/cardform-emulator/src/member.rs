//! Member cards (会员卡): `card/membercard/activate`, `updateuser`, `userinfo/get`,
//! `activateuserform/set`, `activate/geturl`, `activatetempinfo/get`, and the admin
//! stand-in for a user filling the activation form. Shapes from the public member-card
//! docs (会员卡 "激活会员卡", "更新会员信息", "拉取会员信息", "开卡组件") and the samples
//! wechatpy's docstrings repeat.
//!
//! - A code must be activated (接口激活 `activate`, or a card with `auto_activate`)
//!   before `updateuser`: 40078 otherwise, and a second `activate` answers 40078 too
//!   (UNVERIFIED errcodes: the docs name none; [`NOT_ACTIVE_ERRCODE`]).
//! - Points (`bonus`) need a card with `supply_bonus`, stored value (`balance`) one
//!   with `supply_balance`; a total below 0 is refused. 40097 (UNVERIFIED:
//!   [`MEMBER_ARGS_ERRCODE`]).
//! - `bonus` (the new total) wins over `add_bonus` (the change), as the doc's
//!   idempotency note says; the same for balance.
//! - `activate/geturl` needs a card with `wx_activate` (一键激活 uses the form;
//!   UNVERIFIED: 40078).

use rand::Rng;
use serde_json::{Map, Value, json};

use super::persistence::Entry;
use super::records::{CodeStatus, MemberRecord, SpecialCardRecord, SpecialType};
use super::reply::{ApiError, card_id_of, ok, req_str};
use super::request::Input;
use super::special::{card_of_type, held_code};
use super::world::World;

/// Not activated yet / already activated / no one-click activation (UNVERIFIED).
pub const NOT_ACTIVE_ERRCODE: i64 = 40078;
/// Points or stored value the card does not supply, a negative total, an unknown
/// activate_ticket (UNVERIFIED).
pub const MEMBER_ARGS_ERRCODE: i64 = 40097;

/// `common_field_id_list` values (public doc 开卡字段 table, as wechatpy's
/// `UserFormInfoFlag` lists them; `…EDUCATION_BACKGRO` is the doc's own spelling, and
/// its activatetempinfo sample writes `…EDUCATION_BACKGROUND`, so both pass).
pub const USER_FORM_FLAGS: &[&str] = &[
    "USER_FORM_INFO_FLAG_MOBILE",
    "USER_FORM_INFO_FLAG_SEX",
    "USER_FORM_INFO_FLAG_NAME",
    "USER_FORM_INFO_FLAG_BIRTHDAY",
    "USER_FORM_INFO_FLAG_IDCARD",
    "USER_FORM_INFO_FLAG_EMAIL",
    "USER_FORM_INFO_FLAG_LOCATION",
    "USER_FORM_INFO_FLAG_EDUCATION_BACKGRO",
    "USER_FORM_INFO_FLAG_EDUCATION_BACKGROUND",
    "USER_FORM_INFO_FLAG_INDUSTRY",
    "USER_FORM_INFO_FLAG_INCOME",
    "USER_FORM_INFO_FLAG_HABIT",
];

/// `rich_field_list[].type` values (public doc 开卡字段).
pub const RICH_FIELD_TYPES: &[&str] = &[
    "FORM_FIELD_RADIO",
    "FORM_FIELD_SELECT",
    "FORM_FIELD_CHECK_BOX",
];

fn args(detail: impl Into<String>) -> ApiError {
    ApiError::with(MEMBER_ARGS_ERRCODE, detail)
}

fn member_of(world: &World, code: &str) -> Result<MemberRecord, ApiError> {
    world
        .members
        .get(code)
        .cloned()
        .ok_or_else(|| ApiError::new(40056))
}

fn int(body: &Value, key: &str) -> Result<Option<i64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .map(Some)
            .ok_or_else(|| ApiError::with(47001, format!("{key} must be an integer"))),
    }
}

fn text(body: &Value, key: &str) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::with(47001, format!("{key} must be a string"))),
    }
}

/// Points and stored value the card must supply before a field may be sent.
fn supplied(card: &SpecialCardRecord, body: &Value, keys: &[&str]) -> Result<(), ApiError> {
    for (switch, what) in [("supply_bonus", "bonus"), ("supply_balance", "balance")] {
        if !card.switch(switch)
            && keys
                .iter()
                .filter(|k| k.contains(what))
                .any(|k| body.get(*k).is_some_and(|v| !v.is_null()))
        {
            return Err(args(format!(
                "(the card does not supply {what}: member_card.{switch} is false)"
            )));
        }
    }
    Ok(())
}

/// `POST /card/membercard/activate {membership_number, code, card_id?, init_bonus?,
/// init_balance?, background_pic_url?, init_custom_field_value1..3?, …}`.
pub fn activate(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let (code, card) = held_code(world, body, SpecialType::MemberCard)?;
    let number = req_str(body, "membership_number")?.to_string();
    let mut member = member_of(world, &code.code)?;
    if member.activated {
        return Err(ApiError::with(
            NOT_ACTIVE_ERRCODE,
            "(the member card is already activated)",
        ));
    }
    supplied(&card, body, &["init_bonus", "init_balance"])?;
    let bonus = int(body, "init_bonus")?.unwrap_or(0);
    let balance = int(body, "init_balance")?.unwrap_or(0);
    if bonus < 0 || balance < 0 {
        return Err(args("(init_bonus and init_balance must not be negative)"));
    }
    member.activated = true;
    member.membership_number = Some(number);
    member.bonus = bonus;
    member.balance = balance;
    member.background_pic_url = text(body, "background_pic_url")?;
    for (i, slot) in member.custom_field_values.iter_mut().enumerate() {
        if let Some(v) = text(body, &format!("init_custom_field_value{}", i + 1))? {
            *slot = Some(v);
        }
    }
    world.commit(Entry::Member(member))?;
    Ok(ok(json!({})))
}

/// `POST /card/membercard/updateuser {code, card_id, bonus?, add_bonus?, balance?,
/// add_balance?, record_*?, custom_field_value1..3?, background_pic_url?,
/// notify_optional?}` → `result_bonus`, `result_balance`, `openid`.
pub fn update_user(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    card_id_of(body)?;
    let (code, card) = held_code(world, body, SpecialType::MemberCard)?;
    let mut member = member_of(world, &code.code)?;
    if !member.activated {
        return Err(ApiError::with(
            NOT_ACTIVE_ERRCODE,
            "(activate the member card first: card/membercard/activate)",
        ));
    }
    supplied(
        &card,
        body,
        &["bonus", "add_bonus", "balance", "add_balance"],
    )?;
    let total = |set: Option<i64>, add: Option<i64>, now: i64| match (set, add) {
        (Some(v), _) => Some(v),
        (None, Some(d)) => now.checked_add(d),
        (None, None) => Some(now),
    };
    let bonus = total(int(body, "bonus")?, int(body, "add_bonus")?, member.bonus);
    let balance = total(
        int(body, "balance")?,
        int(body, "add_balance")?,
        member.balance,
    );
    let (Some(bonus), Some(balance)) = (bonus, balance) else {
        return Err(args("(bonus or balance out of range)"));
    };
    if bonus < 0 || balance < 0 {
        return Err(args(format!(
            "(the result would be bonus {bonus}, balance {balance}: neither may go below 0)"
        )));
    }
    member.bonus = bonus;
    member.balance = balance;
    if let Some(url) = text(body, "background_pic_url")? {
        member.background_pic_url = Some(url);
    }
    for (i, slot) in member.custom_field_values.iter_mut().enumerate() {
        if let Some(v) = text(body, &format!("custom_field_value{}", i + 1))? {
            *slot = Some(v);
        }
    }
    world.commit(Entry::Member(member))?;
    Ok(ok(json!({
        "result_bonus": bonus,
        "result_balance": balance,
        "openid": code.openid,
    })))
}

/// `POST /card/membercard/userinfo/get {card_id, code}` → the member's data. The
/// emulator knows no nickname or sex: both answer empty (UNVERIFIED values).
pub fn user_info(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    card_id_of(body)?;
    let code_name = req_str(body, "code")?;
    let code = world
        .codes
        .get(code_name)
        .cloned()
        .ok_or_else(|| ApiError::new(40056))?;
    if body.get("card_id").and_then(Value::as_str) != Some(code.card_id.as_str()) {
        return Err(ApiError::with(40056, "(the code belongs to another card)"));
    }
    card_of_type(world, &code.card_id, SpecialType::MemberCard)?;
    let member = member_of(world, &code.code)?;
    let status = match code.status {
        CodeStatus::Normal => "NORMAL",
        CodeStatus::Consumed => "EXPIRE",
        CodeStatus::Unavailable => "UNAVAILABLE",
        CodeStatus::UserDeleted => "DELETE",
    };
    let form: Value = member
        .user_info
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_else(|| json!({ "common_field_list": [], "custom_field_list": [] }));
    Ok(ok(json!({
        "openid": code.openid,
        "nickname": "",
        "membership_number": member.membership_number.unwrap_or_default(),
        "bonus": member.bonus,
        "balance": member.balance,
        "sex": "",
        "user_info": form,
        "user_card_status": status,
        "has_active": member.activated,
    })))
}

fn check_form(path: &str, form: &Value) -> Result<(), ApiError> {
    let Some(form) = form.as_object() else {
        return Err(ApiError::with(47001, format!("{path} must be an object")));
    };
    for flag in form
        .get("common_field_id_list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !flag.as_str().is_some_and(|f| USER_FORM_FLAGS.contains(&f)) {
            return Err(ApiError::with(
                40071,
                format!("{path}.common_field_id_list: {flag} is not a USER_FORM_INFO_FLAG_*"),
            ));
        }
    }
    for rich in form
        .get("rich_field_list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = rich.get("type").and_then(Value::as_str).unwrap_or("");
        if !RICH_FIELD_TYPES.contains(&kind) {
            return Err(ApiError::with(
                40071,
                format!("{path}.rich_field_list: type `{kind}` is not one of {RICH_FIELD_TYPES:?}"),
            ));
        }
        req_str(rich, "name")?;
    }
    Ok(())
}

/// `POST /card/membercard/activateuserform/set {card_id, required_form?,
/// optional_form?, service_statement?, bind_old_card?}`.
pub fn set_user_form(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let mut card = card_of_type(world, card_id_of(body)?, SpecialType::MemberCard)?;
    for key in ["required_form", "optional_form"] {
        if let Some(form) = body.get(key).filter(|v| !v.is_null()) {
            check_form(key, form)?;
        }
    }
    let mut form = body.as_object().cloned().unwrap_or_default();
    form.remove("card_id");
    card.user_form = Some(Value::Object(form).to_string());
    world.commit(Entry::SpecialCard(card))?;
    Ok(ok(json!({})))
}

/// `POST /card/membercard/activate/geturl {card_id, outer_str?}` → `url` of the
/// activation form (开卡组件), in the sample's shape.
pub fn activate_url(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    use base64::Engine;
    let body = &input.json;
    let card = card_of_type(world, card_id_of(body)?, SpecialType::MemberCard)?;
    if !card.switch("wx_activate") {
        return Err(ApiError::with(
            NOT_ACTIVE_ERRCODE,
            "(the activation form needs member_card.wx_activate = true)",
        ));
    }
    let outer = body.get("outer_str").and_then(Value::as_str).unwrap_or("");
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(&card.id);
    Ok(ok(json!({
        "url": format!(
            "https://mp.weixin.qq.com/bizmall/activatemembercard?action=preshow&&encrypt_card_id={encoded}&outer_str={outer}&biz=emulator#wechat_redirect"
        ),
    })))
}

/// `POST /card/membercard/activatetempinfo/get {activate_ticket}` → `info`, what the
/// user filled in the form.
pub fn activate_info(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let ticket = req_str(&input.json, "activate_ticket")?;
    let info = world
        .activate_tickets
        .get(ticket)
        .ok_or_else(|| args("(unknown activate_ticket)"))?;
    Ok(ok(json!({ "info": info })))
}

/// Admin: a user fills the activation form of the member card `code` belongs to →
/// `activate_ticket` (what WeChat's callback URL carries). The answers are kept for
/// `userinfo/get`.
///
/// # Errors
/// What the member-card endpoints answer for the code; 41011 for a required form field
/// not filled.
pub fn fill_activate_form(world: &mut World, body: &Value) -> Result<Value, ApiError> {
    let (code, card) = held_code(world, body, SpecialType::MemberCard)?;
    let list = |key: &str| -> Vec<Value> {
        body.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let common = list("common_field_list");
    let custom = list("custom_field_list");
    let form: Map<String, Value> = card
        .user_form
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let required = form
        .get("required_form")
        .and_then(|f| f.get("common_field_id_list"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for flag in required.iter().filter_map(Value::as_str) {
        if !common
            .iter()
            .any(|c| c.get("name").and_then(Value::as_str) == Some(flag))
        {
            return Err(ApiError::with(41011, format!("common_field_list {flag}")));
        }
    }
    let info = json!({ "common_field_list": common, "custom_field_list": custom });
    let mut member = member_of(world, &code.code)?;
    member.user_info = Some(info.to_string());
    world.commit(Entry::Member(member))?;
    let ticket: String = {
        let mut rng = rand::rng();
        (0..32)
            .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
            .collect()
    };
    world.activate_tickets.insert(ticket.clone(), info);
    Ok(ok(json!({ "activate_ticket": ticket })))
}
