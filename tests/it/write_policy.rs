//! One write policy for every output (issue 22, items 1, 2 and 6): inside a project,
//! nothing cardform or the user owns is written over; anywhere, an existing file is
//! replaced only by an output of its own kind. Each case below was accepted before.

use serde_json::{Value, json};

use crate::common::{Emulator, TINY_JPEG, TestProject};
use crate::emulator_support::cash;

/// `refusing to write` with the write policy's code, and the file as it was.
#[track_caller]
fn assert_refused(out: &crate::common::Output, file: &std::path::Path, before: &[u8]) {
    out.expect_code(1);
    assert!(
        out.stderr.contains("refusing to write") && out.stderr.contains("cardform::write::"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(file).expect("still there"),
        before,
        "{} untouched",
        file.display()
    );
}

/// How many times the emulator was asked to delete a card.
fn deletes(emu: &Emulator) -> usize {
    let calls = emu.admin("GET", "/__emulator/calls", None);
    calls["calls"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|c| c["path"].as_str() == Some("/card/delete"))
                .count()
        })
        .unwrap_or(0)
}

/// `import --all --generate-config-out state/cardform.state.json.journal` wrote the
/// TOML where the state's journal goes; the state save emptied it and the next apply
/// deleted the adopted live cards. Now it is refused before WeChat is asked, and the
/// adopted cards survive the next apply.
#[test]
fn import_into_the_state_journal_is_refused_and_adopted_cards_survive_the_next_apply() {
    let emu = Emulator::start(&[]);
    let mut ids = Vec::new();
    for logo in ["one", "two"] {
        let created = emu.api(
            "/card/create",
            cash(&format!("http://mmbiz.qpic.cn/mmbiz/{logo}/0")),
        );
        ids.push(created["card_id"].as_str().expect("card_id").to_string());
    }
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("no declared cards");
    for target in [
        "{dir}/state/cardform.state.json.journal",
        "{dir}/state/cardform.state.json.backup",
        "{dir}/state/cardform.state.json",
    ] {
        let out = p.run(&[
            "import",
            "--all",
            "--generate-config-out",
            target,
            "--dir",
            "{dir}",
        ]);
        out.expect_code(1);
        assert!(
            out.stderr.contains("refusing to write") && out.stderr.contains("state"),
            "{target}: {}",
            out.stderr
        );
    }
    assert!(
        !p.path().join("state/cardform.state.json.journal").exists(),
        "nothing written where the journal goes"
    );
    // Adopted the right way, the cards stay through the next apply.
    p.run(&[
        "import",
        "--all",
        "--generate-config-out",
        "{dir}/cards/imported.toml",
        "--dir",
        "{dir}",
    ])
    .expect_code(0);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    assert_eq!(deletes(&emu), 0, "no adopted card deleted");
    let state = p.state();
    for id in &ids {
        let held = state["resources"]
            .as_object()
            .expect("resources")
            .values()
            .any(|r| r["card_id"].as_str() == Some(id));
        assert!(held, "{id} still managed: {state}");
        let live = emu.api("/card/get", json!({ "card_id": id }));
        assert_eq!(live["errcode"], json!(0), "{id} still on WeChat: {live}");
    }
    // A generated file never replaces one, even another generated file.
    let out = p.run(&[
        "import",
        "--all",
        "--generate-config-out",
        "{dir}/cards/imported.toml",
        "--dir",
        "{dir}",
    ]);
    out.expect_code(1);
    assert!(out.stderr.contains("refusing to write"), "{}", out.stderr);
}

