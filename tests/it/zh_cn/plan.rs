//! zh-CN: plan. Every plan the merchant reads (text, markdown, HTML) and every refusal
//! of the gates, in Chinese; the same runs in English stay English.

use super::{assert_chinese, zh};
use crate::common::{Emulator, TestProject, cardform, quickstart_against, run_cmd};

/// `cardform ARGS` in `p` under zh-CN (`{dir}` is the project folder).
fn zh_in(p: &TestProject, args: &[&str]) -> crate::common::Output {
    let dir = p.path().to_string_lossy().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
    run_cmd(cardform().args(&args).env("CARDFORM_LANG", "zh-CN"))
}

/// A first plan of the sandbox project, in Chinese from the first line to the last.
#[test]
fn a_first_plan_speaks_chinese() {
    let p = TestProject::sandbox();
    let dir = p.path().to_string_lossy().to_string();
    let out = zh(&["plan", &dir]);
    out.expect_code(0);
    assert_chinese("plan", &out);
    // A value only apply can know is said in words, not as the JSON plan's data.
    assert!(
        out.stdout
            .contains("base_info.logo_url = （执行时上传 assets/logo.jpg 后生成）"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("known after apply"), "{}", out.stdout);
    // The stilted phrases are gone.
    for stilted in ["执行它大约还需要", "之后", "漂移"] {
        assert!(!out.stdout.contains(stilted), "{stilted}: {}", out.stdout);
    }
    // English stays as it was; the JSON plan keeps the data form in any language.
    let en = p.run(&["plan", "{dir}"]);
    assert!(
        en.stdout
            .contains("base_info.logo_url = (known after apply): upload assets/logo.jpg"),
        "{}",
        en.stdout
    );
    let json = zh(&["plan", &dir, "--format", "json"]);
    assert!(
        json.stdout
            .contains("(known after apply): upload assets/logo.jpg"),
        "{}",
        json.stdout
    );
}

/// Updates in place and back to review, a replacement, a delete, a stock change and
/// the test whitelist: one plan, all in Chinese (text, markdown and HTML).
#[test]
fn a_plan_of_every_kind_of_change_speaks_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    // notice: back to review; service_phone: in place; quantity: stock; the tea
    // coupon's brand: a replacement; a whitelist.
    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示此券\"");
    p.edit(
        "service_phone = \"400-000-0000\"",
        "service_phone = \"400-000-0001\"",
    );
    p.edit("quantity = 1000", "quantity = 1200");
    p.edit("brand_name = \"示例茶室\"", "brand_name = \"示例茶馆\"");
    let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    std::fs::write(
        p.path().join("cardform.toml"),
        format!("{toml}\n[test_whitelist]\nopenids = [\"o-staff\"]\nusernames = [\"alice_wx\"]\n"),
    )
    .expect("write toml");
    let out = zh_in(&p, &["plan", "{dir}", "--detailed-exitcode"]);
    out.expect_code(2);
    assert_chinese("plan with changes", &out);
    for said in [
        "需重新审核",
        "必须替换 tea_coupon",
        "调用 card/testwhitelist/set，把测试白名单整体替换为共 2 个用户的新名单",
        "card_id 将改变：旧卡券的二维码、链接和“添加到卡包”（addCard）都会失效",
    ] {
        assert!(out.stdout.contains(said), "{said}:\n{}", out.stdout);
    }
    for stilted in ["以全部", "添加到卡包的调用", "执行它大约"] {
        assert!(!out.stdout.contains(stilted), "{stilted}: {}", out.stdout);
    }
    let md = zh_in(&p, &["plan", "{dir}", "--format", "markdown"]);
    md.expect_code(0);
    assert_chinese("markdown plan", &md);
    let html = zh_in(&p, &["plan", "{dir}", "--format", "html"]);
    html.expect_code(0);
    assert!(html.stdout.contains("修改后"), "column heading");
    assert!(!html.stdout.contains(">之后<"), "column heading");
    // The page's words, without its markup and styles.
    let text: String = html_text(&html.stdout);
    assert_chinese(
        "HTML plan",
        &crate::common::Output {
            code: 0,
            stdout: text,
            stderr: String::new(),
        },
    );

    // Delete: the tea coupon leaves the files.
    let text = std::fs::read_to_string(p.cards_file()).unwrap_or_default();
    let cut = text.find("[cards.tea_coupon]").unwrap_or(text.len());
    std::fs::write(p.cards_file(), &text[..cut]).expect("write");
    let out = zh_in(&p, &["plan", "{dir}"]);
    out.expect_code(0);
    assert_chinese("plan with a delete", &out);
    assert!(out.stdout.contains("将删除 tea_coupon"), "{}", out.stdout);
    assert!(
        out.stdout.contains("文件中已没有这张卡券"),
        "{}",
        out.stdout
    );
    // The saved plan's line after the plan.
    let saved = p.path().join("plan.json").to_string_lossy().to_string();
    let out = zh_in(&p, &["plan", "{dir}", "--out", &saved]);
    out.expect_code(0);
    assert_chinese("plan --out", &out);
    assert!(out.stdout.contains("计划已保存到"), "{}", out.stdout);
}

