//! WeChat's push events: the receiver (`cardform events serve`, [`receiver`]) that
//! checks and stores them in the state backend's event log
//! (`cardform_state::events`), and what the other commands read from that log
//! ([`read`]: a rejected card's reason, low stock, review decisions for
//! `apply --wait-for-review`, revoked authorizers, the platform's verify ticket).
//!
//! The protocol itself (signatures, safe-mode AES, the XML) is the `cardform-events`
//! crate, which the emulator's pushes use too.

pub mod read;
pub mod receiver;
pub mod wait;

use std::path::Path;

use crate::i18n::tr;

pub use cardform_events::{AES_KEY_ENV, TOKEN_ENV};
pub use cardform_state::events::{Appended, EventLog, EventRecord, open_event_log};

/// What the event commands can fail with; each says what to do.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EventsError {
    #[error("{}", tr!("ev-no-token", env = TOKEN_ENV))]
    #[diagnostic(
        code(cardform::events::no_token),
        help("{}", tr!("ev-no-token-help", env = TOKEN_ENV))
    )]
    NoToken,
    #[error("{}", tr!("ev-bad-key", env = AES_KEY_ENV, error = .0.to_string()))]
    #[diagnostic(
        code(cardform::events::bad_key),
        help("{}", tr!("ev-bad-key-help", env = AES_KEY_ENV))
    )]
    BadKey(cardform_events::CryptoError),
    #[error("{}", tr!("ev-no-appid"))]
    #[diagnostic(code(cardform::events::no_appid), help("{}", tr!("ev-no-appid-help")))]
    NoAppId,
    #[error("{}", tr!("ev-bad-listen", value = .0.as_str()))]
    #[diagnostic(code(cardform::events::listen))]
    BadListen(String),
    #[error("{}", tr!("ev-bind", addr = addr.to_string(), error = source.to_string()))]
    #[diagnostic(code(cardform::events::bind))]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("{}", tr!("ev-bad-since", value = .0.as_str()))]
    #[diagnostic(code(cardform::events::since))]
    BadSince(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] cardform_state::StateError),
    #[error("{}", tr!("ev-stdout", error = .0.to_string()))]
    #[diagnostic(code(cardform::output::stdout))]
    Stdout(std::io::Error),
    #[error("{}", tr!("ev-push-url", error = .0.as_str()))]
    #[diagnostic(code(cardform::emulator::push))]
    PushConfig(String),
    #[error("{}", tr!("ev-runtime", error = .0.to_string()))]
    #[diagnostic(code(cardform::events::runtime))]
    Runtime(std::io::Error),
}

/// Opens the event log of the project in `root` (its `state` setting).
///
/// # Errors
/// The backend cannot be opened.
pub fn open_project_log(
    root: &Path,
    state_setting: Option<&str>,
) -> Result<Box<dyn EventLog>, EventsError> {
    Ok(open_event_log(root, state_setting)?)
}
