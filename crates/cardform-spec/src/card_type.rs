//! The card types WeChat knows (reference §3.1) and how it writes them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The coupon card types cardform manages (reference §3.1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardType {
    Cash,
    Discount,
    Gift,
    Groupon,
    GeneralCoupon,
}

impl CardType {
    pub const ALL: [CardType; 5] = [
        CardType::Cash,
        CardType::Discount,
        CardType::Gift,
        CardType::Groupon,
        CardType::GeneralCoupon,
    ];

    /// `CASH`, as WeChat writes `card_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            CardType::Cash => "CASH",
            CardType::Discount => "DISCOUNT",
            CardType::Gift => "GIFT",
            CardType::Groupon => "GROUPON",
            CardType::GeneralCoupon => "GENERAL_COUPON",
        }
    }

    /// `cash`: the lower-case key WeChat wants the per-type object under (reference
    /// "Body wrapper key"); a mismatch fails update with 47001.
    pub fn wire_key(self) -> &'static str {
        match self {
            CardType::Cash => "cash",
            CardType::Discount => "discount",
            CardType::Gift => "gift",
            CardType::Groupon => "groupon",
            CardType::GeneralCoupon => "general_coupon",
        }
    }

    pub fn from_wire(s: &str) -> Option<CardType> {
        CardType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for CardType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
