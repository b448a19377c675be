//! Where a path really leads, for [`crate::write_policy`] (which decides what a command
//! may write): `..`, symbolic links (a link to the state is the state) and, for a file
//! that does not exist yet, its folder plus its name.

use std::path::{Component, Path, PathBuf};

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
