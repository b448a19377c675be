//! Issue 12: nothing lost, whatever the files or the state do. Each test replays an
//! ordinary mistake that deleted or duplicated live cards (or leaked a file) through
//! the real binary against the embedded sandbox, and checks it is refused loudly.

use std::path::{Path, PathBuf};

use crate::common::{TINY_JPEG, TestProject};

/// Everything a run printed (validate reports on stdout, the others on stderr).
fn said(out: &crate::common::Output) -> String {
    format!("{}\n{}", out.stdout, out.stderr)
}

fn state_path(p: &TestProject) -> PathBuf {
    p.path().join("state/cardform.state.json")
}

fn backup_path(p: &TestProject) -> PathBuf {
    p.path().join("state/cardform.state.json.backup")
}

/// The addresses and card_ids the state holds.
fn managed(p: &TestProject) -> Vec<(String, String)> {
    let st = p.state();
    st["resources"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(a, r)| (a.clone(), r["card_id"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A sandbox project whose two cards were applied, then updated once (so the backup
/// holds the two cards too).
fn applied_twice() -> TestProject {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit(
        "description = \"仅限堂食。\"",
        "description = \"仅限堂食，节假日通用。\"",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(managed(&p).len(), 2);
    p
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

// ---- 1. A broken cards/ is an error, never "no cards" --------------------------------

#[cfg(unix)]
#[test]
fn a_broken_cards_folder_is_an_error_never_no_cards() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let before = managed(&p);
    assert_eq!(before.len(), 2);
    let cards = p.path().join("cards");
    std::fs::rename(&cards, p.path().join("cards.real")).expect("move cards away");

    type MakeBroken<'a> = Box<dyn Fn() + 'a>;
    let cases: Vec<(&str, MakeBroken<'_>)> = vec![
        (
            "dangling symlink",
            Box::new(|| symlink(&p.path().join("nowhere"), &cards)),
        ),
        ("symlink loop", Box::new(|| symlink(&cards, &cards))),
        (
            "regular file",
            Box::new(|| std::fs::write(&cards, "not a folder").expect("write")),
        ),
    ];
    for (what, make) in cases {
        make();
        for args in [
            vec!["validate", "{dir}"],
            vec!["plan", "{dir}"],
            vec!["apply", "{dir}", "--auto-approve"],
        ] {
            let out = p.run(&args);
            assert_eq!(out.code, 1, "{what}: {args:?}\n{}", out.stderr);
            assert!(
                said(&out).contains("cannot read the card folder") && said(&out).contains("cards"),
                "{what}: {args:?} names the path\n{}",
                said(&out)
            );
        }
        assert_eq!(managed(&p), before, "{what}: nothing deleted");
        std::fs::remove_file(&cards).expect("remove the broken cards/");
    }
}

#[cfg(unix)]
#[test]
fn a_card_file_that_is_a_broken_symlink_is_an_error() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let before = managed(&p);
    // The cards move to a file that is then reached through a link; the link breaks.
    std::fs::rename(p.cards_file(), p.path().join("elsewhere.toml")).expect("move");
    symlink(&p.path().join("gone.toml"), &p.cards_file());
    for args in [
        vec!["validate", "{dir}"],
        vec!["plan", "{dir}"],
        vec!["apply", "{dir}", "--auto-approve"],
    ] {
        let out = p.run(&args);
        assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
        assert!(
            said(&out).contains("cards/cards.toml") && said(&out).contains("symbolic link"),
            "{args:?}\n{}",
            said(&out)
        );
    }
    assert_eq!(managed(&p), before, "nothing deleted");
}

// ---- 2. A deleted state with its backup present is refused ---------------------------

#[test]
fn a_deleted_state_with_its_backup_is_refused_and_restore_backup_brings_it_back() {
    let p = applied_twice();
    let before = managed(&p);
    let backup_before = std::fs::read(backup_path(&p)).expect("backup exists");
    std::fs::remove_file(state_path(&p)).expect("rm state");

    for args in [
        vec!["apply", "{dir}", "--auto-approve"],
        vec!["plan", "{dir}"],
    ] {
        let out = p.run(&args);
        assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
        assert!(
            out.stderr.contains("cardform.state.json.backup")
                && out.stderr.contains("state restore-backup"),
            "{args:?}: names the backup and what to do\n{}",
            out.stderr
        );
    }
    assert!(!state_path(&p).exists(), "no new state was started");
    assert_eq!(
        std::fs::read(backup_path(&p)).expect("backup"),
        backup_before,
        "the backup is untouched"
    );

    let out = p.run(&["state", "restore-backup", "{dir}"]);
    out.expect_code(0);
    assert_eq!(managed(&p), before, "the backup's cards are back");
    // The restored state plans against the same cards: nothing is created again.
    let out = p.run(&["plan", "{dir}", "--format", "json"]);
    out.expect_code(0);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).expect("plan json");
    assert_eq!(plan["summary"]["create"], 0, "{}", out.stdout);
}

#[test]
fn restore_backup_keeps_a_copy_of_the_state_it_replaces() {
    let p = applied_twice();
    let current = std::fs::read(state_path(&p)).expect("state");
    let out = p.run(&["state", "restore-backup", "{dir}"]);
    out.expect_code(0);
    let kept: Vec<PathBuf> = std::fs::read_dir(p.path().join("state"))
        .expect("state dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|f| std::fs::read(f).ok().as_deref() == Some(current.as_slice()))
        .collect();
    assert_eq!(kept.len(), 1, "one copy of the replaced state: {kept:?}");
    assert!(
        out.stdout.contains(&kept[0].display().to_string()),
        "{}",
        out.stdout
    );
    // Without a backup there is nothing to restore.
    let q = TestProject::sandbox();
    let out = q.run(&["state", "restore-backup", "{dir}"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("no backup"), "{}", out.stderr);
}

// ---- 3. An older state is refused; pulling twice works -------------------------------

#[test]
fn a_state_older_than_its_backup_is_refused() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let old = std::fs::read(state_path(&p)).expect("state");
    p.edit(
        "description = \"仅限堂食。\"",
        "description = \"仅限堂食，一。\"",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit(
        "description = \"仅限堂食，一。\"",
        "description = \"仅限堂食，二。\"",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::write(state_path(&p), &old).expect("copy the old state over");

    for args in [
        vec!["plan", "{dir}"],
        vec!["apply", "{dir}", "--auto-approve"],
    ] {
        let out = p.run(&args);
        assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
        // The message as words: miette wraps it at the terminal's width.
        let words = crate::common::words(&out.stderr);
        assert!(
            words.contains("older than its backup") && words.contains("state restore-backup"),
            "{args:?}\n{}",
            out.stderr
        );
    }
    assert_eq!(
        std::fs::read(state_path(&p)).expect("state"),
        old,
        "untouched"
    );
    p.run(&["state", "restore-backup", "{dir}"]).expect_code(0);
    p.run(&["plan", "{dir}"]).expect_code(0);
}

#[test]
fn state_pull_twice_works_and_keeps_the_serial() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let serial = p.state()["serial"].as_u64().expect("serial");
    let out_dir = tempfile::tempdir().expect("tempdir");
    let pulled = out_dir.path().join("pulled.json");
    let pulled_s = pulled.to_string_lossy().to_string();
    for _ in 0..2 {
        p.run(&["state", "pull", "--dir", "{dir}", "--out", &pulled_s])
            .expect_code(0);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&pulled).expect("pulled")).expect("json");
        assert_eq!(
            doc["serial"].as_u64(),
            Some(serial),
            "the copy keeps the serial"
        );
    }
}

#[test]
fn state_pull_never_writes_its_side_files_over_a_person_s_file() {
    // The copy is a local state: `.backup`, `.journal`, `.lock` and `.lock.info` land
    // beside it. Each of them must be a file of that kind, or absent.
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let out_dir = tempfile::tempdir().expect("tempdir");
    let pulled = out_dir.path().join("pulled.json");
    let pulled_s = pulled.to_string_lossy().to_string();
    for suffix in [".backup", ".journal", ".lock", ".lock.info"] {
        let side = out_dir.path().join(format!("pulled.json{suffix}"));
        std::fs::write(&side, b"my notes, not a state file\n").expect("write");
        let out = p.run(&["state", "pull", "--dir", "{dir}", "--out", &pulled_s]);
        assert_eq!(out.code, 1, "{suffix}: {}", out.stderr);
        assert!(out.stderr.contains("refusing to write"), "{}", out.stderr);
        assert!(!pulled.exists(), "{suffix}: nothing written");
        assert_eq!(
            std::fs::read(&side).expect("side"),
            b"my notes, not a state file\n",
            "{suffix}: untouched"
        );
        std::fs::remove_file(&side).expect("rm");
    }
    p.run(&["state", "pull", "--dir", "{dir}", "--out", &pulled_s])
        .expect_code(0);
}

// ---- 4. No command writes over the state, its backup, journal, lock or a card file ---

#[test]
fn no_command_writes_over_the_state_its_files_or_a_card_file() {
    let p = applied_twice();
    let dir = p.path();
    std::fs::write(dir.join("state/cardform.state.json.journal"), b"").expect("journal");
    let mut protected: Vec<PathBuf> = [
        "state/cardform.state.json",
        "state/cardform.state.json.backup",
        "state/cardform.state.json.journal",
        "state/cardform.state.json.lock",
        "cardform.toml",
        "cards/cards.toml",
    ]
    .iter()
    .map(|r| dir.join(r))
    .collect();
    // The same files reached another way: `..` in the path, and a link to the state.
    protected.push(dir.join("cards/../state/cardform.state.json"));
    #[cfg(unix)]
    {
        let link = dir.join("plan-link.json");
        symlink(&dir.join("state/cardform.state.json"), &link);
        protected.push(link);
    }
    let snapshot = |files: &[PathBuf]| -> Vec<Option<Vec<u8>>> {
        files.iter().map(|f| std::fs::read(f).ok()).collect()
    };
    let before = snapshot(&protected);
    for target in &protected {
        let t = target.to_string_lossy().to_string();
        for args in [
            vec!["plan", "{dir}", "--out", &t],
            vec!["state", "pull", "--dir", "{dir}", "--out", &t],
        ] {
            let out = p.run(&args);
            assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
            assert!(
                out.stderr.contains("refusing to write"),
                "{args:?}\n{}",
                out.stderr
            );
        }
    }
    assert_eq!(snapshot(&protected), before, "every file untouched");
    // A new file beside the project's own files is fine (the state folder itself is
    // refused as a whole since the write policy, issue 22).
    let ok = dir.join("plan.json");
    p.run(&["plan", "{dir}", "--out", &ok.to_string_lossy()])
        .expect_code(0);
}

// ---- 5. Mass destroy needs --allow-mass-destroy --------------------------------------

#[test]
fn a_plan_deleting_every_card_needs_allow_mass_destroy() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::write(p.cards_file(), "# every card removed by mistake\n").expect("empty");

    for args in [
        vec!["plan", "{dir}"],
        vec!["apply", "{dir}", "--auto-approve"],
    ] {
        let out = p.run(&args);
        assert_eq!(out.code, 3, "{args:?}\n{}", out.stderr);
        for words in ["--allow-mass-destroy", "every", "cards/", "wrong state"] {
            assert!(
                out.stderr.contains(words),
                "{args:?}: {words}\n{}",
                out.stderr
            );
        }
    }
    assert_eq!(managed(&p).len(), 2, "nothing deleted");
    // A saved plan is held to the same rule when applied.
    let saved = p.path().join("all-gone.plan.json");
    let saved_s = saved.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--out", &saved_s]).expect_code(3);
    p.run(&["apply", &saved_s]).expect_code(3);
    assert_eq!(managed(&p).len(), 2, "nothing deleted");

    p.run(&["plan", "{dir}", "--allow-mass-destroy"])
        .expect_code(0);
    p.run(&["apply", "{dir}", "--auto-approve", "--allow-mass-destroy"])
        .expect_code(0);
    assert!(managed(&p).is_empty());
}

#[test]
fn max_destroy_in_the_policy_caps_deletions() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let text = std::fs::read_to_string(p.cards_file()).expect("cards");
    let cut = text.find("[cards.tea_coupon]").expect("tea");
    std::fs::write(p.cards_file(), &text[..cut]).expect("drop one card");
    // Default: half of the managed cards, at least 5: one of two may go.
    p.run(&["plan", "{dir}"]).expect_code(0);
    let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    std::fs::write(
        p.path().join("cardform.toml"),
        format!("{toml}\n[policy]\nmax_destroy = 0\n"),
    )
    .expect("write");
    let out = p.run(&["plan", "{dir}"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("max_destroy"), "{}", out.stderr);
    p.run(&["plan", "{dir}", "--allow-mass-destroy"])
        .expect_code(0);
}

// ---- 6. Local images are confined to the project -------------------------------------

#[test]
fn image_paths_outside_the_project_are_refused() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret.jpg");
    std::fs::write(&secret, TINY_JPEG).expect("write");
    let p = TestProject::sandbox();
    let rel_out = format!(
        "../{}/secret.jpg",
        outside.path().file_name().expect("name").to_string_lossy()
    );
    let mut cases = vec![secret.to_string_lossy().to_string(), rel_out];
    #[cfg(unix)]
    {
        symlink(&secret, &p.path().join("assets/link.jpg"));
        cases.push("assets/link.jpg".to_string());
    }
    for path in cases {
        let text = std::fs::read_to_string(p.cards_file()).expect("cards");
        let edited = text.replacen(
            "logo_url = \"assets/logo.jpg\"",
            &format!("logo_url = {path:?}"),
            1,
        );
        std::fs::write(p.cards_file(), &edited).expect("write");
        for args in [vec!["validate", "{dir}"], vec!["plan", "{dir}"]] {
            let out = p.run(&args);
            assert_eq!(out.code, 1, "{path}: {args:?}\n{}", out.stderr);
            for words in [
                "coffee_discount",
                "base_info.logo_url",
                "outside the project",
            ] {
                assert!(
                    said(&out).contains(words),
                    "{path}: {args:?}: {words}\n{}",
                    said(&out)
                );
            }
        }
        std::fs::write(p.cards_file(), &text).expect("restore");
    }
    p.run(&["validate", "{dir}"]).expect_code(0);
}

/// A saved plan whose body was edited after review (here: its stock delta) is refused,
/// not applied as written.
#[test]
fn an_edited_saved_plan_is_refused() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit("quantity = 1000", "quantity = 1500");
    let out = p.run(&["plan", "{dir}", "--out", "{dir}/reviewed.plan"]);
    out.expect_code(0);
    assert!(out.stdout.contains("checksum"), "{}", out.stdout);
    let path = p.path().join("reviewed.plan");
    let text = std::fs::read_to_string(&path).expect("plan file");
    let edited = text.replace("\"delta\": 500", "\"delta\": 99999");
    assert_ne!(edited, text, "the plan has the stock delta");
    std::fs::write(&path, edited).expect("edit the plan");
    let applied = p.run(&["apply", "{dir}/reviewed.plan"]);
    applied.expect_code(1);
    assert!(
        applied.stderr.contains("changed after it was written"),
        "{}",
        applied.stderr
    );
    // Nothing was applied: the same change is still to be made.
    let again = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    again.expect_code(2);
    assert!(again.stdout.contains("1000"), "{}", again.stdout);
}

// ---- Text: line endings and control characters ----------------------------------------

/// A card file converted to CRLF line endings plans no change: the file's line endings
/// never reach a card's multi-line text (which would send it to review).
#[test]
fn a_card_file_saved_with_crlf_plans_no_change() {
    let p = TestProject::sandbox();
    p.edit(
        "description = \"仅限堂食。\"",
        "description = \"\"\"\n仅限堂食。\n节假日通用。\n\"\"\"",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let text = std::fs::read_to_string(p.cards_file()).expect("cards");
    std::fs::write(p.cards_file(), text.replace('\n', "\r\n")).expect("crlf");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(0);
    // An escaped \r the author wrote on purpose is still theirs.
    p.edit("节假日通用。", "节假日通用。\\r");
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
}

/// A control character in a text (a stray carriage return, an ESC sequence) is shown as
/// an escape in the plan, never sent raw to the reviewer's terminal.
#[test]
fn control_characters_in_a_text_diff_are_shown_visibly() {
    let p = TestProject::sandbox();
    p.edit(
        "description = \"仅限堂食。\"",
        "description = \"\"\"\n仅限堂食。\n节假日通用。\n\"\"\"",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.edit("节假日通用。", "节假日通用。\\r\\u001b[2J");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(!out.stdout.contains('\r'), "{:?}", out.stdout);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(out.stdout.contains(r"+ 节假日通用。\r"), "{}", out.stdout);
    assert!(out.stdout.contains(r"\u{1b}[2J"), "{}", out.stdout);
}

/// An address with an ESC sequence is reported with the escape visible, not echoed raw.
#[test]
fn an_escape_sequence_in_an_address_is_not_echoed_raw() {
    let p = TestProject::sandbox();
    let text = std::fs::read_to_string(p.cards_file()).expect("cards");
    std::fs::write(
        p.cards_file(),
        text.replace("[cards.tea_coupon]", "[cards.\"tea\\u001b[31m\"]"),
    )
    .expect("write");
    let out = p.run(&["validate", "{dir}"]);
    out.expect_code(1);
    assert!(!said(&out).contains('\u{1b}'), "{:?}", said(&out));
    assert!(said(&out).contains(r"tea\u{1b}[31m"), "{}", said(&out));
}

/// The markdown plan (the pull-request comment) shows the saved plan's checksum, and
/// apply prints the same one, so the reviewer can match what runs with what they read.
#[test]
fn the_markdown_plan_shows_the_checksum_apply_verifies() {
    let p = TestProject::sandbox();
    let out = p.run(&[
        "plan",
        "{dir}",
        "--out",
        "{dir}/reviewed.plan",
        "--format",
        "markdown",
    ]);
    out.expect_code(0);
    let saved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(p.path().join("reviewed.plan")).expect("plan file"),
    )
    .expect("plan JSON");
    let sum = saved["checksum"].as_str().expect("checksum").to_string();
    assert_eq!(sum.len(), 64);
    assert!(out.stdout.contains(&sum), "{}", out.stdout);
    let applied = p.run(&["apply", "{dir}/reviewed.plan"]);
    applied.expect_code(0);
    assert!(said(&applied).contains(&sum), "{}", said(&applied));
}

// ---- The state knows whose it is ------------------------------------------------------

/// The first apply against a real endpoint writes a project id into cardform.toml and
/// the state records it with the AppID; another project's state copied in is then
/// refused (it used to delete that project's cards and duplicate this one's), until
/// `state adopt-lineage` says it is meant.
#[test]
fn another_projects_state_is_refused() {
    let emu = crate::common::Emulator::start(&[]);
    let a = TestProject::external(&emu.url);
    let b = TestProject::external(&emu.url);
    for p in [&a, &b] {
        let out = p.run(&["apply", "{dir}", "--auto-approve"]);
        out.expect_code(0);
        assert!(out.stderr.contains("wrote project_id"), "{}", out.stderr);
        let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
        assert!(toml.starts_with("project_id = \""), "{toml}");
        assert_eq!(p.state()["owner"]["account"], "wxsandbox");
        p.run(&["plan", "{dir}", "--detailed-exitcode"])
            .expect_code(0);
    }
    assert_eq!(managed(&b).len(), 2);
    std::fs::copy(state_path(&a), state_path(&b)).expect("copy A's state into B");
    let out = b.run(&["plan", "{dir}"]);
    out.expect_code(1);
    assert!(said(&out).contains("belongs to project"), "{}", said(&out));
    assert!(said(&out).contains("state adopt-lineage"), "{}", said(&out));
    let out = b.run(&["apply", "{dir}", "--auto-approve"]);
    out.expect_code(1);
    // Nothing was created or deleted: A's cards are still A's, B's still live.
    assert_eq!(managed(&a).len(), 2);
    let adopted = b.run(&["state", "adopt-lineage", "{dir}"]);
    adopted.expect_code(0);
    assert!(
        adopted.stdout.contains("now belongs to"),
        "{}",
        adopted.stdout
    );
    b.run(&["plan", "{dir}"]).expect_code(0);
}

/// A state that records another AppID is refused before any call is made.
#[test]
fn a_state_of_another_account_is_refused() {
    let emu = crate::common::Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    std::fs::write(
        p.path().join("cardform.toml"),
        toml.replace("appid = \"wxsandbox\"", "appid = \"wxother\""),
    )
    .expect("write");
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(1);
    assert!(
        said(&out).contains("records the cards of account wxsandbox"),
        "{}",
        said(&out)
    );
}

/// Sandbox projects (examples, experiments) keep their cardform.toml untouched; their
/// state still records its owner.
#[test]
fn a_sandbox_apply_leaves_cardform_toml_alone() {
    let p = TestProject::sandbox();
    let before = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let after = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    assert_eq!(before, after);
    assert_eq!(p.state()["owner"]["account"], "wxsandbox");
}

// ---- Positions: every error points at the value, in words that fit ---------------------

/// Each probe that was reported at the card's header, at 1:1 or in the wrong words.
#[test]
fn errors_point_at_the_value_that_is_wrong() {
    let p = TestProject::sandbox();
    let text = std::fs::read_to_string(p.cards_file()).expect("cards");
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("line")
    };
    let quantity_line = line_of("quantity = 1000");
    let begin_line = line_of("begin_timestamp = 2027-01-01");
    let probes: [(&str, &str, usize, &str); 5] = [
        (
            "quantity = 1000",
            "quantity = 1000.0",
            quantity_line,
            "whole number",
        ),
        (
            "quantity = 1000",
            "quantity = 1e3",
            quantity_line,
            "whole number",
        ),
        (
            "quantity = 1000",
            "quantity = nan",
            quantity_line,
            "not a number",
        ),
        (
            "quantity = 1000",
            "quantity = 4294967297",
            quantity_line,
            "4294967297",
        ),
        (
            "begin_timestamp = 2027-01-01T00:00:00+08:00",
            "begin_timestamp = 1960-01-01T00:00:00+08:00",
            begin_line,
            "choose a later date",
        ),
    ];
    for (from, to, line, words) in probes {
        std::fs::write(p.cards_file(), text.replacen(from, to, 1)).expect("write");
        let out = p.run(&["validate", "{dir}"]);
        out.expect_code(1);
        let at = format!("cards/cards.toml:{line}:");
        assert!(said(&out).contains(&at), "{to}: want {at}\n{}", said(&out));
        assert!(
            said(&out).contains(words),
            "{to}: want {words}\n{}",
            said(&out)
        );
        assert!(!said(&out).contains("the string \"nan\""), "{}", said(&out));
    }
    // A key nested 20,000 levels deep: the parser's limit, at that key's line.
    let deep = format!("{}\n{} = 1\n", text, vec!["x"; 20_000].join("."));
    std::fs::write(p.cards_file(), &deep).expect("write");
    let out = p.run(&["validate", "{dir}"]);
    out.expect_code(1);
    let last = deep.lines().count();
    assert!(
        said(&out).contains(&format!("cards/cards.toml:{last}:1")),
        "{}",
        &said(&out)[..said(&out).len().min(400)]
    );
}

/// After the first apply the backup holds no cards (it was taken before any was
/// created): restoring it after the state was deleted would duplicate every card, so
/// restore-backup refuses and says how to re-attach the live cards.
#[test]
fn restoring_an_empty_backup_after_the_first_apply_is_refused() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let cards = managed(&p);
    assert_eq!(cards.len(), 2);
    std::fs::remove_file(state_path(&p)).expect("rm state");
    p.run(&["plan", "{dir}"]).expect_code(1);
    let out = p.run(&["state", "restore-backup", "{dir}"]);
    out.expect_code(1);
    assert!(said(&out).contains("holds no cards"), "{}", said(&out));
    assert!(said(&out).contains("cardform import"), "{}", said(&out));
    assert!(!state_path(&p).exists(), "nothing restored");
    // Re-attaching the live cards brings the project back with no duplicate.
    assert!(said(&out).contains("--reattach"), "{}", said(&out));
    let out = p.run(&["state", "restore-backup", "{dir}", "--allow-empty"]);
    out.expect_code(0);
    p.run(&["import", "--reattach", "--dir", "{dir}"])
        .expect_code(0);
    let mut cards = cards;
    cards.sort();
    assert_reattached(&p, &cards);
}

