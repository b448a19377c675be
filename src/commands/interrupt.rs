//! Ctrl-C during apply: the first interrupt stops new operations (those in flight
//! finish and are recorded), the second exits at once. Exiting mid-call is safe because
//! every mutation's intent is on disk before it is sent: the next run resolves it.

use crate::apply::StopSignal;

/// The exit code of a second interrupt (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: i32 = 130;

/// Watches for Ctrl-C until aborted: the first raises `stop` (and says what happens),
/// the second exits the process at once.
pub async fn watch_interrupts(stop: StopSignal) {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handling on this platform: Ctrl-C keeps its default (immediate
        // exit), which the journal already makes safe.
        return;
    }
    stop.raise();
    eprintln!("\n{}", crate::i18n::tr!("interrupt-first"));
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("\n{}", crate::i18n::tr!("interrupt-second"));
        std::process::exit(INTERRUPTED_EXIT);
    }
}
