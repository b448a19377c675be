//! Nothing lost by construction (issue 22): the write policy every output goes through,
//! `fmt` on links and odd files, generated TOML that live text cannot extend.

use crate::common::TestProject;

/// `fmt` twice on a file with a header comment, a blank line and a multi-line string
/// changes it once at most; a CRLF file stays CRLF; a linked card file stays a link
/// and keeps its mode (issue 22, item 7).
#[cfg(unix)]
#[test]
fn fmt_is_idempotent_and_keeps_links_and_modes() {
    use std::os::unix::fs::PermissionsExt;
    let p = TestProject::sandbox();
    let odd = "# header comment\n\n[cards.x]\ngift = \"\"\"\none\n\n\ntwo\n\"\"\"\ncard_type = \"GIFT\"\n\n\n\n[cards.x.base_info]\ntitle = \"t\"\n";
    std::fs::write(p.path().join("cards/odd.toml"), odd).expect("write");
    std::fs::write(
        p.path().join("cards/crlf.toml"),
        "#:schema x\r\n\r\n[cards.y.base_info]\r\ntitle = \"t\"  # c\r\n\r\n[cards.y]\r\ncard_type = \"GIFT\"\r\n",
    )
    .expect("write");
    // The sample card file as a link to a file elsewhere, mode 0640.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let target = elsewhere.path().join("shared.toml");
    std::fs::rename(p.cards_file(), &target).expect("move");
    std::fs::write(
        &target,
        std::fs::read_to_string(&target)
            .expect("read")
            .replace("discount = 20", "discount=20"),
    )
    .expect("unformat");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::os::unix::fs::symlink(&target, p.cards_file()).expect("link");

    p.run(&["fmt", "{dir}"]).expect_code(0);
    let once: Vec<String> = ["odd", "crlf", "cards"]
        .iter()
        .map(|f| std::fs::read_to_string(p.path().join(format!("cards/{f}.toml"))).expect("read"))
        .collect();
    p.run(&["fmt", "--check", "{dir}"]).expect_code(0);
    p.run(&["fmt", "{dir}"]).expect_code(0);
    for (i, f) in ["odd", "crlf", "cards"].iter().enumerate() {
        let twice =
            std::fs::read_to_string(p.path().join(format!("cards/{f}.toml"))).expect("read");
        assert_eq!(twice, once[i], "{f}.toml changed on the second run");
    }
    assert!(
        once[0].contains("\"\"\"\none\n\n\ntwo\n\"\"\""),
        "string kept: {}",
        once[0]
    );
    assert!(
        !once[0].contains("\n\n\n["),
        "one blank line before a header: {}",
        once[0]
    );
    assert!(
        !once[1].replace("\r\n", "").contains('\n'),
        "CRLF kept: {:?}",
        once[1]
    );
    let meta = std::fs::symlink_metadata(p.cards_file()).expect("meta");
    assert!(
        meta.file_type().is_symlink(),
        "the card file is still a link"
    );
    assert!(
        once[2].contains("discount = 20"),
        "the target was formatted"
    );
    let mode = std::fs::metadata(&target)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640, "the target keeps its mode");
}

/// Text from WeChat reaches the terminal with its control and bidi characters visible
/// (issue 22, item 6): the text and markdown plans, on a card whose texts carry an
/// ESC sequence and a right-to-left override.
#[test]
fn control_and_bidi_characters_from_wechat_are_shown_escaped() {
    use serde_json::{Value, json};
    let emu = crate::common::Emulator::start(&[]);
    let card = json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "GIFT", "gift": {
        "gift": "一份",
        "base_info": {
            "id": "pHostileTexts00000000000001", "logo_url": "http://mmbiz.qpic.cn/mmbiz/x/0",
            "code_type": "CODE_TYPE_QRCODE", "brand_name": "品牌", "title": "礼品券",
            "color": "Color010", "notice": "出示\u{1b}[2J",
            "description": "说明\u{202e}txt.exe",
            "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
            "sku": {"quantity": 1, "total_quantity": 1}, "status": "CARD_STATUS_VERIFY_OK"
        }
    }}});
    emu.admin("POST", "/__emulator/seed", Some(Value::Array(vec![card])));
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");
    p.run(&[
        "import",
        "--all",
        "--generate-config-out",
        "{dir}/cards/imported.toml",
        "--dir",
        "{dir}",
    ])
    .expect_code(0);
    let file = p.path().join("cards/imported.toml");
    let text = std::fs::read_to_string(&file).expect("generated");
    // A change to each hostile text, so the plan shows the live (old) values.
    let edited = text
        .replace("notice = \"出示\\u001B[2J\"", "notice = \"出示\"")
        .replace(
            "description = \"说明\u{202e}txt.exe\"",
            "description = \"说明\"",
        );
    assert_ne!(edited, text, "{text}");
    std::fs::write(&file, edited).expect("edit");
    for format in ["text", "markdown"] {
        let out = p.run(&["plan", "{dir}", "--format", format]);
        out.expect_code(0);
        for bad in ['\u{1b}', '\u{202e}'] {
            assert!(
                !out.stdout.contains(bad),
                "{format} plan shows {bad:?} raw:\n{}",
                out.stdout
            );
        }
        assert!(
            out.stdout.contains("202e"),
            "{format} plan shows the escape:\n{}",
            out.stdout
        );
    }
}
