//! The PostgreSQL state over TLS, as managed databases require, and a lock that always
//! names its holder: libpq's `sslmode` against the TLS-only cluster of
//! `scripts/with-postgres` (a CA made for the run, `hostssl` only), through the
//! backend and through the real binary against the emulator.
//!
//! Needs `CARDFORM_TEST_PG_URL` and, for the TLS checks, `CARDFORM_TEST_PG_CA`
//! (`scripts/with-postgres cargo test` sets both); without them the tests here print
//! a notice and check nothing.

use std::time::Duration;

use cardform::state::postgres::PostgresBackend;
use cardform::state::{LockInfo, StateBackend, StateError};

use crate::common::{Emulator, TestProject, cardform, run_cmd};
use crate::state_postgres::{PgStore, spawn_holder};

/// The TLS cluster: (its verify-full URL with a fresh state name, the CA, another CA).
struct TlsCluster {
    url: String,
    ca: String,
    wrong_ca: String,
}

impl TlsCluster {
    fn new() -> Option<TlsCluster> {
        let store = PgStore::new()?;
        let (Ok(ca), Ok(wrong_ca)) = (
            std::env::var("CARDFORM_TEST_PG_CA"),
            std::env::var("CARDFORM_TEST_PG_WRONG_CA"),
        ) else {
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: PostgreSQL TLS tests (the cluster has no TLS; run `scripts/with-postgres cargo test`, TLS is its default)"
                );
            });
            return None;
        };
        assert!(
            store.url.contains("sslmode=verify-full"),
            "with-postgres gives a verify-full URL: {}",
            store.url
        );
        Some(TlsCluster {
            url: store.url,
            ca,
            wrong_ca,
        })
    }

    /// The URL with `sslmode=verify-full` replaced by `mode`.
    fn with_mode(&self, mode: &str) -> String {
        self.url
            .replace("sslmode=verify-full", &format!("sslmode={mode}"))
    }

    fn port(&self) -> &str {
        let after = self
            .url
            .split_once("127.0.0.1:")
            .map(|x| x.1)
            .unwrap_or_default();
        after.split('/').next().unwrap_or_default()
    }
}

