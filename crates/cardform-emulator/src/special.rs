//! Member cards (会员卡) and special tickets: `card/create` for the card types beyond
//! the five coupons ([`SpecialType`]), their claims (admin API), and finding the code a
//! member-card or ticket endpoint names. cardform does not manage these cards; the
//! emulator keeps them so third-party clients (wechatpy's `WeChatCard`) can drive
//! `card/membercard/*`, `card/movieticket/updateuser`, `card/boardingpass/checkin` and
//! `card/luckymoney/updateuserbalance` (`member.rs`, `tickets.rs`).
//!
//! Served for these cards: create, `card/get` and `card/batchget` (in the coupons'
//! shape), `card/update` (their own re-review table, [`update_class`]), `card/delete`,
//! `card/modifystock`, `card/qrcode/create`, claims and review (admin API), and their
//! own endpoints. The `card/code/*` endpoints know their codes but no validity window
//! (`begin_time` and `end_time` 0): not emulated.

use serde_json::{Map, Value, json};

use super::codes::{check_claim, new_code, refuse_unusable};
use super::fields::{Scope, Stage, check_table, is_friends, validate_base_info};
use super::persistence::Entry;
use super::records::{
    CardCore, CardStatus, CodeRecord, CodeStatus, MemberRecord, SpecialCardRecord, SpecialType,
};
use super::reply::{ApiError, as_bool, ok};
use super::world::World;
use cardform_spec::fields::{Field, Kind};

const fn field(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
        friends_max: None,
    }
}

/// `member_card` fields (public doc 会员卡 "创建会员卡接口" 4.1: `prerogative` 1024 汉字,
/// `supply_bonus` / `supply_balance` required; `auto_activate`, `wx_activate`,
/// `activate_url` the activation modes; `background_pic_url` uploaded with uploadimg).
pub const MEMBER_CARD: &[Field] = &[
    field("prerogative", Kind::Str(3072), true),
    field("supply_bonus", Kind::Bool, true),
    field("supply_balance", Kind::Bool, true),
    field("auto_activate", Kind::Bool, false),
    field("wx_activate", Kind::Bool, false),
    field("activate_url", Kind::Str(128), false),
    field("background_pic_url", Kind::Image, false),
    field("discount", Kind::UInt, false),
];

/// `movie_ticket` fields (2014 card doc; the reference's update table lists `detail`
/// for MOVIE_TICKET). UNVERIFIED: that `detail` is required and its 3072-byte limit.
pub const MOVIE_TICKET: &[Field] = &[field("detail", Kind::Str(3072), true)];

/// `boarding_pass` fields (2014 card doc: from/to string(54), flight/air_model
/// string(24), departure/landing times; the reference's update table lists
/// departure_time, landing_time, gate, boarding_time). UNVERIFIED: which are required.
pub const BOARDING_PASS: &[Field] = &[
    field("from", Kind::Str(54), true),
    field("to", Kind::Str(54), true),
    field("flight", Kind::Str(24), true),
    field("departure_time", Kind::UInt, false),
    field("landing_time", Kind::UInt, false),
    field("gate", Kind::Str(12), false),
    field("boarding_time", Kind::UInt, false),
    field("air_model", Kind::Str(24), false),
];

/// `lucky_money` has no fields of its own in the 2014 doc (UNVERIFIED).
pub const LUCKY_MONEY: &[Field] = &[];

fn type_fields(t: SpecialType) -> &'static [Field] {
    match t {
        SpecialType::MemberCard => MEMBER_CARD,
        SpecialType::MovieTicket => MOVIE_TICKET,
        SpecialType::BoardingPass => BOARDING_PASS,
        SpecialType::LuckyMoney => LUCKY_MONEY,
    }
}

