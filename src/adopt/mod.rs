//! Adopting cards cardform did not create (`cardform import`): read each live card,
//! write the TOML a person would write for it ([`generate`]), and check that the file
//! plans no change ([`check_plans_no_change`]) before anything is written.
//!
//! An adopted card enters the state with nothing owned (field ownership): the files
//! own a field once they set it.

pub mod generate;
pub mod reattach;
pub mod sub_merchants;

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{ProjectConfig, load_in_memory, load_in_memory_composed};
use crate::i18n::{Messages, tr};
use crate::live::{LiveCard, Observed};
use crate::model::{Timestamp, wire::Resolved};
use crate::plan::{DesiredInput, PlanInputs, StateInput, build_plan};
use crate::state::ResourceState;

pub use generate::{GenerateError, address_for, card_toml, card_toml_for};

/// The state entry of an adopted card: WeChat's answer recorded, no field owned yet.
pub fn adopted_state(live: &LiveCard) -> ResourceState {
    ResourceState {
        card_id: live.card_id.clone(),
        card_type: live.card_type.as_str().to_string(),
        applied: serde_json::to_value(&*live.content).unwrap_or_default(),
        applied_hash: live.content.hash(),
        live_fingerprint: Some(live.content.hash()),
        status: Some(live.status.as_wire()),
        updated_at: chrono::Utc::now().timestamp(),
        managed: Some(Vec::new()),
        desired_hash: None,
    }
}

/// Loads `text` (one generated card file) with the project's `cardform.toml`
/// (`project_toml`, read once by the caller) and plans it against `live` as an adopted
/// card.
///
/// # Errors
/// Every problem, as lines for the user: diagnostics of the file (with the raw live
/// values they concern), or each field the plan would change with both values.
pub fn check_plans_no_change(
    root: &Path,
    project_toml: &[u8],
    address: &str,
    text: &str,
    live: &LiveCard,
) -> Result<(), Vec<String>> {
    check_plans_no_change_with(root, project_toml, address, text, live, &BTreeMap::new())
}

/// [`check_plans_no_change`] for a card that may name sub-merchants: `text` holds
/// their tables too, `merchant_ids` their ids by name.
///
/// # Errors
/// As [`check_plans_no_change`].
pub fn check_plans_no_change_with(
    root: &Path,
    project_toml: &[u8],
    address: &str,
    text: &str,
    live: &LiveCard,
    merchant_ids: &BTreeMap<String, u64>,
) -> Result<(), Vec<String>> {
    let now = Timestamp(chrono::Utc::now().timestamp());
    let rel = Path::new("cards").join(format!("{address}.toml"));
    let loaded = load_in_memory(
        root,
        now,
        project_toml,
        vec![(rel, text.as_bytes().to_vec())],
    );
    check_loaded(loaded, address, live, merchant_ids)
}

/// [`check_plans_no_change`] under a platform account's settings (it has no
/// `cardform.toml` of its own: [`crate::platform::Platform::project`] makes them).
///
/// # Errors
/// As [`check_plans_no_change`].
pub fn check_plans_no_change_composed(
    root: &Path,
    config: &ProjectConfig,
    address: &str,
    text: &str,
    live: &LiveCard,
) -> Result<(), Vec<String>> {
    let now = Timestamp(chrono::Utc::now().timestamp());
    let rel = Path::new("cards").join(format!("{address}.toml"));
    let loaded = load_in_memory_composed(
        root,
        now,
        config.clone(),
        vec![(rel, text.as_bytes().to_vec())],
    );
    check_loaded(loaded, address, live, &BTreeMap::new())
}

