//! The comment's sections above the cards: what the plan read, the settings it
//! proposes, its 券点 and whitelist, the policy denials and the risks, each within a
//! budget of characters.

use crate::i18n::Messages;
use crate::live::ReviewStatus;
use crate::plan::policy::{GateSource, Violation, gate};
use crate::plan::refresh::{calls_line, refresh_note};
use crate::plan::stock_loss::StockLoss;
use crate::plan::types::{Action, Plan, ResourceChange};
use std::fmt::Write as _;

/// What the plan read from WeChat: the cards it skipped (`--refresh=changed`) and the
/// API calls it made and applying it will make. Empty for plans built without a session.
pub(super) fn reads_section(m: &Messages, plan: &Plan) -> String {
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

/// The settings the pull request's cardform.toml (or a platform account's account.toml,
/// [`Plan::settings_file`]) proposes (under `--trusted-settings`):
/// nothing when there are none. Each value is cut to a share of `budget`.
pub(super) fn settings_section(m: &Messages, plan: &Plan, budget: usize) -> String {
    if plan.settings.is_empty() {
        return String::new();
    }
    let cell = |v: &serde_json::Value| {
        let mut text = crate::plan::render_text::setting_value_in(m, v)
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
    let intro = match &plan.settings_file {
        Some(file) => m.t_args("pf-tr-md-settings", &[("file", file.as_str().into())]),
        None => m.t("md-settings"),
    };
    let _ = writeln!(p, "> {intro}");
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
pub(super) fn money_section(m: &Messages, plan: &Plan) -> String {
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
        for (line, _) in crate::plan::coin_lines(m, c) {
            let _ = writeln!(p, "> - {line}");
        }
        let _ = writeln!(p);
    }
    if let Some(w) = &plan.whitelist {
        let _ = writeln!(p, "{}\n", m.t("md-whitelist-head"));
        let _ = writeln!(p, "```diff");
        for line in crate::plan::whitelist_lines(m, w) {
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

pub(super) fn policy_section(
    m: &Messages,
    denied: &[Violation],
    stock_loss: &[StockLoss],
    budget: usize,
) -> String {
    if denied.is_empty() && stock_loss.is_empty() {
        return String::new();
    }
    let mut p = String::new();
    let _ = writeln!(p, "> [!CAUTION]");
    let _ = writeln!(p, "> {}", m.t("md-denied"));
    for l in stock_loss {
        let _ = writeln!(
            p,
            "> - **stock-loss** (`--allow-stock-loss`): {}",
            crate::plan::money::stock_loss_sentence(m, l, &format!("`{}`", l.address))
        );
    }
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
pub(super) fn risk_section(m: &Messages, plan: &Plan, budget: usize) -> String {
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
            .any(|d| d.rule == crate::plan::note::DELETED_OUTSIDE)
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
pub(super) fn join_capped(
    m: &Messages,
    items: impl Iterator<Item = String>,
    budget: usize,
) -> String {
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
