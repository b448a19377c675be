//! The rules, one test per behaviour.

use std::collections::BTreeMap;
use std::path::Path;

use super::images::check_image_url;
use super::*;
use crate::config::desired::DesiredCard;
use crate::config::diagnostic::Severity;
use crate::model::{
    Abstract, ConsumeShareCard, TextImage, TimeLimit, TimeLimitType, UseCondition, WxStr,
};
use crate::model::{
    CardType, DateType, GetCustomCodeMode, ImageRef, MAX_WECHAT_TIMESTAMP, Timestamp,
};
use std::path::PathBuf;

/// 2026-11-28T00:00:00+08:00.
const NOW: Timestamp = Timestamp(1_796_227_200);
const IMG: &str = "https://mmbiz.qpic.cn/mmbiz/x/0";

fn base_info(extra: &str) -> String {
    format!(
        r#"
[base_info]
logo_url = "{IMG}"
code_type = "CODE_TYPE_QRCODE"
brand_name = "品牌"
color = "Color010"
notice = "出示"
description = "说明"
sku = {{ quantity = 10 }}
date_info = {{ type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2026-11-01T00:00:00+08:00, end_timestamp = 2027-12-31T23:59:59+08:00 }}
{extra}
"#
    )
}

/// A valid friends CASH coupon.
fn friends_cash() -> Card {
    let src = format!(
        "card_type = \"CASH\"\nleast_cost = 0\nreduce_cost = 500\n{}\n[advanced_info]\nshare_friends = true\ntext_image_list = [{{ image_url = \"{IMG}\", text = \"图\" }}]\n",
        base_info("location_id_list = [1]\ncan_share = false\ncan_give_friend = false")
    );
    toml::from_str(&src).expect("valid test card")
}

/// A valid ordinary DISCOUNT coupon.
fn discount() -> Card {
    let src = format!(
        "card_type = \"DISCOUNT\"\ndiscount = 20\n{}",
        base_info("title = \"八折\"")
    );
    toml::from_str(&src).expect("valid test card")
}

fn run_with(root: &Path, cards: Vec<(&str, Card)>) -> Vec<Finding> {
    let map: BTreeMap<String, DesiredCard> = cards
        .into_iter()
        .map(|(a, card)| {
            (
                a.to_string(),
                DesiredCard {
                    address: a.to_string(),
                    file: PathBuf::from("cards/t.toml"),
                    line: 1,
                    card,
                    write_rules: Vec::new(),
                },
            )
        })
        .collect();
    let ctx = RuleContext {
        root,
        now: NOW,
        cards: &map,
    };
    check_all(&ctx)
}

fn run(card: Card) -> Vec<Finding> {
    run_with(Path::new("."), vec![("c", card)])
}

fn only(findings: &[Finding]) -> Vec<(String, Severity)> {
    findings
        .iter()
        .map(|f| (f.field.clone(), f.severity))
        .collect()
}

fn err(field: &str) -> Vec<(String, Severity)> {
    vec![(field.to_string(), Severity::Error)]
}
fn warn(field: &str) -> Vec<(String, Severity)> {
    vec![(field.to_string(), Severity::Warning)]
}

#[test]
fn valid_cards_pass_every_rule() {
    assert_eq!(run(friends_cash()), vec![]);
    assert_eq!(run(discount()), vec![]);
}

#[test]
fn every_rule_has_a_reference() {
    for r in RULES {
        assert!(r.reference.starts_with('§') || r.reference.starts_with("Conventions"));
    }
    let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
}

