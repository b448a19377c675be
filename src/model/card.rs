//! The desired card as a user declares it under `[cards.<address>]`.
//!
//! Field names and nesting follow WeChat's own (`base_info`, `advanced_info`,
//! `date_info`, `sku`, …) so WeChat's docs apply directly (reference §3). The
//! type-specific fields (`reduce_cost`, `discount`, …) sit beside `base_info`, as they
//! do inside WeChat's per-type object. Limits are WeChat's `string(N)` in UTF-8 bytes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use cardform_spec::CardType;

use cardform_spec::fields::bytes;

use super::color::Color;
use super::image::ImageRef;
use super::timestamp::Timestamp;
use super::wxstr::WxStr;

/// One coupon card (卡券) as the files describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Card type: CASH 代金券, DISCOUNT 折扣券, GIFT 兑换券, GROUPON 团购券, GENERAL_COUPON 优惠券. Changing it replaces the card.
    pub card_type: CardType,
    /// WeChat's base_info: the fields every card type shares.
    pub base_info: BaseInfo,
    /// WeChat's advanced_info: thresholds, cover, detail images, friends-coupon settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced_info: Option<AdvancedInfo>,
    /// CASH: minimum spend in fen (分; 100 = ¥1), 0 for none. Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub least_cost: Option<u32>,
    /// CASH: amount off in fen (分; 100 = ¥1). Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_cost: Option<u32>,
    /// DISCOUNT: percent off, 1–99 (30 = pay 70%, 七折). Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 99))]
    pub discount: Option<u32>,
    /// GIFT: the redeemable item, up to 3072 bytes. Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift: Option<WxStr<{ bytes::GIFT }>>,
    /// GIFT friends coupon: item name; the title becomes gift_name+gift_num+gift_unit (e.g. 洗手液1瓶).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_name: Option<WxStr<{ bytes::GIFT_NAME }>>,
    /// GIFT friends coupon: how many of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub gift_num: Option<u32>,
    /// GIFT friends coupon: the unit (瓶, 份, 杯…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_unit: Option<WxStr<{ bytes::GIFT_UNIT }>>,
    /// GROUPON: group-buy details, up to 3072 bytes. Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_detail: Option<WxStr<{ bytes::DEAL_DETAIL }>>,
    /// GENERAL_COUPON: offer details, up to 3072 bytes. Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_detail: Option<WxStr<{ bytes::DEFAULT_DETAIL }>>,
    /// The sub-merchant (第三方协助制券) this card is issued for: the name of a [sub_merchants.<name>] table. Sent as base_info.sub_merchant_info.merchant_id once WeChat approved the sub-merchant; until then the card waits. Changing it replaces the card (UNVERIFIED: the costlier class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant: Option<String>,
    /// cardform's own settings for this card (not sent to WeChat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
}

