//! Where output goes: colour only on a terminal without NO_COLOR, progress bars only
//! on a terminal stderr, JSON never mixed with human text on stdout.

use std::io::IsTerminal;

use super::error::CommandError;

/// Colour on stdout?
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Prints a JSON document on stdout, written as it is serialised (a 10,000-card plan
/// is ~20 MB of JSON; it is never held as a whole in memory).
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> miette::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| CommandError::Json(e.into()))?;
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(|e| CommandError::Json(e).into())
}

/// Writes `bytes` to `path` through a temporary file beside it, so a crash leaves the
/// old file or the new one, never half of one (card files, previews, review pages).
///
/// # Errors
/// A message naming the file when it cannot be written.
pub fn write_file_atomic(path: &std::path::Path, bytes: &[u8]) -> miette::Result<()> {
    use std::io::Write;
    let err = |source: std::io::Error| CommandError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    // A temporary file is private (0600); the result keeps the permissions of the file
    // it replaces, or gets a normal file's.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        #[cfg(unix)]
        Err(_) => Some(std::os::unix::fs::PermissionsExt::from_mode(0o644)),
        #[cfg(not(unix))]
        Err(_) => None,
    };
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
