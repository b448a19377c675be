//! The plan as a pull-request comment a reviewer can judge in ten seconds: one bold
//! sentence and a count table, then what is risky (policy denials, cards going back to
//! review, replacements with a new card_id, deletes, 券点 purchases, changes made
//! outside cardform that the plan overwrites), then one collapsible block per card,
//! riskiest first.
//!
//! # Guarantees
//! The comment never exceeds its limit (GitHub's 65,536 characters by default). When
//! it would, a card's diff is cut at a line boundary with a note saying how many lines
//! are missing, and the cards that no longer fit are named in a closing line; code
//! fences and `<details>` blocks are always closed.

mod cards;
mod sections;

use std::fmt::Write as _;

use super::policy::Violation;
use super::render_text::summary_line_in;
use super::types::{Action, Plan, ResourceChange};
use crate::i18n::{Lang, Messages};
use cards::CardBlock;
use sections::{
    join_capped, money_section, policy_section, reads_section, risk_section, settings_section,
};

/// GitHub's limit on a comment body, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// Smaller limits are raised to this: below it not even the summary fits.
pub const MIN_LIMIT: usize = 1_000;
/// The first line of every comment, so a pipeline can find and update its previous
/// comment instead of adding a new one on every push.
pub const MARKER: &str = "<!-- cardform plan -->";
/// Room kept for the line naming the cards that did not fit.
const FOOTER_RESERVE: usize = 400;

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions<'a> {
    /// The comment's size limit in characters (at least [`MIN_LIMIT`]).
    pub limit: usize,
    /// Policy gates the plan violates (shown first).
    pub denied: &'a [Violation],
    /// Friends coupons whose bought stock the plan throws away without
    /// `--allow-stock-loss` (shown with the policy denials).
    pub stock_loss: &'a [crate::plan::stock_loss::StockLoss],
    /// The language of the words (values and field paths are never translated).
    pub lang: Lang,
    /// The saved plan's checksum, for the reviewer to match with what apply prints.
    pub checksum: Option<&'a str>,
}

impl Default for MarkdownOptions<'_> {
    fn default() -> Self {
        MarkdownOptions {
            limit: GITHUB_COMMENT_LIMIT,
            denied: &[],
            stock_loss: &[],
            lang: Lang::En,
            checksum: None,
        }
    }
}

/// Renders the plan as markdown within [`GITHUB_COMMENT_LIMIT`] characters.
pub fn render_markdown(plan: &Plan) -> String {
    render_markdown_with(plan, &MarkdownOptions::default())
}

/// Renders within `limit` characters (tests use small limits).
pub fn render_markdown_within(plan: &Plan, limit: usize) -> String {
    render_markdown_with(
        plan,
        &MarkdownOptions {
            limit,
            ..MarkdownOptions::default()
        },
    )
}

/// Renders with `opts`; see the module's guarantees.
pub fn render_markdown_with(plan: &Plan, opts: &MarkdownOptions<'_>) -> String {
    let m = &Messages::new(opts.lang);
    let limit = opts.limit.max(MIN_LIMIT);
    // Each list of card names in the risk section gets a bounded share of the comment,
    // so thousands of risky cards cannot crowd out the diffs (or the limit).
    let list_budget = (limit / 16).max(200);
    let mut out = Budgeted::new(limit);
    out.push_keeping(&head(m, plan), FOOTER_RESERVE);
    out.push_keeping(&reads_section(m, plan), FOOTER_RESERVE);
    out.push_keeping(
        &policy_section(m, opts.denied, opts.stock_loss, list_budget),
        FOOTER_RESERVE,
    );
    out.push_keeping(&settings_section(m, plan, list_budget), FOOTER_RESERVE);
    out.push_keeping(&risk_section(m, plan, list_budget), FOOTER_RESERVE);
    out.push_keeping(&money_section(m, plan), FOOTER_RESERVE);

    let mut cards: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|r| (!plan.refresh_only && r.action.is_change()) || !r.drift.is_empty())
        .collect();
    cards.sort_by(|a, b| {
        severity(a)
            .cmp(&severity(b))
            .then_with(|| a.address.cmp(&b.address))
    });
    let mut not_shown: Vec<&str> = Vec::new();
    for rc in &cards {
        if !not_shown.is_empty() {
            not_shown.push(&rc.address);
            continue;
        }
        let block = CardBlock::new(m, rc, plan.refresh_only);
        let room = out.room().saturating_sub(FOOTER_RESERVE);
        match block.render_within(m, room) {
            Some(text) => out.push(&text),
            None => not_shown.push(&rc.address),
        }
    }
    if !not_shown.is_empty() {
        let names = join_capped(
            m,
            not_shown.iter().map(|a| format!("`{a}`")),
            out.room().saturating_sub(200),
        );
        out.push(&format!(
            "_{}_\n",
            m.t_args(
                "md-not-shown",
                &[("count", not_shown.len().into()), ("names", names.into())]
            )
        ));
    }
    if let Some(sum) = opts.checksum {
        out.push(&format!(
            "<sub>{}</sub>\n",
            m.t_args("md-checksum", &[("checksum", format!("`{sum}`").into())])
        ));
    }
    out.finish()
}