/// WeChat's base_info (reference §3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseInfo {
    /// Logo: a local JPG/PNG under the project (uploaded once) or a mmbiz.qpic.cn URL; 300×300 recommended. Change triggers re-review.
    pub logo_url: ImageRef,
    /// How the code is shown: CODE_TYPE_TEXT, _BARCODE, _QRCODE, _ONLY_QRCODE, _ONLY_BARCODE or _NONE.
    pub code_type: CodeType,
    /// Merchant name, ≤ 36 UTF-8 bytes (12 汉字; CJK counts 3, ASCII 1). Immutable: a change replaces the card.
    pub brand_name: WxStr<{ bytes::BRAND_NAME }>,
    /// Card name, ≤ 27 bytes (9 汉字). Derived by WeChat for friends CASH/GIFT coupons. Immutable on coupons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<WxStr<{ bytes::TITLE }>>,
    /// Sub-title, ≤ 54 bytes (18 汉字). Not updatable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_title: Option<WxStr<{ bytes::SUB_TITLE }>>,
    /// Background colour by palette name (Color010…Color102). Change triggers re-review.
    pub color: Color,
    /// One-line usage hint, ≤ 48 UTF-8 bytes (16 汉字; for friends coupons the create table says 12 汉字: a warning above it). Change triggers re-review.
    pub notice: WxStr<{ bytes::NOTICE }>,
    /// Usage instructions, ≤ 3072 UTF-8 bytes (1024 汉字; friends coupons ≤ 3000 bytes, 1000 汉字). Required to create a card (a card adopted without one may leave it out). Change triggers re-review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<WxStr<{ bytes::DESCRIPTION }>>,
    /// Stock.
    pub sku: Sku,
    /// Validity window.
    pub date_info: DateInfo,
    /// Use your own code system (自定义 code). Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_custom_code: Option<bool>,
    /// GET_CUSTOM_CODE_MODE_DEPOSIT = import-code mode (sku.quantity must then be 0). Immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get_custom_code_mode: Option<GetCustomCodeMode>,
    /// Only a specified openid may claim. Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_openid: Option<bool>,
    /// Customer service phone, ≤ 24 bytes. Updatable in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_phone: Option<WxStr<{ bytes::SERVICE_PHONE }>>,
    /// Store (POI) ids where the card is usable; friends coupons need at least one. Updatable in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id_list: Option<Vec<u64>>,
    /// Usable in every store; exclusive with location_id_list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_all_locations: Option<bool>,
    /// Third-party source name, ≤ 36 bytes. Not updatable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<WxStr<{ bytes::SOURCE }>>,
    /// Top-centre button text, shown while the card is usable; ≤ 18 UTF-8 bytes (6 汉字).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_title: Option<WxStr<{ bytes::CENTER_TITLE }>>,
    /// Top-centre button hint, ≤ 24 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_sub_title: Option<WxStr<{ bytes::CENTER_SUB_TITLE }>>,
    /// Top-centre button link, ≤ 128 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_url: Option<WxStr<{ bytes::CENTER_URL }>>,
    /// Top-centre button mini-program: `<ghid>@app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_app_brand_user_name: Option<WxStr<{ bytes::CENTER_APP_BRAND_USER_NAME }>>,
    /// Top-centre button mini-program page path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_app_brand_pass: Option<WxStr<{ bytes::CENTER_APP_BRAND_PASS }>>,
    /// Custom entry name, ≤ 15 UTF-8 bytes (5 汉字).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url_name: Option<WxStr<{ bytes::CUSTOM_URL_NAME }>>,
    /// Custom entry link, ≤ 128 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url: Option<WxStr<{ bytes::CUSTOM_URL }>>,
    /// Custom entry tip, ≤ 18 UTF-8 bytes (6 汉字).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url_sub_title: Option<WxStr<{ bytes::CUSTOM_URL_SUB_TITLE }>>,
    /// Custom entry mini-program: `<ghid>@app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_app_brand_user_name: Option<WxStr<{ bytes::CUSTOM_APP_BRAND_USER_NAME }>>,
    /// Custom entry mini-program page path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_app_brand_pass: Option<WxStr<{ bytes::CUSTOM_APP_BRAND_PASS }>>,
    /// Marketing entry name, ≤ 15 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url_name: Option<WxStr<{ bytes::PROMOTION_URL_NAME }>>,
    /// Marketing entry link, ≤ 128 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url: Option<WxStr<{ bytes::PROMOTION_URL }>>,
    /// Marketing entry tip, ≤ 18 UTF-8 bytes (6 汉字).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url_sub_title: Option<WxStr<{ bytes::PROMOTION_URL_SUB_TITLE }>>,
    /// Marketing entry mini-program: `<ghid>@app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_app_brand_user_name: Option<WxStr<{ bytes::PROMOTION_APP_BRAND_USER_NAME }>>,
    /// Marketing entry mini-program page path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_app_brand_pass: Option<WxStr<{ bytes::PROMOTION_APP_BRAND_PASS }>>,
    /// Claims allowed per user, ≥ 1 (WeChat's default 50). Updatable in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub get_limit: Option<u32>,
    /// Redemptions allowed per user, ≥ 1 (WeChat's default 50). Not updatable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub use_limit: Option<u32>,
    /// The claim page can be shared; must be false on friends coupons. Updatable in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_share: Option<bool>,
    /// The card can be given to a friend; must be false on friends coupons. Updatable in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_give_friend: Option<bool>,
}

