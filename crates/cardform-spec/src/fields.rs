//! What `card/create` accepts inside the per-type object (reference §3.2–§3.5, §8.3),
//! as tables: field → kind → byte limit → required. Lengths are UTF-8 bytes (WeChat's
//! `string(N)`). The emulator checks requests against these rows; the error each
//! breach earns (45021, 40071, 41011, 47001) is the emulator's business.

use crate::CardType;

/// WeChat's `string(N)` limits in UTF-8 bytes, by field name (reference §3.2–§3.5): one
/// home for the create table below and the model's `WxStr<N>` types.
///
/// Where the docs disagree with themselves the looser value is the limit (what WeChat
/// accepts somewhere) and the stricter one is a warning ([`STRICTER`]).
pub mod bytes {
    /// `advanced_info.abstract.abstract`: string(60) on the friends update table (seed;
    /// reference §3.5 row `abstract.abstract`), read as bytes like every `string(N)`;
    /// the older create-table copy (HUA-C) says string(24).
    pub const ABSTRACT_TEXT: usize = 60;
    pub const ACCEPT_CATEGORY: usize = 512;
    pub const BRAND_NAME: usize = 36;
    pub const CENTER_APP_BRAND_PASS: usize = 128;
    pub const CENTER_APP_BRAND_USER_NAME: usize = 128;
    /// Friends create table (seed, reference §8.3): ≤ 12 汉字 = 36 bytes; the update
    /// table says string(24) (reference §3.3/§4.2). The looser is accepted; see
    /// [`super::STRICTER`].
    pub const CENTER_SUB_TITLE: usize = 36;
    /// Friends create table (seed, reference §8.3): ≤ 9 汉字 = 27 bytes; the update
    /// table says string(18). The looser is accepted; see [`super::STRICTER`].
    pub const CENTER_TITLE: usize = 27;
    pub const CENTER_URL: usize = 128;
    pub const CUSTOM_APP_BRAND_PASS: usize = 128;
    pub const CUSTOM_APP_BRAND_USER_NAME: usize = 128;
    pub const CUSTOM_URL: usize = 128;
    pub const CUSTOM_URL_NAME: usize = 15;
    pub const CUSTOM_URL_SUB_TITLE: usize = 18;
    pub const DEAL_DETAIL: usize = 3072;
    pub const DEFAULT_DETAIL: usize = 3072;
    pub const DESCRIPTION: usize = 3072;
    pub const GIFT: usize = 3072;
    pub const GIFT_NAME: usize = 36;
    pub const GIFT_UNIT: usize = 12;
    pub const NOTICE: usize = 48;
    pub const OBJECT_USE_FOR: usize = 512;
    pub const PROMOTION_APP_BRAND_PASS: usize = 128;
    pub const PROMOTION_APP_BRAND_USER_NAME: usize = 128;
    pub const PROMOTION_URL: usize = 128;
    pub const PROMOTION_URL_NAME: usize = 15;
    pub const PROMOTION_URL_SUB_TITLE: usize = 18;
    pub const REJECT_CATEGORY: usize = 512;
    pub const SERVICE_PHONE: usize = 24;
    pub const SOURCE: usize = 36;
    pub const SUB_TITLE: usize = 54;
    /// `advanced_info.text_image_list[].text`: "5000字以内" on the friends pages (seed,
    /// reference §3.5), read as 5000 汉字 × 3 bytes (UNVERIFIED reading of 字); the
    /// older create-table copy says string(512).
    pub const TEXT: usize = 15000;
    pub const TITLE: usize = 27;
}

/// A stricter byte limit one table gives for a field whose limit in [`bytes`] is the
/// looser table's.
#[derive(Debug, Clone, Copy)]
pub struct Stricter {
    pub path: &'static str,
    /// The stricter limit, bytes.
    pub max: usize,
    /// Whether the stricter limit is one of friends coupons only (the seed's
    /// 创建朋友的券 table).
    pub friends_only: bool,
    /// The row it comes from, and the looser one.
    pub source: &'static str,
}

