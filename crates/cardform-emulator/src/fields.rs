//! What `card/create` accepts inside the per-type object (reference §3.2–§3.5, §8.3),
//! as tables: field → kind → byte limit → required. Lengths are UTF-8 bytes (WeChat's
//! `string(N)`), over the limit → 45021; a value outside an enum → 40071; a missing
//! required field → 41011 naming it; a wrong JSON type or a half-filled structure →
//! 47001. `card/update` re-checks the merged card with the same tables.

use serde_json::{Map, Value};

use super::reply::{ApiError, as_bool, as_u64};
use Kind::*;
use cardform_spec::fields::{
    ABSTRACT, BASE_INFO, DATE_TYPES, FIX_TERM, FIX_TIME_RANGE, Field, Kind, MAX_QUANTITY,
    MAX_TIMESTAMP, SERVICES, SHARE_CARD, TEXT_IMAGE, TIME_LIMIT, USE_CONDITION, type_fields,
};
use cardform_spec::limits::{
    FRIENDS_CREATE_TAKES_STOCK, FRIENDS_FREE_STOCK_ERRCODE, GIFT_RULE_LIST_MAX,
};
use cardform_spec::{CardType, PALETTE, WECHAT_IMAGE_HOST};

fn missing(path: &str) -> ApiError {
    ApiError::with(41011, path)
}

fn structure(detail: impl Into<String>) -> ApiError {
    ApiError::with(47001, detail)
}

/// Checks one value against its kind.
///
/// # Errors
/// 47001 wrong JSON type, 45021 too long, 40071 outside an enum or not an uploaded image.
pub fn check_value(
    path: &str,
    kind: Kind,
    max: Option<usize>,
    v: &Value,
    scope: Scope<'_>,
) -> Result<(), ApiError> {
    if !scope.checks(path) && matches!(kind, Str(_) | Color | Image) {
        // A value the card already holds and this call does not send: only its type.
        return v
            .as_str()
            .map(|_| ())
            .ok_or_else(|| structure(format!("{path} must be a string")));
    }
    match kind {
        Str(n) => {
            let s = v
                .as_str()
                .ok_or_else(|| structure(format!("{path} must be a string")))?;
            let limit = max.map_or(n, |m| m.min(n));
            if s.len() > limit {
                return Err(ApiError::with(
                    45021,
                    format!("{path} is {} bytes, limit {limit}", s.len()),
                ));
            }
        }
        Bool => {
            as_bool(v).ok_or_else(|| structure(format!("{path} must be true or false")))?;
        }
        UInt => {
            as_u64(v).ok_or_else(|| structure(format!("{path} must be a non-negative integer")))?;
        }
        Enum(values) => {
            let s = v
                .as_str()
                .ok_or_else(|| structure(format!("{path} must be a string")))?;
            if !values.contains(&s) {
                return Err(ApiError::with(
                    40071,
                    format!("{path} `{s}` is not one of {}", values.join(", ")),
                ));
            }
        }
        Color => {
            let s = v
                .as_str()
                .ok_or_else(|| structure(format!("{path} must be a string")))?;
            if !PALETTE.iter().any(|(name, _)| *name == s) {
                return Err(ApiError::with(
                    40071,
                    format!("{path} `{s}` is not a getcolors name (Color010…)"),
                ));
            }
        }
        Image => {
            let s = v
                .as_str()
                .ok_or_else(|| structure(format!("{path} must be a string")))?;
            if s.len() > 128 {
                return Err(ApiError::with(
                    45021,
                    format!("{path} is {} bytes, limit 128", s.len()),
                ));
            }
            let host_ok = ["http://", "https://"].iter().any(|scheme| {
                s.strip_prefix(scheme)
                    .is_some_and(|rest| rest.starts_with(&format!("{WECHAT_IMAGE_HOST}/")))
            });
            if !host_ok {
                return Err(ApiError::with(
                    40071,
                    format!(
                        "{path} must be a URL returned by media/uploadimg ({WECHAT_IMAGE_HOST})"
                    ),
                ));
            }
        }
        IdList => {
            let ok = v
                .as_array()
                .is_some_and(|items| items.iter().all(|i| as_u64(i).is_some()));
            if !ok {
                return Err(structure(format!("{path} must be a list of store ids")));
            }
        }
    }
    Ok(())
}

