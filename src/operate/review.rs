//! Review (提审): each managed card's state and what users can claim now, and waiting
//! after an apply until WeChat has decided on the cards it created or sent to review.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::i18n::Messages;
use crate::live::{FetchError, LiveCard, Observed, ReviewStatus, fetch_live};
use crate::wechat::WeChatClient;
use cardform_spec::limits::FRIENDS_ISSUE_WINDOW_DAYS;

/// One card's review state and whether it can be claimed now.
#[derive(Debug, Clone, Serialize)]
pub struct CardStatus {
    pub address: String,
    pub card_id: String,
    /// approved, under_review, rejected, deleted, or WeChat's own word.
    pub review: &'static str,
    /// WeChat's status as it answered.
    pub status: String,
    /// Remaining stock.
    pub remaining: Option<u64>,
    /// Total stock ever issued (`total_quantity`).
    #[serde(skip)]
    pub total: Option<u64>,
    /// Whether an ordinary user can claim it now.
    pub claimable: bool,
    /// Why (not), in words.
    pub why: String,
}

/// A review state's one word (the JSON value of [`CardStatus::review`]).
pub fn review_word(s: &ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::VerifyOk => "approved",
        ReviewStatus::NotVerify => "under_review",
        ReviewStatus::VerifyFail => "rejected",
        ReviewStatus::Deleted => "deleted",
        ReviewStatus::Dispatch => "dispatched",
        ReviewStatus::Other(_) => "other",
    }
}

fn timestamp(live: &LiveCard, path: &str) -> Option<i64> {
    live.content.get(path).and_then(Value::as_i64)
}

/// Whether an ordinary user can claim the card at `now` (Unix seconds), and why.
/// Users on the test whitelist may claim cards under review or rejected (§6.4); that
/// is said, not counted as claimable. The dates bind whitelisted users too: before a
/// friends coupon's V1.4 issue window and after the end WeChat refuses every claim
/// (40079), so the whitelist is mentioned only inside the dates. The why is said in the
/// process language.
pub fn claimable(live: &LiveCard, now: i64, whitelist_set: bool) -> (bool, String) {
    claimable_in(Messages::process(), live, now, whitelist_set)
}

/// [`claimable`], the why said in `m`'s language.
pub fn claimable_in(m: Messages, live: &LiveCard, now: i64, whitelist_set: bool) -> (bool, String) {
    if live.status == ReviewStatus::Deleted {
        return (false, m.t("op-why-deleted"));
    }
    let begin = timestamp(live, "base_info.date_info.begin_timestamp");
    let end = timestamp(live, "base_info.date_info.end_timestamp");
    let friends = live.content.get("advanced_info.share_friends") == Some(&Value::Bool(true));
    if let Some(end) = end
        && now > end
    {
        return (false, m.t("op-why-expired"));
    }
    if friends
        && let Some(begin) = begin
        && now < begin - FRIENDS_ISSUE_WINDOW_DAYS * 86_400
    {
        let id = if whitelist_set {
            "op-why-friends-early-whitelist"
        } else {
            "op-why-friends-early"
        };
        return (
            false,
            m.t_args(
                id,
                &[
                    ("days", FRIENDS_ISSUE_WINDOW_DAYS.into()),
                    (
                        "opens",
                        day(begin - FRIENDS_ISSUE_WINDOW_DAYS * 86_400).into(),
                    ),
                ],
            ),
        );
    }
    let (under_review, rejected) = if whitelist_set {
        ("op-why-under-review-whitelist", "op-why-rejected-whitelist")
    } else {
        ("op-why-under-review", "op-why-rejected")
    };
    match &live.status {
        ReviewStatus::VerifyOk | ReviewStatus::Dispatch => {}
        ReviewStatus::NotVerify => return (false, m.t(under_review)),
        ReviewStatus::VerifyFail => return (false, m.t(rejected)),
        ReviewStatus::Deleted => return (false, m.t("op-why-deleted")),
        ReviewStatus::Other(s) => {
            return (
                false,
                m.t_args("op-why-other", &[("status", s.as_str().into())]),
            );
        }
    }
    if live.remaining == Some(0) {
        return (false, m.t("op-why-out-of-stock"));
    }
    (true, m.t("op-why-claimable"))
}

