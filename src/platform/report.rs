//! One report over a platform run: a summary table (account, creates, updates, sent to
//! review, replaced, deleted, 券点, errors), then each account's plan — a `<details>`
//! section per account in markdown, one entry per account in JSON, a block per account
//! in text. The JSON document is also what `plan merge` reads back.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::exit::Outcome;
use crate::i18n::{Lang, Messages, tr};
use crate::plan::{MarkdownOptions, Plan, TextOptions, render_markdown_with, render_text};

use super::files::{ACCOUNT_FILE, ACCOUNTS_DIR};
use super::run::{AccountResult, AppliedCounts, Failure, RunOutcome, Status};

/// The platform report's JSON format version.
pub const REPORT_FORMAT_VERSION: &str = "1";

/// The words of the report in one language (from `platform.ftl`).
struct Words {
    m: Messages,
    title_plan: String,
    title_apply: String,
    header: [String; 8],
    no_changes: String,
    failed: String,
    denied: String,
    refused: String,
}

fn words(lang: Lang) -> Words {
    let m = Messages::new(lang);
    Words {
        title_plan: m.t("pf-report-title-plan"),
        title_apply: m.t("pf-report-title-apply"),
        header: [
            "pf-col-account",
            "pf-col-creates",
            "pf-col-updates",
            "pf-col-review",
            "pf-col-replaced",
            "pf-col-deleted",
            "pf-col-coins",
            "pf-col-errors",
        ]
        .map(|id| m.t(id)),
        no_changes: m.t("pf-report-no-changes"),
        failed: m.t("pf-report-failed"),
        denied: m.t("pf-report-denied"),
        refused: m.t("pf-report-refused"),
        m,
    }
}

impl Words {
    /// A failure's stage (`authorizer`, `plan`, `apply`: the JSON keeps the English).
    fn stage(&self, stage: &str) -> String {
        match stage {
            "authorizer" | "plan" | "apply" => self.m.t(&format!("pf-stage-{stage}")),
            other => other.to_string(),
        }
    }
}

/// One account in the JSON report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountEntry {
    pub name: String,
    pub appid: String,
    pub status: String,
    pub row: Row,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denied: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// The account's plan (the saved-plan form), when it was planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureEntry {
    pub stage: String,
    pub message: String,
}

/// The summary table's numbers for one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub creates: usize,
    pub updates: usize,
    pub sent_to_review: usize,
    pub replaced: usize,
    pub deleted: usize,
    /// 券点 to spend, as text (exact: "12.5").
    pub coins: String,
    pub errors: usize,
}

/// A saved plan a run wrote (`plan --save`), so a reviewer can match it with the
/// checksum `apply FILE` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRef {
    pub checksum: String,
    #[serde(default)]
    pub shard: Option<String>,
}

/// The whole report (JSON), one entry per account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub format_version: String,
    /// `plan` or `apply`.
    pub operation: String,
    /// The git commit the platform folder was at (shards of one plan share it).
    #[serde(default)]
    pub commit: Option<String>,
    /// `K/N` when the run was one shard; `merged` after `plan merge`.
    #[serde(default)]
    pub shard: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_refusal: Option<String>,
    /// The saved plans the runs wrote (`plan --save`), one per shard.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saved_plans: Vec<SavedRef>,
    /// What the pull request's root cardform.toml proposes for the trusted settings
    /// (`plan --trusted-settings DIR`); each account's own are in its plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<crate::config::trust::SettingChange>,
    pub accounts: Vec<AccountEntry>,
}

fn row(r: &AccountResult) -> Row {
    let errors = r.errors.len() + usize::from(r.failure.is_some());
    let coins = r.coins().to_string();
    match (&r.applied, &r.plan) {
        (Some(a), _) => applied_row(a, coins, errors),
        (None, Some(p)) => Row {
            creates: p.summary.create,
            updates: p.summary.update,
            sent_to_review: p.summary.review,
            replaced: p.summary.replace,
            deleted: p.summary.delete,
            coins,
            errors,
        },
        (None, None) => Row {
            coins,
            errors,
            ..Row::default()
        },
    }
}

fn applied_row(a: &AppliedCounts, coins: String, errors: usize) -> Row {
    Row {
        creates: a.created,
        updates: a.updated,
        sent_to_review: a.sent_to_review,
        replaced: a.replaced,
        deleted: a.deleted,
        coins,
        errors,
    }
}

