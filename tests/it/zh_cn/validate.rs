//! zh-CN: validate, init, fmt and preview. Every diagnostic family of the loader (the
//! rule table, the schema, the TOML parser, the files, images, sub-merchants, the test
//! whitelist) and every line these commands print, in Chinese; the same runs under
//! English keep their English (the snapshots of validate_fixtures hold it byte for byte).

use std::path::Path;

use super::{assert_chinese, zh};
use crate::common::{Output, TestProject, cardform, run_cmd, words};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Every fixture validate_fixtures snapshots in English: the rule table, the schema,
/// TOML syntax, bytes that are not UTF-8, a bad cardform.toml, a duplicate address,
/// a project without cards/, warnings only.
#[test]
fn validate_reports_every_fixture_in_chinese() {
    let mut all = String::new();
    for (name, code) in [
        ("rule_errors", 1),
        ("schema_errors", 1),
        ("syntax_error", 1),
        ("bad_bytes", 1),
        ("bad_project", 1),
        ("duplicate_address", 1),
        ("no_cards", 0),
        ("warnings_only", 0),
    ] {
        let out = zh(&["validate", &fixture(name)]);
        out.expect_code(code);
        assert_chinese(&format!("validate {name}"), &out);
        all.push_str(&out.stdout);
    }
    for said in [
        // The rule table.
        "朋友的券必须明确填写 can_give_friend = false",
        "朋友的券只能是 CASH 或 GIFT 类型",
        "不晚于 begin_timestamp",
        "超出微信支持的范围",
        "该时段的结束时间",
        "导入 code 模式",
        "icon_url_list 有 2 张图片",
        "GROUPON 类型的卡券必须填写 `deal_detail`",
        "不能使用门槛 `object_use_for`",
        "超过了创建朋友的券表中的 12 个汉字",
        // Images.
        "既不是 JPG 也不是 PNG",
        "不是微信的图片域名 mmbiz.qpic.cn",
        "无法读取图片 `assets/missing.jpg`：文件不存在",
        // The schema.
        "未知的键 `titel`（是否想写 `title`？）",
        "应为整数，实际是字符串 \"20\"",
        "数字 -5 小于最小值 0",
        "不是允许的值",
        "没有时区",
        "缺少必填字段 `brand_name`",
        "个 UTF-8 字节，超过 36",
        // The TOML parser, the files, the loader.
        "TOML 语法错误：字符串值必须加引号",
        "TOML 语法错误：重复的键",
        "TOML 语法错误：表头没有闭合，此处应为 `]`",
        "文件不是有效的 UTF-8（无效字节 0x80）",
        "已在 cards/a.toml:1 声明过",
        "没有 cards/ 文件夹",
        "该文件没有声明任何卡券",
        "不是有效的卡券地址",
        // Locations and field paths stay as they are; warnings and cards in words.
        "cards/rules.toml:7:1: 卡券 friends_bad：base_info.location_id_list：",
        "cards/w.toml:18:9: 警告：卡券 titled：base_info.title：",
        // The summary line.
        "无效：28 个错误，6 个警告",
        "通过：1 张卡券有效，3 个警告",
    ] {
        assert!(all.contains(said), "missing {said:?}:\n{all}");
    }
}

/// Cards with a problem of each family the fixtures leave out (OUTSIDE: an image
/// outside the project).
const CARDS: &str = r##"
[sub_merchants.Bad]
brand_name = "街角面包"
logo_url = "assets/logo.jpg"
protocol = "assets/protocol.jpg"
end_time = 2030-12-31T23:59:59+08:00
primary_category_id = 1
secondary_category_id = 101

[sub_merchants.shop]
brand_name = "街角面包"
logo_url = "assets/logo.jpg"
protocol = "https://mmbiz.qpic.cn/x.jpg"
end_time = 2020-12-31T23:59:59+08:00
primary_category_id = 999
secondary_category_id = 9999

[cards.bread]
card_type = "GENERAL_COUPON"
default_detail = "面包九折"
sub_merchant = "nobody"

[cards.bread.base_info]
logo_url = "OUTSIDE"
code_type = "CODE_TYPE_TEXT"
brand_name = "街角面包"
title = "面包九折"
color = "#123456"
notice = "结账时出示"
sku = { quantity = 10 }
date_info = { type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2020-01-01T00:00:00+08:00, end_timestamp = 2020-01-31T23:59:59+08:00 }

