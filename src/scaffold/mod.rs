//! `cardform init`: the files of a new project. Each template is a file beside this
//! one, compiled in; the example card is checked by the tests to validate, apply on the
//! sandbox and be `cardform fmt`-clean.

use std::path::{Path, PathBuf};

/// Which pipeline to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipeline {
    Github,
    Gitlab,
}

/// What `init` writes.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub sandbox: bool,
    pub appid: String,
    pub pipeline: Option<Pipeline>,
    /// `--platform --component-appid ID`: a third-party platform's folder instead.
    pub component_appid: Option<String>,
    /// The JSON Schemas for card files and cardform.toml (from the running binary).
    pub cards_schema: String,
    pub project_schema: String,
}

/// One file of the new project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Relative to the project folder.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Why the files cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InitError {
    #[error("{}", crate::i18n::tr!("val-init-bad-appid", appid = .0))]
    BadAppid(String),
}

fn file(path: &str, bytes: impl Into<Vec<u8>>) -> NewFile {
    NewFile {
        path: PathBuf::from(path),
        bytes: bytes.into(),
    }
}

/// The files of a new project.
///
/// # Errors
/// [`InitError::BadAppid`] when the AppID has characters an AppID never has (it is
/// written into cardform.toml as it is).
pub fn project_files(opts: &InitOptions) -> Result<Vec<NewFile>, InitError> {
    if let Some(component) = &opts.component_appid {
        return platform_files(opts, component);
    }
    let config = if opts.sandbox {
        include_str!("templates/cardform.sandbox.toml").to_string()
    } else {
        if opts.appid.is_empty() || !opts.appid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(InitError::BadAppid(opts.appid.clone()));
        }
        include_str!("templates/cardform.wechat.toml").replace("{appid}", &opts.appid)
    };
    let mut files = vec![
        file(crate::config::PROJECT_FILE, config),
        file("cards/example.toml", include_str!("templates/example.toml")),
        file(
            "assets/logo.jpg",
            include_bytes!("templates/logo.jpg").to_vec(),
        ),
        file("schema/cards.schema.json", opts.cards_schema.clone()),
        file("schema/project.schema.json", opts.project_schema.clone()),
        file(".gitignore", include_str!("templates/gitignore")),
        file(".taplo.toml", include_str!("templates/taplo.toml")),
    ];
    match opts.pipeline {
        Some(Pipeline::Github) => files.push(file(
            ".github/workflows/cardform.yml",
            include_str!("templates/github.yml"),
        )),
        Some(Pipeline::Gitlab) => {
            files.push(file(
                ".gitlab-ci.yml",
                include_str!("templates/gitlab-ci.yml"),
            ));
        }
        None => {}
    }
    Ok(files)
}

/// The files of a new third-party platform (docs/platform.md): the platform's
/// cardform.toml, an example template, the schemas, and a matrix pipeline over shards.
///
/// # Errors
/// [`InitError::BadAppid`] for a component AppID with characters an AppID never has.
pub fn platform_files(opts: &InitOptions, component: &str) -> Result<Vec<NewFile>, InitError> {
    if component.is_empty() || !component.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(InitError::BadAppid(component.to_string()));
    }
    let mut files = vec![
        file(
            crate::config::PROJECT_FILE,
            include_str!("templates/platform.toml").replace("{component_appid}", component),
        ),
        file(
            "templates/example.toml",
            include_str!("templates/platform-template.toml"),
        ),
        file("accounts/.gitkeep", ""),
        file("schema/cards.schema.json", opts.cards_schema.clone()),
        file(".gitignore", include_str!("templates/platform-gitignore")),
    ];
    match opts.pipeline {
        Some(Pipeline::Github) => files.push(file(
            ".github/workflows/cardform.yml",
            include_str!("templates/platform-github.yml"),
        )),
        Some(Pipeline::Gitlab) => files.push(file(
            ".gitlab-ci.yml",
            include_str!("templates/platform-gitlab-ci.yml"),
        )),
        None => {}
    }
    Ok(files)
}

/// The files of `files` that already exist under `dir` (init never overwrites one).
pub fn existing(dir: &Path, files: &[NewFile]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|f| dir.join(&f.path))
        .filter(|p| p.symlink_metadata().is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(sandbox: bool, appid: &str) -> InitOptions {
        InitOptions {
            sandbox,
            appid: appid.into(),
            pipeline: Some(Pipeline::Github),
            component_appid: None,
            cards_schema: "{}".into(),
            project_schema: "{}".into(),
        }
    }

    #[test]
    fn appid_goes_into_the_file_only_when_plain() {
        assert!(project_files(&opts(false, "wx1234567890abcdef")).is_ok());
        assert_eq!(
            project_files(&opts(false, "wx\"\nendpoint = \"http://evil")),
            Err(InitError::BadAppid("wx\"\nendpoint = \"http://evil".into()))
        );
        // The sandbox ignores it.
        assert!(project_files(&opts(true, "")).is_ok());
    }

    #[test]
    fn example_card_is_fmt_clean() {
        let src = include_str!("templates/example.toml");
        assert_eq!(
            crate::config::format::format_card_file(src).expect("formats"),
            src
        );
    }
}
