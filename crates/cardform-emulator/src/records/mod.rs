//! Records: the plain data the world holds (and, for most of it, persists), with the
//! records' own pure methods. The layer just above the leaf helpers: a record file imports
//! only the leaf helpers (`error`, `reply`, `fields`), never the world, the request or
//! a handler. One concept per file:
//!
//! - [`card`] — card definitions and their review status.
//! - [`code`] — codes users hold.
//! - [`coin`] — 券点 points, quotes and the order ledger.
//! - [`stats`] — per day and card statistics.
//! - [`whitelist`] — the test whitelist.
//! - [`special`] — member cards and tickets, members' data, ticket fields per code.
//! - [`store`] — stores imported with `card/location/batchadd`.
//! - [`paygift`] — pay-gift rules (支付后投放卡券).
//! - [`tokens`] — issued access tokens (memory only).
//! - [`quota`] — quota limits and counters (memory only).
//! - [`faults`] — fault rules and the armed fault set (memory only).

pub mod card;
pub mod code;
pub mod coin;
pub mod faults;
pub mod paygift;
pub mod quota;
pub mod special;
pub mod stats;
pub mod store;
pub mod tokens;
pub mod whitelist;

pub use card::{CardCore, CardRecord, CardStatus, strip_server_fields};
pub use code::{CodeRecord, CodeStatus};
pub use coin::{CoinState, Order, Quote};
pub use faults::{FaultMode, FaultRule, FaultSet, Fired};
pub use paygift::PayGiftRule;
pub use quota::{QuotaLimit, QuotaState};
pub use special::{MemberRecord, SpecialCardRecord, SpecialType, TicketRecord};
pub use stats::DayStat;
pub use store::StoreRecord;
pub use tokens::TokenStore;
pub use whitelist::Whitelist;
