//! The WeChat client against the real emulator over HTTP on 127.0.0.1: the card
//! lifecycle, commit-then-drop on create, transient faults and the daily quota.

use std::net::SocketAddr;

use cardform::emulator::{EmulatorConfig, FaultRule, QuotaLimit, RunningEmulator};
use cardform::wechat::{ApiError, ClientConfig, RetryPolicy, WeChatClient};
use serde_json::{Value, json};

async fn emulator(faults: &[&str]) -> RunningEmulator {
    let faults = faults
        .iter()
        .map(|s| s.parse::<FaultRule>().expect("fault spec"))
        .collect();
    let config = EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    };
    RunningEmulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config)
        .await
        .expect("emulator starts")
}

fn client(emu: &RunningEmulator) -> WeChatClient {
    let mut cfg = ClientConfig::sandbox(emu.base_url());
    cfg.retry = RetryPolicy::fast();
    WeChatClient::new(cfg).expect("client")
}

async fn cash_card(client: &WeChatClient, title: &str) -> Value {
    let logo = client
        .upload_image(vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], "logo.jpg")
        .await
        .expect("uploadimg");
    json!({
        "card_type": "CASH",
        "cash": {
            "base_info": {
                "logo_url": logo,
                "code_type": "CODE_TYPE_QRCODE",
                "brand_name": "示例茶室",
                "title": title,
                "color": "Color010",
                "notice": "结账时出示此券",
                "description": "不与其他优惠同享",
                "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
                "sku": {"quantity": 100}
            },
            "least_cost": 10000,
            "reduce_cost": 1000
        }
    })
}

#[tokio::test]
async fn card_lifecycle_through_the_client() {
    let emu = emulator(&[]).await;
    let client = client(&emu);
    let card = cash_card(&client, "满100减10元").await;
    let id = client.create_card(&card).await.expect("create");

    let got = client.get_card(&id).await.expect("get");
    let base = &got["card"]["cash"]["base_info"];
    assert_eq!(base["title"], "满100减10元");
    assert_eq!(base["status"], "CARD_STATUS_NOT_VERIFY");
    assert_eq!(
        base["color"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("#63b359")
    );

    assert_eq!(
        client.list_all_card_ids().await.expect("batchget"),
        vec![id.clone()]
    );
    let colors = client.get_colors().await.expect("getcolors");
    assert!(
        colors
            .iter()
            .any(|(n, v)| n == "Color010" && v.eq_ignore_ascii_case("#63b359"))
    );

    // service_phone: in place without review; notice: back to review.
    let phone = client
        .update_card(
            &id,
            "CASH",
            &json!({"base_info": {"service_phone": "400-000-0001"}}),
        )
        .await
        .expect("update phone");
    assert!(!phone);
    let notice = client
        .update_card(
            &id,
            "CASH",
            &json!({"base_info": {"notice": "结账前出示此券"}}),
        )
        .await
        .expect("update notice");
    assert!(notice);
    // brand_name cannot be updated: 47001 with the table's guidance.
    let e = client
        .update_card(&id, "CASH", &json!({"base_info": {"brand_name": "别的"}}))
        .await
        .err();
    assert_eq!(e.as_ref().and_then(ApiError::errcode), Some(47001));
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("replace")
    );

    client.modify_stock(&id, 50).await.expect("increase");
    client.modify_stock(&id, -20).await.expect("reduce");
    let got = client.get_card(&id).await.expect("get");
    assert_eq!(
        got["card"]["cash"]["base_info"]["sku"]["total_quantity"],
        130
    );

    client.delete_card(&id).await.expect("delete");
    assert!(
        client
            .list_all_card_ids()
            .await
            .expect("batchget")
            .is_empty()
    );
}

#[tokio::test]
async fn create_committed_then_dropped_is_outcome_unknown_and_made_once() {
    let emu = emulator(&["path=/card/create,mode=commit-then-drop,calls=1"]).await;
    let client = client(&emu);
    let card = cash_card(&client, "满100减10元").await;
    let e = client.create_card(&card).await.err();
    assert!(matches!(e, Some(ApiError::OutcomeUnknown { .. })), "{e:?}");
    // The card exists exactly once: the client did not create it again.
    assert_eq!(client.list_all_card_ids().await.expect("batchget").len(), 1);
}

#[tokio::test]
async fn transient_faults_are_retried_and_quota_stops() {
    let emu = emulator(&[
        "path=/card/get,errcode=-1,calls=1",
        "path=/card/get,status=502,calls=2",
        "path=/card/batchget,errcode=45011,calls=1",
    ])
    .await;
    let client = client(&emu);
    let id = client
        .create_card(&cash_card(&client, "满100减10元").await)
        .await
        .expect("create");
    assert!(client.get_card(&id).await.is_ok());
    assert_eq!(
        client.list_all_card_ids().await.expect("batchget"),
        vec![id.clone()]
    );

    emu.set_quotas(vec![QuotaLimit {
        path: "/card/get".into(),
        daily: 0,
        per_minute: None,
    }]);
    let e = client.get_card(&id).await.err();
    assert!(matches!(e, Some(ApiError::QuotaExhausted { .. })), "{e:?}");
}

/// Client throughput against the in-process emulator. A measurement, not an assertion:
/// `cargo test --test it wechat_emulator::bench -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run by hand"]
async fn bench_thousand_cards() {
    let emu = emulator(&[]).await;
    let client = std::sync::Arc::new(client(&emu));
    let card = cash_card(&client, "满100减10元").await;
    let start = std::time::Instant::now();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (c, card) = (client.clone(), card.clone());
            tokio::spawn(async move { c.create_card(&card).await.ok() })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        if let Ok(Some(id)) = t.await {
            ids.push(id);
        }
    }
    let created = start.elapsed();
    let start = std::time::Instant::now();
    let listed = client.list_all_card_ids().await.expect("list");
    let tasks: Vec<_> = listed
        .iter()
        .cloned()
        .map(|id| {
            let c = client.clone();
            tokio::spawn(async move { c.get_card(&id).await.is_ok() })
        })
        .collect();
    let mut got = 0;
    for t in tasks {
        if matches!(t.await, Ok(true)) {
            got += 1;
        }
    }
    println!(
        "1000 creates: {created:?} ({} ok); list + {} gets: {:?} ({got} ok); {} HTTP requests, peak in flight {}",
        ids.len(),
        listed.len(),
        start.elapsed(),
        client.calls_made(),
        client.in_flight_peak()
    );
}