/// Checks an object against a table.
///
/// # Errors
/// The first problem found, in table order.
pub fn check_table(
    prefix: &str,
    obj: &Map<String, Value>,
    table: &[Field],
    friends: bool,
    optional: &[&str],
    scope: Scope<'_>,
) -> Result<(), ApiError> {
    for field in table {
        let path = format!("{prefix}.{}", field.name);
        match obj.get(field.name) {
            // On update, a field the stored card lacks (a card made before it was
            // required) is not a reason to refuse a change that does not send it: the
            // same rule as the input checks, UNVERIFIED likewise ([`Scope::checks`]).
            None | Some(Value::Null) => {
                if field.required && !optional.contains(&field.name) && scope.checks(&path) {
                    return Err(missing(&path));
                }
            }
            Some(v) => check_value(
                &path,
                field.kind,
                if friends { field.friends_max } else { None },
                v,
                scope,
            )?,
        }
    }
    Ok(())
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    v.as_object()
        .ok_or_else(|| structure(format!("{path} must be an object")))
}

fn u64_at(obj: &Map<String, Value>, key: &str) -> Option<u64> {
    obj.get(key).and_then(as_u64)
}

/// Normalises the legacy numeric `date_info.type` (1, 2) to its name.
pub fn normalise_date_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(s) => DATE_TYPES.iter().find(|t| **t == s).copied(),
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(FIX_TIME_RANGE),
            Some(2) => Some(FIX_TERM),
            _ => None,
        },
        _ => None,
    }
}

/// The date type only member cards take (public member-card doc, 创建会员卡接口 4.1:
/// `DATE_TYPE_PERMANENT` 永久有效类型).
pub const DATE_TYPE_PERMANENT: &str = "DATE_TYPE_PERMANENT";

fn check_date_info(
    date: &mut Map<String, Value>,
    friends: bool,
    permanent: bool,
) -> Result<(), ApiError> {
    if permanent && date.get("type").and_then(Value::as_str) == Some(DATE_TYPE_PERMANENT) {
        return Ok(());
    }
    let t = match date.get("type") {
        None | Some(Value::Null) => return Err(missing("base_info.date_info.type")),
        Some(v) => normalise_date_type(v).ok_or_else(|| {
            ApiError::with(
                40071,
                "base_info.date_info.type is not DATE_TYPE_FIX_TIME_RANGE or DATE_TYPE_FIX_TERM",
            )
        })?,
    };
    date.insert("type".into(), Value::String(t.to_string()));
    for key in [
        "begin_timestamp",
        "end_timestamp",
        "fixed_term",
        "fixed_begin_term",
    ] {
        if let Some(v) = date.get(key) {
            check_value(
                &format!("base_info.date_info.{key}"),
                UInt,
                None,
                v,
                Scope::All,
            )?;
        }
    }
    if friends && t != FIX_TIME_RANGE {
        return Err(structure(
            "friends coupons take DATE_TYPE_FIX_TIME_RANGE only",
        ));
    }
    if t == FIX_TIME_RANGE {
        let begin = u64_at(date, "begin_timestamp")
            .ok_or_else(|| missing("base_info.date_info.begin_timestamp"))?;
        let end = u64_at(date, "end_timestamp")
            .ok_or_else(|| missing("base_info.date_info.end_timestamp"))?;
        if begin > end || end > MAX_TIMESTAMP {
            return Err(ApiError::with(
                40100,
                "begin_timestamp must not be after end_timestamp, both before 2038-01-19",
            ));
        }
    } else {
        let term =
            u64_at(date, "fixed_term").ok_or_else(|| missing("base_info.date_info.fixed_term"))?;
        if term == 0 {
            return Err(ApiError::with(40100, "fixed_term must be at least 1 day"));
        }
        if u64_at(date, "end_timestamp").is_some_and(|e| e > MAX_TIMESTAMP) {
            return Err(ApiError::with(
                40100,
                "end_timestamp must be before 2038-01-19",
            ));
        }
    }
    Ok(())
}

