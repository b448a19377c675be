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

/// Runs `git` in `dir` with `envs`, and fails the test when git does.
fn git(dir: &std::path::Path, args: &[&str], envs: &[(String, String)]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The apply job of the pipeline `init --ci gitlab` writes, run as GitLab would run its
/// script (bash, errexit) in a clone, against the sandbox, with the project's remote a
/// local bare repository. The state is the only record of the card_ids, so the job
/// must commit it back: before, it did not, and every later apply job created every
/// card again.
#[cfg(unix)]
#[test]
fn the_gitlab_apply_job_init_writes_commits_the_state_back() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("work");
    let d = work.to_str().expect("utf-8 temp path");
    run(&["init", d, "--sandbox", "--ci", "gitlab"]).expect_code(0);
    let id: Vec<(String, String)> = [
        ("GIT_AUTHOR_NAME", "dev"),
        ("GIT_AUTHOR_EMAIL", "dev@example.invalid"),
        ("GIT_COMMITTER_NAME", "dev"),
        ("GIT_COMMITTER_EMAIL", "dev@example.invalid"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    git(&work, &["init", "-q", "-b", "main"], &id);
    git(&work, &["add", "-A"], &id);
    git(&work, &["commit", "-q", "-m", "cards"], &id);
    let remote = tmp.path().join("remote.git");
    git(
        tmp.path(),
        &["clone", "-q", "--bare", d, remote.to_str().expect("utf-8")],
        &id,
    );

    let pipeline: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(work.join(".gitlab-ci.yml")).expect("pipeline"),
    )
    .expect("YAML");
    let script: Vec<&str> = pipeline["cardform-apply"]["script"]
        .as_sequence()
        .expect("the apply job has a script")
        .iter()
        .filter_map(serde_yaml_ng::Value::as_str)
        .collect();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_cardform"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The job's https URL of the project goes to the bare repository instead.
    let mut env: Vec<(String, String)> = id.clone();
    env.extend(
        [
            ("PATH", path.as_str()),
            ("CI_SERVER_HOST", "gitlab.example"),
            ("CI_PROJECT_PATH", "group/cards"),
            ("CI_DEFAULT_BRANCH", "main"),
            ("CI_COMMIT_SHORT_SHA", "abc1234"),
            ("CARDFORM_GITLAB_TOKEN", "not-a-real-token"),
            ("NO_COLOR", "1"),
            ("GIT_CONFIG_COUNT", "1"),
            (
                "GIT_CONFIG_KEY_0",
                &format!("url.file://{}.insteadOf", remote.display()),
            ),
            (
                "GIT_CONFIG_VALUE_0",
                "https://gitlab.example/group/cards.git",
            ),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let run_job = || {
        let out = std::process::Command::new("bash")
            .current_dir(&work)
            .args(["-eo", "pipefail", "-c", &script.join("\n")])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "the apply job failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run_job();
    let log = git(&remote, &["log", "--format=%s", "main"], &id);
    assert!(
        log.starts_with("cardform: state after apply at abc1234 [skip ci]\n"),
        "{log}"
    );
    let state = git(&remote, &["show", "main:state/cardform.state.json"], &id);
    let state: serde_json::Value = serde_json::from_str(&state).expect("state JSON");
    assert_eq!(
        state["resources"].as_object().map(|r| r.len()),
        Some(1),
        "{state}"
    );
    let files = git(&remote, &["ls-tree", "-r", "--name-only", "main"], &id);
    assert!(!files.contains(".lock"), "no lock files: {files}");
    // A second job with nothing to do commits nothing.
    run_job();
    assert_eq!(git(&remote, &["log", "--format=%s", "main"], &id), log);
}