/// One row per rule (and per branch that matters): mutate a valid card, expect
/// exactly these findings.
#[test]
fn rule_table() {
    type Case = (&'static str, fn() -> Card, Vec<(String, Severity)>);
    let cases: Vec<Case> = vec![
        (
            "type-fields: CASH needs reduce_cost",
            || {
                let mut c = friends_cash();
                c.reduce_cost = None;
                c
            },
            err("reduce_cost"),
        ),
        (
            "type-fields: reduce_cost 0",
            || {
                let mut c = friends_cash();
                c.reduce_cost = Some(0);
                c
            },
            err("reduce_cost"),
        ),
        (
            "type-fields: DISCOUNT needs discount",
            || {
                let mut c = discount();
                c.discount = None;
                c
            },
            err("discount"),
        ),
        (
            "type-fields: other type's field",
            || {
                let mut c = discount();
                c.deal_detail = Some(WxStr::new("x").expect("short"));
                c
            },
            err("deal_detail"),
        ),
        (
            "type-fields: gift_name only on friends GIFT",
            || {
                let mut c = discount();
                c.card_type = CardType::Gift;
                c.discount = None;
                c.gift = Some(WxStr::new("咖啡").expect("short"));
                c.gift_name = Some(WxStr::new("咖啡").expect("short"));
                c
            },
            err("gift_name"),
        ),
        (
            "type-fields: friends GIFT needs gift_name/num/unit",
            || {
                let mut c = friends_cash();
                c.card_type = CardType::Gift;
                c.least_cost = None;
                c.reduce_cost = None;
                c.gift_name = Some(WxStr::new("咖啡").expect("short"));
                c.gift_num = Some(1);
                c
            },
            err("gift_unit"),
        ),
        (
            "type-fields: GROUPON needs deal_detail",
            || {
                let mut c = discount();
                c.card_type = CardType::Groupon;
                c.discount = None;
                c
            },
            err("deal_detail"),
        ),
        (
            "type-fields: GENERAL_COUPON needs default_detail",
            || {
                let mut c = discount();
                c.card_type = CardType::GeneralCoupon;
                c.discount = None;
                c
            },
            err("default_detail"),
        ),
        (
            "title: required on ordinary cards",
            || {
                let mut c = discount();
                c.base_info.title = None;
                c
            },
            err("base_info.title"),
        ),
        (
            "title: replaced on friends CASH",
            || {
                let mut c = friends_cash();
                c.base_info.title = Some(WxStr::new("我的标题").expect("short"));
                c
            },
            warn("base_info.title"),
        ),
        (
            "friends-type: DISCOUNT cannot be shared",
            || {
                let mut c = discount();
                c.base_info = friends_cash().base_info;
                c.base_info.title = Some(WxStr::new("八折").expect("short"));
                c.advanced_info = friends_cash().advanced_info;
                c
            },
            err("advanced_info.share_friends"),
        ),
        (
            "friends-date-type",
            || {
                let mut c = friends_cash();
                let d = &mut c.base_info.date_info;
                d.date_type = DateType::FixTerm;
                d.begin_timestamp = None;
                d.end_timestamp = None;
                d.fixed_term = Some(30);
                c
            },
            err("base_info.date_info.type"),
        ),
        (
            "friends-locations",
            || {
                let mut c = friends_cash();
                c.base_info.location_id_list = Some(vec![]);
                c
            },
            err("base_info.location_id_list"),
        ),
        (
            "friends-no-share: can_share true",
            || {
                let mut c = friends_cash();
                c.base_info.can_share = Some(true);
                c
            },
            err("base_info.can_share"),
        ),
        (
            "friends-no-share: can_give_friend missing",
            || {
                let mut c = friends_cash();
                c.base_info.can_give_friend = None;
                c
            },
            err("base_info.can_give_friend"),
        ),
        (
            "friends-text-image",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.text_image_list = None;
                }
                c
            },
            err("advanced_info.text_image_list"),
        ),
        (
            "consume-share: self_num and list exclusive",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.consume_share_self_num = Some(1);
                    a.consume_share_card_list = Some(vec![ConsumeShareCard {
                        card: None,
                        card_id: Some("pXYZ".into()),
                        num: 1,
                    }]);
                }
                c
            },
            err("advanced_info.consume_share_card_list"),
        ),
        (
            "consume-share: self_num at most 1",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.consume_share_self_num = Some(2);
                }
                c
            },
            err("advanced_info.consume_share_self_num"),
        ),
        (
            "consume-share: both card and card_id",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.consume_share_card_list = Some(vec![ConsumeShareCard {
                        card: Some("c".into()),
                        card_id: Some("pXYZ".into()),
                        num: 1,
                    }]);
                }
                c
            },
            err("advanced_info.consume_share_card_list[0]"),
        ),
        (
            "consume-share: num must be 1",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.consume_share_card_list = Some(vec![ConsumeShareCard {
                        card: None,
                        card_id: Some("pXYZ".into()),
                        num: 2,
                    }]);
                }
                c
            },
            err("advanced_info.consume_share_card_list[0].num"),
        ),
        (
            "consume-share: a card cannot give itself",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.consume_share_card_list = Some(vec![ConsumeShareCard {
                        card: Some("c".into()),
                        card_id: None,
                        num: 1,
                    }]);
                }
                c
            },
            err("advanced_info.consume_share_card_list[0].card"),
        ),
        (
            "consume-share: unknown address",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.consume_share_card_list = Some(vec![ConsumeShareCard {
                        card: Some("nope".into()),
                        card_id: None,
                        num: 1,
                    }]);
                }
                c
            },
            err("advanced_info.consume_share_card_list[0].card"),
        ),
        (
            "consume-share: friends only",
            || {
                let mut c = discount();
                c.advanced_info = Some(crate::model::AdvancedInfo {
                    consume_share_self_num: Some(1),
                    ..Default::default()
                });
                c
            },
            err("advanced_info.consume_share_self_num"),
        ),
        (
            "friends-thresholds: object_use_for is GIFT only",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.use_condition = Some(UseCondition {
                        object_use_for: Some(WxStr::new("咖啡").expect("short")),
                        ..Default::default()
                    });
                }
                c
            },
            err("advanced_info.use_condition.object_use_for"),
        ),
        (
            "stricter-lengths: a friends notice over 12 汉字 (the update table takes 16)",
            || {
                let mut c = friends_cash();
                c.base_info.notice = WxStr::new("一二三四五六七八九十一二三").expect("≤ 48 bytes");
                c
            },
            warn("base_info.notice"),
        ),
        (
            "date-info: begin after end",
            || {
                let mut c = discount();
                c.base_info.date_info.begin_timestamp = Some(Timestamp(1_840_000_000));
                c
            },
            err("base_info.date_info.end_timestamp"),
        ),
        (
            "date-info: FIX_TIME_RANGE needs end",
            || {
                let mut c = discount();
                c.base_info.date_info.end_timestamp = None;
                c
            },
            err("base_info.date_info.end_timestamp"),
        ),
        (
            "date-info: FIX_TERM needs fixed_term",
            || {
                let mut c = discount();
                let d = &mut c.base_info.date_info;
                d.date_type = DateType::FixTerm;
                d.begin_timestamp = None;
                d.end_timestamp = None;
                c
            },
            err("base_info.date_info.fixed_term"),
        ),
        (
            "date-info: fixed_term with FIX_TIME_RANGE",
            || {
                let mut c = discount();
                c.base_info.date_info.fixed_term = Some(3);
                c
            },
            err("base_info.date_info.fixed_term"),
        ),
        (
            "date-2038",
            || {
                let mut c = discount();
                c.base_info.date_info.end_timestamp = Some(Timestamp(MAX_WECHAT_TIMESTAMP + 1));
                c
            },
            vec![
                (
                    "base_info.date_info.end_timestamp".to_string(),
                    Severity::Error,
                ),
                (
                    "base_info.date_info.end_timestamp".to_string(),
                    Severity::Warning,
                ),
            ],
        ),
        (
            "date-end-of-day",
            || {
                let mut c = discount();
                // 2027-12-31T12:00:00+08:00
                c.base_info.date_info.end_timestamp = Some(Timestamp(1_830_225_600));
                c
            },
            warn("base_info.date_info.end_timestamp"),
        ),
        (
            "date-expired",
            || {
                let mut c = discount();
                // 2026-10-31T23:59:59+08:00, before NOW
                c.base_info.date_info.begin_timestamp = Some(Timestamp(1_780_000_000));
                c.base_info.date_info.end_timestamp = Some(Timestamp(1_793_462_399));
                c
            },
            warn("base_info.date_info.end_timestamp"),
        ),
        (
            "friends-issue-window",
            || {
                let mut c = friends_cash();
                // begins 2026-12-10T00:00:00+08:00, 12 days after NOW
                c.base_info.date_info.begin_timestamp = Some(Timestamp(1_797_264_000));
                c
            },
            warn("base_info.date_info.begin_timestamp"),
        ),
        (
            "time-limit: end before begin",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.time_limit = Some(vec![TimeLimit {
                        day: TimeLimitType::Monday,
                        begin_hour: Some(20),
                        begin_minute: Some(0),
                        end_hour: Some(10),
                        end_minute: Some(0),
                    }]);
                }
                c
            },
            err("advanced_info.time_limit[0].end_hour"),
        ),
        (
            "time-limit: hour out of range",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.time_limit = Some(vec![TimeLimit {
                        day: TimeLimitType::Holiday,
                        begin_hour: Some(8),
                        begin_minute: None,
                        end_hour: Some(24),
                        end_minute: None,
                    }]);
                }
                c
            },
            err("advanced_info.time_limit[0].end_hour"),
        ),
        (
            "time-limit: begin without end",
            || {
                let mut c = friends_cash();
                if let Some(a) = c.advanced_info.as_mut() {
                    a.time_limit = Some(vec![TimeLimit {
                        day: TimeLimitType::Sunday,
                        begin_hour: Some(8),
                        begin_minute: None,
                        end_hour: None,
                        end_minute: None,
                    }]);
                }
                c
            },
            err("advanced_info.time_limit[0]"),
        ),
        (
            "sku-quantity: 0 outside import-code mode",
            || {
                let mut c = discount();
                c.base_info.sku.quantity = 0;
                c
            },
            // Fine while the live card has it (an adopted card); the plan refuses to send it.
            warn("base_info.sku.quantity"),
        ),
        (
            "color: off-palette hex",
            || {
                let mut c = discount();
                c.base_info.color = crate::model::Color::normalise("#E75735");
                c
            },
            warn("base_info.color"),
        ),
        (
            "sku-quantity: over 100,000,000",
            || {
                let mut c = discount();
                c.base_info.sku.quantity = 100_000_001;
                c
            },
            err("base_info.sku.quantity"),
        ),
        (
            "sku-quantity: import-code mode needs 0",
            || {
                let mut c = discount();
                c.base_info.get_custom_code_mode = Some(GetCustomCodeMode::Deposit);
                c
            },
            err("base_info.sku.quantity"),
        ),
        (
            "limits: get_limit 0",
            || {
                let mut c = discount();
                c.base_info.get_limit = Some(0);
                c
            },
            err("base_info.get_limit"),
        ),
        (
            "locations-exclusive",
            || {
                let mut c = discount();
                c.base_info.location_id_list = Some(vec![1]);
                c.base_info.use_all_locations = Some(true);
                c
            },
            err("base_info.use_all_locations"),
        ),
        (
            "icon-url-list: exactly one",
            || {
                let mut c = discount();
                c.advanced_info = Some(crate::model::AdvancedInfo {
                    abstract_info: Some(Abstract {
                        abstract_text: Some(WxStr::new("摘要").expect("short")),
                        icon_url_list: vec![ImageRef::new(IMG), ImageRef::new(IMG)],
                    }),
                    ..Default::default()
                });
                c
            },
            err("advanced_info.abstract.icon_url_list"),
        ),
        (
            "images: foreign host",
            || {
                let mut c = discount();
                c.base_info.logo_url = ImageRef::new("https://example.com/logo.jpg");
                c
            },
            warn("base_info.logo_url"),
        ),
        (
            "images: missing local file",
            || {
                let mut c = discount();
                c.base_info.logo_url = ImageRef::new("assets/does-not-exist.jpg");
                c
            },
            err("base_info.logo_url"),
        ),
    ];
    for (name, make, want) in cases {
        let got = run(make());
        assert_eq!(only(&got), want, "{name}: {got:#?}");
    }
}

