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

use std::fmt::Write as _;

use serde_json::Value;

use super::diff::FieldChange;
use super::model::{Action, Plan, ResourceChange};
use super::policy::{GateSource, Violation, gate};
use super::refresh::{calls_line, refresh_note};
use super::render_text::{show_at, summary_line_in};
use crate::i18n::{Lang, Messages};
use crate::live::ReviewStatus;
use cardform_spec::rules::UpdateClass;

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
    out.push_keeping(&policy_section(m, opts.denied, list_budget), FOOTER_RESERVE);
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

/// What the plan read from WeChat: the cards it skipped (`--refresh=changed`) and the
/// API calls it made and applying it will make. Empty for plans built without a session.
fn reads_section(m: &Messages, plan: &Plan) -> String {
    let mut s = String::new();
    if let Some(note) = refresh_note(m, plan) {
        let _ = writeln!(
            s,
            "ℹ️ {note}
"
        );
    }
    if let Some(calls) = calls_line(m, plan) {
        let _ = writeln!(
            s,
            "{calls}
"
        );
    }
    s
}

/// The settings the pull request's cardform.toml proposes (under `--trusted-settings`):
/// nothing when there are none. Each value is cut to a share of `budget`.
fn settings_section(m: &Messages, plan: &Plan, budget: usize) -> String {
    if plan.settings.is_empty() {
        return String::new();
    }
    let cell = |v: &serde_json::Value| {
        let mut text = super::render_text::setting_value_in(m, v)
            .replace('`', "'")
            .replace('|', "\\|")
            .replace(['\n', '\r'], " ");
        let max = (budget / 4).max(80);
        if text.chars().count() > max {
            text = text.chars().take(max).collect::<String>() + "…";
        }
        format!("`{text}`")
    };
    let mut p = String::new();
    let _ = writeln!(p, "> [!IMPORTANT]");
    let _ = writeln!(p, "> {}", m.t("md-settings"));
    let _ = writeln!(p, ">");
    let _ = writeln!(p, "> {}", m.t("md-settings-table-head"));
    let _ = writeln!(p, "> |---|---|---|");
    for c in &plan.settings {
        let _ = writeln!(
            p,
            "> | `{}` | {} | {} |",
            c.key,
            cell(&c.trusted),
            cell(&c.proposed)
        );
    }
    let _ = writeln!(p);
    p
}

/// The 券点 the plan spends and the test whitelist it sets (nothing when neither).
fn money_section(m: &Messages, plan: &Plan) -> String {
    let mut p = String::new();
    if let Some(c) = &plan.coins {
        let over = c.over_budget().is_some() || c.over_balance().is_some();
        let _ = writeln!(p, "> [!{}]", if over { "CAUTION" } else { "WARNING" });
        let head = if over {
            m.t("md-coins-head-over")
        } else {
            m.t("md-coins-head")
        };
        let _ = writeln!(p, "> **💰 {head}**");
        for (line, _) in super::coin_lines(m, c) {
            let _ = writeln!(p, "> - {line}");
        }
        let _ = writeln!(p);
    }
    if let Some(w) = &plan.whitelist {
        let _ = writeln!(p, "{}\n", m.t("md-whitelist-head"));
        let _ = writeln!(p, "```diff");
        for line in super::whitelist_lines(m, w) {
            if line.starts_with(['+', '-']) {
                let _ = writeln!(p, "{line}");
            } else {
                let _ = writeln!(p, "# {line}");
            }
        }
        let _ = writeln!(p, "```\n");
    }
    p
}

fn policy_section(m: &Messages, denied: &[Violation], budget: usize) -> String {
    if denied.is_empty() {
        return String::new();
    }
    let mut p = String::new();
    let _ = writeln!(p, "> [!CAUTION]");
    let _ = writeln!(p, "> {}", m.t("md-denied"));
    let mut classes: Vec<(crate::config::DenyClass, GateSource)> = Vec::new();
    for v in denied {
        if !classes.contains(&(v.class, v.source)) {
            classes.push((v.class, v.source));
        }
    }
    for (class, source) in classes {
        let g = gate(class);
        let source = match source {
            GateSource::Flag => format!("`--deny {}`", g.name),
            GateSource::Config => m.t("md-denied-by-config"),
        };
        let names = join_capped(
            m,
            denied
                .iter()
                .filter(|v| v.class == class)
                .map(|v| format!("`{}`", v.address)),
            budget,
        );
        let _ = writeln!(p, "> - **{}** ({source}): {names}", g.name);
    }
    let _ = writeln!(p);
    p
}

