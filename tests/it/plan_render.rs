//! Rendered plans for every action and every rule class, as snapshots (text, markdown
//! and JSON), built from synthetic desired / live / state inputs through the library.

use std::collections::BTreeMap;

use cardform::config::DenyClass;
use cardform::live::{LiveCard, Observed, ReviewStatus};
use cardform::model::wire::{Resolve, Resolved, desired_canonical};
use cardform::model::{Canonical, Card, CardType, ImageKind, ImageRef};
use cardform::plan::policy::{GateSource, check};
use cardform::plan::{
    Action, DesiredInput, MARKER, MarkdownOptions, Plan, PlanInputs, StateInput, TextOptions,
    build_plan, render_json, render_markdown_with, render_markdown_within, render_text,
};
use cardform::spec::Points;
use serde_json::{Value, json};

fn card(overrides: Value) -> Card {
    let mut base = json!({
        "card_type": "DISCOUNT",
        "discount": 20,
        "base_info": {
            "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0",
            "code_type": "CODE_TYPE_QRCODE",
            "brand_name": "示例咖啡",
            "title": "全场八折券",
            "color": "Color010",
            "notice": "结账时出示此券",
            "description": "每次消费限用一张。",
            "service_phone": "400-000-0000",
            "sku": {"quantity": 1000},
            "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE",
                "begin_timestamp": "2027-01-01T00:00:00+08:00", "end_timestamp": "2027-03-31T23:59:59+08:00"}
        }
    });
    merge(&mut base, overrides);
    serde_json::from_value(base).expect("valid card")
}

fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

struct Urls;
impl Resolve for Urls {
    fn image_url(&self, image: &ImageRef) -> Resolved {
        match image.kind() {
            ImageKind::Url(u) => Resolved::Known(u.to_string()),
            ImageKind::Local(p) => Resolved::Pending(format!("upload {p}")),
        }
    }
    fn card_id(&self, address: &str) -> Resolved {
        Resolved::Known(format!("id-{address}"))
    }
}

fn canonical(c: &Card) -> Canonical {
    desired_canonical(c, &Urls, None)
}

fn live(card_id: &str, content: Canonical, status: ReviewStatus) -> Observed {
    let card_type = content
        .get("card_type")
        .and_then(Value::as_str)
        .and_then(CardType::from_wire)
        .unwrap_or(CardType::Discount);
    Observed::Exists(Box::new(LiveCard {
        card_id: card_id.into(),
        card_type,
        content: std::sync::Arc::new(content),
        status,
        remaining: None,
        update_time: None,
        create_time: None,
    }))
}

/// Builds a plan where every card was applied as `base()` and the files now say `desired`.
/// Live `None` with a state entry: pass `Some(Canonical::default())` marked gone below.
fn scenario(cases: Vec<(&str, Option<Card>, Option<Canonical>)>) -> Plan {
    let mut cards = BTreeMap::new();
    let mut state = BTreeMap::new();
    let mut lives = BTreeMap::new();
    for (address, want, live_content) in cases {
        let applied = canonical(&card(json!({})));
        if let Some(w) = want {
            cards.insert(address.to_string(), w);
        }
        if let Some(l) = live_content {
            let id = format!("p{address:0<27}");
            state.insert(
                address.to_string(),
                (id.clone(), "DISCOUNT".to_string(), stored(&applied)),
            );
            let observed = if l.is_empty() {
                Observed::Gone
            } else {
                live(&id, l, ReviewStatus::VerifyOk)
            };
            lives.insert(address.to_string(), observed);
        }
    }
    let desired = cards
        .iter()
        .map(|(a, card)| {
            (
                a.clone(),
                DesiredInput {
                    card,
                    derived_title: None,
                    write_rules: &[],
                },
            )
        })
        .collect();
    let image_url = |i: &ImageRef| Urls.image_url(i);
    let inputs = PlanInputs {
        desired: &desired,
        state: &state_view(&state),
        live: &lives,
        image_url: &image_url,
        targets: &[],
        refresh_only: false,
        unrefreshed: &Default::default(),
        merchant_ids: &Default::default(),
    };
    build_plan(&inputs).expect("plan")
}

/// Last-applied content as the state file stores it.
fn stored(c: &Canonical) -> Value {
    serde_json::to_value(c).expect("canonical is JSON")
}

