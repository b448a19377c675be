//! The executor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

use super::body::update_body;
use crate::config::images::{LocalImage, confined_image_path, resolve_image, sha256_hex};
use crate::live::{FetchError, Observed, ReviewStatus, fetch_live};
use crate::model::wire::{Resolve, Resolved, create_body, desired_canonical, is_pending};
use crate::model::{Canonical, ImageRef};
use crate::plan::diff::{DiffContext, FieldChange, diff};
use crate::plan::{Action, CoinPrice, Plan, ResourceChange, STOCK_PATH, refresh_key};
use crate::report::{Reporter, Step};
use crate::state::{Change, ImageRecord, OpKind, PendingOperation, ResourceState, StateSession};
use crate::wechat::errcode::INVALID_CARD_ID;
use crate::wechat::{ApiError, WeChatClient};
use cardform_spec::rules::UpdateClass;

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

/// One card that did not converge.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CardFailure {
    pub address: String,
    pub operation: String,
    pub message: String,
    /// WeChat's errcode, when WeChat answered.
    pub errcode: Option<i64>,
    /// True when the call may or may not have taken effect (resolved on the next run).
    pub outcome_unknown: bool,
    /// True when the error stops the whole run (daily quota exhausted).
    #[serde(skip)]
    pub stops_run: bool,
}

/// What apply did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ApplyReport {
    pub created: usize,
    pub updated: usize,
    pub sent_to_review: usize,
    pub replaced: usize,
    pub deleted: usize,
    pub stock_changed: usize,
    pub images_uploaded: usize,
    /// Whether the test whitelist was set.
    pub whitelist_set: bool,
    /// Changes not started because the apply was stopped (interrupt or quota).
    pub not_started: usize,
    /// Why the apply stopped early, when it did.
    pub stopped: Option<String>,
    pub failures: Vec<CardFailure>,
    /// Things that worked but deserve a look (send_check mismatch, unverified fields).
    pub warnings: Vec<String>,
}

impl ApplyReport {
    /// `Apply complete: N created, N updated (N sent to review), N replaced, N deleted`.
    pub fn summary(&self) -> String {
        format!(
            "Apply complete: {} created, {} updated ({} sent to review), {} replaced, {} deleted, {} stock change{}{}.",
            self.created,
            self.updated,
            self.sent_to_review,
            self.replaced,
            self.deleted,
            self.stock_changed,
            if self.stock_changed == 1 { "" } else { "s" },
            if self.whitelist_set {
                ", test whitelist set"
            } else {
                ""
            }
        )
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
    report: Mutex<ApplyReport>,
    reporter: &'a dyn Reporter,
}

struct ApplyResolver<'a> {
    exec: &'a Executor<'a>,
}

impl Resolve for ApplyResolver<'_> {
    fn image_url(&self, image: &ImageRef) -> Resolved {
        let uploaded: BTreeMap<String, String> = self.exec.state.read(|s| {
            s.images
                .iter()
                .map(|(k, v)| (k.clone(), v.url.clone()))
                .collect()
        });
        resolve_image(image, &self.exec.images, &uploaded)
    }
    fn card_id(&self, address: &str) -> Resolved {
        match self
            .exec
            .state
            .read(|s| s.resources.get(address).map(|r| r.card_id.clone()))
        {
            Some(id) => Resolved::Known(id),
            None => Resolved::Pending(format!("card_id of {address}")),
        }
    }
}

type CardResult = Result<(), CardFailure>;

fn failure(address: &str, operation: &str, err: &ApiError) -> CardFailure {
    CardFailure {
        address: address.to_string(),
        operation: operation.to_string(),
        message: err.to_string(),
        errcode: err.errcode(),
        outcome_unknown: matches!(err, ApiError::OutcomeUnknown { .. }),
        stops_run: err.stops_run(),
    }
}

