//! State load and save at scale, for `scripts/bench`: builds a state of N resources
//! (default 100,000) shaped like real applied cards, saves it through the local backend
//! (temp file, fsync, rename, backup), loads it back in a fresh backend (as a new run
//! would), and saves it again after a change. Prints `key=value` lines (seconds, bytes)
//! for the script to read; asserts nothing about time.
//!
//! `cargo run --release --example bench_state -- [N] [RUNS]`

use std::time::Instant;

use cardform::state::{LocalBackend, ResourceState, StateBackend, StateFile, codec};

fn resource(i: usize) -> ResourceState {
    ResourceState {
        card_id: format!("pbench{i:021}"),
        card_type: "GENERAL_COUPON".into(),
        applied: serde_json::json!({
            "card_type": "GENERAL_COUPON",
            "default_detail": format!("第{i}号券：任意茶饮第二杯半价"),
            "base_info.logo_url": "http://mmbiz.qpic.cn/mmbiz/d20f6ffd523b78a86cd2f916fa34af5d1918d75f7b142237c752ad6b254213ab/0",
            "base_info.code_type": "CODE_TYPE_TEXT",
            "base_info.brand_name": "示例茶室",
            "base_info.title": format!("第二杯半价{i}"),
            "base_info.color": "Color030",
            "base_info.notice": "点单时出示",
            "base_info.description": format!("仅限堂食。编号{i}"),
            "base_info.sku.quantity": 500,
            "base_info.date_info.type": "DATE_TYPE_FIX_TERM",
            "base_info.date_info.fixed_term": 30,
            "base_info.date_info.fixed_begin_term": 0
        }),
        applied_hash: format!("{:064x}", i.wrapping_mul(7919)),
        live_fingerprint: Some(format!("{:064x}", i.wrapping_mul(104_729))),
        status: Some("CARD_STATUS_VERIFY_OK".into()),
        updated_at: 1_764_300_000 + i as i64,
        managed: None,
        desired_hash: None,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let n = args.next().unwrap_or(100_000);
    let runs = args.next().unwrap_or(3).max(1);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("cardform.state.json");

    let mut state = StateFile::new();
    for i in 0..n {
        state.resources.insert(format!("card_{i:06}"), resource(i));
    }
    let (mut first, mut load, mut save) = (Vec::new(), Vec::new(), Vec::new());
    let mut bytes = 0;
    for run in 0..runs {
        // A fresh project: no state and no backup (a missing state whose backup exists is
        // refused, as it should be).
        for file in LocalBackend::new(&path).own_files() {
            let _ = std::fs::remove_file(file);
        }
        let backend = LocalBackend::new(&path);
        backend.load()?;
        let t = Instant::now();
        let c = backend.commit(&state, None)?;
        first.push(t.elapsed().as_secs_f64());
        bytes = std::fs::metadata(&path)?.len();

        // A new run: a fresh backend reads the snapshot (and its empty journal).
        let fresh = LocalBackend::new(&path);
        let t = Instant::now();
        let mut loaded = fresh
            .load()?
            .ok_or("the state just saved is missing")?
            .state;
        load.push(t.elapsed().as_secs_f64());
        if loaded.resources.len() != n {
            return Err(format!("loaded {} of {n} resources", loaded.resources.len()).into());
        }

        // Saving after a change: the content hash differs, so the serial moves and the
        // previous snapshot becomes the backup.
        if let Some(r) = loaded.resources.get_mut("card_000000") {
            r.updated_at += 1 + run as i64;
        }
        let t = Instant::now();
        fresh.commit(&loaded, Some(c.serial))?;
        save.push(t.elapsed().as_secs_f64());
    }
    // Where the time goes, one pass each: reading the bytes, parsing them, encoding.
    let bytes_on_disk = std::fs::read(&path)?;
    let t = Instant::now();
    let _ = std::fs::read(&path)?;
    let read_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let decoded = codec::decode_snapshot(&bytes_on_disk, "bench", None)?;
    let parse_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let header = codec::decode_header(&bytes_on_disk, "bench", None)?;
    let header_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let encoded = codec::encode_snapshot(&decoded, "bench")?;
    let encode_s = t.elapsed().as_secs_f64();
    drop((decoded, header, encoded));
    println!("resources={n}");
    println!("runs={runs}");
    println!("state_bytes={bytes}");
    println!("first_save_s={:.4}", median(first));
    println!("load_s={:.4}", median(load));
    println!("save_s={:.4}", median(save));
    println!("read_bytes_s={read_s:.4}");
    println!("parse_s={parse_s:.4}");
    println!("parse_header_s={header_s:.4}");
    println!("encode_and_hash_s={encode_s:.4}");
    Ok(())
}
