//! zh-CN: errors.

#[allow(unused_imports)]
use super::{assert_chinese, zh};

/// An invalid project: the diagnostics, the error and its help in Chinese.
#[test]
fn an_invalid_project_is_reported_in_chinese() {
    let p = crate::common::TestProject::sandbox();
    let text = std::fs::read_to_string(p.cards_file()).expect("cards");
    std::fs::write(p.cards_file(), format!("{text}\nbad = \n")).expect("write");
    let dir = p.path().to_string_lossy().to_string();
    let out = zh(&["plan", &dir]);
    out.expect_code(1);
    assert!(out.stderr.contains("提示"), "{}", out.stderr);
}
