//! Sub-merchants in the plan: each declared `[sub_merchants.<name>]` against what the
//! state recorded and what WeChat says (`card/submerchant/get`), giving create (submit),
//! update, adopt (a live sub-merchant of the same brand name the state does not know:
//! an interrupted submit, or one made outside cardform) or no-op; the category ids
//! checked against `card/getapplyprotocol` (read once per run); and the cards held back
//! because their sub-merchant is not approved yet (the plan says they wait; a later
//! run creates them). Reads only: the executor submits (`crate::apply::executor`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::types::{Action, Plan, Summary};
use crate::config::images::LocalImage;
use crate::config::sub_merchants::{DesiredSubMerchant, SubMerchantSpec};
use crate::model::ImageKind;
use crate::model::wire::Resolved;
use crate::state::SubMerchantState;
use crate::wechat::ApiError;
use crate::wechat::platform::SubMerchant;
use crate::wechat::submerchant::PrimaryCategory;
use cardform_spec::submerchant::APPROVED;

/// What happens to one sub-merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubMerchantAction {
    NoOp,
    /// Record a live sub-merchant of the same brand name as this one.
    Adopt,
    /// `card/submerchant/submit`.
    Create,
    /// `card/submerchant/update` (back to review).
    Update,
}

impl SubMerchantAction {
    pub fn as_str(self) -> &'static str {
        match self {
            SubMerchantAction::NoOp => "no-op",
            SubMerchantAction::Adopt => "adopt",
            SubMerchantAction::Create => "submit",
            SubMerchantAction::Update => "update",
        }
    }

    pub fn is_change(self) -> bool {
        self != SubMerchantAction::NoOp
    }
}

/// One sub-merchant in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubMerchantChange {
    pub name: String,
    pub action: SubMerchantAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<u64>,
    /// WeChat's status now (CHECKING, APPROVED, REJECTED, EXPIRED); none before submit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Why WeChat rejected it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The fields that differ (update), against the last submit and the live answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// What the files declare (sent by create and update).
    pub desired: SubMerchantSpec,
    /// The content recorded as last applied once it is sent ([`content`]).
    pub content: Value,
}

impl SubMerchantChange {
    /// The status once this plan is applied: a submit or update goes to review.
    pub fn status_after(&self) -> Option<&str> {
        match self.action {
            SubMerchantAction::Create | SubMerchantAction::Update => {
                Some(cardform_spec::submerchant::CHECKING)
            }
            _ => self.status.as_deref(),
        }
    }
}

/// A card held back until its sub-merchant is approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingCard {
    pub address: String,
    /// What the card would have done (create, replace).
    pub action: Action,
    pub sub_merchant: String,
    /// The sub-merchant's status after this plan (none: not submitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// What one sub-merchant's fields are, as cardform compares them: the values sent
/// (the logo as its URL or the upload it waits for) and the media files by the
/// sha256 of their bytes (media ids change with every upload).
pub fn content(
    spec: &SubMerchantSpec,
    logo: &Resolved,
    hashes: &BTreeMap<String, LocalImage>,
) -> Value {
    let logo = match logo {
        Resolved::Known(u) => json!(u),
        Resolved::Pending(why) => json!(format!("(known after apply): {why}")),
    };
    let mut v = json!({
        "brand_name": spec.brand_name.as_str(),
        "logo_url": logo,
        "end_time": spec.end_time.seconds(),
        "primary_category_id": spec.primary_category_id,
        "secondary_category_id": spec.secondary_category_id,
        "app_id": spec.app_id.clone().unwrap_or_default(),
    });
    for (key, file) in spec.media() {
        let sha = match file.kind() {
            ImageKind::Local(p) => hashes.get(p).map(|h| h.sha256.clone()),
            ImageKind::Url(u) => Some(u.to_string()),
        };
        v[format!("{key}_sha256")] = json!(sha.unwrap_or_default());
    }
    v
}

