//! wechatpy (the widely used Python SDK, from PyPI) as a witness: `cardform emulator`
//! in its own process, driven by wechatpy's card client (`tests/wechatpy/witness.py`)
//! over HTTP on loopback. Every card endpoint of wechatpy that the emulator serves must
//! succeed with the answer shape wechatpy expects, uploadimg included.
//!
//! Why a Rust test that shells out rather than a separate CI script: it runs with
//! `cargo test` like every other contract, starts the real binary with the shared
//! helpers, and fails with the endpoint that broke. Without python3 or wechatpy it
//! skips with a message, unless `CARDFORM_REQUIRE_WECHATPY=1` (set by `.ci/run`, which
//! installs wechatpy), so CI cannot skip it silently.

use std::process::Command;

use crate::common::Emulator;

/// The wechatpy methods the witness drives, by endpoint.
const EXPECTED: &[&str] = &[
    "media.upload_image",
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
fn wechatpy_drives_every_card_endpoint_it_has_that_the_emulator_serves() {
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
    let results: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let failed: Vec<&serde_json::Value> = results.iter().filter(|r| r["ok"] != true).collect();
    assert!(failed.is_empty(), "wechatpy failed on: {failed:#?}");
    let methods: Vec<&str> = results
        .iter()
        .filter_map(|r| r["method"].as_str())
        .collect();
    assert_eq!(methods, EXPECTED);
}
