//! Claims, codes, friends-coupon rules, 券点, whitelist, datacube, quotas and QR codes
//! over real HTTP on 127.0.0.1.

use cardform::emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::emulator_support::*;

async fn claim(e: &Emu, card_id: &str, openid: &str) -> Value {
    let (s, v) = e
        .admin("claim", json!({"card_id": card_id, "openid": openid}))
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn claims_need_approval_or_the_whitelist_and_respect_the_window() {
    let e = start().await;
    let logo = e.logo().await;
    let soon = e.create(friends_cash(&logo, now() + 3 * 86400)).await;
    let later = e.create(friends_cash(&logo, now() + 10 * 86400)).await;
    e.buy_stock(&soon, 10).await;
    e.buy_stock(&later, 10).await;

    assert_eq!(
        claim(&e, &soon, "o-tester").await["errcode"],
        40078,
        "not approved yet"
    );
    let w = e
        .post(
            "/card/testwhitelist/set",
            json!({"openid": ["o-tester"], "username": ["tester_wx"]}),
        )
        .await;
    assert_eq!(w["white_list_size"], 2);
    assert_eq!(
        claim(&e, &soon, "o-tester").await["errcode"],
        0,
        "whitelisted users claim unreviewed cards"
    );
    assert_eq!(claim(&e, &soon, "o-other").await["errcode"], 40078);
    let eleven: Vec<String> = (0..11).map(|i| format!("o-{i}")).collect();
    assert_eq!(
        e.post("/card/testwhitelist/set", json!({"openid": eleven}))
            .await["errcode"],
        40097
    );
    e.post("/card/testwhitelist/set", json!({"openid": []}))
        .await;
    assert_eq!(
        claim(&e, &soon, "o-tester").await["errcode"],
        40078,
        "full replacement"
    );

    e.approve(&soon).await;
    e.approve(&later).await;
    assert_eq!(
        claim(&e, &soon, "o-user").await["errcode"],
        0,
        "5-day window (V1.4)"
    );
    assert_eq!(
        claim(&e, &later, "o-user").await["errcode"],
        40079,
        "more than 5 days early"
    );
    let sku = &e.card(&soon).await["cash"]["base_info"]["sku"];
    assert_eq!(sku, &json!({"quantity": 8, "total_quantity": 10}));

    // get_limit (3 on the plain card).
    let plain = e.create(cash(&logo)).await;
    e.approve(&plain).await;
    for _ in 0..3 {
        assert_eq!(claim(&e, &plain, "o-greedy").await["errcode"], 0);
    }
    assert_eq!(claim(&e, &plain, "o-greedy").await["errcode"], 45033);
}

#[tokio::test]
async fn friends_codes_are_marked_before_consume() {
    let e = start().await;
    let logo = e.logo().await;
    let id = e.create(friends_cash(&logo, now() - 60)).await;
    e.buy_stock(&id, 5).await;
    e.approve(&id).await;
    let code = claim(&e, &id, "o-alice").await["code"]
        .as_str()
        .unwrap()
        .to_string();

    let got = e
        .post("/card/code/get", json!({"code": code, "card_id": id}))
        .await;
    assert_eq!(got["user_card_status"], "NORMAL");
    assert_eq!(got["openid"], "o-alice");
    assert_eq!(got["can_consume"], true);
    let consume = json!({"code": code, "card_id": id});
    assert_eq!(
        e.post("/card/code/consume", consume.clone()).await["errcode"],
        40003,
        "mark first"
    );
    let mark = |openid: &str, is_mark: bool| {
        e.post(
            "/card/code/mark",
            json!({"code": code, "card_id": id, "openid": openid, "is_mark": is_mark}),
        )
    };
    assert_eq!(mark("o-alice", true).await["errcode"], 0);
    assert_eq!(mark("o-alice", false).await["errcode"], 0);
    assert_eq!(
        e.post("/card/code/consume", consume.clone()).await["errcode"],
        40003,
        "unmarked again"
    );
    mark("o-alice", true).await;
    let done = e.post("/card/code/consume", consume.clone()).await;
    assert_eq!(done["errcode"], 0);
    assert_eq!(done["openid"], "o-alice");
    assert_eq!(
        e.post("/card/code/consume", consume).await["errcode"],
        40099
    );
    let got = e.post("/card/code/get", json!({"code": code})).await;
    assert_eq!(got["user_card_status"], "CONSUMED");
    let checked = e
        .post(
            "/card/code/get",
            json!({"code": code, "check_consume": true}),
        )
        .await;
    assert_eq!(checked["errcode"], 40099);
    assert_eq!(
        e.post("/card/code/get", json!({"code": "000"})).await["errcode"],
        40056
    );

    // Datacube counts follow the claim and the consume.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    let q = json!({"begin_date": today, "end_date": today, "cond_source": 1});
    let biz = e.post("/datacube/getcardbizuininfo", q.clone()).await;
    assert_eq!(biz["list"][0]["receive_cnt"], 1, "{biz}");
    assert_eq!(biz["list"][0]["verify_cnt"], 1);
    assert_eq!(biz["list"][0]["receive_user"], 1);
    let per_card = e.post("/datacube/getcardcardinfo", q).await;
    assert_eq!(per_card["list"][0]["card_id"], id.as_str());
    assert_eq!(per_card["list"][0]["card_type"], 1);
    let bad = |b: &str, end: &str| {
        e.post(
            "/datacube/getcardbizuininfo",
            json!({"begin_date": b, "end_date": end, "cond_source": 1}),
        )
    };
    assert_eq!(bad("2015/06/15", "2015-06-16").await["errcode"], 61500);
    assert_eq!(bad("2015-6-15", "2015-06-16").await["errcode"], 61500);
    assert_eq!(
        bad("2015-01-01", "2015-03-05").await["errcode"],
        61501,
        "63 days apart"
    );
    let longest = bad("2015-01-01", "2015-03-04").await;
    assert_eq!(
        longest["list"].as_array().unwrap().len(),
        63,
        "62 days apart, both ends included"
    );
}

#[tokio::test]
async fn coupon_points_buy_friends_stock_in_the_doc_shape() {
    coupon_points_buy_friends_stock(cardform::emulator::Shapes::Doc, |n| json!(n.to_string()))
        .await;
}

#[tokio::test]
async fn coupon_points_buy_friends_stock_in_the_numbers_shape() {
    coupon_points_buy_friends_stock(cardform::emulator::Shapes::Numbers, |n| json!(n)).await;
}

/// The 券点 flow (quote, confirm, balance, orders); `amount` writes a getpayprice or
/// getorder amount in the shape under test (getcoinsinfo writes numbers in both).
async fn coupon_points_buy_friends_stock(
    shapes: cardform::emulator::Shapes,
    amount: fn(u64) -> Value,
) {
    let e = start_with(EmulatorConfig {
        shapes,
        ..EmulatorConfig::default()
    })
    .await;
    let logo = e.logo().await;
    let id = e.create(friends_cash(&logo, now())).await;
    assert_eq!(e.get("/card/pay/activate").await["reward"], 200);
    assert_eq!(e.get("/card/pay/activate").await["reward"], 0);
    let price = e
        .post(
            "/card/pay/getpayprice",
            json!({"card_id": id, "quantity": 100}),
        )
        .await;
    assert_eq!(
        price["price"],
        amount(20),
        "0.2 point per voucher without threshold (§8.2)"
    );
    assert_eq!(price["free_coin"], amount(20));
    assert_eq!(price["pay_coin"], amount(0));
    let order = price["order_id"].as_str().unwrap().to_string();
    let confirm = json!({"card_id": id, "order_id": order, "quantity": 100});
    assert_eq!(
        e.post("/card/pay/confirm", confirm.clone()).await["errcode"],
        0
    );
    assert_eq!(
        e.card(&id).await["cash"]["base_info"]["sku"],
        json!({"quantity": 100, "total_quantity": 100})
    );
    let coins = e.get("/card/pay/getcoinsinfo").await;
    assert_eq!(
        (coins["free_coin"].clone(), coins["total_coin"].clone()),
        (json!(180), json!(180))
    );
    assert_eq!(
        e.post("/card/pay/confirm", confirm).await["errcode"],
        40097,
        "single use"
    );

    let late = e
        .post(
            "/card/pay/getpayprice",
            json!({"card_id": id, "quantity": 10}),
        )
        .await;
    e.advance(61).await;
    let v = e
        .post(
            "/card/pay/confirm",
            json!({"card_id": id, "order_id": late["order_id"], "quantity": 10}),
        )
        .await;
    assert_eq!(v["errcode"], 40097, "quotes are valid 60 s: {v}");

    let plain = e.create(cash(&logo)).await;
    assert_eq!(
        e.post(
            "/card/pay/getpayprice",
            json!({"card_id": plain, "quantity": 1})
        )
        .await["errcode"],
        40078
    );

    let recharge = e
        .post("/card/pay/recharge", json!({"coin_count": 50}))
        .await;
    let rid = recharge["order_id"].as_str().unwrap().to_string();
    let info = e.post("/card/pay/getorder", json!({"order_id": rid})).await;
    assert_eq!(info["order_info"]["status"], "ORDER_STATUS_WAITING");
    let (_, paid) = e.admin("pay", json!({"order_id": rid})).await;
    assert_eq!(paid["errcode"], 0);
    assert_eq!(e.get("/card/pay/getcoinsinfo").await["pay_coin"], 50);
    let info = e.post("/card/pay/getorder", json!({"order_id": rid})).await;
    assert_eq!(info["order_info"]["order_type"], "ORDER_TYPE_WXPAY");
    assert_eq!(info["order_info"]["status"], "ORDER_STATUS_SUCC");
    assert_eq!(info["order_info"]["pay_coin_count"], amount(50));
    assert_eq!(info["order_info"]["free_coin_count"], amount(0));
    assert!(info["order_info"]["create_time"].is_i64(), "{info}");
    let list = e
        .post("/card/pay/getorderlist", json!({"offset": 0, "count": 10}))
        .await;
    let reduce = list["order_list"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["order_type"] == "ORDER_TYPE_REDUCE")
        .cloned()
        .unwrap_or_default();
    assert_eq!(reduce["free_coin_count"], amount(20), "{list}");
}

#[tokio::test]
async fn quotas_and_quota_get() {
    let mut e = start().await;
    let (s, _) = e
        .admin(
            "quotas",
            json!([{"path": "/card/getcolors", "daily": 3, "per_minute": 2}]),
        )
        .await;
    assert_eq!(s, 200);
    let call = async || e.get("/card/getcolors").await["errcode"].as_i64().unwrap();
    assert_eq!(call().await, 0);
    assert_eq!(call().await, 0);
    assert_eq!(call().await, 45011, "per-minute limit");
    e.advance(60).await;
    assert_eq!(call().await, 0);
    assert_eq!(call().await, 45009, "daily limit");
    let q = e
        .post(
            "/cgi-bin/openapi/quota/get",
            json!({"cgi_path": "/card/getcolors"}),
        )
        .await;
    assert_eq!(
        q["quota"],
        json!({"daily_limit": 3, "used": 3, "remain": 0})
    );
    let t = e
        .post(
            "/cgi-bin/openapi/quota/get",
            json!({"cgi_path": "/cgi-bin/token"}),
        )
        .await;
    assert_eq!(t["quota"]["daily_limit"], 2000);
    assert_eq!(t["quota"]["used"], 1);
    let bad = e
        .post(
            "/cgi-bin/openapi/quota/get",
            json!({"cgi_path": "/card/nothing"}),
        )
        .await;
    assert_eq!(bad["errcode"], 76021);
    e.advance(86_400).await;
    e.token = e.fetch_token().await;
    assert_eq!(
        e.get("/card/getcolors").await["errcode"],
        0,
        "a new Beijing day"
    );
}

#[tokio::test]
async fn qrcodes() {
    let e = start().await;
    let logo = e.logo().await;
    let id = e.create(cash(&logo)).await;
    let qr = |unique: bool, expire: Value| {
        let mut body = json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": id, "is_unique_code": unique}}});
        if !expire.is_null() {
            body["expire_seconds"] = expire;
        }
        e.post("/card/qrcode/create", body)
    };
    assert_eq!(
        qr(true, Value::Null).await["errcode"],
        40078,
        "unique codes need an approved card"
    );
    let ok = qr(false, json!(1800)).await;
    assert_eq!(ok["errcode"], 0);
    assert_eq!(ok["expire_seconds"], 1800);
    assert!(ok["ticket"].as_str().is_some());
    assert_eq!(qr(false, json!(30)).await["errcode"], 40097);
    e.approve(&id).await;
    assert_eq!(qr(true, Value::Null).await["errcode"], 0);
    assert_eq!(
        e.post("/card/qrcode/create", json!({"action_name": "QR_SCENE"}))
            .await["errcode"],
        40053
    );
}
