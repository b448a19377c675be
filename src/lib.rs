//! cardform: declarative card-as-code for WeChat Official Account coupon cards.
//!
//! One folder per stage of the data's journey: `config` (files → desired cards) →
//! `model` (shared types) → `live` (WeChat JSON → model) → `plan` (diff and classify)
//! → `apply` (carry out, journaled) → `state` (what was applied). `wechat` is the HTTP
//! client, `emulator` a faithful local WeChat, `commands` the thin CLI layer (`cli` its
//! clap definitions). `session` opens one run (lock, client, state); `engine` runs a
//! plan on it, the one entry point of `plan`, `apply DIR` and `apply FILE`.

pub mod adopt;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod events;
pub mod exit;
pub mod i18n;
pub mod live;
pub mod model;
pub mod operate;
pub mod plan;
pub mod platform;
pub mod preview;
pub mod progress;
pub mod report;
pub mod scaffold;
pub mod session;
pub mod state_owner;
pub mod visible;
pub mod write_policy;

// The lower layers are crates of their own (crates/); their old module paths stay
// valid so `cardform::state::…` reads the same everywhere.
pub use cardform_client as wechat;
pub use cardform_emulator as emulator;
pub use cardform_spec as spec;
pub use cardform_state as state;