/// (card_id, card_type, applied) by address, borrowed as the planner reads the state.
fn state_view(
    state: &BTreeMap<String, (String, String, Value)>,
) -> BTreeMap<String, StateInput<'_>> {
    state
        .iter()
        .map(|(a, (card_id, card_type, applied))| {
            (
                a.clone(),
                StateInput {
                    card_id,
                    card_type,
                    applied,
                    managed: None,
                    status: None,
                    desired_hash: None,
                },
            )
        })
        .collect()
}

fn all_actions() -> Plan {
    let base = || canonical(&card(json!({})));
    let mut drifted = base();
    drifted.insert("base_info.service_phone", json!("021-0000000"));
    scenario(vec![
        ("a_create", Some(card(json!({}))), None),
        ("b_no_op", Some(card(json!({}))), Some(base())),
        (
            "c_in_place",
            Some(card(
                json!({"base_info": {"service_phone": "400-000-0001", "get_limit": 5}}),
            )),
            Some(base()),
        ),
        (
            "d_review",
            Some(card(
                json!({"base_info": {"notice": "结账前出示", "description": "每次消费限用一张。\n节假日通用。"}}),
            )),
            Some(base()),
        ),
        (
            "e_replace",
            Some(card(
                json!({"base_info": {"brand_name": "示例茶馆"}, "discount": 30}),
            )),
            Some(base()),
        ),
        (
            "f_widen",
            Some(card(
                json!({"base_info": {"date_info": {"end_timestamp": "2027-06-30T23:59:59+08:00"}}}),
            )),
            Some(base()),
        ),
        (
            "g_narrow",
            Some(card(
                json!({"base_info": {"date_info": {"begin_timestamp": "2027-02-01T00:00:00+08:00"}}}),
            )),
            Some(base()),
        ),
        (
            "h_stock",
            Some(card(json!({"base_info": {"sku": {"quantity": 1500}}}))),
            Some(base()),
        ),
        ("i_delete", None, Some(base())),
        ("j_drift", Some(card(json!({}))), Some(drifted)),
        (
            "k_deleted_outside",
            Some(card(json!({}))),
            Some(Canonical::default()),
        ),
    ])
}

#[test]
fn every_action_and_rule_class_renders_as_text() {
    let plan = all_actions();
    insta::assert_snapshot!(
        "all_actions_text",
        render_text(
            &plan,
            TextOptions {
                color: false,
                ..Default::default()
            }
        )
    );
}