/// One length policy (issue 25): where the reference's tables give a field two lengths
/// (the friends create table of the seed, reference §8.3, and the update table,
/// reference §4.2), the looser is the limit: the emulator refuses above it (45021) on
/// create and on update alike, `validate` errors above it. The stricter earns a
/// `validate` warning that cites its row. So notice takes 16 汉字 (string(48)) and
/// center_title 9 汉字 (27 bytes) everywhere, and a value WeChat holds can be sent back.
pub const STRICTER: &[Stricter] = &[
    Stricter {
        path: "base_info.notice",
        max: 36,
        friends_only: true,
        source: "the friends create table's 12 汉字 (reference §8.3, seed 创建朋友的券); the update table allows string(48), 16 汉字 (reference §4.2)",
    },
    Stricter {
        path: "base_info.description",
        max: 3000,
        friends_only: true,
        source: "the friends create table's 1000 汉字 (reference §8.3, seed 创建朋友的券); the create and update tables allow string(3072) (reference §3.3, §4.2)",
    },
    Stricter {
        path: "base_info.center_title",
        max: 18,
        friends_only: false,
        source: "the update table's string(18) (reference §4.2, TY/PHPW); the friends create table allows 9 汉字 (reference §8.3)",
    },
    Stricter {
        path: "base_info.center_sub_title",
        max: 24,
        friends_only: false,
        source: "the update table's string(24) (reference §4.2, TY/PHPW); the friends create table allows 12 汉字 (reference §8.3)",
    },
];

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
    // Friends create table: ≤ 12 汉字 (reference §8.3), the same 36 bytes.
    ff("brand_name", Str(bytes::BRAND_NAME), true, 36),
    f("title", Str(bytes::TITLE), true),
    f("sub_title", Str(bytes::SUB_TITLE), false),
    f("color", Color, true),
    // notice and description: the looser table's limit ([`STRICTER`]).
    f("notice", Str(bytes::NOTICE), true),
    f("description", Str(bytes::DESCRIPTION), true),
    f("use_custom_code", Bool, false),
    f(
        "get_custom_code_mode",
        Enum(&["GET_CUSTOM_CODE_MODE_DEPOSIT"]),
        false,
    ),
    f("bind_openid", Bool, false),
    f("service_phone", Str(bytes::SERVICE_PHONE), false),
    f("location_id_list", IdList, false),
    f("use_all_locations", Bool, false),
    f("source", Str(bytes::SOURCE), false),
    f("center_title", Str(bytes::CENTER_TITLE), false),
    f("center_sub_title", Str(bytes::CENTER_SUB_TITLE), false),
    f("center_url", Str(bytes::CENTER_URL), false),
    f(
        "center_app_brand_user_name",
        Str(bytes::CENTER_APP_BRAND_USER_NAME),
        false,
    ),
    f(
        "center_app_brand_pass",
        Str(bytes::CENTER_APP_BRAND_PASS),
        false,
    ),
    f("custom_url_name", Str(bytes::CUSTOM_URL_NAME), false),
    f("custom_url", Str(bytes::CUSTOM_URL), false),
    f(
        "custom_url_sub_title",
        Str(bytes::CUSTOM_URL_SUB_TITLE),
        false,
    ),
    f(
        "custom_app_brand_user_name",
        Str(bytes::CUSTOM_APP_BRAND_USER_NAME),
        false,
    ),
    f(
        "custom_app_brand_pass",
        Str(bytes::CUSTOM_APP_BRAND_PASS),
        false,
    ),
    f("promotion_url_name", Str(bytes::PROMOTION_URL_NAME), false),
    f("promotion_url", Str(bytes::PROMOTION_URL), false),
    f(
        "promotion_url_sub_title",
        Str(bytes::PROMOTION_URL_SUB_TITLE),
        false,
    ),
    f(
        "promotion_app_brand_user_name",
        Str(bytes::PROMOTION_APP_BRAND_USER_NAME),
        false,
    ),
    f(
        "promotion_app_brand_pass",
        Str(bytes::PROMOTION_APP_BRAND_PASS),
        false,
    ),
    f("get_limit", UInt, false),
    f("use_limit", UInt, false),
    f("can_share", Bool, false),
    f("can_give_friend", Bool, false),
    f("need_push_on_view", Bool, false),
];

/// When a type-specific field is required, or allowed, on a card of its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// Only on friends coupons (`advanced_info.share_friends = true`).
    Friends,
    /// Only on ordinary (not friends) coupons.
    NotFriends,
}

impl When {
    /// Whether it holds for a friends (`true`) or an ordinary coupon.
    pub const fn holds(self, friends: bool) -> bool {
        match self {
            When::Always => true,
            When::Friends => friends,
            When::NotFriends => !friends,
        }
    }
}

/// One type-specific field: the card type it belongs to, its create-table row, and
/// when the files must or may hold it.
#[derive(Debug, Clone, Copy)]
pub struct TypeField {
    pub card_type: CardType,
    pub name: &'static str,
    pub kind: Kind,
    pub required: When,
    pub allowed: When,
}

const fn tf(
    card_type: CardType,
    name: &'static str,
    kind: Kind,
    required: When,
    allowed: When,
) -> TypeField {
    TypeField {
        card_type,
        name,
        kind,
        required,
        allowed,
    }
}

