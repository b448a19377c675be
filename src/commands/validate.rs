//! `cardform validate [DIR]`: load the project offline (schema + semantic rules) and
//! report every problem at once. Exit 0 when there are no errors, 1 otherwise.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use owo_colors::{OwoColorize, Stream};
use serde_json::json;

use super::error::CommandError;
use crate::cli::{Format, ValidateArgs};
use crate::config::{ConfigError, Diagnostic, PROJECT_FILE, Project, load_project};
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::model::derived_title;

pub fn run(args: &ValidateArgs) -> miette::Result<Outcome> {
    let dir = args.project.dir.as_path();
    if crate::platform::is_platform(dir) {
        return super::platform::validate(dir);
    }
    crate::i18n::for_dir(dir);
    if args.format == Format::Json {
        // JSON is data for machines: its messages stay English whatever the language.
        crate::i18n::set_lang(crate::i18n::Lang::En);
    }
    let result = load_project(dir);
    match args.format {
        Format::Json => print_json(dir, &result, args.verbose),
        Format::Text | Format::Markdown => print_text(result, args.verbose),
    }
}

fn print_text(result: Result<Project, ConfigError>, verbose: bool) -> miette::Result<Outcome> {
    let mut out = String::new();
    let outcome = text_report(&mut out, result, verbose);
    emit(&out);
    outcome
}

/// Writes the report in one go; a closed pipe (`cardform validate | head`) is not an
/// error worth a panic.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

fn text_report(
    out: &mut String,
    result: Result<Project, ConfigError>,
    verbose: bool,
) -> miette::Result<Outcome> {
    match result {
        Ok(project) => {
            for d in &project.warnings {
                let _ = writeln!(out, "{}", render(d));
            }
            if verbose {
                for card in project.cards.values() {
                    if let Some(title) = derived_title(&card.card) {
                        let _ = writeln!(
                            out,
                            "{}:{}: {}",
                            card.file.display(),
                            card.line,
                            tr!("val-derived-title", address = card.address, title = title)
                        );
                    }
                }
            }
            let n = project.cards.len();
            let w = project.warnings.len();
            let label = tr!("val-summary-ok-label");
            let label = label.if_supports_color(Stream::Stdout, |t| t.green());
            let summary = if w > 0 {
                tr!("val-summary-ok-warnings", cards = n, warnings = w)
            } else {
                tr!("val-summary-ok", cards = n)
            };
            let _ = writeln!(out, "{label}{summary}");
            Ok(Outcome::Success)
        }
        Err(ConfigError::Invalid { diagnostics }) => {
            for d in &diagnostics {
                let _ = writeln!(out, "{}", render(d));
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = diagnostics.len() - errors;
            let label = tr!("val-summary-invalid-label");
            let label = label.if_supports_color(Stream::Stdout, |t| t.red());
            let summary = tr!("val-summary-invalid", errors = errors, warnings = warnings);
            let _ = writeln!(out, "{label}{summary}");
            Ok(Outcome::Failed)
        }
        Err(other) => Err(other.into()),
    }
}

/// Exactly the Display form, so editors and CI annotators can parse
/// `file:line:col:`; warnings say `warning:` after the location.
fn render(d: &Diagnostic) -> String {
    d.to_string()
}

fn print_json(
    dir: &Path,
    result: &Result<Project, ConfigError>,
    verbose: bool,
) -> miette::Result<Outcome> {
    let (valid, diagnostics): (bool, Vec<Diagnostic>) = match result {
        Ok(p) => (true, p.warnings.clone()),
        Err(ConfigError::Invalid { diagnostics }) => (false, diagnostics.clone()),
        // Machines get JSON for every failure, not a human report.
        Err(other) => (
            false,
            vec![Diagnostic::error(dir.join(PROJECT_FILE), other.to_string())],
        ),
    };
    let mut doc = json!({
        "format_version": "1",
        "valid": valid,
        "diagnostics": diagnostics,
    });
    if verbose && let Ok(project) = result {
        let cards: Vec<_> = project
            .cards
            .values()
            .map(|c| {
                json!({
                    "address": c.address,
                    "file": c.file,
                    "line": c.line,
                    "card_type": c.card.card_type,
                    "friends": c.card.is_friends(),
                    "derived_title": derived_title(&c.card),
                })
            })
            .collect();
        doc["cards"] = json!(cards);
    }
    let text = serde_json::to_string_pretty(&doc).map_err(|e| CommandError::Render {
        what: "JSON",
        message: e.to_string(),
    })?;
    emit(&(text + "\n"));
    Ok(if valid {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
