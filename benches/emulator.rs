//! Measures the emulator: card/get requests per second from a concurrent loopback
//! client, and the cost of holding many cards (data-file size, resident memory,
//! start-up time with that file). Run through `scripts/bench-emulator`, or
//! `cargo bench --bench emulator -- [--seconds N] [--concurrency N] [--cards N]`.
//!
//! The emulator runs as the real `cardform emulator` binary in its own process, as
//! tests and users run it; the client is this process. Figures are printed, never
//! asserted.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Args {
    seconds: u64,
    concurrency: usize,
    cards: usize,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 10,
        concurrency: 32,
        cards: 100_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<u64>().ok());
        match flag.as_str() {
            "--seconds" => a.seconds = value().unwrap_or(a.seconds),
            "--concurrency" => a.concurrency = value().map_or(a.concurrency, |v| v as usize),
            "--cards" => a.cards = value().map_or(a.cards, |v| v as usize),
            // cargo bench passes --bench; ignore what we do not know.
            _ => {}
        }
    }
    a
}

struct Emulator {
    child: Child,
    url: String,
    started_in: Duration,
}

fn spawn(data: &Path) -> Emulator {
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cardform"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn cardform emulator");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read listening line");
    let url = line.trim().trim_start_matches("listening on ").to_string();
    Emulator {
        child,
        url,
        started_in: t.elapsed(),
    }
}

impl Emulator {
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }

    /// SIGTERM, so the emulator writes its snapshot; returns how long that took.
    fn stop(mut self) -> Duration {
        let t = Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        t.elapsed()
    }
}

async fn token(http: &reqwest::Client, url: &str) -> String {
    let v: Value = http
        .get(format!(
            "{url}/cgi-bin/token?grant_type=client_credential&appid=wxsandbox&secret=sandbox-secret"
        ))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    v["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

fn card(logo: &str, n: usize) -> Value {
    json!({ "card": { "card_type": "CASH", "cash": {
        "base_info": {
            "logo_url": logo, "code_type": "CODE_TYPE_QRCODE", "brand_name": "基准测试商户",
            "title": format!("{}元代金券", n % 100 + 1), "color": "Color010",
            "notice": "出示即可使用", "description": "本券不可与其他优惠同享，每次限用一张。周末及节假日通用。",
            "service_phone": "020-88888888", "get_limit": 1, "sku": { "quantity": 1000 },
            "date_info": { "type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1_900_000_000u64, "end_timestamp": 1_950_000_000u64 }
        },
        "least_cost": 10_000, "reduce_cost": 1000,
        "advanced_info": { "abstract": { "abstract": "限时优惠", "icon_url_list": [logo] },
                           "text_image_list": [{ "image_url": logo, "text": "招牌菜" }] }
    }}})
}

async fn logo(http: &reqwest::Client, url: &str, tok: &str) -> String {
    let png = b"\x89PNG\r\n\x1a\nbench".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "buffer",
        reqwest::multipart::Part::bytes(png).file_name("l.png"),
    );
    let v: Value = http
        .post(format!("{url}/cgi-bin/media/uploadimg?access_token={tok}"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("upload json");
    v["url"].as_str().expect("url").to_string()
}

/// Runs `f(i)` for i in 0..total over `concurrency` tasks; returns (ok count, elapsed).
async fn fan_out<F, Fut>(
    concurrency: usize,
    total: usize,
    deadline: Option<Instant>,
    f: F,
) -> (u64, Duration)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let f = Arc::new(f);
    let next = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (f, next, ok) = (f.clone(), next.clone(), ok.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                if i >= total || deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
                if f(i).await {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    (ok.load(Ordering::Relaxed), t.elapsed())
}

fn main() {
    let a = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    runtime.block_on(async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(a.concurrency).build().expect("client");

        // 1. card/get throughput.
        let emu = spawn(&dir.path().join("throughput.json"));
        let base_rss = emu.rss_mib();
        let tok = token(&http, &emu.url).await;
        let logo_url = logo(&http, &emu.url, &tok).await;
        let v: Value = http
            .post(format!("{}/card/create?access_token={tok}", emu.url))
            .json(&card(&logo_url, 0))
            .send().await.expect("create").json().await.expect("create json");
        let id = v["card_id"].as_str().expect("card_id").to_string();
        let get_url = format!("{}/card/get?access_token={tok}", emu.url);
        let body = Arc::new(json!({ "card_id": id }));
        let deadline = Instant::now() + Duration::from_secs(a.seconds);
        let (h, u, b) = (http.clone(), get_url.clone(), body.clone());
        let (n, took) = fan_out(a.concurrency, usize::MAX, Some(deadline), move |_| {
            let (h, u, b) = (h.clone(), u.clone(), b.clone());
            async move {
                match h.post(&u).json(&*b).send().await {
                    Ok(r) => r.json::<Value>().await.is_ok_and(|v| v["errcode"] == 0),
                    Err(_) => false,
                }
            }
        })
        .await;
        println!(
            "card/get: {n} answered in {:.1} s = {:.0} requests/s ({} concurrent loopback connections; empty emulator RSS {base_rss:.1} MiB)",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64(),
            a.concurrency
        );
        emu.stop();

        // 2. Holding many cards.
        let data = dir.path().join("cards.json");
        let emu = spawn(&data);
        let tok = token(&http, &emu.url).await;
        let logo_url = Arc::new(logo(&http, &emu.url, &tok).await);
        let create_url = format!("{}/card/create?access_token={tok}", emu.url);
        let (h, u) = (http.clone(), create_url.clone());
        let (made, took) = fan_out(a.concurrency, a.cards, None, move |i| {
            let (h, u, l) = (h.clone(), u.clone(), logo_url.clone());
            async move {
                match h.post(&u).json(&card(&l, i)).send().await {
                    Ok(r) => r.json::<Value>().await.is_ok_and(|v| v["errcode"] == 0),
                    Err(_) => false,
                }
            }
        })
        .await;
        println!(
            "card/create: {made} cards in {:.1} s = {:.0} creates/s (journaled, compacted as it grows)",
            took.as_secs_f64(),
            made as f64 / took.as_secs_f64()
        );
        let filled_rss = emu.rss_mib();
        let stop = emu.stop();
        let size = std::fs::metadata(&data).map(|m| m.len()).unwrap_or(0);
        println!(
            "{made} cards: snapshot {:.1} MiB written at shutdown in {:.2} s; RSS after filling {filled_rss:.1} MiB",
            size as f64 / 1_048_576.0,
            stop.as_secs_f64()
        );
        let emu = spawn(&data);
        let rss = emu.rss_mib();
        let tok = token(&http, &emu.url).await;
        let v: Value = http
            .post(format!("{}/card/batchget?access_token={tok}", emu.url))
            .json(&json!({"offset": 0, "count": 1}))
            .send().await.expect("batchget").json().await.expect("batchget json");
        println!(
            "start-up with {} cards: listening after {:.2} s, RSS {rss:.1} MiB ({:.2} KiB per card over the empty emulator)",
            v["total_num"],
            emu.started_in.as_secs_f64(),
            (rss - base_rss) * 1024.0 / made.max(1) as f64
        );
        emu.stop();
    });
}
