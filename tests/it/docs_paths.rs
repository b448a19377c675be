//! docs/architecture.md stays true to the code: every file or folder it names in
//! backticks (`src/…`, `crates/…`, `tests/…`, …) exists.

use std::path::Path;

const ROOTS: &[&str] = &["src/", "crates/", "tests/", "docs/", "scripts/", "schema/"];

/// The repository paths a markdown text names in backticks.
fn named_paths(doc: &str) -> Vec<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| ROOTS.iter().any(|r| s.starts_with(r)))
        // A command line (`cargo run -- schema > schema/…`) is not a path.
        .filter(|s| !s.contains(' '))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_path_architecture_md_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).expect("read doc");
    let paths = named_paths(&doc);
    assert!(
        paths.len() > 50,
        "the doc names the code's files: {paths:?}"
    );
    let missing: Vec<&String> = paths.iter().filter(|p| !root.join(p).exists()).collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names paths that do not exist: {missing:?}"
    );
}

#[test]
fn named_paths_are_the_backticked_repository_paths() {
    let doc = "see `src/a.rs` and `crates/b/` but not `cargo run -- schema > schema/x` or `Plan`";
    assert_eq!(named_paths(doc), vec!["src/a.rs", "crates/b/"]);
}
