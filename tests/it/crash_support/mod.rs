//! What the crash and fault suites share: generated desired sets, reading the
//! emulator's world, and THE convergence check (every address ↔ exactly one live card,
//! no live card unknown to the state, nothing pending, nothing deposed).

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use serde_json::Value;

pub mod inproc;

/// A tiny but real JPEG (SOI, JFIF APP0, EOI).
pub const TINY_JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

/// One generated card: which variant of each field class it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSpec {
    pub index: usize,
    /// brand_name changes replace the card.
    pub brand: u8,
    /// notice changes are updated in place (and sent back to review).
    pub notice: u8,
    /// sku.quantity changes are stock changes.
    pub quantity: u32,
}

/// The desired set: the cards present.
pub type Desired = Vec<CardSpec>;

/// `n` cards, all at their first variant.
pub fn initial(n: usize) -> Desired {
    (0..n)
        .map(|index| CardSpec {
            index,
            brand: 0,
            notice: 0,
            quantity: 100 + index as u32,
        })
        .collect()
}

/// The desired set after `first`: one of each kind of change (card 0 updated in
/// place, card 1's stock raised, card 2 replaced, card 3 deleted, card 5 created).
pub fn second_phase(first: &Desired) -> Desired {
    let mut next: Desired = first.iter().filter(|c| c.index != 3).cloned().collect();
    for c in &mut next {
        match c.index {
            0 => c.notice = 1,
            1 => c.quantity += 50,
            2 => c.brand = 1,
            _ => {}
        }
    }
    next.push(CardSpec {
        index: 5,
        brand: 0,
        notice: 0,
        quantity: 70,
    });
    next
}

/// A random next desired set over the slots `0..slots`: some cards leave, some come
/// (back), some change in place, in stock, or in a way that replaces them.
pub fn mutate(rng: &mut impl Rng, current: &Desired, slots: usize) -> Desired {
    let by_index: BTreeMap<usize, &CardSpec> = current.iter().map(|c| (c.index, c)).collect();
    let mut out = Vec::new();
    for index in 0..slots {
        match by_index.get(&index) {
            Some(c) => {
                if rng.random_bool(0.04) {
                    continue; // deleted
                }
                let mut c = (*c).clone();
                if rng.random_bool(0.05) {
                    c.brand = (c.brand + 1) % 3;
                }
                if rng.random_bool(0.1) {
                    c.notice = (c.notice + 1) % 3;
                }
                if rng.random_bool(0.1) {
                    c.quantity = rng.random_range(50..400);
                }
                out.push(c);
            }
            None => {
                if rng.random_bool(0.5) {
                    out.push(CardSpec {
                        index,
                        brand: rng.random_range(0..3),
                        notice: 0,
                        quantity: rng.random_range(50..400),
                    });
                }
            }
        }
    }
    out
}

pub fn address(index: usize) -> String {
    format!("c{index:03}")
}

