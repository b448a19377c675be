//! Adopting the account's sub-merchants (`cardform import --all`): each live one the
//! state does not record gets a `[sub_merchants.<name>]` table written from what
//! WeChat answers, with `merchant_id` as the adopted marker (the authorisation letter
//! cannot be written back: WeChat keeps only a temporary media id), checked to plan
//! "No changes" before anything is written; the cards issued for one name it with
//! `sub_merchant = "<name>"`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::config::sub_merchants::{DesiredSubMerchant, SubMerchantSpec};
use crate::i18n::tr;
use crate::model::Timestamp;
use crate::model::wire::Resolved;
use crate::plan::sub_merchants::{SubMerchantAction, SubMerchantLive, content, plan};
use crate::state::SubMerchantState;
use crate::visible::visible_line;
use crate::wechat::platform::SubMerchant;
use crate::wechat::submerchant::PrimaryCategory;

/// What the cards of an import may name, and the sub-merchants to adopt.
#[derive(Debug, Default)]
pub struct SubMerchantContext {
    /// Every sub-merchant a generated card may name, by merchant_id: the state's, the
    /// project's declared ones a plan will adopt, and the ones adopted now.
    pub names: BTreeMap<u64, String>,
    /// The live sub-merchants to adopt now, by the name they get.
    pub adopt: BTreeMap<String, SubMerchant>,
    /// The live ones the state or the project's files already name (for the checks).
    pub known: BTreeMap<String, SubMerchant>,
    /// WeChat's categories (`card/getapplyprotocol`), for the checks.
    pub categories: Vec<PrimaryCategory>,
}

impl SubMerchantContext {
    /// Sorts the account's live sub-merchants: recorded in the state (`recorded`,
    /// name → merchant_id), declared but not recorded (`declared`, name → the
    /// declaration: matched by `merchant_id`, else by a brand name only one live one
    /// has), or to adopt under a new name (`merchant_<id>`, not in `taken`).
    pub fn sort(
        live: Vec<SubMerchant>,
        recorded: &BTreeMap<String, u64>,
        declared: &BTreeMap<String, SubMerchantSpec>,
        mut taken: BTreeSet<String>,
        categories: Vec<PrimaryCategory>,
    ) -> Self {
        let mut out = SubMerchantContext {
            categories,
            ..Default::default()
        };
        let by_id: BTreeMap<u64, &String> = recorded.iter().map(|(n, id)| (*id, n)).collect();
        taken.extend(recorded.keys().cloned());
        taken.extend(declared.keys().cloned());
        for m in &live {
            let name = by_id.get(&m.merchant_id).map(|n| (*n).clone()).or_else(|| {
                declared
                    .iter()
                    .filter(|(n, _)| !recorded.contains_key(*n))
                    .find(|(_, s)| {
                        s.merchant_id.map_or_else(
                            || {
                                s.brand_name.as_str() == m.brand_name
                                    && live.iter().filter(|o| o.brand_name == m.brand_name).count()
                                        == 1
                            },
                            |id| id == m.merchant_id,
                        )
                    })
                    .map(|(n, _)| n.clone())
            });
            match name {
                Some(n) => {
                    out.names.insert(m.merchant_id, n.clone());
                    out.known.insert(n, m.clone());
                }
                None => {
                    let mut n = format!("merchant_{}", m.merchant_id);
                    let mut k = 2;
                    while taken.contains(&n) {
                        n = format!("merchant_{}_{k}", m.merchant_id);
                        k += 1;
                    }
                    taken.insert(n.clone());
                    out.names.insert(m.merchant_id, n.clone());
                    out.adopt.insert(n, m.clone());
                }
            }
        }
        out
    }

    /// name → merchant_id of every sub-merchant a card may name.
    pub fn merchant_ids(&self) -> BTreeMap<String, u64> {
        self.names.iter().map(|(id, n)| (n.clone(), *id)).collect()
    }

    /// The tables of the known (already named) sub-merchants, only for loading a
    /// generated card in a check: the real declarations are in the project's files.
    pub fn known_tables(&self) -> String {
        self.known
            .iter()
            .filter_map(|(n, m)| table_body(n, m).ok())
            .collect()
    }
}

/// What a live sub-merchant's declaration holds: WeChat's values, the logo as its URL,
/// `merchant_id` as the adopted marker, no scans.
fn spec_value(live: &SubMerchant) -> Value {
    let mut v = json!({
        "brand_name": live.brand_name,
        "logo_url": live.logo_url,
        "end_time": Timestamp(live.end_time).to_string(),
        "primary_category_id": live.primary_category_id,
        "secondary_category_id": live.secondary_category_id,
        "merchant_id": live.merchant_id,
    });
    if !live.app_id.is_empty() {
        v["app_id"] = json!(live.app_id);
    }
    v
}