fn check_advanced(
    adv: &Map<String, Value>,
    t: CardType,
    friends: bool,
    scope: Scope<'_>,
) -> Result<(), ApiError> {
    if let Some(uc) = adv.get("use_condition").filter(|v| !v.is_null()) {
        let uc = object(uc, "advanced_info.use_condition")?;
        check_table(
            "advanced_info.use_condition",
            uc,
            USE_CONDITION,
            friends,
            &[],
            scope,
        )?;
        if friends {
            let cash_only = ["accept_category", "reject_category"];
            if t != CardType::Cash && cash_only.iter().any(|k| uc.contains_key(*k)) {
                return Err(structure(
                    "accept_category/reject_category apply to CASH friends coupons only",
                ));
            }
            if t != CardType::Gift && uc.contains_key("object_use_for") {
                return Err(structure(
                    "object_use_for applies to GIFT friends coupons only",
                ));
            }
        }
    }
    if let Some(abs) = adv.get("abstract").filter(|v| !v.is_null()) {
        let abs = object(abs, "advanced_info.abstract")?;
        check_table("advanced_info.abstract", abs, ABSTRACT, friends, &[], scope)?;
        let icons = abs
            .get("icon_url_list")
            .ok_or_else(|| missing("advanced_info.abstract.icon_url_list"))?
            .as_array()
            .ok_or_else(|| structure("advanced_info.abstract.icon_url_list must be a list"))?;
        if icons.len() != 1 {
            return Err(structure(
                "advanced_info.abstract.icon_url_list takes exactly one image",
            ));
        }
        check_value(
            "advanced_info.abstract.icon_url_list[0]",
            Image,
            None,
            &icons[0],
            scope,
        )?;
    }
    let list = |key: &str| -> Result<Vec<&Value>, ApiError> {
        match adv.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.iter().collect()),
            Some(_) => Err(structure(format!("advanced_info.{key} must be a list"))),
        }
    };
    for (i, item) in list("text_image_list")?.into_iter().enumerate() {
        let path = format!("advanced_info.text_image_list[{i}]");
        let obj = object(item, &path)?;
        // A half-filled entry is a structure error (reference §3.5, DOC-2038).
        if TEXT_IMAGE.iter().any(|f| !obj.contains_key(f.name)) {
            return Err(structure(format!("{path} needs both image_url and text")));
        }
        check_table(&path, obj, TEXT_IMAGE, friends, &[], scope)?;
    }
    for (i, item) in list("time_limit")?.into_iter().enumerate() {
        let path = format!("advanced_info.time_limit[{i}]");
        check_table(&path, object(item, &path)?, TIME_LIMIT, friends, &[], scope)?;
    }
    for (i, item) in list("business_service")?.into_iter().enumerate() {
        check_value(
            &format!("advanced_info.business_service[{i}]"),
            Enum(SERVICES),
            None,
            item,
            scope,
        )?;
    }
    if let Some(v) = adv.get("share_friends") {
        check_value("advanced_info.share_friends", Bool, None, v, scope)?;
    }
    let self_num = match adv.get("consume_share_self_num") {
        None | Some(Value::Null) => None,
        Some(v) => {
            check_value("advanced_info.consume_share_self_num", UInt, None, v, scope)?;
            as_u64(v)
        }
    };
    let share_list = list("consume_share_card_list")?;
    if share_list.len() > GIFT_RULE_LIST_MAX {
        return Err(ApiError::with(
            45021,
            format!(
                "advanced_info.consume_share_card_list has {} entries, limit {GIFT_RULE_LIST_MAX}",
                share_list.len()
            ),
        ));
    }
    for (i, item) in share_list.iter().enumerate() {
        let path = format!("advanced_info.consume_share_card_list[{i}]");
        check_table(&path, object(item, &path)?, SHARE_CARD, friends, &[], scope)?;
    }
    if friends {
        if self_num.is_some_and(|n| n > 1) {
            return Err(structure("consume_share_self_num may only be 1"));
        }
        if self_num.is_some_and(|n| n > 0) && !share_list.is_empty() {
            return Err(structure(
                "consume_share_self_num and consume_share_card_list exclude each other",
            ));
        }
        if share_list.len() > 1 {
            return Err(structure("consume_share_card_list takes one card"));
        }
        if share_list
            .iter()
            .any(|c| c.get("num").and_then(as_u64) != Some(1))
        {
            return Err(structure("consume_share_card_list num must be 1"));
        }
    }
    Ok(())
}

