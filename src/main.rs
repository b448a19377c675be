//! The `cardform` binary: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cardform::cli::Cli::parse();
    match cardform::commands::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(cardform::exit::ERROR_EXIT)
        }
    }
}
