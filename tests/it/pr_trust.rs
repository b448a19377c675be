//! Issue 16: a pull request cannot turn the plan job against the account. Each test
//! plays the attacker: a pull request's cardform.toml points the endpoint, the token
//! command or the state URL elsewhere, and cardform runs the way the example pipeline
//! runs the plan job (docs/security.md), with a canary AppSecret and PGPASSWORD in its
//! environment. Nothing may connect, nothing may run, and no canary may appear in any
//! output. The operator's overrides (`--endpoint`, `CARDFORM_ENDPOINT`, `--state`,
//! `CARDFORM_STATE`, `CARDFORM_ALLOW_TOKEN_COMMAND`) still work.
//!
//! Tests may bind loopback only, so a foreign host is observed through a proxy: every
//! run gets `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` pointing at a loopback listener, so a
//! connection to any non-loopback host would reach it (the control test shows that it
//! does when the operator names the host). A foreign PostgreSQL host is named with
//! `hostaddr=127.0.0.1&port=LISTENER`, so that connection would reach the listener too.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{Emulator, Output, SAMPLE_CARDS, TestProject, cardform, files_under, run_cmd};

const CANARY_SECRET: &str = "CANARYprTrustAppSecret0badc0ffee42";
const CANARY_PGPASSWORD: &str = "CANARYprTrustPgPassword7e57";
const FOREIGN: &str = "https://wechat-mirror.example";