fn check_sku(base: &Map<String, Value>, friends: bool) -> Result<u64, ApiError> {
    let sku = base.get("sku").ok_or_else(|| missing("base_info.sku"))?;
    let sku = object(sku, "base_info.sku")?;
    let q = sku
        .get("quantity")
        .ok_or_else(|| missing("base_info.sku.quantity"))?;
    let quantity = as_u64(q)
        .ok_or_else(|| structure("base_info.sku.quantity must be a non-negative integer"))?;
    let deposit = base
        .get("get_custom_code_mode")
        .and_then(Value::as_str)
        .is_some();
    if quantity > MAX_QUANTITY {
        return Err(ApiError::with(40122, "sku.quantity is at most 100000000"));
    }
    // Import-code mode starts at 0; friends stock is bought with 券点 later, so 0 is
    // accepted there too (initial friends quantity is UNVERIFIED).
    if quantity == 0 && !deposit && !friends {
        return Err(ApiError::with(40122, "sku.quantity must not be 0"));
    }
    if deposit && quantity != 0 {
        return Err(ApiError::with(
            40122,
            "import-code mode needs sku.quantity 0",
        ));
    }
    if friends && quantity > 0 && !FRIENDS_CREATE_TAKES_STOCK {
        return Err(ApiError::with(
            FRIENDS_FREE_STOCK_ERRCODE,
            "(friends coupons are created without stock; buy it with card/pay/getpayprice, then card/pay/confirm)",
        ));
    }
    Ok(quantity)
}

/// Whether a type object declares a friends coupon (`advanced_info.share_friends`).
pub fn is_friends(obj: &Map<String, Value>) -> bool {
    obj.get("advanced_info")
        .and_then(|a| a.get("share_friends"))
        .and_then(as_bool)
        .unwrap_or(false)
}

/// What is being validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage<'a> {
    /// A `card/create` body: `sku.quantity` is required and checked.
    Create,
    /// A stored card merged with an update: the stock is the server's, not checked;
    /// lengths, colours and image URLs are checked on the `sent` leaves only.
    Update { sent: &'a [String] },
}

/// Which values get WeChat's input checks (lengths, palette colours, image URLs).
///
/// WeChat applies them to what it is sent. Cards created years ago hold texts over
/// today's limits, off-palette hex colours and long `?wx_fmt=` URLs (reference §15); an
/// update that does not send them is not refused for them. UNVERIFIED (the docs state
/// the limits as input constraints and say nothing of stored values): one line to
/// change, [`Scope::checks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every value (a create body).
    All,
    /// The leaves an update sends, as paths inside the type object
    /// (`base_info.notice`, `least_cost`, `advanced_info.text_image_list`), under the
    /// type key that prefixes the paths of type-level fields (`cash`).
    Sent {
        type_key: &'a str,
        paths: &'a [String],
    },
}

impl Scope<'_> {
    /// Whether the value at `path` (as the checks name it) is checked.
    pub fn checks(&self, path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Sent { type_key, paths } => {
                let path = path
                    .strip_prefix(type_key)
                    .and_then(|p| p.strip_prefix('.'))
                    .unwrap_or(path);
                paths.iter().any(|sent| {
                    path == sent
                        || path
                            .strip_prefix(sent.as_str())
                            .is_some_and(|rest| rest.starts_with(['.', '[']))
                })
            }
        }
    }
}

/// Validates and normalises `base_info`, the part every card type shares (reference
/// §3.2). Returns the initial stock (0 on update).
///
/// # Errors
/// The errcode WeChat answers for the first problem found.
/// `permanent`: the card type takes [`DATE_TYPE_PERMANENT`] (member cards).
pub fn validate_base_info(
    obj: &mut Map<String, Value>,
    friends: bool,
    permanent: bool,
    stage: Stage<'_>,
    scope: Scope<'_>,
) -> Result<u64, ApiError> {
    let base = match obj.get_mut("base_info") {
        None | Some(Value::Null) => return Err(missing("base_info")),
        Some(Value::Object(b)) => b,
        Some(_) => return Err(structure("base_info must be an object")),
    };
    // Friends CASH/GIFT titles are built by WeChat from the thresholds (reference §8.2).
    let optional: &[&str] = if friends { &["title"] } else { &[] };
    check_table("base_info", base, BASE_INFO, friends, optional, scope)?;

    let quantity = if stage == Stage::Create {
        check_sku(base, friends)?
    } else {
        0
    };
    match base.get_mut("date_info") {
        None | Some(Value::Null) => return Err(missing("base_info.date_info")),
        Some(Value::Object(d)) => check_date_info(d, friends, permanent)?,
        Some(_) => return Err(structure("base_info.date_info must be an object")),
    }
    if base.get("use_all_locations").and_then(as_bool) == Some(true)
        && base
            .get("location_id_list")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty())
    {
        return Err(structure(
            "use_all_locations and location_id_list exclude each other",
        ));
    }
    Ok(quantity)
}