/// `card/create` for a member card or ticket: `obj` is the per-type object under the
/// type's key, `id` a new card_id (`cards::new_card_id`). Answers `card_id`; the card
/// starts under review like a coupon.
///
/// # Errors
/// What `card/create` answers: 41011 a required field, 45021 too long, 40071 an enum or
/// image, 47001 structure (`wx_activate` with `activate_url`: public member-card doc,
/// "不允许同时传入activate_url"; errcode UNVERIFIED).
pub fn create(
    world: &mut World,
    t: SpecialType,
    mut obj: Map<String, Value>,
    id: String,
) -> Result<Value, ApiError> {
    if is_friends(&obj) {
        return Err(ApiError::with(
            40071,
            "friends coupons (share_friends) are CASH or GIFT",
        ));
    }
    let permanent = t == SpecialType::MemberCard;
    let quantity = validate_base_info(&mut obj, false, permanent, Stage::Create, Scope::All)?;
    check_table(t.wire_key(), &obj, type_fields(t), false, &[], Scope::All)?;
    if t == SpecialType::MemberCard
        && obj.get("wx_activate").and_then(as_bool) == Some(true)
        && obj.get("activate_url").is_some_and(|v| !v.is_null())
    {
        return Err(ApiError::with(
            47001,
            "member_card.wx_activate and activate_url exclude each other",
        ));
    }
    let core = CardCore::created(id.clone(), world.next_seq, obj, quantity, world.now_s())
        .map_err(|_| ApiError::new(-1))?;
    let rec = SpecialCardRecord {
        core,
        card_type: t,
        user_form: None,
    };
    world.commit(Entry::SpecialCard(rec))?;
    Ok(ok(json!({ "card_id": id })))
}

/// A user claims a member card or ticket (the admin API). A member card with
/// `auto_activate` is active at once, its membership number the code (UNVERIFIED: the
/// doc says WeChat activates it, not which number it shows).
///
/// # Errors
/// 40078 not approved and the user not whitelisted, 45031 no stock, 45033 get_limit.
pub fn claim(world: &mut World, card_id: &str, openid: &str) -> Result<String, ApiError> {
    let mut card = world
        .special_cards
        .get(card_id)
        .cloned()
        .ok_or_else(|| ApiError::new(40073))?;
    if card.status == CardStatus::Delete {
        return Err(ApiError::with(40073, "(the card was deleted)"));
    }
    check_claim(world, openid, &card)?;
    card.quantity -= 1;
    let code = new_code(world);
    let mut entries = vec![Entry::Code(CodeRecord {
        code: code.clone(),
        card_id: card_id.to_string(),
        openid: openid.to_string(),
        status: CodeStatus::Normal,
        marked_by: None,
        claimed_at: world.now_s(),
        consumed_at: None,
        replaced_by: None,
    })];
    if card.card_type == SpecialType::MemberCard {
        let auto = card.switch("auto_activate");
        entries.push(Entry::Member(MemberRecord {
            code: code.clone(),
            card_id: card_id.to_string(),
            activated: auto,
            membership_number: auto.then(|| code.clone()),
            bonus: 0,
            balance: 0,
            custom_field_values: [None, None, None],
            background_pic_url: None,
            user_info: None,
        }));
    }
    entries.push(Entry::SpecialCard(card));
    world.commit_all(entries)?;
    Ok(code)
}

/// The member card or ticket named by `card_id`, of type `want`.
///
/// # Errors
/// 41012 no card_id, 40073 unknown, 40071 a card of another type (UNVERIFIED errcode:
/// the docs name none for the wrong card type).
pub fn card_of_type(
    world: &World,
    card_id: &str,
    want: SpecialType,
) -> Result<SpecialCardRecord, ApiError> {
    if card_id.is_empty() {
        return Err(ApiError::new(41012));
    }
    match world.special_cards.get(card_id) {
        Some(c) if c.card_type == want => Ok(c.clone()),
        Some(c) => Err(wrong_type(c.card_type.as_str(), want)),
        None => match world.cards.get(card_id) {
            Some(c) => Err(wrong_type(c.card_type.as_str(), want)),
            None => Err(ApiError::new(40073)),
        },
    }
}

fn wrong_type(have: &str, want: SpecialType) -> ApiError {
    ApiError::with(
        40071,
        format!(
            "(the card is {have}; this endpoint takes {})",
            want.as_str()
        ),
    )
}

