//! A platform's push events, with the real binary, the real emulator playing the open
//! platform and pushing, over loopback: the verify ticket taken from the receiver's
//! store (`[platform.verify_ticket] source = "events"`), and an authorizer's
//! `unauthorized` push naming the account revoked before any call is spent on it.

use std::path::Path;

use cardform_events::seal;
use serde_json::{Value, json};

use crate::common::{Emulator, Output, cardform, run_cmd, words};
use crate::events_support::{AES_KEY, Receiver, TOKEN, post};

const COMPONENT: &str = "wxcomponent0000emu";
const SECRET: &str = "platform-events-secret-77";

/// A platform folder whose verify ticket comes from its event log.
fn platform_dir(emu: &Emulator) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("cardform.toml"),
        format!(
            "endpoint = \"{}\"\n\n[platform]\ncomponent_appid = \"{COMPONENT}\"\n\n[platform.verify_ticket]\nsource = \"events\"\n",
            emu.url
        ),
    )
    .expect("write");
    dir
}

/// `cardform ARGS` in `dir` with the component secret and no ticket variable.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    run_cmd(
        cardform()
            .current_dir(dir)
            .env("CARDFORM_COMPONENT_SECRET", SECRET)
            .env_remove("CARDFORM_VERIFY_TICKET")
            .args(args),
    )
}

/// The events stored in the platform's log.
fn stored_in(dir: &Path) -> Vec<Value> {
    let out = run_in(dir, &["events", "list", ".", "--format", "json"]);
    out.expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("events JSON");
    doc["events"].as_array().cloned().unwrap_or_default()
}

