//! 券点 (coupon points): what friends-coupon stock costs (reference §8.2 "Stock pricing
//! in 券点", FRC-EN Create §2.1; 1 点 = ¥1). The emulator prices `getpayprice` with this
//! table and the planner estimates a purchase it cannot quote yet (a card that does not
//! exist has no card_id to quote) with the same rows.

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

/// The price of `quantity` vouchers at `tenths_per_voucher`, in whole points. The API's
/// point fields are integers, so a price is rounded up (the unit is UNVERIFIED).
pub fn price_of(quantity: u64, tenths_per_voucher: u64) -> u64 {
    quantity.saturating_mul(tenths_per_voucher).div_ceil(10)
}

/// How much of `price` the free points cover (they are spent first), and the rest.
pub fn split(price: u64, free_balance: u64) -> (u64, u64) {
    let free = price.min(free_balance);
    (free, price - free)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_pick_the_row_and_prices_round_up() {
        assert_eq!(price_row(false, false), PRICE_NO_THRESHOLD);
        assert_eq!(price_row(true, false), PRICE_WITH_THRESHOLD);
        assert_eq!(price_row(false, true), PRICE_WITH_THRESHOLD);
        assert_eq!(price_of(1000, 2), 200);
        assert_eq!(price_of(3, 2), 1);
        assert_eq!(price_of(10, 4), 4);
        assert_eq!(split(50, 20), (20, 30));
        assert_eq!(split(10, 20), (10, 0));
    }
}
