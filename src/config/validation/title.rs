//! Title and colour: what the files may say about `base_info.title` (friends coupons
//! derive theirs) and `base_info.color` (palette names only, when sent).

use crate::i18n::tr;
use crate::model::{Card, has_derived_title};

use super::checker::{Checker, Out};

pub(super) fn title(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let derived = has_derived_title(card);
    match (&card.base_info.title, derived) {
        (None, false) => out.error(
            "base_info.title",
            tr!("val-title-missing"),
            tr!("val-title-missing-help"),
        ),
        (Some(_), true) => out.warn(
            "base_info.title",
            tr!("val-title-derived"),
            tr!("val-title-derived-help"),
        ),
        _ => {}
    }
}

/// A colour off WeChat's palette (an adopted card's hex) cannot be sent.
pub(super) fn color(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let color = &card.base_info.color;
    if !color.is_palette_name() {
        out.write_rule(
            "base_info.color",
            tr!("val-color-off-palette", color = color.to_string()),
            tr!("val-color-off-palette-help"),
        );
    }
}
