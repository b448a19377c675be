//! Reads a project folder: TOML files → typed desired cards, with the JSON-Schema
//! check and the semantic rules. Never touches the network.
//!
//! Pipeline (see [`load_project`]): parse TOML (syntax errors with line:col) → JSON
//! value → JSON-Schema validation against the schema generated from the model (every
//! error, located via toml's spans; unknown keys suggest the nearest known one) →
//! serde into [`crate::model::Card`] → the semantic rules of [`validation`].

mod desired;
mod diagnostic;
mod files;
pub mod format;
pub mod images;
mod loader;
mod project;
pub mod protect;
mod run_settings;
mod schema;
pub(crate) mod schema_diagnostics;
mod schema_messages;
pub(crate) mod source;
pub mod sub_merchants;
pub(crate) mod suggest;
pub mod trust;
pub mod validation;

pub use desired::{DesiredCard, WriteRule};
pub use diagnostic::{ConfigError, Diagnostic, Severity};
pub use loader::{
    CARDS_DIR, PROJECT_FILE, Project, load_composed, load_in_memory, load_in_memory_composed,
    load_project, load_project_at, load_project_config, load_settings_file, load_typed_text,
};
pub use project::*;
pub use run_settings::{ClientMaker, MAX_PARALLELISM, MakeClient, RunFlags, RunSettings};
pub use schema::{
    ADDRESS_PATTERN, CardFile, Compiled, card_file_schema, combined_schema, compile_for,
    is_valid_address, project_schema,
};
