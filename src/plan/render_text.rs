//! The plan as text, in Terraform's visual language: symbols, a reason per field
//! (`# forces replacement`, `# triggers re-review`), line diffs for long texts,
//! `# (N unchanged fields hidden)`, drift first, then a summary line.

use std::fmt::Write as _;

use owo_colors::OwoColorize;
use serde_json::Value;

use crate::model::pending::{Pending, shown_in};

use super::diff::FieldChange;
use super::refresh::{calls_line, refresh_note};
use super::types::{Action, Plan, ResourceChange};
use crate::i18n::{Lang, Messages};
use crate::live::ReviewStatus;
use cardform_spec::rules::UpdateClass;

/// Rendering options.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
    /// The language of the words (values and field paths are never translated).
    pub lang: Lang,
}

struct Painter {
    color: bool,
    m: Messages,
}

impl Painter {
    fn green(&self, s: &str) -> String {
        if self.color {
            s.green().to_string()
        } else {
            s.to_string()
        }
    }
    fn yellow(&self, s: &str) -> String {
        if self.color {
            s.yellow().to_string()
        } else {
            s.to_string()
        }
    }
    fn red(&self, s: &str) -> String {
        if self.color {
            s.red().to_string()
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
    fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
}

/// Renders the whole plan.
pub fn render_text(plan: &Plan, opts: TextOptions) -> String {
    let p = Painter {
        color: opts.color,
        m: Messages::new(opts.lang),
    };
    let m = &p.m;
    let mut out = String::new();
    write_settings(&mut out, &p, plan);
    let drifted: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|r| !r.drift.is_empty())
        .collect();
    if !drifted.is_empty() {
        let _ = writeln!(out, "{}", p.bold(&m.t("text-drift-head")));
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", m.t("text-drift-intro"));
        let _ = writeln!(out);
        for rc in &drifted {
            let _ = writeln!(
                out,
                "  # {}",
                m.t_args(
                    "text-drift-card",
                    &[
                        ("address", p.bold(&rc.address).into()),
                        ("card_id", card_id_suffix(m, rc).into())
                    ]
                )
            );
            for f in &rc.drift {
                if f.rule == super::note::DELETED_OUTSIDE {
                    let _ = writeln!(out, "  {} {}", p.red("-"), m.t("text-deleted-outside"));
                    continue;
                }
                write_field(&mut out, &p, "  ", '~', f, None);
            }
            let _ = writeln!(out);
        }
        if plan.refresh_only {
            let _ = writeln!(out, "{}", m.t("text-refresh-only-note"));
            let _ = writeln!(out);
        }
    }
    if plan.refresh_only {
        if drifted.is_empty() {
            let _ = writeln!(out, "{}", m.t("text-no-drift"));
        } else {
            let _ = writeln!(
                out,
                "{}",
                m.t_args("text-drift-count", &[("count", drifted.len().into())])
            );
        }
        write_reads_footer(&mut out, m, plan);
        return out;
    }
    let changing: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|r| r.action.is_change())
        .collect();
    for line in super::sub_merchants::text_lines(m, plan) {
        let _ = writeln!(out, "{line}");
    }
    if !plan.sub_merchants.is_empty() || !plan.waiting.is_empty() {
        let _ = writeln!(out);
    }
    let sub_merchant_changes = plan.sub_merchants.iter().any(|s| s.action.is_change());
    if changing.is_empty() && plan.whitelist.is_none() && !sub_merchant_changes {
        let _ = writeln!(out, "{}", m.t("text-no-changes"));
        write_status_footer(&mut out, m, plan);
        write_reads_footer(&mut out, m, plan);
        return out;
    }
    let _ = writeln!(out, "{}", m.t("text-will-perform"));
    let _ = writeln!(out);
    for rc in changing {
        write_resource(&mut out, &p, rc);
        let _ = writeln!(out);
    }
    write_money(&mut out, &p, plan);
    let _ = writeln!(out, "{}", p.bold(&summary_line_in(m, plan)));
    write_status_footer(&mut out, m, plan);
    write_reads_footer(&mut out, m, plan);
    out
}

