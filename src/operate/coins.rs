//! The 券点 account: balance, recent orders, activation and recharge orders. A
//! recharge only opens a WeChat Pay order: someone must scan and pay its QR code.

use base64::Engine as _;
use serde::Serialize;

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

/// Why a recharge QR image could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("WeChat's qrcode_buffer is not base64: {0}")]
    Decode(#[from] base64::DecodeError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} already exists; name a new file (cardform never writes over an existing one); no order was created",
        .0.display()
    )]
    Exists(std::path::PathBuf),
    #[error(
        "cannot write {}: its folder does not exist; create it or name another file; no order was created",
        .0.display()
    )]
    NoFolder(std::path::PathBuf),
}

/// Checks, before anything is asked of WeChat, that `out` can be created: it does not
/// exist yet and its folder does (a recharge order must not be created for an image
/// that cannot be saved).
///
/// # Errors
/// [`ImageError::Exists`] or [`ImageError::NoFolder`].
pub fn check_new_file(out: &std::path::Path) -> Result<(), ImageError> {
    if out.symlink_metadata().is_ok() {
        return Err(ImageError::Exists(out.to_path_buf()));
    }
    let folder = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        return Err(ImageError::NoFolder(out.to_path_buf()));
    }
    Ok(())
}

/// Saves the QR image of `r` (`qrcode_buffer`, base64) to `out`, never over an
/// existing file; `Ok(None)` when WeChat sent no image (the URL still works).
///
/// # Errors
/// The buffer is not base64, or the file cannot be created.
pub fn save_recharge_image(
    r: &Recharge,
    out: &std::path::Path,
) -> Result<Option<std::path::PathBuf>, ImageError> {
    let text: String = r.qrcode_buffer.split_whitespace().collect();
    if text.is_empty() {
        return Ok(None);
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(text)?;
    write_new(out, &bytes)?;
    Ok(Some(out.to_path_buf()))
}

/// Writes `bytes` to a file that must not exist yet.
///
/// # Errors
/// The file exists or cannot be written.
pub fn write_new(out: &std::path::Path, bytes: &[u8]) -> Result<(), ImageError> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|source| ImageError::Write {
            path: out.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn an_existing_file_or_a_missing_folder_is_refused_up_front() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let taken = dir.path().join("taken.png");
        std::fs::write(&taken, b"x").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(check_new_file(&taken), Err(ImageError::Exists(_))));
        assert!(matches!(
            check_new_file(&dir.path().join("no/such.png")),
            Err(ImageError::NoFolder(_))
        ));
        assert!(check_new_file(&dir.path().join("new.png")).is_ok());
    }
}
