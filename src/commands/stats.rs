//! `cardform stats`: the data cube over any date range (split into ≤ 62-day calls),
//! the account overview and each card by address, as a table, CSV or JSON, and an
//! SVG chart.

use std::io::IsTerminal;

use crate::cli::{StatsArgs, StatsFormat};
use crate::exit::Outcome;
use crate::i18n::{Lang, Messages, lang, tr};
use crate::operate::stats::{StatRow, StatsQuery, chart_svg, csv, fetch};
use crate::operate::{columns, pad_end, pad_start};
use crate::write_policy::OutputKind;

use super::error::CommandError;
use super::output::print_json;
use super::project::with_session;

pub fn run(args: &StatsArgs) -> miette::Result<Outcome> {
    // The project's `[output] lang` from the first sentence (a refusal before the
    // project is loaded included).
    crate::i18n::for_dir(&args.dir);
    if args.accounts.given() || crate::platform::is_platform(&args.dir) {
        return super::platform_ops::stats(args);
    }
    if let Some(chart) = &args.chart
        && chart_kind(chart).is_none()
    {
        return Err(CommandError::ChartKind(chart.clone()).into());
    }
    let kind = match args.chart.as_deref().and_then(chart_kind) {
        Some(ChartKind::Png) => OutputKind::Png,
        _ => OutputKind::Svg,
    };
    // Before WeChat is asked anything.
    let chart_file = match &args.chart {
        Some(chart) => Some(
            super::project::write_policy_for_dir(&args.dir)?
                .check(chart, kind)
                .map_err(CommandError::from)?,
        ),
        None => None,
    };
    let (from, to) = dates(args)?;
    with_session(&args.dir, "stats", &args.run, async |session| {
        let (cards, names, unknown) = session.state.read(|s| {
            let names = s
                .resources
                .iter()
                .map(|(a, r)| (r.card_id.clone(), a.clone()))
                .collect();
            let mut cards = Vec::new();
            let mut unknown = Vec::new();
            for a in &args.cards {
                match s.resources.get(a) {
                    Some(r) => cards.push((a.clone(), r.card_id.clone())),
                    None => unknown.push(a.clone()),
                }
            }
            (cards, names, unknown)
        });
        if !unknown.is_empty() {
            return Err(CommandError::NoStatsCard(unknown.join(", ")).into());
        }
        let q = StatsQuery {
            from,
            to,
            cards,
            names,
        };
        let tty = std::io::stderr().is_terminal();
        let rows = fetch(&session.client, &q, |done, total| {
            if tty && total > 2 {
                eprint!("\r{}", tr!("op-stats-progress", done = done, total = total));
                if done == total {
                    eprintln!();
                }
            }
        })
        .await
        .map_err(CommandError::from)?;
        if let Some(file) = &chart_file {
            let path = file.path();
            // The labels in the user's language; a PNG's in English when no font with
            // Chinese characters is installed (its text would be lost otherwise).
            let png = match chart_kind(path) {
                Some(ChartKind::Png) => {
                    Some(crate::preview::raster::Rasterizer::with_system_fonts())
                }
                _ => None,
            };
            let m = match &png {
                Some(r) if !r.has_cjk_font && lang() != Lang::En => {
                    eprintln!(
                        "{}",
                        tr!("op-warning", message = tr!("op-stats-chart-english"))
                    );
                    Messages::new(Lang::En)
                }
                _ => Messages::process(),
            };
            let title = m.t_args(
                "op-stats-chart-title",
                &[
                    ("from", from.to_string().into()),
                    ("to", to.to_string().into()),
                ],
            );
            let svg = chart_svg(m, &rows, &title)
                .map_err(|e| CommandError::Chart(tr!("op-stats-chart-draw", error = e)))?;
            let bytes = match &png {
                // The same SVG, rasterised as the card previews are (resvg, system fonts).
                Some(rasterizer) => rasterizer.png(&svg, 2.0).map_err(|e| {
                    CommandError::Chart(tr!("op-stats-chart-png", error = e.to_string()))
                })?,
                None => svg.into_bytes(),
            };
            file.write(&bytes).map_err(CommandError::from)?;
            eprintln!("{}", tr!("op-stats-chart-written", path = path.display()));
        }
        match args.format {
            StatsFormat::Csv => print!("{}", csv(&rows)),
            StatsFormat::Json => print_json(&serde_json::json!({
                "format_version": "1",
                "from": from.to_string(),
                "to": to.to_string(),
                "rows": rows,
            }))?,
            StatsFormat::Table => print!("{}", table(&rows)),
        }
        Ok(Outcome::Success)
    })
}