[cards.bread.advanced_info]
abstract = { icon_url_list = ["assets/logo.jpg"] }
time_limit = [{ type = "MONDAY", begin_hour = 10 }]

[cards.later]
card_type = "CASH"
least_cost = 1000
reduce_cost = 0

[cards.later.base_info]
logo_url = "assets/logo.jpg"
color = "Color010"
code_type = "CODE_TYPE_TEXT"
brand_name = "街角面包"
notice = "结账时出示"
description = "每次限用一张"
location_id_list = [1]
can_share = false
can_give_friend = false
sku = { quantity = 10 }
date_info = { type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2037-06-01T00:00:00+08:00, end_timestamp = 2037-06-30T23:59:59+08:00 }

[cards.later.advanced_info]
share_friends = true
consume_share_card_list = [{ card = "ghost", num = 1 }]
text_image_list = [{ image_url = "assets/logo.jpg", text = "面包" }]

[cards.floaty]
card_type = "GENERAL_COUPON"
default_detail = "面包九折"

[cards.floaty.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_TEXT"
brand_name = "街角面包"
title = "面包九折"
color = "Color010"
notice = "结账时出示"
description = "每次限用一张"
get_limit = 2.0
sku = { quantity = 10 }
date_info = { type = "DATE_TYPE_FIX_TERM", fixed_term = 30 }
"##;

/// What the fixtures leave out: sub-merchants, the test whitelist, an image outside
/// the project, an unreadable card file, off-palette colours, create-required fields,
/// the friends issue window, an expired window, time slots, consume_share, reduce_cost.
#[test]
fn validate_reports_the_other_families_in_chinese() {
    let elsewhere = tempfile::tempdir().expect("tmp");
    let outside = elsewhere.path().join("outside.jpg");
    std::fs::write(&outside, b"x").expect("outside image");
    let cards = CARDS.replace("OUTSIDE", &outside.to_string_lossy());
    let p = TestProject::with(
        r#"endpoint = "sandbox"

[account]
appid = "wxsandbox"

[test_whitelist]
openids = ["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", "o1", " "]
"#,
        &cards,
    );
    std::fs::write(p.path().join("assets/protocol.jpg"), b"x").expect("protocol");
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere.toml", p.path().join("cards/dangling.toml")).expect("link");
    let dir = p.path().to_string_lossy().to_string();
    let out = zh(&["validate", &dir]);
    out.expect_code(1);
    assert_chinese("validate (other families)", &out);
    for said in [
        "测试白名单共有 11 项",
        "test_whitelist.openids[9] 重复出现",
        "test_whitelist.openids[10] 为空",
        "`Bad` 不是有效的子商户名称",
        "必须是本地文件",
        "已经过去：微信不接受已到期的授权函",
        "不是 cardform 已知的组合",
        "未声明子商户 `nobody`",
        "`#123456` 不在色板中",
        "缺少 description",
        "有效期已经结束",
        "朋友的券最多只能在生效前 5 天投放",
        "时段必须同时填写 begin_hour 和 end_hour",
        "reduce_cost 为 0",
        "没有地址为 `ghost` 的卡券",
        "封面缺少 abstract 文字",
        "此处应为整数，实际是带小数点或指数的数",
        "在项目文件夹之外",
        "线上卡券已是该值时可以保留",
    ] {
        assert!(
            out.stdout.contains(said),
            "missing {said:?}:\n{}",
            out.stdout
        );
    }
    #[cfg(unix)]
    assert!(
        out.stdout
            .contains("cards/dangling.toml: 无法读取该文件：它是指向 nowhere.toml 的符号链接"),
        "{}",
        out.stdout
    );
    // The same project in English keeps its English.
    let en = run_cmd(cardform().args(["validate", &dir]));
    assert!(
        en.stdout.contains("`#123456` is not a palette colour"),
        "{}",
        en.stdout
    );
    assert!(en.stdout.contains("invalid: "), "{}", en.stdout);
    // JSON is data: its messages stay English under zh-CN.
    let json = zh(&["validate", &dir, "--format", "json"]);
    assert!(
        json.stdout.contains("is not a palette colour"),
        "{}",
        json.stdout
    );
}

/// A clean project: the summary line; --verbose's derived title.
#[test]
fn a_clean_validate_says_ok_in_chinese() {
    let p = TestProject::sandbox();
    let dir = p.path().to_string_lossy().to_string();
    let out = zh(&["validate", &dir]);
    out.expect_code(0);
    assert_chinese("validate (clean)", &out);
    assert!(out.stdout.contains("通过：2 张卡券有效"), "{}", out.stdout);
    let out = zh(&["validate", &fixture("warnings_only"), "--verbose"]);
    out.expect_code(0);
    assert_chinese("validate --verbose", &out);
    assert!(
        out.stdout
            .contains("卡券 titled：标题将是“5元代金券”（由微信根据金额生成）"),
        "{}",
        out.stdout
    );
    let en = run_cmd(cardform().args(["validate", &dir]));
    assert_eq!(en.stdout, "ok: 2 cards valid\n");
}

/// A folder that is not a project, and one that does not exist: the error and its help.
#[test]
fn validate_errors_speak_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let empty = tmp.path().to_string_lossy().to_string();
    let out = zh(&["validate", &empty]);
    out.expect_code(1);
    assert_chinese("validate (not a project)", &out);
    assert!(
        words(&out.stderr).contains("不是 cardform 项目：其中没有 cardform.toml"),
        "{}",
        out.stderr
    );
    let gone = tmp.path().join("gone").to_string_lossy().to_string();
    let out = zh(&["validate", &gone]);
    out.expect_code(1);
    assert_chinese("validate (no such folder)", &out);
    assert!(
        words(&out.stderr).contains("文件或文件夹不存在"),
        "{}",
        out.stderr
    );
    let en = run_cmd(cardform().args(["validate", &empty]));
    assert!(
        words(&en.stderr).contains("is not a cardform project: it has no cardform.toml"),
        "{}",
        en.stderr
    );
}

