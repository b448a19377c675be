//! cardform speaks the user's language: every message comes from the Fluent files of
//! the `cardform-i18n` crate (one per area and language, with the glossary beside
//! them: `crates/cardform-i18n/`). This module is the product's side: which language
//! the user chose, and when the process starts speaking it.
//!
//! The choice, first that applies: `--lang` (any command), `CARDFORM_LANG`, the
//! project's `[output] lang` (from the moment the project's cardform.toml is read), else
//! English. Messages said before the project is read (a usage error, a missing
//! folder) follow the flag and the variable only.

use std::sync::OnceLock;

pub use cardform_i18n::{Arg, Lang, Messages, ToArg, lang, set_lang, t, t_args, tr};

/// The language named on the command line or in `CARDFORM_LANG`, if any.
static CHOSEN: OnceLock<Option<Lang>> = OnceLock::new();

/// Records the user's explicit choice (flag or environment) and speaks it from now on.
pub fn choose(explicit: Option<Lang>) {
    let _ = CHOSEN.set(explicit);
    set_lang(explicit.unwrap_or_default());
}

/// The explicit choice (`--lang`, `CARDFORM_LANG`), if any.
pub fn chosen() -> Option<Lang> {
    CHOSEN.get().copied().flatten()
}

/// The language of a project's output: the explicit choice, else the project's
/// `[output] lang`, else English. The process speaks it from now on.
pub fn for_project(configured: Option<Lang>) -> Lang {
    let lang = chosen().or(configured).unwrap_or_default();
    set_lang(lang);
    lang
}

/// As [`for_project`], for a project folder not yet loaded: reads only `[output] lang`
/// of its cardform.toml (nothing else; a file that does not parse says nothing), so the
/// problems found while loading it are said in the project's language.
pub fn for_dir(dir: &std::path::Path) -> Lang {
    let configured = std::fs::read_to_string(dir.join(crate::config::PROJECT_FILE))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| {
            table
                .get("output")?
                .get("lang")?
                .as_str()
                .and_then(Lang::from_tag)
        });
    for_project(configured)
}

/// A rendered diagnostic with miette's own English word ("help:") said in the process
/// language; the message and the help themselves are already in it.
pub fn diagnostic_labels(rendered: &str) -> String {
    if lang() == Lang::En {
        return rendered.to_string();
    }
    let help = t("label-help");
    rendered
        .lines()
        .map(|line| {
            let body = line.trim_start();
            match body.strip_prefix("help: ") {
                Some(rest) => format!("{}{help}：{rest}", &line[..line.len() - body.len()]),
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
