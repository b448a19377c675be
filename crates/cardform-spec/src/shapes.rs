//! How WeChat writes a card in `card/get` (reference §3, §15): which fields are
//! integers, booleans or lists, what an absent field means, and which fields are
//! server metadata. The reader of card/get (`live.rs` in the product) uses these to
//! tell a real change from a different spelling of the same card.

use serde_json::Value;

/// Fields whose WeChat value is an integer / boolean / list; everything else under
/// base_info is a string. Used to reject shapes the planner would misread.
pub const INTEGER_FIELDS: &[&str] = &[
    "base_info.sku.quantity",
    "base_info.date_info.begin_timestamp",
    "base_info.date_info.end_timestamp",
    "base_info.date_info.fixed_term",
    "base_info.date_info.fixed_begin_term",
    "base_info.get_limit",
    "base_info.use_limit",
    "least_cost",
    "reduce_cost",
    "discount",
    "gift_num",
    "advanced_info.consume_share_self_num",
    "advanced_info.use_condition.least_cost",
];
pub const BOOL_FIELDS: &[&str] = &[
    "base_info.use_custom_code",
    "base_info.bind_openid",
    "base_info.use_all_locations",
    "base_info.can_share",
    "base_info.can_give_friend",
    "advanced_info.share_friends",
    "advanced_info.use_condition.can_use_with_other_discount",
];
pub const LIST_FIELDS: &[&str] = &[
    "base_info.location_id_list",
    "advanced_info.text_image_list",
    "advanced_info.time_limit",
    "advanced_info.business_service",
    "advanced_info.consume_share_card_list",
    "advanced_info.abstract.icon_url_list",
];

/// WeChat's documented defaults for fields its answer may leave out (reference §3.3,
/// §3.5, §15: absent ≠ changed).
/// A documented default, built on demand.
pub type DefaultValue = fn() -> Value;

/// WeChat's defaults by path.
pub const ABSENT_DEFAULTS: &[(&str, DefaultValue)] = &[
    ("base_info.get_limit", || Value::from(50)),
    ("base_info.use_limit", || Value::from(50)),
    ("base_info.use_custom_code", || Value::Bool(false)),
    ("base_info.bind_openid", || Value::Bool(false)),
    ("base_info.use_all_locations", || Value::Bool(false)),
    ("base_info.location_id_list", || Value::Array(vec![])),
    ("advanced_info.share_friends", || Value::Bool(false)),
    ("advanced_info.text_image_list", || Value::Array(vec![])),
    ("advanced_info.time_limit", || Value::Array(vec![])),
    ("advanced_info.business_service", || Value::Array(vec![])),
    ("advanced_info.consume_share_card_list", || {
        Value::Array(vec![])
    }),
    (
        "advanced_info.use_condition.can_use_with_other_discount",
        || Value::Bool(true),
    ),
];

/// The value WeChat means when it leaves `path` out, if documented.
pub fn absent_default(path: &str) -> Option<Value> {
    ABSENT_DEFAULTS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, f)| f())
}

/// Server-assigned or volatile base_info fields: reported, never diffed.
pub const METADATA_FIELDS: &[&str] = &["id", "status", "create_time", "update_time"];
