//! The executor: carries out a plan in waves (a card is created before the cards that
//! refer to it, deletions come last), with bounded concurrency within a wave. Its rooms: [`journal`] (intent and outcome around
//! every call), [`uploads`], [`stock`] (stock, 券点, whitelist), [`verify`] and
//! [`outcome`] (what apply did).

mod journal;
mod outcome;
mod stock;
mod sub_merchants;
mod uploads;
mod verify;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use serde_json::{Value, json};

use super::body::update_body;
use crate::config::images::LocalImage;
use crate::live::ReviewStatus;
use crate::model::Canonical;
use crate::model::wire::create_body;
use crate::plan::diff::FieldChange;
use crate::plan::{Action, Plan, ResourceChange, STOCK_PATH};
use crate::report::{Reporter, Step};
use crate::state::{Change, OpKind, ResourceState, StateSession};
use crate::wechat::WeChatClient;
use crate::wechat::errcode::INVALID_CARD_ID;
use journal::{IfUnknown, Intent};
pub use outcome::{ApplyOutcome, CardFailure};
use outcome::{CardResult, failure, local_failure};
use uploads::ApplyResolver;

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub parallelism: usize,
    /// Friends-coupon stock is bought with 券点 (paid, irreversible): only with consent.
    pub allow_coin_purchase: bool,
    /// Once raised (first Ctrl-C, or a quota error), no new operation starts; those in
    /// flight finish and their outcomes are recorded.
    pub stop: StopSignal,
}

/// A shared "stop starting new operations" flag.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the apply to stop starting new operations.
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The address a replaced card's old card_id is kept under until it is deleted, so a
/// crash between "new card created" and "old card deleted" never loses the old card.
pub fn deposed_address(address: &str, card_id: &str) -> String {
    format!("{address}#deposed-{card_id}")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

struct Executor<'a> {
    client: &'a WeChatClient,
    state: &'a StateSession,
    root: &'a Path,
    images: BTreeMap<String, LocalImage>,
    opts: ApplyOptions,
    outcome: Mutex<ApplyOutcome>,
    reporter: &'a dyn Reporter,
    /// 券点 orders already named as the order of one of this apply's purchases.
    claimed_orders: Mutex<BTreeSet<String>>,
}

/// Carries out `plan`.
///
/// # Guarantees
/// - Every mutating call is preceded by a durable intent in the state journal and
///   followed by its outcome; a crash at any point leaves either a recorded outcome or
///   a pending intent the next run resolves (never an unknown card).
/// - A replaced card's old card_id stays in the state (as a deposed entry) until its
///   deletion is recorded.
/// - One card failing does not stop the others; every success is recorded.
///
/// # Errors
/// Per-card failures are in the outcome; the function itself only fails when the state
/// cannot be written (then nothing further is attempted).
pub async fn apply_plan(
    plan: &Plan,
    client: &WeChatClient,
    state: &StateSession,
    root: &Path,
    images: BTreeMap<String, LocalImage>,
    opts: ApplyOptions,
    reporter: &dyn Reporter,
) -> ApplyOutcome {
    let exec = Executor::new(client, state, root, images, opts, reporter);
    let changing: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|r| r.action.is_change())
        .collect();
    super::local::record_local_settings(plan, state);
    super::local::record_unchanged_cards(plan, state);
    exec.reporter.start(Step::Apply, changing.len() as u64);
    exec.apply_sub_merchants(plan).await;
    exec.upload_images(&changing).await;
    for wave in waves(&changing) {
        let parallelism = exec.opts.parallelism.max(1);
        let results: Vec<CardResult> =
            futures::stream::iter(wave.into_iter().map(|rc| exec.apply_one(rc)))
                .buffer_unordered(parallelism)
                .collect()
                .await;
        if let Ok(mut outcome) = exec.outcome.lock() {
            outcome
                .failures
                .extend(results.into_iter().filter_map(Result::err));
        }
    }
    exec.reporter.finish(Step::Apply);
    if let Some(w) = &plan.whitelist
        && !exec.opts.stop.is_raised()
    {
        exec.set_whitelist(w).await;
    }
    let stopped = exec.opts.stop.is_raised();
    let mut outcome = exec.outcome.into_inner().unwrap_or_else(|p| p.into_inner());
    if stopped && outcome.stopped.is_none() {
        outcome.stopped = Some("interrupted".into());
    }
    outcome
}

