//! `cardform fmt [--check] [DIR]`: the canonical layout of the card files
//! (`config::format`). `--check` changes nothing and exits 1 when a file would change.

use std::path::{Path, PathBuf};

use crate::cli::FmtArgs;
use crate::config::CARDS_DIR;
use crate::config::format::format_card_file;
use crate::exit::Outcome;
use crate::i18n::tr;

use super::error::CommandError;

pub fn run(args: &FmtArgs) -> miette::Result<Outcome> {
    let files = card_files(&args.dir)?;
    let mut unformatted = Vec::new();
    let mut failed = false;
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|source| CommandError::Read {
            path: file.clone(),
            source,
        })?;
        let formatted = match format_card_file(&text) {
            Ok(f) => f,
            Err(e) => {
                // The parser's message carries the line and column.
                eprintln!(
                    "{}\n{}",
                    tr!("val-fmt-not-toml", file = file.display()),
                    parse_error(&text, &e)
                );
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted.push(file);
        if args.check {
            println!("{}", file.display());
        } else {
            // A card file that is a link stays a link (its target is rewritten) and
            // keeps its permissions.
            crate::write_policy::rewrite_owned_file(file, formatted.as_bytes()).map_err(
                |source| CommandError::Write {
                    path: file.to_path_buf(),
                    source,
                },
            )?;
            println!("{}", tr!("val-fmt-formatted", file = file.display()));
        }
    }
    if failed {
        return Err(CommandError::Unformattable.into());
    }
    if args.check && !unformatted.is_empty() {
        eprintln!(
            "{}",
            tr!(
                "val-fmt-check-failed",
                n = unformatted.len(),
                dir = args.dir.display()
            )
        );
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Success)
}

/// The parser's error as it is in English (its own report, with the line and a caret);
/// in another language its position and its message in that language.
fn parse_error(text: &str, e: &toml_edit::TomlError) -> String {
    if crate::i18n::lang() == crate::i18n::Lang::En {
        return e.to_string();
    }
    let detail = crate::config::source::toml_detail(e.message().trim());
    match e.span() {
        Some(span) => {
            let (line, column) = crate::config::source::line_col(text, span.start);
            format!(
                "{}：{}",
                tr!("val-toml-at", line = line, column = column),
                tr!("val-toml-syntax", detail = detail)
            )
        }
        None => tr!("val-toml-syntax", detail = detail),
    }
}

/// The `*.toml` files of the project's cards/ folder, sorted.
fn card_files(dir: &Path) -> miette::Result<Vec<PathBuf>> {
    let cards = dir.join(CARDS_DIR);
    let entries = std::fs::read_dir(&cards).map_err(|source| CommandError::NoCardsFolder {
        path: cards.clone(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}
