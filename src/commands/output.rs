//! Where output goes: colour only on a terminal without NO_COLOR, progress bars only
//! on a terminal stderr, JSON never mixed with human text on stdout.

use std::io::IsTerminal;

use super::error::CommandError;

/// Colour on stdout?
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Prints a JSON document on stdout, written as it is serialised (a 10,000-card plan
/// is ~20 MB of JSON; it is never held as a whole in memory).
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> miette::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| CommandError::Json(e.into()))?;
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(|e| CommandError::Json(e).into())
}
