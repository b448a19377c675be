//! Platform projects (issue 23) end to end: the real binary against `cardform emulator`
//! playing the open platform over loopback, as a new platform would run it: accounts
//! import, one template in every account, plan and apply across accounts, shards and
//! `plan merge`, a revoked authorizer, `--accounts changed`.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{Emulator, Output, cardform, run_cmd, words};

pub(crate) const COMPONENT: &str = "wxcomponent0000emu";
pub(crate) const SECRET: &str = "platform-test-secret-5f2a";

const TEMPLATE: &str = r#"[variables.brand]
description = "the merchant's brand"
default = "卡式咖啡"
[variables.quantity]
default = 100

[cards.spring_discount]
card_type = "DISCOUNT"
discount = 20

[cards.spring_discount.base_info]
logo_url = "https://mmbiz.qpic.cn/mmbiz/logo.jpg"
code_type = "CODE_TYPE_BARCODE"
brand_name = "${brand}"
title = "全场八折"
color = "Color040"
notice = "结账时出示条码"
description = "全场饮品八折。"
sku = { quantity = "${quantity}" }
date_info = { type = "DATE_TYPE_FIX_TERM", fixed_term = 30, fixed_begin_term = 0 }
use_all_locations = true

[cards.spring_gift]
card_type = "GENERAL_COUPON"
default_detail = "新会员首单赠送一份手工曲奇。"

[cards.spring_gift.base_info]
logo_url = "https://mmbiz.qpic.cn/mmbiz/logo.jpg"
code_type = "CODE_TYPE_TEXT"
brand_name = "${brand}"
title = "新会员礼"
color = "Color070"
notice = "向店员出示券码"
description = "仅限首单使用。"
sku = { quantity = 5000 }
date_info = { type = "DATE_TYPE_FIX_TERM", fixed_term = 30, fixed_begin_term = 0 }
use_all_locations = true
"#;

/// A platform folder, its emulator and the verify ticket.
pub(crate) struct World {
    pub(crate) emu: Emulator,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) ticket: String,
    pub(crate) appids: Vec<String>,
}

pub(crate) fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git");
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

impl World {
    pub(crate) fn new(authorizers: usize) -> World {
        World::with_emulator(authorizers, &[])
    }

    /// As [`World::new`], the emulator started with `extra` flags (e.g. latency).
    pub(crate) fn with_emulator(authorizers: usize, extra: &[&str]) -> World {
        World::build(authorizers, extra, COMPONENT)
    }

    /// As [`World::new`], for the component AppID `component` (a test that shares a
    /// database with others keeps its platform's rows apart).
    pub(crate) fn for_component(authorizers: usize, component: &str) -> World {
        World::build(authorizers, &[], component)
    }