/// stderr with miette's wrapping undone (it breaks lines at spaces and hyphens).
pub(crate) fn flat(stderr: &str) -> String {
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

fn open_err(url: &str) -> String {
    match PostgresBackend::open(url) {
        Ok(_) => panic!("connecting with {url} should fail"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn verify_full_connects_and_stores_over_tls() {
    let Some(c) = TlsCluster::new() else { return };
    let b = PostgresBackend::open(&c.url).expect("verify-full against the test CA");
    assert!(b.load().expect("load").is_none());
    // By name as well as by address: the certificate carries both.
    let by_name = c.url.replace("127.0.0.1", "localhost");
    PostgresBackend::open(&by_name).expect("verify-full by host name");
    // Without a CA, verify-full is refused before connecting, saying what to set.
    let no_root = c.url.replace(&format!("&sslrootcert={}", c.ca), "");
    assert!(!no_root.contains("sslrootcert"), "{no_root}");
    let err = open_err(&no_root);
    assert!(err.contains("sslrootcert=/path/to/ca.pem"), "{err}");
}

#[test]
fn plaintext_is_refused_by_a_tls_only_server_with_what_to_set() {
    let Some(c) = TlsCluster::new() else { return };
    assert_eq!(
        std::env::var("CARDFORM_TEST_PG_TLS_ONLY").as_deref(),
        Ok("1")
    );
    let err = open_err(&c.with_mode("disable"));
    assert!(err.contains("no encryption"), "{err}");
    assert!(err.contains("accepts only encrypted connections"), "{err}");
    assert!(
        err.contains("sslmode=verify-full"),
        "says what to set: {err}"
    );
}

#[test]
fn a_wrong_ca_fails_the_chain_check_and_says_so() {
    let Some(c) = TlsCluster::new() else { return };
    let wrong = c.url.replace(&c.ca, &c.wrong_ca);
    let err = open_err(&wrong);
    assert!(err.contains("certificate chain check failed"), "{err}");
    assert!(err.contains("sslmode=verify-full"), "{err}");
    assert!(err.contains(&c.wrong_ca), "names the CA file used: {err}");
    assert!(err.contains("Set sslrootcert"), "{err}");
    // verify-ca checks the same chain.
    let err = open_err(&wrong.replace("sslmode=verify-full", "sslmode=verify-ca"));
    assert!(err.contains("certificate chain check failed"), "{err}");
    // require with a root certificate checks the chain too (as libpq).
    let err = open_err(&wrong.replace("sslmode=verify-full", "sslmode=require"));
    assert!(err.contains("certificate chain check failed"), "{err}");
}

#[test]
fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let Some(c) = TlsCluster::new() else { return };
    // Connect to 127.0.0.1 but check the certificate against another name.
    let other = format!(
        "postgres://db.example.invalid:{}/cardform_test?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={}&name=tls-name-{}",
        c.port(),
        c.ca,
        uuid::Uuid::new_v4().simple()
    );
    let err = open_err(&other);
    assert!(err.contains("host name check failed"), "{err}");
    assert!(err.contains("db.example.invalid"), "{err}");
    assert!(err.contains("sslmode=verify-ca"), "says what to set: {err}");
    PostgresBackend::open(&other.replace("sslmode=verify-full", "sslmode=verify-ca"))
        .expect("verify-ca checks the chain only");
}

#[test]
fn require_and_prefer_encrypt_without_a_ca() {
    let Some(c) = TlsCluster::new() else { return };
    let no_root = c.url.replace(&format!("&sslrootcert={}", c.ca), "");
    // The server takes nothing but TLS, so connecting at all proves the session is
    // encrypted.
    for mode in ["require", "prefer"] {
        let url = no_root.replace("sslmode=verify-full", &format!("sslmode={mode}"));
        PostgresBackend::open(&url).unwrap_or_else(|e| panic!("{mode}: {e}"));
    }
    // No sslmode at all: libpq's default, prefer.
    let url = no_root
        .replace("sslmode=verify-full&", "")
        .replace("?sslmode=verify-full", "?");
    assert!(!url.contains("sslmode"), "{url}");
    PostgresBackend::open(&url).expect("the default (prefer) takes TLS when offered");
}

/// A role that may log in only with a client certificate (`cert` in pg_hba.conf):
/// `sslcert`/`sslkey` in the URL get it in; without them the refusal says what to set.
#[test]
fn a_client_certificate_logs_in_where_the_server_asks_for_one() {
    let Some(c) = TlsCluster::new() else { return };
    let (Ok(cert), Ok(key)) = (
        std::env::var("CARDFORM_TEST_PG_CLIENT_CERT"),
        std::env::var("CARDFORM_TEST_PG_CLIENT_KEY"),
    ) else {
        panic!("with-postgres exports the client certificate with the CA");
    };
    let as_cert_user = c.url.replace("postgres://", "postgres://cardform_cert@");
    let err = open_err(&as_cert_user);
    assert!(err.contains("client certificate"), "{err}");
    assert!(err.contains("sslcert="), "says what to set: {err}");
    let with_cert = format!("{as_cert_user}&sslcert={cert}&sslkey={key}");
    let b = PostgresBackend::open(&with_cert).expect("logs in with the client certificate");
    assert!(b.load().expect("load").is_none());
    // A key that is not a key is named, not echoed.
    let err = open_err(&format!("{as_cert_user}&sslcert={cert}&sslkey={cert}"));
    assert!(err.contains("sslkey="), "{err}");
    assert!(!err.contains("BEGIN"), "{err}");
}

/// Several runs ask for the lock at the same moment: one gets it, and every other is
/// refused naming it (its holder record is written in the transaction that takes the
/// advisory lock, so there is no moment where the lock is held by nobody named).
#[test]
fn simultaneous_runs_are_refused_naming_the_holder() {
    let Some(store) = PgStore::new() else { return };
    for round in 0..8 {
        let backends: Vec<Box<dyn StateBackend>> = (0..4)
            .map(|_| Box::new(PostgresBackend::open(&store.url).expect("connect")) as _)
            .collect();
        let barrier = std::sync::Barrier::new(backends.len());
        let results: Vec<Result<_, StateError>> = std::thread::scope(|s| {
            let handles: Vec<_> = backends
                .iter()
                .map(|b| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        let info = LockInfo::for_current_process("apply");
                        barrier.wait();
                        let got = b.lock(info, None);
                        // Hold it until everyone has tried.
                        std::thread::sleep(Duration::from_millis(300));
                        got
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        let winner = winners[0].id().to_string();
        for r in &results {
            match r {
                Ok(_) => {}
                Err(StateError::Locked { holder, .. }) => {
                    assert_eq!(holder.id, winner, "round {round}: names the holder");
                    let text = r
                        .as_ref()
                        .err()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    assert!(
                        text.contains(&format!("pid {}", std::process::id())),
                        "{text}"
                    );
                    assert!(text.contains("`apply`"), "{text}");
                }
                Err(other) => panic!("round {round}: refused without naming the holder: {other}"),
            }
        }
    }
}

/// The real binary over TLS: apply with `CARDFORM_STATE=postgres://…?sslmode=verify-full
/// &sslrootcert=…` (the operator's setting, as trust requires for a database) against
/// the emulator; a second run is refused naming the holder while a holder runs;
/// plaintext and a wrong CA fail clearly; force-unlock names the holder it released.
#[test]
fn apply_through_the_binary_over_verify_full() {
    let Some(c) = TlsCluster::new() else { return };
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let dir = p.path().to_string_lossy().to_string();
    let run = |state: &str, args: &[&str]| {
        run_cmd(
            cardform()
                .args(args.iter().map(|a| a.replace("{dir}", &dir)))
                .env("CARDFORM_STATE", state),
        )
    };
    let out = run(&c.url, &["apply", "{dir}", "--auto-approve"]);
    out.expect_code(0);
    let stored = PostgresBackend::open(&c.url)
        .expect("connect")
        .load()
        .expect("load")
        .expect("a state");
    assert_eq!(stored.state.resources.len(), 2, "{out:?}");
    assert!(!p.path().join("state/cardform.state.json").exists());
    // The next plan reads the state back over TLS: nothing to do.
    run(&c.url, &["plan", "{dir}", "--detailed-exitcode"]).expect_code(0);

    let plain = run(
        &c.with_mode("disable"),
        &["apply", "{dir}", "--auto-approve"],
    );
    assert_ne!(plain.code, 0, "{plain:?}");
    assert!(
        flat(&plain.stderr).contains("accepts only encrypted connections"),
        "{plain:?}"
    );
    let wrong = run(
        &c.url.replace(&c.ca, &c.wrong_ca),
        &["apply", "{dir}", "--auto-approve"],
    );
    assert_ne!(wrong.code, 0, "{wrong:?}");
    assert!(
        flat(&wrong.stderr).contains("certificate chain check failed"),
        "{wrong:?}"
    );

    // A run that holds the lock (another process): the refused apply names it.
    let (mut child, id) = spawn_holder(&c.url, None);
    let pid = child.id();
    let refused = run(&c.url, &["apply", "{dir}", "--auto-approve"]);
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(
        flat(&refused.stderr).contains(&id),
        "names the lock id: {refused:?}"
    );
    assert!(
        flat(&refused.stderr).contains(&format!("pid {pid}")),
        "{refused:?}"
    );
    assert!(
        !flat(&refused.stderr).contains("no holder information"),
        "{refused:?}"
    );
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    // force-unlock shows whom it released (the server may take a moment to end the
    // killed holder's session).
    let mut released = None;
    for _ in 0..100 {
        let out = run(&c.url, &["force-unlock", &id, "--dir", "{dir}"]);
        if out.code == 0 {
            released = Some(out);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let released = released.expect("force-unlock of a dead holder succeeds");
    assert!(
        released.stdout.contains(&format!("pid {pid}")),
        "{released:?}"
    );
    assert!(released.stdout.contains(&id), "{released:?}");
}

/// PR trust holds with the TLS parameters: cardform.toml may not send database
/// credentials to a host that is not loopback, however the URL asks for TLS; the
/// parameters are read (not refused as a bad URL), and nothing connects.
#[test]
fn tls_parameters_do_not_open_the_trust_rule() {
    let p = TestProject::with(
        "endpoint = \"sandbox\"\nstate = \"postgres://cardform@db.example.com:5432/cards?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&name=shop\"\n\n[account]\nappid = \"wxsandbox\"\n",
        crate::common::SAMPLE_CARDS,
    );
    let out = p.run(&["plan", "{dir}"]);
    assert_ne!(out.code, 0, "{out:?}");
    let said = flat(&out.stderr);
    assert!(said.contains("db.example.com"), "names the host: {said}");
    assert!(!said.contains("not a PostgreSQL URL"), "{said}");
    assert!(
        said.contains("not loopback"),
        "refused for the host: {said}"
    );
    assert!(
        said.contains("CARDFORM_STATE"),
        "says what the operator sets: {said}"
    );
}
