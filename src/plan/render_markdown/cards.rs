//! One `<details>` block per card: the summary in words, the diff in a fence no value
//! can close, cut at a line boundary when the budget runs out.

use crate::i18n::Messages;
use crate::live::ReviewStatus;
use cardform_spec::rules::UpdateClass;
use serde_json::Value;

use super::symbol;
use crate::model::pending::shown_in;
use crate::plan::diff::FieldChange;
use crate::plan::render_text::show_at;
use crate::plan::types::{Action, ResourceChange};
use std::fmt::Write as _;

/// One card's `<details>` block: a summary line, then a diff body.
pub(super) struct CardBlock {
    summary: String,
    body: Vec<String>,
}

impl CardBlock {
    pub(super) fn new(m: &Messages, rc: &ResourceChange, refresh_only: bool) -> CardBlock {
        let summary = format!(
            "<details><summary>{} <code>{}</code> {}</summary>\n\n",
            symbol(rc),
            html(&rc.address),
            html(&what_happens(m, rc, refresh_only))
        );
        CardBlock {
            summary,
            body: body(m, rc, refresh_only),
        }
    }

    /// The whole block if it fits in `room` characters; else its first lines and a
    /// note; `None` when not even that fits.
    pub(super) fn render_within(&self, m: &Messages, room: usize) -> Option<String> {
        let fence = fence_for(&self.body);
        let open = format!("{}{fence}diff\n", self.summary);
        let close = format!("{fence}\n</details>\n\n");
        let fixed = open.chars().count() + close.chars().count();
        let body_chars: usize = self.body.iter().map(|l| l.chars().count() + 1).sum();
        if fixed + body_chars <= room {
            let mut s = open;
            for l in &self.body {
                s.push_str(l);
                s.push('\n');
            }
            s.push_str(&close);
            return Some(s);
        }
        // Cut at a line boundary; the note stays inside the fence, as a diff comment.
        const NOTE_ROOM: usize = 120;
        let mut left = room.checked_sub(fixed + NOTE_ROOM)?;
        let mut s = open;
        let mut kept = 0usize;
        for l in &self.body {
            let n = l.chars().count() + 1;
            if n > left {
                break;
            }
            s.push_str(l);
            s.push('\n');
            left -= n;
            kept += 1;
        }
        if kept == 0 {
            return None;
        }
        let _ = writeln!(
            s,
            "# … {}",
            m.t_args(
                "md-lines-not-shown",
                &[("count", (self.body.len() - kept).into())]
            )
        );
        s.push_str(&close);
        Some(s)
    }
}

/// The block's summary: what happens to the card, in words.
fn what_happens(m: &Messages, rc: &ResourceChange, refresh_only: bool) -> String {
    let id = rc
        .card_id
        .as_deref()
        .map(|id| format!(" · {id}"))
        .unwrap_or_default();
    let capped = |paths: Vec<&str>| {
        let n = paths.len();
        let mut shown: Vec<&str> = paths.into_iter().take(3).collect();
        if n > 3 {
            shown.push("…");
        }
        shown.join(", ")
    };
    if refresh_only || rc.action == Action::NoOp {
        let paths = capped(rc.drift.iter().map(|f| f.path.as_str()).collect());
        return format!(
            "{}{id}",
            m.t_args("md-what-drift", &[("fields", paths.into())])
        );
    }
    let changed = || {
        capped(
            rc.changes
                .iter()
                .filter(|f| f.class != UpdateClass::Local)
                .map(|f| f.path.as_str())
                .collect(),
        )
    };
    let with =
        |msg: &str, fields: String| format!("{}{id}", m.t_args(msg, &[("fields", fields.into())]));
    match rc.action {
        Action::Create => m.t("md-what-create"),
        Action::Update => with("md-what-update", changed()),
        Action::UpdateReview => with(
            "md-what-review",
            capped(rc.review_reasons().map(|f| f.path.as_str()).collect()),
        ),
        Action::Replace => with(
            "md-what-replace",
            capped(rc.replace_reasons().map(|f| f.path.as_str()).collect()),
        ),
        Action::Delete => format!("{}{id}", m.t("md-what-delete")),
        Action::Stock => {
            let (msg, s) = match &rc.stock {
                Some(s) if s.coin_purchase => ("md-what-stock-coin", Some(s)),
                Some(s) => ("md-what-stock", Some(s)),
                None => ("md-what-stock-change", None),
            };
            let args = s.map(|s| {
                let price = s
                    .price
                    .map(|p| m.t_args("md-points-colon", &[("points", p.price.to_string().into())]))
                    .unwrap_or_default();
                [
                    ("from", s.from.to_string().into()),
                    ("to", s.to.to_string().into()),
                    ("delta", format!("{:+}", s.delta).into()),
                    ("price", price.into()),
                ]
            });
            format!(
                "{}{id}",
                m.t_args(msg, args.as_ref().map_or(&[], |a| &a[..]))
            )
        }
        Action::NoOp => String::new(),
    }
}

