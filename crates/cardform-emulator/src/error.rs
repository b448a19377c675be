//! What can go wrong starting, running or stopping an emulator. A leaf: it imports
//! nothing from the crate, so every layer (records parsing a rule, persistence reading
//! the data file, the server binding) can return it.

use std::net::SocketAddr;
use std::path::PathBuf;

use cardform_i18n::tr;

/// What can go wrong starting, running or stopping an emulator.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EmulatorError {
    #[error("{}", tr!("err-emu-not-loopback", addr = .0.to_string()))]
    #[diagnostic(code(cardform::emulator::not_loopback))]
    NotLoopback(SocketAddr),
    #[error("{}", tr!("err-emu-bad-listen", addr = .0))]
    #[diagnostic(code(cardform::emulator::bad_listen))]
    BadListen(String),
    #[error("{}", tr!("err-emu-bind", addr = .addr.to_string(), error = .source))]
    #[diagnostic(code(cardform::emulator::bind))]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-emu-data", path = .path.display(), message = .message))]
    #[diagnostic(code(cardform::emulator::data))]
    Data { path: PathBuf, message: String },
    #[error("{}", tr!("err-emu-locked", path = .path.display(), lock = .lock.display()))]
    #[diagnostic(code(cardform::emulator::locked))]
    Locked { path: PathBuf, lock: PathBuf },
    #[error("{}", tr!("err-emu-fault", spec = .spec, message = .message))]
    #[diagnostic(code(cardform::emulator::fault))]
    Fault { spec: String, message: String },
    #[error("{}", tr!("err-emu-quota", spec = .spec, message = .message))]
    #[diagnostic(code(cardform::emulator::quota))]
    Quota { spec: String, message: String },
}
