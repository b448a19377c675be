//! `cardform plan --trusted-settings DIR` on a platform (issue 23: "the PR-trust rules
//! hold for platforms too"; docs/security.md, threat 5): the real binary against the
//! emulator playing the open platform. DIR is the base branch's platform folder (a
//! `git worktree` of it, as the pipelines `init --platform --ci` writes make it); the
//! pull request's changes to the trusted settings are shown, never used.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Emulator, Output, filters, run_cmd, words};
use crate::platform_cli::{World, git};

/// An own card of an account (besides the template's two), for the delete test.
const EXTRA_CARD: &str = r#"[cards.extra_gift]
card_type = "GENERAL_COUPON"
default_detail = "到店赠送一份小食。"

[cards.extra_gift.base_info]
logo_url = "https://mmbiz.qpic.cn/mmbiz/logo.jpg"
code_type = "CODE_TYPE_TEXT"
brand_name = "卡式咖啡"
title = "到店礼"
color = "Color070"
notice = "向店员出示券码"
description = "每人一份。"
sku = { quantity = 100 }
date_info = { type = "DATE_TYPE_FIX_TERM", fixed_term = 30, fixed_begin_term = 0 }
use_all_locations = true
"#;

/// A platform of `n` authorizers with `accounts` account folders (`shop-0`…, each
/// using the template; `extra(i)` is added to `shop-i`'s account.toml), applied and
/// committed on `main`; and the base branch as a `git worktree` (the trusted folder).
struct Pr {
    w: World,
    _base_dir: tempfile::TempDir,
    base: PathBuf,
}

impl Pr {
    fn new(n: usize, accounts: usize, extra: &dyn Fn(usize) -> String) -> Pr {
        let w = World::new(n);
        for i in 0..accounts {
            let dir = w.dir.path().join(format!("accounts/shop-{i}"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(
                dir.join("account.toml"),
                format!(
                    "appid = \"{}\"\n{}\n[templates.spring]\nbrand = \"店{i}\"\n",
                    w.appids[i],
                    extra(i)
                ),
            )
            .expect("write");
        }
        std::fs::create_dir_all(w.dir.path().join("accounts/shop-0/cards")).expect("mkdir");
        std::fs::write(
            w.dir.path().join("accounts/shop-0/cards/extra.toml"),
            EXTRA_CARD,
        )
        .expect("write");
        w.run(&["apply", ".", "--accounts", "all", "--auto-approve"])
            .expect_code(0);
        git(w.dir.path(), &["init", "-q", "-b", "main"]);
        git(w.dir.path(), &["add", "-A"]);
        git(w.dir.path(), &["commit", "-qm", "base"]);
        let base_dir = tempfile::tempdir().expect("tmp");
        let base = base_dir.path().join("base");
        git(
            w.dir.path(),
            &[
                "worktree",
                "add",
                "-q",
                "--detach",
                base.to_str().expect("utf-8"),
                "main",
            ],
        );
        Pr {
            w,
            _base_dir: base_dir,
            base,
        }
    }

    fn base(&self) -> &str {
        self.base.to_str().expect("utf-8")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.w.dir.path().join(rel)
    }

    /// The pull request edits a file of the platform.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.path(rel);
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains(from), "{rel} has no {from:?}:\n{text}");
        std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
    }

    /// `plan --trusted-settings BASE ARGS`.
    fn trusted(&self, args: &[&str]) -> Output {
        let mut all = vec!["plan", "--trusted-settings", self.base()];
        all.extend_from_slice(args);
        self.w.run(&all)
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        )
    })
}

fn account<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == name))
        .unwrap_or_else(|| panic!("no account {name} in {report}"))
}