fn fields(changes: impl Iterator<Item = impl AsRef<str>>) -> String {
    changes
        .map(|c| format!("`{}`", c.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per kind of risk, each naming its cards (bounded by `budget` characters).
fn risk_section(m: &Messages, plan: &Plan, budget: usize) -> String {
    let rcs = &plan.resource_changes;
    let mut lines: Vec<String> = Vec::new();
    let mut line = |icon: &str, title: String, items: Vec<String>| {
        if !items.is_empty() {
            lines.push(format!(
                "> - {icon} **{title}** ({}): {}",
                items.len(),
                join_capped(m, items.into_iter(), budget)
            ));
        }
    };
    if !plan.refresh_only {
        line(
            "🔍",
            m.t("md-risk-review"),
            rcs.iter()
                .filter(|r| r.action == Action::UpdateReview)
                .map(|r| {
                    format!(
                        "`{}` ({})",
                        r.address,
                        fields(r.review_reasons().map(|f| &f.path))
                    )
                })
                .collect(),
        );
        line(
            "♻️",
            m.t("md-risk-replace"),
            rcs.iter()
                .filter(|r| r.action == Action::Replace)
                .map(|r| {
                    format!(
                        "`{}` ({})",
                        r.address,
                        m.t_args(
                            "md-forced-by",
                            &[(
                                "fields",
                                fields(r.replace_reasons().map(|f| &f.path)).into()
                            )]
                        )
                    )
                })
                .collect(),
        );
        line(
            "🗑️",
            m.t("md-risk-delete"),
            rcs.iter()
                .filter(|r| r.action == Action::Delete)
                .map(|r| match &r.card_id {
                    Some(id) => format!("`{}` (card_id `{id}`)", r.address),
                    None => format!("`{}`", r.address),
                })
                .collect(),
        );
        line(
            "💰",
            m.t("md-risk-coin"),
            rcs.iter()
                .filter_map(|r| {
                    let s = r.stock.as_ref().filter(|s| s.coin_purchase)?;
                    let price = s
                        .price
                        .map(|p| m.t_args("md-points", &[("points", p.price.to_string().into())]))
                        .unwrap_or_default();
                    Some(format!(
                        "`{}` ({})",
                        r.address,
                        m.t_args(
                            "md-stock-change",
                            &[
                                ("from", s.from.to_string().into()),
                                ("to", s.to.to_string().into()),
                                ("delta", format!("{:+}", s.delta).into()),
                                ("price", price.into()),
                            ]
                        )
                    ))
                })
                .collect(),
        );
    }
    let (overwritten, recorded): (Vec<&ResourceChange>, Vec<&ResourceChange>) = rcs
        .iter()
        .filter(|r| !r.drift.is_empty())
        .partition(|r| !plan.refresh_only && r.action.is_change());
    let drift_item = |r: &&ResourceChange| {
        if r.drift
            .iter()
            .any(|d| d.rule == super::note::DELETED_OUTSIDE)
        {
            format!("`{}` ({})", r.address, m.t("md-deleted-recreated"))
        } else {
            format!(
                "`{}` ({})",
                r.address,
                fields(r.drift.iter().map(|f| &f.path))
            )
        }
    };
    line(
        "⚠️",
        m.t("md-risk-drift-undo"),
        overwritten.iter().map(drift_item).collect(),
    );
    line(
        "⚠️",
        if plan.refresh_only {
            m.t("md-risk-drift")
        } else {
            m.t("md-risk-drift-same")
        },
        recorded.iter().map(drift_item).collect(),
    );
    line(
        "⛔",
        m.t("md-risk-rejected"),
        rcs.iter()
            .filter(|r| r.review_status == Some(ReviewStatus::VerifyFail))
            .map(|r| format!("`{}`", r.address))
            .collect(),
    );
    if lines.is_empty() {
        return String::new();
    }
    let mut w = String::from("> [!WARNING]\n");
    for l in lines {
        w.push_str(&l);
        w.push('\n');
    }
    w.push('\n');
    w
}

/// `items` joined with ", " within `budget` characters, then "and N more".
fn join_capped(m: &Messages, items: impl Iterator<Item = String>, budget: usize) -> String {
    let items: Vec<String> = items.collect();
    let mut out = String::new();
    let mut used = 0usize;
    for (i, item) in items.iter().enumerate() {
        let n = item.chars().count() + 2;
        // Keep room for ", and N more".
        if used + n + 24 > budget && i > 0 {
            let _ = write!(
                out,
                "{}",
                m.t_args("md-and-more", &[("count", (items.len() - i).into())])
            );
            return out;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
        used += n;
    }
    out
}

/// One card's `<details>` block: a summary line, then a diff body.
struct CardBlock {
    summary: String,
    body: Vec<String>,
}

impl CardBlock {
    fn new(m: &Messages, rc: &ResourceChange, refresh_only: bool) -> CardBlock {
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
    fn render_within(&self, m: &Messages, room: usize) -> Option<String> {
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
        b.push(format!("# {}", super::render_text::note_in(m, note)));
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
                    super::render_text::review_status_in(m, status).into()
                )]
            )
        ));
    }
    for d in &rc.drift {
        if d.rule == super::note::DELETED_OUTSIDE {
            b.push(format!("! {}", m.t("text-deleted-outside")));
            continue;
        }
        b.push(format!(
            "! {} = {} -> {}  # {}",
            d.path,
            d.before
                .as_ref()
                .map(|v| show_at(&d.path, v))
                .unwrap_or_else(|| m.t("value-absent")),
            d.after
                .as_ref()
                .map(|v| show_at(&d.path, v))
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
                b.push(format!("+ {path} = {}", show_at(path, v)));
            }
        }
        Action::Delete => {
            for key in ["card_type", "base_info.brand_name", "base_info.title"] {
                if let Some(v) = rc.before.as_ref().and_then(|c| c.get(key)) {
                    b.push(format!("- {key} = {}", show_at(key, v)));
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
        b.push(format!("+ {}", super::purchase_line(m, s, true)));
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
                            ("price", super::price_phrase(m, p).into()),
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
    if let (Some(Value::String(a)), Some(Value::String(z))) = (&f.before, &f.after)
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
        b.push(format!("- {} = {}", f.path, show_at(&f.path, before)));
    }
    match &f.after {
        Some(after) => b.push(format!("+ {} = {}{tag}", f.path, show_at(&f.path, after))),
        None => b.push(format!("+ {} = {}{tag}", f.path, m.t("value-cleared"))),
    }
}

fn is_long(s: &str) -> bool {
    s.contains('\n') || s.chars().count() > 60
}

/// A fence longer than any backtick run in the body, so values cannot close it.
fn fence_for(lines: &[String]) -> String {
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
fn html(s: &str) -> String {
    crate::preview::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

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
