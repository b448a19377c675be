//! The body a card is sent with (checked against the reviewed plan), what the state
//! records of it, and the `card/get` after every write that checks WeChat took it.

use super::{ApplyResolver, CardFailure, Executor, local_failure, now};
use crate::live::{FetchError, Observed, fetch_live};
use crate::model::Canonical;
use crate::model::pending::{is_pending, shown};
use crate::model::wire::desired_canonical;
use crate::plan::diff::{DiffContext, FieldChange, diff};
use crate::plan::{ResourceChange, STOCK_PATH, refresh_key};
use crate::state::ResourceState;
use cardform_spec::rules::UpdateClass;
use serde_json::Value;

impl<'a> Executor<'a> {
    pub(super) fn resolved_canonical(&self, rc: &ResourceChange) -> Result<Canonical, CardFailure> {
        let card = rc.desired.as_ref().ok_or_else(|| {
            local_failure(&rc.address, "plan", crate::i18n::tr!("apply-no-desired"))
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
                crate::i18n::tr!(
                    "apply-still-unknown",
                    path = path,
                    value = shown(v).to_string()
                ),
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
                        crate::i18n::tr!(
                            "apply-differs",
                            path = path,
                            now = canonical
                                .get(path)
                                .map(|x| x.to_string())
                                .unwrap_or_default(),
                            planned = v.to_string()
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
    pub(super) fn resource_state(
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

    /// The applied content after a partial step: the old applied content with the
    /// updated units (or the stock) replaced by the desired ones. Once every step of
    /// the card succeeded this equals the desired content.
    pub(super) fn merge_applied(
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
    pub(super) async fn verify(
        &self,
        rc: &ResourceChange,
        card_id: &str,
        canonical: &Canonical,
        only: Option<&[&FieldChange]>,
    ) {
        let live = match fetch_live(self.client, card_id).await {
            Ok(Observed::Exists(live)) => live,
            Ok(Observed::Gone) => {
                self.warn(crate::i18n::tr!(
                    "apply-reads-deleted",
                    address = rc.address,
                    card_id = card_id
                ));
                return;
            }
            Err(FetchError::Api(e)) => {
                self.warn(crate::i18n::tr!(
                    "apply-read-back-failed",
                    address = rc.address,
                    error = e.to_string()
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
            self.warn(crate::i18n::tr!(
                "apply-not-taken",
                address = rc.address,
                fields = left
                    .iter()
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
