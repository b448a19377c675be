//! zh-CN: operate — `status`, `coins`, `qrcode`, `stats`, `import` and `rules` under
//! `CARDFORM_LANG=zh-CN`: the real binary against the real emulator over loopback. Each
//! run speaks Chinese (identifiers, commands, paths and WeChat's values aside); the same
//! run in English still prints today's English.

use serde_json::json;

use super::assert_chinese;
use crate::common::{Emulator, Output, TestProject, cardform, quickstart_against, run_cmd, words};
use crate::emulator_support::cash;
use crate::events_support::{AES_KEY, Receiver, TOKEN, wait_stored};

/// `cardform ARGS` under zh-CN, `{dir}` replaced by the project's folder.
fn zh_in(p: &TestProject, args: &[&str]) -> Output {
    let dir = p.path().to_string_lossy().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
    run_cmd(cardform().args(&args).env("CARDFORM_LANG", "zh-CN"))
}

/// Whether the error report `stderr` says `said`: miette's frame and its wrapping taken
/// out, and every space (a Chinese line wraps anywhere, without a space).
fn says(stderr: &str, said: &str) -> bool {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    squeeze(&words(stderr)).contains(&squeeze(said))
}

fn card_id(p: &TestProject, address: &str) -> String {
    p.state()["resources"][address]["card_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{address} in the state"))
        .to_string()
}

#[test]
fn status_speaks_chinese_under_review_approved_and_rejected_with_its_reason() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);

    let out = zh_in(&p, &["status", "{dir}"]);
    out.expect_code(0);
    assert_chinese("status, under review", &out);
    assert!(out.stdout.contains("审核中"), "{}", out.stdout);
    assert!(out.stdout.contains("不可领取"), "{}", out.stdout);
    assert!(out.stdout.contains("库存 1000"), "{}", out.stdout);
    let en = p.run(&["status", "{dir}"]);
    assert!(
        en.stdout
            .contains("under review: not claimable until WeChat approves it")
            && en.stdout.contains("0 of 2 card(s) claimable now."),
        "{}",
        en.stdout
    );

    // The decisions reach the event log through the receiver (a rejection's reason
    // comes only in WeChat's push).
    let rx = Receiver::start(&p, &[]);
    let cfg = emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": format!("{}/", rx.url), "token": TOKEN, "encoding_aes_key": AES_KEY})),
    );
    assert_eq!(cfg["encrypted"], true, "{cfg}");
    let reason = "Logo 图片模糊";
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card_id(&p, "coffee_discount"), "result": "pass"})),
    );
    emu.admin(
        "POST",
        "/__emulator/review",
        Some(json!({"card_id": card_id(&p, "tea_coupon"), "result": "fail", "reason": reason})),
    );
    wait_stored(&p, 10, |e| e.len() >= 2);

    let out = zh_in(&p, &["status", "{dir}"]);
    out.expect_code(0);
    assert_chinese("status, approved and rejected", &out);
    for said in [
        "审核通过，有库存，且在有效期内",
        "审核未通过：Logo 图片模糊（card_not_pass_check）",
        "共 2 张卡券，现在可领取 1 张。",
    ] {
        assert!(out.stdout.contains(said), "{said}:\n{}", out.stdout);
    }
    // JSON is data: its sentences stay English under zh-CN.
    let json_out = zh_in(&p, &["status", "{dir}", "--format", "json"]);
    json_out.expect_code(0);
    assert!(
        json_out
            .stdout
            .contains("approved, in stock and in its dates"),
        "{}",
        json_out.stdout
    );
    let en = p.run(&["status", "{dir}"]);
    assert!(
        en.stdout.contains(&format!(
            "rejected by review: {reason} (card_not_pass_check); fix the card and apply again"
        )) && en.stdout.contains("1 of 2 card(s) claimable now."),
        "{}",
        en.stdout
    );
}