fn wait_for(dir: &Path, secs: u64, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let events = stored_in(dir);
        if pred(&events) || std::time::Instant::now() > until {
            return events;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn calls_since(emu: &Emulator, since: u64) -> Vec<Value> {
    emu.admin("GET", &format!("/__emulator/calls?since={since}"), None)["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn last_seq(emu: &Emulator) -> u64 {
    calls_since(emu, 0)
        .last()
        .and_then(|c| c["seq"].as_u64())
        .unwrap_or(0)
}

fn setup(authorizers: usize) -> (Emulator, Vec<String>) {
    let emu = Emulator::start(&[]);
    let answer = emu.admin(
        "POST",
        "/__emulator/platform",
        Some(json!({"component_appid": COMPONENT, "component_secret": SECRET, "authorizers": authorizers})),
    );
    let appids = answer["authorizers"]
        .as_array()
        .expect("authorizers")
        .iter()
        .map(|a| a["appid"].as_str().expect("appid").to_string())
        .collect();
    (emu, appids)
}

fn account_of<'a>(report: &'a Value, appid: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["appid"] == appid)
        .unwrap_or_else(|| panic!("no account {appid} in {report:#}"))
}

#[test]
fn the_verify_ticket_comes_from_the_receivers_store_and_a_revocation_from_its_push() {
    let (emu, appids) = setup(2);
    let dir = platform_dir(&emu);
    let root = dir.path();

    // No receiver yet: no ticket, a clear error naming what to do, nothing sent.
    let since = last_seq(&emu);
    let none = run_in(root, &["accounts", "list"]);
    none.expect_code(1);
    let said = words(&none.stderr);
    assert!(
        said.contains(
            "no component_verify_ticket for component wxcomponent0000emu in the event log"
        ),
        "{said}"
    );
    assert!(said.contains("cardform events serve"), "{said}");
    assert!(calls_since(&emu, since).is_empty(), "nothing may be sent");

    // The receiver in the platform's folder (its AppID: the component's); the
    // emulator pushes the platform's ticket at once.
    let rx = Receiver::start_in(root, &[]);
    emu.admin(
        "POST",
        "/__emulator/push_config",
        Some(json!({"url": format!("{}/", rx.url), "token": TOKEN, "encoding_aes_key": AES_KEY, "component_appid": COMPONENT})),
    );
    let events = wait_for(root, 15, |e| {
        e.iter().any(|e| e["event"] == "component_verify_ticket")
    });
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "component_verify_ticket" && e["mode"] == "encrypted"),
        "{events:#?}"
    );
    assert!(
        root.join("state/cardform.events.jsonl").is_file(),
        "the platform's log is state/cardform.events.jsonl"
    );
    let import = run_in(root, &["accounts", "import"]);
    import.expect_code(0);
    let plan = run_in(root, &["plan", "--accounts", "all", "--format", "json"]);
    let report: Value = serde_json::from_str(&plan.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", plan.stdout, plan.stderr));
    for appid in &appids {
        assert_eq!(
            account_of(&report, appid)["status"],
            "planned",
            "{report:#}"
        );
    }
    // The ticket is a secret: never printed.
    let ticket = events
        .iter()
        .rev()
        .find_map(|e| e["fields"]["ComponentVerifyTicket"].as_str())
        .expect("ticket")
        .to_string();
    assert!(!plan.stdout.contains(&ticket) && !plan.stderr.contains(&ticket));

    // The merchant revokes: the emulator pushes `unauthorized`; the next run names
    // the account revoked and spends no call on it.
    let revoked = &appids[0];
    emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(json!({"authorizer_appid": revoked})),
    );
    let events = wait_for(root, 15, |e| {
        e.iter()
            .any(|e| e["event"] == "unauthorized" && e["subject"] == revoked.as_str())
    });
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "unauthorized" && e["subject"] == revoked.as_str()),
        "{events:#?}"
    );
    let since = last_seq(&emu);
    let plan = run_in(root, &["plan", "--accounts", "all", "--format", "json"]);
    let report: Value = serde_json::from_str(&plan.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", plan.stdout, plan.stderr));
    let row = account_of(&report, revoked);
    assert_eq!(row["status"], "failed", "{row:#}");
    let text = row.to_string();
    assert!(
        text.contains("revoked its authorisation") && text.contains("unauthorized"),
        "{text}"
    );
    assert_eq!(account_of(&report, &appids[1])["status"], "planned");
    let calls = calls_since(&emu, since);
    assert!(
        calls
            .iter()
            .all(|c| c["authorizer"].as_str() != Some(revoked.as_str())),
        "a call was spent on the revoked account: {calls:#?}"
    );

    // It authorises again: `authorized` is pushed and the account runs again.
    emu.admin(
        "POST",
        "/__emulator/platform/authorize",
        Some(json!({"authorizer_appid": revoked})),
    );
    wait_for(root, 15, |e| {
        e.iter()
            .any(|e| e["event"] == "authorized" && e["subject"] == revoked.as_str())
    });
    let plan = run_in(root, &["plan", "--accounts", "all", "--format", "json"]);
    let report: Value = serde_json::from_str(&plan.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", plan.stdout, plan.stderr));
    assert_eq!(
        account_of(&report, revoked)["status"],
        "planned",
        "{report:#}"
    );
    // An active merchant updating its authorisation pushes `updateauthorized`.
    emu.admin(
        "POST",
        "/__emulator/platform/authorize",
        Some(json!({"authorizer_appid": appids[1]})),
    );
    let events = wait_for(root, 15, |e| {
        e.iter().any(|e| e["event"] == "updateauthorized")
    });
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "updateauthorized" && e["subject"] == appids[1].as_str()),
        "{events:#?}"
    );
}

#[test]
fn a_stale_ticket_in_the_store_is_refused_before_anything_is_sent() {
    let (emu, _) = setup(1);
    let dir = platform_dir(&emu);
    let root = dir.path();
    let rx = Receiver::start_in(root, &[]);
    // A ticket pushed 13 hours ago (its CreateTime), delivered now in plain mode.
    let created = chrono::Utc::now().timestamp() - 13 * 3600;
    let message = format!(
        "<xml><AppId>{COMPONENT}</AppId><CreateTime>{created}</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>ticket@@@old</ComponentVerifyTicket></xml>"
    );
    let now = chrono::Utc::now().timestamp().to_string();
    let sealed = seal(TOKEN, None, COMPONENT, "", &message, &now, "42");
    let (status, body) = post(&format!("{}/", rx.url), &sealed.query, &sealed.body);
    assert_eq!((status, body.as_str()), (200, "success"));
    let since = last_seq(&emu);
    let stale = run_in(root, &["accounts", "list"]);
    stale.expect_code(1);
    let said = words(&stale.stderr);
    assert!(
        said.contains("is 13 hours old; WeChat refuses a ticket older than 12 hours"),
        "{said}"
    );
    assert!(calls_since(&emu, since).is_empty(), "nothing may be sent");
}
