//! 券点 (coupon points): what friends-coupon stock costs (reference §8.2 "Stock pricing
//! in 券点", FRC-EN Create §2.1; 1 点 = ¥1). The emulator prices `getpayprice` with this
//! table and the planner estimates a purchase it cannot quote yet (a card that does not
//! exist has no card_id to quote) with the same rows.

use crate::points::Points;

/// One row of the price table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceRow {
    /// Which thresholds the row covers.
    pub thresholds: &'static str,
    /// Price per voucher in tenths of a point.
    pub tenths_per_voucher: u64,
    pub source: &'static str,
}

/// No threshold, or only "not combinable with other offers".
pub const PRICE_NO_THRESHOLD: PriceRow = PriceRow {
    thresholds: "no threshold, or only \"not combinable\"",
    tenths_per_voucher: 2,
    source: "reference §8.2 (FRC-EN Create §2.1)",
};

/// An "applicable to" category and/or a minimum spend.
pub const PRICE_WITH_THRESHOLD: PriceRow = PriceRow {
    thresholds: "an \"applicable to\" category and/or a minimum spend",
    tenths_per_voucher: 4,
    source: "reference §8.2 (FRC-EN Create §2.1)",
};

/// The row for a card's thresholds: `accept_category` non-empty, `least_cost` > 0.
pub fn price_row(has_accept_category: bool, has_least_cost: bool) -> PriceRow {
    if has_accept_category || has_least_cost {
        PRICE_WITH_THRESHOLD
    } else {
        PRICE_NO_THRESHOLD
    }
}

/// The price of `quantity` vouchers at `tenths_per_voucher`, exactly (one voucher
/// without threshold costs 0.2 points; WeChat quotes it as `"0.2"`).
pub fn price_of(quantity: u64, tenths_per_voucher: u64) -> Points {
    Points::from_tenths(quantity.saturating_mul(tenths_per_voucher))
}

/// How much of `price` the free points cover (they are spent first), and the rest.
pub fn split(price: Points, free_balance: Points) -> (Points, Points) {
    let free = price.min(free_balance);
    (free, price.saturating_sub(free))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_pick_the_row_and_prices_are_exact() {
        assert_eq!(price_row(false, false), PRICE_NO_THRESHOLD);
        assert_eq!(price_row(true, false), PRICE_WITH_THRESHOLD);
        assert_eq!(price_row(false, true), PRICE_WITH_THRESHOLD);
        assert_eq!(price_of(1000, 2), Points::whole(200));
        assert_eq!(price_of(1, 2).to_string(), "0.2");
        assert_eq!(price_of(3, 2).to_string(), "0.6");
        assert_eq!(price_of(10, 4), Points::whole(4));
        assert_eq!(
            split(Points::whole(50), Points::whole(20)),
            (Points::whole(20), Points::whole(30))
        );
        assert_eq!(
            split(Points::from_tenths(2), Points::whole(20)),
            (Points::from_tenths(2), Points::ZERO)
        );
    }
}
