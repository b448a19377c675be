//! What a card's face shows, read from the canonical form: the texts WeChat composes
//! from the card's fields (reference §8.2: "消费满xx元可用", "适用于xxx", "不适用于xxx",
//! "购买xxx可用", "不可与其他优惠共享"; §8.1 V1.3: time slots).

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use crate::model::title::yuan;
use crate::model::wire::{Resolve, Resolved, desired_canonical};
use crate::model::{Canonical, Card, CardType, Color, ImageRef};

/// The face of one card, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Face {
    /// The band's colour, `#rrggbb` (grey when the colour is unknown).
    pub color: String,
    pub brand_name: String,
    pub title: String,
    pub sub_title: Option<String>,
    /// WeChat's name for the card type (代金券, 折扣券, …).
    pub kind: &'static str,
    /// "有效期 2026.11.01-2027.12.31" or "领取后当天生效，有效30天".
    pub validity: Option<String>,
    pub notice: String,
    /// The usage notes (使用说明).
    pub description: String,
    /// The usage texts WeChat composes from the thresholds, in its order.
    pub conditions: Vec<String>,
    /// Time slots: "周六 10:00-20:59".
    pub time_slots: Vec<String>,
    /// What the customer shows at the till (二维码, 条形码, 券码).
    pub code_hint: Option<&'static str>,
}

/// Beijing time: WeChat shows dates in China Standard Time.
const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// The gray WeChat uses when a colour cannot be read.
const UNKNOWN_COLOR: &str = "#8c8c8c";

fn text<'a>(c: &'a Canonical, path: &str) -> Option<&'a str> {
    c.get(path)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn int(c: &Canonical, path: &str) -> Option<i64> {
    let v = c.get(path)?;
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn date(seconds: i64) -> Option<String> {
    let offset = FixedOffset::east_opt(CHINA_OFFSET_SECONDS)?;
    let t = DateTime::from_timestamp(seconds, 0)?.with_timezone(&offset);
    Some(t.format("%Y.%m.%d").to_string())
}

fn kind_name(card_type: Option<&str>) -> &'static str {
    match card_type.and_then(CardType::from_wire) {
        Some(CardType::Cash) => "代金券",
        Some(CardType::Discount) => "折扣券",
        Some(CardType::Gift) => "兑换券",
        Some(CardType::Groupon) => "团购券",
        Some(CardType::GeneralCoupon) | None => "优惠券",
    }
}

fn weekday(day: &str) -> &str {
    match day {
        "MONDAY" => "周一",
        "TUESDAY" => "周二",
        "WEDNESDAY" => "周三",
        "THURSDAY" => "周四",
        "FRIDAY" => "周五",
        "SATURDAY" => "周六",
        "SUNDAY" => "周日",
        "HOLIDAY" => "节假日",
        other => other,
    }
}

impl Face {
    /// Reads the face from a canonical card (desired, live or last applied).
    /// `derived_title` is WeChat's title for a friends CASH/GIFT coupon; it wins over
    /// whatever `base_info.title` holds, as it does on WeChat.
    pub fn from_canonical(c: &Canonical, derived_title: Option<&str>) -> Face {
        let color = text(c, "base_info.color")
            .map(Color::normalise)
            .and_then(|col| {
                col.hex().map(str::to_string).or_else(|| {
                    let raw = col.as_str();
                    (raw.starts_with('#') && raw.len() == 7).then(|| raw.to_string())
                })
            })
            .unwrap_or_else(|| UNKNOWN_COLOR.to_string());
        let card_type = text(c, "card_type");
        let title = derived_title
            .map(str::to_string)
            .or_else(|| text(c, "base_info.title").map(str::to_string))
            .unwrap_or_default();
        let validity = match text(c, "base_info.date_info.type") {
            Some("DATE_TYPE_FIX_TERM") => {
                let term = int(c, "base_info.date_info.fixed_term").unwrap_or(0);
                let begin = int(c, "base_info.date_info.fixed_begin_term").unwrap_or(0);
                Some(if begin == 0 {
                    format!("领取后当天生效，有效{term}天")
                } else {
                    format!("领取后{begin}天生效，有效{term}天")
                })
            }
            _ => match (
                int(c, "base_info.date_info.begin_timestamp").and_then(date),
                int(c, "base_info.date_info.end_timestamp").and_then(date),
            ) {
                (Some(b), Some(e)) => Some(format!("有效期 {b}-{e}")),
                _ => None,
            },
        };
        let code_hint = match text(c, "base_info.code_type") {
            Some("CODE_TYPE_QRCODE" | "CODE_TYPE_ONLY_QRCODE") => Some("二维码"),
            Some("CODE_TYPE_BARCODE" | "CODE_TYPE_ONLY_BARCODE") => Some("条形码"),
            Some("CODE_TYPE_TEXT") => Some("券码"),
            _ => None,
        };
        Face {
            color,
            brand_name: text(c, "base_info.brand_name").unwrap_or("").to_string(),
            title,
            sub_title: text(c, "base_info.sub_title").map(str::to_string),
            kind: kind_name(card_type),
            validity,
            notice: text(c, "base_info.notice").unwrap_or("").to_string(),
            description: text(c, "base_info.description").unwrap_or("").to_string(),
            conditions: conditions(c),
            time_slots: time_slots(c),
            code_hint,
        }
    }
}

