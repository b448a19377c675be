//! Pay-gift rules (支付后投放卡券, public doc "设置支付后投放卡券接口"):
//! `card/paygiftcard/add`, `getbyid`, `batchget`, `delete`. A rule binds WeChat Pay
//! merchant ids (`mchid_list`) for a time window to a member card
//! (`RULE_TYPE_PAY_MEMBER_CARD`, `member_rule`) or a coupon (`RULE_TYPE_SINGLE_PAY`,
//! `single_pay`).
//!
//! A merchant already bound by a live rule of the same type whose window overlaps goes
//! to `fail_mchid_list` with the rule that holds it (`occupy_rule_id`), as the doc's
//! answer sample shows; the others are bound. UNVERIFIED choices, one constant each:
//! the errcode in a fail entry ([`MCHID_OCCUPIED_ERRCODE`], the sample's value), and
//! [`RULE_ARGS_ERRCODE`] for an unknown rule type, `least_cost` above `max_cost`, a
//! rule where every merchant failed, and an unknown or deleted rule_id.

use serde_json::{Value, json};

use super::persistence::Entry;
use super::records::{CardStatus, PayGiftRule, SpecialType};
use super::reply::{ApiError, as_bool, as_u64, ok, req_str};
use super::request::Input;
use super::special::card_of_type;
use super::world::World;

/// Rule types and the key of their rule object (public doc; wechatpy's
/// `add_pay_giftcard`).
pub const RULE_TYPES: &[(&str, &str)] = &[
    ("RULE_TYPE_PAY_MEMBER_CARD", "member_rule"),
    ("RULE_TYPE_SINGLE_PAY", "single_pay"),
];
/// A live rule's `base_info.status` (doc sample).
pub const RULE_STATUS_OK: &str = "RULE_STATUS_OK";
/// The errcode of a `fail_mchid_list` entry (the doc sample's value; UNVERIFIED).
pub const MCHID_OCCUPIED_ERRCODE: i64 = 23112;
/// See the module comment (UNVERIFIED).
pub const RULE_ARGS_ERRCODE: i64 = 40097;

fn args(detail: impl Into<String>) -> ApiError {
    ApiError::with(RULE_ARGS_ERRCODE, detail)
}

fn time(base: &Value, key: &str) -> Result<i64, ApiError> {
    match base.get(key) {
        None | Some(Value::Null) => {
            Err(ApiError::with(41011, format!("rule_info.base_info.{key}")))
        }
        Some(v) => as_u64(v)
            .and_then(|n| i64::try_from(n).ok())
            .ok_or_else(|| ApiError::with(47001, format!("base_info.{key} must be a Unix time"))),
    }
}

