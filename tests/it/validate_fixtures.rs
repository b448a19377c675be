//! Every folder under tests/fixtures/ is a (mostly broken) project. `cardform validate`
//! must report each planted problem once, as `file:line:col: …`; the whole output is
//! snapshotted. Fixture dates are chosen so the output does not depend on today.
//!
//! Update snapshots after an intended change: `INSTA_UPDATE=always cargo test --test
//! it validate_fixtures::`, then review the diff.

use std::path::Path;

use assert_cmd::Command;

fn validate(dir: &Path) -> (i32, String) {
    let out = Command::cargo_bin("cardform")
        .expect("binary")
        .arg("validate")
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn fixtures_report_every_problem_with_a_location() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        // tests/fixtures/wechat holds WeChat answers and tests/fixtures/events the
        // message-crypto vectors, not project folders.
        .filter(|p| p.is_dir() && !p.ends_with("wechat") && !p.ends_with("events"))
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "fixtures present: {dirs:?}");
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 fixture name")
            .to_string();
        let (code, stdout) = validate(&dir);
        let has_errors = stdout.starts_with("invalid:") || stdout.contains("\ninvalid:");
        assert_eq!(code, i32::from(has_errors), "{name}: exit code\n{stdout}");
        for line in stdout.lines().filter(|l| l.contains(": card ")) {
            let mut parts = line.splitn(4, ':');
            let (file, l, c) = (parts.next(), parts.next(), parts.next());
            assert!(file.is_some_and(|f| f.ends_with(".toml")), "{name}: {line}");
            assert!(
                l.and_then(|l| l.parse::<usize>().ok())
                    .is_some_and(|l| l > 0)
                    && c.and_then(|c| c.parse::<usize>().ok())
                        .is_some_and(|c| c > 0),
                "{name}: no line:col in {line}"
            );
        }
        insta::assert_snapshot!(name, format!("exit {code}\n{stdout}"));
    }
}