/// The live answer's values, in [`content`]'s shape (what get shows).
fn live_content(live: &SubMerchant) -> Value {
    json!({
        "brand_name": live.brand_name,
        "logo_url": live.logo_url,
        "end_time": live.end_time,
        "primary_category_id": live.primary_category_id,
        "secondary_category_id": live.secondary_category_id,
        "app_id": live.app_id,
    })
}

/// The keys of `want` whose values differ in `have` (keys `have` lacks are skipped
/// when `only_present`).
fn differing(want: &Value, have: &Value, only_present: bool) -> Vec<String> {
    let (Some(w), Some(h)) = (want.as_object(), have.as_object()) else {
        return Vec::new();
    };
    w.iter()
        .filter(|(k, v)| match h.get(*k) {
            Some(hv) => hv != *v,
            None => !only_present,
        })
        .map(|(k, _)| k.clone())
        .collect()
}

/// What the plan read for the sub-merchants.
#[derive(Debug, Default)]
pub struct SubMerchantLive {
    /// `card/submerchant/get` of each recorded one, by name.
    pub recorded: BTreeMap<String, SubMerchant>,
    /// `card/submerchant/batchget`, read when a declared one is not recorded.
    pub unrecorded: Vec<SubMerchant>,
    /// `card/getapplyprotocol`, read once per run when there are sub-merchants.
    pub categories: Vec<PrimaryCategory>,
}

/// Reads what planning the sub-merchants needs: one get per recorded sub-merchant,
/// one batchget when a declared one is not recorded, the categories once.
///
/// # Errors
/// Any [`ApiError`] of those reads.
pub async fn read_live(
    client: &crate::wechat::WeChatClient,
    desired: &BTreeMap<String, DesiredSubMerchant>,
    state: &BTreeMap<String, SubMerchantState>,
) -> Result<SubMerchantLive, ApiError> {
    let mut live = SubMerchantLive::default();
    if desired.is_empty() && state.is_empty() {
        return Ok(live);
    }
    for (name, rec) in state {
        let got = client.get_sub_merchant(rec.merchant_id).await?;
        live.recorded.insert(name.clone(), got);
    }
    if desired.keys().any(|n| !state.contains_key(n)) {
        live.unrecorded = client.list_sub_merchants().await?;
    }
    if !desired.is_empty() {
        live.categories = client.get_apply_protocol().await?;
    }
    Ok(live)
}

