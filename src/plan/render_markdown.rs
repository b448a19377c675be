//! The plan as a pull-request comment a reviewer can judge in ten seconds: a summary
//! table, warnings first (review, replacement, deletion, 券点), then one collapsible
//! block per card. Stays under GitHub's 65,536-character comment limit by truncating
//! per card with a note, never mid-line.

use std::fmt::Write as _;

use super::model::{Action, Plan, ResourceChange};
use super::render_text::{show, show_at};
use super::rules::UpdateClass;

/// GitHub's limit on a comment body.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// Room kept for the closing lines and the truncation note.
const RESERVE: usize = 1_024;

/// Renders the plan as markdown within [`GITHUB_COMMENT_LIMIT`] characters.
pub fn render_markdown(plan: &Plan) -> String {
    render_markdown_within(plan, GITHUB_COMMENT_LIMIT)
}

/// Renders within `limit` characters (tests use small limits).
pub fn render_markdown_within(plan: &Plan, limit: usize) -> String {
    let mut out = String::new();
    let s = &plan.summary;
    let _ = writeln!(out, "### cardform plan");
    let _ = writeln!(out);
    if plan.refresh_only {
        let _ = writeln!(
            out,
            "Refresh-only: **{}** card(s) changed outside cardform.",
            s.drifted
        );
    } else if !plan.has_changes() {
        let _ = writeln!(out, "**No changes.** The cards match the files.");
    } else {
        let _ = writeln!(
            out,
            "| create | update | re-review | replace | delete | stock | drifted |"
        );
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            s.create, s.update, s.review, s.replace, s.delete, s.stock, s.drifted
        );
    }
    let _ = writeln!(out);
    let warnings = warnings(plan);
    if !warnings.is_empty() {
        let _ = writeln!(out, "> [!WARNING]");
        for w in &warnings {
            let _ = writeln!(out, "> - {w}");
        }
        let _ = writeln!(out);
    }
    let cards: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|r| r.action.is_change() || !r.drift.is_empty())
        .collect();
    let mut omitted = 0usize;
    for (i, rc) in cards.iter().enumerate() {
        let block = card_block(rc);
        let remaining_budget = limit.saturating_sub(out.chars().count() + RESERVE);
        if block.chars().count() <= remaining_budget {
            out.push_str(&block);
            continue;
        }
        // Truncate this card's block at a line boundary, then stop adding cards.
        let mut partial = String::new();
        for line in block.lines() {
            if partial.chars().count() + line.chars().count() + 200 > remaining_budget {
                break;
            }
            partial.push_str(line);
            partial.push('\n');
        }
        if !partial.is_empty() {
            out.push_str(&partial);
            let _ = writeln!(
                out,
                "\n… (`{}` truncated to fit the comment limit; see the saved plan artifact or `cardform plan` for the full diff)\n```\n</details>\n",
                rc.address
            );
        }
        omitted = cards.len() - i - usize::from(!partial.is_empty());
        break;
    }
    if omitted > 0 {
        let _ = writeln!(
            out,
            "_{omitted} more card(s) not shown: the comment limit was reached. The full plan is in the saved plan artifact._"
        );
    }
    out
}

fn warnings(plan: &Plan) -> Vec<String> {
    let mut w = Vec::new();
    for rc in &plan.resource_changes {
        match rc.action {
            Action::UpdateReview => w.push(format!(
                "`{}` goes back to **review** ({}): not claimable until WeChat approves it",
                rc.address,
                rc.review_reasons().map(|f| format!("`{}`", f.path)).collect::<Vec<_>>().join(", ")
            )),
            Action::Replace => w.push(format!(
                "`{}` will be **replaced** with a new card_id ({}); the old card is deleted after the new one exists",
                rc.address,
                rc.replace_reasons().map(|f| format!("`{}`", f.path)).collect::<Vec<_>>().join(", ")
            )),
            Action::Delete => w.push(format!("`{}` will be **deleted** (card_id {})", rc.address, rc.card_id.as_deref().unwrap_or("?"))),
            _ => {}
        }
        if rc.stock.as_ref().is_some_and(|s| s.coin_purchase) {
            w.push(format!(
                "`{}` buys friends-coupon stock with **券点** (paid, irreversible)",
                rc.address
            ));
        }
    }
    w
}

fn card_block(rc: &ResourceChange) -> String {
    let mut b = String::new();
    let symbol = match rc.action {
        Action::Create => "➕",
        Action::Update | Action::Stock => "✏️",
        Action::UpdateReview => "🔍",
        Action::Replace => "♻️",
        Action::Delete => "🗑️",
        Action::NoOp => "↔️",
    };
    let _ = writeln!(
        b,
        "<details><summary>{symbol} <code>{}</code> — {}</summary>\n",
        rc.address,
        rc.action.as_str()
    );
    let _ = writeln!(b, "```diff");
    for d in &rc.drift {
        let _ = writeln!(
            b,
            "! {} changed outside cardform: {} -> {}",
            d.path,
            d.before
                .as_ref()
                .map(show)
                .unwrap_or_else(|| "(absent)".into()),
            d.after
                .as_ref()
                .map(show)
                .unwrap_or_else(|| "(absent)".into())
        );
    }
    match rc.action {
        Action::Create => {
            for (path, v) in rc.after.iter().flat_map(|a| a.0.iter()) {
                let _ = writeln!(b, "+ {path} = {}", show_at(path, v));
            }
        }
        Action::Delete => {
            let _ = writeln!(b, "- card {}", rc.card_id.as_deref().unwrap_or("?"));
        }
        _ => {
            for f in &rc.changes {
                let tag = match f.class {
                    UpdateClass::Replace => "  # forces replacement",
                    UpdateClass::Review => "  # triggers re-review",
                    _ => "",
                };
                if let Some(before) = &f.before {
                    let _ = writeln!(b, "- {} = {}", f.path, show_at(&f.path, before));
                }
                match &f.after {
                    Some(after) => {
                        let _ = writeln!(b, "+ {} = {}{tag}", f.path, show_at(&f.path, after));
                    }
                    None => {
                        let _ = writeln!(b, "+ {} = (cleared){tag}", f.path);
                    }
                }
            }
            if rc.unchanged > 0 {
                let _ = writeln!(b, "  # ({} unchanged fields hidden)", rc.unchanged);
            }
        }
    }
    let _ = writeln!(b, "```\n</details>\n");
    b
}
