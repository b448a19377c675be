//! `cardform schema`: print the JSON Schema (draft-07, see `config::schema`).
//!
//! The committed copies in schema/ are exactly this output; regenerate them with
//! `cargo run -- schema --kind cards > schema/cards.schema.json` (and `project`,
//! `all` → `cardform.schema.json`), or `CARDFORM_UPDATE_SCHEMA=1 cargo test --test
//! it validate_schema::`.

use std::io::Write as _;

use super::error::CommandError;
use crate::cli::{SchemaArgs, SchemaKind};
use crate::config;
use crate::exit::Outcome;

/// The schema document for `kind`, as printed (pretty JSON plus a final newline).
///
/// # Errors
/// Only if serialising JSON fails, which does not happen for these values.
pub fn render(kind: SchemaKind) -> Result<String, serde_json::Error> {
    let value = match kind {
        SchemaKind::All => config::combined_schema(),
        SchemaKind::Cards => config::card_file_schema(),
        SchemaKind::Project => config::project_schema(),
    };
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

pub fn run(args: &SchemaArgs) -> miette::Result<Outcome> {
    let text = render(args.kind).map_err(|e| CommandError::Render {
        what: "the schema",
        message: e.to_string(),
    })?;
    // A closed pipe (`cardform schema | head`) is not worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    Ok(Outcome::Success)
}
