//! Numeric limits WeChat enforces (reference §3.3, §6.5, §8.1, §8.3, "Timestamps").
//! The per-field byte limits of `string(N)` are in [`crate::fields`].

/// WeChat's stock ceiling (reference §3.3, §12).
pub const MAX_QUANTITY: u32 = 100_000_000;

/// uploadimg's size limit (reference §6.5).
pub const MAX_IMAGE_BYTES: u64 = 1024 * 1024;

/// Image URL fields (`logo_url`, …) are `string(128)` on create and update (§3.3).
pub const MAX_IMAGE_URL_BYTES: usize = 128;

/// Days before `begin_timestamp` a friends coupon may be issued (reference §8.1 V1.4).
pub const FRIENDS_ISSUE_WINDOW_DAYS: i64 = 5;

/// WeChat's upper bound: timestamps must be before 2038-01-19 (int32 seconds).
pub const MAX_WECHAT_TIMESTAMP: i64 = i32::MAX as i64;

/// Friends-coupon limits in 汉字 (reference §8.3), applied as 3 bytes each where that
/// is tighter than the field's general `string(N)`. notice (12) and description (1000)
/// are not here: the update table allows more, so they are warnings
/// ([`crate::fields::STRICTER`], one length policy).
pub const FRIENDS_LENGTHS: &[(&str, usize)] = &[
    ("base_info.brand_name", 12),
    ("base_info.center_title", 9),
    ("base_info.center_sub_title", 12),
    ("base_info.custom_url_name", 5),
    ("base_info.custom_url_sub_title", 6),
    ("base_info.promotion_url_sub_title", 6),
];

/// What `card/modifystock` answers when asked to raise a friends coupon's stock:
/// friends stock is bought with 券点 (`card/pay/getpayprice` + `confirm`, reference
/// §4.4 `sku.quantity`, §8.6), never added for free. The errcode is UNVERIFIED
/// (the seed names none): 40122 "invalid stock quantity". Reducing stays allowed.
pub const FRIENDS_FREE_STOCK_ERRCODE: i64 = 40122;

/// The seed's create errcodes give 45021 for a "gift rule list" longer than 10.
/// Which list that is, is UNVERIFIED: cardform reads it as the after-redemption gift
/// list `advanced_info.consume_share_card_list` (which the seed also limits to one
/// entry: 2–10 entries are a structure error, more than 10 answer 45021).
pub const GIFT_RULE_LIST_MAX: usize = 10;

/// Whether `card/create` takes a friends coupon's initial `sku.quantity` as sent. The
/// reference leaves it open (§3.3 `sku.quantity`, open item 5: friends stock is bought
/// with 券点, §8.6, but the create table's quantity row is not marked for friends).
/// UNVERIFIED choice: not taken — a friends create with stock answers
/// [`FRIENDS_FREE_STOCK_ERRCODE`], since free initial stock would bypass the paid path
/// (issue 15); cardform creates friends cards with 0 and buys their stock through the
/// gated 券点 path (`apply::coins`). `true` makes create take it as sent.
pub const FRIENDS_CREATE_TAKES_STOCK: bool = false;
