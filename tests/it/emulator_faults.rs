//! Faults, the call log, persistence (restart and kill -9) and the `cardform emulator`
//! binary, over real HTTP on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use cardform::emulator::{EmulatorConfig, FaultRule, RunningEmulator};
use serde_json::{Value, json};

use crate::emulator_support::*;

#[tokio::test]
async fn errcode_faults_fire_on_call_numbers_and_are_logged_without_secrets() {
    let e = start_with(EmulatorConfig {
        faults: vec![
            "path=/card/getcolors,errcode=45011,calls=2+3"
                .parse()
                .unwrap(),
        ],
        ..EmulatorConfig::default()
    })
    .await;
    let codes: Vec<i64> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(e.get("/card/getcolors").await["errcode"].as_i64().unwrap());
        }
        v
    };
    assert_eq!(codes, vec![0, 45011, 45011, 0]);
    let (_, calls) = e.admin("calls", Value::Null).await;
    let text = calls.to_string();
    assert!(!text.contains(&e.token), "the call log never shows a token");
    assert!(!text.contains("sandbox-secret"), "nor the secret");
    let list = calls["calls"].as_array().unwrap();
    assert_eq!(list[0]["path"], "/cgi-bin/token");
    let logged: Vec<(Value, Value)> = list[1..]
        .iter()
        .map(|c| (c["path"].clone(), c["errcode"].clone()))
        .collect();
    assert_eq!(
        logged,
        vec![
            (json!("/card/getcolors"), json!(0)),
            (json!("/card/getcolors"), json!(45011)),
            (json!("/card/getcolors"), json!(45011)),
            (json!("/card/getcolors"), json!(0)),
        ]
    );
    assert_eq!(list[2]["fault"], "errcode 45011");
    let last = list.last().unwrap()["seq"].as_u64().unwrap();
    let (_, none) = e.admin(&format!("calls?since={last}"), Value::Null).await;
    assert_eq!(none["calls"], json!([]));
}

#[tokio::test]
async fn http_status_drop_and_commit_then_drop() {
    let e = start().await;
    let logo = e.logo().await;
    let total = async || {
        e.post("/card/batchget", json!({"offset": 0, "count": 50}))
            .await["total_num"]
            .as_u64()
            .unwrap()
    };
    let set = async |rules: Value| {
        let (s, v) = e.admin("faults", rules).await;
        assert_eq!(s, 200, "{v}");
    };

    set(json!([{"path": "/card/get", "status": 502}])).await;
    let resp = e
        .http
        .post(e.url("/card/get"))
        .json(&json!({"card_id": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 502);
    assert!(
        resp.json::<Value>().await.is_err(),
        "a gateway page, not JSON"
    );

    set(json!([{"path": "/card/create", "mode": "drop"}])).await;
    let err = e
        .http
        .post(e.url("/card/create"))
        .json(&cash(&logo))
        .send()
        .await;
    assert!(err.is_err(), "the connection closes unanswered");
    set(json!([])).await;
    assert_eq!(
        total().await,
        0,
        "drop happens before the call takes effect"
    );

    set(json!([{"path": "/card/create", "mode": "commit-then-drop", "calls": [1]}])).await;
    let err = e
        .http
        .post(e.url("/card/create"))
        .json(&cash(&logo))
        .send()
        .await;
    assert!(err.is_err(), "a transport error, not an errcode");
    assert_eq!(
        total().await,
        1,
        "the card exists although the client never heard back"
    );
    e.create(cash(&logo)).await;
    assert_eq!(total().await, 2, "the rule fired on call 1 only");
    let (_, calls) = e.admin("calls", Value::Null).await;
    let dropped: Vec<&Value> = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["fault"] == "commit-then-drop")
        .collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["status"], 0);
    assert_eq!(dropped[0]["errcode"], 0, "it was performed");

    let (s, v) = e.admin("faults", json!([{"path": "/card/get"}])).await;
    assert_eq!(s, 400, "a rule without an effect is refused: {v}");
    let (s, listed) = e.admin("faults", Value::Null).await;
    assert_eq!(
        (s, listed),
        (
            200,
            json!([{"path": "/card/create", "mode": "commit-then-drop", "calls": [1]}])
        )
    );
}

#[tokio::test]
async fn probability_faults_are_repeatable() {
    let e = start().await;
    let rule =
        json!([{"path": "*", "errcode": -1, "probability": 0.5, "seed": 7, "latency_ms": 1}]);
    let mut runs = Vec::new();
    for _ in 0..2 {
        e.admin("faults", rule.clone()).await;
        let mut run = Vec::new();
        for _ in 0..24 {
            run.push(e.get("/card/getcolors").await["errcode"].as_i64().unwrap());
        }
        runs.push(run);
    }
    assert_eq!(runs[0], runs[1], "same seed, same faults");
    assert!(
        runs[0].contains(&-1) && runs[0].contains(&0),
        "{:?}",
        runs[0]
    );
}

