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
}
