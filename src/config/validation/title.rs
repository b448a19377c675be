//! Title and colour: what the files may say about `base_info.title` (friends coupons
//! derive theirs) and `base_info.color` (palette names only, when sent).

use crate::model::{Card, has_derived_title};

use super::checker::{Checker, Out};

pub(super) fn title(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let derived = has_derived_title(card);
    match (&card.base_info.title, derived) {
        (None, false) => out.error(
            "base_info.title",
            "missing required key `title`",
            "add `title = …` (≤ 27 bytes, 9 汉字) under base_info",
        ),
        (Some(_), true) => out.warn(
            "base_info.title",
            "WeChat replaces the title of friends CASH/GIFT coupons with one built from the amounts",
            "remove it; `cardform validate --verbose` shows the title the card will get",
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
            format!("`{color}` is not a palette colour; WeChat takes only palette names (Color010 … Color102) on create or change"),
            "keep it only while the live card has this colour; to change it, pick a palette name (`cardform schema` lists them)",
        );
    }
}