/// THE table of the fields beside `base_info` that belong to one card type (reference
/// §3.2), in WeChat's order. The create table ([`type_fields`]), the type rules of
/// `validate`, the key order of `cardform fmt` and their tests all read it.
/// gift_name/num/unit sit in the `gift` object (placement UNVERIFIED; required for
/// friends GIFT only, where they make the generated title).
pub const TYPE_FIELDS: &[TypeField] = &[
    tf(
        CardType::Cash,
        "least_cost",
        UInt,
        When::Always,
        When::Always,
    ),
    tf(
        CardType::Cash,
        "reduce_cost",
        UInt,
        When::Always,
        When::Always,
    ),
    tf(
        CardType::Discount,
        "discount",
        UInt,
        When::Always,
        When::Always,
    ),
    tf(
        CardType::Gift,
        "gift",
        Str(bytes::GIFT),
        When::NotFriends,
        When::Always,
    ),
    tf(
        CardType::Gift,
        "gift_name",
        Str(bytes::GIFT_NAME),
        When::Friends,
        When::Friends,
    ),
    tf(
        CardType::Gift,
        "gift_num",
        UInt,
        When::Friends,
        When::Friends,
    ),
    tf(
        CardType::Gift,
        "gift_unit",
        Str(bytes::GIFT_UNIT),
        When::Friends,
        When::Friends,
    ),
    tf(
        CardType::Groupon,
        "deal_detail",
        Str(bytes::DEAL_DETAIL),
        When::Always,
        When::Always,
    ),
    tf(
        CardType::GeneralCoupon,
        "default_detail",
        Str(bytes::DEFAULT_DETAIL),
        When::Always,
        When::Always,
    ),
];

/// The create-table rows of one card type's fields, read from [`TYPE_FIELDS`]. A row
/// is `required` when an ordinary coupon of the type needs it; what friends coupons
/// need besides is checked by the callers with [`TypeField::required`].
pub fn type_fields(t: CardType) -> &'static [Field] {
    match t {
        CardType::Cash => CASH_FIELDS,
        CardType::Discount => DISCOUNT_FIELDS,
        CardType::Gift => GIFT_FIELDS,
        CardType::Groupon => GROUPON_FIELDS,
        CardType::GeneralCoupon => GENERAL_FIELDS,
    }
}

const CASH_FIELDS: &[Field] = &rows_of::<{ count_of(CardType::Cash) }>(CardType::Cash);
const DISCOUNT_FIELDS: &[Field] = &rows_of::<{ count_of(CardType::Discount) }>(CardType::Discount);
const GIFT_FIELDS: &[Field] = &rows_of::<{ count_of(CardType::Gift) }>(CardType::Gift);
const GROUPON_FIELDS: &[Field] = &rows_of::<{ count_of(CardType::Groupon) }>(CardType::Groupon);
const GENERAL_FIELDS: &[Field] =
    &rows_of::<{ count_of(CardType::GeneralCoupon) }>(CardType::GeneralCoupon);

/// How many rows of [`TYPE_FIELDS`] belong to `t` (at compile time).
const fn count_of(t: CardType) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < TYPE_FIELDS.len() {
        if TYPE_FIELDS[i].card_type as u8 == t as u8 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The rows of [`TYPE_FIELDS`] that belong to `t`, as create-table rows (at compile
/// time; `N` is [`count_of`]`(t)`).
const fn rows_of<const N: usize>(t: CardType) -> [Field; N] {
    let mut out = [f("", UInt, false); N];
    let mut n = 0;
    let mut i = 0;
    while i < TYPE_FIELDS.len() {
        let row = TYPE_FIELDS[i];
        if row.card_type as u8 == t as u8 {
            out[n] = f(
                row.name,
                row.kind,
                matches!(row.required, When::Always | When::NotFriends),
            );
            n += 1;
        }
        i += 1;
    }
    out
}

/// `advanced_info.use_condition` (reference §3.5).
pub const USE_CONDITION: &[Field] = &[
    f("accept_category", Str(bytes::ACCEPT_CATEGORY), false),
    f("reject_category", Str(bytes::REJECT_CATEGORY), false),
    f("least_cost", UInt, false),
    f("object_use_for", Str(bytes::OBJECT_USE_FOR), false),
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
pub const TEXT_IMAGE: &[Field] = &[
    f("image_url", Image, true),
    f("text", Str(bytes::TEXT), true),
];

/// `advanced_info.abstract`.
pub const ABSTRACT: &[Field] = &[
    f("abstract", Str(bytes::ABSTRACT_TEXT), true),
    // icon_url_list is checked on its own (exactly one image).
];

/// `advanced_info.consume_share_card_list[]`.
pub const SHARE_CARD: &[Field] = &[f("card_id", Str(32), true), f("num", UInt, true)];

#[cfg(test)]
mod tests {
    use super::*;

    /// The create table of each type is exactly its rows of the one table, in order,
    /// required as an ordinary coupon needs them.
    #[test]
    fn create_rows_are_read_from_the_type_field_table() {
        for t in CardType::ALL {
            let rows: Vec<(&str, bool)> = type_fields(t)
                .iter()
                .map(|r| (r.name, r.required))
                .collect();
            let table: Vec<(&str, bool)> = TYPE_FIELDS
                .iter()
                .filter(|r| r.card_type == t)
                .map(|r| (r.name, r.required.holds(false)))
                .collect();
            assert_eq!(rows, table, "{t:?}");
        }
        let gift: Vec<&str> = type_fields(CardType::Gift).iter().map(|r| r.name).collect();
        assert_eq!(gift, ["gift", "gift_name", "gift_num", "gift_unit"]);
        assert!(type_fields(CardType::Gift)[0].required);
        assert!(!type_fields(CardType::Gift)[1].required);
    }
}
