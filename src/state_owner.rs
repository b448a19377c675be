//! Which account and project a state belongs to.
//!
//! A state copied from another project (or a `state` setting pointing at the wrong
//! file) looks like any other state: planning from it deletes that project's cards and
//! creates duplicates of this one's. So the state records its owner — the AppID it
//! talks to and the project's `project_id` from cardform.toml — and every run checks it
//! before planning. The first apply writes a new `project_id` into cardform.toml.

use crate::i18n::tr;
use crate::state::StateOwner;

/// Who this run is: the account it talks to and the project's id, if the file has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunIdentity {
    pub account: String,
    pub project: Option<String>,
}

impl RunIdentity {
    /// The identity a project's runs have: the AppID it talks to (the sandbox's own
    /// for `endpoint = "sandbox"`) and its `project_id`.
    pub fn of(config: &crate::config::ProjectConfig) -> RunIdentity {
        let account = if config.endpoint == crate::config::SANDBOX_ENDPOINT {
            cardform_spec::sandbox::SANDBOX_APPID.to_string()
        } else {
            config.account.appid.clone()
        };
        RunIdentity {
            account,
            project: config.project_id.clone(),
        }
    }
}

/// A state that belongs elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum OwnerError {
    #[error(
        "{}\n  {}",
        tr!("err-owner-other-account", state = .state, ours = .ours),
        tr!("err-owner-other-account-todo")
    )]
    #[diagnostic(code(cardform::state_owner::other_account))]
    OtherAccount { state: String, ours: String },
    #[error(
        "{}\n  {}",
        tr!("err-owner-other-project", state = .state, ours = .ours),
        tr!("err-owner-other-project-todo")
    )]
    #[diagnostic(code(cardform::state_owner::other_project))]
    OtherProject { state: String, ours: String },
    #[error(
        "{}\n  {}",
        tr!("err-owner-state-lost", project = .project),
        tr!("err-owner-state-lost-todo", dir = .dir)
    )]
    #[diagnostic(code(cardform::state_owner::state_lost))]
    StateLost { project: String, dir: String },
}

/// Checks that the state is this project's.
///
/// # Errors
/// [`OwnerError`] when the state records another account, or another project id than
/// cardform.toml. A state with no owner (written before owners existed, or new) and a
/// cardform.toml without `project_id` are accepted.
pub fn check(state: Option<&StateOwner>, ours: &RunIdentity) -> Result<(), OwnerError> {
    let Some(owner) = state else {
        return Ok(());
    };
    if owner.account != ours.account {
        return Err(OwnerError::OtherAccount {
            state: owner.account.clone(),
            ours: ours.account.clone(),
        });
    }
    if let (Some(theirs), Some(mine)) = (&owner.project, &ours.project)
        && theirs != mine
    {
        return Err(OwnerError::OtherProject {
            state: theirs.clone(),
            ours: mine.clone(),
        });
    }
    Ok(())
}

