//! The component token shared by a platform's processes through the state backend,
//! sealed (docs/platform.md "Tokens"): the real binary against `cardform emulator` over
//! loopback, the emulator's call log counting `api_component_token`. Runs one after
//! another and shards started together fetch it once between them; a cache sealed
//! under another secret, altered, or holding a token WeChat no longer accepts is
//! fetched anew once, without an error; the token is nowhere readable.

use std::process::{Command, Stdio};

use serde_json::{Value, json};

use cardform::state::TokenStore;

use crate::common::{Output, files_under};
use crate::platform_cli::{SECRET, World};

const SEALED: &str = "state/_platform/component-token.sealed";

/// `n` account folders, each with the template's cards.
fn accounts(w: &World, n: usize) {
    for (i, appid) in w.appids.iter().take(n).enumerate() {
        let dir = w.dir.path().join("accounts").join(format!("m{i}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("account.toml"),
            format!("appid = \"{appid}\"\n\n[templates.spring]\nbrand = \"店{i}\"\n"),
        )
        .expect("write");
    }
}

fn last_seq(w: &World) -> u64 {
    w.emu.admin("GET", "/__emulator/calls", None)["calls"]
        .as_array()
        .and_then(|c| c.last())
        .and_then(|c| c["seq"].as_u64())
        .unwrap_or(0)
}

/// The calls to `path` since `since`, as (errcode, status).
fn calls_to(w: &World, since: u64, path: &str) -> Vec<Value> {
    w.emu
        .admin("GET", &format!("/__emulator/calls?since={since}"), None)["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c["path"].as_str().is_some_and(|p| p.ends_with(path)))
        .collect()
}

fn component_fetches(w: &World, since: u64) -> usize {
    calls_to(w, since, "/api_component_token").len()
}

/// The component token the emulator issued last (its admin API shows it).
fn current_token(w: &World) -> String {
    w.emu.admin("GET", "/__emulator/platform", None)["component_access_token"]
        .as_str()
        .expect("a component token was issued")
        .to_string()
}

/// Neither the token nor the platform's secrets are in any file of the folder or in
/// the outputs.
fn nothing_readable(w: &World, token: &str, outputs: &[&Output]) {
    assert!(token.len() > 20);
    for (path, text) in files_under(w.dir.path()) {
        for secret in [token, SECRET, w.ticket.as_str()] {
            assert!(!text.contains(secret), "{path} holds a secret");
        }
    }
    for out in outputs {
        for secret in [token, SECRET, w.ticket.as_str()] {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "a secret was printed"
            );
        }
    }
}

#[test]
fn two_runs_in_a_row_fetch_the_component_token_once() {
    let w = World::new(3);
    accounts(&w, 3);
    let since = last_seq(&w);
    let first = w.run(&["apply", ".", "--accounts", "all", "--auto-approve"]);
    first.expect_code(0);
    assert!(
        first
            .stderr
            .contains("3 account(s); component token fetched 1 time(s)"),
        "{}",
        first.stderr
    );
    let token = current_token(&w);
    assert!(w.dir.path().join(SEALED).is_file());
    // The next run (with --debug, which must not show the token either) takes the
    // sealed one: no fetch, and its summary says why.
    let second = w.run(&["plan", "--accounts", "all", "--debug"]);
    second.expect_code(0);
    assert!(
        second.stderr.contains(
            "3 account(s); component token fetched 0 time(s) (the one sealed in the state was used)"
        ),
        "{}",
        second.stderr
    );
    let json = w.run(&["status", "--format", "json"]);
    json.expect_code(0);
    assert_eq!(component_fetches(&w, since), 1, "one fetch over three runs");
    // The token still in use is the first one; nothing shows it, nor the state
    // commands on an account's state.
    assert_eq!(current_token(&w), token);
    let account_state = w.dir.path().join("state/m0/cardform.state.json");
    let mut shown = Vec::new();
    for args in [
        &["state", "list", "--dir", "."][..],
        &[
            "state",
            "show",
            "spring_discount",
            "--dir",
            ".",
            "--format",
            "json",
        ],
        &["state", "pull", "--dir", "."],
    ] {
        let out = crate::common::run_cmd(w.command(args).env("CARDFORM_STATE", &account_state));
        out.expect_code(0);
        shown.push(out);
    }
    assert!(
        shown[2].stdout.contains("\"lineage\""),
        "{}",
        shown[2].stdout
    );
    let mut outputs = vec![&first, &second, &json];
    outputs.extend(shown.iter());
    nothing_readable(&w, &token, &outputs);
    let entry = std::fs::read_to_string(w.dir.path().join(SEALED)).expect("read");
    assert!(entry.contains("\"expires_at\""), "{entry}");
}

#[test]
fn shards_started_together_fetch_the_component_token_once() {
    let w = World::new(8);
    accounts(&w, 8);
    let since = last_seq(&w);
    let children: Vec<_> = (1..=4)
        .map(|k| {
            let shard = format!("{k}/4");
            let mut c: Command = w.command(&["plan", "--shard", &shard, "--format", "json"]);
            c.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a shard")
        })
        .collect();
    let mut outputs = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("a shard ends");
        let out = Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        out.expect_code(0);
        outputs.push(out);
    }
    assert_eq!(
        component_fetches(&w, since),
        1,
        "four shards started together fetch once between them"
    );
    let fetched: Vec<&str> = outputs
        .iter()
        .filter(|o| o.stderr.contains("component token fetched 1 time(s)"))
        .map(|o| o.stderr.as_str())
        .collect();
    assert_eq!(fetched.len(), 1, "{outputs:?}");
    let token = current_token(&w);
    nothing_readable(&w, &token, &outputs.iter().collect::<Vec<_>>());
}