/// A loopback listener that records what every connection sends, answers 403 and
/// closes.
struct Listener {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Listener {
    fn start() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = vec![0u8; 65536];
                let n = conn.read(&mut buf).unwrap_or(0);
                if let Ok(mut l) = log.lock() {
                    l.push(String::from_utf8_lossy(&buf[..n]).into_owned());
                }
                let _ = conn.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
            }
        });
        Listener { addr, seen }
    }

    fn proxy_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> Vec<String> {
        self.seen.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// Runs cardform as the plan job would: the canaries in the environment, every proxy
/// variable pointing at `spy`, no terminal, no operator allowances (unless `extra` sets
/// them).
fn run_as_pipeline(
    p: &TestProject,
    spy: &Listener,
    args: &[&str],
    extra: &[(&str, &str)],
) -> Output {
    let dir = p.path().to_string_lossy().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
    let mut cmd = cardform();
    cmd.env("CARDFORM_APPSECRET", CANARY_SECRET)
        .env("PGUSER", "cardform")
        .env("PGPASSWORD", CANARY_PGPASSWORD)
        .env("RUST_LOG", "trace")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(var, spy.proxy_url());
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    run_cmd(cmd.args(&args))
}

/// The plan job's command line (examples/gitops/.github/workflows/cardform.yml).
/// A command that needs a token at once: import reads the card.
const PIPELINE_IMPORT: &[&str] = &[
    "import",
    "coffee_discount",
    "pAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "--dir",
    "{dir}",
];

const PIPELINE_PLAN: &[&str] = &[
    "plan",
    "{dir}",
    "--out",
    "{dir}/cardform.plan.json",
    "--format",
    "markdown",
    "--detailed-exitcode",
    "--deny",
    "review",
    "--deny",
    "replace",
    "--deny",
    "stock",
];

/// stderr with miette's wrapping undone (it breaks lines at spaces and hyphens).
fn flat(stderr: &str) -> String {
    let mut out = String::new();
    for line in stderr.lines() {
        let l = line
            .trim_start()
            .trim_start_matches(['│', '×', '╰', '─', '▶'])
            .trim();
        if l.is_empty() {
            continue;
        }
        if !(out.is_empty() || out.ends_with('-')) {
            out.push(' ');
        }
        out.push_str(l);
    }
    out
}

#[track_caller]
fn assert_no_canary(p: &TestProject, outputs: &[&Output]) {
    for o in outputs {
        for canary in [CANARY_SECRET, CANARY_PGPASSWORD] {
            assert!(
                !o.stdout.contains(canary),
                "canary on stdout:\n{}",
                o.stdout
            );
            assert!(
                !o.stderr.contains(canary),
                "canary on stderr:\n{}",
                o.stderr
            );
        }
    }
    for (path, text) in files_under(p.path()) {
        assert!(!text.contains(CANARY_SECRET), "canary in {path}");
        assert!(!text.contains(CANARY_PGPASSWORD), "canary in {path}");
    }
}

fn project(toml: &str) -> TestProject {
    TestProject::with(toml, SAMPLE_CARDS)
}

#[test]
fn pr_endpoint_elsewhere_is_refused_before_any_connection() {
    let spy = Listener::start();
    for endpoint in [
        FOREIGN,
        "https://api.weixin.qq.com.wechat-mirror.example",
        "https://api.weixin.qq.com@wechat-mirror.example",
        "https://10.0.0.1:8443",
        // Plain http, even to WeChat's own host.
        "http://api.weixin.qq.com",
        "http://wechat-mirror.example:8080",
    ] {
        let p = project(&format!(
            "endpoint = \"{endpoint}\"\n\n[account]\nappid = \"wx0123456789abcdef\"\n"
        ));
        let plan = run_as_pipeline(&p, &spy, PIPELINE_PLAN, &[]);
        plan.expect_code(1);
        // A call that needs a token at once: import reads the card.
        let import = run_as_pipeline(&p, &spy, PIPELINE_IMPORT, &[]);
        import.expect_code(1);
        for o in [&plan, &import] {
            let err = flat(&o.stderr);
            assert!(
                err.contains("cardform.toml:1:12: endpoint"),
                "{endpoint}: names the file, line and column of `endpoint`:\n{err}"
            );
            if endpoint.contains('@') {
                assert!(err.contains("user name or password"), "{err}");
            } else if endpoint.starts_with("https://") {
                assert!(
                    err.contains(&format!("--endpoint {endpoint}"))
                        && err.contains(&format!("CARDFORM_ENDPOINT={endpoint}")),
                    "{endpoint}: says how to allow it:\n{err}"
                );
            } else {
                assert!(
                    err.contains("unencrypted") && err.contains("https://"),
                    "{err}"
                );
            }
        }
        assert!(
            !p.path().join("cardform.plan.json").exists(),
            "no plan is saved"
        );
        assert_no_canary(&p, &[&plan, &import]);
    }
    assert_eq!(spy.connections(), Vec::<String>::new(), "nothing connected");
}

#[test]
fn operator_endpoint_override_is_trusted_and_the_spy_sees_it() {
    // The control for the test above: when the operator names the foreign host, cardform
    // does connect (through the proxy), so the spy would have seen a repository's attempt.
    let spy = Listener::start();
    let p = project(&format!(
        "endpoint = \"{FOREIGN}\"\n\n[account]\nappid = \"wx0123456789abcdef\"\n\n[limits]\ntimeout_seconds = 2\n"
    ));
    let out = run_as_pipeline(
        &p,
        &spy,
        &[
            "import",
            "coffee_discount",
            "pAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "--dir",
            "{dir}",
            "--endpoint",
            FOREIGN,
        ],
        &[],
    );
    out.expect_code(1);
    let seen = spy.connections();
    assert!(
        seen.iter()
            .any(|s| s.starts_with("CONNECT wechat-mirror.example:443")),
        "the operator's endpoint is used: {seen:?}\n{}",
        out.stderr
    );
    assert!(seen.iter().all(|s| !s.contains(CANARY_SECRET)), "{seen:?}");
    assert_no_canary(&p, &[&out]);
}

#[test]
fn operator_endpoint_reaches_the_emulator_by_flag_and_by_environment() {
    let emu = Emulator::start(&["--secret", CANARY_SECRET]);
    let spy = Listener::start();
    // The file names a host cardform would refuse; the operator's endpoint replaces it.
    let p = project(&format!(
        "endpoint = \"{FOREIGN}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n"
    ));
    let loopback_only = [
        ("NO_PROXY", "127.0.0.1,localhost"),
        ("no_proxy", "127.0.0.1,localhost"),
    ];
    let mut args = PIPELINE_PLAN.to_vec();
    args.extend(["--endpoint", emu.url.as_str()]);
    let plan = run_as_pipeline(&p, &spy, &args, &loopback_only);
    plan.expect_code(2);
    assert!(plan.stdout.contains("coffee_discount"), "{}", plan.stdout);

    let mut env = loopback_only.to_vec();
    env.push(("CARDFORM_ENDPOINT", emu.url.as_str()));
    let apply = run_as_pipeline(&p, &spy, &["apply", "{dir}", "--auto-approve"], &env);
    apply.expect_code(0);
    let again = run_as_pipeline(&p, &spy, &["plan", "{dir}", "--detailed-exitcode"], &env);
    again.expect_code(0);
    assert_eq!(spy.connections(), Vec::<String>::new());
    assert_no_canary(&p, &[&plan, &apply, &again]);
}

#[test]
fn pr_token_command_does_not_run() {
    let emu = Emulator::start(&[]);
    let spy = Listener::start();
    let marker_dir = tempfile::tempdir().expect("temp dir");
    let marker = marker_dir.path().join("ran");
    let toml = format!(
        "endpoint = \"{}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[account.token]\nsource = \"command\"\ncommand = [\"sh\", \"-c\", \"touch '{}'; echo stolen\"]\n\n[limits]\ntimeout_seconds = 5\n",
        emu.url,
        marker.display()
    );
    let p = project(&toml);
    let loopback_only = [("NO_PROXY", "127.0.0.1"), ("no_proxy", "127.0.0.1")];
    let plan = run_as_pipeline(&p, &spy, PIPELINE_PLAN, &loopback_only);
    plan.expect_code(1);
    let import = run_as_pipeline(&p, &spy, PIPELINE_IMPORT, &loopback_only);
    import.expect_code(1);
    for o in [&plan, &import] {
        let err = flat(&o.stderr);
        assert!(
            err.contains("cardform.toml:8:11") && err.contains("CARDFORM_ALLOW_TOKEN_COMMAND=1"),
            "names the line and how to allow it:\n{err}"
        );
    }
    assert!(!marker.exists(), "the repository's command ran");
    assert_no_canary(&p, &[&plan, &import]);

    // The operator allows it: the command runs (its token is not one WeChat issued, so
    // the import itself fails).
    let mut env = loopback_only.to_vec();
    env.push(("CARDFORM_ALLOW_TOKEN_COMMAND", "1"));
    let allowed = run_as_pipeline(&p, &spy, PIPELINE_IMPORT, &env);
    assert!(
        marker.exists(),
        "allowed, the command runs:\n{}",
        allowed.stderr
    );
}

#[test]
fn pr_state_url_to_a_foreign_host_is_refused_before_connecting() {
    let spy = Listener::start();
    // The host name is foreign; hostaddr sends the connection to the spy, so an attempt
    // would be seen.
    let url = format!(
        "postgres://cardform-db.example:{}/cards?hostaddr=127.0.0.1",
        spy.addr.port()
    );
    let p = project(&format!(
        "endpoint = \"sandbox\"\nstate = \"{url}\"\n\n[account]\nappid = \"wxsandbox\"\n"
    ));
    let plan = run_as_pipeline(&p, &spy, PIPELINE_PLAN, &[]);
    plan.expect_code(1);
    let list = run_as_pipeline(&p, &spy, &["state", "list", "--dir", "{dir}"], &[]);
    list.expect_code(1);
    for o in [&plan, &list] {
        let err = flat(&o.stderr);
        assert!(
            err.contains("cardform.toml:2:9")
                && err.contains("to cardform-db.example, which is not loopback")
                && err.contains("CARDFORM_STATE=URL"),
            "names the line, the host and how to allow it:\n{err}"
        );
    }
    assert_eq!(spy.connections(), Vec::<String>::new(), "nothing connected");
    assert_no_canary(&p, &[&plan, &list]);

    // The control: named by the operator, the same URL is used.
    let trusted = run_as_pipeline(
        &p,
        &spy,
        &["state", "list", "--dir", "{dir}"],
        &[("CARDFORM_STATE", url.as_str())],
    );
    trusted.expect_code(1);
    assert!(
        !spy.connections().is_empty(),
        "the operator's state URL is used:\n{}",
        trusted.stderr
    );
    assert_no_canary(&p, &[&trusted]);
}

#[test]
fn trusted_settings_run_the_plan_and_show_the_pull_requests_settings_as_proposed() {
    let emu = Emulator::start(&["--secret", CANARY_SECRET]);
    let spy = Listener::start();
    let base = format!(
        "endpoint = \"{}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n\n[policy]\ndeny = [\"delete\"]\n",
        emu.url
    );
    // The pull request points the endpoint elsewhere and drops the policy gate.
    let p = project(&format!(
        "endpoint = \"{FOREIGN}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n"
    ));
    let trusted_dir = tempfile::tempdir().expect("temp dir");
    let trusted = trusted_dir.path().join("base.toml");
    std::fs::write(&trusted, &base).expect("write base.toml");
    let trusted = trusted.to_string_lossy().to_string();
    let loopback_only = [("NO_PROXY", "127.0.0.1"), ("no_proxy", "127.0.0.1")];

    let mut args = PIPELINE_PLAN.to_vec();
    args.extend(["--trusted-settings", trusted.as_str()]);
    let md = run_as_pipeline(&p, &spy, &args, &loopback_only);
    md.expect_code(2);
    assert!(
        md.stdout.contains("Settings (in force only after merge)")
            && md.stdout.contains(FOREIGN)
            && md.stdout.contains("`policy`"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("coffee_discount"),
        "cards are planned: {}",
        md.stdout
    );

    let mut env = loopback_only.to_vec();
    env.push(("CARDFORM_TRUSTED_SETTINGS", trusted.as_str()));
    let text = run_as_pipeline(&p, &spy, &["plan", "{dir}"], &env);
    text.expect_code(0);
    assert!(
        text.stdout
            .contains("Settings: cardform.toml proposes changes")
            && text
                .stdout
                .contains(&format!("endpoint: \"{}\" -> \"{FOREIGN}\"", emu.url)),
        "{}",
        text.stdout
    );
    let json = run_as_pipeline(&p, &spy, &["plan", "{dir}", "--format", "json"], &env);
    json.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json plan");
    let keys: Vec<&str> = v["settings"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["endpoint", "policy"], "{}", json.stdout);
    assert_eq!(v["settings"][0]["proposed"], FOREIGN);

    // Without settings changes the plan has no settings section.
    std::fs::write(p.path().join("cardform.toml"), &base).expect("same settings");
    let same = run_as_pipeline(&p, &spy, &["plan", "{dir}", "--format", "json"], &env);
    same.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&same.stdout).expect("json plan");
    assert!(v.get("settings").is_none(), "{}", same.stdout);

    assert_eq!(spy.connections(), Vec::<String>::new());
    assert_no_canary(&p, &[&md, &text, &json, &same]);
}

#[test]
fn trusted_settings_do_not_allow_a_token_command_by_themselves() {
    let spy = Listener::start();
    let marker_dir = tempfile::tempdir().expect("temp dir");
    let marker = marker_dir.path().join("ran");
    let base = format!(
        "endpoint = \"sandbox\"\n\n[account]\nappid = \"wxsandbox\"\ntoken = {{ source = \"command\", command = [\"sh\", \"-c\", \"touch '{}'\"] }}\n",
        marker.display()
    );
    let trusted = marker_dir.path().join("base.toml");
    std::fs::write(&trusted, &base).expect("write base.toml");
    let p = TestProject::sandbox();
    let out = run_as_pipeline(
        &p,
        &spy,
        &[
            "plan",
            "{dir}",
            "--trusted-settings",
            &trusted.to_string_lossy(),
        ],
        &[],
    );
    out.expect_code(1);
    let err = flat(&out.stderr);
    assert!(
        err.contains("trusted settings") && err.contains("CARDFORM_ALLOW_TOKEN_COMMAND=1"),
        "{err}"
    );
    assert!(!marker.exists());
}

/// A legitimate settings change goes through review: the plan shows it, and
/// `--deny settings` (or `[policy] deny = ["settings"]` in the trusted file) blocks it.
#[test]
fn deny_settings_blocks_a_proposed_settings_change() {
    let emu = Emulator::start(&["--secret", CANARY_SECRET]);
    let spy = Listener::start();
    let base = format!(
        "endpoint = \"{}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n",
        emu.url
    );
    // The pull request proposes a policy; the endpoint stays.
    let p = project(&format!("{base}\n[policy]\ndeny = [\"delete\"]\n"));
    let trusted_dir = tempfile::tempdir().expect("temp dir");
    let trusted = trusted_dir.path().join("base.toml");
    std::fs::write(&trusted, &base).expect("write base.toml");
    let trusted = trusted.to_string_lossy().to_string();
    let loopback_only = [("NO_PROXY", "127.0.0.1"), ("no_proxy", "127.0.0.1")];

    let shown = run_as_pipeline(
        &p,
        &spy,
        &["plan", "{dir}", "--trusted-settings", trusted.as_str()],
        &loopback_only,
    );
    shown.expect_code(0);
    assert!(shown.stdout.contains("policy"), "{}", shown.stdout);

    let denied = run_as_pipeline(
        &p,
        &spy,
        &[
            "plan",
            "{dir}",
            "--trusted-settings",
            trusted.as_str(),
            "--deny",
            "settings",
        ],
        &loopback_only,
    );
    denied.expect_code(3);
    let all = format!("{}{}", denied.stdout, denied.stderr);
    assert!(all.contains("--deny settings"), "{all}");

    // Without a proposed change there is nothing to deny.
    let same = project(&base);
    run_as_pipeline(
        &same,
        &spy,
        &[
            "plan",
            "{dir}",
            "--trusted-settings",
            trusted.as_str(),
            "--deny",
            "settings",
        ],
        &loopback_only,
    )
    .expect_code(0);
}
