//! After apply: what happens to the cards out in the world — the 券点 account
//! ([`coins`]), the review state of each card ([`review`]), claim QR codes
//! ([`qrcode`]) and the data cube ([`stats`]). Each reads or acts through the client
//! and returns typed reports; the commands render them.
//!
//! Must not: decide what cards should look like (that is the plan's), or print.

pub mod coins;
pub mod qrcode;
pub mod review;
pub mod stats;
pub mod sub_merchants;

use crate::i18n::Messages;

/// The terminal columns `text` takes: two for a wide (CJK, full-width) character, one
/// for the rest. A translated heading is padded by this, so the table stays aligned.
pub fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(u32::from(c),
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// `text` then spaces up to `width` columns (as `{:<width}` for ASCII text).
pub fn pad_end(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(columns(text))))
}

/// Spaces up to `width` columns, then `text` (as `{:>width}` for ASCII text).
pub fn pad_start(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(columns(text))))
}

/// A card's review status in words (`under review`, 审核中…).
pub fn status_words(m: Messages, status: &crate::live::ReviewStatus) -> String {
    use crate::live::ReviewStatus;
    match status {
        ReviewStatus::NotVerify => m.t("op-card-status-under-review"),
        ReviewStatus::VerifyFail => m.t("op-card-status-rejected"),
        ReviewStatus::VerifyOk => m.t("op-card-status-approved"),
        ReviewStatus::Dispatch => m.t("op-card-status-dispatched"),
        ReviewStatus::Deleted => m.t("op-card-status-deleted"),
        ReviewStatus::Other(s) => s.clone(),
    }
}

/// An update-rule class in words (`in place`, `re-review`, 直接生效…).
pub fn class_words(m: Messages, class: cardform_spec::rules::UpdateClass) -> String {
    use cardform_spec::rules::UpdateClass;
    m.t(match class {
        UpdateClass::Local => "op-class-local",
        UpdateClass::InPlace => "op-class-in-place",
        UpdateClass::Stock => "op-class-stock",
        UpdateClass::WidenOnly => "op-class-widen-only",
        UpdateClass::Review => "op-class-review",
        UpdateClass::Replace => "op-class-replace",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_the_ones_the_code_said_before() {
        use crate::i18n::Lang;
        use crate::live::ReviewStatus;
        let en = Messages::new(Lang::En);
        use cardform_spec::rules::UpdateClass;
        for s in [
            ReviewStatus::NotVerify,
            ReviewStatus::VerifyFail,
            ReviewStatus::VerifyOk,
            ReviewStatus::Dispatch,
            ReviewStatus::Deleted,
            ReviewStatus::Other("X".into()),
        ] {
            assert_eq!(status_words(en, &s), s.describe());
        }
        for c in [
            UpdateClass::Local,
            UpdateClass::InPlace,
            UpdateClass::Stock,
            UpdateClass::WidenOnly,
            UpdateClass::Review,
            UpdateClass::Replace,
        ] {
            assert_eq!(class_words(en, c), c.as_str());
        }
        assert_eq!(pad_end("ab", 4), format!("{:<4}", "ab"));
        assert_eq!(pad_start("ab", 4), format!("{:>4}", "ab"));
        assert_eq!(columns("日期"), 4);
    }
}
