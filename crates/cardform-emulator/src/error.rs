//! What can go wrong starting, running or stopping an emulator. A leaf: it imports
//! nothing from the crate, so every layer (records parsing a rule, persistence reading
//! the data file, the server binding) can return it.

use std::net::SocketAddr;
use std::path::PathBuf;

/// What can go wrong starting, running or stopping an emulator.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EmulatorError {
    #[error(
        "refusing to listen on {0}: the emulator binds loopback addresses only; use 127.0.0.1:PORT (or [::1]:PORT)"
    )]
    #[diagnostic(code(cardform::emulator::not_loopback))]
    NotLoopback(SocketAddr),
    #[error("`{0}` is not a listen address; write it as 127.0.0.1:PORT (port 0 picks a free port)")]
    #[diagnostic(code(cardform::emulator::bad_listen))]
    BadListen(String),
    #[error("cannot listen on {addr}: {source}; pick another port or stop what is using it")]
    #[diagnostic(code(cardform::emulator::bind))]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("emulator data {path}: {message}")]
    #[diagnostic(code(cardform::emulator::data))]
    Data { path: PathBuf, message: String },
    #[error(
        "emulator data {path} is in use by another emulator (lock {lock} is held); stop the other run or use another data file"
    )]
    #[diagnostic(code(cardform::emulator::locked))]
    Locked { path: PathBuf, lock: PathBuf },
    #[error("invalid fault rule `{spec}`: {message} (see docs/emulator.md, \"Fault rules\")")]
    #[diagnostic(code(cardform::emulator::fault))]
    Fault { spec: String, message: String },
    #[error("invalid quota `{spec}`: {message}; write PATH=DAILY or PATH=DAILY/PER_MINUTE")]
    #[diagnostic(code(cardform::emulator::quota))]
    Quota { spec: String, message: String },
}
