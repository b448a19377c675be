//! State load/save timings: `cargo bench --bench state [-- N]` (default 100000
//! resources) on the local file; with `CARDFORM_TEST_PG_URL` set (e.g. under
//! `scripts/with-postgres`) the same run on PostgreSQL. Prints figures; asserts
//! nothing about time.

use std::time::Instant;

use cardform::state::postgres::PostgresBackend;
use cardform::state::{
    Change, LocalBackend, OpKind, PendingOperation, ResourceState, StateBackend, StateFile,
};

fn resource(i: usize) -> ResourceState {
    ResourceState {
        card_id: format!("pFS7Fjg{i:010}xyzABCDEF"),
        card_type: "GROUPON".into(),
        applied: serde_json::json!({
            "card_type": "GROUPON",
            "groupon": {
                "deal_detail": "以下锅底2选1（有菌王锅、麻辣锅、大骨锅、番茄锅、清补凉锅、酸菜鱼锅可选）：大锅1份 12元",
                "base_info": {
                    "logo_url": "http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZJkmG8xXhiaHqkKSVMMWeN3hLut7X7hicFNjakmxibMLGWpXrEXB33367o7zHN0CwngnQY7zb7g/0",
                    "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
                    "title": format!("132元双人火锅套餐 {i}"), "color": "Color010",
                    "notice": "使用时向服务员出示此券", "service_phone": "020-88888888",
                    "description": "不可与其他优惠同享\n如需团购券发票，请在消费时向商户提出\n店内均可使用，仅限堂食",
                    "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1_397_577_600, "end_timestamp": 1_472_724_261},
                    "sku": {"quantity": 500_000}, "get_limit": 3, "can_share": true, "can_give_friend": true
                }
            }
        }),
        applied_hash: format!("{:064x}", i * 7919),
        live_fingerprint: Some(format!("{:064x}", i * 104_729)),
        status: Some("CARD_STATUS_VERIFY_OK".into()),
        updated_at: 1_764_300_000 + i as i64,
        managed: None,
        desired_hash: None,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("cardform.state.json");
    run("local file", n, &|| Ok(Box::new(LocalBackend::new(&path))))?;
    println!(
        "  snapshot size: {:.1} MB",
        std::fs::metadata(&path)?.len() as f64 / 1e6
    );
    if let Ok(url) = std::env::var("CARDFORM_TEST_PG_URL") {
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{sep}name=bench-{}", uuid::Uuid::new_v4().simple());
        run("postgresql", n, &|| {
            Ok(Box::new(PostgresBackend::open(&url)?))
        })?;
    }
    Ok(())
}

type Open<'a> = dyn Fn() -> Result<Box<dyn StateBackend>, Box<dyn std::error::Error>> + 'a;

fn run(label: &str, n: usize, open: &Open<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let b = open()?;
    b.load()?;
    let mut st = StateFile::new();
    for i in 0..n {
        st.resources.insert(format!("card_{i:06}"), resource(i));
    }

    let t = Instant::now();
    let c = b.commit(&st, None)?;
    let first_save = t.elapsed();
    st.serial = c.serial;

    let fresh = open()?;
    let t = Instant::now();
    let loaded = fresh.load()?.ok_or("state missing")?.state;
    let load = t.elapsed();
    assert_eq!(loaded.resources.len(), n);

    // 1,000 cards × (intent + outcome), each record durable before the next.
    let records = 1000.min(n);
    let mut st = loaded;
    let t = Instant::now();
    for i in 0..records {
        let op = PendingOperation {
            id: uuid::Uuid::new_v4(),
            address: format!("card_{i:06}"),
            op: OpKind::Update,
            card_id: None,
            request_fingerprint: "f".repeat(64),
            started_at: 0,
            detail: serde_json::Value::Null,
        };
        let s1 = fresh.record_intent(&op)?;
        let mut r = resource(i);
        r.updated_at += 1;
        let change = Change::PutResource {
            address: op.address.clone(),
            resource: r,
        };
        let s2 = fresh.record_outcome(op.id, std::slice::from_ref(&change))?;
        st.apply_record(&cardform::state::JournalRecord::Intent { op: op.clone() });
        st.journal_seq = s1;
        st.apply_record(&cardform::state::JournalRecord::Outcome {
            op_id: op.id,
            changes: vec![change],
        });
        st.journal_seq = s2;
    }
    let journal = t.elapsed();

    let other = open()?;
    let t = Instant::now();
    let replayed = other.load()?.ok_or("state missing")?.state;
    let load_with_journal = t.elapsed();
    assert_eq!(replayed.journal_seq, st.journal_seq);

    let t = Instant::now();
    let c = fresh.commit(&st, Some(st.serial))?;
    let save = t.elapsed();
    assert!(c.content_changed);

    println!("{label}: {n} resources");
    println!("  first save:                         {first_save:.2?}");
    println!("  load:                               {load:.2?}");
    println!(
        "  journal {records} × (intent+outcome):     {journal:.2?} ({:.2?} per record)",
        journal / (2 * records as u32).max(1)
    );
    println!(
        "  load with {} journal records:      {load_with_journal:.2?}",
        2 * records
    );
    println!("  save (commit: backup, fold journal): {save:.2?}");
    Ok(())
}