/// `plan --out state/sandbox.emulator.json` replaced the sandbox's world: every card of
/// the sandbox was lost and the sandbox refused to start.
#[test]
fn plan_out_onto_the_sandbox_world_is_refused_and_the_sandbox_still_starts() {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let world = p.path().join("state/sandbox.emulator.json");
    let before = std::fs::read(&world).expect("the sandbox's world");
    let out = p.run(&[
        "plan",
        "{dir}",
        "--out",
        "{dir}/state/sandbox.emulator.json",
    ]);
    assert_refused(&out, &world, &before);
    let out = p.run(&["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(0);
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
}

/// The project's own files, each through the flag that wrote over it: the schema the
/// editor checks with, the taplo settings, .gitignore, and a card's logo.
#[test]
fn plan_outputs_onto_the_projects_own_files_are_refused() {
    let p = TestProject::sandbox();
    std::fs::create_dir_all(p.path().join("schema")).expect("mkdir");
    std::fs::write(
        p.path().join("schema/cards.schema.json"),
        b"{\"$schema\": 1}",
    )
    .expect("w");
    std::fs::write(p.path().join(".taplo.toml"), b"[formatting]\n").expect("write");
    std::fs::write(p.path().join(".gitignore"), b"/state\n").expect("write");
    for (flags, file) in [
        (vec!["--out"], "schema/cards.schema.json"),
        (vec!["--html"], ".taplo.toml"),
        (vec!["--save"], ".gitignore"),
        (vec!["--format", "html", "--out"], ".gitignore"),
        (vec!["--out"], "assets/logo.jpg"),
    ] {
        let path = p.path().join(file);
        let before = std::fs::read(&path).expect("there");
        let target = path.to_string_lossy().to_string();
        let mut args = vec!["plan", "{dir}"];
        args.extend(flags.iter().copied());
        args.push(&target);
        let out = p.run(&args);
        assert_refused(&out, &path, &before);
    }
    assert_eq!(
        std::fs::read(p.path().join("assets/logo.jpg")).expect("logo"),
        TINY_JPEG
    );
}

/// `preview --out assets` replaced the logo of a card whose address is the logo's name
/// (the next plan re-uploaded it and sent the card back to review).
#[test]
fn preview_into_the_assets_folder_is_refused() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa75\x81\x84\0\0\0\0IEND\xaeB`\x82";
    let cards = crate::common::SAMPLE_CARDS
        .replace("[cards.tea_coupon", "[cards.logo")
        .replacen(
            "logo_url = \"assets/logo.jpg\"\ncode_type = \"CODE_TYPE_TEXT\"",
            "logo_url = \"assets/logo.png\"\ncode_type = \"CODE_TYPE_TEXT\"",
            1,
        );
    assert!(cards.contains("assets/logo.png"), "{cards}");
    let p = TestProject::with(
        "endpoint = \"sandbox\"\n\n[account]\nappid = \"wxsandbox\"\n",
        &cards,
    );
    std::fs::write(p.path().join("assets/logo.png"), png).expect("logo");
    p.run(&["validate", "{dir}"]).expect_code(0);
    let logo = p.path().join("assets/logo.png");
    let out = p.run(&["preview", "{dir}", "--out", "{dir}/assets"]);
    assert_refused(&out, &logo, png);
    assert!(
        !p.path().join("assets/logo.svg").exists(),
        "nothing written"
    );
    // The same card previewed elsewhere is fine.
    p.run(&["preview", "{dir}", "--out", "{dir}/previews"])
        .expect_code(0);
    assert!(p.path().join("previews/logo.svg").exists());
}

/// Outside the project: an existing file is replaced only by an output of its kind. A
/// person's notes are refused; a saved plan over a saved plan is fine (CI re-runs).
#[test]
fn outside_the_project_only_a_file_of_the_outputs_own_kind_is_replaced() {
    let p = TestProject::sandbox();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let notes = elsewhere.path().join("notes.txt");
    std::fs::write(&notes, b"my notes").expect("write");
    let target = notes.to_string_lossy().to_string();
    for flag in ["--out", "--html"] {
        let out = p.run(&["plan", "{dir}", flag, &target]);
        assert_refused(&out, &notes, b"my notes");
        assert!(
            out.stderr.contains("cardform::write::not_own_kind"),
            "{}",
            out.stderr
        );
    }
    let plan = elsewhere.path().join("plan.json");
    let plan_arg = plan.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    let first: Value = serde_json::from_slice(&std::fs::read(&plan).expect("plan")).expect("json");
    p.run(&["plan", "{dir}", "--out", &plan_arg]).expect_code(0);
    let second: Value = serde_json::from_slice(&std::fs::read(&plan).expect("plan")).expect("json");
    assert_eq!(first["format_version"], second["format_version"]);
    p.run(&["apply", &plan_arg, "--auto-approve"])
        .expect_code(0);
}

/// Live titles and card_ids reach the terminal with their control and bidi characters
/// escaped in `import --all --dry-run`, and the state's texts in `state list` and
/// `state show` (issue 22, item 6).
#[test]
fn import_listing_and_state_listing_show_control_and_bidi_characters_escaped() {
    let emu = Emulator::start(&[]);
    let card = json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "GIFT", "gift": {
        "gift": "一份",
        "base_info": {
            "id": "pHostileTitle0000000000001", "logo_url": "http://mmbiz.qpic.cn/mmbiz/x/0",
            "code_type": "CODE_TYPE_QRCODE", "brand_name": "品牌",
            "title": "礼品\u{202e}txt.exe\u{1b}[2J",
            "color": "Color010", "notice": "出示", "description": "说明",
            "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
            "sku": {"quantity": 1, "total_quantity": 1}, "status": "CARD_STATUS_VERIFY_OK"
        }
    }}});
    emu.admin("POST", "/__emulator/seed", Some(Value::Array(vec![card])));
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");
    let raw = |text: &str| text.contains('\u{1b}') || text.contains('\u{202e}');
    let out = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("pHostileTitle0000000000001"),
        "{}",
        out.stdout
    );
    assert!(!raw(&out.stdout), "raw control/bidi:\n{}", out.stdout);
    assert!(out.stdout.contains("\\u{202e}"), "{}", out.stdout);
    p.run(&[
        "import",
        "--all",
        "--generate-config-out",
        "{dir}/cards/imported.toml",
        "--dir",
        "{dir}",
    ])
    .expect_code(0);
    let out = p.run(&["state", "list", "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("pHostileTitle0000000000001"),
        "{}",
        out.stdout
    );
    assert!(!raw(&out.stdout), "raw control/bidi:\n{}", out.stdout);
    let address = out
        .stdout
        .split('\t')
        .next()
        .expect("an address")
        .to_string();
    let out = p.run(&["state", "show", &address, "--dir", "{dir}"]);
    out.expect_code(0);
    assert!(!raw(&out.stdout), "raw control/bidi:\n{}", out.stdout);
}
