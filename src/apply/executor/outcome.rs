//! What apply did: the counts, the cards that did not converge and why.

use crate::wechat::ApiError;

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
pub struct ApplyOutcome {
    pub created: usize,
    pub updated: usize,
    pub sent_to_review: usize,
    pub replaced: usize,
    pub deleted: usize,
    pub stock_changed: usize,
    pub images_uploaded: usize,
    /// Whether the test whitelist was set.
    pub whitelist_set: bool,
    /// Sub-merchants submitted or updated (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub sub_merchants_sent: usize,
    /// Changes not started because the apply was stopped (interrupt or quota).
    pub not_started: usize,
    /// Why the apply stopped early, when it did.
    pub stopped: Option<String>,
    pub failures: Vec<CardFailure>,
    /// Things that worked but deserve a look (send_check mismatch, unverified fields).
    pub warnings: Vec<String>,
}

impl ApplyOutcome {
    /// `Apply complete: N created, N updated (N sent to review), N replaced, N deleted`.
    pub fn summary(&self) -> String {
        use crate::i18n::tr;
        let whitelist = if self.whitelist_set {
            tr!("apply-summary-whitelist")
        } else {
            String::new()
        };
        tr!(
            "apply-summary",
            created = self.created,
            updated = self.updated,
            review = self.sent_to_review,
            replaced = self.replaced,
            deleted = self.deleted,
            stock = self.stock_changed,
            whitelist = whitelist
        ) + &if self.sub_merchants_sent > 0 {
            tr!(
                "apply-summary-sub-merchants",
                count = self.sub_merchants_sent
            )
        } else {
            String::new()
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub(super) type CardResult = Result<(), CardFailure>;

pub(super) fn failure(address: &str, operation: &str, err: &ApiError) -> CardFailure {
    CardFailure {
        address: address.to_string(),
        operation: operation.to_string(),
        message: err.to_string(),
        errcode: err.errcode(),
        outcome_unknown: matches!(err, ApiError::OutcomeUnknown { .. }),
        stops_run: err.stops_run(),
    }
}

pub(super) fn local_failure(
    address: &str,
    operation: &str,
    message: impl Into<String>,
) -> CardFailure {
    CardFailure {
        address: address.to_string(),
        operation: operation.to_string(),
        message: message.into(),
        errcode: None,
        outcome_unknown: false,
        stops_run: false,
    }
}