/// What the plan read from WeChat: the cards it skipped (`--refresh=changed`) and the
/// API calls it made and applying it will make.
fn write_reads_footer(out: &mut String, m: &Messages, plan: &Plan) {
    for line in [refresh_note(m, plan), calls_line(m, plan)]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "{line}");
    }
}

/// The "Settings" section: what the project file proposes for the settings the plan
/// took from trusted settings. Nothing when there is no such change.
fn write_settings(out: &mut String, p: &Painter, plan: &Plan) {
    if plan.settings.is_empty() {
        return;
    }
    let m = &p.m;
    let head = match &plan.settings_file {
        Some(file) => m.t_args("pf-tr-settings-head", &[("file", file.as_str().into())]),
        None => m.t("settings-head"),
    };
    let _ = writeln!(out, "{}", p.bold(&head));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", m.t("settings-intro"));
    let _ = writeln!(out);
    for s in &plan.settings {
        let _ = writeln!(
            out,
            "  {} {}: {} -> {}",
            p.yellow("~"),
            s.key,
            setting_value_in(m, &s.trusted),
            setting_value_in(m, &s.proposed)
        );
    }
    let _ = writeln!(out);
}

/// The test whitelist and 券点 sections (nothing when the plan has neither).
fn write_money(out: &mut String, p: &Painter, plan: &Plan) {
    if let Some(w) = &plan.whitelist {
        let head = format!("# {}", p.m.t("text-whitelist-head"));
        let _ = writeln!(out, "  {}", p.bold(&head));
        for line in super::whitelist_lines(&p.m, w) {
            let painted = match line.chars().next() {
                Some('+') => p.green(&line),
                Some('-') => p.red(&line),
                _ => p.dim(&format!("# {line}")),
            };
            let _ = writeln!(out, "      {painted}");
        }
        let _ = writeln!(out);
    }
    if let Some(c) = &plan.coins {
        let head = format!("# {}", p.m.t("md-coins-head"));
        let _ = writeln!(out, "  {}", p.bold(&head));
        for (line, over) in super::coin_lines(&p.m, c) {
            let painted = if over { p.red(&line) } else { line };
            let _ = writeln!(out, "      {painted}");
        }
        let _ = writeln!(out);
    }
}

/// A setting's value on one line (`(unset)` for none).
pub fn setting_value_in(m: &Messages, v: &Value) -> String {
    match v {
        Value::Null => m.t("value-unset"),
        other => other.to_string(),
    }
}

/// `Plan: 1 to create, 2 to update (1 sent to review), 1 to replace, 0 to delete, 1 stock change.`
pub fn summary_line(plan: &Plan) -> String {
    summary_line_in(&Messages::new(Lang::En), plan)
}

/// [`summary_line`] in the language of `m`.
pub fn summary_line_in(m: &Messages, plan: &Plan) -> String {
    let s = &plan.summary;
    let whitelist = if plan.whitelist.is_some() {
        m.t("summary-whitelist")
    } else {
        String::new()
    };
    m.t_args(
        "summary",
        &[
            ("create", s.create.into()),
            ("update", s.update.into()),
            ("review", s.review.into()),
            ("replace", s.replace.into()),
            ("delete", s.delete.into()),
            ("stock", s.stock.into()),
            ("whitelist", whitelist.into()),
        ],
    )
}

