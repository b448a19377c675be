//! The data cube (reference §7) over any date range: WeChat answers at most 62 days
//! (end − begin) a call (61501 otherwise), so a range is split into such windows and
//! the days joined. The account overview comes from `getcardbizuininfo`, the cards'
//! days from `getcardcardinfo`, named by address. WeChat counts one `cond_source` a
//! call (0: cards made on the MP platform, 1: through the API; reference §7), so each
//! window is asked for both and the figures added: a merchant's MP-made cards (which
//! `import` adopts) count like the rest.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::i18n::Messages;
use crate::wechat::delivery::{CubeDay, CubeScope, CubeSource};
use crate::wechat::{ApiError, WeChatClient};

/// The longest window one call may span (end − begin, days).
pub const MAX_SPAN_DAYS: i64 = 62;

/// `from..=to` as windows of at most [`MAX_SPAN_DAYS`] (end − begin).
pub fn windows(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut begin = from;
    while begin <= to {
        let end = (begin + chrono::Duration::days(MAX_SPAN_DAYS)).min(to);
        out.push((begin, end));
        begin = end + chrono::Duration::days(1);
    }
    out
}

/// One row of the report: a day of the account or of one card.
#[derive(Debug, Clone, Serialize)]
pub struct StatRow {
    pub date: String,
    /// `account`, or the card's address (its card_id when it is not managed).
    pub scope: String,
    pub view_cnt: u64,
    pub view_user: u64,
    pub receive_cnt: u64,
    pub receive_user: u64,
    pub verify_cnt: u64,
    pub verify_user: u64,
    pub given_cnt: u64,
    pub given_user: u64,
    pub expire_cnt: u64,
    pub expire_user: u64,
}

impl StatRow {
    fn of(scope: String, d: &CubeDay) -> StatRow {
        StatRow {
            date: d.ref_date.clone(),
            scope,
            view_cnt: d.view_cnt,
            view_user: d.view_user,
            receive_cnt: d.receive_cnt,
            receive_user: d.receive_user,
            verify_cnt: d.verify_cnt,
            verify_user: d.verify_user,
            given_cnt: d.given_cnt,
            given_user: d.given_user,
            expire_cnt: d.expire_cnt,
            expire_user: d.expire_user,
        }
    }

    /// Adds another source's figures of the same day and scope. The user counts are
    /// added too: WeChat answers no user lists, and a user of an MP-made card and of an
    /// API-made card on one day counts twice (the data cube's own per-card sums do the
    /// same).
    fn add(&mut self, d: &CubeDay) {
        self.view_cnt += d.view_cnt;
        self.view_user += d.view_user;
        self.receive_cnt += d.receive_cnt;
        self.receive_user += d.receive_user;
        self.verify_cnt += d.verify_cnt;
        self.verify_user += d.verify_user;
        self.given_cnt += d.given_cnt;
        self.given_user += d.given_user;
        self.expire_cnt += d.expire_cnt;
        self.expire_user += d.expire_user;
    }

    /// The counters in CSV column order.
    pub fn counters(&self) -> [u64; 10] {
        [
            self.view_cnt,
            self.view_user,
            self.receive_cnt,
            self.receive_user,
            self.verify_cnt,
            self.verify_user,
            self.given_cnt,
            self.given_user,
            self.expire_cnt,
            self.expire_user,
        ]
    }
}

/// The CSV header, matching [`StatRow::counters`].
pub const COLUMNS: [&str; 10] = [
    "view_cnt",
    "view_user",
    "receive_cnt",
    "receive_user",
    "verify_cnt",
    "verify_user",
    "given_cnt",
    "given_user",
    "expire_cnt",
    "expire_user",
];

/// What to fetch.
pub struct StatsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Cards by (address, card_id); empty: every card of the account in one call per
    /// window, named by address where the state knows the card_id.
    pub cards: Vec<(String, String)>,
    /// card_id → address, for naming rows.
    pub names: BTreeMap<String, String>,
}

/// Rows keyed by (scope, date), the sources' figures added.
#[derive(Default)]
struct Rows(BTreeMap<(String, String), StatRow>);

impl Rows {
    fn add(&mut self, scope: String, d: &CubeDay) {
        self.0
            .entry((scope.clone(), d.ref_date.clone()))
            .and_modify(|r| r.add(d))
            .or_insert_with(|| StatRow::of(scope, d));
    }
}