/// The state holds `cards` (sorted address, card_id pairs) again and the next plan
/// changes nothing.
fn assert_reattached(p: &TestProject, cards: &[(String, String)]) {
    let mut now = managed(p);
    now.sort();
    assert_eq!(now, cards, "the same addresses hold the same card_ids");
    // The local logos are taken as the uploads the live cards show: nothing to send.
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(0);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

/// How many cards the account holds (`import --all --dry-run` lists them all).
fn cards_on_the_account(p: &TestProject) -> String {
    let out = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    out.expect_code(0);
    out.stdout
        .lines()
        .find(|l| l.contains("card(s) on the account"))
        .unwrap_or_default()
        .to_string()
}

/// State and backup both gone (the `state/` folder deleted, or a pipeline that never
/// got the state) after the first apply: cardform.toml's `project_id` says the project
/// was applied, so plan and apply refuse instead of creating a second copy of every
/// card, and `import --reattach` pairs the files with the live cards again.
#[test]
fn a_lost_state_is_refused_and_reattach_brings_the_cards_back() {
    let emu = crate::common::Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let mut before = managed(&p);
    before.sort();
    assert_eq!(before.len(), 2);
    std::fs::remove_dir_all(p.path().join("state")).expect("rm -r state");
    for args in [
        &["plan", "{dir}"][..],
        &["apply", "{dir}", "--auto-approve"][..],
    ] {
        let out = p.run(args);
        out.expect_code(1);
        assert!(said(&out).contains("applied before"), "{}", said(&out));
        assert!(said(&out).contains("--reattach"), "{}", said(&out));
    }
    assert!(
        cards_on_the_account(&p).starts_with("2 card(s)"),
        "nothing was created: {}",
        cards_on_the_account(&p)
    );
    let dry = p.run(&["import", "--reattach", "--dry-run", "--dir", "{dir}"]);
    dry.expect_code(0);
    for (address, card_id) in &before {
        assert!(
            dry.stdout
                .contains(&format!("re-attach  {address} ← {card_id}")),
            "{}",
            dry.stdout
        );
    }
    assert!(
        !state_path(&p).exists() || managed(&p).is_empty(),
        "a dry run records nothing"
    );
    p.run(&["import", "--reattach", "--dir", "{dir}"])
        .expect_code(0);
    assert_reattached(&p, &before);
}

/// Two projects with the same cards on one account: when one loses its state, each of
/// its cards fits two live cards equally well, so nothing is paired by guess.
#[test]
fn reattach_never_guesses_between_equal_cards() {
    let emu = crate::common::Emulator::start(&[]);
    let a = TestProject::external(&emu.url);
    let b = TestProject::external(&emu.url);
    for p in [&a, &b] {
        p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    }
    let b_cards = managed(&b);
    std::fs::remove_dir_all(b.path().join("state")).expect("rm -r state");
    let out = b.run(&["import", "--reattach", "--dir", "{dir}"]);
    out.expect_code(1);
    assert!(out.stdout.contains("2 ambiguous"), "{}", out.stdout);
    assert!(managed(&b).is_empty(), "{:?}", managed(&b));
    // The user chooses; then the plan is clean.
    for (address, card_id) in &b_cards {
        b.run(&["import", address, card_id, "--dir", "{dir}"])
            .expect_code(0);
    }
    let out = b.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(out.stdout.contains("Plan: 0 to create"), "{}", out.stdout);
}

/// `--reupload-images` leaves the image records out: the next apply uploads the local
/// logo again (for a file changed since its last apply), and the plan says so.
#[test]
fn reattach_with_reupload_images_uploads_the_local_logos_again() {
    let emu = crate::common::Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::remove_dir_all(p.path().join("state")).expect("rm -r state");
    let out = p.run(&[
        "import",
        "--reattach",
        "--reupload-images",
        "--dir",
        "{dir}",
    ]);
    out.expect_code(0);
    assert!(!out.stdout.contains("  image "), "{}", out.stdout);
    let out = p.run(&["plan", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("(known after apply): upload assets/"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Plan: 0 to create"), "{}", out.stdout);
}
