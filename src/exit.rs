//! The one mapping from outcomes and errors to exit codes (design.md "Exit codes").

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
        }
    }
}

/// Any error that reaches the top exits 1.
pub const ERROR_EXIT: u8 = 1;
