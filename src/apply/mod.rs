//! Carry out a plan: bounded concurrency, every mutation journaled (intent before the
//! call, outcome after), `card/get` after every update to verify. The plan decides
//! what changes; this stage only does it.

mod body;
pub mod coins;
mod evidence;
mod executor;
mod local;
pub mod recover;

pub use body::{update_body, update_unit};
pub use executor::{ApplyOptions, ApplyOutcome, CardFailure, StopSignal, apply_plan, buy_approved};
pub use local::{record_local_settings, record_refresh, record_unchanged_cards};
