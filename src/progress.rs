//! The terminal's [`Reporter`]: progress bars on stderr when it is a terminal, hidden
//! otherwise (pipelines and tests see no control characters), and notes on stderr.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use crate::i18n::tr;
use crate::report::{Reporter, Step};

/// A progress bar counting `len` steps of `what`.
fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
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

/// Progress bars and notes for a person at a terminal (or a log, where bars hide).
#[derive(Debug, Default)]
pub struct TerminalReporter {
    bars: Mutex<HashMap<Step, indicatif::ProgressBar>>,
}

impl TerminalReporter {
    /// A reporter to hand to the engine.
    pub fn shared() -> Arc<dyn Reporter> {
        Arc::new(TerminalReporter::default())
    }

    fn with_bar(&self, step: Step, f: impl FnOnce(&indicatif::ProgressBar)) {
        if let Ok(bars) = self.bars.lock()
            && let Some(bar) = bars.get(&step)
        {
            f(bar);
        }
    }
}

impl Reporter for TerminalReporter {
    fn start(&self, step: Step, len: u64) {
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(step, bar(len, &step.describe()));
        }
    }

    fn advance(&self, step: Step) {
        self.with_bar(step, |b| b.inc(1));
    }

    fn finish(&self, step: Step) {
        let bar = self
            .bars
            .lock()
            .ok()
            .and_then(|mut bars| bars.remove(&step));
        if let Some(bar) = bar {
            match step {
                // The refresh's bar stays on screen above the plan it led to.
                Step::Refresh => bar.abandon(),
                Step::Apply => bar.finish_and_clear(),
            }
        }
    }

    fn note(&self, message: &str) {
        eprintln!("{}", tr!("apply-note", note = message));
    }
}
