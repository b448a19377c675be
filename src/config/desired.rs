//! [`DesiredCard`]: one card as the files declare it, with where it was declared.

use std::path::PathBuf;

use crate::model::Card;

/// One card as the files declare it.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredCard {
    pub address: String,
    /// The card file, relative to the project folder (`cards/coupons.toml`).
    pub file: PathBuf,
    /// The line of its `[cards.<address>]` table.
    pub line: usize,
    pub card: Card,
    /// Values WeChat refuses on create or change that the files hold (an adopted card's
    /// legacy values): fine while the live card has them; the plan refuses to send them.
    pub write_rules: Vec<WriteRule>,
}

/// A value the files hold that WeChat would refuse if cardform sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRule {
    /// Dotted path inside the card (`base_info.color`).
    pub field: String,
    pub message: String,
    pub help: String,
}
