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

use std::path::Path;

pub use cardform_events::{AES_KEY_ENV, TOKEN_ENV};
pub use cardform_state::events::{Appended, EventLog, EventRecord, open_event_log};

/// What the event commands can fail with; each says what to do.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EventsError {
    #[error("{TOKEN_ENV} is not set")]
    #[diagnostic(
        code(cardform::events::no_token),
        help(
            "set {TOKEN_ENV} to the Token configured for the server URL in WeChat's admin console (it is never read from a file, never printed)"
        )
    )]
    NoToken,
    #[error("{AES_KEY_ENV}: {0}")]
    #[diagnostic(
        code(cardform::events::bad_key),
        help("{AES_KEY_ENV} must be the 43-character EncodingAESKey from WeChat's admin console")
    )]
    BadKey(cardform_events::CryptoError),
    #[error("no AppID to check encrypted messages against")]
    #[diagnostic(
        code(cardform::events::no_appid),
        help("give --app-id, or run in a project folder whose cardform.toml has [account] appid")
    )]
    NoAppId,
    #[error("--listen {0}: not an address (write e.g. 127.0.0.1:8089)")]
    #[diagnostic(code(cardform::events::listen))]
    BadListen(String),
    #[error("cannot listen on {addr}: {source}")]
    #[diagnostic(code(cardform::events::bind))]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("--since {0}: expected a duration (30m, 2h, 7d) or an RFC 3339 time")]
    #[diagnostic(code(cardform::events::since))]
    BadSince(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] cardform_state::StateError),
    #[error("cannot write to stdout: {0}")]
    #[diagnostic(code(cardform::output::stdout))]
    Stdout(std::io::Error),
    #[error("--push-url: {0}")]
    #[diagnostic(code(cardform::emulator::push))]
    PushConfig(String),
    #[error("cannot start the runtime: {0}")]
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
