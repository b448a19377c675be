//! The first five minutes: `init` → `validate` → `apply` on the sandbox → `fmt --check`
//! from an empty folder; `fmt` keeps meaning and comments; completions and man pages.

use crate::common::{cardform, run_cmd};

fn run(args: &[&str]) -> crate::common::Output {
    run_cmd(cardform().args(args))
}

#[test]
fn init_validate_apply_fmt_from_an_empty_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("cards-repo");
    let d = dir.to_str().expect("utf-8 temp path");
    let init = run(&["init", d, "--sandbox", "--ci", "github"]);
    init.expect_code(0);
    for file in [
        "cardform.toml",
        "cards/example.toml",
        "assets/logo.jpg",
        "schema/cards.schema.json",
        "schema/project.schema.json",
        ".gitignore",
        ".taplo.toml",
        ".github/workflows/cardform.yml",
    ] {
        assert!(dir.join(file).is_file(), "init did not write {file}");
    }
    let card = std::fs::read_to_string(dir.join("cards/example.toml")).expect("card");
    assert!(
        card.starts_with("#:schema ../schema/cards.schema.json\n"),
        "{card}"
    );
    let taplo = std::fs::read_to_string(dir.join(".taplo.toml")).expect("taplo");
    assert!(taplo.contains(r#"include = ["cards/*.toml"]"#), "{taplo}");
    assert!(
        taplo.contains(r#"path = "schema/cards.schema.json""#),
        "{taplo}"
    );
    // The schema it wrote is the binary's own.
    let schema = run(&["schema", "--kind", "cards"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("schema/cards.schema.json")).expect("schema"),
        schema.stdout
    );
    run(&["validate", d]).expect_code(0);
    run(&["apply", d, "--auto-approve"]).expect_code(0);
    // Applied: the sandbox now holds the card, so a plan has nothing to do.
    run(&["plan", d, "--detailed-exitcode"]).expect_code(0);
    run(&["fmt", "--check", d]).expect_code(0);
    // A second init refuses to overwrite anything.
    let again = run(&["init", d, "--sandbox"]);
    again.expect_code(1);
    assert!(again.stderr.contains("not overwriting"), "{}", again.stderr);
}

#[test]
fn init_for_a_real_account_and_gitlab() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path().to_str().expect("utf-8 temp path");
    run(&["init", d, "--appid", "wx1234567890abcdef", "--ci", "gitlab"]).expect_code(0);
    let config = std::fs::read_to_string(tmp.path().join("cardform.toml")).expect("config");
    assert!(
        config.contains(r#"appid = "wx1234567890abcdef""#),
        "{config}"
    );
    assert!(
        config.contains(r#"endpoint = "https://api.weixin.qq.com""#),
        "{config}"
    );
    assert!(tmp.path().join(".gitlab-ci.yml").is_file());
    run(&["validate", d]).expect_code(0);
    // Against the sandbox until the cards look right.
    run(&["apply", d, "--sandbox", "--auto-approve"]).expect_code(0);
    run(&["plan", d, "--endpoint", "sandbox", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn fmt_rewrites_check_reports_and_meaning_is_kept() {
    let project = crate::common::TestProject::sandbox();
    let d = project.path().to_str().expect("utf-8 temp path");
    let before = std::fs::read_to_string(project.cards_file()).expect("cards");
    // Out of WeChat's order: title after color.
    project.edit(
        "title = \"全场八折券\"\ncolor = \"Color010\"",
        "color = \"Color010\"    # green\ntitle = \"全场八折券\"",
    );
    let check = run(&["fmt", "--check", d]);
    check.expect_code(1);
    assert!(check.stdout.contains("cards.toml"), "{}", check.stdout);
    let plan_before = run(&["plan", d, "--format", "json"]);
    plan_before.expect_code(0);
    run(&["fmt", d]).expect_code(0);
    run(&["fmt", "--check", d]).expect_code(0);
    let after = std::fs::read_to_string(project.cards_file()).expect("cards");
    assert!(
        after.contains("title = \"全场八折券\"\ncolor = \"Color010\"  # green"),
        "{after}"
    );
    // The same cards: the same data, and the same plan.
    let a: toml::Value = toml::from_str(&before).expect("before parses");
    let b: toml::Value = toml::from_str(&after).expect("after parses");
    assert_eq!(a, b);
    let plan_after = run(&["plan", d, "--format", "json"]);
    assert_eq!(plan_before.stdout, plan_after.stdout);
}

#[test]
fn fmt_reports_broken_files_without_touching_them() {
    let project = crate::common::TestProject::with("", "[cards.a\n");
    let d = project.path().to_str().expect("utf-8 temp path");
    let out = run(&["fmt", d]);
    out.expect_code(1);
    assert!(out.stderr.contains("cards.toml"), "{}", out.stderr);
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(project.cards_file()).expect("cards"),
        "[cards.a\n"
    );
}

#[test]
fn the_repositorys_examples_are_fmt_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    for example in ["examples/quickstart", "examples/gitops"] {
        run(&["fmt", "--check", &format!("{root}/{example}")]).expect_code(0);
    }
}

#[test]
fn completions_and_man_pages() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell]);
        out.expect_code(0);
        assert!(out.stdout.contains("preview"), "{shell}: no subcommands");
        assert!(out.stdout.contains("--sandbox"), "{shell}: no init flags");
    }
    let man = run(&["man"]);
    man.expect_code(0);
    assert!(
        man.stdout.starts_with(".ie"),
        "not roff: {}",
        &man.stdout[..40.min(man.stdout.len())]
    );
    assert!(man.stdout.contains("cardform"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path().to_str().expect("utf-8 temp path");
    run(&["man", "--out", d]).expect_code(0);
    for page in [
        "cardform.1",
        "cardform-plan.1",
        "cardform-state-list.1",
        "cardform-preview.1",
    ] {
        assert!(tmp.path().join(page).is_file(), "no {page}");
    }
}