    fn build(authorizers: usize, extra: &[&str], component: &str) -> World {
        let emu = Emulator::start(extra);
        let answer = emu.admin(
            "POST",
            "/__emulator/platform",
            Some(json!({"component_appid": component, "component_secret": SECRET, "authorizers": authorizers})),
        );
        let ticket = answer["verify_ticket"]
            .as_str()
            .expect("verify_ticket")
            .to_string();
        let appids: Vec<String> = answer["authorizers"]
            .as_array()
            .expect("authorizers")
            .iter()
            .map(|a| a["appid"].as_str().expect("appid").to_string())
            .collect();
        assert_eq!(appids.len(), authorizers);
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join("cardform.toml"),
            format!(
                "endpoint = \"{}\"\n\n[platform]\ncomponent_appid = \"{component}\"\n\n[platform.run]\naccount_parallelism = 4\n",
                emu.url
            ),
        )
        .expect("write");
        std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
        std::fs::write(dir.path().join("templates/spring.toml"), TEMPLATE).expect("write");
        std::fs::write(dir.path().join(".gitignore"), "state/\n*.json\n").expect("write");
        World {
            emu,
            dir,
            ticket,
            appids,
        }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        run_cmd(&mut self.command(args))
    }

    /// `cardform ARGS` in the platform folder under `CARDFORM_LANG=zh-CN`.
    pub(crate) fn zh(&self, args: &[&str]) -> Output {
        run_cmd(self.command(args).env("CARDFORM_LANG", "zh-CN"))
    }

    /// `cardform ARGS` in the platform folder with the platform's secret and ticket.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut c = cardform();
        c.current_dir(self.dir.path())
            .env("CARDFORM_COMPONENT_SECRET", SECRET)
            .env("CARDFORM_VERIFY_TICKET", &self.ticket)
            .args(args);
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}\n--- stdout\n{}\n--- stderr\n{}",
                out.stdout, out.stderr
            )
        })
    }

    fn account_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path().join("accounts"))
            .map(|r| {
                r.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn no_secret_in(&self, out: &Output) {
        for s in [SECRET, self.ticket.as_str()] {
            assert!(
                !out.stdout.contains(s) && !out.stderr.contains(s),
                "a secret was printed"
            );
        }
    }
}

fn last_seq(emu: &Emulator) -> u64 {
    let calls = emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .and_then(|c| c.last())
        .and_then(|c| c["seq"].as_u64())
        .unwrap_or(0)
}

fn accounts_of(report: &Value) -> Vec<Value> {
    report["accounts"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_new_platform_runs_twenty_merchants_from_one_template() {
    let w = World::new(20);
    // accounts import writes one folder per authorizer, each using the template.
    let out = w.run(&["accounts", "import", "--template", "spring"]);
    out.expect_code(0);
    w.no_secret_in(&out);
    assert_eq!(w.account_files().len(), 20, "{}", out.stderr);
    // Importing again writes nothing (never overwrites).
    let again = w.run(&["accounts", "import"]);
    again.expect_code(0);
    assert!(
        again.stderr.contains("0 account folder(s) written"),
        "{}",
        again.stderr
    );
    let list = w.run(&["accounts", "list"]);
    list.expect_code(0);
    assert!(
        list.stdout
            .contains("20 authorizer(s), 20 managed, 20 with the card permission set"),
        "{}",
        list.stdout
    );
    git(w.dir.path(), &["init", "-q", "-b", "main"]);
    git(w.dir.path(), &["add", "-A"]);
    git(w.dir.path(), &["commit", "-qm", "platform"]);

    // plan --accounts all: 20 × 2 creates.
    let plan = w.json(&["plan", "--accounts", "all", "--format", "json"]);
    let accounts = accounts_of(&plan);
    assert_eq!(accounts.len(), 20);
    for a in &accounts {
        assert_eq!(a["row"]["creates"], 2, "{a}");
        assert_eq!(a["status"], "planned");
    }

    // apply, then a no-op plan.
    let since = last_seq(&w.emu);
    let applied = w.run(&["apply", ".", "--accounts", "all", "--auto-approve"]);
    applied.expect_code(0);
    w.no_secret_in(&applied);
    // From the emulator's call log: no component token (the one `accounts import`
    // fetched is sealed in the state: docs/platform.md "Tokens"), one authorizer token
    // per account.
    let calls = w
        .emu
        .admin("GET", &format!("/__emulator/calls?since={since}"), None);
    let calls = calls["calls"].as_array().cloned().unwrap_or_default();
    let count = |p: &str| {
        calls
            .iter()
            .filter(|c| c["path"].as_str().is_some_and(|x| x.ends_with(p)))
            .count()
    };
    assert_eq!(count("/api_component_token"), 0, "{calls:?}");
    let mut token_for: Vec<String> = calls
        .iter()
        .filter(|c| {
            c["path"]
                .as_str()
                .is_some_and(|x| x.ends_with("/api_authorizer_token"))
        })
        .map(|c| c["authorizer"].as_str().unwrap_or_default().to_string())
        .collect();
    token_for.sort();
    let mut appids = w.appids.clone();
    appids.sort();
    assert_eq!(token_for, appids, "one authorizer token per account");
    assert!(
        applied
            .stderr
            .contains("20 account(s); component token fetched 0 time(s) (the one sealed in the state was used)"),
        "{}",
        applied.stderr
    );
    w.run(&["plan", "--accounts", "all", "--detailed-exitcode"])
        .expect_code(0);
    // coins across accounts: one entry per account.
    let coins = w.json(&["coins", "--format", "json"]);
    assert_eq!(accounts_of(&coins).len(), 20, "{coins}");
    assert!(
        accounts_of(&coins)
            .iter()
            .all(|a| a["coins"]["balance"].is_object()),
        "{coins}"
    );

    // Shards cover every account exactly once; plan merge names all 20.
    w.run(&["plan", "--shard", "1/2", "--out", "s1.json"])
        .expect_code(0);
    w.run(&["plan", "--shard", "2/2", "--out", "s2.json"])
        .expect_code(0);
    let s1: Value =
        serde_json::from_str(&std::fs::read_to_string(w.dir.path().join("s1.json")).expect("s1"))
            .expect("json");
    let s2: Value =
        serde_json::from_str(&std::fs::read_to_string(w.dir.path().join("s2.json")).expect("s2"))
            .expect("json");
    let mut names: Vec<String> = accounts_of(&s1)
        .iter()
        .chain(accounts_of(&s2).iter())
        .map(|a| a["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!accounts_of(&s1).is_empty() && !accounts_of(&s2).is_empty());
    names.sort();
    assert_eq!(names, w.account_files());
    let merged = w.run(&["plan", "merge", "s1.json", "s2.json"]);
    merged.expect_code(0);
    for name in w.account_files() {
        assert!(
            merged.stdout.contains(&format!("<b>{name}</b>")),
            "{name} missing"
        );
    }
    assert_eq!(merged.stdout.matches("<details>").count(), 20);
    // Overlapping shards are refused.
    let overlap = w.run(&["plan", "merge", "s1.json", "s1.json"]);
    overlap.expect_code(1);
    assert!(
        words(&overlap.stderr).contains("shards must not overlap"),
        "{}",
        overlap.stderr
    );

    // One authorizer revoked, an edit in every account: the other 19 are updated,
    // the revoked one is named, the run exits 4.
    let revoked = &w.appids[0];
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": revoked})),
    );
    let t = std::fs::read_to_string(w.dir.path().join("templates/spring.toml")).expect("read");
    std::fs::write(
        w.dir.path().join("templates/spring.toml"),
        t.replace(
            "description = \"全场饮品八折。\"",
            "description = \"全场饮品八折，周末通用。\"",
        ),
    )
    .expect("write");
    let report = w.run(&[
        "apply",
        ".",
        "--accounts",
        "all",
        "--auto-approve",
        "--format",
        "json",
    ]);
    report.expect_code(4);
    w.no_secret_in(&report);
    let report: Value = serde_json::from_str(&report.stdout).expect("json");
    let accounts = accounts_of(&report);
    let failed: Vec<&Value> = accounts
        .iter()
        .filter(|a| a["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0]["appid"].as_str(), Some(revoked.as_str()));
    let applied: Vec<&Value> = accounts
        .iter()
        .filter(|a| a["status"] == "applied")
        .collect();
    assert_eq!(applied.len(), 19);
    // status across accounts: the revoked one reported (exit 4), the others read.
    let status = w.run(&["status", "--format", "json"]);
    status.expect_code(4);
    let status: Value = serde_json::from_str(&status.stdout).expect("json");
    let rows = accounts_of(&status);
    assert_eq!(rows.len(), 20);
    for a in &rows {
        if a["appid"].as_str() == Some(revoked.as_str()) {
            assert!(
                a["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("not an authorizer")),
                "{a}"
            );
        } else {
            assert_eq!(a["cards"].as_array().map(Vec::len), Some(2), "{a}");
        }
    }
    // No secret in any file the runs wrote (states, reports, account files).
    for (path, text) in crate::common::files_under(w.dir.path()) {
        for secret in [SECRET, w.ticket.as_str()] {
            assert!(!text.contains(secret), "{path} holds a secret");
        }
    }
    for a in applied {
        // The edit is in one of the template's two cards.
        assert_eq!(a["row"]["updates"], 1, "{a}");
        assert_eq!(a["row"]["sent_to_review"], 1, "{a}");
    }
}

#[test]
fn changed_plans_exactly_the_accounts_that_use_the_changed_template() {
    let w = World::new(5);
    w.run(&["accounts", "import"]).expect_code(0);
    let names = w.account_files();
    assert_eq!(names.len(), 5);
    // Two accounts use the template; the others have none.
    for n in &names[..2] {
        let p = w.dir.path().join("accounts").join(n).join("account.toml");
        let t = std::fs::read_to_string(&p).expect("read");
        std::fs::write(&p, format!("{t}\n[templates.spring]\nbrand = \"店{n}\"\n")).expect("write");
    }
    git(w.dir.path(), &["init", "-q", "-b", "main"]);
    git(w.dir.path(), &["add", "-A"]);
    git(w.dir.path(), &["commit", "-qm", "platform"]);
    git(w.dir.path(), &["checkout", "-qb", "pr"]);
    let t = std::fs::read_to_string(w.dir.path().join("templates/spring.toml")).expect("read");
    std::fs::write(
        w.dir.path().join("templates/spring.toml"),
        t.replace("default = 100", "default = 120"),
    )
    .expect("write");
    git(w.dir.path(), &["commit", "-qam", "more stock"]);
    let plan = w.json(&["plan", "--accounts", "changed:main", "--format", "json"]);
    let planned: Vec<String> = accounts_of(&plan)
        .iter()
        .map(|a| a["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(planned, names[..2].to_vec());
}

#[test]
fn bad_input_is_a_clear_error_and_sends_nothing() {
    let w = World::new(2);
    w.run(&["accounts", "import"]).expect_code(0);
    let calls_before = w.emu.admin("GET", "/__emulator/calls", None);
    let unknown = w.run(&["plan", "--accounts", "nosuch"]);
    unknown.expect_code(1);
    assert!(
        words(&unknown.stderr).contains("unknown account `nosuch`"),
        "{}",
        unknown.stderr
    );
    for bad in ["0/4", "5/4", "x/y"] {
        let out = w.run(&["plan", "--shard", bad]);
        out.expect_code(1);
        assert!(out.stderr.contains("--shard"), "{}", out.stderr);
    }
    let no_ticket = run_cmd(
        cardform()
            .current_dir(w.dir.path())
            .env("CARDFORM_COMPONENT_SECRET", SECRET)
            .env_remove("CARDFORM_VERIFY_TICKET")
            .args(["plan"]),
    );
    no_ticket.expect_code(1);
    assert!(
        words(&no_ticket.stderr)
            .contains("no component_verify_ticket: environment variable CARDFORM_VERIFY_TICKET"),
        "{}",
        no_ticket.stderr
    );
    // A ticket older than 12 hours by its receipt time: refused before anything is sent.
    let toml_path = w.dir.path().join("cardform.toml");
    let original = std::fs::read_to_string(&toml_path).expect("read");
    std::fs::write(
        &toml_path,
        format!("{original}\n[platform.verify_ticket]\nsource = \"env\"\nreceived_at_env = \"TICKET_AT\"\n"),
    )
    .expect("write");
    let received = chrono::Utc::now().timestamp() - 13 * 3600;
    let stale = run_cmd(
        cardform()
            .current_dir(w.dir.path())
            .env("CARDFORM_COMPONENT_SECRET", SECRET)
            .env("CARDFORM_VERIFY_TICKET", &w.ticket)
            .env("TICKET_AT", received.to_string())
            .args(["plan"]),
    );
    stale.expect_code(1);
    assert!(
        words(&stale.stderr).contains("the component_verify_ticket from environment variable CARDFORM_VERIFY_TICKET is 13 hours old"),
        "{}",
        stale.stderr
    );
    std::fs::write(&toml_path, original).expect("restore");
    // Two folders with one AppID.
    let first = &w.account_files()[0];
    let copy = w.dir.path().join("accounts/copy");
    std::fs::create_dir_all(&copy).expect("mkdir");
    std::fs::copy(
        w.dir
            .path()
            .join("accounts")
            .join(first)
            .join("account.toml"),
        copy.join("account.toml"),
    )
    .expect("copy");
    let dup = w.run(&["plan"]);
    dup.expect_code(1);
    assert!(
        dup.stderr.contains("is also the AppID of account"),
        "{}",
        dup.stderr
    );
    let calls_after = w.emu.admin("GET", "/__emulator/calls", None);
    assert_eq!(calls_before, calls_after, "nothing may be sent");
    std::fs::remove_dir_all(&copy).expect("rm");
    // The open platform refuses a ticket that expired (61005): one error naming the
    // ticket's source, and no card call.
    w.emu.admin(
        "POST",
        "/__emulator/clock",
        Some(json!({"advance_secs": 13 * 3600})),
    );
    let since = last_seq(&w.emu);
    let expired = w.run(&["plan"]);
    expired.expect_code(1);
    let said = words(&expired.stderr);
    assert!(
        said.contains("ticket from environment variable CARDFORM_VERIFY_TICKET"),
        "{said}"
    );
    assert!(said.contains("61005"), "{said}");
    let calls = w
        .emu
        .admin("GET", &format!("/__emulator/calls?since={since}"), None);
    assert!(
        calls["calls"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|c| c["path"]
                .as_str()
                .is_some_and(|p| p.contains("/component/"))),
        "{calls}"
    );
}

/// `init --platform` writes a platform that validates, and pipelines whose every
/// cardform line the CLI accepts and whose every step explains its exit codes,
/// 4 ("some accounts failed") included, as the gitops examples are checked.
#[test]
fn init_platform_writes_a_valid_platform_and_matrix_pipelines() {
    use clap::Parser;
    let tmp = tempfile::tempdir().expect("tmp");
    for (ci, file) in [
        ("github", ".github/workflows/cardform.yml"),
        ("gitlab", ".gitlab-ci.yml"),
    ] {
        let dir = tmp.path().join(ci);
        let d = dir.to_str().expect("utf-8");
        run_cmd(cardform().args([
            "init",
            d,
            "--platform",
            "--component-appid",
            COMPONENT,
            "--ci",
            ci,
        ]))
        .expect_code(0);
        std::fs::create_dir_all(dir.join("accounts/shop")).expect("mkdir");
        std::fs::write(
            dir.join("accounts/shop/account.toml"),
            "appid = \"wxshop\"\n[templates.example]\n",
        )
        .expect("write");
        run_cmd(cardform().args(["validate", d])).expect_code(0);
        let text = std::fs::read_to_string(dir.join(file)).expect("pipeline");
        assert!(
            text.contains(if ci == "github" {
                "matrix:"
            } else {
                "parallel:"
            }),
            "{text}"
        );
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("YAML");
        let mut scripts = Vec::new();
        crate::gitops_examples::scripts(&doc, &mut scripts);
        let mut seen = Vec::new();
        for script in &scripts {
            for argv in crate::gitops_examples::cardform_commands(script) {
                // The CI substitutes the shard's number.
                let argv: Vec<String> = argv
                    .into_iter()
                    .map(|a| a.replace("placeholder/", "1/"))
                    .collect();
                if let Err(e) = cardform::cli::Cli::try_parse_from(&argv) {
                    panic!("{file}: `{}` is rejected:\n{e}", argv.join(" "));
                }
                let codes: &[u8] = if argv.iter().any(|a| a == "--detailed-exitcode") {
                    &[0, 1, 2, 3, 4]
                } else {
                    &[0, 1, 3, 4]
                };
                for code in codes {
                    assert!(
                        script
                            .lines()
                            .any(|l| l.trim_start().starts_with(&format!("#   {code}  "))),
                        "{file}: `{}` does not explain exit code {code}",
                        argv.join(" ")
                    );
                }
                seen.push(argv[1..].join(" "));
            }
        }
        for wanted in [
            "plan --accounts",
            "plan merge",
            "apply . --accounts all --shard",
        ] {
            assert!(
                seen.iter().any(|s| s.starts_with(wanted)),
                "{file}: no `{wanted}` in {seen:?}"
            );
        }
        assert!(
            seen.iter()
                .any(|s| s.contains("--shard") && s.starts_with("plan")),
            "{seen:?}"
        );
    }
}

/// The PostgreSQL state: one row (`name=<account>`) and one lock per account, named
/// from the operator's `--state` URL; nothing is written under state/.
#[test]
fn accounts_keep_one_state_row_each_in_postgres() {
    let Some(store) = crate::state_postgres::PgStore::new() else {
        return;
    };
    let w = World::new(3);
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    for (i, appid) in w.appids.iter().enumerate() {
        let dir = w.dir.path().join("accounts").join(format!("pg{tag}-{i}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("account.toml"),
            format!("appid = \"{appid}\"\n\n[templates.spring]\nbrand = \"店{i}\"\n"),
        )
        .expect("write");
    }
    let state = store.url.as_str();
    w.run(&["apply", ".", "--auto-approve", "--state", state])
        .expect_code(0);
    w.run(&["plan", "--detailed-exitcode", "--state", state])
        .expect_code(0);
    assert!(
        !w.dir.path().join("state").exists(),
        "a local state was written"
    );
    // Without the database, the accounts' local states are empty: all to create.
    let local = w.json(&["plan", "--format", "json"]);
    for a in accounts_of(&local) {
        assert_eq!(a["row"]["creates"], 2, "{a}");
    }
}

/// The account folder `accounts import` wrote for `appid` (its AppID in lowercase).
fn folder_of(appid: &str) -> String {
    appid.to_ascii_lowercase()
}

/// The `[cards.<address>]` tables of a card file (not their sub-tables).
fn cards_in(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            l.strip_prefix("[cards.")
                .and_then(|r| r.strip_suffix(']'))
                .is_some_and(|a| !a.contains('.'))
        })
        .count()
}

fn today_in_beijing() -> String {
    chrono::Utc::now()
        .with_timezone(&cardform::spec::beijing())
        .date_naive()
        .to_string()
}

/// `stats --accounts`: each account's statistics as the one-account `stats` computes
/// them, one table per account and the run's total; JSON one entry per account; an
/// account that cannot be read is reported and the others shown (exit 4).
#[test]
fn stats_across_accounts_show_each_account_and_the_total() {
    let w = World::new(3);
    w.run(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    w.run(&["apply", ".", "--accounts", "all", "--auto-approve"])
        .expect_code(0);
    // Two claims in the first merchant's gift card, one in the second's.
    for (i, openids) in [(0usize, &["u1", "u2"][..]), (1, &["u3"][..])] {
        let appid = &w.appids[i];
        let state: Value = serde_json::from_str(
            &std::fs::read_to_string(
                w.dir
                    .path()
                    .join("state")
                    .join(folder_of(appid))
                    .join("cardform.state.json"),
            )
            .unwrap_or_else(|e| {
                panic!(
                    "{e}: {:?}",
                    crate::common::files_under(w.dir.path())
                        .into_iter()
                        .map(|(p, _)| p)
                        .collect::<Vec<_>>()
                )
            }),
        )
        .expect("json");
        let card = state["resources"]["spring_gift"]["card_id"].clone();
        w.emu.admin(
            "POST",
            "/__emulator/review",
            Some(json!({"card_id": card, "result": "pass", "authorizer_appid": appid})),
        );
        for openid in openids {
            let r = w.emu.admin(
                "POST",
                "/__emulator/claim",
                Some(json!({"card_id": card, "openid": openid, "authorizer_appid": appid})),
            );
            assert_eq!(r["errcode"], 0, "{r}");
        }
    }
    let day = today_in_beijing();
    let report = w.json(&["stats", "--from", &day, "--to", &day, "--format", "json"]);
    let accounts = accounts_of(&report);
    assert_eq!(accounts.len(), 3, "{report}");
    let claims = |a: &Value| -> u64 {
        a["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["scope"] == "account")
            .filter_map(|r| r["receive_cnt"].as_u64())
            .sum()
    };
    let by_appid = |appid: &str| {
        accounts
            .iter()
            .find(|a| a["appid"].as_str() == Some(appid))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(claims(&by_appid(&w.appids[0])), 2, "{report}");
    assert_eq!(claims(&by_appid(&w.appids[1])), 1, "{report}");
    assert_eq!(claims(&by_appid(&w.appids[2])), 0, "{report}");
    // The cards' rows are named by their address, as in one account's stats.
    assert!(
        by_appid(&w.appids[0])["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["scope"] == "spring_gift" && r["receive_cnt"] == 2),
        "{report}"
    );
    assert_eq!(report["total"]["receive_cnt"], 3, "{report}");

    // The table: one block per account, then the run's total.
    let table = w.run(&["stats", "--from", &day, "--to", &day]);
    table.expect_code(0);
    for appid in &w.appids {
        assert!(
            table
                .stdout
                .contains(&format!("── account {} ({appid}) ──", folder_of(appid))),
            "{}",
            table.stdout
        );
    }
    assert_eq!(
        table.stdout.matches("\ntotal ").count(),
        3,
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("3 account(s), 0 failed; ") && table.stdout.contains(" 3 claims,"),
        "{}",
        table.stdout
    );
    // One account by name; CSV names the account in its first column.
    let one = folder_of(&w.appids[1]);
    let csv = w.run(&[
        "stats",
        "--from",
        &day,
        "--to",
        &day,
        "--format",
        "csv",
        "--accounts",
        &one,
    ]);
    csv.expect_code(0);
    let mut lines = csv.stdout.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("account,date,scope,view_cnt")),
        "{}",
        csv.stdout
    );
    assert!(
        lines.all(|l| l.starts_with(&format!("{one},"))),
        "{}",
        csv.stdout
    );
    // Shards: every account in exactly one.
    let mut sharded: Vec<String> = ["1/2", "2/2"]
        .iter()
        .flat_map(|s| {
            let r = w.json(&[
                "stats", "--from", &day, "--to", &day, "--format", "json", "--shard", s,
            ]);
            accounts_of(&r)
                .iter()
                .map(|a| a["name"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    sharded.sort();
    assert_eq!(sharded, w.account_files());
    // --card and --chart stay one-account options.
    w.run(&["stats", "--card", "spring_gift"]).expect_code(1);

    // A revoked merchant: reported, the others shown, exit 4.
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": w.appids[0]})),
    );
    let out = w.run(&["stats", "--from", &day, "--to", &day, "--format", "json"]);
    out.expect_code(4);
    w.no_secret_in(&out);
    let report: Value = serde_json::from_str(&out.stdout).expect("json");
    let accounts = accounts_of(&report);
    assert_eq!(accounts.len(), 3);
    for a in &accounts {
        if a["appid"].as_str() == Some(w.appids[0].as_str()) {
            assert!(
                a["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("not an authorizer")),
                "{a}"
            );
        } else {
            assert!(a.get("error").is_none(), "{a}");
        }
    }
    assert_eq!(report["total"]["receive_cnt"], 1, "{report}");
}

/// `import --all --accounts`: each merchant's existing cards adopted into its own
/// folder, as the one-account `import --all` does; then the platform plans no change.
#[test]
fn import_all_adopts_each_merchants_cards_into_its_own_folder() {
    let w = World::new(3);
    w.run(&["accounts", "import"]).expect_code(0);
    let corpus: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/wechat/recorded/ty_card_get.response.json")
            .expect("recorded card/get"),
    )
    .expect("json");
    let legacy: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/wechat/legacy/01_numeric_types.json")
            .expect("legacy card/get"),
    )
    .expect("json");
    // Two cards in the first merchant's world, one in the second's, none in the third's.
    for (appid, cards) in [
        (&w.appids[0], vec![corpus.clone(), legacy]),
        (&w.appids[1], vec![corpus]),
    ] {
        let seeded = w.emu.admin(
            "POST",
            &format!("/__emulator/seed?authorizer_appid={appid}"),
            Some(Value::Array(cards.clone())),
        );
        assert_eq!(
            seeded["card_ids"].as_array().map(Vec::len),
            Some(cards.len()),
            "{seeded}"
        );
    }
    let before = w.run(&["plan", "--accounts", "all", "--detailed-exitcode"]);
    before.expect_code(0);

    let dry = w.run(&["import", "--all", "--dry-run"]);
    dry.expect_code(0);
    assert_eq!(
        dry.stdout.matches("  unmanaged  ").count(),
        3,
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("0 card(s) adopted (dry run: nothing written)."),
        "{}",
        dry.stdout
    );
    assert!(
        !w.dir
            .path()
            .join("accounts")
            .join(folder_of(&w.appids[0]))
            .join("cards/imported.toml")
            .exists(),
        "a dry run writes nothing"
    );

    let out = w.run(&["import", "--all", "--accounts", "all"]);
    out.expect_code(0);
    w.no_secret_in(&out);
    assert!(
        out.stdout
            .contains("3 account(s), 0 failed; 3 card(s) adopted."),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let imported = |i: usize| {
        w.dir
            .path()
            .join("accounts")
            .join(folder_of(&w.appids[i]))
            .join("cards/imported.toml")
    };
    let first = std::fs::read_to_string(imported(0)).expect("first account's file");
    assert_eq!(cards_in(&first), 2, "{first}");
    let second = std::fs::read_to_string(imported(1)).expect("second account's file");
    assert_eq!(cards_in(&second), 1, "{second}");
    assert!(!imported(2).exists(), "nothing to adopt, nothing written");
    w.run(&["validate", "."]).expect_code(0);
    // Every merchant's cards are now its folder's: the platform plans no change.
    w.run(&["plan", "--accounts", "all", "--detailed-exitcode"])
        .expect_code(0);

    // Again: every card is managed; nothing is written, no file is overwritten.
    let again = w.run(&["import", "--all", "--accounts", "all"]);
    again.expect_code(0);
    assert!(
        again.stdout.contains("0 card(s) adopted"),
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read_to_string(imported(0)).expect("kept"), first);
    assert!(!imported(0).with_file_name("imported-2.toml").exists());

    // A new card in the second merchant's world goes to a new file beside the first;
    // a revoked merchant is reported and the others imported (exit 4).
    let more: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/wechat/legacy/07_no_description.json")
            .expect("legacy card/get"),
    )
    .expect("json");
    w.emu.admin(
        "POST",
        &format!("/__emulator/seed?authorizer_appid={}", w.appids[1]),
        Some(Value::Array(vec![more])),
    );
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": w.appids[2]})),
    );
    let partial = w.run(&["import", "--all"]);
    partial.expect_code(4);
    assert!(
        partial
            .stdout
            .contains("3 account(s), 1 failed; 1 card(s) adopted."),
        "{}",
        partial.stdout
    );
    assert_eq!(std::fs::read_to_string(imported(1)).expect("kept"), second);
    let next = std::fs::read_to_string(imported(1).with_file_name("imported-2.toml"))
        .expect("the new card's file");
    assert_eq!(cards_in(&next), 1, "{next}");
    let plan = w.run(&[
        "plan",
        "--accounts",
        &format!("{},{}", folder_of(&w.appids[0]), folder_of(&w.appids[1])),
        "--detailed-exitcode",
    ]);
    plan.expect_code(0);
    // One card outside --all is a one-account command.
    w.run(&["import", "x", "pX", "--accounts", "all"])
        .expect_code(1);
}

/// Sets `[platform.run]` of the world's platform file.
fn set_run(w: &World, run: &str) {
    std::fs::write(
        w.dir.path().join("cardform.toml"),
        format!(
            "endpoint = \"{}\"\n\n[platform]\ncomponent_appid = \"{COMPONENT}\"\n\n[platform.run]\n{run}\n",
            w.emu.url
        ),
    )
    .expect("write");
}

/// The most WeChat calls the emulator had in flight at once since the last reset.
fn peak_since_reset(w: &World, reset: bool) -> u64 {
    let method = if reset { "POST" } else { "GET" };
    let v = w.emu.admin(method, "/__emulator/concurrency", None);
    v["peak"].as_u64().expect("peak")
}

#[test]
fn the_run_wide_cap_bounds_the_calls_in_flight_over_all_accounts() {
    // 8 accounts × 2 cards, all 8 in flight at once, every call 40 ms: without a
    // run-wide cap the accounts' card/gets overlap (up to 16 at once).
    let w = World::with_emulator(8, &["--latency-ms", "40"]);
    w.run(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    set_run(&w, "account_parallelism = 8\nmax_calls_in_flight = 3");
    w.run(&["apply", ".", "--accounts", "all", "--auto-approve"])
        .expect_code(0);
    assert!(
        peak_since_reset(&w, false) <= 3,
        "the apply went over the cap"
    );

    peak_since_reset(&w, true);
    let plan = w.run(&["plan", "--accounts", "all", "--detailed-exitcode"]);
    plan.expect_code(0);
    let capped = peak_since_reset(&w, false);
    assert!(
        (2..=3).contains(&capped),
        "with max_calls_in_flight = 3 the emulator saw {capped} calls at once"
    );

    // The same plan with a cap that does not bind: the accounts overlap, so the cap
    // above is what held them (the emulator's count does see concurrency).
    set_run(&w, "account_parallelism = 8\nmax_calls_in_flight = 64");
    peak_since_reset(&w, true);
    w.run(&["plan", "--accounts", "all", "--detailed-exitcode"])
        .expect_code(0);
    let free = peak_since_reset(&w, false);
    assert!(free > 3, "without a binding cap only {free} calls at once");

    // Under a run-wide limit, apply checks every account's plan first (each account's
    // session closed meanwhile), then plans each again under its lock and applies it.
    set_run(
        &w,
        "account_parallelism = 8\nmax_calls_in_flight = 3\nmax_destroy_per_run = 5",
    );
    let template = w.dir.path().join("templates/spring.toml");
    let text = std::fs::read_to_string(&template).expect("template");
    std::fs::write(
        &template,
        text.replace("全场饮品八折。", "全场饮品八折，周末也可用。"),
    )
    .expect("write");
    let report = w.json(&[
        "apply",
        ".",
        "--accounts",
        "all",
        "--auto-approve",
        "--format",
        "json",
    ]);
    let accounts = accounts_of(&report);
    assert_eq!(accounts.len(), 8, "{report}");
    assert!(
        accounts
            .iter()
            .all(|a| a["status"] == "applied" && a["row"]["updates"] == 1),
        "{report}"
    );
    w.run(&["plan", "--accounts", "all", "--detailed-exitcode"])
        .expect_code(0);
}