/// `accounts/<name>/account.toml`, as the reports name an account's file.
fn account_file(name: &str) -> String {
    format!("{ACCOUNTS_DIR}/{name}/{ACCOUNT_FILE}")
}

fn status_name(s: &Status) -> &'static str {
    match s {
        Status::Planned => "planned",
        Status::Applied => "applied",
        Status::Denied => "denied",
        Status::Failed => "failed",
    }
}

impl Report {
    pub fn new(
        operation: &str,
        outcome: RunOutcome,
        commit: Option<String>,
        shard: Option<String>,
    ) -> Report {
        Report {
            format_version: REPORT_FORMAT_VERSION.to_string(),
            operation: operation.to_string(),
            commit,
            shard,
            run_refusal: outcome.run_refusal,
            saved_plans: Vec::new(),
            settings: Vec::new(),
            accounts: outcome
                .results
                .into_iter()
                .map(|r| AccountEntry {
                    name: r.name.clone(),
                    appid: r.appid.clone(),
                    status: status_name(&r.status).to_string(),
                    row: row(&r),
                    denied: r.denied.clone(),
                    failure: r.failure.as_ref().map(|f: &Failure| FailureEntry {
                        stage: f.stage.clone(),
                        message: f.message.clone(),
                    }),
                    errors: r.errors.clone(),
                    plan: r.plan.map(|mut p| {
                        // Its proposals are of its own file, not of the root cardform.toml.
                        if !p.settings.is_empty() {
                            p.settings_file = Some(account_file(&r.name));
                        }
                        p
                    }),
                })
                .collect(),
        }
    }

    /// How the command exits: 4 when an account failed (documented: "some accounts
    /// failed", above everything else), else 3 when a gate refused, else 2 for changes
    /// under `--detailed-exitcode`, else 0.
    pub fn outcome(&self, detailed_exitcode: bool) -> Outcome {
        if self.accounts.iter().any(|a| a.status == "failed") {
            return Outcome::AccountsFailed;
        }
        if self.run_refusal.is_some() || self.accounts.iter().any(|a| a.status == "denied") {
            return Outcome::PolicyDenied;
        }
        let changes = self.operation == "plan"
            && (!self.settings.is_empty()
                || self.accounts.iter().any(|a| {
                    a.plan
                        .as_ref()
                        .is_some_and(|p| p.has_changes() || !p.settings.is_empty())
                }));
        if detailed_exitcode && changes {
            return Outcome::ChangesPresent;
        }
        Outcome::Success
    }

    fn cells(a: &AccountEntry, w: &Words) -> [String; 8] {
        let r = &a.row;
        let errors = match (a.status.as_str(), r.errors) {
            ("failed", n) => format!("{} ({n})", w.failed),
            ("denied", _) => w.denied.clone(),
            (_, 0) => "—".to_string(),
            (_, n) => n.to_string(),
        };
        [
            a.name.clone(),
            r.creates.to_string(),
            r.updates.to_string(),
            r.sent_to_review.to_string(),
            r.replaced.to_string(),
            r.deleted.to_string(),
            r.coins.clone(),
            errors,
        ]
    }

    /// One line per saved plan: its checksum and shard.
    fn saved_lines(&self, w: &Words) -> Vec<String> {
        self.saved_plans
            .iter()
            .map(|p| {
                let shard = p
                    .shard
                    .as_deref()
                    .map(|s| w.m.t_args("pf-report-shard", &[("shard", s.into())]))
                    .unwrap_or_default();
                w.m.t_args(
                    "pf-sv-report-saved",
                    &[
                        ("checksum", p.checksum.as_str().into()),
                        ("shard", shard.into()),
                    ],
                )
            })
            .collect()
    }

    fn title(&self, w: &Words) -> String {
        let t = if self.operation == "apply" {
            &w.title_apply
        } else {
            &w.title_plan
        };
        let shard = self
            .shard
            .as_deref()
            .map(|s| match merged_count(s) {
                Some(n) => w.m.t_args("pf-report-shard-merged", &[("n", n.into())]),
                None => w.m.t_args("pf-report-shard", &[("shard", s.into())]),
            })
            .unwrap_or_default();
        w.m.t_args(
            "pf-report-title",
            &[
                ("title", t.as_str().into()),
                ("n", self.accounts.len().into()),
                ("shard", shard.into()),
            ],
        )
    }

