//! Loading a project at the edge: diagnostics go to stderr, the error says what to do.

use std::path::Path;

use super::error::CommandError;
use crate::config::{ConfigError, Project, RunSettings, load_project};
use crate::write_policy::WritePolicy;

/// Loads and validates the project; prints every problem at once when it is invalid.
pub fn load(dir: &Path) -> Result<Project, CommandError> {
    crate::i18n::for_dir(dir);
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
    crate::i18n::for_dir(dir);
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

/// The write policy of a loaded project ([`crate::write_policy`]): its state folder and
/// sandbox world wherever cardform.toml puts them, and every local image its cards use.
pub fn write_policy(project: &Project) -> WritePolicy {
    WritePolicy::for_config(
        &project.root,
        project.config.state.as_deref(),
        referenced_files(project),
    )
}

/// The write policy of the project in `dir`, for a command that otherwise reads only
/// cardform.toml (coins, stats, qrcode, import, state): the cards are read for the
/// images they use when they load (an invalid card file still leaves assets/, cards/
/// and the state refused).
pub fn write_policy_for_dir(dir: &Path) -> Result<WritePolicy, CommandError> {
    let config = load_config(dir)?;
    Ok(write_policy_with_state(dir, config.state.as_deref()))
}

/// [`write_policy_for_dir`] with cardform.toml's `state` already read.
pub fn write_policy_with_state(dir: &Path, state_setting: Option<&str>) -> WritePolicy {
    let referenced = match load_project(dir) {
        Ok(project) => referenced_files(&project),
        Err(_) => Vec::new(),
    };
    WritePolicy::for_config(dir, state_setting, referenced)
}

/// The local files the cards use (images), as paths.
fn referenced_files(project: &Project) -> Vec<std::path::PathBuf> {
    project
        .cards
        .values()
        .flat_map(|d| d.card.images())
        .filter_map(|(_, image)| match image.kind() {
            crate::model::ImageKind::Local(p) => Some(project.root.join(p)),
            crate::model::ImageKind::Url(_) => None,
        })
        .collect()
}
