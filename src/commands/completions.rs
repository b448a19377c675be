//! `cardform completions SHELL`: the completion script clap_complete generates from the
//! command line's own definition, so it never lags behind a new flag.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;

pub fn run(args: &CompletionsArgs) -> miette::Result<Outcome> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "cardform", &mut std::io::stdout());
    Ok(Outcome::Success)
}
