//! The journal around every mutating call: the intent before it, the outcome (or
//! "abandoned") after it, so a crash never leaves an unknown card.

use super::{CardFailure, Executor, failure, local_failure, now};
use crate::state::{Change, OpKind, PendingOperation};
use crate::wechat::ApiError;
use serde_json::Value;
use uuid::Uuid;

/// What a journaled call is about to do: the content of its intent record.
pub(super) struct Intent<'s> {
    pub(super) op: OpKind,
    pub(super) card_id: Option<&'s str>,
    /// What identifies the request, so recovery can tell whether it took effect.
    pub(super) fingerprint: String,
    pub(super) detail: Value,
}

/// What to do with the intent of a call whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IfUnknown {
    /// Keep it pending: the next run finds out whether WeChat carried it out.
    KeepPending,
    /// Close it: repeating the call is harmless.
    Forget,
}

impl<'a> Executor<'a> {
    pub(super) async fn record_intent(
        &self,
        address: &str,
        intent: Intent<'_>,
    ) -> Result<Uuid, CardFailure> {
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
                crate::i18n::tr!("apply-journal-intent", error = e.to_string()),
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
    pub(super) async fn journaled<T>(
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

    pub(super) async fn record_outcome(
        &self,
        address: &str,
        op_id: Uuid,
        changes: Vec<Change>,
    ) -> Result<(), CardFailure> {
        self.state.finish_async(op_id, changes).await.map_err(|e| {
            local_failure(
                address,
                "record",
                crate::i18n::tr!("apply-journal-outcome", error = e.to_string()),
            )
        })
    }

    /// The call was not made or changed nothing: the intent is closed.
    pub(super) async fn record_abandoned(&self, op_id: Uuid) {
        let _ = self.state.abandon_async(op_id).await;
    }
}
