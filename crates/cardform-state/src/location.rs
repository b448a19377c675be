//! Where a state lives: the `state` setting of cardform.toml (a path or a
//! `postgres://` URL), which backend serves it, and how its URL is shown in messages.

use std::path::{Path, PathBuf};

use super::backend::StateBackend;
use super::error::StateError;
use super::local::LocalBackend;
use super::postgres::PostgresBackend;

/// The default state location inside a project folder.
pub const DEFAULT_STATE_PATH: &str = "state/cardform.state.json";

/// Whether a setting names a PostgreSQL server.
pub fn is_postgres_url(setting: &str) -> bool {
    let s = setting.trim();
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// Opens the backend named by `cardform.toml`'s `state` setting: a path (relative to
/// the project folder), a `postgres://host:port/db[?name=NAME&sslmode=…]` URL
/// (credentials from `PGUSER`/`PGPASSWORD`, never the file), or by default
/// [`DEFAULT_STATE_PATH`].
///
/// # Errors
/// [`StateError::Usage`] for a setting this build cannot serve or a URL carrying a
/// password; [`StateError::Backend`] when PostgreSQL cannot be reached.
pub fn open_backend(
    project_root: &Path,
    state_setting: Option<&str>,
) -> Result<Box<dyn StateBackend>, StateError> {
    match state_setting.map(str::trim) {
        Some(s) if is_postgres_url(s) => Ok(Box::new(PostgresBackend::open(s)?)),
        Some(s) if s.contains("://") => Err(StateError::Usage(cardform_i18n::tr!(
            "err-state-unknown-backend",
            state = redact_url(s)
        ))),
        other => match local_state_path(project_root, other) {
            Some(path) => Ok(Box::new(LocalBackend::new(path))),
            None => Err(StateError::Usage(cardform_i18n::tr!(
                "err-state-names-nothing"
            ))),
        },
    }
}

/// The snapshot path of a local state, as [`open_backend`] resolves it; `None` for a
/// PostgreSQL (or unknown) backend.
pub fn local_state_path(project_root: &Path, state_setting: Option<&str>) -> Option<PathBuf> {
    match state_setting.map(str::trim) {
        None | Some("") => Some(project_root.join(DEFAULT_STATE_PATH)),
        Some(s) if s.contains("://") => None,
        Some(s) => {
            let p = PathBuf::from(s);
            Some(if p.is_absolute() {
                p
            } else {
                project_root.join(p)
            })
        }
    }
}

/// Drops any `user:password@` part of a URL for messages.
pub fn redact_url(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let head = match (head.find("://"), head.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://{}", &head[..scheme], &head[at + 1..])
        }
        _ => head.to_string(),
    };
    match query {
        None => head,
        // libpq also takes `password=` (and `sslpassword=`) as a parameter.
        Some(q) => {
            let kept: Vec<String> = q
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _))
                        if k.eq_ignore_ascii_case("password")
                            || k.eq_ignore_ascii_case("sslpassword") =>
                    {
                        format!("{k}=REDACTED")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            format!("{head}?{}", kept.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(
            redact_url("postgres://bob:hunter2@db:5432/x"),
            "postgres://db:5432/x"
        );
        assert_eq!(redact_url("postgres://db/x"), "postgres://db/x");
        assert_eq!(
            redact_url("postgres://db/x?sslmode=verify-full&password=hunter2"),
            "postgres://db/x?sslmode=verify-full&password=REDACTED"
        );
        // An `@` in a parameter (a path) is not taken for credentials.
        assert_eq!(
            redact_url("postgres://bob:pw@db/x?sslrootcert=/ca@home.pem"),
            "postgres://db/x?sslrootcert=/ca@home.pem"
        );
    }

    #[test]
    fn default_and_relative_paths() {
        let b = open_backend(Path::new("/p"), None).expect("default");
        assert_eq!(b.describe(), "/p/state/cardform.state.json");
        let b = open_backend(Path::new("/p"), Some("elsewhere/s.json")).expect("relative");
        assert_eq!(b.describe(), "/p/elsewhere/s.json");
        assert!(open_backend(Path::new("/p"), Some("s3://bucket/x")).is_err());
    }
}