/// A review word of [`CardStatus::review`] as `status` prints it (English: the word
/// itself).
pub fn review_column(m: Messages, review: &str) -> String {
    let id = match review {
        "approved" => "op-review-approved",
        "under_review" => "op-review-under-review",
        "rejected" => "op-review-rejected",
        "deleted" => "op-review-deleted",
        "dispatched" => "op-review-dispatched",
        "other" => "op-review-other",
        other => return other.to_string(),
    };
    m.t(id)
}

/// A Unix time as a Beijing date-time.
pub fn day(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| {
            d.with_timezone(&cardform_spec::beijing())
                .format("%Y-%m-%d %H:%M %:z")
                .to_string()
        })
        .unwrap_or_else(|| t.to_string())
}

/// The status of each (address, card_id), `parallelism` at a time, the whys in the
/// process language.
///
/// # Errors
/// A card could not be read.
pub async fn statuses(
    client: &WeChatClient,
    cards: Vec<(String, String)>,
    now: i64,
    whitelist_set: bool,
    parallelism: usize,
) -> Result<Vec<CardStatus>, FetchError> {
    statuses_in(
        Messages::process(),
        client,
        cards,
        now,
        whitelist_set,
        parallelism,
    )
    .await
}

/// [`statuses`], the whys said in `m`'s language (English for JSON: data).
///
/// # Errors
/// A card could not be read.
pub async fn statuses_in(
    m: Messages,
    client: &WeChatClient,
    cards: Vec<(String, String)>,
    now: i64,
    whitelist_set: bool,
    parallelism: usize,
) -> Result<Vec<CardStatus>, FetchError> {
    use futures::StreamExt;
    let results: Vec<Result<CardStatus, FetchError>> =
        futures::stream::iter(cards.into_iter().map(|(address, card_id)| async move {
            let observed = fetch_live(client, &card_id).await?;
            Ok(match observed {
                Observed::Exists(live) => {
                    let (ok, why) = claimable_in(m, &live, now, whitelist_set);
                    CardStatus {
                        address,
                        card_id,
                        review: review_word(&live.status),
                        status: live.status.as_wire(),
                        remaining: live.remaining,
                        total: live
                            .content
                            .get(crate::plan::STOCK_PATH)
                            .and_then(Value::as_u64),
                        claimable: ok,
                        why,
                    }
                }
                Observed::Gone => CardStatus {
                    address,
                    card_id,
                    review: "deleted",
                    status: "CARD_STATUS_DELETE".into(),
                    remaining: None,
                    total: None,
                    claimable: false,
                    why: m.t("op-why-gone"),
                },
            })
        }))
        .buffered(parallelism.max(1))
        .collect()
        .await;
    results.into_iter().collect()
}

/// How a wait for review ended, per card.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewOutcome {
    pub address: String,
    pub card_id: String,
    /// approved, rejected, or still under_review when the wait timed out.
    pub review: &'static str,
    pub waited_seconds: u64,
    /// A rejection's reason, when a push event (`card_not_pass_check`) gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How often the event log is read while waiting for review.
pub const EVENT_POLL: Duration = Duration::from_millis(50);

/// The event log a wait for review watches beside its card/get polling: a decision
/// pushed by WeChat (and stored by `cardform events serve`) ends the wait at once.
pub struct EventWatch<'a> {
    pub log: &'a dyn crate::events::EventLog,
    /// Decisions received before this (Unix ms) belong to an earlier review.
    pub since_ms: i64,
    cursor: u64,
}

