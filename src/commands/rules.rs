//! `cardform rules`: print the update-rule table; `--evidence` adds, per row, how many
//! of WeChat's recorded answers (the state's `update_answers`) agreed or disagreed.

use std::collections::BTreeMap;

use super::error::CommandError;
use crate::cli::{Format, RulesArgs};
use crate::exit::Outcome;
use crate::i18n::{Messages, tr};
use crate::operate::{class_words, columns, pad_end};
use crate::state::UpdateAnswer;
use cardform_spec::rules::{Basis, UPDATE_RULES, Verdict, judge};

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

/// A basis in words (`doc`, `sample`, `UNVERIFIED`; 文档…).
fn basis_words(basis: Basis) -> String {
    tr!(match basis {
        Basis::Doc => "op-rules-basis-doc",
        Basis::Sample => "op-rules-basis-sample",
        Basis::Unverified => "op-rules-basis-unverified",
    })
}

/// The messages of the rows' notes: (the note as the table says it, its message).
/// A note that is only a section (`§4.2`) has no words to translate.
const NOTES: &[(&str, &str)] = &[
    (
        "§4.4: no API changes the type; the wrapper key must match",
        "op-rules-note-type",
    ),
    (
        "§4.2: coupons Yes (TY, PHPW); member-card page says No",
        "op-rules-note-coupons-yes",
    ),
    (
        "§4.4: immutable; sending it fails the update with 47001",
        "op-rules-note-immutable",
    ),
    (
        "§4.4: not on the coupon update list; friends CASH/GIFT titles are derived",
        "op-rules-note-title",
    ),
    ("§4.4: not on any update list", "op-rules-note-no-list"),
    (
        "§4.4, §6.2: card/modifystock with a delta",
        "op-rules-note-stock",
    ),
    (
        "§4.3: only FIX_TIME_RANGE timestamps can change",
        "op-rules-note-date-type",
    ),
    ("§4.3: new begin ≤ old begin", "op-rules-note-begin"),
    (
        "§4.3: new end ≥ old end; friends coupons at most 3 months more",
        "op-rules-note-end",
    ),
    (
        "§4.3: fixed_term is not modifiable",
        "op-rules-note-fixed-term",
    ),
    (
        "§4.2: not on the 2016 coupon table; member-card page says No",
        "op-rules-note-all-locations",
    ),
    (
        "§4.2: UNVERIFIED, assumed to trigger review",
        "op-rules-note-assumed-review",
    ),
    (
        "§4.2: review UNVERIFIED, assumed; that card/update takes it: recorded pgy_update_cash.request.json",
        "op-rules-note-app-brand",
    ),
    (
        "§4.4: not on the friends update list",
        "op-rules-note-friends-list",
    ),
    (
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
        "op-rules-note-friends-page",
    ),
    (
        "§4.4: type amounts are not updatable",
        "op-rules-note-amounts",
    ),
    (
        "§16: no source says card/update takes it; the costlier class (UNVERIFIED)",
        "op-rules-note-sub-merchant",
    ),
    ("cardform's own setting", "op-rules-note-local"),
];

/// A row's note in the process language (as the table says it when it has no message).
fn note(text: &str) -> String {
    match NOTES.iter().find(|(note, _)| *note == text) {
        Some((_, id)) => tr!(id),
        None => text.to_string(),
    }
}

pub fn run(args: &RulesArgs) -> miette::Result<Outcome> {
    // The project's `[output] lang` from the first sentence (a refusal before the
    // project is loaded included).
    crate::i18n::for_dir(&args.dir);
    let m = Messages::process();
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
                println!("{}", tr!("op-rules-md-head-evidence"));
                println!("|---|---|---|---|---|---|");
            } else {
                println!("{}", tr!("op-rules-md-head"));
                println!("|---|---|---|---|");
            }
            for r in UPDATE_RULES {
                if evidence.is_some() {
                    let (agreed, disagreed) = counts(r.path);
                    println!(
                        "| `{}` | {} | {} | {agreed} | {disagreed} | {} |",
                        r.path,
                        class_words(m, r.class),
                        basis_words(r.basis),
                        note(r.note)
                    );
                } else {
                    println!(
                        "| `{}` | {} | {} | {} |",
                        r.path,
                        class_words(m, r.class),
                        if r.verified {
                            tr!("op-rules-yes")
                        } else {
                            tr!("op-rules-unverified")
                        },
                        note(r.note)
                    );
                }
            }
        }
        Format::Text => {
            let width = UPDATE_RULES.iter().map(|r| r.path.len()).max().unwrap_or(0);
            // The words' columns as wide as the widest (10 in English), by terminal columns.
            let class_width = UPDATE_RULES
                .iter()
                .map(|r| columns(&class_words(m, r.class)))
                .max()
                .unwrap_or(0)
                .max(10);
            let (agreed_word, disagreed_word) = (tr!("op-rules-agreed"), tr!("op-rules-disagreed"));
            for r in UPDATE_RULES {
                let mark = if r.verified { ' ' } else { '?' };
                if evidence.is_some() {
                    let (agreed, disagreed) = counts(r.path);
                    let flag = if disagreed > 0 {
                        format!("  {}", tr!("op-rules-fix-row"))
                    } else {
                        String::new()
                    };
                    println!(
                        "{:width$}  {} {} {agreed_word} {agreed:>3}  {disagreed_word} {disagreed:>3}{flag}",
                        r.path,
                        pad_end(&class_words(m, r.class), class_width),
                        pad_end(&basis_words(r.basis), 10),
                    );
                } else {
                    println!(
                        "{:width$}  {} {mark} {}",
                        r.path,
                        pad_end(&class_words(m, r.class), class_width),
                        note(r.note)
                    );
                }
            }
            println!();
            match &evidence {
                Some((_, n)) => println!("{}", tr!("op-rules-evidence-footer", count = *n)),
                None => println!("{}", tr!("op-rules-footer")),
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
    fn every_note_with_words_has_its_message_and_says_it_in_english() {
        let en = Messages::new(crate::i18n::Lang::En);
        for r in UPDATE_RULES {
            let words = r.note.trim_start_matches(|c: char| {
                c == '§' || c == '.' || c == ',' || c == ' ' || c.is_ascii_digit()
            });
            if words.is_empty() {
                continue;
            }
            let id = NOTES
                .iter()
                .find(|(note, _)| *note == r.note)
                .map(|(_, id)| *id);
            assert!(
                id.is_some(),
                "{}: the note {:?} has no message in NOTES (add one to operate.ftl)",
                r.path,
                r.note
            );
            assert_eq!(en.t(id.unwrap_or_default()), r.note);
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
