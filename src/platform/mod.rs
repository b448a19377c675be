//! Third-party platforms (服务商): one repository runs the cards of many merchant
//! accounts (docs/platform.md).
//!
//! - [`files`]: the root `cardform.toml` with `[platform]` and `accounts/<name>/account.toml`;
//! - [`template`]: card templates instantiated per account;
//! - [`stores`]: an account's `[stores]` sets, `${stores.<set>}` in templates;
//! - [`project`]: the whole platform loaded and checked; each account as an ordinary
//!   [`Project`](crate::config::Project) the engine runs unchanged;
//! - [`select`]: `--accounts`, `--shard K/N`;
//! - [`run`]: the per-account run loop (bounded parallelism, isolation);
//! - [`report`]: one report over the accounts, and `plan merge`;
//! - [`token_cache`]: the component token shared by the run's processes, sealed in the
//!   state backend.
//! - [`saved`]: `plan --save FILE` and `apply FILE` of a platform's saved plan.
//! - [`trusted`]: `plan --trusted-settings DIR`, the base branch's settings over the
//!   pull request's.

pub mod files;
pub mod project;
pub mod report;
pub mod run;
pub mod saved;
pub mod select;
pub mod stores;
pub mod template;
pub mod ticket;
pub mod token_cache;
pub mod tokens;
pub mod trusted;

pub use files::{AccountFile, PlatformFile};
pub use project::{AccountDef, Platform, is_platform};
pub use select::{Selection, Shard, select};
