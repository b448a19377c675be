//! Property test (Pulumi's lifecycle fuzzing, in proptest): random desired sets ×
//! random fault schedules × random operations (apply, plan). After every run, whether
//! it succeeded or not, the state is valid: no card_id twice, and every live card the
//! state does not know is covered by a pending create (so the next run finds it). At
//! the end a normal apply converges fully. Bounded case count so CI stays fast
//! (`PROPTEST_CASES` raises it).

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::crash_support::inproc::{
    apply_once, live_cards, local, plan_has_changes, read_state, start_emulator, write_project,
};
use crate::crash_support::{self, Desired, cards_toml, check, initial, mutate};

const FAULTS: &[&str] = &[
    "path=/card/create,mode=commit-then-drop,probability=0.4",
    "path=/card/create,mode=drop,probability=0.3",
    "path=/card/create,status=502,probability=0.3",
    "path=/card/update,mode=commit-then-drop,probability=0.5",
    "path=/card/delete,mode=commit-then-drop,probability=0.5",
    "path=/card/modifystock,mode=commit-then-drop,probability=0.5",
    "path=*,errcode=-1,probability=0.2",
    "path=/card/get,status=500,probability=0.2",
    "path=/cgi-bin/media/uploadimg,mode=commit-then-drop,probability=0.5",
];

#[derive(Debug, Clone)]
enum Op {
    /// Move the desired set (seeded), then apply under these faults.
    Apply { seed: u64, faults: Vec<usize> },
    /// A read-only plan under these faults.
    Plan { faults: Vec<usize> },
}

fn op() -> impl Strategy<Value = Op> {
    let faults = proptest::collection::vec(0..FAULTS.len(), 0..3);
    prop_oneof![
        4 => (any::<u64>(), faults.clone()).prop_map(|(seed, faults)| Op::Apply { seed, faults }),
        1 => faults.prop_map(|faults| Op::Plan { faults }),
    ]
}

async fn set_faults(url: &str, picks: &[usize], seed: u64) {
    let rules: Vec<serde_json::Value> = picks
        .iter()
        .map(|i| {
            let rule: cardform::emulator::FaultRule = FAULTS[*i].parse().expect("fault spec");
            let mut v = serde_json::to_value(rule).expect("rule JSON");
            v["seed"] = serde_json::json!(seed);
            v
        })
        .collect();
    reqwest::Client::new()
        .post(format!("{url}/__emulator/faults"))
        .json(&rules)
        .send()
        .await
        .expect("set faults");
}

/// The state invariants that hold after any run, finished or not.
fn valid(state: &serde_json::Value, live: &[crash_support::LiveCard]) -> Result<(), String> {
    let resources = state["resources"].as_object().cloned().unwrap_or_default();
    let mut ids = BTreeSet::new();
    for (a, r) in &resources {
        let id = r["card_id"].as_str().unwrap_or("").to_string();
        if !ids.insert(id.clone()) {
            return Err(format!("card {id} twice in the state ({a})"));
        }
    }
    let pending_creates = state["pending"]
        .as_array()
        .map(|p| p.iter().filter(|o| o["op"] == "create").count())
        .unwrap_or(0);
    let unknown: Vec<&str> = live
        .iter()
        .filter(|c| !c.deleted() && !ids.contains(&c.card_id))
        .map(|c| c.card_id.as_str())
        .collect();
    if unknown.len() > pending_creates {
        return Err(format!(
            "live cards {unknown:?} unknown to the state with only {pending_creates} pending create(s)"
        ));
    }
    Ok(())
}

async fn scenario(ops: Vec<Op>) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path().join("project");
    let emu = start_emulator(&dir.path().join("world.json"), Vec::new()).await;
    let url = emu.base_url().to_string();
    let mut desired: Desired = initial(4);
    write_project(&root, &cards_toml(&desired), 2);
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Apply { seed, faults } => {
                desired = mutate(&mut StdRng::seed_from_u64(*seed), &desired, 6);
                write_project(&root, &cards_toml(&desired), 2);
                set_faults(&url, faults, *seed).await;
                // Ambiguity cannot arise here (titles are unique); any other error is
                // a run that stopped, which is allowed.
                let _ = apply_once(&root, &url, local(&root), Duration::from_secs(5)).await;
            }
            Op::Plan { faults } => {
                set_faults(&url, faults, i as u64).await;
                let _ = plan_has_changes(&root, &url).await;
            }
        }
        set_faults(&url, &[], 0).await;
        valid(&read_state(&root), &live_cards(&url).await)
            .map_err(|e| format!("after op {i} ({op:?}): {e}"))?;
    }
    let r = apply_once(&root, &url, local(&root), Duration::from_secs(5)).await?;
    if !r.failures.is_empty() {
        return Err(format!("converging apply failed: {:?}", r.failures));
    }
    let (_, problems) = check(&read_state(&root), &live_cards(&url).await, &desired);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    if plan_has_changes(&root, &url).await? {
        return Err("a further plan has changes".into());
    }
    let _ = emu.shutdown().await;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn state_stays_valid_under_random_faults_and_operations(ops in proptest::collection::vec(op(), 1..5)) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let result = rt.block_on(scenario(ops));
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}