/// `init` in a new folder: what it made, and the next steps. The files it writes stay
/// as they are (cardform.toml's comments, the example card: the project's own files).
#[test]
fn init_speaks_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("new");
    let d = dir.to_string_lossy().to_string();
    let out = zh(&["init", &d, "--sandbox"]);
    out.expect_code(0);
    assert_chinese("init", &out);
    assert!(out.stdout.contains("已创建 "), "{}", out.stdout);
    assert!(
        out.stdout.contains("下一步：依次运行 `cardform validate "),
        "{}",
        out.stdout
    );
    // The new project validates, in Chinese.
    let out = zh(&["validate", &d]);
    out.expect_code(0);
    assert_chinese("validate (new project)", &out);
    let out = zh(&["init", &d, "--sandbox"]);
    out.expect_code(1);
    // An AppID with characters an AppID never has: the reason in Chinese (the help
    // after it is `CommandError::Init`'s, src/commands/error.rs).
    let bad = tmp.path().join("bad").to_string_lossy().to_string();
    let out = zh(&["init", &bad, "--appid", "wx-bad!"]);
    out.expect_code(1);
    let said = words(&out.stderr);
    let reason = said
        .find("`wx-bad!`")
        .and_then(|at| said[at..].find("提示").map(|end| &said[at..at + end]))
        .unwrap_or(&said);
    assert!(
        reason.contains("不是 AppID：AppID 由字母和数字组成"),
        "{said}"
    );
    assert_chinese(
        "init with a bad AppID",
        &Output {
            code: out.code,
            stdout: String::new(),
            stderr: reason.to_string(),
        },
    );
}

/// `fmt`: a file it rewrites, `--check` on a changed and on an unchanged project, and
/// a file that is not TOML (its position and the parser's message in Chinese).
#[test]
fn fmt_speaks_chinese() {
    let p = TestProject::sandbox();
    let dir = p.path().to_string_lossy().to_string();
    // The sample starts with a blank line, which fmt takes out.
    zh(&["fmt", &dir]).expect_code(0);
    let clean = zh(&["fmt", &dir, "--check"]);
    clean.expect_code(0);
    assert_eq!(clean.stdout, "", "{}", clean.stderr);
    p.edit("discount = 20", "discount   =    20");
    let check = zh(&["fmt", &dir, "--check"]);
    check.expect_code(1);
    assert_chinese("fmt --check", &check);
    assert!(
        check
            .stderr
            .contains("1 个文件未格式化；请运行 `cardform fmt "),
        "{}",
        check.stderr
    );
    let en = run_cmd(cardform().args(["fmt", &dir, "--check"]));
    assert!(
        en.stderr
            .contains("1 file is not formatted; run `cardform fmt "),
        "{}",
        en.stderr
    );
    let fmt = zh(&["fmt", &dir]);
    fmt.expect_code(0);
    assert_chinese("fmt", &fmt);
    assert!(fmt.stdout.contains("已格式化 "), "{}", fmt.stdout);
    zh(&["fmt", &dir, "--check"]).expect_code(0);

    std::fs::write(p.path().join("cards/broken.toml"), "[cards.y\n").expect("write");
    let bad = zh(&["fmt", &dir]);
    bad.expect_code(1);
    // The parser's part (this helper's): position and message in Chinese. The error
    // that follows (`CommandError::Unformattable`) belongs to src/commands/error.rs.
    let ours: String = bad.stderr.lines().take(2).collect::<Vec<_>>().join("\n");
    assert_chinese(
        "fmt on a file that is not TOML",
        &Output {
            code: bad.code,
            stdout: String::new(),
            stderr: ours.clone(),
        },
    );
    assert!(ours.contains("不是有效的 TOML，未做改动"), "{ours}");
    assert!(
        ours.contains("第 1 行第 9 列：TOML 语法错误：表头没有闭合"),
        "{ours}"
    );
}

