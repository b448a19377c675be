//! State invariants at load: a state that breaks one (a hand edit, a state committed
//! to the repository by someone else) is refused before anything is planned or sent,
//! saying which entries and how to repair them; the repair commands still work.

use serde_json::json;

use crate::common::{Emulator, TestProject};
use crate::state_postgres_tls::flat;

/// A `#deposed-…` entry copying a live managed card's card_id: apply used to delete
/// the live card (the deposed entry is "the old card of a replacement, to delete").
/// Now every run is refused naming the entry and the fix, and the live card survives.
#[test]
fn a_deposed_copy_of_a_live_card_is_refused_and_the_card_survives() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let mut st = p.state();
    let live = st["resources"]["coffee_discount"].clone();
    let card_id = live["card_id"].as_str().expect("card_id").to_string();
    let deposed = format!("coffee_discount#deposed-{card_id}");
    st["resources"][&deposed] = live;
    std::fs::write(
        p.path().join("state/cardform.state.json"),
        serde_json::to_string_pretty(&st).expect("json"),
    )
    .expect("hand edit");

    let alive = |emu: &Emulator| {
        let got = emu.api("/card/get", json!({ "card_id": card_id }));
        got["errcode"] == 0
            && got["card"]["discount"]["base_info"]["status"] != "CARD_STATUS_DELETE"
    };
    for args in [
        &["apply", "{dir}", "--auto-approve"][..],
        &["plan", "{dir}"][..],
    ] {
        let out = p.run(args);
        assert_ne!(out.code, 0, "{args:?} refused: {out:?}");
        let said = flat(&out.stderr);
        assert!(
            said.contains(&format!("cardform state rm '{deposed}'")),
            "says which entry and how to fix it: {said}"
        );
        assert!(said.contains(&card_id), "{said}");
        assert!(alive(&emu), "the live card survives {args:?}");
    }

    // The repair the message gives works, and the next apply has nothing to do.
    p.run(&["state", "rm", &deposed, "--dir", "{dir}"])
        .expect_code(0);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);
    assert!(alive(&emu), "the live card survives the repair");
    assert_eq!(
        p.state()["resources"]["coffee_discount"]["card_id"],
        json!(card_id)
    );
}

/// Two managed addresses holding one card_id, and a card_id that is not WeChat's
/// shape: refused with both named.
#[test]
fn two_addresses_one_card_and_a_malformed_id_are_refused() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let mut st = p.state();
    let coffee = st["resources"]["coffee_discount"]["card_id"].clone();
    st["resources"]["tea_coupon"]["card_id"] = coffee.clone();
    let mut odd = st["resources"]["coffee_discount"].clone();
    odd["card_id"] = json!("p\u{202e}evil");
    st["resources"]["odd"] = odd;
    std::fs::write(
        p.path().join("state/cardform.state.json"),
        serde_json::to_string_pretty(&st).expect("json"),
    )
    .expect("hand edit");
    let out = p.run(&["plan", "{dir}"]);
    assert_ne!(out.code, 0, "{out:?}");
    let said = flat(&out.stderr);
    assert!(said.contains("is held by 2 addresses"), "{said}");
    assert!(said.contains("'odd'"), "{said}");
    assert!(
        !out.stderr.contains('\u{202e}'),
        "shown escaped: {}",
        out.stderr
    );
    // Inspecting the state still works.
    p.run(&["state", "list", "--dir", "{dir}"]).expect_code(0);
}