    /// The markdown report (a pull-request comment).
    pub fn markdown(&self, lang: Lang) -> String {
        let w = &words(lang);
        let mut out = String::new();
        let _ = writeln!(out, "## {}\n", self.title(w));
        if let Some(why) = &self.run_refusal {
            let _ = writeln!(out, "> **{}:** {}\n", w.refused, why.replace('\n', " "));
        }
        for line in self.saved_lines(w) {
            let _ = writeln!(out, "> {}\n", md_cell(&line));
        }
        out.push_str(&super::trusted::settings_markdown(&w.m, &self.settings));
        let _ = writeln!(out, "| {} |", w.header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(8));
        for a in &self.accounts {
            let cells: Vec<String> = Self::cells(a, w).iter().map(|c| md_cell(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        for a in &self.accounts {
            let headline = match (&a.failure, &a.plan) {
                (Some(f), _) => format!(
                    "{} ({}: {})",
                    w.failed,
                    w.stage(&f.stage),
                    md_cell(&f.message)
                ),
                (None, Some(p)) if !p.has_changes() && p.settings.is_empty() => {
                    w.no_changes.clone()
                }
                _ => format!(
                    "{} / {} / {} / {}",
                    a.row.creates, a.row.updates, a.row.replaced, a.row.deleted
                ),
            };
            let _ = writeln!(
                out,
                "\n<details><summary><b>{}</b> ({}) — {headline}</summary>\n",
                md_cell(&a.name),
                md_cell(&a.appid)
            );
            if let Some(d) = &a.denied {
                let _ = writeln!(
                    out,
                    "**{}**\n\n```\n{}\n```\n",
                    w.denied,
                    d.replace("```", "'''")
                );
            }
            for e in &a.errors {
                let _ = writeln!(out, "- {}", md_cell(e));
            }
            if let Some(p) = &a.plan {
                out.push_str(&render_markdown_with(
                    p,
                    &MarkdownOptions {
                        lang,
                        ..MarkdownOptions::default()
                    },
                ));
            }
            out.push_str("\n</details>\n");
        }
        out
    }

    /// The terminal report: each account's plan, then the summary table.
    pub fn text(&self, lang: Lang, color: bool) -> String {
        let w = &words(lang);
        let mut out = String::new();
        for a in &self.accounts {
            let _ = writeln!(
                out,
                "{}",
                w.m.t_args(
                    "pf-account-head",
                    &[
                        ("name", a.name.as_str().into()),
                        ("appid", a.appid.as_str().into())
                    ]
                )
            );
            if let Some(f) = &a.failure {
                let _ = writeln!(
                    out,
                    "{}",
                    w.m.t_args(
                        "pf-report-failed-at",
                        &[
                            ("stage", w.stage(&f.stage).into()),
                            ("message", f.message.as_str().into())
                        ]
                    )
                );
            }
            if let Some(d) = &a.denied {
                let _ = writeln!(out, "{}:\n{d}", w.denied);
            }
            for e in &a.errors {
                let _ = writeln!(
                    out,
                    "  {}",
                    w.m.t_args("pf-report-error", &[("error", e.as_str().into())])
                );
            }
            if let (Some(p), "plan") = (&a.plan, self.operation.as_str()) {
                out.push_str(&render_text(p, TextOptions { color, lang }));
            }
            out.push('\n');
        }
        if let Some(why) = &self.run_refusal {
            let _ = writeln!(out, "{}:\n{why}\n", w.refused);
        }
        for line in self.saved_lines(w) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str(&super::trusted::settings_text(&w.m, &self.settings));
        let _ = writeln!(out, "{}", self.title(w));
        let rows: Vec<[String; 8]> = std::iter::once(w.header.clone())
            .chain(self.accounts.iter().map(|a| Self::cells(a, w)))
            .collect();
        let widths: Vec<usize> = (0..8)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, wd)| format!("{c}{}", " ".repeat(wd - c.chars().count())))
                .collect();
            let _ = writeln!(out, "  {}", line.join("  ").trim_end());
        }
        out
    }
}

