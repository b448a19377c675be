//! The files cardform must never write over, whatever path a command is given: the
//! state, its backup, journal and lock, `cardform.toml` and the card files. Every
//! command that writes a path from the command line (`plan --out`, `state pull --out`)
//! asks [`refuse_protected_output`] first.
//!
//! Paths are compared after resolving them: `..`, symbolic links (a link to the state
//! is the state) and, for a file that does not exist yet, its folder plus its name.

use std::path::{Component, Path, PathBuf};

use super::loader::{CARDS_DIR, PROJECT_FILE};

/// A command was asked to write over one of the project's own files.
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to write {given}: it is {what} ({}). Writing there would destroy it; choose another path, e.g. plan.json outside state/ and cards/",
    resolved.display()
)]
pub struct ProtectedPath {
    pub given: String,
    pub what: &'static str,
    pub resolved: PathBuf,
}

/// Where `path` would really be written: the file a link points to (followed to the
/// end, even when it does not exist yet), with `..` and links in its folders resolved.
pub fn resolve_for_write(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        if let Ok(c) = std::fs::canonicalize(&current) {
            return c;
        }
        match std::fs::read_link(&current) {
            // A dangling link: writing through it creates its target.
            Ok(target) => {
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Err(_) => break,
        }
    }
    // Not there yet: its folder, resolved the same way, plus its name.
    let parent = current
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if parent == current {
        return current; // "." that cannot be resolved (its folder is gone)
    }
    match current.components().next_back() {
        Some(Component::ParentDir) => {
            let p = resolve_for_write(parent);
            p.parent().map(Path::to_path_buf).unwrap_or(p)
        }
        Some(Component::Normal(name)) => resolve_for_write(parent).join(name),
        Some(Component::CurDir) => resolve_for_write(parent),
        _ => current,
    }
}

/// The project's own files, each with what it is (for the message). `state_setting`
/// is cardform.toml's `state`.
pub fn protected_files(root: &Path, state_setting: Option<&str>) -> Vec<(PathBuf, &'static str)> {
    let mut out = vec![(root.join(PROJECT_FILE), "the project file cardform.toml")];
    if let Some(state) = cardform_state::local_state_path(root, state_setting) {
        let b = cardform_state::LocalBackend::new(state);
        let names = [
            "the state file",
            "the state's backup",
            "the state's journal",
            "the state's lock",
            "the state's lock holder record",
        ];
        out.extend(b.own_files().into_iter().zip(names));
    }
    out
}

/// Refuses `out` when it resolves to one of the project's own files or to anything
/// under `cards/`.
///
/// # Errors
/// [`ProtectedPath`] naming the file and what it is.
pub fn refuse_protected_output(
    root: &Path,
    state_setting: Option<&str>,
    out: &Path,
) -> Result<(), ProtectedPath> {
    let target = resolve_for_write(out);
    let refuse = |what: &'static str| ProtectedPath {
        given: out.display().to_string(),
        what,
        resolved: target.clone(),
    };
    for (file, what) in protected_files(root, state_setting) {
        if resolve_for_write(&file) == target {
            return Err(refuse(what));
        }
    }
    let cards = resolve_for_write(&root.join(CARDS_DIR));
    if target.starts_with(&cards) {
        return Err(refuse("in the cards/ folder, which holds the card files"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_not_yet_there_resolves_through_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir_all(root.join("state")).expect("state dir");
        assert_eq!(
            resolve_for_write(&root.join("cards/../state/new.json")),
            root.join("state/new.json")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_resolves_to_what_it_would_create() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        std::os::unix::fs::symlink("target.json", root.join("link.json")).expect("link");
        assert_eq!(
            resolve_for_write(&root.join("link.json")),
            root.join("target.json")
        );
    }
}