/// A string that knows its length in characters and never grows past its limit.
struct Budgeted {
    text: String,
    chars: usize,
    limit: usize,
}

impl Budgeted {
    fn new(limit: usize) -> Budgeted {
        Budgeted {
            text: String::new(),
            chars: 0,
            limit,
        }
    }

    fn room(&self) -> usize {
        self.limit.saturating_sub(self.chars)
    }

    /// Appends `s`, or as many of its whole lines as fit.
    fn push(&mut self, s: &str) {
        self.push_keeping(s, 0);
    }

    /// Appends `s` (or its whole lines that fit) leaving `keep` characters free.
    fn push_keeping(&mut self, s: &str, keep: usize) {
        // The one sanitizer at the boundary: card texts, card_ids and statuses came from
        // WeChat or a file; control and bidi characters show as escapes.
        let s = &*crate::visible::visible(s);
        let room = |b: &Budgeted| b.room().saturating_sub(keep);
        let n = s.chars().count();
        if n <= room(self) {
            self.text.push_str(s);
            self.chars += n;
            return;
        }
        for line in s.split_inclusive('\n') {
            let n = line.chars().count();
            if n > room(self) {
                break;
            }
            self.text.push_str(line);
            self.chars += n;
        }
    }

    fn finish(self) -> String {
        self.text
    }
}

/// Riskiest first: that is what a truncated comment must still show.
fn severity(rc: &ResourceChange) -> u8 {
    let coin = rc.stock.as_ref().is_some_and(|s| s.coin_purchase);
    match rc.action {
        Action::Delete => 0,
        Action::Replace => 1,
        Action::UpdateReview => 2,
        _ if coin => 3,
        Action::Create => 4,
        Action::Update => 5,
        Action::Stock => 6,
        Action::NoOp => 7,
    }
}

fn symbol(rc: &ResourceChange) -> &'static str {
    match rc.action {
        Action::Create => "➕",
        Action::Update => "✏️",
        Action::Stock if rc.stock.as_ref().is_some_and(|s| s.coin_purchase) => "💰",
        Action::Stock => "📦",
        Action::UpdateReview => "🔍",
        Action::Replace => "♻️",
        Action::Delete => "🗑️",
        Action::NoOp => "⚠️",
    }
}

fn head(m: &Messages, plan: &Plan) -> String {
    let s = &plan.summary;
    let mut h = String::new();
    let _ = writeln!(h, "{MARKER}");
    if plan.refresh_only {
        let _ = writeln!(h, "### {}\n", m.t("md-drift-title"));
        if s.drifted == 0 {
            let _ = writeln!(h, "✅ {}", m.t("md-no-drift"));
        } else {
            let _ = writeln!(
                h,
                "⚠️ {}",
                m.t_args("md-drift", &[("count", s.drifted.into())])
            );
        }
        let _ = writeln!(h);
        return h;
    }
    let _ = writeln!(h, "### {}\n", m.t("md-title"));
    // Sub-merchants and the cards waiting for them (`crate::plan::sub_merchants`).
    let subs = super::sub_merchants::text_lines(m, plan);
    if !subs.is_empty() {
        let fence = cards::fence_for(&subs);
        let _ = writeln!(h, "{fence}\n{}\n{fence}\n", subs.join("\n"));
    }
    if !plan.has_changes() {
        let _ = writeln!(h, "✅ {}\n", m.t("md-no-changes"));
        return h;
    }
    let _ = writeln!(h, "**{}**\n", summary_line_in(m, plan));
    let _ = writeln!(h, "{}", m.t("md-table-head"));
    let _ = writeln!(h, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        h,
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.create,
        s.update.saturating_sub(s.review),
        s.review,
        s.replace,
        s.delete,
        s.stock,
        s.drifted,
        s.no_op
    );
    if s.create > 0 {
        let _ = writeln!(h, "{}\n", m.t("md-new-cards"));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use cards::{fence_for, html};

    #[test]
    fn fences_outgrow_backticks_in_values() {
        assert_eq!(fence_for(&["+ a = \"x\"".into()]), "```");
        assert_eq!(fence_for(&["+ a = \"````\"".into()]), "`````");
    }

    #[test]
    fn lists_are_capped_with_a_count() {
        let s = join_capped(
            &Messages::new(Lang::En),
            (0..1000).map(|i| format!("`card_{i}`")),
            200,
        );
        assert!(s.chars().count() <= 200, "{s}");
        assert!(s.ends_with(" more"), "{s}");
        assert_eq!(
            join_capped(
                &Messages::new(Lang::En),
                ["`a`".to_string()].into_iter(),
                10
            ),
            "`a`"
        );
    }

    #[test]
    fn summaries_escape_html() {
        assert_eq!(html("a<b>&"), "a&lt;b&gt;&amp;");
    }

    #[test]
    fn budgeted_text_never_passes_its_limit() {
        let mut b = Budgeted::new(10);
        b.push("12345\n");
        b.push("abcdef\n");
        b.push("xy\n");
        assert_eq!(b.finish(), "12345\nxy\n");
    }
}