/// Buys the stock that `plan` left for after approval (`apply --wait-for-review`, with
/// `plan` holding only the cards WeChat approved), as the executor buys any stock: a
/// fresh quote, no more than planned, journaled.
pub async fn buy_approved(
    plan: &Plan,
    client: &WeChatClient,
    state: &StateSession,
    root: &Path,
    images: BTreeMap<String, LocalImage>,
    opts: ApplyOptions,
    reporter: &dyn Reporter,
) -> ApplyOutcome {
    let exec = Executor::new(client, state, root, images, opts, reporter);
    for (rc, stock) in crate::plan::approval::deferred(plan) {
        if exec.stopping() {
            continue;
        }
        if let Err(f) = exec.buy_approved(rc, stock).await
            && let Ok(mut outcome) = exec.outcome.lock()
        {
            outcome.failures.push(f);
        }
    }
    exec.outcome.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Orders changes so a card is created (or replaced) before the cards that refer to it,
/// and deletions come last.
fn waves<'a>(changing: &[&'a ResourceChange]) -> Vec<Vec<&'a ResourceChange>> {
    let creating: BTreeSet<&str> = changing
        .iter()
        .filter(|r| matches!(r.action, Action::Create | Action::Replace))
        .map(|r| r.address.as_str())
        .collect();
    let by_addr: BTreeMap<&str, &ResourceChange> =
        changing.iter().map(|r| (r.address.as_str(), *r)).collect();
    let mut level: BTreeMap<&str, usize> = BTreeMap::new();
    fn depth<'a>(
        a: &'a str,
        by: &BTreeMap<&'a str, &'a ResourceChange>,
        creating: &BTreeSet<&str>,
        memo: &mut BTreeMap<&'a str, usize>,
        guard: usize,
    ) -> usize {
        if let Some(d) = memo.get(a) {
            return *d;
        }
        let d = match by.get(a) {
            Some(rc) if guard < 16 => rc
                .depends_on
                .iter()
                .filter(|d| creating.contains(d.as_str()))
                .map(|d| 1 + depth(d.as_str(), by, creating, memo, guard + 1))
                .max()
                .unwrap_or(0),
            _ => 0,
        };
        memo.insert(a, d);
        d
    }
    for rc in changing {
        depth(rc.address.as_str(), &by_addr, &creating, &mut level, 0);
    }
    let max = level.values().copied().max().unwrap_or(0);
    let mut out: Vec<Vec<&ResourceChange>> = vec![Vec::new(); max + 2];
    for rc in changing {
        if rc.action == Action::Delete {
            out[max + 1].push(rc);
        } else {
            out[level.get(rc.address.as_str()).copied().unwrap_or(0)].push(rc);
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

impl<'a> Executor<'a> {
    /// An executor with nothing done yet.
    fn new(
        client: &'a WeChatClient,
        state: &'a StateSession,
        root: &'a Path,
        images: BTreeMap<String, LocalImage>,
        opts: ApplyOptions,
        reporter: &'a dyn Reporter,
    ) -> Self {
        Executor {
            client,
            state,
            root,
            images,
            opts,
            outcome: Mutex::new(ApplyOutcome::default()),
            reporter,
            claimed_orders: Mutex::new(BTreeSet::new()),
        }
    }

    fn warn(&self, msg: String) {
        if let Ok(mut r) = self.outcome.lock() {
            r.warnings.push(msg);
        }
    }

    fn count(&self, f: impl FnOnce(&mut ApplyOutcome)) {
        if let Ok(mut r) = self.outcome.lock() {
            f(&mut r);
        }
    }

    async fn apply_one(&self, rc: &ResourceChange) -> CardResult {
        if self.stopping() {
            self.count(|r| r.not_started += 1);
            self.reporter.advance(Step::Apply);
            return Ok(());
        }
        // An operation of an earlier run whose outcome is still unknown (an ambiguous
        // create) owns this address until `cardform state resolve` settles it: acting
        // now could make a second card.
        if let Some(p) = self.state.read(|s| {
            s.pending
                .iter()
                .find(|p| p.address == rc.address)
                .map(|p| p.op.as_str())
        }) {
            self.reporter.advance(Step::Apply);
            return Err(local_failure(
                &rc.address,
                rc.action.as_str(),
                crate::i18n::tr!("apply-unknown-earlier", op = p, address = rc.address),
            ));
        }
        let result = match rc.action {
            Action::Create => self
                .create(rc, None)
                .await
                .map(|_| self.count(|r| r.created += 1)),
            Action::Replace => self
                .replace(rc)
                .await
                .map(|_| self.count(|r| r.replaced += 1)),
            Action::Update | Action::UpdateReview | Action::Stock => self.update(rc).await,
            Action::Delete => self
                .delete(rc)
                .await
                .map(|_| self.count(|r| r.deleted += 1)),
            Action::NoOp => Ok(()),
        };
        self.reporter.advance(Step::Apply);
        if let Err(f) = &result {
            self.stop_if_run_ends(f);
        }
        result
    }

    /// A failure that ends the run (45009, no access token) stops every operation not
    /// yet started; the first such failure is the reason the outcome gives.
    fn stop_if_run_ends(&self, f: &CardFailure) {
        if f.stops_run {
            self.opts.stop.raise();
            if let Ok(mut r) = self.outcome.lock() {
                r.stopped.get_or_insert_with(|| f.message.clone());
            }
        }
    }

    /// Whether no new operation may start: stopped (Ctrl-C, or a failure that ends the
    /// run), or the client refuses every call since one did.
    fn stopping(&self) -> bool {
        if !self.opts.stop.is_raised()
            && let Some(e) = self.client.stopped()
        {
            self.stop_if_run_ends(&failure("run", "stop", &e));
        }
        self.opts.stop.is_raised()
    }

    /// Creates the card; `deposed` is the old card of a replacement, recorded in the same
    /// outcome so it cannot be lost.
    async fn create(
        &self,
        rc: &ResourceChange,
        deposed: Option<(&str, ResourceState)>,
    ) -> Result<String, CardFailure> {
        let canonical = self.resolved_canonical(rc)?;
        // WeChat gives a friends coupon no stock on create: it is bought with 券点 once
        // the card exists (paid, irreversible). The card is created with none, so what
        // the state records (and recovery matches) is what was sent.
        let purchase = rc.stock.as_ref().filter(|s| s.coin_purchase);
        // `[policy] buy_stock = "after_approval"`: bought once WeChat approved the card.
        let buy = purchase
            .filter(|s| !s.after_approval)
            .map(|s| (s.to, s.price));
        let sent = match purchase {
            Some(_) => {
                let mut c = canonical.clone();
                c.insert(STOCK_PATH, json!(0));
                c
            }
            None => canonical.clone(),
        };
        let body = create_body(&sent).ok_or_else(|| {
            local_failure(
                &rc.address,
                "create",
                crate::i18n::tr!("apply-no-card-type"),
            )
        })?;
        let intent = Intent {
            op: OpKind::Create,
            card_id: None,
            fingerprint: sent.hash(),
            detail: json!({ "content": sent }),
        };
        let (op, card_id) = self
            .journaled(
                &rc.address,
                "create",
                intent,
                IfUnknown::KeepPending,
                self.client.create_card(&body),
            )
            .await?;
        let status = Some(ReviewStatus::NotVerify.as_wire());
        let mut changes = vec![Change::PutResource {
            address: rc.address.clone(),
            resource: self.resource_state(rc, &card_id, &sent, &canonical, status.clone()),
        }];
        if let Some((addr, old)) = deposed {
            changes.push(Change::PutResource {
                address: addr.to_string(),
                resource: old,
            });
        }
        self.record_outcome(&rc.address, op, changes).await?;
        if let Some((quantity, planned)) = buy {
            let op = self
                .buy_stock(rc, &card_id, quantity, planned.as_ref())
                .await?;
            let changes = vec![Change::PutResource {
                address: rc.address.clone(),
                resource: self.resource_state(rc, &card_id, &canonical, &canonical, status),
            }];
            self.record_outcome(&rc.address, op, changes).await?;
            self.count(|r| r.stock_changed += 1);
            self.verify(rc, &card_id, &canonical, None).await;
        } else if let Some(s) = purchase {
            self.warn(crate::i18n::tr!(
                "apply-created-without-stock",
                address = rc.address,
                quantity = s.to
            ));
            self.verify(rc, &card_id, &sent, None).await;
        } else {
            self.verify(rc, &card_id, &canonical, None).await;
        }
        Ok(card_id)
    }

    /// Buys the stock of a card created by this apply whose purchase waited for its
    /// approval (`[policy] buy_stock = "after_approval"`), now that WeChat approved it.
    async fn buy_approved(
        &self,
        rc: &ResourceChange,
        stock: &crate::plan::StockChange,
    ) -> CardResult {
        let (card_id, status) = self
            .state
            .read(|s| {
                s.resources
                    .get(&rc.address)
                    .map(|r| (r.card_id.clone(), r.status.clone()))
            })
            .ok_or_else(|| {
                local_failure(&rc.address, "stock", crate::i18n::tr!("apply-not-in-state"))
            })?;
        let canonical = self.resolved_canonical(rc)?;
        let op = self
            .buy_stock(rc, &card_id, stock.to, stock.price.as_ref())
            .await?;
        let changes = vec![Change::PutResource {
            address: rc.address.clone(),
            resource: self.resource_state(rc, &card_id, &canonical, &canonical, status),
        }];
        self.record_outcome(&rc.address, op, changes).await?;
        self.count(|r| r.stock_changed += 1);
        self.verify(rc, &card_id, &canonical, None).await;
        Ok(())
    }

    async fn replace(&self, rc: &ResourceChange) -> CardResult {
        let old_id = rc.card_id.clone().ok_or_else(|| {
            local_failure(
                &rc.address,
                "replace",
                crate::i18n::tr!("apply-no-current-card-id"),
            )
        })?;
        let old_state = self
            .state
            .read(|s| s.resources.get(&rc.address).cloned())
            .ok_or_else(|| {
                local_failure(
                    &rc.address,
                    "replace",
                    crate::i18n::tr!("apply-not-in-state"),
                )
            })?;
        let deposed = deposed_address(&rc.address, &old_id);
        self.create(rc, Some((&deposed, old_state))).await?;
        self.delete_card(&deposed, &old_id).await
    }

    async fn delete(&self, rc: &ResourceChange) -> CardResult {
        let card_id = rc.card_id.clone().ok_or_else(|| {
            local_failure(&rc.address, "delete", crate::i18n::tr!("apply-no-card-id"))
        })?;
        self.delete_card(&rc.address, &card_id).await
    }

    async fn delete_card(&self, address: &str, card_id: &str) -> CardResult {
        let intent = Intent {
            op: OpKind::Delete,
            card_id: Some(card_id),
            fingerprint: card_id.to_string(),
            detail: Value::Null,
        };
        let call = async {
            match self.client.delete_card(card_id).await {
                // Already gone (deleted outside cardform, or a retried delete): the goal holds.
                Err(e) if e.errcode() == Some(INVALID_CARD_ID) => Ok(()),
                other => other,
            }
        };
        let (op, ()) = self
            .journaled(address, "delete", intent, IfUnknown::KeepPending, call)
            .await?;
        self.record_outcome(
            address,
            op,
            vec![Change::RemoveResource {
                address: address.to_string(),
            }],
        )
        .await
    }

    async fn update(&self, rc: &ResourceChange) -> CardResult {
        let card_id = rc.card_id.clone().ok_or_else(|| {
            local_failure(&rc.address, "update", crate::i18n::tr!("apply-no-card-id"))
        })?;
        let canonical = self.resolved_canonical(rc)?;
        let type_key = rc.card_type.map(|t| t.wire_key()).ok_or_else(|| {
            local_failure(
                &rc.address,
                "update",
                crate::i18n::tr!("apply-unknown-card-type"),
            )
        })?;
        let updating: Vec<&FieldChange> =
            rc.changes.iter().filter(|c| c.class.updatable()).collect();
        let mut status = self
            .state
            .read(|s| s.resources.get(&rc.address).and_then(|r| r.status.clone()));
        if !updating.is_empty() {
            let body = update_body(&canonical, &updating);
            let intent = Intent {
                op: OpKind::Update,
                card_id: Some(&card_id),
                fingerprint: Canonical::flatten(&body).hash(),
                detail: json!({ "body": body }),
            };
            let (op, send_check) = self
                .journaled(
                    &rc.address,
                    "update",
                    intent,
                    IfUnknown::KeepPending,
                    self.client.update_card(&card_id, type_key, &body),
                )
                .await?;
            let predicted = rc.action == Action::UpdateReview;
            let fields: Vec<String> = updating.iter().map(|c| c.path.clone()).collect();
            if let Some(warning) = super::evidence::disagreement(&rc.address, &fields, send_check) {
                self.warn(warning);
            }
            let answer = crate::state::UpdateAnswer {
                op_id: op,
                address: rc.address.clone(),
                card_id: card_id.clone(),
                fields,
                predicted_review: predicted,
                send_check,
                at: now(),
            };
            if send_check {
                status = Some(ReviewStatus::NotVerify.as_wire());
                self.count(|r| r.sent_to_review += 1);
            }
            // Record what is now applied: the updated units on top of the old content,
            // and WeChat's answer as evidence for the rule table.
            let changes = vec![
                Change::PutResource {
                    address: rc.address.clone(),
                    resource: self.resource_state(
                        rc,
                        &card_id,
                        &self.merge_applied(rc, &canonical, false),
                        &canonical,
                        status.clone(),
                    ),
                },
                Change::PutUpdateAnswer { answer },
            ];
            self.record_outcome(&rc.address, op, changes).await?;
            self.count(|r| r.updated += 1);
        }
        if let Some(stock) = &rc.stock {
            let op = if stock.coin_purchase {
                let quantity = u64::try_from(stock.delta).unwrap_or(0);
                self.buy_stock(rc, &card_id, quantity, stock.price.as_ref())
                    .await?
            } else {
                let op = self.change_stock(rc, &card_id, stock).await?;
                if let Some(removed) = rc.notes.iter().find_map(|n| match n {
                    crate::plan::Note::StockNotRefunded { removed } => Some(*removed),
                    _ => None,
                }) {
                    self.warn(crate::i18n::tr!(
                        "apply-took-off-stock",
                        address = rc.address,
                        removed = removed
                    ));
                }
                op
            };
            let changes = vec![Change::PutResource {
                address: rc.address.clone(),
                resource: self.resource_state(
                    rc,
                    &card_id,
                    &self.merge_applied(rc, &canonical, true),
                    &canonical,
                    status.clone(),
                ),
            }];
            self.record_outcome(&rc.address, op, changes).await?;
            self.count(|r| r.stock_changed += 1);
        }
        self.verify(rc, &card_id, &canonical, Some(&updating)).await;
        Ok(())
    }
}
