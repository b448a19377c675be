//! Diff desired (files) vs live (WeChat) vs last-applied (state); classify each change
//! with the update-rule table; build and render the plan. Never calls a mutating
//! endpoint.

mod build;
pub mod diff;
mod model;
pub mod rules;

pub use build::{DELETED_OUTSIDE, DesiredInput, PlanError, PlanInputs, StateInput, build_plan};
pub use model::*;
