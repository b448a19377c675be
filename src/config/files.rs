//! Finding and reading a project's files: `cards/*.toml` (a `cards/` that cannot be
//! listed is an error, never "no cards"), each read as UTF-8 text within the size limit.

use super::diagnostic::{ConfigError, Diagnostic};
use super::loader::CARDS_DIR;
use super::source;
use super::source::MAX_FILE_BYTES;
use crate::i18n::tr;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Lists `cards/*.toml`. A `cards/` that exists but cannot be listed (a dangling
/// symbolic link, a link loop, a regular file) is an error, never "no cards": a plan
/// from it would delete every card the state manages. Only a `cards/` that is truly
/// absent is a warning. A `*.toml` entry that is not a folder is always listed, so a
/// broken link or an unreadable file is reported by [`read_text`], never skipped.
pub(super) fn list_card_files(
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<PathBuf>, ConfigError> {
    let cards_dir = dir.join(CARDS_DIR);
    match fs::symlink_metadata(&cards_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(
                Diagnostic::warning(CARDS_DIR, tr!("val-no-cards-folder"))
                    .with_help(tr!("val-no-cards-folder-help")),
            );
            return Ok(Vec::new());
        }
        Err(e) => {
            diags.push(unreadable_cards_dir(&cards_dir, &io_reason(&e)));
            return Ok(Vec::new());
        }
        Ok(_) => {}
    }
    match fs::metadata(&cards_dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            diags.push(unreadable_cards_dir(
                &cards_dir,
                &tr!("val-cards-not-a-folder"),
            ));
            return Ok(Vec::new());
        }
        Err(e) => {
            let what = match fs::read_link(&cards_dir) {
                Ok(target) => tr!(
                    "val-cards-dangling-link",
                    target = target.display(),
                    error = io_reason(&e)
                ),
                Err(_) => io_reason(&e),
            };
            diags.push(unreadable_cards_dir(&cards_dir, &what));
            return Ok(Vec::new());
        }
    }
    let entries = fs::read_dir(&cards_dir).map_err(|source| ConfigError::Io {
        path: cards_dir.clone(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ConfigError::Io {
            path: cards_dir.clone(),
            source,
        })?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            diags.push(
                Diagnostic::warning(
                    Path::new(CARDS_DIR).join(&name),
                    tr!("val-file-name-not-utf8"),
                )
                .with_help(tr!("val-file-name-not-utf8-help")),
            );
            continue;
        };
        if name.ends_with(".toml") && !name.starts_with('.') && !entry.path().is_dir() {
            files.push(Path::new(CARDS_DIR).join(name));
        }
    }
    files.sort();
    Ok(files)
}

/// `cards/` exists but cannot be read as a folder of card files.
fn unreadable_cards_dir(path: &Path, what: &str) -> Diagnostic {
    Diagnostic::error(
        CARDS_DIR,
        tr!("val-cards-unreadable", path = path.display(), what = what),
    )
    .with_help(tr!("val-cards-unreadable-help"))
}

/// Reads a file as UTF-8 text; a problem becomes a diagnostic.
pub(super) fn read_text(dir: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let path = dir.join(rel);
    let read = || -> std::io::Result<Vec<u8>> {
        // Only regular files: opening a FIFO or a device could block or never end.
        if !fs::metadata(&path)?.is_file() {
            return Err(std::io::Error::other(tr!("val-not-a-regular-file")));
        }
        let file = fs::File::open(&path)?;
        let mut buf = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
        Ok(buf)
    };
    match read() {
        Ok(bytes) => decode_checked(rel, bytes, diags),
        Err(e) => {
            let message = match fs::read_link(&path) {
                Ok(target) => tr!(
                    "val-file-dangling-link",
                    target = target.display(),
                    error = io_reason(&e)
                ),
                Err(_) => tr!("val-file-unreadable", error = io_reason(&e)),
            };
            diags.push(Diagnostic::error(rel, message).with_help(tr!("val-file-unreadable-help")));
            None
        }
    }
}

pub(super) fn decode_checked(
    rel: &Path,
    bytes: Vec<u8>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        diags.push(
            Diagnostic::error(rel, tr!("val-file-too-large", mib = MAX_FILE_BYTES >> 20))
                .with_help(tr!("val-file-too-large-help")),
        );
        return None;
    }
    match source::decode(rel, bytes) {
        Ok(text) => Some(text),
        Err(d) => {
            diags.push(*d);
            None
        }
    }
}

/// Why a file could not be read, in the process language: the system's own words in
/// English (as before), a sentence for the common kinds in another language (the
/// system's words otherwise).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    if crate::i18n::lang() == crate::i18n::Lang::En {
        return e.to_string();
    }
    let id = match e.kind() {
        ErrorKind::NotFound => "val-io-not-found",
        ErrorKind::PermissionDenied => "val-io-permission-denied",
        ErrorKind::IsADirectory => "val-io-is-a-directory",
        ErrorKind::NotADirectory => "val-io-not-a-directory",
        ErrorKind::InvalidData => "val-io-invalid-data",
        _ => return e.to_string(),
    };
    tr!(id)
}
