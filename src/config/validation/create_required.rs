//! Fields WeChat requires when a card is created, which cards made years ago (or in the
//! MP console) may lack: `description`, and the cover's `abstract` text. A card file may
//! leave them out only for a card that already exists — they are write rules, so the plan
//! refuses to create (or replace) such a card, while an adopted card plans "No changes"
//! and an edit of another field sends only that field.

use super::checker::{Checker, Out};
use crate::i18n::tr;
use crate::model::Card;

pub(super) fn create_required(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if card.base_info.description.is_none() {
        out.write_rule(
            "base_info.description",
            tr!("val-description-missing"),
            tr!("val-description-missing-help"),
        );
    }
    if let Some(abs) = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.abstract_info.as_ref())
        && abs.abstract_text.is_none()
    {
        out.write_rule(
            "advanced_info.abstract.abstract",
            tr!("val-abstract-missing"),
            tr!("val-abstract-missing-help"),
        );
    }
}
