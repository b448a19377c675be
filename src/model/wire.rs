//! Desired card → WeChat's JSON (as canonical leaves, and as a `card/create` body).
//!
//! Pure: images and card references are resolved through [`Resolve`], which the
//! planner backs with the state (uploaded images by sha256, card_ids by address) and
//! the executor with what it has just uploaded or created.

use serde_json::{Value, json};

use super::canonical::Canonical;
use super::card::{Card, CardType};
use super::image::ImageRef;
use super::pending::Pending;

/// A value resolved for the wire, or a description of why it is not known yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Known(String),
    Pending(String),
}

impl Resolved {
    fn into_value(self) -> Value {
        match self {
            Resolved::Known(s) => Value::String(s),
            Resolved::Pending(why) => Pending::new(why).to_value(),
        }
    }
}

/// Resolves images and card references.
pub trait Resolve {
    /// The uploaded URL of an image (a URL the user wrote resolves to itself).
    fn image_url(&self, image: &ImageRef) -> Resolved;
    /// The card_id of the managed card at `address`.
    fn card_id(&self, address: &str) -> Resolved;
    /// The merchant_id of the sub-merchant declared as `name` (a number when known).
    fn merchant_id(&self, name: &str) -> Resolved {
        Resolved::Pending(merchant_pending(name))
    }
}

/// Why a card's merchant_id is not known yet.
pub fn merchant_pending(name: &str) -> String {
    format!("merchant_id of sub-merchant {name}")
}

/// Where a card's sub-merchant goes on the wire.
pub const SUB_MERCHANT_PATH: &str = "base_info.sub_merchant_info.merchant_id";

/// The paths cardform manages that are not sent to WeChat.
pub const LOCAL_PREFIX: &str = "lifecycle";

/// The desired card as canonical leaves. `derived_title` is WeChat's title for
/// friends CASH/GIFT coupons (it replaces whatever the user wrote).
pub fn desired_canonical(
    card: &Card,
    resolve: &dyn Resolve,
    derived_title: Option<String>,
) -> Canonical {
    let mut body = serde_json::to_value(card).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut body {
        map.remove("card_type");
        map.remove("lifecycle");
        map.remove("sub_merchant");
    }
    // Timestamps: WeChat wants Unix seconds.
    if let Some(date) = body.pointer_mut("/base_info/date_info") {
        for key in ["begin_timestamp", "end_timestamp"] {
            if let Some(v) = date.get_mut(key)
                && let Some(s) = v.as_str()
                && let Ok(t) = super::Timestamp::parse(s)
            {
                *v = json!(t.seconds());
            }
        }
    }
    // Images.
    if let Some(v) = body.pointer_mut("/base_info/logo_url") {
        *v = resolve.image_url(&card.base_info.logo_url).into_value();
    }
    if let Some(adv) = &card.advanced_info {
        if let Some(abs) = &adv.abstract_info
            && let Some(v) = body.pointer_mut("/advanced_info/abstract/icon_url_list")
        {
            *v = Value::Array(
                abs.icon_url_list
                    .iter()
                    .map(|i| resolve.image_url(i).into_value())
                    .collect(),
            );
        }
        if let Some(list) = &adv.text_image_list
            && let Some(Value::Array(items)) = body.pointer_mut("/advanced_info/text_image_list")
        {
            for (item, ti) in items.iter_mut().zip(list) {
                if let Some(v) = item.get_mut("image_url") {
                    *v = resolve.image_url(&ti.image_url).into_value();
                }
            }
        }
        if let Some(list) = &adv.consume_share_card_list {
            let wire: Vec<Value> = list
                .iter()
                .map(|c| {
                    let id = match (&c.card, &c.card_id) {
                        (Some(address), _) => resolve.card_id(address).into_value(),
                        (None, Some(id)) => Value::String(id.clone()),
                        (None, None) => Value::Null,
                    };
                    json!({ "card_id": id, "num": c.num })
                })
                .collect();
            if let Some(v) = body.pointer_mut("/advanced_info/consume_share_card_list") {
                *v = Value::Array(wire);
            }
        }
    }
    if let Some(title) = derived_title
        && let Some(Value::Object(base)) = body.get_mut("base_info")
    {
        base.insert("title".into(), Value::String(title));
    }
    // WeChat's create table requires `gift` on every GIFT card; friends GIFT coupons
    // describe the item as gift_name + gift_num + gift_unit (reference §3.2), so the
    // item text is built from them when the user did not write one.
    if card.card_type == CardType::Gift
        && card.gift.is_none()
        && let Some(name) = &card.gift_name
        && let Value::Object(map) = &mut body
    {
        let num = card.gift_num.map(|n| n.to_string()).unwrap_or_default();
        let unit = card
            .gift_unit
            .as_ref()
            .map(|u| u.as_str().to_string())
            .unwrap_or_default();
        map.insert(
            "gift".into(),
            Value::String(format!("{}{num}{unit}", name.as_str())),
        );
    }
    let mut canonical = Canonical::flatten(&body);
    if let Some(name) = &card.sub_merchant {
        let id = match resolve.merchant_id(name) {
            Resolved::Known(id) => id.parse::<u64>().map_or(Value::String(id), |n| json!(n)),
            pending => pending.into_value(),
        };
        canonical.insert(SUB_MERCHANT_PATH, id);
    }
    canonical.insert(
        "card_type",
        Value::String(card.card_type.as_str().to_string()),
    );
    if card.lifecycle.as_ref().is_some_and(|l| l.prevent_destroy) {
        canonical.insert("lifecycle.prevent_destroy", Value::Bool(true));
    }
    canonical
}

