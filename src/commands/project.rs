//! Loading a project at the edge: diagnostics go to stderr, the error says what to do.

use std::path::Path;

use crate::config::{ConfigError, Project, load_project};

/// Loads and validates the project; prints every problem at once when it is invalid.
pub fn load(dir: &Path) -> miette::Result<Project> {
    match load_project(dir) {
        Ok(p) => {
            for w in &p.warnings {
                eprintln!("{w}");
            }
            Ok(p)
        }
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            Err(miette::miette!(
                help = "fix the problems above; `cardform validate` checks the files offline",
                "{errors} problem{} in {}",
                if errors == 1 { "" } else { "s" },
                dir.display()
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Reads only cardform.toml; prints its problems when it is invalid.
pub fn load_config(dir: &Path) -> miette::Result<crate::config::ProjectConfig> {
    match crate::config::load_project_config(dir) {
        Ok(c) => Ok(c),
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            Err(miette::miette!(
                help = "fix cardform.toml; `cardform validate` checks it offline",
                "{} is not a valid cardform.toml",
                dir.join(crate::config::PROJECT_FILE).display()
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Maps any displayable error to a report.
pub fn report(e: impl std::fmt::Display) -> miette::Report {
    miette::miette!("{e}")
}

/// Reads a trusted-settings file (`--trusted-settings`); prints its problems when it is
/// invalid.
pub fn load_settings(file: &Path) -> miette::Result<crate::config::ProjectConfig> {
    match crate::config::load_settings_file(file) {
        Ok(c) => Ok(c),
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            Err(miette::miette!(
                help = "give --trusted-settings (or CARDFORM_TRUSTED_SETTINGS) a valid cardform.toml, e.g. the base branch's: git show origin/main:cardform.toml > base.toml",
                "{} is not a valid cardform.toml",
                file.display()
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Opens a session on `dir`'s cardform.toml (state lock, client or sandbox) for a
/// command that reads or acts outside the plan (coins, status, qrcode), runs `task`
/// with it, and closes it.
pub fn with_session(
    dir: &Path,
    operation: &str,
    run: &crate::cli::RunOptions,
    task: impl AsyncFnOnce(&crate::session::Session) -> miette::Result<crate::exit::Outcome>,
) -> miette::Result<crate::exit::Outcome> {
    let config = load_config(dir)?;
    let rt = crate::session::runtime().map_err(report)?;
    rt.block_on(async {
        let session = crate::session::Session::open(
            dir,
            config,
            operation,
            &run.settings(),
            crate::progress::TerminalReporter::shared(),
        )
        .await
        .map_err(report)?;
        let result = task(&session).await;
        session.close().await;
        result
    })
}
