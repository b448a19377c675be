//! What the loader reports: one [`Diagnostic`] per problem, each with file:line:col,
//! and the [`ConfigError`] that carries all of them at once.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::i18n::tr;

/// How bad a problem is: errors make the project invalid, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a project, located in a file.
///
/// `line` and `column` are 1-based (columns count Unicode characters); 0 means the
/// problem concerns the whole file (e.g. it cannot be read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Relative to the project folder.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The card's address, when the problem is inside a `[cards.<address>]` table.
    pub address: Option<String>,
    /// Dotted field path inside the card (`base_info.date_info.end_timestamp`), or
    /// inside the file when there is no card.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            address: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let f = field.into();
        self.field = if f.is_empty() { None } else { Some(f) };
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order diagnostics are printed in: by file, then position, errors first.
    pub fn sort_key(&self) -> (&PathBuf, usize, usize, Severity, &str) {
        (
            &self.file,
            self.line,
            self.column,
            self.severity,
            &self.message,
        )
    }
}

/// `file:line:col: card <address>: <field>: <message> (<help>)`; warnings say
/// `warning:` after the location; parts that do not apply are left out.
impl fmt::Display for Diagnostic {
    /// One line; control characters from the files (an address, a file name) are
    /// shown as escapes, never sent raw to the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        self.write_line(&mut line)?;
        f.write_str(&crate::visible::visible(&line))
    }
}

impl Diagnostic {
    fn write_line(&self, f: &mut String) -> fmt::Result {
        use fmt::Write as _;
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        f.write_str(": ")?;
        if self.severity == Severity::Warning {
            f.write_str(&tr!("val-diag-warning"))?;
        }
        if let Some(a) = &self.address {
            f.write_str(&tr!("val-diag-card", address = a))?;
        }
        if let Some(field) = &self.field {
            f.write_str(&tr!("val-diag-field", field = field))?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            f.write_str(&tr!("val-diag-help", help = h))?;
        }
        Ok(())
    }
}

/// Why a project could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    /// The files have problems; every one of them is listed, warnings included.
    #[error("{}", tr!("val-config-invalid", errors = count_errors(diagnostics)))]
    #[diagnostic(code(cardform::config::invalid), help("{}", tr!("val-config-invalid-help")))]
    Invalid { diagnostics: Vec<Diagnostic> },

    /// The folder has no `cardform.toml`.
    #[error("{}", tr!("val-config-not-a-project", dir = dir.display()))]
    #[diagnostic(
        code(cardform::config::not_a_project),
        help("{}", tr!("val-config-not-a-project-help"))
    )]
    NotAProject { dir: PathBuf },

    /// The project folder (or its cards/ folder) could not be read.
    #[error("{}", tr!("val-config-io", path = path.display(), source = super::files::io_reason(source)))]
    #[diagnostic(code(cardform::config::io), help("{}", tr!("val-config-io-help")))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ConfigError {
    /// Every diagnostic this error carries (empty for the non-`Invalid` variants).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ConfigError::Invalid { diagnostics } => diagnostics,
            _ => &[],
        }
    }
}

fn count_errors(d: &[Diagnostic]) -> usize {
    d.iter().filter(|d| d.is_error()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_every_part() {
        let d = Diagnostic::error("cards/a.toml", "too long")
            .at(3, 14)
            .with_address("friend_cash")
            .with_field("base_info.notice")
            .with_help("shorten it");
        assert_eq!(
            d.to_string(),
            "cards/a.toml:3:14: card friend_cash: base_info.notice: too long (shorten it)"
        );
        let w = Diagnostic::warning("cards/a.toml", "replaced").at(1, 1);
        assert_eq!(w.to_string(), "cards/a.toml:1:1: warning: replaced");
        let whole = Diagnostic::error("cards/b.toml", "cannot read");
        assert_eq!(whole.to_string(), "cards/b.toml: cannot read");
    }

    /// Every way a project fails to load carries its own code and help, so the edge
    /// can show them as they are (`miette::Report::from`).
    #[test]
    fn every_config_error_has_a_code_and_help() {
        use miette::Diagnostic as _;
        let errors = [
            ConfigError::Invalid {
                diagnostics: vec![Diagnostic::error("cards/a.toml", "bad")],
            },
            ConfigError::NotAProject { dir: "x".into() },
            ConfigError::Io {
                path: "x".into(),
                source: std::io::Error::other("denied"),
            },
        ];
        for e in errors {
            let code = e.code().map(|c| c.to_string()).unwrap_or_default();
            assert!(code.starts_with("cardform::config::"), "{e}: {code}");
            assert!(e.help().is_some(), "{e}");
        }
        let report = miette::Report::from(ConfigError::NotAProject { dir: "x".into() });
        assert!(report.help().is_some());
    }
}