/// The account overview then the cards' rows, each sorted by date, every figure the sum
/// of both sources ([`CubeSource::ALL`]). `progress` hears (calls done, calls in all)
/// after each call.
///
/// # Errors
/// Any [`ApiError`] of the data cube (61500 date format, 61501 range).
pub async fn fetch(
    client: &WeChatClient,
    q: &StatsQuery,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<StatRow>, ApiError> {
    let windows = windows(q.from, q.to);
    let per_window = (1 + q.cards.len().max(1)) * CubeSource::ALL.len();
    let total = windows.len() * per_window;
    let mut done = 0;
    let mut account = Rows::default();
    let mut cards = Rows::default();
    for (begin, end) in &windows {
        let (b, e) = (
            begin.format("%Y-%m-%d").to_string(),
            end.format("%Y-%m-%d").to_string(),
        );
        for source in CubeSource::ALL {
            for d in client.datacube(&b, &e, CubeScope::Account, source).await? {
                account.add("account".into(), &d);
            }
            done += 1;
            progress(done, total);
            if q.cards.is_empty() {
                for d in client.datacube(&b, &e, CubeScope::AllCards, source).await? {
                    let id = d.card_id.clone().unwrap_or_default();
                    let scope = q.names.get(&id).cloned().unwrap_or(id);
                    cards.add(scope, &d);
                }
                done += 1;
                progress(done, total);
            } else {
                for (address, card_id) in &q.cards {
                    for d in client
                        .datacube(&b, &e, CubeScope::Card(card_id), source)
                        .await?
                    {
                        cards.add(address.clone(), &d);
                    }
                    done += 1;
                    progress(done, total);
                }
            }
        }
    }
    // (scope, date) order: the account's days, then each card's.
    let mut rows: Vec<StatRow> = account.0.into_values().collect();
    rows.extend(cards.0.into_values());
    Ok(rows)
}

/// The rows as CSV (RFC 4180 quoting for the scope).
pub fn csv(rows: &[StatRow]) -> String {
    let mut out = format!("date,scope,{}\n", COLUMNS.join(","));
    for r in rows {
        let scope = if r.scope.contains([',', '"', '\n']) {
            format!("\"{}\"", r.scope.replace('"', "\"\""))
        } else {
            r.scope.clone()
        };
        let nums: Vec<String> = r.counters().iter().map(u64::to_string).collect();
        out.push_str(&format!("{},{scope},{}\n", r.date, nums.join(",")));
    }
    out
}

/// One line of the chart: its name, colour and counter.
type Series = (String, plotters::style::RGBColor, fn(&StatRow) -> u64);

/// An SVG chart of the account's claims, redemptions and views per day, its axis and
/// series labels in `m`'s language (the caller gives the title).
///
/// # Errors
/// The chart cannot be drawn (plotters' error, as text).
pub fn chart_svg(m: Messages, rows: &[StatRow], title: &str) -> Result<String, String> {
    use plotters::prelude::*;
    let days: Vec<&StatRow> = rows.iter().filter(|r| r.scope == "account").collect();
    let n = days.len().max(1);
    let top = days
        .iter()
        .map(|r| r.receive_cnt.max(r.verify_cnt).max(r.view_cnt))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0..(n - 1).max(1), 0..top + top / 10 + 1)
            .map_err(|e| e.to_string())?;
        let label = |i: &usize| days.get(*i).map(|r| r.date.clone()).unwrap_or_default();
        chart
            .configure_mesh()
            .x_labels(8)
            .x_label_formatter(&label)
            .y_desc(m.t("op-stats-chart-per-day"))
            .draw()
            .map_err(|e| e.to_string())?;
        let series: [Series; 3] = [
            (
                m.t("op-stats-chart-views"),
                RGBColor(0x50, 0x9f, 0xc9),
                |r| r.view_cnt,
            ),
            (
                m.t("op-stats-chart-claims"),
                RGBColor(0x63, 0xb3, 0x59),
                |r| r.receive_cnt,
            ),
            (
                m.t("op-stats-chart-redemptions"),
                RGBColor(0xcc, 0x46, 0x3d),
                |r| r.verify_cnt,
            ),
        ];
        for (name, color, value) in series {
            chart
                .draw_series(LineSeries::new(
                    days.iter().enumerate().map(|(i, r)| (i, value(r))),
                    color.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_span_at_most_62_days_and_cover_the_range() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let from = d("2026-01-01");
        let to = from + chrono::Duration::days(199);
        let w = windows(from, to);
        assert_eq!(w.len(), 4);
        assert_eq!(w[0], (from, from + chrono::Duration::days(62)));
        assert_eq!(w[3].1, to);
        for pair in w.windows(2) {
            assert_eq!(pair[0].1 + chrono::Duration::days(1), pair[1].0);
        }
        assert_eq!(windows(from, from), vec![(from, from)]);
        assert!(windows(to, from).is_empty());
    }
}
