//! Running a plan, in one place for `plan`, `apply DIR` and `apply FILE` (and, later,
//! once per account of a platform project): from a loaded project and the run's
//! settings to a checked plan, and from a checked plan to the changes on WeChat.
//!
//! - [`run_plan`]: opens the run ([`Session`](crate::session::Session): lock, client,
//!   state), resolves interrupted operations, refreshes, builds and prices the plan
//!   ([`make_plan`]) and checks it ([`gate`](crate::plan::policy::gate)).
//! - [`run_saved`]: opens the run of a saved plan, checks that it is still fresh
//!   ([`SavedPlan::check_fresh`](crate::plan::saved::SavedPlan::check_fresh)) and
//!   checks it with the same gate.
//! - [`execute`]: carries a checked plan out (券点 preflight, the executor, commit).
//!
//! Nothing here prints: notes go to the run's [`Reporter`](crate::report::Reporter);
//! the caller renders the plan and the verdict.

mod apply;
mod plan;

pub use apply::{
    ExecuteOptions, Executed, SavedRequest, buy_approved, execute, record_refresh,
    record_unchanged, refuse_refresh_only, run_saved,
};
pub use plan::{
    CheckedPlan, Operation, PlanOptions, PlanRequest, PlanRun, Planned, make_plan, run_plan,
    state_inputs,
};

use crate::apply::recover;
use crate::i18n::tr;
use crate::plan::PlanError;
use crate::plan::saved::StalePlan;
use crate::session::SessionError;
use crate::wechat::ApiError;

/// Why a plan could not be made, checked or carried out; each says what to do.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RunError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Stale(#[from] StalePlan),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Refresh(#[from] crate::live::RefreshError),
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    #[diagnostic(code(cardform::plan::invalid))]
    Plan(Vec<PlanError>),
    #[error("{}", tr!("err-run-recover", error = .0.to_string()))]
    #[diagnostic(transparent)]
    Recover(#[from] recover::RecoverError),
    #[error("{0} ({help})", help = .0.help())]
    #[diagnostic(code(cardform::plan::image))]
    Image(#[from] crate::config::images::ImagePathError),
    #[error("{}", tr!("err-run-pricing", error = .0.to_string()))]
    #[diagnostic(transparent)]
    Pricing(ApiError),
    #[error(
        "{}",
        tr!("err-run-unknown-stores", stores = .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    )]
    #[diagnostic(
        code(cardform::plan::unknown_store),
        help("{}", tr!("err-run-unknown-stores-help"))
    )]
    UnknownStores(Vec<crate::plan::stores::UnknownStores>),
    #[error("{}", tr!("err-run-stores", error = .0.to_string()))]
    #[diagnostic(transparent)]
    Stores(ApiError),
    #[error("{}", tr!("err-run-ambiguous", error = .0))]
    #[diagnostic(
        code(cardform::apply::ambiguous),
        help("{}", tr!("err-run-ambiguous-help"))
    )]
    Ambiguous(String),
    #[error("{}", tr!("err-run-refresh-only", path = .path))]
    #[diagnostic(code(cardform::apply::refresh_only_plan))]
    RefreshOnlySaved { path: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] crate::state::StateError),
    #[error("{}", .0.join("\n"))]
    #[diagnostic(
        code(cardform::plan::sub_merchant),
        help("{}", tr!("err-run-sub-merchants-help"))
    )]
    SubMerchants(Vec<String>),
    /// A declared sub-merchant the plan cannot carry out as written (adopted ones:
    /// `merchant_id`, a change that needs `protocol`).
    #[error("{}", .0.join("\n"))]
    #[diagnostic(
        code(cardform::plan::sub_merchant),
        help("{}", crate::i18n::tr!("op-submerchant-fix-help"))
    )]
    SubMerchantDeclarations(Vec<String>),
    #[error("{}", tr!("err-run-sub-merchant-read", error = .0.to_string()))]
    #[diagnostic(transparent)]
    SubMerchantRead(ApiError),
}
