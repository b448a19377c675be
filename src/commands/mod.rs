//! One thin orchestration file per subcommand: parse inputs, call the library, print.
//! No business rules here.

use crate::cli::{Cli, Command};
use crate::exit::Outcome;

pub mod force_unlock;
pub mod rules;
pub mod schema;
pub mod state;
pub mod validate;

/// Runs the parsed command line.
///
/// # Errors
/// Any error a command reports; the caller prints it and exits 1.
pub fn run(cli: Cli) -> miette::Result<Outcome> {
    match cli.command {
        Command::Rules(args) => rules::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::State(cmd) => state::run(&cmd),
        Command::ForceUnlock(args) => force_unlock::run(&args),
        other => Err(miette::miette!(
            "`{}` is not available in this build yet",
            command_name(&other)
        )),
    }
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Validate(_) => "validate",
        Command::Schema(_) => "schema",
        Command::Plan(_) => "plan",
        Command::Apply(_) => "apply",
        Command::Import(_) => "import",
        Command::State(_) => "state",
        Command::ForceUnlock(_) => "force-unlock",
        Command::Rules(_) => "rules",
        Command::Emulator(_) => "emulator",
    }
}