impl Report {
    /// A self-contained HTML page: the summary table with an index (each account's
    /// name links to its section), then one section per account with its plan as text.
    pub fn html(&self, lang: Lang) -> String {
        let w = &words(lang);
        let esc = |s: &str| {
            crate::visible::visible(s)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let mut out = String::new();
        let title = esc(&self.title(w));
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>body{{font-family:system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .6em;text-align:right}}td:first-child,th:first-child{{text-align:left}}pre{{background:#f6f6f6;padding:1em;overflow:auto}}.failed{{color:#b00}}</style></head><body>\n<h1>{title}</h1>\n",
            if lang == Lang::ZhCn { "zh-CN" } else { "en" }
        );
        if let Some(why) = &self.run_refusal {
            let _ = writeln!(
                out,
                "<p class=\"failed\"><b>{}:</b> {}</p>",
                w.refused,
                esc(why)
            );
        }
        for line in self.saved_lines(w) {
            let _ = writeln!(out, "<p>{}</p>", esc(&line));
        }
        out.push_str(&super::trusted::settings_html(&w.m, &self.settings, &esc));
        let _ = write!(out, "<table><tr>");
        for h in &w.header {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        let _ = writeln!(out, "</tr>");
        for (i, a) in self.accounts.iter().enumerate() {
            let cells = Self::cells(a, w);
            let _ = write!(
                out,
                "<tr><td><a href=\"#account-{i}\">{}</a></td>",
                esc(&cells[0])
            );
            for c in &cells[1..] {
                let _ = write!(out, "<td>{}</td>", esc(c));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</table>");
        for (i, a) in self.accounts.iter().enumerate() {
            let _ = writeln!(
                out,
                "<section id=\"account-{i}\"><h2>{} ({})</h2>",
                esc(&a.name),
                esc(&a.appid)
            );
            if let Some(f) = &a.failure {
                let _ = writeln!(
                    out,
                    "<p class=\"failed\">{} ({}): {}</p>",
                    w.failed,
                    esc(&w.stage(&f.stage)),
                    esc(&f.message)
                );
            }
            if let Some(d) = &a.denied {
                let _ = writeln!(
                    out,
                    "<p class=\"failed\">{}</p><pre>{}</pre>",
                    w.denied,
                    esc(d)
                );
            }
            for e in &a.errors {
                let _ = writeln!(out, "<p class=\"failed\">{}</p>", esc(e));
            }
            if let Some(p) = &a.plan {
                let _ = writeln!(
                    out,
                    "<pre>{}</pre>",
                    esc(&render_text(p, TextOptions { color: false, lang }))
                );
            }
            let _ = writeln!(out, "</section>");
        }
        out.push_str("</body></html>\n");
        out
    }
}

/// A value inside a markdown table cell: no pipes, no newlines, no HTML.
fn md_cell(s: &str) -> String {
    crate::visible::visible(s)
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Why shards cannot be merged; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum MergeError {
    #[error("{}", tr!("pf-merge-unreadable", file = .file, problem = .problem))]
    #[diagnostic(
        code(cardform::platform::merge),
        help("{}", tr!("pf-merge-unreadable-help"))
    )]
    Unreadable { file: String, problem: String },
    #[error("{}", tr!("pf-merge-commits", a = .a, ca = .ca, b = .b, cb = .cb))]
    #[diagnostic(
        code(cardform::platform::merge_commits),
        help("{}", tr!("pf-merge-commits-help"))
    )]
    Commits {
        a: String,
        ca: String,
        b: String,
        cb: String,
    },
    #[error("{}", tr!("pf-merge-overlap", account = .account, a = .a, b = .b))]
    #[diagnostic(
        code(cardform::platform::merge_overlap),
        help("{}", tr!("pf-merge-overlap-help"))
    )]
    Overlap {
        account: String,
        a: String,
        b: String,
    },
    #[error("{}", tr!("pf-merge-empty"))]
    #[diagnostic(code(cardform::platform::merge))]
    Empty,
}

/// The number of files of a merged report's `shard` ("merged from N file(s)").
fn merged_count(shard: &str) -> Option<usize> {
    shard
        .strip_prefix("merged from ")?
        .strip_suffix(" file(s)")?
        .parse()
        .ok()
}

