//! `cardform validate` and `cardform schema` through the real binary: exit codes,
//! the JSON format, --verbose titles, and projects that are not projects.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn manifest(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn cardform() -> Command {
    let mut c = Command::cargo_bin("cardform").expect("binary");
    c.env("NO_COLOR", "1");
    c
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn quickstart_is_valid_and_shows_derived_titles() {
    let out = cardform()
        .args(["validate", "--verbose"])
        .arg(manifest("examples/quickstart"))
        .output()
        .expect("runs");
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("4 cards valid"), "{text}");
    assert!(
        text.contains("card friend_cash: title will be \u{201c}满100减20\u{201d}"),
        "{text}"
    );
    assert!(text.contains("card friend_gift: title will be \u{201c}拿铁1杯\u{201d}"));
}

#[test]
fn json_output_is_versioned_and_complete() {
    let out = cardform()
        .args(["validate", "--format", "json", "--verbose"])
        .arg(manifest("examples/quickstart"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is only JSON");
    assert_eq!(doc["format_version"], "1");
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["diagnostics"], Value::Array(vec![]));
    let titles: Vec<&str> = doc["cards"]
        .as_array()
        .expect("cards with --verbose")
        .iter()
        .filter_map(|c| c["derived_title"].as_str())
        .collect();
    assert_eq!(titles, vec!["满100减20", "拿铁1杯"]);

    let out = cardform()
        .args(["validate", "--format", "json"])
        .arg(manifest("tests/fixtures/schema_errors"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is only JSON");
    assert_eq!(doc["valid"], false);
    let diags = doc["diagnostics"].as_array().expect("diagnostics");
    assert!(diags.len() > 10);
    let first = &diags[0];
    for key in [
        "severity", "file", "line", "column", "address", "field", "message", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "cards/cards.toml");
}

/// `plan` on a folder that is not a project keeps the error's own code and help (they
/// were flattened into its message alone).
#[test]
fn plan_outside_a_project_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cardform()
        .arg("plan")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no cardform.toml"), "{err}");
    assert!(err.contains("cardform::config::not_a_project"), "{err}");
    assert!(
        err.contains("run cardform in the project folder or pass it as DIR"),
        "{err}"
    );
}

#[test]
fn a_folder_without_cardform_toml_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cardform()
        .arg("validate")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no cardform.toml"), "{err}");

    let out = cardform()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON even for this");
    assert_eq!(doc["valid"], false);

    let missing = dir.path().join("nope");
    let out = cardform()
        .arg("validate")
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unreadable_and_odd_files_are_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A folder where the project file should be; a folder and a huge file among cards.
    std::fs::create_dir(dir.path().join("cardform.toml")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("cards/sub.toml")).expect("mkdir");
    let huge = "# padding\n".repeat(2 * 1024 * 1024);
    std::fs::write(dir.path().join("cards/huge.toml"), huge).expect("write");
    let out = cardform()
        .arg("validate")
        .arg(dir.path())
        .output()
        .expect("runs");
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("cardform.toml: cannot read the file"),
        "{text}"
    );
    assert!(
        text.contains("cards/huge.toml: the file is larger than 16 MiB"),
        "{text}"
    );
}

#[test]
fn schema_command_prints_the_committed_schemas() {
    for (kind, file) in [
        ("cards", "schema/cards.schema.json"),
        ("project", "schema/project.schema.json"),
        ("all", "schema/cardform.schema.json"),
    ] {
        let out = cardform()
            .args(["schema", "--kind", kind])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        let committed = std::fs::read_to_string(manifest(file)).expect("committed schema");
        assert_eq!(
            stdout_of(&out),
            committed,
            "{file} is stale; regenerate: cargo run -- schema --kind {kind} > {file}"
        );
    }
}
