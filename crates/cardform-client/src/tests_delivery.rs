//! The readers of the delivery and 券点 answers, on the bodies WeChat's documentation
//! shows (reference §6.3, §6.4, §7, §8.6) and on older or partial shapes: absent
//! counters read as 0, a wrong type is `Malformed` (never a panic).

use cardform_spec::Points;
use serde_json::json;

use super::delivery::{CubeScope, QrRequest};
use super::error::ApiError;
use super::mock::{Mock, Reply};

#[tokio::test]
async fn documented_and_partial_bodies_are_read() {
    let mock = Mock::start("tok").await;
    // The official qrcode/create example (ticket, expire_seconds, url, show_qrcode_url).
    mock.script(
        "/card/qrcode/create",
        vec![
            Reply::Json(json!({
                "errcode": 0, "errmsg": "ok",
                "ticket": "gQHB8DoAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL0JIV3lhX3psZmlvSDZmWGVMMTZvAAIEsNnKVQMEIAMAAA==",
                "expire_seconds": 1800,
                "url": "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o",
                "show_qrcode_url": "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH98DoAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL0czVzRlSWpsY3dFR3FqTFpzOWNGAAIEXcbwVQMEIAMAAA%3D%3D"
            })),
            // Without expire_seconds (a code valid 365 days).
            Reply::Json(json!({"errcode": 0, "errmsg": "ok", "ticket": "t", "url": "http://weixin.qq.com/q/x", "show_qrcode_url": "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=t"})),
            Reply::Json(json!({"errcode": 0, "errmsg": "ok", "ticket": 5, "url": "u", "show_qrcode_url": "s"})),
        ],
    );
    // The seed's datacube example, then a row with only its date (older answers).
    mock.script(
        "/datacube/getcardbizuininfo",
        vec![
            Reply::Json(json!({"list": [{"ref_date": "2015-06-23", "view_cnt": 1, "view_user": 1, "receive_cnt": 1, "receive_user": 1, "verify_cnt": 0, "verify_user": 0, "given_cnt": 0, "given_user": 0, "expire_cnt": 0, "expire_user": 0}]})),
            Reply::Json(json!({"list": [{"ref_date": "2015-06-24"}]})),
            Reply::Json(json!({"errcode": 0})),
        ],
    );
    mock.script(
        "/card/pay/getorderlist",
        vec![Reply::Json(json!({"errcode": 0, "errmsg": "ok", "total_num": 1, "order_list": [{"order_id": "100000001", "status": "ORDER_STATUS_SUCC", "create_time": 1450000000, "order_type": "ORDER_TYPE_SYS_ADD", "free_coin_count": 200}]}))],
    );
    mock.script(
        "/card/pay/getcoinsinfo",
        vec![Reply::Json(
            json!({"errcode": 0, "errmsg": "ok", "free_coin": 200, "pay_coin": 0}),
        )],
    );
    mock.script(
        "/card/testwhitelist/set",
        vec![Reply::Json(json!({"errcode": 0, "errmsg": "ok"}))],
    );
    let client = mock.client("s");
    let req = QrRequest {
        card_id: "p1".into(),
        ..QrRequest::default()
    };
    let qr = client.create_qrcode(&req).await.map_err(|e| e.to_string());
    assert_eq!(
        qr.map(|q| (q.expire_seconds, q.url)),
        Ok((
            Some(1800),
            "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o".to_string()
        ))
    );
    let qr = client.create_qrcode(&req).await.map_err(|e| e.to_string());
    assert_eq!(qr.map(|q| q.expire_seconds), Ok(None));
    assert!(matches!(
        client.create_qrcode(&req).await,
        Err(ApiError::Malformed { .. })
    ));

    let days = client
        .datacube(
            "2015-06-23",
            "2015-06-24",
            CubeScope::Account,
            super::delivery::CubeSource::Api,
        )
        .await
        .map_err(|e| e.to_string());
    assert_eq!(
        days.map(|d| (d.len(), d[0].view_cnt, d[0].receive_cnt)),
        Ok((1, 1, 1))
    );
    let days = client
        .datacube(
            "2015-06-24",
            "2015-06-24",
            CubeScope::Account,
            super::delivery::CubeSource::Api,
        )
        .await
        .map_err(|e| e.to_string());
    assert_eq!(
        days.map(|d| (d[0].ref_date.clone(), d[0].verify_cnt)),
        Ok(("2015-06-24".to_string(), 0))
    );
    // No list at all: no rows (a day without data), not an error.
    let days = client
        .datacube(
            "2015-06-25",
            "2015-06-25",
            CubeScope::Account,
            super::delivery::CubeSource::Api,
        )
        .await
        .map_err(|e| e.to_string());
    assert_eq!(days.map(|d| d.len()), Ok(0));

    let orders = client
        .coin_orders(0, 20, 0, 2_000_000_000)
        .await
        .map_err(|e| e.to_string());
    assert_eq!(
        orders.map(|o| (
            o.total_num,
            o.order_list[0].free_coin_count,
            o.order_list[0].pay_coin_count
        )),
        Ok((1, Points::whole(200), Points::ZERO))
    );
    // Older answers leave total_coin out.
    let b = client.coin_balance().await.map_err(|e| e.to_string());
    assert_eq!(
        b.map(|b| (b.free_coin, b.total_coin)),
        Ok((Points::whole(200), Points::ZERO))
    );
    let w = client
        .set_test_whitelist(&["o1".into()], &[])
        .await
        .map_err(|e| e.to_string());
    assert_eq!(w.map(|w| w.white_list_size), Ok(0));
    let body = mock
        .calls()
        .into_iter()
        .find(|c| c.path == "/card/testwhitelist/set")
        .map(|c| String::from_utf8_lossy(&c.body).to_string())
        .unwrap_or_default();
    assert_eq!(body, r#"{"openid":["o1"],"username":[]}"#);
}