/// Joins the shards' reports (`(file name, JSON text)`) into one, refusing reports of
/// different commits or with an account in two of them.
///
/// # Errors
/// [`MergeError`].
pub fn merge(files: &[(String, String)]) -> Result<Report, MergeError> {
    let mut reports: Vec<(String, Report)> = Vec::new();
    for (name, text) in files {
        let r: Report = serde_json::from_str(text).map_err(|e| MergeError::Unreadable {
            file: name.clone(),
            problem: e.to_string(),
        })?;
        if r.format_version != REPORT_FORMAT_VERSION || r.operation != "plan" {
            return Err(MergeError::Unreadable {
                file: name.clone(),
                problem: tr!(
                    "pf-merge-not-plan",
                    version = r.format_version,
                    operation = r.operation
                ),
            });
        }
        reports.push((name.clone(), r));
    }
    let Some((first_name, first)) = reports.first() else {
        return Err(MergeError::Empty);
    };
    let commit = first.commit.clone();
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    let mut accounts = Vec::new();
    let mut refusals = Vec::new();
    let mut saved_plans = Vec::new();
    let mut settings = Vec::new();
    for (name, r) in &reports {
        if r.commit != commit {
            return Err(MergeError::Commits {
                a: first_name.clone(),
                ca: commit.clone().unwrap_or_else(|| tr!("pf-merge-no-commit")),
                b: name.clone(),
                cb: r
                    .commit
                    .clone()
                    .unwrap_or_else(|| tr!("pf-merge-no-commit")),
            });
        }
        for a in &r.accounts {
            if let Some(other) = seen.insert(a.name.clone(), name.clone()) {
                return Err(MergeError::Overlap {
                    account: a.name.clone(),
                    a: other,
                    b: name.clone(),
                });
            }
            accounts.push(a.clone());
        }
        refusals.extend(r.run_refusal.clone());
        saved_plans.extend(r.saved_plans.iter().cloned());
        // Shards of one run share its run-level refusal: shown once.
        if let Some(why) = r.run_refusal.as_ref().filter(|w| !refusals.contains(*w)) {
            refusals.push(why.clone());
        }
        for s in &r.settings {
            if !settings.contains(s) {
                settings.push(s.clone());
            }
        }
    }
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Report {
        format_version: REPORT_FORMAT_VERSION.to_string(),
        operation: "plan".into(),
        commit,
        shard: Some(format!("merged from {} file(s)", reports.len())),
        run_refusal: (!refusals.is_empty()).then(|| refusals.join("\n")),
        saved_plans,
        settings,
        accounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(commit: &str, names: &[&str]) -> String {
        let r = Report {
            format_version: REPORT_FORMAT_VERSION.into(),
            operation: "plan".into(),
            commit: Some(commit.into()),
            shard: None,
            run_refusal: None,
            saved_plans: Vec::new(),
            settings: Vec::new(),
            accounts: names
                .iter()
                .map(|n| AccountEntry {
                    name: n.to_string(),
                    appid: format!("wx{n}"),
                    status: "planned".into(),
                    row: Row::default(),
                    denied: None,
                    failure: None,
                    errors: Vec::new(),
                    plan: Some(Plan::new(Vec::new(), false)),
                })
                .collect(),
        };
        serde_json::to_string(&r).expect("json")
    }

    #[test]
    fn merge_joins_shards_and_refuses_overlaps_and_other_commits() {
        let merged = merge(&[
            ("s1".into(), report("c1", &["b", "c"])),
            ("s2".into(), report("c1", &["a"])),
        ])
        .expect("merges");
        let names: Vec<&str> = merged.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(merged.outcome(true), Outcome::Success);
        let md = merged.markdown(Lang::En);
        assert_eq!(md.matches("<details>").count(), 3, "{md}");
        let html = merged.html(Lang::En);
        assert_eq!(html.matches("<section id=").count(), 3);
        assert!(html.contains("<a href=\"#account-0\">a</a>"), "{html}");
        assert!(md.contains(
            "| account | creates | updates | sent to review | replaced | deleted | 券点 | errors |"
        ));
        assert!(matches!(
            merge(&[
                ("s1".into(), report("c1", &["a"])),
                ("s2".into(), report("c2", &["b"]))
            ]),
            Err(MergeError::Commits { .. })
        ));
        assert!(matches!(
            merge(&[
                ("s1".into(), report("c1", &["a"])),
                ("s2".into(), report("c1", &["a"]))
            ]),
            Err(MergeError::Overlap { .. })
        ));
        assert!(matches!(
            merge(&[("x".into(), "{}".into())]),
            Err(MergeError::Unreadable { .. })
        ));
    }

    #[test]
    fn a_failed_account_exits_4_above_everything() {
        let mut r: Report = serde_json::from_str(&report("c", &["a", "b"])).expect("json");
        r.accounts[0].status = "denied".into();
        assert_eq!(r.outcome(false), Outcome::PolicyDenied);
        r.accounts[1].status = "failed".into();
        assert_eq!(r.outcome(false), Outcome::AccountsFailed);
        assert_eq!(Outcome::AccountsFailed.code(), 4);
    }
}
