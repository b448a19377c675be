//! cardform-spec: the facts about WeChat's card API that every other crate reads, as
//! data tables. No I/O, no network, no knowledge of plans, files or state.
//!
//! Each fact lives here once, with the reference row it comes from
//! (`docs/reference/wechat-card-api.md`, mirrored from the project's shared reference):
//!
//! | module | fact |
//! |---|---|
//! | [`card_type`] | the card types and their wire names |
//! | [`coin`] | what friends-coupon stock costs in 券点 |
//! | [`colors`] | the colour palette (name ↔ hex) |
//! | [`fields`] | what `card/create` accepts: field → kind → byte limit → required |
//! | [`points`] | 券点 amounts, exact (hundredths), read from numbers or decimal strings |
//! | [`limits`] | numeric limits: stock ceiling, image size, friends-coupon windows and lengths |
//! | [`shapes`] | how card/get writes a card: field kinds, absent defaults, metadata |
//! | [`rules`] | the update-rule table: what a change to each field costs |
//! | [`errcode`] | the errcode table: code → meaning → retry class → guidance |
//! | [`title`] | the titles WeChat builds for friends CASH/GIFT coupons |
//! | [`platform`] | third-party platform (第三方平台) endpoints, lifetimes, paging, errcodes |
//! | [`sandbox`] | the embedded sandbox's account (not a secret) |
//!
//! Must not import: anything of cardform's (this crate is the bottom of the graph).

pub mod card_type;
pub mod coin;
pub mod colors;
pub mod errcode;
pub mod fields;
pub mod limits;
pub mod platform;
pub mod points;
pub mod rules;
pub mod sandbox;
pub mod shapes;
pub mod title;

pub use card_type::CardType;
pub use colors::{PALETTE, hex_for_name, name_for_hex};
pub use points::Points;

use chrono::FixedOffset;

/// The host `media/uploadimg` answers with; other hosts are rejected by WeChat.
pub const WECHAT_IMAGE_HOST: &str = "mmbiz.qpic.cn";

pub use limits::MAX_WECHAT_TIMESTAMP;

/// Beijing time, the zone WeChat's card UI and datacube days use, and the one cardform
/// renders in.
pub fn beijing() -> FixedOffset {
    // 8 hours east is always in range for FixedOffset.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}
