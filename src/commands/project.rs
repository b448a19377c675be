//! Loading a project at the edge: diagnostics go to stderr, the error says what to do.

use std::path::Path;

use super::error::CommandError;
use crate::config::{ConfigError, Project, RunSettings, load_project};

/// Loads and validates the project; prints every problem at once when it is invalid.
pub fn load(dir: &Path) -> Result<Project, CommandError> {
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
            Err(CommandError::InvalidProject {
                errors: diagnostics.iter().filter(|d| d.is_error()).count(),
                dir: dir.to_path_buf(),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// Reads only cardform.toml; prints its problems when it is invalid.
pub fn load_config(dir: &Path) -> Result<crate::config::ProjectConfig, CommandError> {
    match crate::config::load_project_config(dir) {
        Ok(c) => Ok(c),
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            Err(CommandError::InvalidProjectFile(
                dir.join(crate::config::PROJECT_FILE),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Reads a trusted-settings file (`--trusted-settings`); prints its problems when it is
/// invalid.
pub fn load_settings(file: &Path) -> Result<crate::config::ProjectConfig, CommandError> {
    match crate::config::load_settings_file(file) {
        Ok(c) => Ok(c),
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            Err(CommandError::InvalidTrustedSettings(file.to_path_buf()))
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
    let settings = RunSettings::from_env(&run.flags());
    crate::session::runtime()?.block_on(async {
        let session = crate::session::Session::open(
            dir,
            config,
            operation,
            &settings,
            crate::progress::TerminalReporter::shared(),
        )
        .await?;
        let result = task(&session).await;
        session.close().await;
        result
    })
}