#[test]
fn a_cache_that_does_not_open_is_fetched_anew_without_an_error() {
    let w = World::new(2);
    accounts(&w, 2);
    w.run(&["plan"]).expect_code(0);
    // Altered: one hex digit of the sealed bytes changed.
    let path = w.dir.path().join(SEALED);
    let entry: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let sealed = entry["sealed"].as_str().expect("sealed").to_string();
    let last = sealed.chars().last().expect("bytes");
    let flipped = format!(
        "{}{}",
        &sealed[..sealed.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let mut altered = entry.clone();
    altered["sealed"] = json!(flipped);
    std::fs::write(&path, altered.to_string()).expect("write");
    let since = last_seq(&w);
    let out = w.run(&["plan"]);
    out.expect_code(0);
    assert_eq!(component_fetches(&w, since), 1, "{}", out.stderr);
    // Its expiry moved: does not open either (the expiry is sealed with the token).
    let entry: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let mut moved = entry.clone();
    moved["expires_at"] = json!(entry["expires_at"].as_i64().expect("expiry") + 1);
    std::fs::write(&path, moved.to_string()).expect("write");
    let since = last_seq(&w);
    w.run(&["plan"]).expect_code(0);
    assert_eq!(component_fetches(&w, since), 1);

    // Sealed under another secret (the platform's secret was reset on the console):
    // a miss, a fetch with the new secret, no error; then cached again.
    let new_secret = "platform-test-secret-reset-77";
    w.emu.admin(
        "POST",
        "/__emulator/platform",
        Some(json!({"component_appid": crate::platform_cli::COMPONENT, "component_secret": new_secret})),
    );
    let since = last_seq(&w);
    let out = crate::common::run_cmd(
        w.command(&["plan"])
            .env("CARDFORM_COMPONENT_SECRET", new_secret),
    );
    out.expect_code(0);
    assert!(
        out.stderr.contains("component token fetched 1 time(s)"),
        "{}",
        out.stderr
    );
    crate::common::run_cmd(
        w.command(&["plan"])
            .env("CARDFORM_COMPONENT_SECRET", new_secret),
    )
    .expect_code(0);
    assert_eq!(component_fetches(&w, since), 1);
}

#[test]
fn a_token_the_platform_no_longer_accepts_is_fetched_once_anew() {
    let w = World::new(2);
    accounts(&w, 2);
    w.run(&["plan"]).expect_code(0);
    let old = current_token(&w);
    let expired = w
        .emu
        .admin("POST", "/__emulator/platform/component_token/expire", None);
    assert_eq!(expired["expired"], 1, "{expired}");
    let since = last_seq(&w);
    let out = w.run(&["plan", "--accounts", "all"]);
    out.expect_code(0);
    // The cached token was refused once (42001), fetched once anew, and the run went on.
    let list = calls_to(&w, since, "/api_get_authorizer_list");
    assert_eq!(
        list.first().map(|c| c["errcode"].clone()),
        Some(json!(42001)),
        "{list:?}"
    );
    assert_eq!(component_fetches(&w, since), 1);
    assert!(
        out.stderr.contains("component token fetched 1 time(s)"),
        "{}",
        out.stderr
    );
    let fresh = current_token(&w);
    assert_ne!(fresh, old);
    // The fresh one was cached in its place.
    let since = last_seq(&w);
    w.run(&["plan"]).expect_code(0);
    assert_eq!(component_fetches(&w, since), 0);
    nothing_readable(&w, &fresh, &[&out]);
    nothing_readable(&w, &old, &[]);
}

/// The PostgreSQL state: the token in a row of `cardform_platform_tokens` (sealed),
/// shared by shards started together; nothing under `state/`.
#[test]
fn the_postgres_state_shares_the_sealed_token_between_shards() {
    let Some(store) = crate::state_postgres::PgStore::new() else {
        return;
    };
    // A component of its own: tests sharing the database keep their rows apart.
    let component = format!(
        "wxcomponent{}",
        &uuid::Uuid::new_v4().simple().to_string()[..7]
    );
    let w = World::for_component(6, &component);
    accounts(&w, 6);
    let state = store.url.as_str();
    let since = last_seq(&w);
    let children: Vec<_> = (1..=3)
        .map(|k| {
            let shard = format!("{k}/3");
            w.command(&["plan", "--shard", &shard, "--state", state])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a shard")
        })
        .collect();
    let mut outputs = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("a shard ends");
        let out = Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        out.expect_code(0);
        outputs.push(out);
    }
    assert_eq!(component_fetches(&w, since), 1, "{outputs:?}");
    w.run(&["plan", "--state", state]).expect_code(0);
    assert_eq!(component_fetches(&w, since), 1);
    assert!(
        !w.dir.path().join("state").exists(),
        "a local state was written"
    );
    let token = current_token(&w);
    nothing_readable(&w, &token, &outputs.iter().collect::<Vec<_>>());
    // The row holds the sealed bytes only.
    let row = cardform::state::postgres::PgTokenStore::open(state, &component)
        .expect("connect")
        .load()
        .expect("read")
        .expect("a row");
    assert!(
        !row.sealed
            .windows(token.len())
            .any(|w| w == token.as_bytes())
    );
    assert!(!String::from_utf8_lossy(&row.sealed).contains(&token[..16]));
    assert!(row.expires_at > chrono::Utc::now().timestamp() + 3600);
    // `state pull` of an account's row shows its state, never the platform's token.
    let pulled = crate::common::run_cmd(w.command(&["state", "pull", "--dir", "."]).env(
        "CARDFORM_STATE",
        cardform::platform::project::with_name(state, "m0"),
    ));
    nothing_readable(&w, &token, &[&pulled]);
    // A token refused in the database's cache is cleared and fetched once anew.
    w.emu
        .admin("POST", "/__emulator/platform/component_token/expire", None);
    let since = last_seq(&w);
    w.run(&["plan", "--state", state]).expect_code(0);
    assert_eq!(component_fetches(&w, since), 1);
}
