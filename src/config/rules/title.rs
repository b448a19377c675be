//! Titles: what the files may say about `base_info.title` (friends coupons derive theirs).

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
