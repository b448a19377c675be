//! `apply --wait-for-review` for sub-merchants: when a card of the plan waits on a
//! sub-merchant that is under review (CHECKING), the apply waits for WeChat's decision
//! too: the `card_merchant_check_result` push in the event log (read every
//! [`EVENT_POLL`]) ends the wait at once, `card/submerchant/get` polling (1 s doubling
//! to 30 s) is the fallback. It says each decision; the cards that waited are created
//! by the next apply (this one's plan held them back).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::i18n::tr;
use crate::operate::review::EVENT_POLL;
use crate::plan::Plan;
use crate::session::Session;
use crate::wechat::ApiError;
use cardform_spec::submerchant::{APPROVED, CHECKING, REJECTED};

use super::EventLog;
use super::read::SUB_MERCHANT_CHECK_EVENTS;

/// What became of one sub-merchant the apply waited on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubMerchantDecision {
    pub name: String,
    pub merchant_id: u64,
    /// APPROVED, REJECTED, EXPIRED, or CHECKING when the wait timed out.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub waited_seconds: u64,
    /// The cards that wait on it.
    pub cards: Vec<String>,
}

/// The sub-merchants under review that cards of `plan` wait on: merchant_id → (name,
/// the waiting cards), from the state after the apply.
pub fn waited_on(plan: &Plan, session: &Session) -> BTreeMap<u64, (String, Vec<String>)> {
    let recorded = session.state.read(|s| s.sub_merchants.clone());
    let mut out: BTreeMap<u64, (String, Vec<String>)> = BTreeMap::new();
    for w in &plan.waiting {
        if let Some(rec) = recorded.get(&w.sub_merchant)
            && rec.status == CHECKING
        {
            out.entry(rec.merchant_id)
                .or_insert_with(|| (w.sub_merchant.clone(), Vec::new()))
                .1
                .push(w.address.clone());
        }
    }
    out
}

/// A review result in the event log: (merchant_id, passed, reason).
fn pushed(log: &dyn EventLog, cursor: &mut u64, since_ms: i64) -> Vec<(u64, bool, Option<String>)> {
    log.poll(cursor)
        .unwrap_or_default()
        .iter()
        .filter(|r| r.received_ms >= since_ms)
        .filter(|r| SUB_MERCHANT_CHECK_EVENTS.contains(&r.event.as_str()))
        .filter_map(|r| {
            let id = r
                .field("MerchantId")
                .or(r.subject.as_deref())
                .and_then(|s| s.trim().parse::<u64>().ok())?;
            let pass = r
                .field("IsPass")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "True"));
            let reason = r
                .field("Reason")
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string);
            Some((id, pass, reason))
        })
        .collect()
}

/// Waits (up to `timeout`) for WeChat's decision on each sub-merchant of
/// [`waited_on`], saying each on stderr.
///
/// # Errors
/// `card/submerchant/get` failed (after the client's retries).
pub async fn wait_for_sub_merchants(
    session: &Session,
    plan: &Plan,
    timeout: Duration,
    since_ms: i64,
) -> Result<Vec<SubMerchantDecision>, ApiError> {
    let mut open = waited_on(plan, session);
    if open.is_empty() {
        return Ok(Vec::new());
    }
    eprintln!(
        "{}",
        tr!(
            "ev-wait-sub-start",
            secs = timeout.as_secs(),
            count = open.len()
        )
    );
    let log = super::open_project_log(&session.root, session.config.state.as_deref()).ok();
    let mut cursor = 0u64;
    let start = Instant::now();
    let mut delay = Duration::from_secs(1);
    let mut done = Vec::new();
    let decide =
        |id: u64, (name, cards): (String, Vec<String>), status: &str, reason: Option<String>| {
            SubMerchantDecision {
                name,
                merchant_id: id,
                status: status.to_string(),
                reason,
                waited_seconds: start.elapsed().as_secs(),
                cards,
            }
        };
    loop {
        let ids: Vec<u64> = open.keys().copied().collect();
        for id in ids {
            let now = session.client.get_sub_merchant(id).await?;
            if now.status != CHECKING
                && let Some(entry) = open.remove(&id)
            {
                done.push(decide(id, entry, &now.status, None));
            }
        }
        if open.is_empty() || start.elapsed() >= timeout {
            break;
        }
        let until = Instant::now() + delay.min(timeout.saturating_sub(start.elapsed()));
        while Instant::now() < until && !open.is_empty() {
            if let Some(log) = log.as_deref() {
                for (id, pass, reason) in pushed(log, &mut cursor, since_ms) {
                    if let Some(entry) = open.remove(&id) {
                        let status = if pass { APPROVED } else { REJECTED };
                        done.push(decide(id, entry, status, reason));
                    }
                }
            }
            tokio::time::sleep(EVENT_POLL.min(until.saturating_duration_since(Instant::now())))
                .await;
        }
        if open.is_empty() {
            break;
        }
        delay = (delay * 2).min(Duration::from_secs(30));
    }
    for (id, entry) in std::mem::take(&mut open) {
        done.push(decide(id, entry, CHECKING, None));
    }
    // A rejection the polling saw first: its reason is only in the push, if stored.
    if done
        .iter()
        .any(|d| d.status == REJECTED && d.reason.is_none())
        && let Some(records) = log.as_deref().and_then(|l| l.list().ok())
    {
        let reasons = super::read::sub_merchant_reasons(&records);
        for d in done
            .iter_mut()
            .filter(|d| d.status == REJECTED && d.reason.is_none())
        {
            d.reason = reasons
                .get(&d.merchant_id)
                .filter(|r| r.as_str() != super::read::NO_REASON)
                .cloned();
        }
    }
    for d in &done {
        let cards = d.cards.join(", ");
        let line = match d.status.as_str() {
            APPROVED => tr!(
                "ev-wait-sub-approved",
                name = d.name.as_str(),
                id = d.merchant_id,
                cards = cards
            ),
            CHECKING => tr!(
                "ev-wait-sub-open",
                name = d.name.as_str(),
                id = d.merchant_id,
                cards = cards
            ),
            other => tr!(
                "ev-wait-sub-refused",
                name = d.name.as_str(),
                id = d.merchant_id,
                status = other,
                cards = cards.as_str(),
                reason = d
                    .reason
                    .as_deref()
                    .map(|r| crate::visible::visible(r).into_owned())
                    .unwrap_or_else(|| tr!("ev-no-reason"))
            ),
        };
        eprintln!("  {line}");
    }
    Ok(done)
}