/// Plans the sub-merchants.
///
/// # Errors
/// One sentence per sub-merchant whose category ids WeChat does not list, naming the
/// valid ones.
pub fn plan(
    desired: &BTreeMap<String, DesiredSubMerchant>,
    state: &BTreeMap<String, SubMerchantState>,
    live: &SubMerchantLive,
    logo_url: &dyn Fn(&DesiredSubMerchant) -> Resolved,
    hashes: &BTreeMap<String, LocalImage>,
) -> Result<Vec<SubMerchantChange>, Vec<String>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let recorded_ids: BTreeSet<u64> = state.values().map(|s| s.merchant_id).collect();
    for (name, d) in desired {
        let (p, s) = (d.spec.primary_category_id, d.spec.secondary_category_id);
        if !live
            .categories
            .iter()
            .any(|c| c.primary_category_id == p && c.has(s))
        {
            let valid: Vec<String> = live
                .categories
                .iter()
                .map(|c| {
                    let ids: Vec<String> = c
                        .secondary_category
                        .iter()
                        .map(|x| x.secondary_category_id.to_string())
                        .collect();
                    format!(
                        "{} ({}): {}",
                        c.primary_category_id,
                        c.category_name,
                        ids.join(", ")
                    )
                })
                .collect();
            errors.push(crate::i18n::tr!(
                "sm-err-category",
                name = name,
                file = d.file.display(),
                line = d.line,
                primary = p,
                secondary = s,
                valid = if valid.is_empty() {
                    crate::i18n::tr!("sm-err-none-listed")
                } else {
                    valid.join("; ")
                }
            ));
            continue;
        }
        let want = content(&d.spec, &logo_url(d), hashes);
        let change = match (state.get(name), live.recorded.get(name)) {
            (Some(rec), Some(now)) => {
                let mut changed = differing(&want, &rec.applied, false);
                for k in differing(&want, &live_content(now), true) {
                    // A pending logo is compared with the last applied one only.
                    if k == "logo_url"
                        && !want["logo_url"]
                            .as_str()
                            .is_some_and(|u| u.starts_with("http"))
                    {
                        continue;
                    }
                    if !changed.contains(&k) {
                        changed.push(k);
                    }
                }
                changed.sort();
                SubMerchantChange {
                    name: name.clone(),
                    action: if changed.is_empty() {
                        SubMerchantAction::NoOp
                    } else {
                        SubMerchantAction::Update
                    },
                    merchant_id: Some(rec.merchant_id),
                    status: Some(now.status.clone()),
                    reason: rec.reason.clone(),
                    changed,
                    desired: d.spec.clone(),
                    content: want,
                }
            }
            _ if d.spec.merchant_id.is_some() => {
                let id = d.spec.merchant_id.unwrap_or_default();
                let Some(one) = live
                    .unrecorded
                    .iter()
                    .find(|m| m.merchant_id == id && !recorded_ids.contains(&id))
                else {
                    // Not on the account: [`declaration_errors`] says so.
                    out.push(SubMerchantChange {
                        name: name.clone(),
                        action: SubMerchantAction::Create,
                        merchant_id: None,
                        status: None,
                        reason: None,
                        changed: Vec::new(),
                        desired: d.spec.clone(),
                        content: want,
                    });
                    continue;
                };
                SubMerchantChange {
                    name: name.clone(),
                    action: SubMerchantAction::Adopt,
                    merchant_id: Some(id),
                    status: Some(one.status.clone()),
                    reason: None,
                    changed: differing(&want, &live_content(one), true),
                    desired: d.spec.clone(),
                    content: want,
                }
            }
            _ => {
                let same: Vec<&SubMerchant> = live
                    .unrecorded
                    .iter()
                    .filter(|m| !recorded_ids.contains(&m.merchant_id))
                    .filter(|m| m.brand_name == d.spec.brand_name.as_str())
                    .collect();
                match same.as_slice() {
                    [one] => SubMerchantChange {
                        name: name.clone(),
                        action: SubMerchantAction::Adopt,
                        merchant_id: Some(one.merchant_id),
                        status: Some(one.status.clone()),
                        reason: None,
                        changed: differing(&want, &live_content(one), true),
                        desired: d.spec.clone(),
                        content: want,
                    },
                    _ => SubMerchantChange {
                        name: name.clone(),
                        action: SubMerchantAction::Create,
                        merchant_id: None,
                        status: None,
                        reason: None,
                        changed: Vec::new(),
                        desired: d.spec.clone(),
                        content: want,
                    },
                }
            }
        };
        out.push(change);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What the planned sub-merchants cannot do as declared, one sentence each: a
/// declared `merchant_id` (an adopted one, `cardform import --all`) that is not on the
/// account or not the one the state records, and an update of one declared without its
/// authorisation letter that changes a field WeChat takes only with the letter
/// ([`cardform_spec::submerchant::NEEDS_PROTOCOL_ON_UPDATE`]), asking for the file.
pub fn declaration_errors(
    desired: &BTreeMap<String, DesiredSubMerchant>,
    changes: &[SubMerchantChange],
) -> Vec<String> {
    let mut out = Vec::new();
    for c in changes {
        let Some(d) = desired.get(&c.name) else {
            continue;
        };
        if let Some(id) = d.spec.merchant_id {
            match c.merchant_id {
                None => out.push(crate::i18n::tr!(
                    "op-submerchant-unknown-id",
                    name = c.name.as_str(),
                    file = d.file.display(),
                    line = d.line,
                    id = id
                )),
                Some(recorded) if recorded != id => out.push(crate::i18n::tr!(
                    "op-submerchant-id-mismatch",
                    name = c.name.as_str(),
                    file = d.file.display(),
                    line = d.line,
                    declared = id,
                    recorded = recorded
                )),
                Some(_) => {}
            }
        }
        if c.action != SubMerchantAction::Update || d.spec.protocol.is_some() {
            continue;
        }
        let fields: Vec<&str> = c
            .changed
            .iter()
            .map(String::as_str)
            .filter(|f| cardform_spec::submerchant::NEEDS_PROTOCOL_ON_UPDATE.contains(f))
            .collect();
        if !fields.is_empty() {
            out.push(crate::i18n::tr!(
                "op-submerchant-needs-protocol",
                name = c.name.as_str(),
                file = d.file.display(),
                line = d.line,
                fields = fields.join(", ")
            ));
        }
    }
    out
}

/// The calls applying the sub-merchants makes without faults: per submit or update,
/// the call itself, the logo's upload when it is not uploaded yet, and at most one
/// upload per scan (fewer when the state holds a fresh one). Reads made at plan time
/// (get, batchget, getapplyprotocol) are repeated by apply's own plan.
pub fn call_estimate(changes: &[SubMerchantChange]) -> u64 {
    changes
        .iter()
        .filter(|c| {
            matches!(
                c.action,
                SubMerchantAction::Create | SubMerchantAction::Update
            )
        })
        .map(|c| {
            let logo = u64::from(
                !c.content["logo_url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http")),
            );
            1 + logo + c.desired.media().len() as u64
        })
        .sum()
}