/// The diff lines of one card (without the fence).
fn body(m: &Messages, rc: &ResourceChange, refresh_only: bool) -> Vec<String> {
    let mut b = Vec::new();
    for note in &rc.notes {
        b.push(format!("# {}", crate::plan::render_text::note_in(m, note)));
    }
    if let Some(status) = &rc.review_status
        && matches!(status, ReviewStatus::NotVerify | ReviewStatus::VerifyFail)
    {
        b.push(format!(
            "# {}",
            m.t_args(
                "md-now",
                &[(
                    "status",
                    crate::plan::render_text::review_status_in(m, status).into()
                )]
            )
        ));
    }
    for d in &rc.drift {
        if d.rule == crate::plan::note::DELETED_OUTSIDE {
            b.push(format!("! {}", m.t("text-deleted-outside")));
            continue;
        }
        b.push(format!(
            "! {} = {} -> {}  # {}",
            d.path,
            d.before
                .as_ref()
                .map(|v| show_at(m, &d.path, v))
                .unwrap_or_else(|| m.t("value-absent")),
            d.after
                .as_ref()
                .map(|v| show_at(m, &d.path, v))
                .unwrap_or_else(|| m.t("value-absent")),
            m.t("md-changed-outside")
        ));
    }
    if refresh_only {
        return b;
    }
    match rc.action {
        Action::Create => {
            for (path, v) in rc.after.iter().flat_map(|a| a.iter()) {
                b.push(format!("+ {path} = {}", show_at(m, path, v)));
            }
        }
        Action::Delete => {
            for key in ["card_type", "base_info.brand_name", "base_info.title"] {
                if let Some(v) = rc.before.as_ref().and_then(|c| c.get(key)) {
                    b.push(format!("- {key} = {}", show_at(m, key, v)));
                }
            }
        }
        _ => {
            // cardform's own settings (lifecycle…) never reach WeChat: not a change to review.
            for f in rc.changes.iter().filter(|f| f.class != UpdateClass::Local) {
                field_lines(m, &mut b, rc, f);
            }
            if rc.unchanged > 0 {
                b.push(format!(
                    "# ({})",
                    m.t_args("unchanged-hidden", &[("count", rc.unchanged.into())])
                ));
            }
        }
    }
    if let Some(s) = rc.stock.as_ref().filter(|s| s.coin_purchase)
        && matches!(rc.action, Action::Create | Action::Replace)
    {
        b.push(format!("+ {}", crate::plan::purchase_line(m, s, true)));
    }
    if let Some(t) = &rc.derived_title {
        b.push(format!(
            "# {}",
            m.t_args("md-title-derived", &[("title", format!("{t:?}").into())])
        ));
    }
    b
}

fn field_lines(m: &Messages, b: &mut Vec<String>, rc: &ResourceChange, f: &FieldChange) {
    let tag = match f.class {
        UpdateClass::Replace => format!("  # {}", m.t("reason-replace")),
        UpdateClass::Review => format!("  # {}", m.t("reason-review")),
        UpdateClass::Stock => match &rc.stock {
            Some(s) => {
                let delta = format!("{:+}", s.delta);
                let text = match (&s.price, s.coin_purchase) {
                    (Some(p), true) => m.t_args(
                        "stock-note-coin-price",
                        &[
                            ("delta", delta.into()),
                            ("price", crate::plan::price_phrase(m, p).into()),
                        ],
                    ),
                    (None, true) => m.t_args("stock-note-coin", &[("delta", delta.into())]),
                    (_, false) => m.t_args("stock-note", &[("delta", delta.into())]),
                };
                format!("  # {text}")
            }
            None => String::new(),
        },
        _ => String::new(),
    };
    let (before, after) = (
        f.before.as_ref().map(|v| shown_in(v, m)),
        f.after.as_ref().map(|v| shown_in(v, m)),
    );
    if let (Some(Value::String(a)), Some(Value::String(z))) = (before.as_deref(), after.as_deref())
        && (is_long(a) || is_long(z))
    {
        // Long texts as a line diff: the reviewer sees which sentence changed.
        b.push(format!("~ {} = <<EOT{tag}", f.path));
        let (a, z) = (
            format!("{}\n", a.trim_end_matches('\n')),
            format!("{}\n", z.trim_end_matches('\n')),
        );
        let diff = similar::TextDiff::from_lines(a.as_str(), z.as_str());
        for change in diff.iter_all_changes() {
            let line = change.value().trim_end_matches('\n');
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            b.push(format!("{sign}     {line}"));
        }
        b.push("  EOT".to_string());
        return;
    }
    if let Some(before) = &f.before {
        b.push(format!("- {} = {}", f.path, show_at(m, &f.path, before)));
    }
    match &f.after {
        Some(after) => b.push(format!(
            "+ {} = {}{tag}",
            f.path,
            show_at(m, &f.path, after)
        )),
        None => b.push(format!("+ {} = {}{tag}", f.path, m.t("value-cleared"))),
    }
}

fn is_long(s: &str) -> bool {
    s.contains('\n') || s.chars().count() > 60
}

/// A fence longer than any backtick run in the body, so values cannot close it.
pub(super) fn fence_for(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Escapes text placed inside HTML (`<summary>`): the one escaper of the previews and
/// the review page.
pub(super) fn html(s: &str) -> String {
    crate::preview::escape(s)
}