/// How the code is displayed (reference §3.3 `code_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum CodeType {
    #[serde(rename = "CODE_TYPE_TEXT")]
    Text,
    #[serde(rename = "CODE_TYPE_BARCODE")]
    Barcode,
    #[serde(rename = "CODE_TYPE_QRCODE")]
    Qrcode,
    #[serde(rename = "CODE_TYPE_ONLY_QRCODE")]
    OnlyQrcode,
    #[serde(rename = "CODE_TYPE_ONLY_BARCODE")]
    OnlyBarcode,
    #[serde(rename = "CODE_TYPE_NONE")]
    None,
}

/// Import-code mode (reference §3.3 `get_custom_code_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum GetCustomCodeMode {
    #[serde(rename = "GET_CUSTOM_CODE_MODE_DEPOSIT")]
    Deposit,
}

/// Stock (reference §3.3 `sku`, §6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sku {
    /// Total stock ever issued, 1–100,000,000 (0 only in import-code mode). A change becomes a modifystock delta against WeChat's total_quantity.
    #[schemars(range(max = 100_000_000))]
    pub quantity: u32,
}

/// Validity (reference §3.4). FIX_TIME_RANGE uses begin/end; FIX_TERM uses fixed_term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateInfo {
    /// DATE_TYPE_FIX_TIME_RANGE (a fixed window) or DATE_TYPE_FIX_TERM (N days after claim). Immutable.
    #[serde(rename = "type")]
    pub date_type: DateType,
    /// FIX_TIME_RANGE start, a datetime with a zone. May only move earlier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_timestamp: Option<Timestamp>,
    /// FIX_TIME_RANGE end (23:59:59 of the last day recommended); with FIX_TERM a global cap. May only move later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_timestamp: Option<Timestamp>,
    /// FIX_TERM: days the card stays valid after it is claimed, ≥ 1. Immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub fixed_term: Option<u32>,
    /// FIX_TERM: days after claim before it becomes valid, 0 = same day. Immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_begin_term: Option<u32>,
}

/// `date_info.type` (reference §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum DateType {
    #[serde(rename = "DATE_TYPE_FIX_TIME_RANGE")]
    FixTimeRange,
    #[serde(rename = "DATE_TYPE_FIX_TERM")]
    FixTerm,
}

impl DateType {
    pub fn as_str(self) -> &'static str {
        match self {
            DateType::FixTimeRange => "DATE_TYPE_FIX_TIME_RANGE",
            DateType::FixTerm => "DATE_TYPE_FIX_TERM",
        }
    }
}

/// WeChat's advanced_info for coupons (reference §3.5).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedInfo {
    /// Thresholds; they also drive friends-coupon titles. Immutable: a change replaces the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_condition: Option<UseCondition>,
    /// Cover summary and cover image.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_info: Option<Abstract>,
    /// Detail-page images with text; friends coupons need at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_image_list: Option<Vec<TextImage>>,
    /// Time slots shown on the card (display only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<Vec<TimeLimit>>,
    /// Services shown on the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_service: Option<Vec<BusinessService>>,
    /// true makes this a friends coupon (朋友的券): CASH or GIFT only, with the friends rules. Immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_friends: Option<bool>,
    /// Friends coupons: after redemption give N more of this card (only 1 allowed); exclusive with consume_share_card_list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1))]
    pub consume_share_self_num: Option<u32>,
    /// Friends coupons: after redemption give another friends card (one entry, num 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_share_card_list: Option<Vec<ConsumeShareCard>>,
}

