//! The `cardform` binary: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cardform::cli::Cli::parse();
    init_logging(cli.debug);
    match cardform::commands::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(cardform::exit::ERROR_EXIT)
        }
    }
}

/// `--debug` (or RUST_LOG) turns on debug logs on stderr: raw WeChat answers cardform
/// could not read, retries, token refreshes. Tokens and secrets are redacted at the
/// type level before anything is logged.
fn init_logging(debug: bool) {
    let filter = if debug {
        tracing_subscriber::EnvFilter::new("cardform=debug")
    } else {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"))
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}
