//! The `cardform` binary: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

mod usage;

// Why not the system allocator: see the dependency's comment in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_sigpipe();
    init_error_rendering();
    // The language the raw command line asks for, before clap parses it: the value
    // parsers (`--shard 0/4`, `--accounts`) say their refusals through it.
    cardform::i18n::set_lang(usage::lang_of(
        std::env::args_os().skip(1),
        std::env::var("CARDFORM_LANG").ok(),
    ));
    let cli = match cardform::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(usage) => {
            print_usage_error(&usage);
            return ExitCode::from(cardform::exit::usage_code(&usage));
        }
    };
    init_logging(cli.debug);
    let result = cardform::commands::run(cli);
    if let Err(report) = &result {
        // miette's handler: the diagnostic's code, message and help.
        let rendered = format!("{report:?}");
        eprintln!("{}", cardform::i18n::diagnostic_labels(&rendered));
    }
    ExitCode::from(cardform::exit::code(&result))
}

/// A command line clap did not accept, said in the language the raw arguments or
/// `CARDFORM_LANG` ask for (clap has not parsed `--lang` when it fails). `--help` and
/// `--version` print unchanged; so does an error kind the Chinese rendering does not
/// know.
fn print_usage_error(usage: &clap::Error) {
    let lang = usage::lang_of(
        std::env::args_os().skip(1),
        std::env::var("CARDFORM_LANG").ok(),
    );
    if usage.use_stderr() && lang == cardform::i18n::Lang::ZhCn {
        cardform::i18n::set_lang(lang);
        if let Some(text) = usage::render(usage) {
            eprint!("{text}");
            return;
        }
    }
    let _ = usage.print();
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

/// Errors are rendered by miette (code, message, help), without the cause chain: every
/// cardform error already says its cause in its message ("cannot write FILE: …"), and
/// the chain would print it a second time.
fn init_error_rendering() {
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .without_cause_chain()
                .build(),
        )
    }));
}

/// A closed stdout (`cardform rules | head`) ends the process like any Unix tool
/// instead of a "failed printing to stdout" panic.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default at start-up, before any
    // thread exists, is what every C program's runtime does.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