#[test]
fn coins_speak_chinese_activation_balance_orders_and_recharge() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let out = zh_in(&p, &["coins", "activate", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("coins activate", &out);
    assert!(
        out.stdout.contains("券点账户已开通：微信赠送了"),
        "{}",
        out.stdout
    );
    let again = zh_in(&p, &["coins", "activate", "--dir", "{dir}"]);
    again.expect_code(0);
    assert_chinese("coins activate, again", &again);

    // The order's `desc` is WeChat's value (the emulator's is English): not ours to say.
    let wechat_value = |out: &Output| Output {
        code: out.code,
        stdout: out.stdout.replace("activation reward", ""),
        stderr: out.stderr.clone(),
    };
    let out = zh_in(&p, &["coins", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("coins", &wechat_value(&out));
    assert!(out.stdout.contains("券点余额：200 券点"), "{}", out.stdout);
    assert!(
        out.stdout.contains("免费券点    200  付费券点      0"),
        "{}",
        out.stdout
    );
    let en = p.run(&["coins", "--dir", "{dir}"]);
    assert!(
        en.stdout
            .contains("券点 balance: 200 points (200 free + 0 paid; 1 点 = ¥1)")
            && en.stdout.contains("free    200  paid      0"),
        "{}",
        en.stdout
    );

    let listed = p.run(&["coins", "--dir", "{dir}", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&listed.stdout).expect("coins JSON");
    let order = doc["coins"]["orders"][0]["order_id"]
        .as_str()
        .expect("an order")
        .to_string();
    let out = zh_in(&p, &["coins", "order", &order, "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("coins order", &wechat_value(&out));
    assert!(out.stdout.contains("创建于"), "{}", out.stdout);

    let png = p.path().join("recharge.png");
    let out = zh_in(
        &p,
        &[
            "coins",
            "recharge",
            "10",
            "--out",
            png.to_str().expect("path"),
            "--dir",
            "{dir}",
        ],
    );
    out.expect_code(0);
    assert_chinese("coins recharge", &out);
    assert!(out.stdout.contains("cardform 不会付款"), "{}", out.stdout);
}

#[test]
fn qrcode_speaks_chinese_when_made_early_and_when_made() {
    let emu = Emulator::start(&[]);
    let p = quickstart_against(&emu);
    // A friends coupon that takes effect far in the future (V1.4 window).
    let friends = p.path().join("cards/friends.toml");
    let text = std::fs::read_to_string(&friends).expect("friends.toml");
    let gift_start = text.find("[cards.friend_gift]").expect("friend_gift");
    let later = text[gift_start..]
        .replace("friend_gift", "friend_later")
        .replace("2026-11-01T00:00:00+08:00", "2027-06-01T00:00:00+08:00")
        .replace("sku = { quantity = 500 }", "sku = { quantity = 5 }");
    std::fs::write(
        &friends,
        text.replacen("sku = { quantity = 500 }", "sku = { quantity = 495 }", 1) + "\n" + &later,
    )
    .expect("write");
    p.run(&["coins", "activate", "--dir", "{dir}"])
        .expect_code(0);
    p.run(&["apply", "{dir}", "--auto-approve", "--allow-coin-purchase"])
        .expect_code(0);

    let out = zh_in(&p, &["qrcode", "friend_later", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("qrcode before the V1.4 window", &out);
    assert!(
        says(
            &out.stderr,
            "警告：朋友的券最早只能在生效前 5 天投放（V1.4）"
        ),
        "{}",
        out.stderr
    );
    let png = p.path().join("qr.png");
    let out = zh_in(
        &p,
        &[
            "qrcode",
            "friend_gift",
            "--out",
            png.to_str().expect("path"),
            "--dir",
            "{dir}",
        ],
    );
    out.expect_code(0);
    assert_chinese("qrcode", &out);
    assert!(
        out.stdout.contains("friend_gift（card_id ")
            && out.stdout.contains("的领取二维码：")
            && out
                .stdout
                .contains("url:             http://weixin.qq.com/q/"),
        "{}",
        out.stdout
    );
    let en = p.run(&["qrcode", "friend_gift", "--dir", "{dir}"]);
    assert!(
        en.stdout.contains(
            "A replacement of this card gives it a new card_id: this code stops working then."
        ),
        "{}",
        en.stdout
    );
}

/// The refusal's own sentence (`QrRefusal`, operate.ftl) inside the command's error
/// (`CommandError::QrRefused`, src/commands/error.rs: the errors area).
#[test]
fn qrcode_refusals_speak_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let out = zh_in(
        &p,
        &["qrcode", "tea_coupon", "--unique-code", "--dir", "{dir}"],
    );
    out.expect_code(1);
    assert!(
        says(&out.stderr, "--unique-code 要求卡券已审核通过"),
        "{}",
        out.stderr
    );
    assert!(says(&out.stderr, "这张卡券目前为审核中"), "{}", out.stderr);
    let out = zh_in(
        &p,
        &[
            "qrcode",
            "tea_coupon",
            "--expire-seconds",
            "30",
            "--dir",
            "{dir}",
        ],
    );
    out.expect_code(1);
    assert!(
        says(&out.stderr, "expire_seconds 必须在 60–1800 之间"),
        "{}",
        out.stderr
    );
    assert_chinese("qrcode refused", &out);
}

#[test]
fn stats_table_and_chart_speak_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let day = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00"))
        .date_naive()
        .to_string();
    let svg = p.path().join("stats.svg");
    let out = zh_in(
        &p,
        &[
            "stats",
            "--dir",
            "{dir}",
            "--from",
            &day,
            "--to",
            &day,
            "--chart",
            svg.to_str().expect("path"),
        ],
    );
    out.expect_code(0);
    assert_chinese("stats", &out);
    let head = out.stdout.lines().next().unwrap_or_default();
    for heading in [
        "日期",
        "范围",
        "领取次数",
        "核销人数",
        "转赠次数",
        "过期人数",
    ] {
        assert!(head.contains(heading), "{heading}: {head}");
    }
    assert!(out.stdout.contains("合计"), "{}", out.stdout);
    assert!(out.stdout.contains(&day), "dates unchanged: {}", out.stdout);
    let chart = std::fs::read_to_string(&svg).expect("chart");
    assert!(
        chart.contains("领取") && chart.contains("核销") && chart.contains("每天"),
        "{chart:.600}"
    );
    // A PNG chart: its labels Chinese where a font with Chinese characters is installed,
    // else English with a warning said in Chinese.
    let png = p.path().join("stats.png");
    let out = zh_in(
        &p,
        &[
            "stats",
            "--dir",
            "{dir}",
            "--from",
            &day,
            "--to",
            &day,
            "--chart",
            png.to_str().expect("path"),
        ],
    );
    out.expect_code(0);
    assert_chinese("stats --chart PNG", &out);
    let bytes = std::fs::read(&png).expect("png chart");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    // The rule table weighed against the recorded answers of this applied project.
    let out = zh_in(&p, &["rules", "--evidence", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("rules --evidence", &out);
    assert!(
        out.stdout.contains("一致") && out.stdout.contains("条记录下来的 card/update 应答"),
        "{}",
        out.stdout
    );
    let out = zh_in(
        &p,
        &[
            "rules",
            "--evidence",
            "--format",
            "markdown",
            "--dir",
            "{dir}",
        ],
    );
    out.expect_code(0);
    assert_chinese("rules --evidence --format markdown", &out);
    let en = p.run(&["stats", "--dir", "{dir}", "--from", &day, "--to", &day]);
    assert!(
        en.stdout.starts_with("date        scope  "),
        "{}",
        en.stdout
    );
}

/// `--from` after `--to` (`CommandError::DatesReversed`, src/commands/error.rs: the
/// errors area).
#[test]
fn stats_errors_speak_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let out = zh_in(
        &p,
        &[
            "stats",
            "--dir",
            "{dir}",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
        ],
    );
    out.expect_code(1);
    assert_chinese("stats with reversed dates", &out);
}

/// A card made outside cardform.
fn create_outside(emu: &Emulator, logo: &str) -> String {
    let created = emu.api("/card/create", cash(logo));
    created["card_id"]
        .as_str()
        .unwrap_or_else(|| panic!("card/create answered {created}"))
        .to_string()
}

#[test]
fn import_speaks_chinese_for_one_card_all_cards_and_its_refusals() {
    let emu = Emulator::start(&[]);
    let one = create_outside(&emu, "http://mmbiz.qpic.cn/mmbiz/one/0");
    create_outside(&emu, "http://mmbiz.qpic.cn/mmbiz/two/0");
    let p = TestProject::external(&emu.url);
    std::fs::write(p.cards_file(), "").expect("empty cards file");

    // One card, not declared in the files: adopted, with a warning.
    let out = zh_in(&p, &["import", "legacy", &one, "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("import one card", &out);
    assert!(
        out.stdout.contains("已导入 ") && out.stdout.contains("审核中"),
        "{}",
        out.stdout
    );
    assert!(
        says(&out.stderr, "警告：文件中没有卡券 `legacy`"),
        "{}",
        out.stderr
    );
    // Taken: an import error and its help.
    let out = zh_in(&p, &["import", "legacy", &one, "--dir", "{dir}"]);
    out.expect_code(1);
    assert_chinese("import, address taken", &out);
    assert!(says(&out.stderr, "legacy 已在状态文件中"), "{}", out.stderr);
    let out = zh_in(
        &p,
        &["import", "other", &one, "--dry-run", "--dir", "{dir}"],
    );
    out.expect_code(1);
    assert_chinese("import --dry-run alone", &out);

    // --all: refused without a file to write, listed, then adopted.
    let out = zh_in(&p, &["import", "--all", "--dir", "{dir}"]);
    out.expect_code(1);
    assert_chinese("import --all without --generate-config-out", &out);
    let out = zh_in(&p, &["import", "--all", "--dry-run", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("import --all --dry-run", &out);
    assert!(
        out.stdout.contains("已管理") && out.stdout.contains("未管理"),
        "{}",
        out.stdout
    );
    let out = zh_in(
        &p,
        &[
            "import",
            "--all",
            "--generate-config-out",
            "{dir}/cards/imported.toml",
            "--dir",
            "{dir}",
        ],
    );
    out.expect_code(0);
    assert_chinese("import --all", &out);
    assert!(
        out.stdout.contains("已将 1 张卡券纳入管理"),
        "{}",
        out.stdout
    );
    let en = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    assert!(
        en.stdout
            .contains("2 card(s) on the account: 2 managed, 0 unmanaged, 0 deleted."),
        "{}",
        en.stdout
    );
}

#[test]
fn rules_speak_chinese_in_text_and_markdown() {
    let p = TestProject::sandbox();
    let out = zh_in(&p, &["rules", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("rules", &out);
    for said in [
        "直接生效",
        "重新审核",
        "新建卡券",
        "参考文档标为 UNVERIFIED",
    ] {
        assert!(out.stdout.contains(said), "{said}:\n{}", out.stdout);
    }
    assert!(
        out.stdout.contains("base_info.notice"),
        "field paths unchanged"
    );
    let out = zh_in(&p, &["rules", "--dir", "{dir}", "--format", "markdown"]);
    out.expect_code(0);
    assert_chinese("rules --format markdown", &out);
    assert!(
        out.stdout
            .starts_with("| 字段 | 修改方式 | 已核实 | 来源 |"),
        "{}",
        out.stdout
    );
    // The project's `[output] lang`, without the variable.
    let configured = TestProject::with(
        "endpoint = \"sandbox\"\n\n[account]\nappid = \"wxsandbox\"\n\n[output]\nlang = \"zh-CN\"\n",
        "",
    );
    let out = configured.run(&["rules", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("rules under [output] lang", &out);
    let en = p.run(&["rules", "--dir", "{dir}", "--format", "markdown"]);
    assert!(
        en.stdout
            .starts_with("| field | change | verified | source |")
            && en
                .stdout
                .contains("| `base_info.notice` | re-review | yes | §4.2 |"),
        "{}",
        en.stdout
    );
}

#[test]
fn import_reattach_speaks_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    std::fs::remove_dir_all(p.path().join("state")).expect("rm -r state");
    let out = zh_in(&p, &["import", "--reattach", "--dry-run", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("import --reattach --dry-run", &out);
    for said in ["重新关联  coffee_discount ← ", "试运行：未记录任何内容。"] {
        assert!(out.stdout.contains(said), "{said}:\n{}", out.stdout);
    }
    let out = zh_in(&p, &["import", "--reattach", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("import --reattach", &out);
    let out = zh_in(&p, &["import", "--reattach", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("import --reattach, nothing left", &out);
    assert!(out.stdout.contains("无需重新关联"), "{}", out.stdout);
}

#[test]
fn status_names_a_rejected_sub_merchant_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    std::fs::write(
        p.cards_file(),
        r#"
[sub_merchants.shop]
brand_name = "街角面包"
logo_url = "assets/logo.jpg"
protocol = "assets/protocol.jpg"
end_time = 2030-12-31T23:59:59+08:00
primary_category_id = 1
secondary_category_id = 101
"#,
    )
    .expect("cards");
    std::fs::write(
        p.path().join("assets/protocol.jpg"),
        crate::common::TINY_JPEG,
    )
    .expect("protocol");
    p.run(&["apply", "--auto-approve", "{dir}"]).expect_code(0);
    let id = p.state()["sub_merchants"]["shop"]["merchant_id"].clone();
    emu.admin(
        "POST",
        "/__emulator/submerchant_review",
        Some(json!({ "merchant_id": id, "result": "fail", "reason": "授权函不清晰" })),
    );
    let out = zh_in(&p, &["status", "{dir}"]);
    out.expect_code(0);
    assert_chinese("status with a rejected sub-merchant", &out);
    for said in ["子商户：", "被驳回", "cardform 不知道原因"] {
        assert!(out.stdout.contains(said), "{said}:\n{}", out.stdout);
    }
}

/// An order WeChat does not know: WeChat's errcode said by the client's `ApiError`
/// (crates/cardform-client, the errors area); WeChat's own `errmsg` is a value, left out.
#[test]
fn coins_errors_speak_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let out = zh_in(&p, &["coins", "order", "999", "--dir", "{dir}"]);
    out.expect_code(1);
    let without_errmsg = Output {
        code: out.code,
        stdout: out.stdout.clone(),
        stderr: words(&out.stderr).replace("invalid args (no order 999)", ""),
    };
    assert_chinese("coins order, unknown order", &without_errmsg);
}

#[test]
fn import_all_speaks_chinese_adopting_a_sub_merchant_and_asking_for_its_protocol() {
    use crate::sub_merchants::{IMPORT_ALL, fresh, made_elsewhere};
    let (emu, id) = made_elsewhere();
    let p = fresh(&emu);
    let name = format!("merchant_{id}");

    let out = zh_in(&p, &["import", "--all", "--dry-run", "--dir", "{dir}"]);
    out.expect_code(0);
    assert_chinese("import --all --dry-run with a sub-merchant", &out);
    assert!(
        out.stdout.contains(&format!(
            "未管理    子商户 {id} 街角面包（APPROVED）→ [sub_merchants.{name}]"
        )) && out
            .stdout
            .contains("账号上共有 1 个子商户：本项目已知 0 个，待纳入管理 1 个。"),
        "{}",
        out.stdout
    );
    let out = zh_in(&p, IMPORT_ALL);
    out.expect_code(0);
    assert_chinese("import --all adopting a sub-merchant", &out);
    assert!(
        out.stdout.contains("已将 1 个子商户纳入管理"),
        "{}",
        out.stdout
    );
    // The same run in English still says it in English.
    let en = p.run(&["import", "--all", "--dry-run", "--dir", "{dir}"]);
    assert!(
        en.stdout
            .contains(&format!("managed    sub-merchant {id} 街角面包 (APPROVED)")),
        "{}",
        en.stdout
    );

    // A new end without the letter: the error asks for `protocol`, in Chinese.
    let file = p.path().join("cards/imported.toml");
    let text = std::fs::read_to_string(&file).expect("imported.toml");
    std::fs::write(
        &file,
        text.replacen(
            "end_time = 2030-12-31T23:59:59+08:00",
            "end_time = 2031-12-31T23:59:59+08:00",
            1,
        ),
    )
    .expect("edit");
    let out = zh_in(&p, &["plan", "{dir}"]);
    out.expect_code(1);
    assert_chinese(
        "plan, an adopted sub-merchant's new end without protocol",
        &out,
    );
    assert!(
        says(&out.stderr, "修改 end_time 需要授权函")
            && says(
                &out.stderr,
                &format!("请在 [sub_merchants.{name}] 中将 `protocol` 设为新授权函的扫描件")
            ),
        "{}",
        out.stderr
    );

    // Neither protocol nor merchant_id: validate says what is missing, in Chinese.
    std::fs::write(
        &file,
        text.replacen(&format!("merchant_id = {id}\n"), "", 1),
    )
    .expect("edit");
    let out = zh_in(&p, &["validate", "{dir}"]);
    out.expect_code(1);
    assert_chinese("validate, a sub-merchant without protocol", &out);
    assert!(
        says(
            &format!("{}{}", out.stdout, out.stderr),
            &format!("sub_merchants.{name} 没有 `protocol`")
        ),
        "{}{}",
        out.stdout,
        out.stderr
    );
}