/// The text between the tags of an HTML page, outside `<style>` and `<script>`.
fn html_text(page: &str) -> String {
    let mut page = page.to_string();
    for skip in ["style", "script"] {
        let (open, close) = (format!("<{skip}"), format!("</{skip}>"));
        while let Some(at) = page.find(&open) {
            let end = page[at..]
                .find(&close)
                .map_or(page.len(), |e| at + e + close.len());
            page.replace_range(at..end, "");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push('\n');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The gates refuse in Chinese: 券点 beyond the balance and the budget, a mass destroy,
/// a `--deny` class; exit 3 each, as in English.
#[test]
fn refused_plans_say_why_in_chinese() {
    let emu = Emulator::start(&[]);
    // Friends coupons on an account without points: over the balance.
    let q = quickstart_against(&emu);
    let out = zh_in(&q, &["plan", "{dir}"]);
    out.expect_code(3);
    assert_chinese("plan over the balance", &out);
    assert!(out.stderr.contains("比账户余额"), "{}", out.stderr);
    let en = q.run(&["plan", "{dir}"]);
    en.expect_code(3);
    assert!(
        en.stderr.contains("more than the account holds"),
        "{}",
        en.stderr
    );
    // Over the budget too.
    let toml = std::fs::read_to_string(q.path().join("cardform.toml")).expect("toml");
    std::fs::write(
        q.path().join("cardform.toml"),
        format!("{toml}\n[policy]\nmax_coins_per_apply = 10\n"),
    )
    .expect("write toml");
    let out = zh_in(&q, &["plan", "{dir}"]);
    out.expect_code(3);
    assert_chinese("plan over the budget", &out);

    // More cards deleted than `[policy] max_destroy` allows, and a change `--deny
    // review` stops: both refusals.
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    std::fs::write(
        p.path().join("cardform.toml"),
        format!("{toml}\n[policy]\nmax_destroy = 0\n"),
    )
    .expect("write toml");
    let text = std::fs::read_to_string(p.cards_file()).unwrap_or_default();
    let cut = text.find("[cards.tea_coupon]").unwrap_or(text.len());
    std::fs::write(p.cards_file(), &text[..cut]).expect("write");
    p.edit("notice = \"结账时出示此券\"", "notice = \"结账前出示此券\"");
    let out = zh_in(&p, &["plan", "{dir}", "--deny", "review"]);
    out.expect_code(3);
    assert_chinese("plan refused by max_destroy and --deny review", &out);
    assert!(
        out.stderr.contains("--allow-mass-destroy"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("max_destroy = 0 的上限"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("被 --deny review 拒绝"),
        "{}",
        out.stderr
    );
    let md = zh_in(
        &p,
        &["plan", "{dir}", "--format", "markdown", "--deny", "review"],
    );
    md.expect_code(3);
    assert_chinese("markdown of a refused plan", &md);
    // The JSON plan keeps the gate's message in English (data).
    let json = zh_in(&p, &["plan", "{dir}", "--format", "json"]);
    json.expect_code(3);
    assert!(
        json.stdout.contains(
            "1 of the 2 managed cards, more than [policy] max_destroy = 0 in cardform.toml"
        ),
        "{}",
        json.stdout
    );
    // English says it as before.
    let en = p.run(&["plan", "{dir}", "--deny", "review"]);
    en.expect_code(3);
    assert!(
        en.stderr
            .contains("error: the plan would delete or replace 1 of the 2 managed cards"),
        "{}",
        en.stderr
    );
    assert!(
        en.stderr.contains("denied by --deny review"),
        "{}",
        en.stderr
    );
}

/// A plan that cannot be made says why in Chinese: a protected card the files no
/// longer declare, a `--target` naming no card.
#[test]
fn a_plan_that_cannot_be_made_says_why_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.edit(
        "description = \"仅限堂食。\"",
        "description = \"仅限堂食。\"\n\n[cards.tea_coupon.lifecycle]\nprevent_destroy = true",
    );
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let text = std::fs::read_to_string(p.cards_file()).unwrap_or_default();
    let cut = text.find("[cards.tea_coupon]").unwrap_or(text.len());
    std::fs::write(p.cards_file(), &text[..cut]).expect("write");
    let out = zh_in(&p, &["plan", "{dir}"]);
    assert_ne!(out.code, 0);
    assert_chinese("plan of a protected card's delete", &out);
    assert!(
        out.stderr
            .contains("此计划会删除它，但设置了 lifecycle.prevent_destroy"),
        "{}",
        out.stderr
    );
    let out = zh_in(&p, &["plan", "{dir}", "--target", "nosuch"]);
    assert_ne!(out.code, 0);
    assert_chinese("plan --target of no card", &out);
    // English as before.
    let en = p.run(&["plan", "{dir}"]);
    assert!(
        en.stderr
            .contains("card tea_coupon: the plan would delete it, but lifecycle.prevent_destroy"),
        "{}",
        en.stderr
    );
}
