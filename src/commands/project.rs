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
        Err(other) => Err(miette::miette!("{other}")),
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
        Err(other) => Err(miette::miette!("{other}")),
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
        Err(other) => Err(miette::miette!("{other}")),
    }
}
