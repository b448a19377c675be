//! One thin file per subcommand: parse inputs, call the library (the engine for plan and
//! apply), render. Errors keep their type up to `main` (`error::CommandError` for the
//! commands' own).

use crate::cli::{Cli, Command};
use crate::exit::Outcome;

pub mod accounts;
pub mod apply;
mod apply_output;
pub mod coins;
pub mod completions;
pub mod emulator;
mod error;
pub mod events;
pub mod fmt;
pub mod force_unlock;
pub mod import;
pub mod init;
mod interrupt;
pub mod man;
mod output;
pub mod plan;
pub mod platform;
mod platform_coins;
mod platform_ops;
mod platform_saved;
mod platform_trust;
pub mod preview;
mod project;
pub mod qrcode;
pub mod resolve;
pub mod rules;
pub mod schema;
pub mod state;
pub mod stats;
pub mod status;
pub mod validate;

/// Runs the parsed command line.
///
/// # Errors
/// Any error a command reports; the caller prints it and exits 1.
pub fn run(cli: Cli) -> miette::Result<Outcome> {
    crate::i18n::choose(cli.lang);
    match cli.command {
        Command::Rules(args) => rules::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::State(cmd) => state::run(&cmd),
        Command::ForceUnlock(args) => force_unlock::run(&args),
        Command::Emulator(args) => emulator::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Preview(args) => preview::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Coins(args) => coins::run(&args),
        Command::Qrcode(args) => qrcode::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Events(cmd) => events::run(&cmd),
        Command::Accounts(crate::cli::AccountsCommand::List(args)) => accounts::list(&args),
        Command::Accounts(crate::cli::AccountsCommand::Import(args)) => accounts::import(&args),
    }
}