/// The card file for `desired`.
pub fn cards_toml(desired: &Desired) -> String {
    let mut s = String::new();
    for c in desired {
        let a = address(c.index);
        s.push_str(&format!(
            r#"
[cards.{a}]
card_type = "GENERAL_COUPON"
default_detail = "测试券 {i}"

[cards.{a}.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_TEXT"
brand_name = "品牌{b}"
title = "第{i}号券"
color = "Color030"
notice = "出示{n}"
description = "仅限堂食。"

[cards.{a}.base_info.sku]
quantity = {q}

[cards.{a}.base_info.date_info]
type = "DATE_TYPE_FIX_TERM"
fixed_term = 30
fixed_begin_term = 0
"#,
            i = c.index,
            b = c.brand,
            n = c.notice,
            q = c.quantity
        ));
    }
    s
}

/// Whether slot `index` holds a friends coupon in [`cards_toml_with_friends`]: one slot
/// in `every` (0: none).
pub fn is_friends(index: usize, every: usize) -> bool {
    every > 0 && index % every == every - 1
}

/// The card file for `desired` where every `every`-th slot is a friends coupon (a GIFT
/// with `share_friends`): its stock is bought with 券点, so creating it, replacing it
/// and raising its quantity are purchases (getpayprice → confirm).
pub fn cards_toml_with_friends(desired: &Desired, every: usize) -> String {
    let mut s = String::new();
    for c in desired {
        if !is_friends(c.index, every) {
            s.push_str(&cards_toml(&vec![c.clone()]));
            continue;
        }
        let a = address(c.index);
        s.push_str(&format!(
            r#"
[cards.{a}]
card_type = "GIFT"
gift_name = "礼品{i}"
gift_num = 1
gift_unit = "份"

[cards.{a}.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_QRCODE"
brand_name = "品牌{b}"
color = "Color020"
notice = "出示{n}"
description = "朋友的券。"
sku = {{ quantity = {q} }}
date_info = {{ type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2026-11-01T00:00:00+08:00, end_timestamp = 2030-12-31T23:59:59+08:00 }}
location_id_list = [401234567]
can_share = false
can_give_friend = false

[cards.{a}.advanced_info]
share_friends = true

[[cards.{a}.advanced_info.text_image_list]]
image_url = "assets/logo.jpg"
text = "礼品{i}。"
"#,
            i = c.index,
            b = c.brand,
            n = c.notice,
            q = c.quantity
        ));
    }
    s
}

/// `cardform.toml` for an external endpoint, with a short client timeout.
pub fn project_toml(endpoint: &str, timeout_seconds: u64) -> String {
    format!(
        "endpoint = \"{endpoint}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = {timeout_seconds}\n"
    )
}

/// A live card as the emulator's admin API lists it.
#[derive(Debug, Clone)]
pub struct LiveCard {
    pub card_id: String,
    pub status: String,
    pub title: String,
    pub brand: String,
    pub quantity: i64,
}

impl LiveCard {
    pub fn deleted(&self) -> bool {
        self.status == "CARD_STATUS_DELETE"
    }
}

/// Every card in `GET /__emulator/cards` (deleted ones included).
pub fn parse_cards(doc: &Value) -> Vec<LiveCard> {
    let mut out = Vec::new();
    for card in doc["cards"].as_array().into_iter().flatten() {
        let key = card["card_type"]
            .as_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        let base = &card[key.as_str()]["base_info"];
        out.push(LiveCard {
            card_id: base["id"].as_str().unwrap_or("").to_string(),
            status: base["status"].as_str().unwrap_or("").to_string(),
            title: base["title"].as_str().unwrap_or("").to_string(),
            brand: base["brand_name"].as_str().unwrap_or("").to_string(),
            quantity: base["sku"]["quantity"].as_i64().unwrap_or(-1),
        });
    }
    out
}

/// What a convergence check found.
#[derive(Debug, Default, Clone, Copy)]
pub struct Findings {
    /// Cards in the state twice, plus extra live cards sharing one address's title.
    pub duplicates: usize,
    /// Live cards the state does not know.
    pub orphans: usize,
    /// Desired addresses with no live card in the state.
    pub lost: usize,
}

/// Checks the state (a parsed snapshot, committed) against the live cards.
///
/// Returns the counts and a description of every problem (empty when converged).
pub fn check(state: &Value, live: &[LiveCard], desired: &Desired) -> (Findings, Vec<String>) {
    let mut problems = Vec::new();
    let mut f = Findings::default();
    let resources = state["resources"].as_object().cloned().unwrap_or_default();
    let pending = state["pending"].as_array().map(Vec::len).unwrap_or(0);
    if pending > 0 {
        problems.push(format!(
            "{pending} pending operation(s) left: {}",
            state["pending"]
        ));
    }
    let alive: BTreeMap<&str, &LiveCard> = live
        .iter()
        .filter(|c| !c.deleted())
        .map(|c| (c.card_id.as_str(), c))
        .collect();
    let mut state_ids: BTreeSet<&str> = BTreeSet::new();
    for (addr, r) in &resources {
        let id = r["card_id"].as_str().unwrap_or("");
        if !state_ids.insert(id) {
            f.duplicates += 1;
            problems.push(format!("card {id} is in the state twice ({addr})"));
        }
        if addr.contains('#') {
            problems.push(format!(
                "{addr} is still in the state after a converging run"
            ));
        }
    }
    for (id, c) in &alive {
        if !state_ids.contains(id) {
            f.orphans += 1;
            problems.push(format!(
                "live card {id} ({} / {}) is unknown to the state",
                c.title, c.brand
            ));
        }
    }
    // Content-level duplicates: two live cards with one title (titles are unique by
    // address in the generated sets).
    let mut by_title: BTreeMap<&str, usize> = BTreeMap::new();
    for c in alive.values() {
        *by_title.entry(c.title.as_str()).or_default() += 1;
    }
    for (title, n) in by_title {
        if n > 1 {
            f.duplicates += n - 1;
            problems.push(format!("{n} live cards titled {title}"));
        }
    }
    let wanted: BTreeSet<String> = desired.iter().map(|c| address(c.index)).collect();
    for c in desired {
        let a = address(c.index);
        match resources.get(&a).and_then(|r| r["card_id"].as_str()) {
            Some(id) if alive.contains_key(id) => {
                // Stock is declared as a total: a delta sent twice would show here.
                let live = alive[id].quantity;
                if live != i64::from(c.quantity) {
                    problems.push(format!("{a}: live stock {live}, declared {}", c.quantity));
                }
            }
            Some(id) => {
                f.lost += 1;
                problems.push(format!("{a}: its card {id} is not live"));
            }
            None => {
                f.lost += 1;
                problems.push(format!("{a} is not in the state"));
            }
        }
    }
    for a in resources.keys() {
        if !wanted.contains(a) && !a.contains('#') {
            problems.push(format!("{a} is in the state but no longer desired"));
        }
    }
    (f, problems)
}

/// How many calls in `GET /__emulator/calls` had a fault fire.
pub fn faults_fired(calls: &Value) -> usize {
    calls["calls"]
        .as_array()
        .map(|c| c.iter().filter(|e| e.get("fault").is_some()).count())
        .unwrap_or(0)
}