#[test]
fn every_action_renders_as_json() {
    let plan = all_actions();
    let doc = render_json(&plan);
    assert_eq!(doc["format_version"], "2");
    let actions: Vec<(String, String)> = doc["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["address"].as_str().unwrap_or("").to_string(),
                c["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    insta::assert_debug_snapshot!("all_actions_json_actions", actions);
    let e = doc["resource_changes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["address"] == "e_replace"))
        .cloned()
        .unwrap_or_default();
    insta::assert_json_snapshot!("replace_json", e["reasons"]);
}

#[test]
fn markdown_has_summary_warnings_and_details() {
    let plan = all_actions();
    insta::assert_snapshot!(
        "all_actions_markdown",
        render_markdown_within(&plan, 65_536)
    );
}

/// One plan per card of [`all_actions`], so each action has its own snapshot.
fn single(address: &str) -> Plan {
    let rc = all_actions()
        .resource_changes
        .into_iter()
        .find(|r| r.address == address)
        .expect("card in all_actions");
    Plan::new(vec![rc], false)
}

#[test]
fn markdown_snapshot_per_action() {
    for address in [
        "a_create",
        "c_in_place",
        "d_review",
        "e_replace",
        "f_widen",
        "g_narrow",
        "h_stock",
        "i_delete",
        "j_drift",
        "k_deleted_outside",
    ] {
        insta::assert_snapshot!(
            format!("markdown_{address}"),
            render_markdown_within(&single(address), 65_536)
        );
    }
    let no_change = single("b_no_op");
    assert_eq!(no_change.resource_changes[0].action, Action::NoOp);
    insta::assert_snapshot!(
        "markdown_no_changes",
        render_markdown_within(&no_change, 65_536)
    );
}

#[test]
fn markdown_warns_of_coin_purchases() {
    let mut plan = single("h_stock");
    if let Some(s) = plan.resource_changes[0].stock.as_mut() {
        s.coin_purchase = true;
    }
    let md = render_markdown_within(&plan, 65_536);
    insta::assert_snapshot!("markdown_coin_purchase", md);
    assert!(md.contains("券点 purchase"), "{md}");
}

/// A friends stock purchase with its quoted price, the plan's 券点 total over the
/// balance and the budget, and a test whitelist change.
fn money_plan() -> Plan {
    use cardform::plan::{CoinBalance, CoinPrice, CoinSummary, PriceSource, WhitelistChange};
    let mut plan = single("h_stock");
    if let Some(s) = plan.resource_changes[0].stock.as_mut() {
        s.coin_purchase = true;
        s.price = Some(CoinPrice {
            price: Points::whole(200),
            free_coin: Points::whole(150),
            pay_coin: Points::whole(50),
            source: PriceSource::Quoted,
        });
    }
    plan.coins = Some(CoinSummary {
        purchases: 1,
        price: Points::whole(200),
        free_coin: Points::whole(150),
        pay_coin: Points::whole(50),
        balance: CoinBalance {
            free_coin: Points::whole(150),
            pay_coin: Points::whole(20),
            total_coin: Points::whole(170),
        },
        budget: Some(Points::whole(100)),
        allowed: false,
    });
    plan.whitelist = Some(WhitelistChange {
        openids: vec!["o-staff-1".into()],
        usernames: vec!["alice_wx".into()],
        added: vec!["username alice_wx".into()],
        removed: vec!["openid o-gone".into()],
    });
    plan
}

#[test]
fn coin_prices_and_the_whitelist_render_in_every_format() {
    let plan = money_plan();
    insta::assert_snapshot!(
        "money_text",
        render_text(
            &plan,
            TextOptions {
                color: false,
                ..Default::default()
            }
        )
    );
    insta::assert_snapshot!("money_markdown", render_markdown_within(&plan, 65_536));
    let doc = render_json(&plan);
    insta::assert_json_snapshot!(
        "money_json",
        json!({
            "format_version": doc["format_version"],
            "stock": doc["resource_changes"][0]["stock"],
            "coins": doc["coins"],
            "test_whitelist": doc["test_whitelist"],
        })
    );
    let over = cardform::plan::policy::coin_limits_report(&plan).unwrap_or_default();
    assert!(over.contains("100 more than the budget of 100"), "{over}");
    assert!(over.contains("30 more than the account holds"), "{over}");
}

#[test]
fn markdown_of_a_refresh_only_plan_shows_only_drift() {
    let mut plan = all_actions();
    plan.refresh_only = true;
    for rc in &mut plan.resource_changes {
        rc.action = Action::NoOp;
        rc.changes.clear();
        rc.stock = None;
    }
    plan.resource_changes
        .retain(|r| r.address != "a_create" && r.address != "k_deleted_outside");
    let plan = Plan::new(plan.resource_changes, true);
    insta::assert_snapshot!(
        "markdown_refresh_only",
        render_markdown_within(&plan, 65_536)
    );
}

#[test]
fn markdown_names_policy_denials_first() {
    let plan = all_actions();
    let denied = check(
        &plan,
        &[
            (DenyClass::Replace, GateSource::Flag),
            (DenyClass::Delete, GateSource::Config),
        ],
    );
    let md = render_markdown_with(
        &plan,
        &MarkdownOptions {
            denied: &denied,
            ..MarkdownOptions::default()
        },
    );
    let caution = md.find("[!CAUTION]").expect("policy section");
    let warning = md.find("[!WARNING]").expect("risk section");
    assert!(caution < warning, "{md}");
    let head: String = md.lines().take(20).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("markdown_policy_denied_head", head);
}

/// Checks the structural promises of a truncated comment.
#[track_caller]
fn assert_well_formed(md: &str, limit: usize) {
    assert!(
        md.chars().count() <= limit,
        "{} chars > {limit}",
        md.chars().count()
    );
    assert!(md.starts_with(MARKER));
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count(),
        "unclosed details"
    );
    let fences = md.lines().filter(|l| l.starts_with("```")).count();
    assert_eq!(fences % 2, 0, "unclosed code fence");
}

#[test]
fn markdown_truncates_per_card_never_mid_line() {
    let plan = all_actions();
    let full = render_markdown_within(&plan, 65_536);
    for limit in [1_000, 2_000, 3_000, 4_000, 5_000] {
        let md = render_markdown_within(&plan, limit);
        assert_well_formed(&md, limit);
        assert!(md.contains("not shown"), "limit {limit}: {md}");
        for line in md.lines() {
            assert!(
                line.starts_with("# …") || line.starts_with('_') || full.lines().any(|l| l == line),
                "limit {limit}: cut mid-line: {line}"
            );
        }
    }
    insta::assert_snapshot!(
        "markdown_truncated_3000",
        render_markdown_within(&plan, 3_000)
    );
}

#[test]
fn one_huge_card_diff_is_cut_at_a_line_with_a_note() {
    let long: String = (0..400)
        .map(|i| format!("第{i}条：每次消费限用一张。\n"))
        .collect();
    let mut plan = single("d_review");
    let rc = &mut plan.resource_changes[0];
    for f in &mut rc.changes {
        if f.path == "base_info.description" {
            f.after = Some(Value::String(long.clone()));
        }
    }
    let md = render_markdown_within(&plan, 2_500);
    assert_well_formed(&md, 2_500);
    assert!(md.contains("more line(s) not shown"), "{md}");
    insta::assert_snapshot!("markdown_one_card_cut", md);
}

#[test]
fn thousands_of_risky_cards_stay_under_githubs_limit() {
    let base = all_actions();
    let review = base
        .resource_changes
        .iter()
        .find(|r| r.address == "d_review")
        .cloned()
        .expect("d_review");
    let delete = base
        .resource_changes
        .iter()
        .find(|r| r.address == "i_delete")
        .cloned()
        .expect("i_delete");
    let mut many = Vec::new();
    for i in 0..3_000 {
        let mut r = review.clone();
        r.address = format!("review_{i:04}");
        many.push(r);
        let mut d = delete.clone();
        d.address = format!("delete_{i:04}");
        many.push(d);
    }
    let plan = Plan::new(many, false);
    let md = render_markdown_within(&plan, 65_536);
    assert_well_formed(&md, 65_536);
    // The riskiest cards come first; the rest are counted, not silently dropped.
    let first = md.find("<details>").expect("a block");
    assert!(
        md[first..].starts_with("<details><summary>🗑️"),
        "{}",
        &md[first..first + 80]
    );
    assert!(md.contains("more card(s) not shown"));
    assert!(md.contains("**Deleted: its QR codes"));
    assert!(md.contains(" more"));
}

#[test]
fn derived_friends_titles_are_shown_never_diffed() {
    let friends = card(
        json!({"card_type": "CASH", "discount": null, "reduce_cost": 1000, "least_cost": 0,
        "base_info": {"title": null}, "advanced_info": {"share_friends": true}}),
    );
    let mut desired = BTreeMap::new();
    desired.insert(
        "friends".to_string(),
        DesiredInput {
            card: &friends,
            derived_title: Some("10元代金券".into()),
            write_rules: &[],
        },
    );
    let mut live_content = desired_canonical(&friends, &Urls, Some("10元代金券".into()));
    live_content.insert("base_info.title", json!("WeChat's own title"));
    let mut state = BTreeMap::new();
    state.insert(
        "friends".to_string(),
        (
            "pfriends".to_string(),
            "CASH".to_string(),
            stored(&live_content),
        ),
    );
    let mut lives = BTreeMap::new();
    lives.insert(
        "friends".to_string(),
        live("pfriends", live_content, ReviewStatus::NotVerify),
    );
    let image_url = |i: &ImageRef| Urls.image_url(i);
    let inputs = PlanInputs {
        desired: &desired,
        state: &state_view(&state),
        live: &lives,
        image_url: &image_url,
        targets: &[],
        refresh_only: false,
        unrefreshed: &Default::default(),
        merchant_ids: &Default::default(),
    };
    let plan = build_plan(&inputs).expect("plan");
    assert!(
        !plan.has_changes(),
        "{}",
        render_text(&plan, TextOptions::default())
    );
}

/// Reviewers who read Chinese: every action, warning and rule class in zh-CN (values
/// and field paths stay as they are).
#[test]
fn every_action_renders_in_simplified_chinese() {
    let plan = all_actions();
    let text = render_text(
        &plan,
        TextOptions {
            color: false,
            lang: cardform::i18n::Lang::ZhCn,
        },
    );
    insta::assert_snapshot!("all_actions_text_zh_cn", text);
    let md = render_markdown_with(
        &plan,
        &MarkdownOptions {
            lang: cardform::i18n::Lang::ZhCn,
            ..MarkdownOptions::default()
        },
    );
    insta::assert_snapshot!("all_actions_markdown_zh_cn", md);
    let html = cardform::plan::render_html(
        &plan,
        &cardform::plan::HtmlOptions {
            lang: cardform::i18n::Lang::ZhCn,
            checksum: Some("0123abcd"),
            ..cardform::plan::HtmlOptions::default()
        },
    );
    insta::assert_snapshot!("all_actions_html_zh_cn", html);
}

/// `--lang` and `[output] lang` change the words of text and markdown plans, never JSON.
/// 券点 costs, the balance, the budget and the test whitelist in zh-CN.
#[test]
fn coin_prices_and_the_whitelist_render_in_simplified_chinese() {
    let plan = money_plan();
    let lang = cardform::i18n::Lang::ZhCn;
    insta::assert_snapshot!(
        "money_text_zh_cn",
        render_text(&plan, TextOptions { color: false, lang })
    );
    insta::assert_snapshot!(
        "money_markdown_zh_cn",
        render_markdown_with(
            &plan,
            &MarkdownOptions {
                lang,
                ..MarkdownOptions::default()
            }
        )
    );
}

#[test]
fn lang_flag_and_setting_leave_json_alone() {
    let project = crate::common::TestProject::sandbox();
    let json_en = project.run(&["plan", "{dir}", "--format", "json"]);
    json_en.expect_code(0);
    let json_zh = project.run(&["plan", "{dir}", "--format", "json", "--lang", "zh-CN"]);
    assert_eq!(json_en.stdout, json_zh.stdout);
    let text = project.run(&["plan", "{dir}", "--lang", "zh-CN"]);
    assert!(
        text.stdout.contains("cardform 将执行以下操作："),
        "{}",
        text.stdout
    );
    let config = project.path().join("cardform.toml");
    let mut toml = std::fs::read_to_string(&config).expect("config");
    toml.push_str("\n[output]\nlang = \"zh-CN\"\n");
    std::fs::write(&config, toml).expect("write config");
    let md = project.run(&["plan", "{dir}", "--format", "markdown"]);
    assert!(md.stdout.contains("### cardform 变更计划"), "{}", md.stdout);
    let json = project.run(&["plan", "{dir}", "--format", "json"]);
    assert_eq!(json_en.stdout, json.stdout);
    // The flag wins over the setting.
    let en = project.run(&["plan", "{dir}", "--lang", "en"]);
    assert!(
        en.stdout
            .contains("cardform will perform the following actions:"),
        "{}",
        en.stdout
    );
}

#[test]
fn friends_creates_and_replacements_show_what_stock_costs_and_gives_up() {
    use cardform::plan::{CoinPrice, PriceSource, price::estimate};
    let friends = |brand: &str| {
        card(json!({"base_info": {"brand_name": brand},
            "advanced_info": {"share_friends": true, "use_condition": {"least_cost": 10000}}}))
    };
    let old = canonical(&friends("示例咖啡"));
    let mut plan = scenario(vec![
        ("m_friends_new", Some(friends("示例咖啡")), None),
        ("n_friends_replace", Some(friends("示例茶馆")), Some(old)),
    ]);
    for rc in &mut plan.resource_changes {
        let after = rc.after.clone().expect("desired content");
        if let Some(s) = rc.stock.as_mut() {
            let price = estimate(&after, s.delta as u64);
            s.price = Some(CoinPrice {
                price,
                free_coin: price,
                pay_coin: Points::ZERO,
                source: PriceSource::Estimated,
            });
        }
    }
    let text = render_text(
        &plan,
        TextOptions {
            color: false,
            ..Default::default()
        },
    );
    insta::assert_snapshot!("friends_new_cards_text", text);
    // 1000 vouchers with a minimum spend: 0.4 point each.
    assert!(text.contains("buys 1000 vouchers with 券点 after the card is created (paid, irreversible): 400 points"), "{text}");
    assert!(
        text.contains("the old card's 1000 unclaimed vouchers go with it"),
        "{text}"
    );
    insta::assert_snapshot!(
        "friends_new_cards_markdown",
        render_markdown_within(&plan, 65_536)
    );
    let doc = render_json(&plan);
    assert_eq!(
        doc["resource_changes"][1]["notes"][1],
        json!(
            "the old card's 1000 unclaimed vouchers go with it: friends-coupon stock bought with 券点 is not refunded"
        )
    );
}
