//! What an update's answer says about the update-rule table: the record kept in the
//! state (`update_answers`) and the warning when WeChat's `send_check` contradicts a
//! row. The review column is partly UNVERIFIED (reference §4.2), so real answers are
//! the evidence that settles it (`cardform rules --evidence`).

use cardform_spec::rules::{Verdict, judge};

/// The warning for an answer that contradicts the table, naming the rows to fix;
/// `None` when every row agrees.
pub fn disagreement(address: &str, fields: &[String], send_check: bool) -> Option<String> {
    let wrong: Vec<String> = judge(fields.iter().map(String::as_str), send_check)
        .into_iter()
        .filter(|(_, v)| *v == Verdict::Disagrees)
        .map(|(r, _)| format!("`{}` ({}, {})", r.path, r.class.as_str(), r.basis.as_str()))
        .collect();
    if wrong.is_empty() {
        return None;
    }
    let what = if send_check {
        "sent the card back to review (send_check=true), which no row predicted"
    } else {
        "did not send the card back to review (send_check=false)"
    };
    Some(format!(
        "{address}: WeChat {what} for the fields {}; the update-rule table disagrees at {} in crates/cardform-spec/src/rules.rs — fix that row (or report it), and see `cardform rules --evidence`",
        fields.join(", "),
        wrong.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_row_to_fix() {
        let fields = vec![
            "base_info.notice".to_string(),
            "base_info.service_phone".to_string(),
        ];
        let msg = disagreement("cards.a", &fields, false).unwrap_or_default();
        assert!(msg.contains("`base_info.notice` (re-review, doc)"), "{msg}");
        assert!(!msg.contains("`base_info.service_phone`"), "{msg}");
        assert_eq!(disagreement("cards.a", &fields, true), None);
        let quiet = vec!["base_info.center_title".to_string()];
        let msg = disagreement("cards.a", &quiet, true).unwrap_or_default();
        assert!(
            msg.contains("`base_info.center_title` (in place, doc)"),
            "{msg}"
        );
    }
}