/// Checks, for a run that may create cards (plan, apply), that a project applied
/// before still has its state.
///
/// The first apply writes `project_id` into cardform.toml and stamps the state with
/// its owner, so a state that has never been written (no owner, no card, serial 0)
/// next to a cardform.toml with a `project_id` is a lost state, not a new project.
///
/// # Errors
/// [`OwnerError::StateLost`] in that case; everything else is accepted.
pub fn check_not_lost(
    state: &crate::state::StateFile,
    ours: &RunIdentity,
    root: &std::path::Path,
) -> Result<(), OwnerError> {
    let never_written = state.owner.is_none() && state.serial == 0 && state.resources.is_empty();
    match &ours.project {
        Some(project) if never_written => Err(OwnerError::StateLost {
            project: project.clone(),
            dir: root.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// The owner a writing run records: this account, and the project id of cardform.toml,
/// else the one the state already has, else a new one (which the caller writes into
/// cardform.toml).
pub fn stamp(state: Option<&StateOwner>, ours: &RunIdentity) -> StateOwner {
    let project = ours
        .project
        .clone()
        .or_else(|| state.and_then(|o| o.project.clone()))
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    StateOwner {
        account: ours.account.clone(),
        project: Some(project),
    }
}

/// Writes `project_id = "<id>"` into the project file, after the leading comments (a
/// top-level key must come before the first table). Atomic: the file is replaced whole
/// or not at all, and only if the result still parses as TOML.
///
/// # Errors
/// The file cannot be read or written, or the result would not parse (left untouched).
pub fn write_project_id(project_file: &std::path::Path, id: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(project_file)?;
    let at = leading_comments_end(&text);
    let line = format!("project_id = \"{id}\"  # written by the first apply; keep it\n");
    let updated = format!("{}{line}{}", &text[..at], &text[at..]);
    if toml::from_str::<toml::Table>(&updated).is_err() {
        return Err(std::io::Error::other(
            "adding project_id would not leave valid TOML",
        ));
    }
    // cardform.toml may be a link (a shared file, a dotfiles manager): the link stays
    // and its target is rewritten, keeping its permissions.
    crate::write_policy::rewrite_owned_file(project_file, updated.as_bytes())
}

/// What [`record_project_id`] did; its Display is the line to show (a note, or a
/// warning with what to do by hand).
#[derive(Debug)]
pub enum ProjectIdRecord {
    Wrote {
        id: String,
        file: std::path::PathBuf,
    },
    Failed {
        id: String,
        file: std::path::PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for ProjectIdRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectIdRecord::Wrote { id, file } => {
                f.write_str(&tr!("err-project-id-wrote", id = id, file = file.display()))
            }
            ProjectIdRecord::Failed { id, file, error } => f.write_str(&tr!(
                "err-project-id-failed",
                id = id,
                file = file.display(),
                error = error
            )),
        }
    }
}

/// After a successful apply: writes the project id the state now records into
/// cardform.toml if the file has none, so a state copied from another project is
/// refused from then on. Sandbox projects are local experiments (their state and their
/// emulator live in the project folder) and keep their file as it is. `None`: nothing
/// to write.
pub fn record_project_id(
    root: &std::path::Path,
    config: &crate::config::ProjectConfig,
    state: &crate::state::StateSession,
) -> Option<ProjectIdRecord> {
    if config.project_id.is_some() || config.endpoint == crate::config::SANDBOX_ENDPOINT {
        return None;
    }
    let id = state.read(|s| s.owner.as_ref().and_then(|o| o.project.clone()))?;
    let file = root.join(crate::config::PROJECT_FILE);
    Some(match write_project_id(&file, &id) {
        Ok(()) => ProjectIdRecord::Wrote { id, file },
        Err(error) => ProjectIdRecord::Failed { id, file, error },
    })
}

/// The byte offset after the file's leading comment and blank lines.
fn leading_comments_end(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#')) || !line.ends_with('\n') {
            break;
        }
        at += line.len();
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me(project: Option<&str>) -> RunIdentity {
        RunIdentity {
            account: "wxA".into(),
            project: project.map(str::to_string),
        }
    }

    fn owner(account: &str, project: Option<&str>) -> StateOwner {
        StateOwner {
            account: account.into(),
            project: project.map(str::to_string),
        }
    }

    #[test]
    fn a_state_of_another_account_or_project_is_refused() {
        assert!(check(None, &me(Some("p1"))).is_ok());
        assert!(check(Some(&owner("wxA", Some("p1"))), &me(Some("p1"))).is_ok());
        assert!(check(Some(&owner("wxA", Some("p1"))), &me(None)).is_ok());
        assert!(matches!(
            check(Some(&owner("wxB", Some("p1"))), &me(Some("p1"))),
            Err(OwnerError::OtherAccount { .. })
        ));
        assert!(matches!(
            check(Some(&owner("wxA", Some("p2"))), &me(Some("p1"))),
            Err(OwnerError::OtherProject { .. })
        ));
    }

    #[test]
    fn the_stamp_keeps_a_known_project_id() {
        assert_eq!(
            stamp(Some(&owner("wxA", Some("p2"))), &me(None)).project,
            Some("p2".into())
        );
        assert_eq!(stamp(None, &me(Some("p1"))).project, Some("p1".into()));
        assert!(stamp(None, &me(None)).project.is_some());
    }

    #[test]
    fn project_id_goes_after_the_leading_comments() {
        let text =
            "#:schema ../schema/project.schema.json\n# my project\n\n[account]\nappid = \"wx1\"\n";
        assert_eq!(
            leading_comments_end(text),
            text.find("[account]").unwrap_or(0)
        );
        assert_eq!(leading_comments_end("endpoint = \"sandbox\"\n"), 0);
    }
}
