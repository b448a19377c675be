//! Where output goes: colour only on a terminal without NO_COLOR, progress bars only
//! on a terminal stderr, JSON never mixed with human text on stdout.

use std::io::IsTerminal;

/// Colour on stdout?
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Prints a JSON document on stdout.
pub fn print_json(value: &serde_json::Value) -> miette::Result<()> {
    let s = serde_json::to_string_pretty(value)
        .map_err(|e| miette::miette!("cannot render JSON: {e}"))?;
    println!("{s}");
    Ok(())
}