/// `POST /card/paygiftcard/add {rule_info: {type, base_info: {mchid_list, begin_time,
/// end_time}, member_rule | single_pay: {card_id, least_cost, max_cost, jump_url?}}}`
/// → `rule_id`, `succ_mchid_list`, `fail_mchid_list`.
pub fn add(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let info = match input.json.get("rule_info") {
        Some(v @ Value::Object(_)) => v,
        None | Some(Value::Null) => return Err(ApiError::with(41011, "rule_info")),
        Some(_) => return Err(ApiError::with(47001, "rule_info must be an object")),
    };
    let rule_type = req_str(info, "type")?;
    let Some((_, rule_key)) = RULE_TYPES.iter().find(|(t, _)| *t == rule_type) else {
        return Err(args(format!(
            "(rule_info.type `{rule_type}` is not one of RULE_TYPE_PAY_MEMBER_CARD, RULE_TYPE_SINGLE_PAY)"
        )));
    };
    let base = info
        .get("base_info")
        .filter(|v| v.is_object())
        .ok_or_else(|| ApiError::with(41011, "rule_info.base_info"))?;
    let mchids: Vec<String> = base
        .get("mchid_list")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| ApiError::with(41011, "rule_info.base_info.mchid_list"))?
        .iter()
        .map(|m| match m {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect::<Option<_>>()
        .ok_or_else(|| ApiError::with(47001, "mchid_list must list merchant ids"))?;
    let (begin, end) = (time(base, "begin_time")?, time(base, "end_time")?);
    if begin >= end {
        return Err(ApiError::with(
            40100,
            "(begin_time must be before end_time)",
        ));
    }
    let rule = info
        .get(*rule_key)
        .filter(|v| v.is_object())
        .ok_or_else(|| ApiError::with(41011, format!("rule_info.{rule_key}")))?;
    let card_id = req_str(rule, "card_id")?;
    if *rule_key == "member_rule" {
        card_of_type(world, card_id, SpecialType::MemberCard)?;
    } else {
        let card = world.live_card(card_id)?;
        if !matches!(card.status, CardStatus::VerifyOk | CardStatus::Dispatch) {
            return Err(ApiError::with(40078, "(the card is not approved)"));
        }
    }
    let cost = |k: &str| -> Result<u64, ApiError> {
        rule.get(k)
            .and_then(as_u64)
            .ok_or_else(|| ApiError::with(41011, format!("rule_info.{rule_key}.{k}")))
    };
    if cost("least_cost")? > cost("max_cost")? {
        return Err(args("(least_cost is above max_cost)"));
    }
    let mut succ = Vec::new();
    let mut fail = Vec::new();
    for mchid in mchids {
        let holder = world.pay_gift_rules.values().find(|r| {
            !r.deleted
                && r.rule_type == rule_type
                && r.begin_time < end
                && begin < r.end_time
                && rule_mchids(r).contains(&mchid)
        });
        match holder {
            Some(r) => fail.push(json!({
                "mchid": mchid,
                "errcode": MCHID_OCCUPIED_ERRCODE,
                "errmsg": "mchid is bound to another rule in this time",
                "occupy_rule_id": r.rule_id,
                "occupy_appid": world.appid,
            })),
            None => succ.push(mchid),
        }
    }
    if succ.is_empty() {
        return Err(args(
            "(every merchant in mchid_list is bound to another rule)",
        ));
    }
    let mut stored = info.clone();
    stored["base_info"]["mchid_list"] = json!(succ);
    let rule_id = world
        .pay_gift_rules
        .keys()
        .next_back()
        .map_or(1_000_001, |id| id + 1);
    let now = world.now_s();
    world.commit(Entry::PayGift(PayGiftRule {
        rule_id,
        rule_type: rule_type.to_string(),
        rule_info: stored.to_string(),
        begin_time: begin,
        end_time: end,
        create_time: now,
        update_time: now,
        deleted: false,
    }))?;
    Ok(ok(json!({
        "rule_id": rule_id,
        "succ_mchid_list": succ,
        "fail_mchid_list": fail,
    })))
}

fn rule_mchids(rule: &PayGiftRule) -> Vec<String> {
    serde_json::from_str::<Value>(&rule.rule_info)
        .ok()
        .and_then(|v| v["base_info"]["mchid_list"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m.as_str().map(str::to_string))
        .collect()
}

/// The rule as getbyid and batchget answer it: as sent, with `status`, `create_time`
/// and `update_time` in `base_info` (doc sample).
fn view(rule: &PayGiftRule) -> Value {
    let mut info: Value = serde_json::from_str(&rule.rule_info).unwrap_or_else(|_| json!({}));
    if let Some(base) = info.get_mut("base_info").and_then(Value::as_object_mut) {
        base.insert("status".into(), json!(RULE_STATUS_OK));
        base.insert("create_time".into(), json!(rule.create_time));
        base.insert("update_time".into(), json!(rule.update_time));
    }
    info
}

fn live_rule(world: &World, body: &Value) -> Result<PayGiftRule, ApiError> {
    let id = match body.get("rule_id") {
        None | Some(Value::Null) => return Err(ApiError::with(41011, "rule_id")),
        Some(v) => as_u64(v).ok_or_else(|| ApiError::with(47001, "rule_id must be an integer"))?,
    };
    world
        .pay_gift_rules
        .get(&id)
        .filter(|r| !r.deleted)
        .cloned()
        .ok_or_else(|| args(format!("(no rule {id})")))
}

/// `POST /card/paygiftcard/getbyid {rule_id}` → `rule_info`.
pub fn get(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let rule = live_rule(world, &input.json)?;
    Ok(ok(json!({ "rule_info": view(&rule) })))
}

/// `POST /card/paygiftcard/batchget {type, effective, offset, count}` →
/// `total_count`, `rule_list`. `effective: true` lists only rules whose window holds
/// now.
pub fn batchget(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let body = &input.json;
    let rule_type = req_str(body, "type")?;
    if !RULE_TYPES.iter().any(|(t, _)| *t == rule_type) {
        return Err(args(format!("(type `{rule_type}` is not a rule type)")));
    }
    let effective = body.get("effective").and_then(as_bool).unwrap_or(false);
    let offset = body.get("offset").and_then(as_u64).unwrap_or(0);
    let count = body.get("count").and_then(as_u64).unwrap_or(10);
    let now = world.now_s();
    let matching: Vec<&PayGiftRule> = world
        .pay_gift_rules
        .values()
        .filter(|r| !r.deleted && r.rule_type == rule_type)
        .filter(|r| !effective || (r.begin_time <= now && now <= r.end_time))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .map(|r| view(r))
        .collect();
    Ok(ok(
        json!({ "total_count": matching.len(), "rule_list": page }),
    ))
}

/// `POST /card/paygiftcard/delete {rule_id}`: the rule stops; its merchants are free.
pub fn delete(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let mut rule = live_rule(world, &input.json)?;
    rule.deleted = true;
    rule.update_time = world.now_s();
    world.commit(Entry::PayGift(rule))?;
    Ok(ok(json!({})))
}
