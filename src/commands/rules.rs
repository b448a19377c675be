//! `cardform rules`: print the update-rule table; `--evidence` adds, per row, how many
//! of WeChat's recorded answers (the state's `update_answers`) agreed or disagreed.

use std::collections::BTreeMap;

use super::error::CommandError;
use crate::cli::{Format, RulesArgs};
use crate::exit::Outcome;
use crate::state::UpdateAnswer;
use cardform_spec::rules::{UPDATE_RULES, Verdict, judge};

/// (agreed, disagreed) per rule row path.
fn tally(answers: &[UpdateAnswer]) -> BTreeMap<&'static str, (u64, u64)> {
    let mut counts: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
    for a in answers {
        for (rule, verdict) in judge(a.fields.iter().map(String::as_str), a.send_check) {
            let slot = counts.entry(rule.path).or_default();
            match verdict {
                Verdict::Agrees => slot.0 += 1,
                Verdict::Disagrees => slot.1 += 1,
            }
        }
    }
    counts
}

pub fn run(args: &RulesArgs) -> miette::Result<Outcome> {
    let evidence = if args.evidence {
        let (state, _) = super::state::load_existing(&args.dir)?;
        Some((tally(&state.update_answers), state.update_answers.len()))
    } else {
        None
    };
    let counts = |path: &str| {
        evidence
            .as_ref()
            .and_then(|(t, _)| t.get(path).copied())
            .unwrap_or((0, 0))
    };
    match args.format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = UPDATE_RULES
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    if evidence.is_some()
                        && let Some(obj) = v.as_object_mut()
                    {
                        let (agreed, disagreed) = counts(r.path);
                        obj.insert(
                            "evidence".into(),
                            serde_json::json!({ "agreed": agreed, "disagreed": disagreed }),
                        );
                    }
                    v
                })
                .collect();
            let mut doc = serde_json::json!({ "format_version": "1", "rules": rows });
            if let (Some((_, n)), Some(obj)) = (&evidence, doc.as_object_mut()) {
                obj.insert("answers".into(), serde_json::json!(n));
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| CommandError::Render {
                    what: "JSON",
                    message: e.to_string(),
                })?
            );
        }
        Format::Markdown => {
            if evidence.is_some() {
                println!("| field | change | basis | agreed | disagreed | source |");
                println!("|---|---|---|---|---|---|");
            } else {
                println!("| field | change | verified | source |");
                println!("|---|---|---|---|");
            }
            for r in UPDATE_RULES {
                if evidence.is_some() {
                    let (agreed, disagreed) = counts(r.path);
                    println!(
                        "| `{}` | {} | {} | {agreed} | {disagreed} | {} |",
                        r.path,
                        r.class.as_str(),
                        r.basis.as_str(),
                        r.note
                    );
                } else {
                    println!(
                        "| `{}` | {} | {} | {} |",
                        r.path,
                        r.class.as_str(),
                        if r.verified { "yes" } else { "UNVERIFIED" },
                        r.note
                    );
                }
            }
        }
        Format::Text => {
            let width = UPDATE_RULES.iter().map(|r| r.path.len()).max().unwrap_or(0);
            for r in UPDATE_RULES {
                let mark = if r.verified { ' ' } else { '?' };
                if evidence.is_some() {
                    let (agreed, disagreed) = counts(r.path);
                    let flag = if disagreed > 0 {
                        "  ← fix this row"
                    } else {
                        ""
                    };
                    println!(
                        "{:width$}  {:10} {:10} agreed {agreed:>3}  disagreed {disagreed:>3}{flag}",
                        r.path,
                        r.class.as_str(),
                        r.basis.as_str(),
                    );
                } else {
                    println!(
                        "{:width$}  {:10} {mark} {}",
                        r.path,
                        r.class.as_str(),
                        r.note
                    );
                }
            }
            println!();
            match &evidence {
                Some((_, n)) => println!(
                    "{n} recorded card/update answer(s) weighed; a row an answer contradicts is the one to fix in crates/cardform-spec/src/rules.rs."
                ),
                None => println!(
                    "? = UNVERIFIED in the reference; cardform assumes the costlier class."
                ),
            }
        }
    }
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(fields: &[&str], send_check: bool) -> UpdateAnswer {
        UpdateAnswer {
            op_id: uuid::Uuid::new_v4(),
            address: "cards.a".into(),
            card_id: "p1".into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            predicted_review: true,
            send_check,
            at: 1,
        }
    }

    #[test]
    fn answers_are_counted_per_row() {
        let t = tally(&[
            answer(&["base_info.notice"], true),
            answer(&["base_info.notice", "base_info.service_phone"], false),
        ]);
        assert_eq!(t.get("base_info.notice"), Some(&(1, 1)));
        assert_eq!(t.get("base_info.service_phone"), Some(&(1, 0)));
        assert_eq!(t.get("base_info.color"), None);
    }
}
