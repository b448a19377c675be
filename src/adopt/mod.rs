//! Adopting cards cardform did not create (`cardform import`): read each live card,
//! write the TOML a person would write for it ([`generate`]), and check that the file
//! plans no change ([`check_plans_no_change`]) before anything is written.
//!
//! An adopted card enters the state with nothing owned (field ownership): the files
//! own a field once they set it.

pub mod generate;

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{PROJECT_FILE, load_in_memory};
use crate::live::{LiveCard, Observed};
use crate::model::{Timestamp, wire::Resolved};
use crate::plan::{DesiredInput, PlanInputs, StateInput, build_plan};
use crate::state::ResourceState;

pub use generate::{GenerateError, address_for, card_toml};

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
    }
}

/// Loads `text` (one generated card file) as the project would and plans it against
/// `live` as an adopted card.
///
/// # Errors
/// Every problem, as lines for the user: diagnostics of the file (with the raw live
/// values they concern), or each field the plan would change with both values.
pub fn check_plans_no_change(
    root: &Path,
    address: &str,
    text: &str,
    live: &LiveCard,
) -> Result<(), Vec<String>> {
    let project = std::fs::read(root.join(PROJECT_FILE)).map_err(|e| {
        vec![format!(
            "cannot read {}: {e}",
            root.join(PROJECT_FILE).display()
        )]
    })?;
    let now = Timestamp(chrono::Utc::now().timestamp());
    let rel = Path::new("cards").join(format!("{address}.toml"));
    let loaded = load_in_memory(root, now, &project, vec![(rel, text.as_bytes().to_vec())]);
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
        return Err(vec![format!("the generated file has no card {address}")]);
    };
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
        },
    )]);
    let live_map = BTreeMap::from([(
        address.to_string(),
        Observed::Exists(Box::new(live.clone())),
    )]);
    let image_url = |img: &crate::model::ImageRef| match img.kind() {
        crate::model::ImageKind::Url(u) => Resolved::Known(u.to_string()),
        crate::model::ImageKind::Local(p) => Resolved::Pending(format!("upload {p}")),
    };
    let inputs = PlanInputs {
        desired: &desired,
        state: &state,
        live: &live_map,
        image_url: &image_url,
        targets: &[],
        refresh_only: false,
    };
    let plan = build_plan(&inputs).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<String>>()
    })?;
    let problems: Vec<String> = plan
        .resource_changes
        .iter()
        .filter(|rc| rc.action.is_change())
        .flat_map(|rc| {
            rc.changes.iter().map(|c| {
                format!(
                    "{}: would change ({}): live {} → file {}",
                    c.path,
                    c.class.as_str(),
                    c.before
                        .as_ref()
                        .map_or("(absent)".into(), ToString::to_string),
                    c.after
                        .as_ref()
                        .map_or("(absent)".into(), ToString::to_string),
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