/// Thresholds (reference §3.5, §8.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UseCondition {
    /// CASH: "适用于xxx" — the categories it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_category: Option<WxStr<{ bytes::ACCEPT_CATEGORY }>>,
    /// CASH: "不适用于xxx" — the categories it does not apply to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_category: Option<WxStr<{ bytes::REJECT_CATEGORY }>>,
    /// CASH/GIFT: minimum spend in fen (分), "消费满xx元可用".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub least_cost: Option<u32>,
    /// GIFT: "购买xxx可用" — what must be bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_use_for: Option<WxStr<{ bytes::OBJECT_USE_FOR }>>,
    /// false adds "不可与其他优惠共享" (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_use_with_other_discount: Option<bool>,
}

/// Cover (reference §3.5 `abstract`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Abstract {
    /// Cover summary, ≤ 24 bytes (the create table's string(24)). Required to create a card (a card adopted without one may leave it out).
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<WxStr<{ bytes::ABSTRACT_TEXT }>>,
    /// Cover image: exactly one (850×350 recommended).
    pub icon_url_list: Vec<ImageRef>,
}

/// A detail-page image with text (reference §3.5 `text_image_list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextImage {
    /// Image: local JPG/PNG or mmbiz.qpic.cn URL.
    pub image_url: ImageRef,
    /// Text under the image, ≤ 512 bytes.
    pub text: WxStr<{ bytes::TEXT }>,
}

/// A time slot (reference §3.5 `time_limit`, display only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    /// MONDAY … SUNDAY or HOLIDAY.
    #[serde(rename = "type")]
    pub day: TimeLimitType,
    /// Start hour, 0–23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 23))]
    pub begin_hour: Option<u8>,
    /// Start minute, 0–59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 59))]
    pub begin_minute: Option<u8>,
    /// End hour, 0–23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 23))]
    pub end_hour: Option<u8>,
    /// End minute, 0–59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 59))]
    pub end_minute: Option<u8>,
}

/// Days for `time_limit.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TimeLimitType {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
    Holiday,
}

/// Services shown on the card (reference §3.5 `business_service`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum BusinessService {
    #[serde(rename = "BIZ_SERVICE_DELIVER")]
    Deliver,
    #[serde(rename = "BIZ_SERVICE_FREE_PARK")]
    FreePark,
    #[serde(rename = "BIZ_SERVICE_WITH_PET")]
    WithPet,
    #[serde(rename = "BIZ_SERVICE_FREE_WIFI")]
    FreeWifi,
}

/// The card given after redemption (reference §3.5 `consume_share_card_list`).
/// Name a card cardform manages by `card` (its address), or one it does not by `card_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsumeShareCard {
    /// Address of a card in these files (`friend_gift`); resolved to its card_id at apply time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    /// A literal card_id, for a card cardform does not manage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    /// How many to give; WeChat allows only 1.
    #[schemars(range(min = 1, max = 1))]
    pub num: u32,
}

/// cardform's per-card settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Refuse any plan that would delete or replace this card.
    #[serde(default)]
    pub prevent_destroy: bool,
}

impl Card {
    /// Whether this is a friends coupon (朋友的券): `advanced_info.share_friends = true`.
    pub fn is_friends(&self) -> bool {
        self.advanced_info
            .as_ref()
            .and_then(|a| a.share_friends)
            .unwrap_or(false)
    }

    /// Every image the card refers to, with its field path, in a stable order.
    pub fn images(&self) -> Vec<(String, &ImageRef)> {
        let mut out = vec![("base_info.logo_url".to_string(), &self.base_info.logo_url)];
        if let Some(adv) = &self.advanced_info {
            if let Some(abs) = &adv.abstract_info {
                for (i, img) in abs.icon_url_list.iter().enumerate() {
                    out.push((format!("advanced_info.abstract.icon_url_list[{i}]"), img));
                }
            }
            for (i, ti) in adv.text_image_list.iter().flatten().enumerate() {
                out.push((
                    format!("advanced_info.text_image_list[{i}].image_url"),
                    &ti.image_url,
                ));
            }
        }
        out
    }

    /// Addresses of other managed cards this card refers to.
    pub fn references(&self) -> Vec<&str> {
        self.advanced_info
            .iter()
            .flat_map(|a| a.consume_share_card_list.iter().flatten())
            .filter_map(|c| c.card.as_deref())
            .collect()
    }
}