fn write_status_footer(out: &mut String, m: &Messages, plan: &Plan) {
    let under_review: Vec<&str> = plan
        .resource_changes
        .iter()
        .filter(|r| r.review_status == Some(ReviewStatus::NotVerify))
        .map(|r| r.address.as_str())
        .collect();
    let rejected: Vec<&str> = plan
        .resource_changes
        .iter()
        .filter(|r| r.review_status == Some(ReviewStatus::VerifyFail))
        .map(|r| r.address.as_str())
        .collect();
    if !under_review.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            m.t_args(
                "text-under-review",
                &[("addresses", address_list(m, &under_review).into())]
            )
        );
    }
    if !rejected.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            m.t_args(
                "text-rejected",
                &[("addresses", address_list(m, &rejected).into())]
            )
        );
    }
    let awaiting: Vec<&str> = plan
        .resource_changes
        .iter()
        .filter(|r| {
            r.notes
                .iter()
                .any(|n| matches!(n, super::note::Note::StockAwaitsApproval { .. }))
        })
        .map(|r| r.address.as_str())
        .collect();
    if !awaiting.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            m.t_args(
                "text-stock-awaits-approval",
                &[("addresses", address_list(m, &awaiting).into())]
            )
        );
    }
}

/// How many addresses a footer line names before it counts the rest.
const FOOTER_ADDRESSES: usize = 20;

/// `a, b, c` — or, past [`FOOTER_ADDRESSES`], the first ones and a count: a plan over
/// 10,000 fresh cards must not end in a 90,000-character line.
fn address_list(m: &Messages, addresses: &[&str]) -> String {
    if addresses.len() <= FOOTER_ADDRESSES {
        return addresses.join(", ");
    }
    m.t_args(
        "address-list-more",
        &[
            ("first", addresses[..FOOTER_ADDRESSES].join(", ").into()),
            ("more", (addresses.len() - FOOTER_ADDRESSES).into()),
        ],
    )
}

fn card_id_suffix(m: &Messages, rc: &ResourceChange) -> String {
    match &rc.card_id {
        Some(id) => m.t_args(
            "card-id-suffix",
            &[("id", crate::visible::visible_line(id).into_owned().into())],
        ),
        None => String::new(),
    }
}

/// A plan note in the language of `m` (saved plans and JSON keep the English sentence).
pub fn note_in(m: &Messages, note: &super::note::Note) -> String {
    use super::note::Note;
    match note {
        Note::DeletedOutsideRecreate { card_id } => {
            m.t_args("note-recreate", &[("card_id", card_id.as_str().into())])
        }
        Note::DeletedOutsideForget => m.t("note-forget"),
        Note::NoLongerInFiles => m.t("note-no-longer-in-files"),
        Note::DeposedCard => m.t("note-deposed"),
        Note::CardIdChanges => m.t("note-card-id-changes"),
        Note::GivesUpStock { remaining } => m.t_args(
            "note-gives-up-stock",
            &[("remaining", remaining.to_string().into())],
        ),
        Note::StockNotRefunded { removed } => m.t_args(
            "note-stock-not-refunded",
            &[("removed", removed.to_string().into())],
        ),
        Note::StockAwaitsApproval { quantity } => m.t_args(
            "note-stock-awaits-approval",
            &[("quantity", quantity.to_string().into())],
        ),
    }
}

/// The words of a review status (`under review`, …).
pub fn review_status_in(m: &Messages, status: &ReviewStatus) -> String {
    match status {
        ReviewStatus::NotVerify => m.t("status-not-verify"),
        ReviewStatus::VerifyFail => m.t("status-verify-fail"),
        ReviewStatus::VerifyOk => m.t("status-verify-ok"),
        ReviewStatus::Dispatch => m.t("status-dispatch"),
        ReviewStatus::Deleted => m.t("status-deleted"),
        ReviewStatus::Other(s) => crate::visible::visible_line(s).into_owned(),
    }
}

fn header(m: &Messages, rc: &ResourceChange) -> String {
    let status = rc
        .review_status
        .as_ref()
        .map(|s| m.t_args("status-now", &[("status", review_status_in(m, s).into())]))
        .unwrap_or_default();
    let id = match rc.action {
        Action::Create => "head-create",
        Action::Update => "head-update",
        Action::UpdateReview => "head-update-review",
        Action::Replace => "head-replace",
        Action::Delete => "head-delete",
        Action::Stock => "head-stock",
        Action::NoOp => "head-no-op",
    };
    let text = m.t_args(
        id,
        &[
            ("address", rc.address.as_str().into()),
            ("card_id", card_id_suffix(m, rc).into()),
            ("status", status.into()),
        ],
    );
    format!("# {text}")
}

