//! `cardform rules`: print the update-rule table.

use crate::cli::{Format, RulesArgs};
use crate::exit::Outcome;
use cardform_spec::rules::UPDATE_RULES;

pub fn run(args: &RulesArgs) -> miette::Result<Outcome> {
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({ "format_version": "1", "rules": UPDATE_RULES });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| miette::miette!("{e}"))?
            );
        }
        Format::Markdown => {
            println!("| field | change | verified | source |");
            println!("|---|---|---|---|");
            for r in UPDATE_RULES {
                println!(
                    "| `{}` | {} | {} | {} |",
                    r.path,
                    r.class.as_str(),
                    if r.verified { "yes" } else { "UNVERIFIED" },
                    r.note
                );
            }
        }
        Format::Text => {
            let width = UPDATE_RULES.iter().map(|r| r.path.len()).max().unwrap_or(0);
            for r in UPDATE_RULES {
                let mark = if r.verified { ' ' } else { '?' };
                println!(
                    "{:width$}  {:10} {mark} {}",
                    r.path,
                    r.class.as_str(),
                    r.note
                );
            }
            println!();
            println!("? = UNVERIFIED in the reference; cardform assumes the costlier class.");
        }
    }
    Ok(Outcome::Success)
}
