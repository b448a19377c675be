//! wechatpy (the widely used Python SDK, from PyPI) as a witness: `cardform emulator`
//! in its own process, driven by wechatpy's card client (`tests/wechatpy/witness.py`)
//! over HTTP on loopback. Every public method of wechatpy's `WeChatCard` that makes an
//! HTTP call (the witness lists them by introspection) must be driven and succeed with
//! the answer shape wechatpy expects; uploadimg too.
//!
//! Why a Rust test that shells out rather than a separate CI script: it runs with
//! `cargo test` like every other contract, starts the real binary with the shared
//! helpers, and fails with the endpoint that broke. Without python3 or wechatpy it
//! skips with a message, unless `CARDFORM_REQUIRE_WECHATPY=1` (set by `.ci/run`, which
//! installs wechatpy), so CI cannot skip it silently.

use std::process::Command;

use crate::common::Emulator;

/// The wechatpy calls the witness makes, in order (a method driven twice has a note in
/// parentheses).
const EXPECTED: &[&str] = &[
    "media.upload_image",
    "card.batch_add_locations",
    "card.batch_get_locations",
    "card.get_colors",
    "card.create",
    "card.get",
    "card.batch_get",
    "card.update",
    "card.modify_stock (increase)",
    "card.modify_stock (reduce)",
    "card.set_test_whitelist",
    "card.create_qrcode",
    "card.decrypt_code",
    "card.get_redirect_url",
    "card.get_code",
    "card.get_card_list",
    "card.consume_code",
    "card.invalid_code",
    "card.set_paycell",
    "card.get_html",
    "card.create_landingpage",
    "card.create (import-code mode)",
    "card.deposit_code",
    "card.get_deposit_count",
    "card.check_code",
    "card.update_code",
    "card.create (member card)",
    "card.set_activate_user_form",
    "card.get_activate_url",
    "card.get_activate_info",
    "card.activate_membercard",
    "card.update_membercard",
    "card.get_membercard_user_info",
    "card.add_pay_giftcard",
    "card.add_pay_giftcard (a merchant already bound)",
    "card.get_pay_giftcard",
    "card.batch_get_pay_giftcard",
    "card.del_pay_giftcard",
    "card.create (movie ticket)",
    "card.update_movie_ticket",
    "card.create (boarding pass)",
    "card.checkin_boardingpass",
    "card.create (lucky money)",
    "card.update_luckymoney_balance",
    "card.delete",
];

fn wechatpy_available() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import wechatpy; print(wechatpy.__version__)"])
        .output()
        .map_err(|e| format!("python3 is not runnable ({e})"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err("wechatpy is not installed (python3 -m pip install wechatpy==1.8.18)".into())
    }
}

#[test]
fn wechatpy_drives_every_card_method_it_has() {
    if let Err(why) = wechatpy_available() {
        assert!(
            std::env::var("CARDFORM_REQUIRE_WECHATPY").is_err(),
            "CARDFORM_REQUIRE_WECHATPY is set but {why}"
        );
        eprintln!("SKIPPED wechatpy_witness: {why}");
        return;
    }
    let emu = Emulator::start(&[]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wechatpy/witness.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&emu.url)
        .output()
        .expect("run the witness");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "witness failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let (inventory, results): (Vec<_>, Vec<_>) = lines
        .into_iter()
        .partition(|l| l.get("wechatcard_methods").is_some());
    let failed: Vec<&serde_json::Value> = results.iter().filter(|r| r["ok"] != true).collect();
    assert!(failed.is_empty(), "wechatpy failed on: {failed:#?}");
    let methods: Vec<&str> = results
        .iter()
        .filter_map(|r| r["method"].as_str())
        .collect();
    assert_eq!(methods, EXPECTED);
    // Every WeChatCard method that makes an HTTP call, by introspection: none may be
    // left out, whatever this file's list says.
    let inventory: Vec<&str> = inventory
        .first()
        .and_then(|l| l["wechatcard_methods"].as_array())
        .expect("the witness lists WeChatCard's methods")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert!(
        inventory.len() >= 37,
        "too few methods found: {inventory:?}"
    );
    let driven: std::collections::BTreeSet<&str> = methods
        .iter()
        .filter_map(|m| m.strip_prefix("card."))
        .map(|m| m.split(' ').next().unwrap_or(m))
        .collect();
    let missing: Vec<&&str> = inventory.iter().filter(|m| !driven.contains(**m)).collect();
    assert!(
        missing.is_empty(),
        "WeChatCard methods not driven: {missing:?}"
    );
}