/// Validates and normalises a per-type object for `card/create` (and the merged card
/// on update). Returns the initial stock (0 on update).
///
/// # Errors
/// The errcode WeChat answers for the first problem found.
pub fn validate_card(
    t: CardType,
    obj: &mut Map<String, Value>,
    stage: Stage<'_>,
) -> Result<u64, ApiError> {
    let friends = is_friends(obj);
    let scope = match stage {
        Stage::Create => Scope::All,
        Stage::Update { sent } => Scope::Sent {
            type_key: t.wire_key(),
            paths: sent,
        },
    };
    if friends && !matches!(t, CardType::Cash | CardType::Gift) {
        return Err(ApiError::with(
            40071,
            "friends coupons (share_friends) are CASH or GIFT",
        ));
    }
    let quantity = validate_base_info(obj, friends, false, stage, scope)?;
    let Some(Value::Object(base)) = obj.get("base_info") else {
        return Err(missing("base_info"));
    };
    if friends {
        if base
            .get("location_id_list")
            .and_then(Value::as_array)
            .is_none_or(|l| l.is_empty())
        {
            return Err(missing("base_info.location_id_list"));
        }
        for key in ["can_share", "can_give_friend"] {
            match base.get(key).and_then(as_bool) {
                None => return Err(missing(&format!("base_info.{key}"))),
                Some(true) => {
                    return Err(structure(format!(
                        "friends coupons need base_info.{key} = false"
                    )));
                }
                Some(false) => {}
            }
        }
    }

    let type_optional: &[&str] = &[];
    check_table(
        t.wire_key(),
        obj,
        type_fields(t),
        friends,
        type_optional,
        scope,
    )?;
    if t == CardType::Discount {
        let d = obj.get("discount").and_then(as_u64).unwrap_or(0);
        if !(1..=99).contains(&d) {
            return Err(ApiError::with(40071, "discount must be 1–99 (percent off)"));
        }
    }
    if t == CardType::Cash && obj.get("reduce_cost").and_then(as_u64) == Some(0) {
        return Err(ApiError::with(40071, "reduce_cost must be more than 0"));
    }
    if friends && t == CardType::Gift {
        for key in ["gift_name", "gift_num", "gift_unit"] {
            if obj.get(key).is_none_or(Value::is_null) {
                return Err(missing(&format!("gift.{key}")));
            }
        }
    }

    match obj.get("advanced_info") {
        None | Some(Value::Null) => {
            if friends {
                return Err(missing("advanced_info.text_image_list"));
            }
        }
        Some(Value::Object(adv)) => {
            check_advanced(adv, t, friends, scope)?;
            if friends
                && adv
                    .get("text_image_list")
                    .and_then(Value::as_array)
                    .is_none_or(|l| l.is_empty())
            {
                return Err(missing("advanced_info.text_image_list"));
            }
        }
        Some(_) => return Err(structure("advanced_info must be an object")),
    }
    Ok(quantity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_checks_the_values_it_sends_and_not_the_legacy_ones_it_keeps() {
        let sent = vec!["base_info.notice".to_string(), "least_cost".to_string()];
        let scope = Scope::Sent {
            type_key: "cash",
            paths: &sent,
        };
        assert!(scope.checks("base_info.notice"));
        assert!(scope.checks("cash.least_cost"));
        assert!(!scope.checks("base_info.title"));
        assert!(!scope.checks("base_info.notice_x"));
        let lists = vec!["advanced_info.text_image_list".to_string()];
        let scope = Scope::Sent {
            type_key: "cash",
            paths: &lists,
        };
        assert!(scope.checks("advanced_info.text_image_list[0].text"));

        let long_title = Value::String("满一百元立减十元现金券".into()); // 33 bytes > 27
        let kept = Scope::Sent {
            type_key: "cash",
            paths: &sent,
        };
        assert!(check_value("base_info.title", Str(27), None, &long_title, kept).is_ok());
        let refused = check_value("base_info.title", Str(27), None, &long_title, Scope::All);
        assert_eq!(refused.map_err(|e| e.code), Err(45021));
    }
}