/// The usage texts of reference §8.2, in the table's order.
fn conditions(c: &Canonical) -> Vec<String> {
    let mut out = Vec::new();
    let least = int(c, "advanced_info.use_condition.least_cost")
        .filter(|&l| l > 0)
        .or_else(|| int(c, "least_cost").filter(|&l| l > 0));
    if let Some(accept) = text(c, "advanced_info.use_condition.accept_category") {
        out.push(format!("适用于{accept}"));
    }
    if let Some(reject) = text(c, "advanced_info.use_condition.reject_category") {
        out.push(format!("不适用于{reject}"));
    }
    if let Some(least) = least.and_then(|l| u32::try_from(l).ok()) {
        out.push(format!("消费满{}元可用", yuan(least)));
    }
    if let Some(object) = text(c, "advanced_info.use_condition.object_use_for") {
        out.push(format!("购买{object}可用"));
    }
    if c.get("advanced_info.use_condition.can_use_with_other_discount") == Some(&Value::Bool(false))
    {
        out.push("不可与其他优惠共享".to_string());
    }
    out
}

fn two(n: Option<&Value>) -> String {
    format!("{:02}", n.and_then(Value::as_u64).unwrap_or(0))
}

fn time_slots(c: &Canonical) -> Vec<String> {
    let Some(Value::Array(slots)) = c.get("advanced_info.time_limit") else {
        return Vec::new();
    };
    slots
        .iter()
        .filter_map(|slot| {
            let day = weekday(slot.get("type")?.as_str()?);
            if slot.get("begin_hour").is_none() && slot.get("end_hour").is_none() {
                return Some(format!("{day} 全天"));
            }
            Some(format!(
                "{day} {}:{}-{}:{}",
                two(slot.get("begin_hour")),
                two(slot.get("begin_minute")),
                two(slot.get("end_hour")),
                two(slot.get("end_minute")),
            ))
        })
        .collect()
}

/// Local images and card references need no upload or card_id to be drawn.
struct AsWritten;

impl Resolve for AsWritten {
    fn image_url(&self, image: &ImageRef) -> Resolved {
        Resolved::Known(image.as_str().to_string())
    }
    fn card_id(&self, address: &str) -> Resolved {
        Resolved::Known(address.to_string())
    }
}

/// The face of a card as declared in the files.
pub fn face_of_card(card: &Card) -> Face {
    let derived = crate::model::title::derived_title(card);
    let canonical = desired_canonical(card, &AsWritten, derived.clone());
    Face::from_canonical(&canonical, derived.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(src: &str) -> Card {
        toml::from_str(src).expect("test card parses")
    }

    const FRIENDS_CASH: &str = r#"
card_type = "CASH"
least_cost = 0
reduce_cost = 2000
[base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_QRCODE"
brand_name = "卡式咖啡"
color = "Color010"
notice = "结账时出示二维码"
description = "说明"
sku = { quantity = 10 }
date_info = { type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2026-11-01T00:00:00+08:00, end_timestamp = 2027-12-31T23:59:59+08:00 }
[advanced_info]
share_friends = true
use_condition = { accept_category = "饮品", reject_category = "酒水", least_cost = 10000, can_use_with_other_discount = false }
time_limit = [{ type = "SATURDAY", begin_hour = 10, begin_minute = 0, end_hour = 20, end_minute = 59 }, { type = "HOLIDAY" }]
"#;

    #[test]
    fn friends_cash_face_texts() {
        let face = face_of_card(&card(FRIENDS_CASH));
        assert_eq!(face.title, "满100减20", "the derived title");
        assert_eq!(face.color, "#63b359");
        assert_eq!(face.kind, "代金券");
        assert_eq!(
            face.validity.as_deref(),
            Some("有效期 2026.11.01-2027.12.31")
        );
        assert_eq!(
            face.conditions,
            [
                "适用于饮品",
                "不适用于酒水",
                "消费满100元可用",
                "不可与其他优惠共享"
            ]
        );
        assert_eq!(face.time_slots, ["周六 10:00-20:59", "节假日 全天"]);
        assert_eq!(face.code_hint, Some("二维码"));
    }

    #[test]
    fn live_hex_colour_and_fixed_term() {
        let mut c = Canonical::default();
        c.insert("base_info.color", Value::String("#5885CF".into()));
        c.insert("base_info.title", Value::String("八折".into()));
        c.insert(
            "base_info.date_info.type",
            Value::String("DATE_TYPE_FIX_TERM".into()),
        );
        c.insert("base_info.date_info.fixed_term", Value::from(30));
        c.insert("base_info.date_info.fixed_begin_term", Value::from(0));
        let face = Face::from_canonical(&c, None);
        assert_eq!(face.color, "#5885cf");
        assert_eq!(face.validity.as_deref(), Some("领取后当天生效，有效30天"));
        assert_eq!(face.kind, "优惠券");
    }
}
