//! The plan as one self-contained review page (`plan --format html`): the summary,
//! warnings (re-review, replacement, 券点 purchases, settings), and for each changed
//! card its face before and after side by side, with the field diff (long texts as a
//! line diff). For reviewers who are not engineers: operations and marketing staff.
//!
//! # Guarantees
//! The page loads nothing: styles are inline, card faces are inline SVG, there are no
//! scripts, images by URL or links off the page. Every text from a card file or from
//! WeChat is HTML-escaped.

use std::fmt::Write as _;

use serde_json::Value;

use crate::model::pending::shown_in;
use similar::{ChangeTag, TextDiff};

use super::diff::FieldChange;
use super::policy::{GateSource, Violation, gate};
use super::render_text::show_at;
use super::stock_loss::StockLoss;
use super::types::{Action, Plan, ResourceChange};
use crate::i18n::{Lang, Messages};
use crate::model::Canonical;
use crate::preview::{Face, escape, render_svg};
use cardform_spec::rules::UpdateClass;

/// What the page shows besides the plan.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions<'a> {
    pub lang: Lang,
    /// The saved plan's checksum, when the plan was saved (`apply` checks it).
    pub checksum: Option<&'a str>,
    /// The gates' refusals (`plan` exits 3): shown first, so a reviewer never approves
    /// a page whose plan cannot be applied as it stands.
    pub denied: &'a [Violation],
    pub stock_loss: &'a [StockLoss],
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,'Noto Sans CJK SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
header{background:#24292f;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:22px}
main{padding:16px 32px 48px;max-width:1100px}
.summary{font-size:16px;margin:4px 0}
.checksum{font-family:ui-monospace,monospace;font-size:12px;color:#d0d7de;word-break:break-all}
.warn{border-left:4px solid #d29922;background:#fff8c5;padding:10px 14px;margin:12px 0;border-radius:4px}
.warn.replace{border-color:#cf222e;background:#ffebe9}
.warn.coin{border-color:#8250df;background:#fbefff}
.warn ul{margin:6px 0 0;padding-left:20px}
section.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:20px 0;padding:16px 20px}
section.card h2{margin:0 0 4px;font-size:18px}
.badge{display:inline-block;font-size:12px;padding:2px 8px;border-radius:10px;background:#ddf4ff;color:#0969da;margin-left:8px;vertical-align:middle}
.badge.update-review{background:#fff8c5;color:#9a6700}
.badge.replace,.badge.delete{background:#ffebe9;color:#cf222e}
.badge.create{background:#dafbe1;color:#1a7f37}
.faces{display:flex;gap:24px;flex-wrap:wrap;margin:12px 0}
.face figure{margin:0}
.face figcaption{font-size:13px;color:#57606a;margin-bottom:4px}
.face svg{width:270px;height:auto;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.none{width:270px;height:420px;display:flex;align-items:center;justify-content:center;border:2px dashed #d0d7de;border-radius:8px;color:#8c959f}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #eaeef2;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.path{font-family:ui-monospace,monospace;font-size:13px;white-space:nowrap}
td.v{word-break:break-word}
.class-review{color:#9a6700;font-weight:600}
.class-replace{color:#cf222e;font-weight:600}
pre.diff{margin:0;white-space:pre-wrap;font-size:13px}
del{background:#ffebe9;color:#82071e;text-decoration:line-through}
ins{background:#dafbe1;color:#116329;text-decoration:none}
.notes{color:#57606a;font-size:14px}
footer{color:#57606a;font-size:13px;margin-top:32px}
"#;

/// HTML-escapes text (the previews' escaping: one function for both).
fn esc(s: &str) -> String {
    escape(s)
}

/// The message id of an action's name.
fn action_id(action: Action) -> &'static str {
    match action {
        Action::NoOp => "action-no-op",
        Action::Stock => "action-stock",
        Action::Update => "action-update",
        Action::UpdateReview => "action-update-review",
        Action::Create => "action-create",
        Action::Replace => "action-replace",
        Action::Delete => "action-delete",
    }
}

fn class_id(class: UpdateClass) -> &'static str {
    match class {
        UpdateClass::Local => "class-local",
        UpdateClass::InPlace => "class-in-place",
        UpdateClass::Stock => "class-stock",
        UpdateClass::WidenOnly => "class-widen-only",
        UpdateClass::Review => "class-review",
        UpdateClass::Replace => "class-replace",
    }
}

/// The plan as a review page.
pub fn render_html(plan: &Plan, opts: &HtmlOptions<'_>) -> String {
    let m = Messages::new(opts.lang);
    let mut out = String::new();
    let title = m.t("html-title");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        opts.lang.tag(),
        esc(&title)
    );
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&title));
    let _ = writeln!(out, "<p class=\"summary\">{}</p>", esc(&summary(plan, &m)));
    let checksum = match opts.checksum {
        Some(sum) => m.t_args("html-checksum", &[("checksum", sum.into())]),
        None => m.t("html-not-saved"),
    };
    let _ = writeln!(
        out,
        "<p class=\"checksum\">{}</p>\n</header>\n<main>",
        esc(&checksum)
    );
    refusals(&mut out, opts, &m);
    warnings(&mut out, plan, &m);
    let changed: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|rc| rc.action.is_change() || !rc.drift.is_empty() || !rc.notes.is_empty())
        .collect();
    if changed.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", esc(&m.t("html-no-changes")));
    }
    for rc in changed {
        card_section(&mut out, rc, plan.refresh_only, &m);
    }
    let unchanged: Vec<&str> = plan
        .resource_changes
        .iter()
        .filter(|rc| !rc.action.is_change() && rc.drift.is_empty() && rc.notes.is_empty())
        .map(|rc| rc.address.as_str())
        .collect();
    if !unchanged.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"notes\">{}</p>",
            esc(&m.t_args(
                "html-unchanged",
                &[
                    ("count", unchanged.len().into()),
                    ("addresses", unchanged.join(", ").into())
                ]
            ))
        );
    }
    let _ = writeln!(
        out,
        "<footer>{}</footer>\n</main>\n</body>\n</html>",
        esc(&m.t_args(
            "html-footer",
            &[("version", env!("CARGO_PKG_VERSION").into())]
        ))
    );
    out
}

/// "Plan: 1 to create, …" in the page's language.
pub fn summary(plan: &Plan, m: &Messages) -> String {
    if plan.refresh_only {
        return m.t_args(
            "summary-refresh-only",
            &[("drifted", plan.summary.drifted.into())],
        );
    }
    super::render_text::summary_line_in(m, plan)
}

fn warning_box(out: &mut String, class: &str, head: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<div class=\"warn {class}\"><strong>{}</strong><ul>",
        esc(head)
    );
    for item in items {
        let _ = write!(out, "<li>{}</li>", esc(item));
    }
    out.push_str("</ul></div>\n");
}

/// The gates' refusals: stock bought with 券点 that the plan throws away, and the
/// classes `--deny` or `[policy] deny` refuse, each with the cards concerned.
fn refusals(out: &mut String, opts: &HtmlOptions<'_>, m: &Messages) {
    let mut items: Vec<String> = Vec::new();
    for l in opts.stock_loss {
        let text = super::money::stock_loss_sentence(m, l, &l.address);
        items.push(format!("stock-loss (--allow-stock-loss): {text}"));
    }
    let mut classes: Vec<(crate::config::DenyClass, GateSource)> = Vec::new();
    for v in opts.denied {
        if !classes.contains(&(v.class, v.source)) {
            classes.push((v.class, v.source));
        }
    }
    for (class, source) in classes {
        let g = gate(class);
        let source = match source {
            GateSource::Flag => format!("--deny {}", g.name),
            GateSource::Config => m.t("html-denied-by-config"),
        };
        let names: Vec<&str> = opts
            .denied
            .iter()
            .filter(|v| v.class == class)
            .map(|v| v.address.as_str())
            .collect();
        items.push(format!("{} ({source}): {}", g.name, names.join(", ")));
    }
    warning_box(out, "replace refused", &m.t("html-refused"), &items);
}

fn warnings(out: &mut String, plan: &Plan, m: &Messages) {
    let fields = |it: &mut dyn Iterator<Item = &FieldChange>| {
        it.map(|f| f.path.as_str()).collect::<Vec<_>>().join(", ")
    };
    let item = |rc: &ResourceChange, reasons: &mut dyn Iterator<Item = &FieldChange>| {
        let fields = fields(reasons);
        if fields.is_empty() {
            return rc.address.clone();
        }
        m.t_args(
            "warn-card-fields",
            &[
                ("address", rc.address.as_str().into()),
                ("fields", fields.into()),
            ],
        )
    };
    let rcs = &plan.resource_changes;
    // A new card is submitted for review, not sent back (reference §3.1); a replacement
    // is a new card too, in its own box.
    let created: Vec<String> = rcs
        .iter()
        .filter(|rc| rc.action == Action::Create)
        .map(|rc| rc.address.clone())
        .collect();
    warning_box(out, "review", &m.t("warn-new-cards"), &created);
    let review: Vec<String> = rcs
        .iter()
        .filter(|rc| rc.action == Action::UpdateReview)
        .map(|rc| item(rc, &mut rc.review_reasons()))
        .collect();
    warning_box(out, "review", &m.t("warn-review"), &review);
    let replace: Vec<String> = rcs
        .iter()
        .filter(|rc| rc.action == Action::Replace)
        .map(|rc| item(rc, &mut rc.replace_reasons()))
        .collect();
    warning_box(out, "replace", &m.t("warn-replace"), &replace);
    let coin: Vec<String> = plan
        .resource_changes
        .iter()
        .filter_map(|rc| {
            let stock = rc
                .stock
                .as_ref()
                .filter(|s| s.coin_purchase && s.delta > 0)?;
            Some(match &stock.price {
                Some(p) => m.t_args(
                    "warn-coin-item-price",
                    &[
                        ("address", rc.address.as_str().into()),
                        ("delta", stock.delta.into()),
                        ("price", super::money::price_phrase(m, p).into()),
                    ],
                ),
                None => m.t_args(
                    "warn-coin-item",
                    &[
                        ("address", rc.address.as_str().into()),
                        ("delta", stock.delta.into()),
                    ],
                ),
            })
        })
        .collect();
    // The total, the balance, the budget and the consent, as the text plan says them.
    let coin: Vec<String> = if coin.is_empty() {
        coin
    } else {
        let totals = plan.coins.as_ref().map(|c| super::money::coin_lines(m, c));
        coin.into_iter()
            .chain(totals.into_iter().flatten().map(|(line, _)| line))
            .collect()
    };
    warning_box(out, "coin", &m.t("warn-coin"), &coin);
    let settings: Vec<String> = plan
        .settings
        .iter()
        .map(|s| {
            m.t_args(
                "warn-settings-item",
                &[
                    ("key", s.key.as_str().into()),
                    ("trusted", s.trusted.to_string().into()),
                    ("proposed", s.proposed.to_string().into()),
                ],
            )
        })
        .collect();
    warning_box(out, "settings", &m.t("warn-settings"), &settings);
}

fn face_figure(out: &mut String, caption: &str, face: Option<Face>, m: &Messages) {
    let _ = write!(
        out,
        "<div class=\"face\"><figure><figcaption>{}</figcaption>",
        esc(caption)
    );
    match face {
        // Inline SVG in HTML needs no namespace declaration.
        Some(face) => out.push_str(&render_svg(&face).replacen(
            " xmlns=\"http://www.w3.org/2000/svg\"",
            "",
            1,
        )),
        None => {
            let _ = write!(out, "<div class=\"none\">{}</div>", esc(&m.t("face-none")));
        }
    }
    out.push_str("</figure></div>\n");
}

fn before_face(rc: &ResourceChange) -> Option<Face> {
    let before: &Canonical = rc.before.as_deref()?;
    Some(Face::from_canonical(before, None))
}

fn after_face(rc: &ResourceChange) -> Option<Face> {
    let after: &Canonical = rc.after.as_deref()?;
    Some(Face::from_canonical(after, rc.derived_title.as_deref()))
}

fn card_section(out: &mut String, rc: &ResourceChange, refresh_only: bool, m: &Messages) {
    let action = rc.action.as_str().replace('+', "-");
    let _ = write!(
        out,
        "<section class=\"card\" id=\"card-{a}\" data-address=\"{a}\">\n<h2>{a}<span class=\"badge {action}\">{label}</span></h2>\n",
        a = esc(&rc.address),
        label = esc(&m.t(action_id(rc.action)))
    );
    if let Some(id) = &rc.card_id {
        let _ = writeln!(out, "<p class=\"notes\">card_id {}</p>", esc(id));
    }
    for note in &rc.notes {
        let _ = writeln!(
            out,
            "<p class=\"notes\">{}</p>",
            esc(&super::render_text::note_in(m, note))
        );
    }
    out.push_str("<div class=\"faces\">\n");
    face_figure(out, &m.t("face-before"), before_face(rc), m);
    if !refresh_only {
        face_figure(out, &m.t("face-after"), after_face(rc), m);
    }
    out.push_str("</div>\n");
    if let Some(stock) = &rc.stock {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            esc(&m.t_args(
                "stock-line",
                &[
                    ("from", i64::try_from(stock.from).unwrap_or(i64::MAX).into()),
                    ("to", i64::try_from(stock.to).unwrap_or(i64::MAX).into()),
                ]
            ))
        );
    }
    // cardform's own settings (lifecycle) never reach WeChat: not a change to show.
    let changes: Vec<FieldChange> = rc
        .changes
        .iter()
        .filter(|f| f.class != UpdateClass::Local)
        .cloned()
        .collect();
    field_table(out, &m.t("html-changes"), &changes, m);
    field_table(out, &m.t("html-drift"), &rc.drift, m);
    out.push_str("</section>\n");
}

fn field_table(out: &mut String, head: &str, changes: &[FieldChange], m: &Messages) {
    if changes.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        esc(head),
        esc(&m.t("col-field")),
        esc(&m.t("col-before")),
        esc(&m.t("col-after")),
        esc(&m.t("col-effect")),
    );
    let absent = m.t("value-absent");
    for f in changes {
        let class = match f.class {
            UpdateClass::Review => "class-review",
            UpdateClass::Replace => "class-replace",
            _ => "",
        };
        let (before, after) = (
            f.before.as_ref().map(|v| shown_in(v, m)),
            f.after.as_ref().map(|v| shown_in(v, m)),
        );
        let texts = (
            before.as_deref().and_then(Value::as_str),
            after.as_deref().and_then(Value::as_str),
        );
        let _ = write!(out, "<tr><td class=\"path\">{}</td>", esc(&f.path));
        if let (Some(before), Some(after)) = texts
            && (is_long(before) || is_long(after))
        {
            let _ = write!(
                out,
                "<td class=\"v\" colspan=\"2\"><pre class=\"diff\">{}</pre></td>",
                line_diff(before, after)
            );
        } else {
            let show = |v: &Option<Value>| match v {
                Some(v) => esc(&show_at(m, &f.path, v)),
                None => esc(&absent),
            };
            let _ = write!(
                out,
                "<td class=\"v\">{}</td><td class=\"v\">{}</td>",
                show(&f.before),
                show(&f.after)
            );
        }
        let _ = writeln!(
            out,
            "<td class=\"{class}\">{}</td></tr>",
            esc(&m.t(class_id(f.class)))
        );
    }
    out.push_str("</table>\n");
}

/// Texts worth a diff rather than two cells: several lines, or a sentence.
fn is_long(s: &str) -> bool {
    s.contains('\n') || s.chars().count() > 16
}

/// A line diff of two texts; a one-line text is compared character by character, since
/// Chinese has no spaces to split words at.
fn line_diff(before: &str, after: &str) -> String {
    let diff = if before.contains('\n') || after.contains('\n') {
        TextDiff::from_lines(before, after)
    } else {
        TextDiff::from_chars(before, after)
    };
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let text = esc(change.value());
        match change.tag() {
            ChangeTag::Equal => out.push_str(&text),
            ChangeTag::Delete => {
                let _ = write!(out, "<del>{text}</del>");
            }
            ChangeTag::Insert => {
                let _ = write!(out, "<ins>{text}</ins>");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_diffs_text() {
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(
            line_diff("结账时出示二维码", "结账前出示二维码"),
            "结账<del>时</del><ins>前</ins>出示二维码"
        );
        assert_eq!(
            line_diff("a\nb\n", "a\nc\n"),
            "a\n<del>b\n</del><ins>c\n</ins>"
        );
    }

    #[test]
    fn empty_plan_page_loads_nothing() {
        let plan = Plan::new(Vec::new(), false);
        for lang in Lang::ALL {
            let page = render_html(
                &plan,
                &HtmlOptions {
                    lang,
                    ..HtmlOptions::default()
                },
            );
            assert!(page.starts_with("<!DOCTYPE html>"));
            for needle in ["http://", "https://", "src=", "<script", "url("] {
                assert!(!page.contains(needle), "{needle} in {page}");
            }
        }
    }
}
