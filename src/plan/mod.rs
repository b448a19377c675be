//! Diff desired (files) vs live (WeChat) vs last-applied (state); classify each change
//! with the update-rule table; build and render the plan. Never calls a mutating
//! endpoint.

pub mod rules;
