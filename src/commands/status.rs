//! `cardform status [DIR]`: each managed card's review state and whether users can
//! claim it now.

use crate::cli::{Format, StatusArgs};
use crate::exit::Outcome;
use crate::i18n::{Lang, Messages, tr};
use crate::operate::pad_end;
use crate::operate::review::{mark_stock_not_bought, review_column, statuses_in};

use super::error::CommandError;
use super::output::print_json;
use super::project::with_session;

pub fn run(args: &StatusArgs) -> miette::Result<Outcome> {
    // The project's `[output] lang` from the first sentence (a refusal before the
    // project is loaded included).
    crate::i18n::for_dir(&args.project.dir);
    if args.accounts.given() || crate::platform::is_platform(&args.project.dir) {
        return super::platform::status(args);
    }
    with_session(&args.project.dir, "status", &args.run, async |session| {
        let (cards, whitelist_set) = session.state.read(|s| {
            let cards: Vec<(String, String)> = s
                .resources
                .iter()
                .map(|(a, r)| (a.clone(), r.card_id.clone()))
                .collect();
            let wl = s
                .test_whitelist
                .as_ref()
                .is_some_and(|w| !w.openids.is_empty() || !w.usernames.is_empty());
            (cards, wl)
        });
        let now = chrono::Utc::now().timestamp();
        // JSON is data: its sentences (`why`) stay English whatever the language.
        let m = if args.format == Format::Json {
            Messages::new(Lang::En)
        } else {
            Messages::process()
        };
        let mut rows = statuses_in(
            m,
            &session.client,
            cards,
            now,
            whitelist_set,
            session.parallelism,
        )
        .await
        .map_err(CommandError::from)?;
        // The declared stock of friends coupons, when the cards load (status does not
        // need them otherwise, so a card file that does not load only loses this).
        let wanted: std::collections::BTreeMap<String, u64> =
            crate::config::load_project(&args.project.dir)
                .map(|p| {
                    p.cards
                        .iter()
                        .filter(|(_, d)| d.card.is_friends())
                        .map(|(a, d)| (a.clone(), u64::from(d.card.base_info.sku.quantity)))
                        .collect()
                })
                .unwrap_or_default();
        mark_stock_not_bought(m, &mut rows, &wanted);
        let recorded = session.state.read(|s| s.sub_merchants.clone());
        let mut subs = crate::operate::sub_merchants::statuses(&session.client, &recorded)
            .await
            .map_err(CommandError::from)?;
        // What WeChat pushed (`cardform events serve`): a rejection's reason (cards and
        // sub-merchants), low stock.
        let records = crate::events::read::records_for_project(
            &session.root,
            session.config.state.as_deref(),
        );
        let notes = crate::events::read::card_notes(&records);
        crate::events::read::annotate_sub_merchants(&mut subs, &records);
        let whys: Vec<String> = rows.iter().map(|r| r.why.clone()).collect();
        let extra = crate::events::read::annotate(&mut rows, &notes);
        if args.format == Format::Json {
            let mut cards =
                serde_json::to_value(&rows).map_err(|e| CommandError::Json(e.into()))?;
            crate::events::read::annotate_json(&mut cards, &extra);
            let mut doc = serde_json::json!({ "format_version": "1", "cards": cards });
            if !subs.is_empty() {
                doc["sub_merchants"] = serde_json::json!(subs);
            }
            print_json(&doc)?;
            return Ok(Outcome::Success);
        }
        for line in crate::operate::sub_merchants::text_lines(&subs) {
            println!("{line}");
        }
        if rows.is_empty() && !subs.is_empty() {
            return Ok(Outcome::Success);
        }
        if rows.is_empty() {
            println!("{}", tr!("op-status-none"));
            return Ok(Outcome::Success);
        }
        let width = rows
            .iter()
            .map(|r| r.address.chars().count())
            .max()
            .unwrap_or(0);
        // Padded by terminal columns, so translated words keep the columns aligned.
        for (i, r) in rows.iter().enumerate() {
            // What the event log added, said in the process language (the JSON above
            // keeps `annotate`'s English).
            let why = match (extra.get(&i), whys.get(i)) {
                (Some(notes), Some(plain)) => noted_why(plain, notes),
                _ => r.why.clone(),
            };
            println!(
                "{:<width$}  {}  {}  {}  {}",
                r.address,
                pad_end(&review_column(m, r.review), 12),
                pad_end(
                    &r.remaining
                        .map(|n| tr!("op-status-stock", count = n))
                        .unwrap_or_default(),
                    10
                ),
                if r.claimable {
                    tr!("op-status-claimable")
                } else {
                    tr!("op-status-not-claimable")
                },
                why
            );
        }
        let claimable = rows.iter().filter(|r| r.claimable).count();
        println!(
            "{}",
            tr!(
                "op-status-summary",
                claimable = claimable,
                total = rows.len()
            )
        );
        Ok(Outcome::Success)
    })
}

/// A card's why with what the event log adds (a rejection's reason, a low-stock
/// alarm), as `events::read::annotate` words it, in the process language.
fn noted_why(plain: &str, notes: &crate::events::read::CardNotes) -> String {
    let mut why = match &notes.refuse_reason {
        Some(reason) => tr!(
            "op-why-rejected-reason",
            reason = crate::visible::visible(reason).to_string()
        ),
        None => plain.to_string(),
    };
    if let Some(low) = &notes.low_stock {
        why = tr!(
            "op-why-low-stock",
            why = why,
            detail = crate::visible::visible(low).to_string()
        );
    }
    why
}
