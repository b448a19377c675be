//! What `cardform apply` shows: the report of what it did (text or JSON) and the wait
//! for WeChat's review.

use super::error::CommandError;
use super::output::print_json;
use crate::apply::ApplyOutcome;
use crate::cli::Format;
use crate::i18n::tr;
use crate::plan::{JsonPlan, Plan, json_plan};
use crate::session::Session;

/// `apply --wait-for-review`: the cards the apply created or sent to review, polled
/// until WeChat approves or rejects each (or the timeout passes).
pub async fn wait_for_review(
    session: &Session,
    plan: &Plan,
    timeout: std::time::Duration,
    since_ms: i64,
) -> miette::Result<Vec<crate::operate::review::ReviewOutcome>> {
    let cards: Vec<(String, String)> = session.state.read(|s| {
        plan.resource_changes
            .iter()
            .filter(|rc| rc.triggers_review)
            .filter_map(|rc| {
                s.resources
                    .get(&rc.address)
                    .map(|r| (rc.address.clone(), r.card_id.clone()))
            })
            .collect()
    });
    if cards.is_empty() {
        return Ok(Vec::new());
    }
    eprintln!(
        "{}",
        tr!(
            "apply-waiting",
            seconds = timeout.as_secs(),
            count = cards.len()
        )
    );
    // A receiver (`cardform events serve`) storing into this project's event log ends
    // the wait at the push; card/get polling stays the fallback.
    let log = crate::events::open_project_log(&session.root, session.config.state.as_deref()).ok();
    let watch = log
        .as_deref()
        .map(|l| crate::operate::review::EventWatch::new(l, since_ms));
    let outcomes = crate::operate::review::wait_for_review(
        &session.client,
        cards,
        timeout,
        watch,
        |done, total| {
            if done < total {
                eprintln!("  {}", tr!("apply-decided", done = done, total = total));
            }
        },
    )
    .await
    .map_err(CommandError::Review)?;
    for o in &outcomes {
        if let Some(reason) = &o.reason {
            eprintln!(
                "  {}",
                tr!(
                    "apply-rejected-because",
                    address = o.address,
                    reason = crate::visible::visible(reason)
                )
            );
        }
    }
    Ok(outcomes)
}

pub fn print_report(
    format: Format,
    plan: &Plan,
    r: &ApplyOutcome,
    review: Option<&[crate::operate::review::ReviewOutcome]>,
) -> miette::Result<()> {
    match format {
        Format::Json => print_json(&ApplyJson {
            format_version: crate::plan::FORMAT_VERSION,
            applied: true,
            summary: Some(&r),
            review,
            plan: json_plan(plan),
        }),
        _ => {
            for w in &r.warnings {
                eprintln!("{}", tr!("apply-warning", warning = w));
            }
            if let Some(why) = &r.stopped {
                eprintln!("{}", tr!("apply-stopped", why = why, count = r.not_started));
            }
            if r.failures.is_empty() {
                println!("{}", r.summary());
            } else {
                println!("{}", r.summary());
                eprintln!("{}", tr!("apply-failures", count = r.failures.len()));
                for f in &r.failures {
                    eprintln!(
                        "  {}",
                        tr!(
                            "apply-failure",
                            address = f.address,
                            operation = f.operation,
                            message = f.message
                        )
                    );
                    if f.outcome_unknown {
                        eprintln!("    {}", tr!("apply-outcome-unknown"));
                    }
                }
            }
            for o in review.into_iter().flatten() {
                match o.review {
                    "approved" => println!(
                        "{}",
                        tr!(
                            "apply-review-approved",
                            address = o.address,
                            seconds = o.waited_seconds
                        )
                    ),
                    "rejected" => eprintln!(
                        "{}",
                        tr!(
                            "apply-review-rejected",
                            address = o.address,
                            card_id = o.card_id
                        )
                    ),
                    "under_review" => eprintln!(
                        "{}",
                        tr!(
                            "apply-review-timeout",
                            address = o.address,
                            card_id = o.card_id,
                            seconds = o.waited_seconds
                        )
                    ),
                    other => eprintln!(
                        "{}",
                        tr!(
                            "apply-review-other",
                            address = o.address,
                            card_id = o.card_id,
                            status = other
                        )
                    ),
                }
            }
            Ok(())
        }
    }
}

/// `apply --format json`: whether it applied, what it did, and the plan.
#[derive(serde::Serialize)]
pub struct ApplyJson<'a, R: serde::Serialize> {
    format_version: &'a str,
    applied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<R>,
    /// `--wait-for-review`: how each card's review ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<&'a [crate::operate::review::ReviewOutcome]>,
    plan: JsonPlan<'a>,
}

impl<'a> ApplyJson<'a, ()> {
    /// A plan with nothing to apply.
    pub fn unapplied(plan: &'a Plan) -> Self {
        ApplyJson {
            format_version: crate::plan::FORMAT_VERSION,
            applied: false,
            summary: None,
            review: None,
            plan: json_plan(plan),
        }
    }
}