#[test]
fn consume_share_target_must_be_friends() {
    let mut giver = friends_cash();
    if let Some(a) = giver.advanced_info.as_mut() {
        a.consume_share_card_list = Some(vec![ConsumeShareCard {
            card: Some("plain".into()),
            card_id: None,
            num: 1,
        }]);
    }
    let got = run_with(
        Path::new("."),
        vec![("giver", giver.clone()), ("plain", discount())],
    );
    assert_eq!(
        only(&got),
        err("advanced_info.consume_share_card_list[0].card")
    );
    let got = run_with(
        Path::new("."),
        vec![("giver", giver), ("plain", friends_cash())],
    );
    assert_eq!(got, vec![]);
}

#[test]
fn local_images_are_checked_by_size_and_magic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(root.join(name), bytes).expect("write");
    };
    write("ok.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]);
    write("ok.png", b"\x89PNG\r\n\x1a\n\0\0");
    write("fake.jpg", b"GIF89a....");
    write("empty.png", b"");
    let mut big = vec![0xFF, 0xD8, 0xFF];
    big.resize(MAX_IMAGE_BYTES as usize + 1, 0);
    write("big.jpg", &big);
    std::fs::create_dir(root.join("dir.jpg")).expect("mkdir");
    for (name, ok) in [
        ("ok.jpg", true),
        ("ok.png", true),
        ("fake.jpg", false),
        ("empty.png", false),
        ("big.jpg", false),
        ("dir.jpg", false),
    ] {
        let mut c = discount();
        c.base_info.logo_url = ImageRef::new(name);
        let got = run_with(root, vec![("c", c)]);
        assert_eq!(got.is_empty(), ok, "{name}: {got:?}");
    }
}