/// The generated card, loaded, planned against `live` as adopted.
fn check_loaded(
    loaded: Result<crate::config::Project, crate::config::ConfigError>,
    address: &str,
    live: &LiveCard,
    merchant_ids: &BTreeMap<String, u64>,
) -> Result<(), Vec<String>> {
    let loaded = match loaded {
        Ok(p) => p,
        Err(crate::config::ConfigError::Invalid { diagnostics }) => {
            return Err(diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect());
        }
        Err(e) => return Err(vec![e.to_string()]),
    };
    let Some(want) = loaded.cards.get(address) else {
        return Err(vec![tr!("op-adopt-no-card", address = address)]);
    };
    let plan = plan_as_adopted(want, live, &BTreeMap::new(), merchant_ids)?;
    let problems: Vec<String> = plan
        .resource_changes
        .iter()
        .filter(|rc| rc.action.is_change())
        .flat_map(|rc| {
            rc.changes.iter().map(|c| {
                tr!(
                    "op-adopt-would-change",
                    path = c.path.to_string(),
                    class = crate::operate::class_words(Messages::process(), c.class),
                    before = c
                        .before
                        .as_ref()
                        .map_or_else(|| tr!("op-adopt-absent"), ToString::to_string),
                    after = c
                        .after
                        .as_ref()
                        .map_or_else(|| tr!("op-adopt-absent"), ToString::to_string),
                )
            })
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Plans one declared card against `live` as if `live` had just been adopted under
/// its address (nothing owned yet). A local image resolves to the URL `uploaded` gives
/// its file, else it is an upload still to come (and differs).
///
/// # Errors
/// The plan's errors, as lines for the user.
pub fn plan_as_adopted(
    want: &crate::config::DesiredCard,
    live: &LiveCard,
    uploaded: &BTreeMap<String, String>,
    merchant_ids: &BTreeMap<String, u64>,
) -> Result<crate::plan::Plan, Vec<String>> {
    let address = want.address.as_str();
    let desired = BTreeMap::from([(
        address.to_string(),
        DesiredInput {
            card: &want.card,
            derived_title: crate::model::derived_title(&want.card),
            write_rules: &want.write_rules,
        },
    )]);
    let record = adopted_state(live);
    let state = BTreeMap::from([(
        address.to_string(),
        StateInput {
            card_id: &record.card_id,
            card_type: &record.card_type,
            applied: &record.applied,
            managed: record.managed.as_deref(),
            status: None,
            desired_hash: None,
        },
    )]);
    let live_map = BTreeMap::from([(
        address.to_string(),
        Observed::Exists(Box::new(live.clone())),
    )]);
    let image_url = |img: &crate::model::ImageRef| match img.kind() {
        crate::model::ImageKind::Url(u) => Resolved::Known(u.to_string()),
        crate::model::ImageKind::Local(p) => match uploaded.get(p) {
            Some(url) => Resolved::Known(url.clone()),
            None => Resolved::Pending(format!("upload {p}")),
        },
    };
    let inputs = PlanInputs {
        desired: &desired,
        state: &state,
        live: &live_map,
        image_url: &image_url,
        targets: &[],
        refresh_only: false,
        unrefreshed: &Default::default(),
        merchant_ids,
    };
    build_plan(&inputs).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<String>>()
    })
}

#[cfg(test)]
mod tests {
    //! import → generated configuration → plan, on generated card/get answers: every
    //! card type, optional parts present or absent, unknown fields, legacy encodings.

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::live::normalise;

    const TYPES: &[(&str, &str)] = &[
        ("CASH", "cash"),
        ("DISCOUNT", "discount"),
        ("GIFT", "gift"),
        ("GROUPON", "groupon"),
        ("GENERAL_COUPON", "general_coupon"),
    ];
    const COLORS: &[&str] = &[
        "#63b359", "#63B359", "#5E6671", "#e75735", "#ABCDEF", "Color030",
    ];
    const TEXTS: &[&str] = &[
        "出示即可",
        "第一行\n第二行",
        "line one\r\nline two",
        "a \\n b",
        "茶\u{a0}室",
        "x",
    ];

    fn answer() -> impl Strategy<Value = Value> {
        (
            0..TYPES.len(),
            0..COLORS.len(),
            0..TEXTS.len(),
            prop::bool::ANY,
            prop::bool::ANY,
            prop::option::of(1u32..50),
            prop::bool::ANY,
            0u64..100_000,
            prop::bool::ANY,
            prop::option::of(prop::bool::ANY),
            "[a-z]{3,8}",
        )
            .prop_map(
                |(t, color, text, fixed_term, numeric, get_limit, advanced, qty, total, can_share, unknown)| {
                    let (card_type, key) = TYPES[t];
                    let date = if fixed_term {
                        json!({"type": if numeric { json!(2) } else { json!("DATE_TYPE_FIX_TERM") }, "fixed_term": 30, "fixed_begin_term": 0})
                    } else {
                        json!({"type": if numeric { json!(1) } else { json!("DATE_TYPE_FIX_TIME_RANGE") }, "begin_timestamp": 1_893_456_000, "end_timestamp": 1_900_000_000})
                    };
                    let mut base = json!({
                        "id": "pGenerated", "logo_url": "http://mmbiz.qpic.cn/mmbiz/x/0?wx_fmt=png",
                        "code_type": "CODE_TYPE_QRCODE", "brand_name": "品牌", "title": "标题",
                        "color": COLORS[color], "notice": "出示", "description": TEXTS[text],
                        "date_info": date, "status": if numeric { json!(3) } else { json!("CARD_STATUS_VERIFY_OK") },
                        "sku": if total { json!({"quantity": qty, "total_quantity": qty + 5}) } else { json!({"quantity": qty}) },
                    });
                    if let Some(obj) = base.as_object_mut() {
                        if let Some(l) = get_limit {
                            obj.insert("get_limit".into(), json!(l));
                        }
                        if let Some(c) = can_share {
                            obj.insert("can_share".into(), json!(c));
                        }
                        obj.insert(format!("x_{unknown}"), json!({"nested": [1, 2]}));
                    }
                    let mut body = json!({ "base_info": base });
                    if let Some(obj) = body.as_object_mut() {
                        match card_type {
                            "CASH" => {
                                obj.insert("least_cost".into(), json!(0));
                                obj.insert("reduce_cost".into(), json!(500));
                            }
                            "DISCOUNT" => {
                                obj.insert("discount".into(), json!(20));
                            }
                            "GIFT" => {
                                obj.insert("gift".into(), json!("一份"));
                            }
                            "GROUPON" => {
                                obj.insert("deal_detail".into(), json!("套餐"));
                            }
                            _ => {
                                obj.insert("default_detail".into(), json!("优惠"));
                            }
                        }
                        if advanced {
                            obj.insert("advanced_info".into(), json!({"share_friends": false, "time_limit": [], "text_image_list": [], format!("y_{unknown}"): true}));
                        }
                    }
                    json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": card_type, key: body}})
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn the_generated_configuration_plans_no_change(raw in answer()) {
            let dir = tempfile::tempdir().expect("temp dir");
            let project = b"endpoint = \"sandbox\"\n\n[account]\nappid = \"wxsandbox\"\n";
            let Ok(Observed::Exists(live)) = normalise("pGenerated", &raw) else {
                panic!("unreadable generated answer {raw}");
            };
            let address = address_for(&live, &Default::default());
            let text = card_toml(&address, &live).expect("TOML");
            if let Err(problems) = check_plans_no_change(dir.path(), project, &address, &text, &live) {
                panic!("{problems:#?}\n{text}\n{raw}");
            }
        }
    }
}
