//! The card types every stage shares (serde + schemars), and the pure conversions
//! between them and WeChat's JSON. No I/O here.

mod canonical;
mod card;
mod color;
mod image;
pub mod pending;
mod timestamp;
pub mod title;
pub mod wire;
mod wxstr;

pub use canonical::{Canonical, is_under};
pub use card::*;
pub use color::{Color, PALETTE, hex_for_name, name_for_hex};
pub use image::{ImageKind, ImageRef, WECHAT_IMAGE_HOST};
pub use timestamp::{MAX_WECHAT_TIMESTAMP, Timestamp, beijing};
pub use title::{derived_title, has_derived_title};
pub use wxstr::{WxStr, byte_limit_message};