/// `--from`/`--to` with their defaults (the 30 days up to yesterday, Beijing).
pub(super) fn dates(
    args: &StatsArgs,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), CommandError> {
    let today = chrono::Utc::now()
        .with_timezone(&cardform_spec::beijing())
        .date_naive();
    let to = args.to.unwrap_or(today - chrono::Duration::days(1));
    let from = args.from.unwrap_or(to - chrono::Duration::days(29));
    if from > to {
        return Err(CommandError::DatesReversed { from, to });
    }
    Ok((from, to))
}

/// The rows as the table `stats` prints: a line per day and scope, then the total of
/// the account's days. Headings in the process language, padded by terminal columns.
pub(super) fn table(rows: &[StatRow]) -> String {
    let account = tr!("op-stats-account");
    // The account overview's rows are named in words; a card's by its address.
    let scope = |r: &StatRow| {
        if r.scope == "account" {
            account.clone()
        } else {
            r.scope.clone()
        }
    };
    let (date, scope_head, total) = (
        tr!("op-stats-col-date"),
        tr!("op-stats-col-scope"),
        tr!("op-stats-total"),
    );
    let width = rows
        .iter()
        .map(|r| columns(&scope(r)))
        .max()
        .unwrap_or(5)
        .max(5);
    let date_width = columns(&date).max(columns(&total)).max(10);
    let short = [
        "op-stats-col-views",
        "op-stats-col-viewers",
        "op-stats-col-claims",
        "op-stats-col-claimers",
        "op-stats-col-redeemed",
        "op-stats-col-redeemers",
        "op-stats-col-gifted",
        "op-stats-col-gifters",
        "op-stats-col-expired",
        "op-stats-col-expirers",
    ]
    .map(|id| tr!(id));
    let column = short.iter().map(|h| columns(h)).max().unwrap_or(9).max(9);
    let numbers = |counters: [u64; 10]| {
        counters
            .map(|n| pad_start(&n.to_string(), column))
            .join(" ")
    };
    let mut out = format!(
        "{}  {}  {}\n",
        pad_end(&date, date_width),
        pad_end(&scope_head, width),
        short.map(|h| pad_start(&h, column)).join(" ")
    );
    for r in rows {
        out.push_str(&format!(
            "{}  {}  {}\n",
            pad_end(&r.date, date_width),
            pad_end(&scope(r), width),
            numbers(r.counters())
        ));
    }
    out.push_str(&format!(
        "{}  {}  {}\n",
        pad_end(&total, date_width),
        pad_end(&account, width),
        numbers(account_totals(rows))
    ));
    out
}

/// The sums of the account's days (scope `account`), in [`StatRow::counters`] order.
pub(super) fn account_totals(rows: &[StatRow]) -> [u64; 10] {
    let mut totals = [0u64; 10];
    for r in rows.iter().filter(|r| r.scope == "account") {
        for (t, n) in totals.iter_mut().zip(r.counters()) {
            *t += n;
        }
    }
    totals
}

enum ChartKind {
    Svg,
    Png,
}

/// The chart format its file name asks for.
fn chart_kind(path: &std::path::Path) -> Option<ChartKind> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Some(ChartKind::Svg),
        Some("png") => Some(ChartKind::Png),
        _ => None,
    }
}