fn calls(emu: &Emulator) -> Vec<Value> {
    emu.admin("GET", "/__emulator/calls", None)["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A pull request pointing `endpoint` at another loopback port: the plan still talks to
/// the base branch's endpoint only, shows the proposal (text, markdown, HTML, JSON),
/// exits 2 under `--detailed-exitcode` and 3 under `--deny settings`.
#[test]
fn a_changed_endpoint_is_shown_and_not_used() {
    let pr = Pr::new(2, 2, &|_| String::new());
    let other = Emulator::start(&[]);
    pr.edit(
        "cardform.toml",
        &format!("endpoint = \"{}\"", pr.w.emu.url),
        &format!("endpoint = \"{}\"", other.url),
    );
    // Without trusted settings, the pull request's endpoint is used (and fails here:
    // that emulator plays no platform).
    let untrusted = pr.w.run(&["plan", "--accounts", "all"]);
    assert_ne!(untrusted.code, 0, "{}", untrusted.stdout);
    assert!(!calls(&other).is_empty(), "the control run reached it");
    let before = calls(&other).len();

    let out = pr.trusted(&["--format", "json", "--detailed-exitcode"]);
    out.expect_code(2);
    let report = json(&out);
    let settings = report["settings"].as_array().expect("settings");
    assert_eq!(settings.len(), 1, "{report}");
    assert_eq!(settings[0]["key"], "endpoint");
    assert_eq!(settings[0]["trusted"], pr.w.emu.url.as_str());
    assert_eq!(settings[0]["proposed"], other.url.as_str());
    for name in ["shop-0", "shop-1"] {
        let a = account(&report, name);
        assert_eq!(a["status"], "planned", "{a}");
        assert_eq!(a["row"]["creates"], 0, "{a}");
    }
    assert_eq!(
        calls(&other).len(),
        before,
        "the proposed endpoint got a call"
    );

    let text = pr.trusted(&[]);
    text.expect_code(0);
    assert!(
        text.stdout
            .contains("Settings: cardform.toml proposes changes (in force only after merge)")
            && text.stdout.contains(&format!(
                "~ endpoint: \"{}\" -> \"{}\"",
                pr.w.emu.url, other.url
            )),
        "{}",
        text.stdout
    );
    let md = pr.trusted(&["--format", "markdown"]);
    md.expect_code(0);
    assert!(md.stdout.contains("| `endpoint` | `\""), "{}", md.stdout);
    let html = pr.trusted(&["--format", "html"]);
    html.expect_code(0);
    assert!(
        html.stdout.contains("<div class=\"settings\">"),
        "{}",
        html.stdout
    );

    let denied = pr.trusted(&["--format", "json", "--deny", "settings"]);
    denied.expect_code(3);
    let why = json(&denied)["run_refusal"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(why.contains("(endpoint)"), "{why}");
    // Shards carry the run-level settings into `plan merge`.
    let shard = pr.path("plan-1.json");
    pr.trusted(&["--shard", "1/2", "--out", shard.to_str().expect("utf-8")])
        .expect_code(0);
    let merged = pr.w.run(&[
        "plan",
        "merge",
        "plan-1.json",
        "--format",
        "json",
        "--detailed-exitcode",
    ]);
    merged.expect_code(2);
    assert_eq!(json(&merged)["settings"][0]["key"], "endpoint");
    assert_eq!(calls(&other).len(), before);
}

/// A pull request naming another environment variable as the component secret (say,
/// another CI secret): the trusted variable is the one sent.
#[test]
fn a_changed_component_secret_env_is_not_used() {
    let pr = Pr::new(1, 1, &|_| String::new());
    pr.edit(
        "cardform.toml",
        "[platform]\n",
        "[platform]\ncomponent_secret_env = \"CI_OTHER_SECRET\"\n",
    );
    let other_secret = "another-ci-secret-0bd3";
    let with_other =
        |args: &[&str]| run_cmd(pr.w.command(args).env("CI_OTHER_SECRET", other_secret));
    let untrusted = with_other(&["plan", "--accounts", "all"]);
    assert_ne!(untrusted.code, 0, "the control run used the other variable");
    let out = with_other(&[
        "plan",
        "--trusted-settings",
        pr.base(),
        "--format",
        "json",
        "--detailed-exitcode",
    ]);
    out.expect_code(2);
    let report = json(&out);
    assert_eq!(report["settings"][0]["key"], "platform", "{report}");
    assert_eq!(
        report["settings"][0]["proposed"]["component_secret_env"],
        "CI_OTHER_SECRET"
    );
    assert_eq!(account(&report, "shop-0")["status"], "planned");
    for o in [&out, &untrusted] {
        assert!(!o.stdout.contains(other_secret) && !o.stderr.contains(other_secret));
    }
}

/// A pull request dropping an account's `deny = ["delete"]` while deleting one of its
/// cards: the trusted policy still refuses it (exit 3), and the account's plan shows
/// the proposed policy.
#[test]
fn dropping_an_accounts_deny_does_not_lift_it() {
    let deny = "[policy]\ndeny = [\"delete\"]\n";
    let pr = Pr::new(2, 2, &|i| if i == 0 { deny.into() } else { String::new() });
    pr.edit("accounts/shop-0/account.toml", deny, "");
    std::fs::remove_file(pr.path("accounts/shop-0/cards/extra.toml")).expect("rm");
    let untrusted = pr.w.run(&["plan", "--accounts", "all"]);
    untrusted.expect_code(0);

    let out = pr.trusted(&["--format", "json"]);
    out.expect_code(3);
    let report = json(&out);
    let a = account(&report, "shop-0");
    assert_eq!(a["status"], "denied", "{a}");
    assert_eq!(a["row"]["deleted"], 1, "{a}");
    let settings = &a["plan"]["settings"];
    assert_eq!(settings[0]["key"], "policy", "{a}");
    assert_eq!(settings[0]["trusted"]["deny"][0], "delete");
    assert_eq!(settings[0]["proposed"], Value::Null);
    assert_eq!(account(&report, "shop-1")["status"], "planned");
    assert!(
        report.get("settings").is_none(),
        "no run-level change: {report}"
    );

    let md = pr.trusted(&["--format", "markdown"]);
    md.expect_code(3);
    let section = md
        .stdout
        .split("<details>")
        .find(|s| s.contains("<b>shop-0</b>"))
        .expect("shop-0's section");
    assert!(section.contains("| `policy` |"), "{section}");
    // The proposal is of the account's own file, not of the root cardform.toml.
    assert!(
        section.contains("this pull request's `accounts/shop-0/account.toml` changes:")
            && !section.contains("this pull request's `cardform.toml`"),
        "{section}"
    );
    let text = pr.trusted(&[]);
    text.expect_code(3);
    assert!(
        text.stdout.contains(
            "Settings: accounts/shop-0/account.toml proposes changes (in force only after merge)"
        ) && !text.stdout.contains("Settings: cardform.toml"),
        "{}",
        text.stdout
    );
}

/// An account new in the pull request: its own `[policy]` is a proposed change (the
/// trusted platform `[policy]` governs it); `--deny settings` refuses that account only.
#[test]
fn a_new_account_is_governed_by_the_trusted_platform_policy() {
    let pr = Pr::new(3, 2, &|_| String::new());
    let dir = pr.path("accounts/shop-new");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("account.toml"),
        format!(
            "appid = \"{}\"\n\n[policy]\nallow_coin_purchase = true\n\n[templates.spring]\nbrand = \"新店\"\n",
            pr.w.appids[2]
        ),
    )
    .expect("write");
    let out = pr.trusted(&["--format", "json", "--detailed-exitcode"]);
    out.expect_code(2);
    let report = json(&out);
    let a = account(&report, "shop-new");
    assert_eq!(a["row"]["creates"], 2, "{a}");
    assert_eq!(a["plan"]["settings"][0]["key"], "policy");
    assert_eq!(a["plan"]["settings"][0]["trusted"], Value::Null);
    assert_eq!(
        a["plan"]["settings"][0]["proposed"]["allow_coin_purchase"],
        true
    );

    let denied = pr.trusted(&["--format", "json", "--deny", "settings"]);
    denied.expect_code(3);
    let report = json(&denied);
    assert_eq!(account(&report, "shop-new")["status"], "denied");
    assert_eq!(account(&report, "shop-0")["status"], "planned");
}

/// A pull request changing an account's AppID to another authorizer's: the plan job
/// acts on the trusted authorizer only, and shows the new AppID as proposed.
#[test]
fn a_changed_appid_acts_on_the_trusted_authorizer() {
    let pr = Pr::new(3, 2, &|_| String::new());
    pr.edit(
        "accounts/shop-1/account.toml",
        &pr.w.appids[1],
        &pr.w.appids[2],
    );
    let since = calls(&pr.w.emu).len();
    let out = pr.trusted(&["--format", "json", "--detailed-exitcode"]);
    out.expect_code(2);
    let report = json(&out);
    let a = account(&report, "shop-1");
    assert_eq!(a["appid"], pr.w.appids[1].as_str(), "{a}");
    assert_eq!(a["plan"]["settings"][0]["key"], "appid");
    assert_eq!(
        a["plan"]["settings"][0]["proposed"],
        pr.w.appids[2].as_str()
    );
    assert_eq!(a["row"]["creates"], 0, "{a}");
    let touched: Vec<String> = calls(&pr.w.emu)[since..]
        .iter()
        .filter_map(|c| c["authorizer"].as_str().map(str::to_string))
        .filter(|s| !s.is_empty())
        .collect();
    assert!(!touched.is_empty());
    assert!(
        !touched.contains(&pr.w.appids[2]),
        "the proposed authorizer was called: {touched:?}"
    );
}

/// Bad trusted settings: each a clear error naming the place, exit 1, nothing sent.
#[test]
fn bad_trusted_settings_are_clear_errors_and_send_nothing() {
    let pr = Pr::new(1, 1, &|_| String::new());
    let tmp = tempfile::tempdir().expect("tmp");
    let missing = tmp.path().join("nope");
    let one = tmp.path().join("one");
    std::fs::create_dir_all(&one).expect("mkdir");
    std::fs::write(one.join("cardform.toml"), "[account]\nappid = \"wx1\"\n").expect("write");
    std::fs::write(pr.base.join("accounts/shop-0/account.toml"), "appid = [\n").expect("write");
    let before = calls(&pr.w.emu).len();
    let file = pr.base.join("cardform.toml");
    let cases: [(&Path, &str); 4] = [
        (&missing, "does not exist"),
        (&one, "is not a platform's cardform.toml"),
        (&file, "is one file"),
        (&pr.base, "accounts/shop-0/account.toml:1:"),
    ];
    for (dir, wanted) in cases {
        let out =
            pr.w.run(&["plan", "--trusted-settings", dir.to_str().expect("utf-8")]);
        out.expect_code(1);
        assert!(
            words(&out.stderr).contains(wanted),
            "{wanted:?} not in:\n{}",
            out.stderr
        );
    }
    // The environment variable says the same.
    let env = run_cmd(
        pr.w.command(&["plan"])
            .env("CARDFORM_TRUSTED_SETTINGS", &missing),
    );
    env.expect_code(1);
    assert!(
        words(&env.stderr).contains("does not exist"),
        "{}",
        env.stderr
    );
    assert_eq!(calls(&pr.w.emu).len(), before, "something was sent");
}

/// The pipelines `init --platform --ci` writes plan pull requests on the base branch's
/// settings.
#[test]
fn the_platform_pipelines_plan_on_trusted_settings() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (ci, file) in [
        ("github", ".github/workflows/cardform.yml"),
        ("gitlab", ".gitlab-ci.yml"),
    ] {
        let dir = tmp.path().join(ci);
        run_cmd(crate::common::cardform().args([
            "init",
            dir.to_str().expect("utf-8"),
            "--platform",
            "--component-appid",
            crate::platform_cli::COMPONENT,
            "--ci",
            ci,
        ]))
        .expect_code(0);
        let text = std::fs::read_to_string(dir.join(file)).expect("pipeline");
        let plan_lines: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("cardform plan --accounts"))
            .collect();
        assert!(!plan_lines.is_empty(), "{text}");
        for l in plan_lines {
            assert!(l.contains("--trusted-settings \"$trusted\""), "{file}: {l}");
        }
        assert!(text.contains("git worktree add"), "{text}");
    }
}