fn write_resource(out: &mut String, p: &Painter, rc: &ResourceChange) {
    let (symbol, painted) = match rc.action {
        Action::Create => ("  +", p.green("  +")),
        Action::Update | Action::UpdateReview | Action::Stock => ("  ~", p.yellow("  ~")),
        Action::Replace => ("+/-", p.red("+/-")),
        Action::Delete => ("  -", p.red("  -")),
        Action::NoOp => ("   ", "   ".to_string()),
    };
    let _ = symbol;
    let m = &p.m;
    let _ = writeln!(out, "  {}", p.bold(&header(m, rc)));
    for note in &rc.notes {
        let _ = writeln!(out, "  # ({})", note_in(m, note));
    }
    let _ = writeln!(out, "{painted} card \"{}\" {{", rc.address);
    match rc.action {
        Action::Create => {
            if let Some(after) = &rc.after {
                for (path, v) in after.iter() {
                    let _ = writeln!(
                        out,
                        "      {} {path} = {}",
                        p.green("+"),
                        show_at(m, path, v)
                    );
                }
            }
            if let Some(t) = &rc.derived_title {
                let _ = writeln!(
                    out,
                    "        {}",
                    p.dim(&format!(
                        "# {}",
                        m.t_args("title-derived", &[("title", t.as_str().into())])
                    ))
                );
            }
            write_purchase(out, p, rc);
        }
        Action::Delete => {
            if let Some(before) = &rc.before {
                for key in ["card_type", "base_info.brand_name", "base_info.title"] {
                    if let Some(v) = before.get(key) {
                        let _ =
                            writeln!(out, "      {} {key} = {}", p.red("-"), show_at(m, key, v));
                    }
                }
            }
        }
        _ => {
            // cardform's own settings never reach WeChat: not a change to show.
            for f in rc.changes.iter().filter(|f| f.class != UpdateClass::Local) {
                let stock = rc.stock.as_ref().filter(|_| f.class == UpdateClass::Stock);
                let stock_note = stock.map(|s| {
                    if s.coin_purchase {
                        match &s.price {
                            Some(price) => m.t_args(
                                "stock-note-coin-price",
                                &[
                                    ("delta", format!("{:+}", s.delta).into()),
                                    ("price", super::price_phrase(m, price).into()),
                                ],
                            ),
                            None => m.t_args(
                                "stock-note-coin",
                                &[("delta", format!("{:+}", s.delta).into())],
                            ),
                        }
                    } else {
                        m.t_args("stock-note", &[("delta", format!("{:+}", s.delta).into())])
                    }
                });
                write_field(out, p, "    ", '~', f, stock_note.as_deref());
            }
            if let Some(t) = &rc.derived_title {
                let _ = writeln!(
                    out,
                    "        {}",
                    p.dim(&format!(
                        "# {}",
                        m.t_args("title-derived", &[("title", t.as_str().into())])
                    ))
                );
            }
            if rc.action == Action::Replace {
                write_purchase(out, p, rc);
            }
            if rc.unchanged > 0 {
                let _ = writeln!(
                    out,
                    "        {}",
                    p.dim(&format!(
                        "# ({})",
                        m.t_args("unchanged-hidden", &[("count", rc.unchanged.into())])
                    ))
                );
            }
        }
    }
    let _ = writeln!(out, "    }}");
}

/// A new card's 券点 purchase (a create or a replacement of a friends coupon).
fn write_purchase(out: &mut String, p: &Painter, rc: &ResourceChange) {
    if let Some(s) = rc.stock.as_ref().filter(|s| s.coin_purchase) {
        let _ = writeln!(
            out,
            "      {} {}",
            p.green("+"),
            super::purchase_line(&p.m, s, true)
        );
    }
}

fn reason_comment(m: &Messages, f: &FieldChange) -> String {
    match f.class {
        UpdateClass::Replace => format!("# {}", m.t("reason-replace")),
        UpdateClass::Review => format!("# {}", m.t("reason-review")),
        _ => String::new(),
    }
}

