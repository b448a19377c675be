//! Progress bars: on stderr when it is a terminal, hidden otherwise (pipelines and
//! tests see no control characters). Shared by the session's refresh and apply, so
//! neither reaches up into the command layer for it.

use std::io::IsTerminal;

/// A progress bar counting `len` steps of `what`.
pub fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}
