//! `cardform fmt [--check] [DIR]`: the canonical layout of the card files
//! (`config::format`). `--check` changes nothing and exits 1 when a file would change.

use std::path::{Path, PathBuf};

use crate::cli::FmtArgs;
use crate::config::CARDS_DIR;
use crate::config::format::format_card_file;
use crate::exit::Outcome;

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
                eprintln!("{}: not valid TOML, left as it is:\n{e}", file.display());
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
            println!("formatted {}", file.display());
        }
    }
    if failed {
        return Err(CommandError::Unformattable.into());
    }
    if args.check && !unformatted.is_empty() {
        eprintln!(
            "{} file{} not formatted; run `cardform fmt {}`",
            unformatted.len(),
            if unformatted.len() == 1 {
                " is"
            } else {
                "s are"
            },
            args.dir.display()
        );
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Success)
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
