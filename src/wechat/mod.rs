//! The WeChat HTTP client: tokens, endpoints, the errcode table and its retry
//! classes, rate limiting, and redaction of secrets. Knows nothing about plans.

pub mod cards;
pub mod client;
pub mod coin;
pub mod envelope;
pub mod errcode;
pub mod error;
pub mod retry;
pub mod secret;
pub mod throttle;
pub mod token;
mod transport;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use cards::BatchGet;
pub use client::{ClientConfig, WECHAT_BASE_URL, WeChatClient};
pub use error::{ApiError, TransportKind};
pub use retry::{Idempotency, RetryPolicy};
pub use secret::{RedactedUrl, Secret};