/// The card object `card/create` wraps in `{"card": …}`: `{"card_type", "<type>": {…}}`.
pub fn create_body(canonical: &Canonical) -> Option<Value> {
    let card_type = CardType::from_wire(canonical.get("card_type")?.as_str()?)?;
    let mut inner = canonical.clone();
    inner.remove("card_type");
    let local: Vec<String> = inner.under(LOCAL_PREFIX).map(|(k, _)| k.clone()).collect();
    for k in local {
        inner.remove(&k);
    }
    // Seed V1.1/V1.3 (reference §8.1–8.2): the friends create table has no `title`;
    // WeChat builds the title of friends CASH/GIFT coupons itself. The canonical form
    // keeps the derived title for diffing; the wire does not carry it.
    let friends = inner.get("advanced_info.share_friends") == Some(&Value::Bool(true));
    if friends && cardform_spec::title::has_derived_title(card_type) {
        inner.remove("base_info.title");
    }
    let mut card = serde_json::Map::new();
    card.insert("card_type".into(), Value::String(card_type.as_str().into()));
    card.insert(card_type.wire_key().into(), inner.unflatten());
    Some(Value::Object(card))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BaseInfo, CodeType, Color, DateInfo, DateType, Sku, Timestamp, WxStr};

    struct Fixed;
    impl Resolve for Fixed {
        fn image_url(&self, image: &ImageRef) -> Resolved {
            match image.kind() {
                crate::model::ImageKind::Url(u) => Resolved::Known(u.into()),
                crate::model::ImageKind::Local(p) => Resolved::Pending(format!("upload {p}")),
            }
        }
        fn card_id(&self, address: &str) -> Resolved {
            Resolved::Known(format!("id-of-{address}"))
        }
    }

    pub(crate) fn sample() -> Card {
        Card {
            card_type: CardType::Cash,
            base_info: BaseInfo {
                logo_url: ImageRef::new("assets/logo.jpg"),
                code_type: CodeType::Qrcode,
                brand_name: WxStr::new("海底捞").unwrap_or_else(|_| unreachable!()),
                title: WxStr::new("满100减10").ok(),
                sub_title: None,
                color: Color::normalise("Color010"),
                notice: WxStr::new("出示二维码").unwrap_or_else(|_| unreachable!()),
                description: Some(
                    WxStr::new("不可与其他优惠同享").unwrap_or_else(|_| unreachable!()),
                ),
                sku: Sku { quantity: 100 },
                date_info: DateInfo {
                    date_type: DateType::FixTimeRange,
                    begin_timestamp: Some(Timestamp(1_796_054_400)),
                    end_timestamp: Some(Timestamp(1_798_732_799)),
                    fixed_term: None,
                    fixed_begin_term: None,
                },
                use_custom_code: None,
                get_custom_code_mode: None,
                bind_openid: None,
                service_phone: None,
                location_id_list: None,
                use_all_locations: None,
                source: None,
                center_title: None,
                center_sub_title: None,
                center_url: None,
                center_app_brand_user_name: None,
                center_app_brand_pass: None,
                custom_url_name: None,
                custom_url: None,
                custom_url_sub_title: None,
                custom_app_brand_user_name: None,
                custom_app_brand_pass: None,
                promotion_url_name: None,
                promotion_url: None,
                promotion_url_sub_title: None,
                promotion_app_brand_user_name: None,
                promotion_app_brand_pass: None,
                get_limit: None,
                use_limit: None,
                can_share: None,
                can_give_friend: None,
            },
            advanced_info: None,
            least_cost: Some(10000),
            reduce_cost: Some(1000),
            discount: None,
            gift: None,
            gift_name: None,
            gift_num: None,
            gift_unit: None,
            deal_detail: None,
            default_detail: None,
            sub_merchant: None,
            lifecycle: None,
        }
    }

    #[test]
    fn desired_card_becomes_wechat_json() {
        let c = desired_canonical(&sample(), &Fixed, None);
        assert_eq!(c.get("card_type"), Some(&json!("CASH")));
        assert_eq!(
            c.get("base_info.date_info.begin_timestamp"),
            Some(&json!(1_796_054_400))
        );
        assert_eq!(
            c.get("base_info.date_info.type"),
            Some(&json!("DATE_TYPE_FIX_TIME_RANGE"))
        );
        assert_eq!(c.get("reduce_cost"), Some(&json!(1000)));
        assert!(crate::model::pending::is_pending(
            c.get("base_info.logo_url").unwrap_or(&Value::Null)
        ));
        let body = create_body(&c).unwrap_or(Value::Null);
        assert_eq!(body["cash"]["base_info"]["sku"]["quantity"], json!(100));
        assert_eq!(body["card_type"], json!("CASH"));
    }

    /// Seed V1.1/V1.3: the friends create table has no `title`; WeChat builds it. The
    /// canonical form keeps the derived title (for the plan), the create body not.
    #[test]
    fn create_v1_1_friends_cash_title_is_not_sent() {
        let mut card = sample();
        card.advanced_info = Some(crate::model::AdvancedInfo {
            share_friends: Some(true),
            ..crate::model::AdvancedInfo::default()
        });
        let c = desired_canonical(&card, &Fixed, Some("10元代金券".into()));
        assert_eq!(c.get("base_info.title"), Some(&json!("10元代金券")));
        let body = create_body(&c).unwrap_or(Value::Null);
        assert!(body["cash"]["base_info"].get("title").is_none(), "{body}");
        // Not friends: the title is the user's and is sent.
        let body = create_body(&desired_canonical(&sample(), &Fixed, None)).unwrap_or(Value::Null);
        assert_eq!(body["cash"]["base_info"]["title"], json!("满100减10"));
    }
}