#[tokio::test]
async fn concurrent_mutations_are_safe_and_durable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("world.json");
    let config = EmulatorConfig {
        data: Some(data.clone()),
        ..EmulatorConfig::default()
    };
    let e = start_with(config.clone()).await;
    let logo = e.logo().await;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let http = e.http.clone();
        let url = e.url("/card/create");
        let body = cash(&logo);
        tasks.push(tokio::spawn(async move {
            let v: Value = http
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["card_id"].as_str().unwrap().to_string()
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    e.approve(&ids[0]).await;
    e.post(
        "/card/modifystock",
        json!({"card_id": ids[0], "increase_stock_value": 5}),
    )
    .await;
    e.emu.shutdown().await.unwrap();
    let text = std::fs::read_to_string(&data).unwrap();
    assert!(
        !text.contains("sandbox-secret"),
        "no secret in the data file"
    );

    let e = start_with(config).await;
    let page = e
        .post("/card/batchget", json!({"offset": 0, "count": 50}))
        .await;
    assert_eq!(page["total_num"], 40);
    let card = e.card(&ids[0]).await;
    assert_eq!(card["cash"]["base_info"]["status"], "CARD_STATUS_VERIFY_OK");
    assert_eq!(card["cash"]["base_info"]["sku"]["total_quantity"], 105);
}

#[tokio::test]
async fn a_second_emulator_cannot_share_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let emu = cardform::emulator::start_sandbox(&dir.path().join("state"))
        .await
        .unwrap();
    assert!(dir.path().join("state/sandbox.emulator.json").exists());
    let config = EmulatorConfig {
        data: Some(dir.path().join("state/sandbox.emulator.json")),
        ..EmulatorConfig::default()
    };
    let started = std::time::Instant::now();
    let second = RunningEmulator::start(loopback(), config).await;
    let err = second.err().expect("the data file is locked").to_string();
    assert!(err.contains("in use by another emulator"), "{err}");
    assert!(started.elapsed().as_secs() < 30);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn non_loopback_is_refused() {
    let err = RunningEmulator::start("0.0.0.0:0".parse().unwrap(), EmulatorConfig::default())
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("loopback"), "{err}");
}

#[test]
fn fault_spec_errors_name_the_spec() {
    let err = "path=/card/get,errcode=abc"
        .parse::<FaultRule>()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("path=/card/get,errcode=abc") && err.contains("errcode"),
        "{err}"
    );
}

fn spawn_binary(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cardform"))
        .arg("emulator")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line was {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (child, url)
}

#[tokio::test]
async fn the_binary_survives_kill_9_and_takes_fault_flags() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("w.json");
    let data_arg = data.to_str().unwrap();
    let (mut child, url) = spawn_binary(&[
        "--listen",
        "127.0.0.1:0",
        "--data",
        data_arg,
        "--fault",
        "path=/card/delete,errcode=-1",
        "--quota",
        "/card/get=1000/100",
    ]);
    let e = connect_url(&url).await;
    let logo = e.logo().await;
    let id = e.create(cash(&logo)).await;
    let upd = json!({"card_id": id, "cash": {"base_info": {"service_phone": "400-1"}}});
    assert_eq!(e.post("/card/update", upd).await["errcode"], 0);
    assert_eq!(
        e.post("/card/delete", json!({"card_id": id})).await["errcode"],
        -1,
        "--fault applies"
    );
    // kill -9: no shutdown, no snapshot; the journal has every answered mutation.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, url) = spawn_binary(&["--data", data_arg]);
    let e = connect_url(&url).await;
    let card = e.card(&id).await;
    assert_eq!(card["cash"]["base_info"]["service_phone"], "400-1");
    assert_eq!(
        e.post("/card/delete", json!({"card_id": id})).await["errcode"],
        0
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_cardform"))
        .args(["emulator", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    let out = Command::new(env!("CARGO_BIN_EXE_cardform"))
        .args(["emulator", "--fault", "mode=sometimes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mode=sometimes"));
}

/// An `Emu`-like client for a server started by the binary.
async fn connect_url(url: &str) -> Remote {
    let http = reqwest::Client::new();
    let v: Value = http
        .get(format!(
            "{url}/cgi-bin/token?grant_type=client_credential&appid=wxsandbox&secret=sandbox-secret"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Remote {
        base: url.to_string(),
        http,
        token: v["access_token"].as_str().unwrap().to_string(),
    }
}

struct Remote {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl Remote {
    async fn post(&self, path: &str, body: Value) -> Value {
        self.http
            .post(format!("{}{path}?access_token={}", self.base, self.token))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
    async fn logo(&self) -> String {
        let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("l.png");
        let v: Value = self
            .http
            .post(format!(
                "{}/cgi-bin/media/uploadimg?access_token={}",
                self.base, self.token
            ))
            .multipart(reqwest::multipart::Form::new().part("buffer", part))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["url"].as_str().unwrap().to_string()
    }
    async fn create(&self, card: Value) -> String {
        let v = self.post("/card/create", card).await;
        v["card_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_string()
    }
    async fn card(&self, id: &str) -> Value {
        self.post("/card/get", json!({"card_id": id})).await["card"].clone()
    }
}
