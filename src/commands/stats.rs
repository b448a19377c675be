//! `cardform stats`: the data cube over any date range (split into ≤ 62-day calls),
//! the account overview and each card by address, as a table, CSV or JSON, and an
//! SVG chart.

use std::io::IsTerminal;

use crate::cli::{StatsArgs, StatsFormat};
use crate::exit::Outcome;
use crate::operate::stats::{StatRow, StatsQuery, chart_svg, csv, fetch};
use crate::write_policy::OutputKind;

use super::error::CommandError;
use super::output::print_json;
use super::project::with_session;

pub fn run(args: &StatsArgs) -> miette::Result<Outcome> {
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
                eprint!("\rdatacube: {done}/{total} calls");
                if done == total {
                    eprintln!();
                }
            }
        })
        .await
        .map_err(CommandError::from)?;
        if let Some(file) = &chart_file {
            let path = file.path();
            let svg = chart_svg(&rows, &format!("Cards {from} – {to}"))
                .map_err(|e| CommandError::Chart(format!("drawing the chart: {e}")))?;
            let bytes = match chart_kind(path) {
                // The same SVG, rasterised as the card previews are (resvg, system fonts).
                Some(ChartKind::Png) => crate::preview::raster::Rasterizer::with_system_fonts()
                    .png(&svg, 2.0)
                    .map_err(|e| CommandError::Chart(format!("drawing the chart as PNG: {e}")))?,
                _ => svg.into_bytes(),
            };
            file.write(&bytes).map_err(CommandError::from)?;
            eprintln!("Chart: {}", path.display());
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
/// the account's days.
pub(super) fn table(rows: &[StatRow]) -> String {
    let width = rows
        .iter()
        .map(|r| r.scope.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let short = [
        "views",
        "viewers",
        "claims",
        "claimers",
        "redeemed",
        "redeemers",
        "gifted",
        "gifters",
        "expired",
        "expirers",
    ];
    let mut out = format!(
        "{:<10}  {:<width$}  {}\n",
        "date",
        "scope",
        short.map(|h| format!("{h:>9}")).join(" ")
    );
    for r in rows {
        out.push_str(&format!(
            "{:<10}  {:<width$}  {}\n",
            r.date,
            r.scope,
            r.counters().map(|n| format!("{n:>9}")).join(" ")
        ));
    }
    out.push_str(&format!(
        "{:<10}  {:<width$}  {}\n",
        "total",
        "account",
        account_totals(rows).map(|n| format!("{n:>9}")).join(" ")
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
