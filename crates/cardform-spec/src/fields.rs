//! What `card/create` accepts inside the per-type object (reference §3.2–§3.5, §8.3),
//! as tables: field → kind → byte limit → required. Lengths are UTF-8 bytes (WeChat's
//! `string(N)`). The emulator checks requests against these rows; the error each
//! breach earns (45021, 40071, 41011, 47001) is the emulator's business.

use crate::CardType;

/// The shape a field's value must have.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string of at most N UTF-8 bytes.
    Str(usize),
    Bool,
    UInt,
    Enum(&'static [&'static str]),
    /// A palette name (`Color010`); card/get answers the hex.
    Color,
    /// A URL media/uploadimg returned (host mmbiz.qpic.cn), at most 128 bytes.
    Image,
    /// A list of store ids.
    IdList,
}

/// One row of a field table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// A tighter byte limit for friends coupons (reference §8.3).
    pub friends_max: Option<usize>,
}

const fn f(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
        friends_max: None,
    }
}

const fn ff(name: &'static str, kind: Kind, required: bool, friends_max: usize) -> Field {
    Field {
        name,
        kind,
        required,
        friends_max: Some(friends_max),
    }
}

pub const CODE_TYPES: &[&str] = &[
    "CODE_TYPE_TEXT",
    "CODE_TYPE_BARCODE",
    "CODE_TYPE_QRCODE",
    "CODE_TYPE_ONLY_QRCODE",
    "CODE_TYPE_ONLY_BARCODE",
    "CODE_TYPE_NONE",
];
pub const DATE_TYPES: &[&str] = &["DATE_TYPE_FIX_TIME_RANGE", "DATE_TYPE_FIX_TERM"];
pub const FIX_TIME_RANGE: &str = "DATE_TYPE_FIX_TIME_RANGE";
pub const FIX_TERM: &str = "DATE_TYPE_FIX_TERM";
pub const DAYS: &[&str] = &[
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
    "HOLIDAY",
];
pub const SERVICES: &[&str] = &[
    "BIZ_SERVICE_DELIVER",
    "BIZ_SERVICE_FREE_PARK",
    "BIZ_SERVICE_WITH_PET",
    "BIZ_SERVICE_FREE_WIFI",
];
/// Stock ceiling (reference §3.3 `sku.quantity`).
pub const MAX_QUANTITY: u64 = crate::limits::MAX_QUANTITY as u64;
/// Timestamps must be before 2038-01-19 (reference "Timestamps").
pub const MAX_TIMESTAMP: u64 = crate::MAX_WECHAT_TIMESTAMP as u64;

use Kind::*;

/// `base_info` on create (reference §3.3; friends limits §8.3). `sku` and `date_info`
/// are checked on their own.
pub const BASE_INFO: &[Field] = &[
    f("logo_url", Image, true),
    f("code_type", Enum(CODE_TYPES), true),
    f("brand_name", Str(36), true),
    f("title", Str(27), true),
    f("sub_title", Str(54), false),
    f("color", Color, true),
    ff("notice", Str(48), true, 36),
    ff("description", Str(3072), true, 3000),
    f("use_custom_code", Bool, false),
    f(
        "get_custom_code_mode",
        Enum(&["GET_CUSTOM_CODE_MODE_DEPOSIT"]),
        false,
    ),
    f("bind_openid", Bool, false),
    f("service_phone", Str(24), false),
    f("location_id_list", IdList, false),
    f("use_all_locations", Bool, false),
    f("source", Str(36), false),
    f("center_title", Str(18), false),
    f("center_sub_title", Str(24), false),
    f("center_url", Str(128), false),
    f("center_app_brand_user_name", Str(128), false),
    f("center_app_brand_pass", Str(128), false),
    f("custom_url_name", Str(15), false),
    f("custom_url", Str(128), false),
    f("custom_url_sub_title", Str(18), false),
    f("custom_app_brand_user_name", Str(128), false),
    f("custom_app_brand_pass", Str(128), false),
    f("promotion_url_name", Str(15), false),
    f("promotion_url", Str(128), false),
    f("promotion_url_sub_title", Str(18), false),
    f("promotion_app_brand_user_name", Str(128), false),
    f("promotion_app_brand_pass", Str(128), false),
    f("get_limit", UInt, false),
    f("use_limit", UInt, false),
    f("can_share", Bool, false),
    f("can_give_friend", Bool, false),
    f("need_push_on_view", Bool, false),
];

/// Type-specific fields beside `base_info` (reference §3.2). gift_name/num/unit sit in
/// the `gift` object (placement UNVERIFIED; required for friends GIFT only).
pub fn type_fields(t: CardType) -> &'static [Field] {
    match t {
        CardType::Cash => CASH_FIELDS,
        CardType::Discount => DISCOUNT_FIELDS,
        CardType::Gift => GIFT_FIELDS,
        CardType::Groupon => GROUPON_FIELDS,
        CardType::GeneralCoupon => GENERAL_FIELDS,
    }
}

pub const CASH_FIELDS: &[Field] = &[f("least_cost", UInt, true), f("reduce_cost", UInt, true)];
pub const DISCOUNT_FIELDS: &[Field] = &[f("discount", UInt, true)];
pub const GIFT_FIELDS: &[Field] = &[
    f("gift", Str(3072), true),
    f("gift_name", Str(36), false),
    f("gift_num", UInt, false),
    f("gift_unit", Str(12), false),
];
pub const GROUPON_FIELDS: &[Field] = &[f("deal_detail", Str(3072), true)];
pub const GENERAL_FIELDS: &[Field] = &[f("default_detail", Str(3072), true)];

/// `advanced_info.use_condition` (reference §3.5).
pub const USE_CONDITION: &[Field] = &[
    f("accept_category", Str(512), false),
    f("reject_category", Str(512), false),
    f("least_cost", UInt, false),
    f("object_use_for", Str(512), false),
    f("can_use_with_other_discount", Bool, false),
];

/// `advanced_info.time_limit[]`.
pub const TIME_LIMIT: &[Field] = &[
    f("type", Enum(DAYS), true),
    f("begin_hour", UInt, false),
    f("begin_minute", UInt, false),
    f("end_hour", UInt, false),
    f("end_minute", UInt, false),
];

/// `advanced_info.text_image_list[]`: both parts or the structure is partial.
pub const TEXT_IMAGE: &[Field] = &[f("image_url", Image, true), f("text", Str(512), true)];

/// `advanced_info.abstract`.
pub const ABSTRACT: &[Field] = &[
    f("abstract", Str(24), true),
    // icon_url_list is checked on its own (exactly one image).
];

/// `advanced_info.consume_share_card_list[]`.
pub const SHARE_CARD: &[Field] = &[f("card_id", Str(32), true), f("num", UInt, true)];
