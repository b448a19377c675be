//! Diff desired (files) vs live (WeChat) vs last-applied (state); classify each change
//! with the update-rule table; build and render the plan. Never calls a mutating
//! endpoint.

mod build;
pub mod diff;
mod model;
mod render_json;
mod render_text;
pub mod rules;

pub use build::{DELETED_OUTSIDE, DesiredInput, PlanError, PlanInputs, StateInput, build_plan};
pub use model::*;
pub use render_json::render_json;
pub use render_text::{TextOptions, render_text, show, summary_line};
