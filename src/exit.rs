//! The one mapping from outcomes and errors to exit codes (design.md "Exit codes"):
//! 0 success or no changes, 1 error, 2 changes present (`--detailed-exitcode`), 3 a
//! policy gate refused the plan, 4 some accounts of a platform run failed. Every path out of `main` goes through [`code`] or
//! [`usage_code`].

use std::process::ExitCode;

/// How a command that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success, or a plan with no changes.
    Success,
    /// A plan with changes, under `--detailed-exitcode`.
    ChangesPresent,
    /// A `--deny` policy was violated.
    PolicyDenied,
    /// Validation or another check found problems and reported them.
    Failed,
    /// A platform run (`--accounts`): at least one account failed or was skipped
    /// (revoked, token refused, an error); the others were planned or applied.
    AccountsFailed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(self.code())
    }

    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failed => 1,
            Outcome::ChangesPresent => 2,
            Outcome::PolicyDenied => 3,
            Outcome::AccountsFailed => ACCOUNTS_FAILED_EXIT,
        }
    }
}

/// A platform run in which some accounts failed (docs/platform.md).
pub const ACCOUNTS_FAILED_EXIT: u8 = 4;

/// Any error that reaches the top exits 1.
pub const ERROR_EXIT: u8 = 1;

/// The exit code of a command's result. An error is 1 whatever its type: the gates
/// that exit 3 report an [`Outcome`], never an error, so a pipeline's "2 means
/// changes" can never read an error as a plan.
pub fn code(result: &miette::Result<Outcome>) -> u8 {
    match result {
        Ok(outcome) => outcome.code(),
        Err(_) => ERROR_EXIT,
    }
}

/// The exit code of a command line clap did not accept: 0 for `--help` and
/// `--version`, else 1 (clap's own default, 2, would read as "changes present" under
/// `--detailed-exitcode`).
pub fn usage_code(error: &clap::Error) -> u8 {
    if error.use_stderr() { ERROR_EXIT } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn usage_errors_are_errors_and_help_is_success() {
        let bad = crate::cli::Cli::try_parse_from(["cardform", "plan", "--parallelism", "0"]);
        assert_eq!(bad.err().map(|e| usage_code(&e)), Some(1));
        let help = crate::cli::Cli::try_parse_from(["cardform", "--help"]);
        assert_eq!(help.err().map(|e| usage_code(&e)), Some(0));
    }

    #[test]
    fn errors_exit_1_and_outcomes_keep_theirs() {
        assert_eq!(code(&Err(miette::miette!("x"))), 1);
        assert_eq!(code(&Ok(Outcome::PolicyDenied)), 3);
        assert_eq!(code(&Ok(Outcome::ChangesPresent)), 2);
    }
}
