//! cardform-client: the WeChat HTTP client: tokens, endpoints, retries driven by the
//! errcode table's retry classes, rate limiting, and redaction of secrets.
//!
//! Must not import: any cardform crate but `cardform-spec`. It knows nothing of plans,
//! project files or state; the product maps its project file into [`ClientConfig`].

pub mod cards;
pub mod client;
pub mod coin;
pub mod component;
pub mod component_cache;
pub mod delivery;
pub mod envelope;
pub mod error;
pub mod lenient;
pub mod platform;
pub mod retry;
pub mod secret;
pub mod stores;
pub mod submerchant;
pub mod throttle;
pub mod token;
mod token_source;
mod transport;

/// 券点 amounts (exact); re-exported for the client's callers.
pub use cardform_spec::Points;
/// The errcode table lives in `cardform-spec`; re-exported for the client's callers.
pub use cardform_spec::errcode;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod recorded_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_component;
#[cfg(test)]
mod tests_delivery;
#[cfg(test)]
mod tests_shapes;
#[cfg(test)]
mod tests_token_cache;

pub use cards::BatchGet;
pub use client::{
    ClientConfig, DEFAULT_PARALLELISM, DEFAULT_TIMEOUT, WECHAT_BASE_URL, WeChatClient,
};
pub use component::{AuthorizerEntry, AuthorizerToken, ComponentCredentials, PlatformClient};
pub use component_cache::{CacheTurn, ComponentTokenCache};
pub use error::{ApiError, TransportKind};
pub use platform::AuthorizerInfo;
pub use retry::{Idempotency, RetryPolicy};
pub use secret::{RedactedUrl, Secret};
pub use token_source::TokenSource;
pub use transport::CallCap;