/// A fonts.conf naming only `fonts` (fontconfig's folders are then those).
fn fonts_conf(dir: &Path, fonts: &Path) -> std::path::PathBuf {
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir></fontconfig>\n",
            fonts.display()
        ),
    )
    .expect("fonts.conf");
    conf
}

/// `preview`: the files it wrote and their count; a missing image (the project is
/// invalid); no CJK font.
#[test]
fn preview_speaks_chinese() {
    let p = TestProject::sandbox();
    let dir = p.path().to_string_lossy().to_string();
    let out_dir = p.path().join("previews");
    let o = out_dir.to_string_lossy().to_string();
    let svg = zh(&["preview", &dir, "--out", &o, "--svg-only"]);
    svg.expect_code(0);
    assert_chinese("preview --svg-only", &svg);
    assert!(svg.stderr.contains("已生成 2 张卡券预览"), "{}", svg.stderr);
    let en = run_cmd(cardform().args(["preview", &dir, "--out", &o, "--svg-only"]));
    assert!(en.stderr.contains("2 card previews"), "{}", en.stderr);

    // With a CJK font (the CI image installs WenQuanYi), PNGs too.
    let font = [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ]
    .iter()
    .any(|f| Path::new(f).is_file());
    if font {
        let png = zh(&["preview", &dir, "--out", &o]);
        png.expect_code(0);
        assert_chinese("preview (PNG)", &png);
        assert!(png.stdout.contains(".png"), "{}", png.stdout);
    }

    // No CJK font: the reason and what to install, in Chinese.
    let fonts = tempfile::tempdir().expect("fonts dir");
    let none = fonts.path().join("none");
    std::fs::create_dir_all(&none).expect("mkdir");
    let conf = fonts_conf(fonts.path(), &none);
    let nofont = run_cmd(
        cardform()
            .env("CARDFORM_LANG", "zh-CN")
            .env("FONTCONFIG_FILE", &conf)
            .env("CARDFORM_FONT_DIRS", &none)
            .args(["preview", &dir, "--out", &o]),
    );
    nofont.expect_code(1);
    let said = words(&nofont.stderr);
    assert!(said.contains("没有已安装的字体包含中文字符"), "{said}");
    assert!(said.contains("fonts-noto-cjk"), "{said}");
    // From the font message on (the words before it, "previews as PNG:", are
    // `CommandError::Fonts` of src/commands/error.rs, the errors area's).
    let ours = said
        .find("没有已安装的字体")
        .map_or(said.as_str(), |at| &said[at..]);
    assert_chinese(
        "preview without a CJK font",
        &Output {
            code: nofont.code,
            stdout: String::new(),
            stderr: ours.to_string(),
        },
    );

    // A missing image: the project is invalid, every line in Chinese.
    p.edit(
        "logo_url = \"assets/logo.jpg\"\ncode_type = \"CODE_TYPE_TEXT\"",
        "logo_url = \"assets/gone.jpg\"\ncode_type = \"CODE_TYPE_TEXT\"",
    );
    let missing = zh(&["preview", &dir, "--out", &o, "--svg-only"]);
    missing.expect_code(1);
    assert_chinese("preview with a missing image", &missing);
    assert!(
        missing
            .stderr
            .contains("无法读取图片 `assets/gone.jpg`：文件不存在"),
        "{}",
        missing.stderr
    );
}
