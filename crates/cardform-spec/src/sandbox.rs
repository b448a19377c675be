//! The embedded sandbox's account: the emulator accepts it by default and the client
//! uses it for `endpoint = "sandbox"`. Not a secret: it only opens a local emulator.

/// The AppID of the embedded sandbox and the emulator's default.
pub const SANDBOX_APPID: &str = "wxsandbox";
/// The AppSecret of the embedded sandbox and the emulator's default (not a secret).
pub const SANDBOX_SECRET: &str = "sandbox-secret";
