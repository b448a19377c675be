//! Diff desired (files) vs live (WeChat) vs last-applied (state); classify each change
//! with the update-rule table; build and render the plan. Never calls a mutating
//! endpoint.

pub mod approval;
mod build;
pub mod diff;
pub mod gate;
mod money;
mod note;
pub mod policy;
pub mod price;
mod refresh;
mod render_html;
mod render_json;
mod render_markdown;
mod render_text;
pub mod saved;
pub mod stock_loss;
pub mod stores;
pub mod sub_merchants;
mod types;
pub mod whitelist;

pub use build::{DesiredInput, PlanError, PlanInputs, STOCK_PATH, StateInput, build_plan};
pub use money::{coin_lines, price_phrase, purchase_line, whitelist_lines};
pub use note::{DELETED_OUTSIDE, Note};
pub use refresh::{apply_call_estimate, refresh_key, unchanged_since_apply};
pub use render_html::{HtmlOptions, render_html};
pub use render_json::{JsonPlan, json_plan, render_json};
pub use render_markdown::{
    GITHUB_COMMENT_LIMIT, MARKER, MarkdownOptions, render_markdown, render_markdown_with,
    render_markdown_within,
};
pub use render_text::{TextOptions, render_text, show, show_at, summary_line};
pub use types::*;
