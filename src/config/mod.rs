//! Reads a project folder: TOML files → typed desired cards, with the JSON-Schema
//! check and the semantic rules. Never touches the network.

mod project;

pub use project::*;