fn local_failure(address: &str, operation: &str, message: impl Into<String>) -> CardFailure {
    CardFailure {
        address: address.to_string(),
        operation: operation.to_string(),
        message: message.into(),
        errcode: None,
        outcome_unknown: false,
        stops_run: false,
    }
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
/// Per-card failures are in the report; the function itself only fails when the state
/// cannot be written (then nothing further is attempted).
pub async fn apply_plan(
    plan: &Plan,
    client: &WeChatClient,
    state: &StateSession,
    root: &Path,
    images: BTreeMap<String, LocalImage>,
    opts: ApplyOptions,
    reporter: &dyn Reporter,
) -> ApplyReport {
    let exec = Executor {
        client,
        state,
        root,
        images,
        opts,
        report: Mutex::new(ApplyReport::default()),
        reporter,
    };
    let changing: Vec<&ResourceChange> = plan
        .resource_changes
        .iter()
        .filter(|r| r.action.is_change())
        .collect();
    super::local::record_local_settings(plan, state);
    super::local::record_unchanged_cards(plan, state);
    exec.reporter.start(Step::Apply, changing.len() as u64);
    exec.upload_images(&changing).await;
    for wave in waves(&changing) {
        let parallelism = exec.opts.parallelism.max(1);
        let results: Vec<CardResult> =
            futures::stream::iter(wave.into_iter().map(|rc| exec.apply_one(rc)))
                .buffer_unordered(parallelism)
                .collect()
                .await;
        if let Ok(mut report) = exec.report.lock() {
            report
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
    let mut report = exec.report.into_inner().unwrap_or_else(|p| p.into_inner());
    if stopped && report.stopped.is_none() {
        report.stopped = Some("interrupted".into());
    }
    report
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

/// What a journaled call is about to do: the content of its intent record.
struct Intent<'s> {
    op: OpKind,
    card_id: Option<&'s str>,
    /// What identifies the request, so recovery can tell whether it took effect.
    fingerprint: String,
    detail: Value,
}

/// What to do with the intent of a call whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IfUnknown {
    /// Keep it pending: the next run finds out whether WeChat carried it out.
    KeepPending,
    /// Close it: repeating the call is harmless.
    Forget,
}

impl<'a> Executor<'a> {
    async fn record_intent(&self, address: &str, intent: Intent<'_>) -> Result<Uuid, CardFailure> {
        let op = intent.op;
        let pending = PendingOperation {
            id: Uuid::new_v4(),
            address: address.to_string(),
            op,
            card_id: intent.card_id.map(str::to_string),
            request_fingerprint: intent.fingerprint,
            started_at: now(),
            detail: intent.detail,
        };
        let id = pending.id;
        self.state.begin_async(pending).await.map_err(|e| {
            local_failure(
                address,
                op.as_str(),
                format!("could not record the intent in the state, nothing was sent: {e}"),
            )
        })?;
        Ok(id)
    }

    /// One mutating call under the journal: records `intent`, makes `call`, and on a
    /// failure closes the intent unless WeChat may have carried the call out (then it
    /// stays pending for the next run to resolve, per `if_unknown`). On success the
    /// caller records the outcome under the returned id.
    ///
    /// `call` is an unpolled future: nothing is sent before the intent is durable.
    async fn journaled<T>(
        &self,
        address: &str,
        operation: &str,
        intent: Intent<'_>,
        if_unknown: IfUnknown,
        call: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<(Uuid, T), CardFailure> {
        let op = self.record_intent(address, intent).await?;
        match call.await {
            Ok(v) => Ok((op, v)),
            Err(e) => {
                let unknown = matches!(e, ApiError::OutcomeUnknown { .. });
                if !unknown || if_unknown == IfUnknown::Forget {
                    self.record_abandoned(op).await;
                }
                Err(failure(address, operation, &e))
            }
        }
    }

    async fn record_outcome(
        &self,
        address: &str,
        op_id: Uuid,
        changes: Vec<Change>,
    ) -> Result<(), CardFailure> {
        self.state.finish_async(op_id, changes).await.map_err(|e| {
            local_failure(address, "record", format!("the call succeeded but its outcome could not be recorded (the next run resolves it): {e}"))
        })
    }

    /// The call was not made or changed nothing: the intent is closed.
    async fn record_abandoned(&self, op_id: Uuid) {
        let _ = self.state.abandon_async(op_id).await;
    }

    fn warn(&self, msg: String) {
        if let Ok(mut r) = self.report.lock() {
            r.warnings.push(msg);
        }
    }

    fn count(&self, f: impl FnOnce(&mut ApplyReport)) {
        if let Ok(mut r) = self.report.lock() {
            f(&mut r);
        }
    }

    async fn upload_images(&self, changing: &[&ResourceChange]) {
        let mut needed: BTreeMap<String, LocalImage> = BTreeMap::new();
        for rc in changing {
            if matches!(rc.action, Action::Delete | Action::Stock) {
                continue;
            }
            for (_, img) in rc.desired.iter().flat_map(|c| c.images()) {
                if let crate::model::ImageKind::Local(p) = img.kind()
                    && let Some(h) = self.images.get(p)
                {
                    let known = self.state.read(|s| s.images.contains_key(&h.sha256));
                    if !known {
                        needed.insert(h.sha256.clone(), h.clone());
                    }
                }
            }
        }
        let results: Vec<Result<(), CardFailure>> =
            futures::stream::iter(needed.into_values().map(|img| self.upload_one(img)))
                .buffer_unordered(self.opts.parallelism.max(1))
                .collect()
                .await;
        let failures: Vec<CardFailure> = results.into_iter().filter_map(Result::err).collect();
        for f in &failures {
            self.stop_if_run_ends(f);
        }
        if let Ok(mut r) = self.report.lock() {
            r.failures.extend(failures);
        }
    }

    async fn upload_one(&self, img: LocalImage) -> Result<(), CardFailure> {
        if self.stopping() {
            return Ok(());
        }
        let addr = format!("image {}", img.path);
        // Defence in depth: a saved plan names its images; read none outside the project.
        let bytes = confined_image_path(self.root, &img.path)
            .map_err(|e| local_failure(&addr, "upload_image", format!("{e} ({})", e.help())))
            .and_then(|full| {
                std::fs::read(&full).map_err(|e| {
                    local_failure(
                        &addr,
                        "upload_image",
                        format!("cannot read {}: {e}", img.path),
                    )
                })
            })?;
        if sha256_hex(&bytes) != img.sha256 {
            return Err(local_failure(
                &addr,
                "upload_image",
                format!("{} changed since the plan was made; plan again", img.path),
            ));
        }
        let file_name = Path::new(&img.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("image.jpg")
            .to_string();
        let intent = Intent {
            op: OpKind::UploadImage,
            card_id: None,
            fingerprint: img.sha256.clone(),
            detail: json!({ "file": img.path }),
        };
        // An upload whose outcome is unknown costs nothing to repeat: forget it.
        let (op, url) = self
            .journaled(
                &addr,
                "upload_image",
                intent,
                IfUnknown::Forget,
                self.client.upload_image(bytes, &file_name),
            )
            .await?;
        let change = Change::PutImage {
            sha256: img.sha256.clone(),
            image: ImageRecord {
                url,
                file: img.path.clone(),
                uploaded_at: now(),
            },
        };
        self.record_outcome(&addr, op, vec![change]).await?;
        self.count(|r| r.images_uploaded += 1);
        Ok(())
    }

    fn resolved_canonical(&self, rc: &ResourceChange) -> Result<Canonical, CardFailure> {
        let card = rc.desired.as_ref().ok_or_else(|| {
            local_failure(
                &rc.address,
                "plan",
                "the plan has no desired content for this card",
            )
        })?;
        let canonical = desired_canonical(
            card,
            &ApplyResolver { exec: self },
            rc.derived_title.clone(),
        );
        if let Some((path, v)) = canonical.iter().find(|(_, v)| is_pending(v)) {
            return Err(local_failure(
                &rc.address,
                "resolve",
                format!("{path} is still unknown ({v}); an earlier step failed"),
            ));
        }
        // A saved plan is applied exactly as reviewed: every value the plan showed must
        // be what is sent now (placeholders excepted).
        if let Some(planned) = &rc.after {
            for (path, v) in planned.iter() {
                if !is_pending(v) && canonical.get(path) != Some(v) {
                    return Err(local_failure(
                        &rc.address,
                        "verify",
                        format!(
                            "{path} differs from the reviewed plan ({} now, {v} planned); plan again",
                            canonical
                                .get(path)
                                .map(|x| x.to_string())
                                .unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        Ok(canonical)
    }

    /// The state entry of a card after a step: `canonical` is now applied, `desired`
    /// is what the files asked for (recorded as [`refresh_key`] for
    /// `plan --refresh=changed`).
    fn resource_state(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        canonical: &Canonical,
        desired: &Canonical,
        status: Option<String>,
    ) -> ResourceState {
        ResourceState {
            card_id: card_id.to_string(),
            card_type: rc
                .card_type
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            applied: serde_json::to_value(canonical).unwrap_or(Value::Null),
            applied_hash: canonical.hash(),
            live_fingerprint: None,
            status,
            updated_at: now(),
            managed: None,
            desired_hash: Some(refresh_key(card_id, canonical, desired)),
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
                format!(
                    "an earlier {p} of this card has an unknown outcome; resolve it first (`cardform state resolve {} --adopt CARD_ID` or `--forget`)",
                    rc.address
                ),
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
    /// yet started; the first such failure is the reason the report gives.
    fn stop_if_run_ends(&self, f: &CardFailure) {
        if f.stops_run {
            self.opts.stop.raise();
            if let Ok(mut r) = self.report.lock() {
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
        let buy = rc
            .stock
            .as_ref()
            .filter(|s| s.coin_purchase)
            .map(|s| (s.to, s.price));
        let sent = match buy {
            Some(_) => {
                let mut c = canonical.clone();
                c.insert(STOCK_PATH, json!(0));
                c
            }
            None => canonical.clone(),
        };
        let body = create_body(&sent)
            .ok_or_else(|| local_failure(&rc.address, "create", "card_type is missing"))?;
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
        }
        self.verify(rc, &card_id, &canonical, None).await;
        Ok(card_id)
    }

    async fn replace(&self, rc: &ResourceChange) -> CardResult {
        let old_id = rc
            .card_id
            .clone()
            .ok_or_else(|| local_failure(&rc.address, "replace", "no current card_id"))?;
        let old_state = self
            .state
            .read(|s| s.resources.get(&rc.address).cloned())
            .ok_or_else(|| local_failure(&rc.address, "replace", "the card is not in the state"))?;
        let deposed = deposed_address(&rc.address, &old_id);
        self.create(rc, Some((&deposed, old_state))).await?;
        self.delete_card(&deposed, &old_id).await
    }

    async fn delete(&self, rc: &ResourceChange) -> CardResult {
        let card_id = rc
            .card_id
            .clone()
            .ok_or_else(|| local_failure(&rc.address, "delete", "no card_id"))?;
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
        let card_id = rc
            .card_id
            .clone()
            .ok_or_else(|| local_failure(&rc.address, "update", "no card_id"))?;
        let canonical = self.resolved_canonical(rc)?;
        let type_key = rc
            .card_type
            .map(|t| t.wire_key())
            .ok_or_else(|| local_failure(&rc.address, "update", "unknown card type"))?;
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
                self.change_stock(rc, &card_id, stock).await?
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

    /// `modifystock` with the planned delta; returns the intent to close.
    async fn change_stock(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        stock: &crate::plan::StockChange,
    ) -> Result<Uuid, CardFailure> {
        let intent = Intent {
            op: OpKind::ModifyStock,
            card_id: Some(card_id),
            fingerprint: format!("total={}", stock.to),
            detail: json!({ "from": stock.from, "to": stock.to, "delta": stock.delta }),
        };
        let (op, ()) = self
            .journaled(
                &rc.address,
                "modifystock",
                intent,
                IfUnknown::KeepPending,
                self.client.modify_stock(card_id, stock.delta),
            )
            .await?;
        Ok(op)
    }

    /// Friends-coupon stock: a fresh 券点 quote (the plan's order_id would have
    /// expired: valid 60 s, single use), then the (paid, irreversible) confirm. A quote
    /// above the planned price buys nothing. Stock is declared as a total, so an
    /// unknown outcome is resolved by re-reading `total_quantity`, never by buying twice.
    async fn buy_stock(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        quantity: u64,
        planned: Option<&CoinPrice>,
    ) -> Result<Uuid, CardFailure> {
        if !self.opts.allow_coin_purchase {
            return Err(local_failure(
                &rc.address,
                "stock",
                format!(
                    "buying {quantity} vouchers of a friends coupon is a 券点 purchase (paid, irreversible); run apply with --allow-coin-purchase (or policy.allow_coin_purchase = true) to allow it"
                ),
            ));
        }
        let quote = self
            .client
            .get_pay_price(card_id, quantity)
            .await
            .map_err(|e| failure(&rc.address, "getpayprice", &e))?;
        if let Some(p) = planned
            && quote.price > p.price
        {
            return Err(local_failure(
                &rc.address,
                "getpayprice",
                format!(
                    "{quantity} vouchers now cost {} 券点, {} more than the {} planned; nothing was bought — plan again and review the new price",
                    quote.price,
                    quote.price.saturating_sub(p.price),
                    p.price
                ),
            ));
        }
        let intent = Intent {
            op: OpKind::CoinConfirm,
            card_id: Some(card_id),
            fingerprint: quote.order_id.clone(),
            detail: json!({ "order_id": quote.order_id, "quantity": quantity, "price": quote.price }),
        };
        let (op, ()) = self
            .journaled(
                &rc.address,
                "券点 confirm",
                intent,
                IfUnknown::KeepPending,
                self.client.confirm_pay(card_id, &quote.order_id, quantity),
            )
            .await?;
        self.warn(format!(
            "{}: bought {quantity} vouchers for {} 券点 ({} free, {} paid; order {})",
            rc.address, quote.price, quote.free_coin, quote.pay_coin, quote.order_id
        ));
        Ok(op)
    }

    /// `card/testwhitelist/set` with the whole list (a full replacement, so repeating it
    /// is harmless and needs no intent record); the state remembers what was set.
    async fn set_whitelist(&self, w: &crate::plan::WhitelistChange) {
        match self
            .client
            .set_test_whitelist(&w.openids, &w.usernames)
            .await
        {
            Ok(_) => {
                self.state.edit(|s| {
                    s.test_whitelist = Some(crate::state::WhitelistRecord {
                        openids: w.openids.clone(),
                        usernames: w.usernames.clone(),
                        set_at: now(),
                    });
                });
                self.count(|r| r.whitelist_set = true);
            }
            Err(e) => {
                if let Ok(mut r) = self.report.lock() {
                    r.failures
                        .push(failure("test_whitelist", "testwhitelist/set", &e));
                }
            }
        }
    }

    /// The applied content after a partial step: the old applied content with the
    /// updated units (or the stock) replaced by the desired ones. Once every step of
    /// the card succeeded this equals the desired content.
    fn merge_applied(
        &self,
        rc: &ResourceChange,
        desired: &Canonical,
        stock_done: bool,
    ) -> Canonical {
        let old = self
            .state
            .read(|s| {
                s.resources
                    .get(&rc.address)
                    .map(|r| Canonical::from_stored(&r.applied))
            })
            .unwrap_or_default();
        let mut merged = desired.clone();
        let stock_path = STOCK_PATH;
        let stock_pending = rc.stock.is_some() && !stock_done;
        if stock_pending {
            match old.get(stock_path) {
                Some(v) => merged.insert(stock_path, v.clone()),
                None => {
                    merged.remove(stock_path);
                }
            }
        }
        merged
    }

    /// Reads the card back (the docs say to confirm every update with card/get) and
    /// reports fields WeChat did not take; records the live fingerprint and status.
    async fn verify(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        canonical: &Canonical,
        only: Option<&[&FieldChange]>,
    ) {
        let live = match fetch_live(self.client, card_id).await {
            Ok(Observed::Exists(live)) => live,
            Ok(Observed::Gone) => {
                self.warn(format!(
                    "{}: card {card_id} reads back as deleted",
                    rc.address
                ));
                return;
            }
            Err(FetchError::Api(e)) => {
                self.warn(format!(
                    "{}: could not read the card back to verify it: {e}",
                    rc.address
                ));
                return;
            }
            Err(FetchError::Shape(e)) => {
                self.warn(e.to_string());
                return;
            }
        };
        let ctx = DiffContext {
            friends: rc.desired.as_ref().is_some_and(|c| c.is_friends()),
            title_is_derived: rc.derived_title.is_some(),
        };
        let (left, _) = diff(canonical, &live.content, None, ctx);
        let left: Vec<&FieldChange> = left
            .iter()
            .filter(|c| c.class != UpdateClass::Local)
            .filter(|c| only.is_none_or(|o| o.iter().any(|u| u.path == c.path)))
            .collect();
        if !left.is_empty() {
            self.warn(format!(
                "{}: WeChat did not take {} (read back with card/get); the next plan will show it",
                rc.address,
                left.iter()
                    .map(|c| c.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        self.state.edit(|s| {
            if let Some(r) = s.resources.get_mut(&rc.address)
                && r.card_id == card_id
            {
                r.live_fingerprint = Some(live.content.hash());
                r.status = Some(live.status.as_wire());
            }
        });
    }
}