/// The merchant_id of each declared sub-merchant the plan knows one for.
pub fn merchant_ids(changes: &[SubMerchantChange]) -> BTreeMap<String, u64> {
    changes
        .iter()
        .filter_map(|c| Some((c.name.clone(), c.merchant_id?)))
        .collect()
}

/// Holds back the creates and replaces of cards whose sub-merchant will not be
/// APPROVED when this plan is applied: they move to `plan.waiting`.
pub fn hold_waiting(plan: &mut Plan, changes: &[SubMerchantChange]) {
    let after: BTreeMap<&str, Option<&str>> = changes
        .iter()
        .map(|c| (c.name.as_str(), c.status_after()))
        .collect();
    let mut waiting = Vec::new();
    plan.resource_changes.retain(|rc| {
        if !matches!(rc.action, Action::Create | Action::Replace) {
            return true;
        }
        let Some(name) = rc.desired.as_ref().and_then(|c| c.sub_merchant.clone()) else {
            return true;
        };
        let status = after.get(name.as_str()).copied().flatten();
        if status == Some(APPROVED) {
            return true;
        }
        waiting.push(WaitingCard {
            address: rc.address.clone(),
            action: rc.action,
            sub_merchant: name,
            status: status.map(str::to_string),
        });
        false
    });
    if !waiting.is_empty() {
        plan.summary = Summary::of(&plan.resource_changes);
    }
    plan.waiting = waiting;
}