/// The usable code named in `body` (`code`, optional `card_id`) of a card of type
/// `want`.
///
/// # Errors
/// 41011 no code, 40056 unknown or of another card, 40071 a card of another type,
/// 40099 consumed, 40127 unavailable or deleted by the user.
pub fn held_code(
    world: &World,
    body: &Value,
    want: SpecialType,
) -> Result<(CodeRecord, SpecialCardRecord), ApiError> {
    let rec = super::codes::find(world, body)?;
    let card = card_of_type(world, &rec.card_id, want)?;
    refuse_unusable(rec.status, 40127)?;
    Ok((rec, card))
}

/// Whether `card/update` takes a field of a member card or ticket, and whether a new
/// value sends the card back to review. `path` is inside the type object
/// (`base_info.notice`, `prerogative`).
///
/// Reference §4.2: the `base_info` rows' "Member-card page variant" column (HUA-U, WXJ
/// `BaseInfoUpdate`, ANDREW; used for the tickets too: UNVERIFIED) and the
/// type-specific rows (TY). A field no row lists (`brand_name`, `sku`, `supply_bonus`,
/// …) is refused with 47001, as for coupons (UNVERIFIED for fields the docs are silent
/// on, e.g. `background_pic_url`).
pub fn update_class(t: SpecialType, path: &str) -> Option<bool> {
    const BASE_NO_REVIEW: &[&str] = &[
        "logo_url",
        "notice",
        "color",
        "service_phone",
        "location_id_list",
        "use_all_locations",
        "center_title",
        "center_sub_title",
        "center_url",
        "custom_url_name",
        "custom_url",
        "custom_url_sub_title",
        "promotion_url_name",
        "promotion_url",
        "promotion_url_sub_title",
        "code_type",
        "get_limit",
        "can_share",
        "can_give_friend",
    ];
    const BASE_REVIEW: &[&str] = &["title", "description"];
    if let Some(field) = path.strip_prefix("base_info.") {
        return if BASE_REVIEW.contains(&field) {
            Some(true)
        } else if BASE_NO_REVIEW.contains(&field) {
            Some(false)
        } else {
            None
        };
    }
    let top = path.split('.').next().unwrap_or(path);
    let (review, no_review): (&[&str], &[&str]) = match t {
        SpecialType::MemberCard => (
            &[
                "bonus_cleared",
                "bonus_rules",
                "balance_rules",
                "prerogative",
            ],
            &[
                "custom_field1",
                "custom_field2",
                "custom_field3",
                "name_type",
                "url",
                "custom_cell1",
            ],
        ),
        SpecialType::MovieTicket => (&["detail"], &[]),
        SpecialType::BoardingPass => (
            &[],
            &["departure_time", "landing_time", "gate", "boarding_time"],
        ),
        SpecialType::LuckyMoney => (&[], &[]),
    };
    if review.contains(&top) {
        Some(true)
    } else if no_review.contains(&top) {
        Some(false)
    } else {
        None
    }
}

/// `card/update` of a member card or ticket: `{"card_id", "<type key>": {…}}`, the
/// fields of [`update_class`]; `date_info` widens only (as for coupons). A changed value
/// on a review field → `send_check: true` and `CARD_STATUS_NOT_VERIFY`.
///
/// # Errors
/// 47001 another type key, a field the table does not take; 40100 a `date_info` that
/// narrows; what `card/create` answers for the merged card's sent values.
pub fn update(world: &mut World, rec: SpecialCardRecord, body: &Value) -> Result<Value, ApiError> {
    use super::update::{Merged, merge_update};
    let key = rec.card_type.wire_key();
    let Merged {
        obj: mut merged,
        paths,
        review,
    } = merge_update(body, key, &rec, false, |path| {
        update_class(rec.card_type, path)
    })?;
    let t = rec.card_type;
    let scope = Scope::Sent {
        type_key: key,
        paths: &paths,
    };
    validate_base_info(
        &mut merged,
        false,
        t == SpecialType::MemberCard,
        Stage::Update { sent: &paths },
        scope,
    )?;
    check_table(key, &merged, type_fields(t), false, &[], scope)?;
    let mut next = rec;
    next.rewrite(&merged, world.now_s())
        .map_err(|_| ApiError::new(-1))?;
    if review {
        next.status = CardStatus::NotVerify;
    }
    world.commit(Entry::SpecialCard(next))?;
    Ok(ok(json!({ "send_check": review })))
}