/// A pull request moving `shop-1` to another AppID and adding `shop-new` with
/// `shop-1`'s old one: the files alone are fine, but on the base branch's AppIDs both
/// accounts would be one authorizer and plan each other's cards away. A clear error
/// naming both files (the new one's and the base branch's), exit 1, nothing sent.
#[test]
fn two_accounts_on_one_appid_after_the_trusted_swap_are_refused() {
    let pr = Pr::new(3, 2, &|_| String::new());
    pr.edit(
        "accounts/shop-1/account.toml",
        &pr.w.appids[1],
        &pr.w.appids[2],
    );
    let dir = pr.path("accounts/shop-new");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("account.toml"),
        format!(
            "# taken over from shop-1\nappid = \"{}\"\n\n[templates.spring]\nbrand = \"新店\"\n",
            pr.w.appids[1]
        ),
    )
    .expect("write");
    pr.w.run(&["validate", "."]).expect_code(0);
    let before = calls(&pr.w.emu).len();
    let out = pr.trusted(&["--format", "json"]);
    out.expect_code(1);
    let err = words(&out.stderr);
    for wanted in [
        "accounts/shop-new/account.toml:2:1".to_string(),
        format!("{}/accounts/shop-1/account.toml:1:1", pr.base()),
        format!("AppID {} is also account `shop-1`'s", pr.w.appids[1]),
        format!("moves `shop-1` to {}", pr.w.appids[2]),
        "in a pull request of its own and merge it first, then give `shop-new` the old AppID"
            .to_string(),
        "nothing was sent".to_string(),
    ] {
        assert!(err.contains(&wanted), "{wanted:?} not in:\n{}", out.stderr);
    }
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(calls(&pr.w.emu).len(), before, "something was sent");
}

