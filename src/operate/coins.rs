//! The 券点 account: balance, recent orders, activation and recharge orders. A
//! recharge only opens a WeChat Pay order: someone must scan and pay its QR code.

use base64::Engine as _;
use serde::Serialize;

use crate::i18n::tr;
use crate::plan::CoinBalance;
use crate::wechat::coin::{CoinOrder, Recharge};
use crate::wechat::{ApiError, WeChatClient};

/// `cardform coins`: the balance and the newest orders.
#[derive(Debug, Clone, Serialize)]
pub struct CoinsReport {
    pub balance: CoinBalance,
    /// Orders in the window, newest first.
    pub orders: Vec<CoinOrder>,
    /// How many orders the window holds (more than `orders` when cut).
    pub total_orders: u64,
    /// The window, Unix seconds.
    pub since: i64,
    pub until: i64,
}

/// The balance and the orders of the last `days` days (at most `count`).
///
/// # Errors
/// Any [`ApiError`] of getcoinsinfo or getorderlist.
pub async fn report(
    client: &WeChatClient,
    now: i64,
    days: u32,
    count: u64,
) -> Result<CoinsReport, ApiError> {
    let balance = crate::plan::price::balance(client).await?;
    let since = now - i64::from(days) * 24 * 3600;
    let list = client.coin_orders(0, count, since, now).await?;
    Ok(CoinsReport {
        balance,
        orders: list.order_list,
        total_orders: list.total_num,
        since,
        until: now,
    })
}

/// A recharge order and where its QR image went.
#[derive(Debug, Clone, Serialize)]
pub struct RechargeReport {
    pub order_id: String,
    pub coin_count: u64,
    pub qrcode_url: String,
    /// The QR image WeChat sent, saved; `None` when WeChat sent no image.
    pub image: Option<std::path::PathBuf>,
}

/// Why a recharge QR image could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{}", tr!("op-coins-image-decode", error = .0.to_string()))]
    Decode(#[from] base64::DecodeError),
}

/// The QR image of `r` (`qrcode_buffer`, base64); `Ok(None)` when WeChat sent no image
/// (the URL still works). The caller writes it to a path the write policy allowed.
///
/// # Errors
/// The buffer is not base64.
pub fn recharge_image(r: &Recharge) -> Result<Option<Vec<u8>>, ImageError> {
    let text: String = r.qrcode_buffer.split_whitespace().collect();
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        base64::engine::general_purpose::STANDARD.decode(text)?,
    ))
}
