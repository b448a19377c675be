//! The committed schema/ files equal what `cardform schema` generates from the Rust
//! types, and the examples point editors at them.
//!
//! Regenerate after changing the model: `CARDFORM_UPDATE_SCHEMA=1 cargo test --test
//! it validate_schema::` (or `cargo run -- schema --kind cards > schema/cards.schema.json`,
//! `--kind project > schema/project.schema.json`, `--kind all > schema/cardform.schema.json`).

use std::path::Path;

use cardform::cli::SchemaKind;
use cardform::commands::schema::render;

const FILES: [(SchemaKind, &str); 3] = [
    (SchemaKind::Cards, "schema/cards.schema.json"),
    (SchemaKind::Project, "schema/project.schema.json"),
    (SchemaKind::All, "schema/cardform.schema.json"),
];

#[test]
fn committed_schemas_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("CARDFORM_UPDATE_SCHEMA").is_some();
    let mut stale = Vec::new();
    for (kind, file) in FILES {
        let want = render(kind).expect("renders");
        let path = root.join(file);
        if update {
            std::fs::write(&path, &want).expect("write schema");
            continue;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale schema files {stale:?}; regenerate with CARDFORM_UPDATE_SCHEMA=1 cargo test --test it validate_schema::"
    );
}

#[test]
fn schema_is_draft07_with_byte_limits_and_descriptions() {
    let s: serde_json::Value =
        serde_json::from_str(&render(SchemaKind::Cards).expect("renders")).expect("json");
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    let base = &s["definitions"]["BaseInfo"]["properties"];
    assert_eq!(base["brand_name"]["x-max-utf8-bytes"], 36);
    assert_eq!(base["brand_name"]["maxLength"], 36);
    assert_eq!(base["title"]["x-max-utf8-bytes"], 27);
    for (name, prop) in base.as_object().expect("properties") {
        assert!(
            prop.get("description").is_some_and(|d| d.is_string()),
            "base_info.{name} has no description for editor hovers"
        );
    }
}

#[test]
fn example_files_declare_the_schema_for_editors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = root.join("examples");
    let mut checked = 0;
    for project in std::fs::read_dir(&examples).expect("examples").flatten() {
        let mut files = vec![project.path().join("cardform.toml")];
        if let Ok(cards) = std::fs::read_dir(project.path().join("cards")) {
            files.extend(cards.flatten().map(|e| e.path()));
        }
        for file in files.into_iter().filter(|f| f.is_file()) {
            let text = std::fs::read_to_string(&file).expect("read");
            let first = text.lines().next().unwrap_or("");
            let rel = first
                .strip_prefix("#:schema ")
                .unwrap_or_else(|| panic!("{} must start with #:schema", file.display()));
            let target = file.parent().expect("parent").join(rel.trim());
            assert!(
                target.is_file(),
                "{}: #:schema points at missing {}",
                file.display(),
                target.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "checked {checked} files");
}
