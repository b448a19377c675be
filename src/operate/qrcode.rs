//! Claim QR codes (`card/qrcode/create`, reference §6.3): refused before WeChat is
//! asked when the answer is known to be no — `is_unique_code` on a card that is not
//! approved or has no stock, an `expire_seconds` outside 60–1800. A friends coupon
//! before its V1.4 issue window (at most 5 days before it takes effect) gets its code
//! with a warning: the seed says such a card cannot be claimed yet, not that its code
//! cannot be made ([`early_warning`]).

use serde_json::Value;

use crate::i18n::{Messages, tr};
use crate::live::{LiveCard, ReviewStatus};
use crate::wechat::delivery::QrRequest;
use cardform_spec::limits::FRIENDS_ISSUE_WINDOW_DAYS;

/// The range WeChat accepts for `expire_seconds` (§6.3).
pub const EXPIRE_SECONDS: std::ops::RangeInclusive<u64> = 60..=1800;

/// Why a QR code is refused before asking WeChat.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrRefusal {
    #[error("{}", tr!("op-qr-expire"))]
    Expire,
    #[error("{}", tr!("op-qr-deleted"))]
    Deleted,
    /// `status`: the card's status in words, in the language of the check.
    #[error("{}", tr!("op-qr-not-approved", status = .status))]
    NotApproved { status: String },
    #[error("{}", tr!("op-qr-no-stock"))]
    NoStock,
}

/// Checks a QR request against what the card is now.
///
/// # Errors
/// The [`QrRefusal`] that applies.
pub fn check(live: &LiveCard, req: &QrRequest) -> Result<(), QrRefusal> {
    if req
        .expire_seconds
        .is_some_and(|s| !EXPIRE_SECONDS.contains(&s))
    {
        return Err(QrRefusal::Expire);
    }
    if live.status == ReviewStatus::Deleted {
        return Err(QrRefusal::Deleted);
    }
    if req.is_unique_code {
        if !matches!(live.status, ReviewStatus::VerifyOk | ReviewStatus::Dispatch) {
            return Err(QrRefusal::NotApproved {
                status: super::status_words(Messages::process(), &live.status),
            });
        }
        if live.remaining == Some(0) {
            return Err(QrRefusal::NoStock);
        }
    }
    Ok(())
}

/// The warning for a friends coupon's code made before its V1.4 issue window: the code
/// works, but nobody (whitelisted users included) can claim the card with it before
/// the window opens. Said in `m`'s language.
pub fn early_warning(m: Messages, live: &LiveCard, now: i64) -> Option<String> {
    let friends = live.content.get("advanced_info.share_friends") == Some(&Value::Bool(true));
    let begin = live
        .content
        .get("base_info.date_info.begin_timestamp")
        .and_then(Value::as_i64)?;
    let opens = begin - FRIENDS_ISSUE_WINDOW_DAYS * 86_400;
    (friends && now < opens).then(|| {
        m.t_args(
            "op-qr-early",
            &[
                ("days", FRIENDS_ISSUE_WINDOW_DAYS.into()),
                ("begin", super::review::day(begin).into()),
                ("opens", super::review::day(opens).into()),
            ],
        )
    })
}

/// A PNG of the QR code that encodes `text` (8 pixels a module, a 4-module margin).
///
/// # Errors
/// The text is too long for a QR code, or the PNG cannot be encoded.
pub fn png(text: &str) -> Result<Vec<u8>, String> {
    use qrcodegen::{QrCode, QrCodeEcc};
    const SCALE: i32 = 8;
    const MARGIN: i32 = 4;
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|e| tr!("op-qr-encode", error = e.to_string()))?;
    let side = (qr.size() + 2 * MARGIN) * SCALE;
    let mut pixels = Vec::with_capacity((side * side) as usize);
    for y in 0..side {
        for x in 0..side {
            let dark = qr.get_module(x / SCALE - MARGIN, y / SCALE - MARGIN);
            pixels.push(if dark { 0u8 } else { 255u8 });
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(&pixels).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::model::{Canonical, CardType};

    fn card(status: ReviewStatus, begin: i64, friends: bool) -> LiveCard {
        let mut c = Canonical::default();
        c.insert("base_info.date_info.begin_timestamp", Value::from(begin));
        c.insert("advanced_info.share_friends", Value::Bool(friends));
        LiveCard {
            card_id: "p1".into(),
            card_type: CardType::Cash,
            content: std::sync::Arc::new(c),
            status,
            remaining: Some(10),
            update_time: None,
            create_time: None,
        }
    }

    #[test]
    fn refusals() {
        let now = 1_800_000_000;
        let req = QrRequest {
            card_id: "p1".into(),
            ..QrRequest::default()
        };
        // Before the V1.4 window: made, with a warning.
        let early = card(ReviewStatus::VerifyOk, now + 6 * 86_400, true);
        assert_eq!(check(&early, &req), Ok(()));
        assert!(
            early_warning(Messages::new(Lang::En), &early, now).is_some_and(|w| w.contains("V1.4"))
        );
        let in_window = card(ReviewStatus::VerifyOk, now + 4 * 86_400, true);
        assert_eq!(check(&in_window, &req), Ok(()));
        assert_eq!(
            early_warning(Messages::new(Lang::En), &in_window, now),
            None
        );
        // Ordinary cards have no issue window.
        let plain = card(ReviewStatus::VerifyOk, now + 60 * 86_400, false);
        assert_eq!(check(&plain, &req), Ok(()));
        assert_eq!(early_warning(Messages::new(Lang::En), &plain, now), None);
        let unique = QrRequest {
            is_unique_code: true,
            ..req.clone()
        };
        let review = card(ReviewStatus::NotVerify, now, true);
        assert!(matches!(
            check(&review, &unique),
            Err(QrRefusal::NotApproved { .. })
        ));
        assert_eq!(check(&review, &req), Ok(()));
        let short = QrRequest {
            expire_seconds: Some(30),
            ..req
        };
        assert_eq!(check(&plain, &short), Err(QrRefusal::Expire));
    }

    #[test]
    fn png_is_a_png() {
        let bytes = png("http://weixin.qq.com/q/abc").unwrap_or_default();
        assert!(bytes.starts_with(&[0x89, b'P', b'N', b'G']));
    }
}