/// The plan's sub-merchant lines, for the text and markdown renderers, in the
/// language of `m` (the messages live here, in one place).
pub fn text_lines(m: &crate::i18n::Messages, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    if plan.sub_merchants.is_empty() && plan.waiting.is_empty() {
        return out;
    }
    out.push(m.t("sm-head"));
    let not_submitted = m.t("sm-not-submitted");
    for c in &plan.sub_merchants {
        let id = c
            .merchant_id
            .map(|i| m.t_args("sm-merchant-id", &[("id", i.to_string().into())]))
            .unwrap_or_default();
        let status = c.status.clone().unwrap_or_else(|| not_submitted.clone());
        let what = match c.action {
            SubMerchantAction::NoOp => m.t_args("sm-no-op", &[("status", status.into())]),
            // Adopted by the declaration's merchant_id (written by `import --all`), or
            // found by its brand name.
            SubMerchantAction::Adopt if c.desired.merchant_id.is_some() => {
                m.t_args("sm-adopt-by-id", &[("status", status.into())])
            }
            SubMerchantAction::Adopt => m.t_args("sm-adopt", &[("status", status.into())]),
            SubMerchantAction::Create => m.t("sm-create"),
            SubMerchantAction::Update => {
                m.t_args("sm-update", &[("fields", c.changed.join(", ").into())])
            }
        };
        out.push(format!(
            "  {}",
            m.t_args(
                "sm-line",
                &[
                    ("name", c.name.as_str().into()),
                    ("id", id.into()),
                    ("what", what.into()),
                ],
            )
        ));
        if let Some(r) = &c.reason {
            out.push(format!(
                "      {}",
                m.t_args("sm-rejected", &[("reason", r.as_str().into())])
            ));
        }
    }
    for w in &plan.waiting {
        out.push(format!(
            "  {}",
            m.t_args(
                "sm-waiting",
                &[
                    ("address", w.address.as_str().into()),
                    ("name", w.sub_merchant.as_str().into()),
                    (
                        "status",
                        w.status
                            .clone()
                            .unwrap_or_else(|| not_submitted.clone())
                            .into(),
                    ),
                    ("action", w.action.as_str().into()),
                ],
            )
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::platform::read_submerchant;
    use crate::wechat::submerchant::read_apply_protocol;

    fn desired() -> BTreeMap<String, DesiredSubMerchant> {
        let spec: SubMerchantSpec = serde_json::from_value(json!({
            "brand_name": "街角面包", "logo_url": "http://mmbiz.qpic.cn/logo/0",
            "protocol": "assets/p.jpg", "end_time": "2030-12-31T23:59:59+08:00",
            "primary_category_id": 1, "secondary_category_id": 101
        }))
        .unwrap();
        let d = DesiredSubMerchant {
            name: "shop".into(),
            file: "cards/a.toml".into(),
            line: 2,
            spec,
        };
        BTreeMap::from([("shop".to_string(), d)])
    }

    fn live(info: Value) -> SubMerchantLive {
        SubMerchantLive {
            recorded: BTreeMap::new(),
            unrecorded: vec![read_submerchant(&json!({ "info": info })).unwrap()],
            categories: read_apply_protocol(&json!({"category": [
                {"primary_category_id": 1, "category_name": "美食",
                 "secondary_category": [{"secondary_category_id": 101}, {"secondary_category_id": 102}]}
            ]}))
            .unwrap(),
        }
    }

    fn logo(d: &DesiredSubMerchant) -> Resolved {
        Resolved::Known(d.spec.logo_url.as_str().to_string())
    }

    #[test]
    fn an_unlisted_category_is_refused_naming_the_valid_ids() {
        let mut want = desired();
        if let Some(d) = want.get_mut("shop") {
            d.spec.secondary_category_id = 999;
        }
        let l = live(json!({"merchant_id": 1, "brand_name": "other"}));
        let e = plan(&want, &BTreeMap::new(), &l, &logo, &BTreeMap::new()).unwrap_err();
        assert!(
            e[0].contains("1/999") && e[0].contains("1 (美食): 101, 102"),
            "{e:?}"
        );
    }

    #[test]
    fn a_live_one_of_the_same_brand_name_is_adopted_else_submitted() {
        let want = desired();
        let same =
            live(json!({"merchant_id": "7", "brand_name": "街角面包", "status": "APPROVED"}));
        let c = plan(&want, &BTreeMap::new(), &same, &logo, &BTreeMap::new()).unwrap();
        assert_eq!(
            (c[0].action, c[0].merchant_id),
            (SubMerchantAction::Adopt, Some(7))
        );
        assert_eq!(c[0].status_after(), Some(APPROVED));
        let other = live(json!({"merchant_id": 7, "brand_name": "别家"}));
        let c = plan(&want, &BTreeMap::new(), &other, &logo, &BTreeMap::new()).unwrap();
        assert_eq!(
            (c[0].action, c[0].merchant_id),
            (SubMerchantAction::Create, None)
        );
        assert_eq!(
            c[0].status_after(),
            Some(cardform_spec::submerchant::CHECKING)
        );
    }

    #[test]
    fn a_recorded_one_updates_when_the_files_or_wechat_differ() {
        let want = desired();
        let content = content(&want["shop"].spec, &logo(&want["shop"]), &BTreeMap::new());
        let state = BTreeMap::from([(
            "shop".to_string(),
            SubMerchantState {
                merchant_id: 3,
                status: "APPROVED".into(),
                reason: None,
                applied: content.clone(),
                updated_at: 0,
            },
        )]);
        let mut l = live(json!({"merchant_id": 9, "brand_name": "x"}));
        let now = json!({"merchant_id": 3, "brand_name": "街角面包", "status": "APPROVED",
            "logo_url": "http://mmbiz.qpic.cn/logo/0", "end_time": content["end_time"],
            "primary_category_id": 1, "secondary_category_id": 101, "app_id": ""});
        l.recorded.insert(
            "shop".into(),
            read_submerchant(&json!({ "info": now })).unwrap(),
        );
        let c = plan(&want, &state, &l, &logo, &BTreeMap::new()).unwrap();
        assert_eq!(c[0].action, SubMerchantAction::NoOp, "{:?}", c[0].changed);
        // Changed on WeChat's side (the end moved): sent again.
        let mut moved = now.clone();
        moved["end_time"] = json!(1);
        l.recorded.insert(
            "shop".into(),
            read_submerchant(&json!({ "info": moved })).unwrap(),
        );
        let c = plan(&want, &state, &l, &logo, &BTreeMap::new()).unwrap();
        assert_eq!(c[0].action, SubMerchantAction::Update);
        assert_eq!(c[0].changed, vec!["end_time".to_string()]);
    }

    #[test]
    fn an_adopted_one_is_found_by_its_merchant_id_and_a_new_end_asks_for_the_protocol() {
        let mut want = desired();
        if let Some(d) = want.get_mut("shop") {
            d.spec.protocol = None;
            d.spec.merchant_id = Some(7);
            d.spec.brand_name = serde_json::from_value(json!("改名")).unwrap();
        }
        let l = live(json!({"merchant_id": 7, "brand_name": "街角面包", "status": "APPROVED"}));
        let c = plan(&want, &BTreeMap::new(), &l, &logo, &BTreeMap::new()).unwrap();
        assert_eq!(
            (c[0].action, c[0].merchant_id),
            (SubMerchantAction::Adopt, Some(7))
        );
        assert!(declaration_errors(&want, &c).is_empty());
        // The plan says it is adopted by its merchant_id, not found by its brand name.
        let shown = text_lines(
            &crate::i18n::Messages::new(crate::i18n::Lang::En),
            &Plan {
                sub_merchants: c.clone(),
                ..Plan::new(Vec::new(), false)
            },
        )
        .join("\n");
        assert!(shown.contains("its merchant_id names"), "{shown}");
        // Not on the account: said, never submitted.
        let other = live(json!({"merchant_id": 8, "brand_name": "改名"}));
        let c = plan(&want, &BTreeMap::new(), &other, &logo, &BTreeMap::new()).unwrap();
        let e = declaration_errors(&want, &c);
        assert!(e.len() == 1 && e[0].contains("merchant_id 7"), "{e:?}");
        // An update of the end without the letter.
        let mut upd = c[0].clone();
        upd.action = SubMerchantAction::Update;
        upd.merchant_id = Some(7);
        upd.changed = vec!["brand_name".into()];
        assert!(declaration_errors(&want, std::slice::from_ref(&upd)).is_empty());
        upd.changed.push("end_time".into());
        let e = declaration_errors(&want, &[upd]);
        assert!(
            e.len() == 1 && e[0].contains("end_time") && e[0].contains("`protocol`"),
            "{e:?}"
        );
    }
}