/// The markdown report of a pull request proposing run-level settings (`endpoint`, the
/// component secret's variable) and account-level ones (`shop-0` drops its deny,
/// `shop-1` moves to another AppID), as a reviewer sees it: a snapshot, so a change of
/// the rendering shows in review.
#[test]
fn proposed_settings_in_markdown_snapshot() {
    let deny = "[policy]\ndeny = [\"delete\"]\n";
    let pr = Pr::new(3, 2, &|i| if i == 0 { deny.into() } else { String::new() });
    pr.edit(
        "cardform.toml",
        &format!("endpoint = \"{}\"", pr.w.emu.url),
        "endpoint = \"https://proxy.example.invalid\"",
    );
    pr.edit(
        "cardform.toml",
        "[platform]\n",
        "[platform]\ncomponent_secret_env = \"CI_OTHER_SECRET\"\n",
    );
    pr.edit("accounts/shop-0/account.toml", deny, "");
    pr.edit(
        "accounts/shop-1/account.toml",
        &pr.w.appids[1],
        &pr.w.appids[2],
    );
    let out = pr.trusted(&["--format", "markdown", "--detailed-exitcode"]);
    out.expect_code(2);
    let mut all = filters();
    all.push((r"http://127\.0\.0\.1:[0-9]+", "[EMULATOR]"));
    all.push((r"\b[0-9a-f]{40}\b", "[COMMIT]"));
    insta::with_settings!({ filters => all }, {
        insta::assert_snapshot!("platform_proposed_settings_markdown", out.stdout);
    });
}