impl<'a> EventWatch<'a> {
    pub fn new(log: &'a dyn crate::events::EventLog, since_ms: i64) -> EventWatch<'a> {
        EventWatch {
            log,
            since_ms,
            cursor: 0,
        }
    }

    /// New decisions since the last call (a log that cannot be read gives none: the
    /// card/get polling goes on).
    fn decisions(&mut self) -> Vec<crate::events::read::Decision> {
        self.log
            .poll(&mut self.cursor)
            .unwrap_or_default()
            .iter()
            .filter_map(crate::events::read::decision)
            .filter(|d| d.received_ms >= self.since_ms)
            .collect()
    }
}

/// Polls `card/get` for `cards` with backoff (1 s doubling to 30 s) until each is
/// approved or rejected, or `timeout` passes; with `events`, a decision in the event
/// log (read every [`EVENT_POLL`]) ends a card's wait at once.
///
/// # Errors
/// A card could not be read (after the client's retries).
pub async fn wait_for_review(
    client: &WeChatClient,
    cards: Vec<(String, String)>,
    timeout: Duration,
    mut events: Option<EventWatch<'_>>,
    mut on_progress: impl FnMut(usize, usize),
) -> Result<Vec<ReviewOutcome>, FetchError> {
    let start = std::time::Instant::now();
    let total = cards.len();
    let mut open: BTreeMap<String, String> = cards.into_iter().collect();
    let mut done: Vec<ReviewOutcome> = Vec::new();
    let mut delay = Duration::from_secs(1);
    loop {
        let mut decided = Vec::new();
        for (address, card_id) in &open {
            let word = match fetch_live(client, card_id).await? {
                Observed::Exists(live) => match live.status {
                    ReviewStatus::NotVerify => continue,
                    ReviewStatus::VerifyFail => "rejected",
                    ReviewStatus::Deleted => "deleted",
                    _ => "approved",
                },
                Observed::Gone => "deleted",
            };
            decided.push((address.clone(), word));
        }
        for (address, word) in decided {
            if let Some(card_id) = open.remove(&address) {
                done.push(ReviewOutcome {
                    address,
                    card_id,
                    review: word,
                    waited_seconds: start.elapsed().as_secs(),
                    reason: None,
                });
            }
        }
        on_progress(done.len(), total);
        if open.is_empty() || start.elapsed() >= timeout {
            break;
        }
        let left = timeout.saturating_sub(start.elapsed());
        let pushed = match events.as_mut() {
            None => {
                tokio::time::sleep(delay.min(left)).await;
                Vec::new()
            }
            Some(watch) => watch_until(watch, &open, delay.min(left)).await,
        };
        for d in pushed {
            let address = open
                .iter()
                .find(|(_, id)| **id == d.card_id)
                .map(|(a, _)| a.clone());
            if let Some(address) = address
                && let Some(card_id) = open.remove(&address)
            {
                done.push(ReviewOutcome {
                    address,
                    card_id,
                    review: if d.approved { "approved" } else { "rejected" },
                    waited_seconds: start.elapsed().as_secs(),
                    reason: d.reason,
                });
            }
        }
        if open.is_empty() {
            on_progress(done.len(), total);
            break;
        }
        delay = (delay * 2).min(Duration::from_secs(30));
    }
    for (address, card_id) in open {
        done.push(ReviewOutcome {
            address,
            card_id,
            review: "under_review",
            waited_seconds: start.elapsed().as_secs(),
            reason: None,
        });
    }
    done.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(done)
}

/// Reads the event log every [`EVENT_POLL`] for up to `wait`; returns as soon as a
/// decision about one of the `open` cards arrives.
async fn watch_until(
    watch: &mut EventWatch<'_>,
    open: &BTreeMap<String, String>,
    wait: Duration,
) -> Vec<crate::events::read::Decision> {
    let until = std::time::Instant::now() + wait;
    loop {
        let found: Vec<_> = watch
            .decisions()
            .into_iter()
            .filter(|d| open.values().any(|id| *id == d.card_id))
            .collect();
        let now = std::time::Instant::now();
        if !found.is_empty() || now >= until {
            return found;
        }
        tokio::time::sleep(EVENT_POLL.min(until - now)).await;
    }
}

/// A friends coupon WeChat approved whose stock, bought with 券点, is not (all) bought
/// yet (`[policy] buy_stock = "after_approval"`): `status` says so instead of "out of
/// stock". `wanted`: each friends coupon's declared `sku.quantity`.
pub fn mark_stock_not_bought(m: Messages, rows: &mut [CardStatus], wanted: &BTreeMap<String, u64>) {
    for r in rows {
        let Some(&want) = wanted.get(&r.address) else {
            continue;
        };
        let total = r.total.unwrap_or(0);
        if r.review == "approved" && total < want {
            r.why = m.t_args(
                "op-why-stock-not-bought",
                &[("total", total.into()), ("want", want.into())],
            );
            r.claimable = r.claimable && r.remaining.is_some_and(|n| n > 0);
        }
    }
}