fn write_field(
    out: &mut String,
    p: &Painter,
    indent: &str,
    sym: char,
    f: &FieldChange,
    extra: Option<&str>,
) {
    let comment = match extra {
        Some(e) => format!("# {e}"),
        None => reason_comment(&p.m, f),
    };
    let comment = match f.class {
        UpdateClass::Replace => p.red(&comment),
        UpdateClass::Review => p.yellow(&comment),
        _ => p.dim(&comment),
    };
    let sym = p.yellow(&sym.to_string());
    let (before, after) = (
        f.before.as_ref().map(|v| shown_in(v, &p.m)),
        f.after.as_ref().map(|v| shown_in(v, &p.m)),
    );
    if let (Some(Value::String(a)), Some(Value::String(b))) = (before.as_deref(), after.as_deref())
        && (is_long(a) || is_long(b))
    {
        let head = format!("{indent}  {sym} {} = <<-EOT {comment}", f.path);
        let _ = writeln!(out, "{}", head.trim_end());
        // Compare whole lines: a last line without "\n" is still the same line.
        let (a, b) = (
            format!("{}\n", a.trim_end_matches('\n')),
            format!("{}\n", b.trim_end_matches('\n')),
        );
        let diff = similar::TextDiff::from_lines(a.as_str(), b.as_str());
        for change in diff.iter_all_changes() {
            let line = crate::visible::visible(change.value().trim_end_matches('\n'));
            let rendered = match change.tag() {
                similar::ChangeTag::Delete => p.red(&format!("- {line}")),
                similar::ChangeTag::Insert => p.green(&format!("+ {line}")),
                similar::ChangeTag::Equal => format!("  {line}"),
            };
            let _ = writeln!(out, "{indent}      {rendered}");
        }
        let _ = writeln!(out, "{indent}    EOT");
        return;
    }
    let before = f
        .before
        .as_ref()
        .map(|v| show_at(&p.m, &f.path, v))
        .unwrap_or_else(|| p.m.t("value-absent"));
    let after = f
        .after
        .as_ref()
        .map(|v| show_at(&p.m, &f.path, v))
        .unwrap_or_else(|| p.m.t("value-cleared"));
    let line = format!("{indent}  {sym} {} = {before} -> {after} {comment}", f.path);
    let _ = writeln!(out, "{}", line.trim_end());
}

fn is_long(s: &str) -> bool {
    s.contains('\n') || s.chars().count() > 60
}

/// A value at `path` as the plan shows it: timestamps as Beijing datetimes, amounts in
/// fen with yuan beside them.
pub fn show_at(m: &Messages, path: &str, v: &Value) -> String {
    if path.ends_with("_timestamp")
        && let Some(secs) = v.as_i64()
    {
        return format!("{} ({secs})", crate::model::Timestamp(secs));
    }
    if matches!(
        path,
        "least_cost" | "reduce_cost" | "advanced_info.use_condition.least_cost"
    ) && let Some(fen) = v.as_u64()
    {
        return format!("{fen} (¥{}.{:02})", fen / 100, fen % 100);
    }
    show(m, v)
}

/// A value as the plan shows it, a pending value said in the language of `m`.
pub fn show(m: &Messages, v: &Value) -> String {
    if let Some(p) = Pending::from_value(v) {
        return p.said(m);
    }
    match shown_in(v, m).as_ref() {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_address_lists_are_cut_with_a_count() {
        let few = ["a", "b"];
        let m = Messages::new(Lang::En);
        assert_eq!(address_list(&m, &few), "a, b");
        let names: Vec<String> = (0..10_000).map(|i| format!("c{i:05}")).collect();
        let many: Vec<&str> = names.iter().map(String::as_str).collect();
        let line = address_list(&m, &many);
        assert!(line.starts_with("c00000, c00001, "), "{line}");
        assert!(line.contains("c00019 and 9980 more"), "{line}");
        assert!(!line.contains("c00020"), "{line}");
    }
}
