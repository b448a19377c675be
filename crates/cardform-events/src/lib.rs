//! cardform-events: WeChat's push-event protocol, without I/O, shared by the receiver
//! (`cardform events serve`) and the emulator's pushes, so both speak one protocol and
//! an outside witness (wechatpy, WeChat's published sample) checks it.
//!
//! | module | job |
//! |---|---|
//! | [`crypto`] | signatures, safe-mode AES-256-CBC, the AppID check |
//! | [`xml`] | the flat event XML: parse (no DTD), write |
//! | [`protocol`] | a push as sent ([`protocol::seal`]) and as checked ([`protocol::Checker`]) |
//! | [`message`] | an event's name, card, code and dedup key |
//!
//! Must not import: any cardform crate but `cardform-spec`.

pub mod crypto;
pub mod message;
pub mod protocol;
pub mod xml;

pub use crypto::{AesKey, CryptoError};
pub use protocol::{Checker, Mode, Refusal, Sealed, seal};
pub use xml::{Fields, XmlError};

/// The environment variable holding the token (the receiver's and the emulator's).
pub const TOKEN_ENV: &str = "CARDFORM_EVENTS_TOKEN";
/// The environment variable holding the EncodingAESKey.
pub const AES_KEY_ENV: &str = "CARDFORM_EVENTS_AES_KEY";
