//! The reviewer's view: card previews and the HTML plan, on the quickstart example,
//! and the page in a real browser (headless Chromium, installed by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{cardform, run_cmd};

fn run(args: &[&str]) -> crate::common::Output {
    run_cmd(cardform().args(args))
}

/// A copy of examples/quickstart as a new project (its sandbox data must not land in the
/// repository, and the state the README's first command leaves there is not copied).
fn quickstart() -> tempfile::TempDir {
    crate::common::copy_example("quickstart")
}

const QUICKSTART_TITLES: [&str; 4] = ["满100减20", "拿铁1杯", "全场饮品八折", "新会员礼"];

#[test]
fn preview_draws_every_quickstart_card() {
    let project = quickstart();
    let d = project.path().to_str().expect("utf-8 temp path");
    let out_dir = project.path().join("previews");
    let o = out_dir.to_str().expect("utf-8");
    run(&["preview", d, "--out", o]).expect_code(0);
    for (address, title) in [
        ("friend_cash", "满100减20"),
        ("friend_gift", "拿铁1杯"),
        ("member_discount", "全场饮品八折"),
        ("welcome_coupon", "新会员礼"),
    ] {
        let svg = std::fs::read_to_string(out_dir.join(format!("{address}.svg"))).expect("svg");
        assert!(svg.contains(title), "{address}: no title {title}");
        let png = std::fs::read(out_dir.join(format!("{address}.png"))).expect("png");
        assert_eq!(&png[1..4], b"PNG", "{address}");
    }
    let cash = std::fs::read_to_string(out_dir.join("friend_cash.svg")).expect("svg");
    for text in [
        "消费满100元可用",
        "不可与其他优惠共享",
        "周六 10:00-20:59",
        "#63b359",
    ] {
        assert!(cash.contains(text), "friend_cash face lacks {text}");
    }
    // --card picks; an unknown address is an error that lists the known ones.
    let only = project.path().join("only");
    run(&[
        "preview",
        d,
        "--card",
        "friend_gift",
        "--out",
        only.to_str().expect("utf-8"),
    ])
    .expect_code(0);
    assert!(only.join("friend_gift.svg").is_file());
    assert!(!only.join("friend_cash.svg").exists());
    let bad = run(&["preview", d, "--card", "nope", "--out", o]);
    bad.expect_code(1);
    assert!(bad.stderr.contains("friend_cash"), "{}", bad.stderr);
}

/// The HTML plan of the quickstart: all four cards to create, then a change.
fn quickstart_pages(project: &Path) -> (PathBuf, PathBuf) {
    let d = project.to_str().expect("utf-8 temp path");
    let create = project.join("create.html");
    let saved = project.join("plan.json");
    run(&[
        "plan",
        d,
        "--format",
        "html",
        "--out",
        create.to_str().expect("utf-8"),
        "--save",
        saved.to_str().expect("utf-8"),
    ])
    .expect_code(0);
    run(&["apply", saved.to_str().expect("utf-8"), "--auto-approve"]).expect_code(0);
    let cards = project.join("cards/regular.toml");
    let text = std::fs::read_to_string(&cards).expect("cards");
    std::fs::write(
        &cards,
        text.replace("notice = \"结账时出示条码\"", "notice = \"结账前出示条码\"")
            .replace(
                "description = \"仅限首单使用。\"",
                "description = \"仅限首单使用，外卖订单与团购订单除外，每位会员限用一次。\"",
            ),
    )
    .expect("edit");
    let update = project.join("update.html");
    run(&[
        "plan",
        d,
        "--html",
        update.to_str().expect("utf-8"),
        "--lang",
        "zh-CN",
    ])
    .expect_code(0);
    (create, update)
}

#[test]
fn html_plan_is_self_contained_and_complete() {
    let project = quickstart();
    let (create, update) = quickstart_pages(project.path());
    let page = std::fs::read_to_string(&create).expect("page");
    for title in QUICKSTART_TITLES {
        assert!(page.contains(title), "no {title}");
    }
    assert!(page.contains("Saved plan checksum: "), "no checksum");
    let saved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.path().join("plan.json")).expect("saved"),
    )
    .expect("json");
    let checksum = saved["checksum"].as_str().expect("checksum");
    assert!(page.contains(checksum));
    for needle in ["http://", "https://", "src=", "<script", "url(", "<link"] {
        assert!(
            !page.contains(needle),
            "the page would load something: {needle}"
        );
    }
    let page = std::fs::read_to_string(&update).expect("page");
    assert!(page.contains("<html lang=\"zh-CN\">"));
    // A short value in two cells, a sentence as a diff.
    assert!(
        page.contains("&quot;结账时出示条码&quot;") && page.contains("&quot;结账前出示条码&quot;")
    );
    assert!(
        page.contains("仅限首单使用<ins>"),
        "no diff of the description"
    );
    assert!(
        !page.contains("lifecycle.prevent_destroy"),
        "a local setting shown as a change"
    );
    assert!(page.contains("需重新审核"), "no review warning in Chinese");
    assert!(
        page.contains("以下修改需重新提交微信审核"),
        "no review box in Chinese"
    );
}

fn chromium() -> &'static str {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return candidate;
        }
    }
    panic!("no Chromium: install Debian's `chromium` (.ci/run does: apt-get install chromium)");
}

fn headless(page: &Path) -> Command {
    let mut c = Command::new(chromium());
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1100,1800",
    ]);
    c.arg(format!("file://{}", page.display()));
    c
}

#[test]
fn html_plan_renders_in_chromium() {
    let project = quickstart();
    let (create, update) = quickstart_pages(project.path());
    for (page, titles) in [
        (&create, &QUICKSTART_TITLES[..]),
        (&update, &["全场饮品八折", "新会员礼"][..]),
    ] {
        let dom = headless(page)
            .arg("--dump-dom")
            .output()
            .expect("run chromium");
        let dom = String::from_utf8_lossy(&dom.stdout);
        for title in titles {
            assert!(
                dom.contains(title),
                "{title} not in the DOM of {}",
                page.display()
            );
        }
        let shot = page.with_extension("png");
        let out = headless(page)
            .arg(format!("--screenshot={}", shot.display()))
            .output()
            .expect("run chromium");
        let png = std::fs::read(&shot).unwrap_or_else(|e| {
            panic!(
                "no screenshot ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
        assert_eq!(pixmap.width(), 1100);
        // Not blank: the cards' colour bands cover more than a sliver of the page (the
        // page itself is white and grey).
        let coloured = pixmap
            .pixels()
            .iter()
            .filter(|p| {
                let (r, g, b) = (
                    i32::from(p.red()),
                    i32::from(p.green()),
                    i32::from(p.blue()),
                );
                (r - g).abs() + (g - b).abs() + (r - b).abs() > 90
            })
            .count();
        let pixels = pixmap.pixels().len();
        assert!(
            coloured > pixels / 50,
            "{}: only {coloured} of {pixels} pixels in colour",
            shot.display()
        );
    }
}