/// The `[sub_merchants.<name>]` table of `live`, without its comment.
fn table_body(name: &str, live: &SubMerchant) -> Result<String, String> {
    let spec: SubMerchantSpec =
        serde_json::from_value(spec_value(live)).map_err(|e| e.to_string())?;
    let mut table = toml::Table::new();
    let value = toml::Value::try_from(&spec).map_err(|e| e.to_string())?;
    let mut one = toml::Table::new();
    one.insert(name.to_string(), value);
    table.insert("sub_merchants".into(), toml::Value::Table(one));
    // The end as a TOML datetime (Beijing time), as a person writes it.
    let text = toml::to_string_pretty(&table).map_err(|e| e.to_string())?;
    let end = format!("end_time = \"{}\"", Timestamp(live.end_time));
    Ok(text.replace(&end, &format!("end_time = {}", Timestamp(live.end_time))))
}

/// The generated `[sub_merchants.<name>]` table of `live`, with a comment naming it.
///
/// # Errors
/// A sentence when WeChat's values cannot be declared (e.g. a brand name too long).
pub fn sub_merchant_toml(name: &str, live: &SubMerchant) -> Result<String, String> {
    let body = table_body(name, live)?;
    Ok(format!(
        "# Sub-merchant {} (merchant_id {}), {} when imported. Adopted: `merchant_id` marks it; its authorisation letter stays with WeChat, so `protocol` is left out until an update needs it (a new end_time).\n{body}",
        visible_line(&live.brand_name),
        live.merchant_id,
        visible_line(&live.status),
    ))
}

