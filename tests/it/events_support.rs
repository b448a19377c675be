//! Shared pieces of the push-event tests: the receiver (`cardform events serve`) in its
//! own process, test secrets, a capturing HTTP server standing in for a receiver, and
//! wechatpy's availability.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::common::{TestProject, cardform};

/// Test values only (never an account's).
pub const TOKEN: &str = "cardformtesttoken";
pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// `cardform events serve` on a free loopback port; killed on drop.
pub struct Receiver {
    pub child: Child,
    pub url: String,
}

impl Receiver {
    pub fn start(p: &TestProject, extra: &[&str]) -> Receiver {
        Receiver::start_in(p.path(), extra)
    }

    /// As [`Receiver::start`] in any folder (a platform's).
    pub fn start_in(dir: &std::path::Path, extra: &[&str]) -> Receiver {
        let mut child = cardform()
            .args(["events", "serve", "--listen", "127.0.0.1:0", "--dir"])
            .arg(dir)
            .args(extra)
            .env("CARDFORM_EVENTS_TOKEN", TOKEN)
            .env("CARDFORM_EVENTS_AES_KEY", AES_KEY)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the receiver");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line `listening on …`, got {line:?}"))
            .to_string();
        Receiver { child, url }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `events list --format json` of a project: the events array.
pub fn stored(p: &TestProject) -> Vec<serde_json::Value> {
    let out = p.run(&["events", "list", "--dir", "{dir}", "--format", "json"]);
    out.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("events JSON");
    doc["events"].as_array().cloned().unwrap_or_default()
}

/// Waits (up to `secs`) until `pred` holds for the stored events.
pub fn wait_stored(
    p: &TestProject,
    secs: u64,
    pred: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let events = stored(p);
        if pred(&events) || std::time::Instant::now() > until {
            return events;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// One request a capturing server received.
#[derive(Debug, Clone)]
pub struct Captured {
    pub query: std::collections::HashMap<String, String>,
    pub body: String,
}

/// What the capturing server holds: the requests seen, the answers to give.
type CaptureState = (Arc<Mutex<Vec<Captured>>>, Arc<Vec<&'static str>>);

/// An HTTP server standing in for a receiver: records every POST and answers each
/// with the next of `answers` (the last repeats).
pub struct Capture {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Captured>>>,
    _runtime: tokio::runtime::Runtime,
}

impl Capture {
    pub fn start(answers: Vec<&'static str>) -> Capture {
        use axum::extract::{Query, State};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let seen: Arc<Mutex<Vec<Captured>>> = Arc::default();
        let state = (seen.clone(), Arc::new(answers));
        let app = axum::Router::new()
            .route(
                "/",
                axum::routing::post(
                    async |State((seen, answers)): State<CaptureState>,
                           Query(query): Query<std::collections::HashMap<String, String>>,
                           body: String| {
                        let mut seen = seen.lock().expect("lock");
                        seen.push(Captured { query, body });
                        let i = (seen.len() - 1).min(answers.len() - 1);
                        answers[i]
                    },
                ),
            )
            .with_state(state);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Capture {
            url: format!("http://{addr}/"),
            seen,
            _runtime: runtime,
        }
    }

    /// Waits (up to `secs`) for at least `n` requests.
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Captured> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let seen = self.seen.lock().expect("lock").clone();
            if seen.len() >= n || std::time::Instant::now() > until {
                return seen;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// `Ok` when python3 with wechatpy runs; otherwise why not. With
/// `CARDFORM_REQUIRE_WECHATPY` set (by `.ci/run`, which installs it) a missing wechatpy
/// fails the test instead of skipping it.
pub fn wechatpy_or_skip(test: &str) -> bool {
    let out = Command::new("python3")
        .args(["-c", "import wechatpy, xmltodict"])
        .output();
    let why = match out {
        Ok(o) if o.status.success() => return true,
        Ok(_) => "wechatpy is not installed (python3 -m pip install wechatpy==1.8.18)".to_string(),
        Err(e) => format!("python3 is not runnable ({e})"),
    };
    assert!(
        std::env::var("CARDFORM_REQUIRE_WECHATPY").is_err(),
        "CARDFORM_REQUIRE_WECHATPY is set but {why}"
    );
    eprintln!("SKIPPED {test}: {why}");
    false
}

/// Runs `tests/wechatpy/events_crypto.py MODE` with `request` on stdin.
pub fn wechatpy(mode: &str, request: &serde_json::Value) -> serde_json::Value {
    use std::io::Write;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/wechatpy/events_crypto.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("write the request");
    let out = child.wait_with_output().expect("wechatpy output");
    assert!(
        out.status.success(),
        "wechatpy {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("wechatpy JSON")
}

/// POSTs a push to `url` with its query; the status and body of the answer.
pub fn post(url: &str, query: &[(String, String)], body: &str) -> (u16, String) {
    crate::common::block_on(async {
        let resp = reqwest::Client::new()
            .post(url)
            .query(query)
            .body(body.to_string())
            .send()
            .await
            .expect("POST");
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    })
}

/// GETs `url` with `query`.
pub fn get(url: &str, query: &[(String, String)]) -> (u16, String) {
    crate::common::block_on(async {
        let resp = reqwest::Client::new()
            .get(url)
            .query(query)
            .send()
            .await
            .expect("GET");
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    })
}
