//! [`Reporter`]: how the engine tells the person running it what is happening, without
//! knowing whether that is a terminal, a pipeline log or a test. The engine (session,
//! refresh, apply) calls it; the CLI implements it with progress bars and stderr
//! (`cli/progress.rs`, as Terraform's hooks feed its views and uv's resolver feeds its
//! reporter).

/// A long step the engine reports progress on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// `card/get` of every managed card.
    Refresh,
    /// Carrying out the plan's changes.
    Apply,
}

impl Step {
    /// A lower-case word for the step ("refreshing"), in the process language.
    pub fn describe(self) -> String {
        crate::i18n::t(match self {
            Step::Refresh => "apply-step-refreshing",
            Step::Apply => "apply-step-applying",
        })
    }
}

/// Receives what the engine has to say while it works. Every method has a quiet
/// default, so an implementation overrides only what it shows.
pub trait Reporter: Send + Sync {
    /// `step` begins, with `len` items to do.
    fn start(&self, step: Step, len: u64) {
        let _ = (step, len);
    }
    /// One more item of `step` is done.
    fn advance(&self, step: Step) {
        let _ = step;
    }
    /// `step` is over.
    fn finish(&self, step: Step) {
        let _ = step;
    }
    /// Something the user should know that is not an error (a state loaded from its
    /// backup, a recovered lock); shown as `note: …`.
    fn note(&self, message: &str) {
        let _ = message;
    }
}

/// Says nothing: for tests and library callers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Reporter for Silent {}