/// Checks that `spec` (`name`, as generated) plans "No changes" against `live` once
/// recorded: the sentences of what would change otherwise.
///
/// # Errors
/// Each problem, as a line for the user.
pub fn check_no_change(
    name: &str,
    spec: &SubMerchantSpec,
    live: &SubMerchant,
    categories: &[PrimaryCategory],
) -> Result<(), Vec<String>> {
    let desired = BTreeMap::from([(
        name.to_string(),
        DesiredSubMerchant {
            name: name.to_string(),
            file: PathBuf::from("cards/imported.toml"),
            line: 1,
            spec: spec.clone(),
        },
    )]);
    let state = BTreeMap::from([(name.to_string(), adopted_sub_merchant(spec, live))]);
    let sub_live = SubMerchantLive {
        recorded: BTreeMap::from([(name.to_string(), live.clone())]),
        unrecorded: Vec::new(),
        categories: categories.to_vec(),
    };
    let logo = |d: &DesiredSubMerchant| Resolved::Known(d.spec.logo_url.as_str().to_string());
    let changes = plan(&desired, &state, &sub_live, &logo, &BTreeMap::new())?;
    let problems: Vec<String> = changes
        .iter()
        .filter(|c| c.action != SubMerchantAction::NoOp)
        .map(|c| {
            tr!(
                "op-submerchant-would-change",
                name = name,
                fields = c.changed.join(", ")
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The state entry of an adopted sub-merchant: WeChat's status, the declaration's
/// content as applied.
pub fn adopted_sub_merchant(spec: &SubMerchantSpec, live: &SubMerchant) -> SubMerchantState {
    let logo = Resolved::Known(spec.logo_url.as_str().to_string());
    SubMerchantState {
        merchant_id: live.merchant_id,
        status: live.status.clone(),
        reason: None,
        applied: content(spec, &logo, &BTreeMap::new()),
        updated_at: chrono::Utc::now().timestamp(),
    }
}

/// The declaration of a generated table, read back (for the check and the state).
///
/// # Errors
/// WeChat's values do not make a declaration.
pub fn spec_of(live: &SubMerchant) -> Result<SubMerchantSpec, String> {
    serde_json::from_value(spec_value(live)).map_err(|e| e.to_string())
}

/// The account's sub-merchants, sorted ([`SubMerchantContext::sort`]), one line each
/// and a summary (nothing when there are none). An account WeChat refuses the list
/// to (no 第三方协助制券 permission) has none, unless a card names one.
///
/// # Errors
/// The list or the categories could not be read.
pub async fn survey(
    session: &crate::session::Session,
    adoptable: &[(String, Box<crate::live::LiveCard>)],
    declared: &std::collections::BTreeMap<String, crate::config::sub_merchants::SubMerchantSpec>,
    lines: &mut Vec<String>,
) -> Result<SubMerchantContext, crate::wechat::ApiError> {
    let needed = adoptable.iter().any(|(_, l)| {
        l.content
            .get(crate::model::wire::SUB_MERCHANT_PATH)
            .is_some()
    });
    let live = match session.client.list_sub_merchants().await {
        Ok(list) => list,
        Err(crate::wechat::ApiError::WeChat { code, .. }) if !needed => {
            tracing::debug!(
                code,
                "card/submerchant/batchget refused: no sub-merchants read"
            );
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    if live.is_empty() {
        return Ok(SubMerchantContext::default());
    }
    let recorded: std::collections::BTreeMap<String, u64> = session.state.read(|s| {
        s.sub_merchants
            .iter()
            .map(|(n, r)| (n.clone(), r.merchant_id))
            .collect()
    });
    let unrecorded = live
        .iter()
        .any(|m| !recorded.values().any(|id| *id == m.merchant_id));
    let categories = if unrecorded {
        session.client.get_apply_protocol().await?
    } else {
        Vec::new()
    };
    let total = live.len();
    let subs = SubMerchantContext::sort(live, &recorded, declared, BTreeSet::new(), categories);
    for (id, name) in &subs.names {
        let (key, m) = match (subs.known.get(name), subs.adopt.get(name)) {
            (Some(m), _) => ("op-submerchant-managed", m),
            (None, Some(m)) => ("op-submerchant-unmanaged", m),
            (None, None) => continue,
        };
        lines.push(format!(
            "  {}",
            tr!(
                key,
                id = *id,
                brand = visible_line(&m.brand_name),
                status = visible_line(&m.status),
                name = name.as_str()
            )
        ));
    }
    lines.push(tr!(
        "op-submerchant-summary",
        total = total,
        managed = total - subs.adopt.len(),
        unmanaged = subs.adopt.len()
    ));
    Ok(subs)
}

/// The error diagnostics of a generated file loaded with the project's settings.
///
/// # Errors
/// Each error diagnostic, as a line for the user.
pub fn load_errors(root: &Path, project_toml: &[u8], text: &str) -> Result<(), Vec<String>> {
    let now = crate::model::Timestamp(chrono::Utc::now().timestamp());
    let rel = Path::new("cards").join("imported.toml");
    match crate::config::load_in_memory(
        root,
        now,
        project_toml,
        vec![(rel, text.as_bytes().to_vec())],
    ) {
        Ok(_) => Ok(()),
        Err(crate::config::ConfigError::Invalid { diagnostics }) => Err(diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect()),
        Err(e) => Err(vec![e.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::platform::read_submerchant;

    fn m(id: u64, brand: &str) -> SubMerchant {
        read_submerchant(&json!({"info": {
            "merchant_id": id, "brand_name": brand, "status": "APPROVED",
            "logo_url": "http://mmbiz.qpic.cn/logo/0", "end_time": 1_924_963_199,
            "primary_category_id": 1, "secondary_category_id": 101
        }}))
        .unwrap()
    }

    #[test]
    fn live_ones_are_sorted_into_recorded_declared_and_to_adopt() {
        let recorded = BTreeMap::from([("shop".to_string(), 1)]);
        let spec = spec_of(&m(2, "街角面包")).unwrap();
        let declared = BTreeMap::from([("bakery".to_string(), {
            let mut s = spec.clone();
            s.merchant_id = None;
            s
        })]);
        let taken = BTreeSet::from(["merchant_3".to_string()]);
        let subs = SubMerchantContext::sort(
            vec![m(1, "a"), m(2, "街角面包"), m(3, "c")],
            &recorded,
            &declared,
            taken,
            Vec::new(),
        );
        assert_eq!(subs.names[&1], "shop");
        assert_eq!(subs.names[&2], "bakery");
        assert_eq!(subs.names[&3], "merchant_3_2");
        assert_eq!(subs.adopt.keys().collect::<Vec<_>>(), ["merchant_3_2"]);
        assert_eq!(subs.merchant_ids()["bakery"], 2);
    }

    #[test]
    fn the_generated_table_reads_back_as_the_same_declaration() {
        let live = m(5, "街角\"面包\n[cards.x]");
        let text = sub_merchant_toml("merchant_5", &live).unwrap();
        let doc: toml::Table = toml::from_str(&text).expect("parses");
        assert_eq!(doc.len(), 1, "{text}");
        let table = doc["sub_merchants"]["merchant_5"].clone();
        let spec: SubMerchantSpec = table.try_into().expect("a declaration");
        assert_eq!(spec, spec_of(&live).unwrap());
        assert_eq!(spec.merchant_id, Some(5));
        assert!(spec.protocol.is_none());
        assert!(
            text.contains("end_time = 2030-12-31T23:59:59+08:00"),
            "{text}"
        );
    }
}