#[test]
fn image_urls_must_be_on_wechat_host() {
    assert!(check_image_url("http://mmbiz.qpic.cn/mmbiz/a/0?wx_fmt=png").is_ok());
    assert!(check_image_url("https://MMBIZ.QPIC.CN:443/a").is_ok());
    assert!(check_image_url("https://mmbiz.qpic.cn.evil.com/a").is_err());
    assert!(check_image_url("https://evil.com@x/a").is_err());
    assert!(check_image_url("https://user@mmbiz.qpic.cn/a").is_ok());
}

#[test]
fn text_image_entries_are_checked() {
    let mut c = friends_cash();
    if let Some(a) = c.advanced_info.as_mut() {
        a.text_image_list = Some(vec![TextImage {
            image_url: ImageRef::new("http://example.com/x.png"),
            text: WxStr::new("t").expect("short"),
        }]);
    }
    let got = run(c);
    assert_eq!(
        only(&got),
        warn("advanced_info.text_image_list[0].image_url")
    );
    assert!(got.iter().all(|f| f.write_only), "{got:?}");
}

/// The type rules read the spec's one table of type fields: each row is refused on a
/// card of another type, and missing on an ordinary card of its own type where it is
/// required.
#[test]
fn type_rules_follow_the_type_field_table() {
    use cardform_spec::fields::{Kind, TYPE_FIELDS, TypeField};
    let value = |row: &TypeField| match row.kind {
        Kind::Str(_) => serde_json::json!("x"),
        _ => serde_json::json!(1),
    };
    // An ordinary card of type `t` with exactly the fields its type requires.
    let card_of = |t: CardType| {
        let mut v = serde_json::to_value(discount()).expect("card as JSON");
        let obj = v.as_object_mut().expect("a card is a table");
        for row in TYPE_FIELDS {
            obj.remove(row.name);
        }
        obj.insert("card_type".into(), serde_json::json!(t));
        for row in TYPE_FIELDS
            .iter()
            .filter(|r| r.card_type == t && r.required.holds(false))
        {
            obj.insert(row.name.into(), value(row));
        }
        v
    };
    let errors_at = |v: serde_json::Value, field: &str| {
        let card: Card = serde_json::from_value(v).expect("valid card shape");
        run(card)
            .iter()
            .filter(|f| f.field == field && f.severity == Severity::Error)
            .count()
    };
    for t in CardType::ALL {
        assert_eq!(
            run(serde_json::from_value(card_of(t)).expect("card")),
            vec![]
        );
    }
    for row in TYPE_FIELDS {
        for t in CardType::ALL {
            let mut v = card_of(t);
            if t != row.card_type {
                v[row.name] = value(row);
                assert_eq!(errors_at(v, row.name), 1, "{} on {t:?}", row.name);
            } else if row.required.holds(false) {
                v.as_object_mut().map(|o| o.remove(row.name));
                assert_eq!(errors_at(v, row.name), 1, "{} missing on {t:?}", row.name);
            }
        }
    }
}
