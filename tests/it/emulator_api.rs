//! The emulator's WeChat endpoints over real HTTP on 127.0.0.1 (reference rows cited).

use cardform::emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::emulator_support::*;

async fn code_of(e: &Emu, path: &str, body: Value) -> i64 {
    e.post(path, body).await["errcode"].as_i64().unwrap()
}

#[tokio::test]
async fn tokens_rotate_expire_and_check_credentials() {
    let e = start().await;
    let first = e.token.clone();
    let second = e.fetch_token().await;
    assert_ne!(
        first, second,
        "the classic token rotates on every call (§1.1)"
    );
    let probe = |t: &str| {
        let url = format!("{}/card/getcolors?access_token={t}", e.base());
        let http = e.http.clone();
        async move {
            let v: Value = http.get(url).send().await.unwrap().json().await.unwrap();
            v["errcode"].as_i64().unwrap()
        }
    };
    assert_eq!(
        probe(&first).await,
        0,
        "the previous token stays valid for 5 minutes"
    );
    e.advance(301).await;
    assert_eq!(
        probe(&first).await,
        40001,
        "after 5 minutes it is not the latest"
    );
    assert_eq!(probe(&second).await, 0);
    e.advance(7200).await;
    assert_eq!(probe(&second).await, 42001, "7200 s lifetime");
    assert_eq!(probe("not-a-token").await, 40001);
    let v: Value = e
        .http
        .get(format!("{}/card/getcolors", e.base()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 41001);
    assert!(
        v["errmsg"].as_str().unwrap().contains(" rid: "),
        "WeChat-style trace suffix"
    );

    let classic = |q: &str| {
        let url = format!("{}/cgi-bin/token?{q}", e.base());
        let http = e.http.clone();
        async move {
            http.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let v = classic("grant_type=client_credential&appid=wxsandbox&secret=wrong").await;
    assert_eq!(v["errcode"], 40001);
    let v = classic("grant_type=client_credential&appid=wxother&secret=sandbox-secret").await;
    assert_eq!(v["errcode"], 40013);
    let v = classic("grant_type=client_credential&appid=wxsandbox&secret=sandbox-secret").await;
    assert_eq!(v["expires_in"], 7200);
    assert!(v.get("errcode").is_none());

    let stable = |body: Value| {
        let url = format!("{}/cgi-bin/stable_token", e.base());
        let http = e.http.clone();
        async move {
            http.post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let good = json!({"grant_type": "client_credential", "appid": "wxsandbox", "secret": "sandbox-secret"});
    let a = stable(good.clone()).await["access_token"].clone();
    let b = stable(good.clone()).await["access_token"].clone();
    assert_eq!(a, b, "stable_token returns the same token until expiry");
    let mut forced = good.clone();
    forced["force_refresh"] = json!(true);
    let c = stable(forced).await["access_token"].clone();
    assert_ne!(a, c);
    let mut bad = good;
    bad["secret"] = json!("wrong");
    assert_eq!(stable(bad).await["errcode"], 40125);
}

#[tokio::test]
async fn token_lifetime_is_configurable() {
    let e = start_with(EmulatorConfig {
        token_ttl_secs: 60,
        ..EmulatorConfig::default()
    })
    .await;
    assert_eq!(e.get("/card/getcolors").await["errcode"], 0);
    e.advance(61).await;
    assert_eq!(e.get("/card/getcolors").await["errcode"], 42001);
}

#[tokio::test]
async fn create_validates_as_wechat_does() {
    let e = start().await;
    let logo = e.logo().await;
    let card = cash(&logo);

    let v = e
        .post(
            "/card/create",
            without(card.clone(), "/card/cash/base_info", "title"),
        )
        .await;
    assert_eq!(v["errcode"], 41011);
    assert!(
        v["errmsg"].as_str().unwrap().contains("base_info.title"),
        "{v}"
    );
    let cases = [
        (
            "/card/cash/base_info/brand_name",
            json!("海底捞火锅海底捞火锅海底捞"),
            45021,
        ),
        (
            "/card/cash/base_info/title",
            json!("双人套餐100元兑换券券"),
            45021,
        ),
        ("/card/cash/base_info/color", json!("Color999"), 40071),
        (
            "/card/cash/base_info/code_type",
            json!("CODE_TYPE_FANCY"),
            40071,
        ),
        (
            "/card/cash/base_info/logo_url",
            json!("http://example.com/logo.png"),
            40071,
        ),
        ("/card/cash/base_info/sku/quantity", json!(0), 40122),
        (
            "/card/cash/base_info/sku/quantity",
            json!(100_000_001),
            40122,
        ),
        (
            "/card/cash/base_info/date_info/type",
            json!("DATE_TYPE_SOMETIMES"),
            40071,
        ),
        (
            "/card/cash/base_info/date_info/end_timestamp",
            json!(1),
            40100,
        ),
        ("/card/cash/base_info/get_limit", json!("lots"), 47001),
        ("/card/card_type", json!("BOGUS"), 40071),
    ];
    for (pointer, value, code) in cases {
        let v = e
            .post("/card/create", with(card.clone(), pointer, value.clone()))
            .await;
        assert_eq!(v["errcode"], code, "{pointer} = {value}: {v}");
    }
    let v = e
        .post(
            "/card/create",
            without(card.clone(), "/card/cash", "reduce_cost"),
        )
        .await;
    assert_eq!(v["errcode"], 41011);
    // The per-type object must sit under the lower-case type key.
    let inner = card["card"]["cash"].clone();
    let wrong = json!({"card": {"card_type": "CASH", "groupon": inner.clone()}});
    assert_eq!(code_of(&e, "/card/create", wrong).await, 40071);
    let upper = json!({"card": {"card_type": "CASH", "CASH": inner}});
    assert_eq!(code_of(&e, "/card/create", upper).await, 40071);
    let discount = json!({"card": {"card_type": "DISCOUNT", "discount": {
        "base_info": card["card"]["cash"]["base_info"].clone(), "discount": 100 }}});
    assert_eq!(code_of(&e, "/card/create", discount).await, 40071);

    let id = e.create(card).await;
    assert_eq!(id.len(), 28, "{id}");
    assert!(id.starts_with('p'));
    assert!(
        id.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    let got = e.card(&id).await;
    assert_eq!(got["cash"]["base_info"]["status"], "CARD_STATUS_NOT_VERIFY");
    assert_eq!(
        got["cash"]["base_info"]["sku"],
        json!({"quantity": 100, "total_quantity": 100})
    );
}

#[tokio::test]
async fn friends_coupons_follow_their_rules() {
    let e = start().await;
    let logo = e.logo().await;
    let card = friends_cash(&logo, now() + 86400);
    // The title is WeChat's to build (§8.2): not required.
    let id = e.create(card.clone()).await;
    assert_eq!(
        e.card(&id).await["cash"]["advanced_info"]["share_friends"],
        true
    );
    let cases = [
        ("/card/cash/base_info/can_share", json!(true), 47001),
        ("/card/cash/base_info/location_id_list", json!([]), 41011),
        ("/card/cash/advanced_info/text_image_list", json!([]), 41011),
        (
            "/card/cash/base_info/date_info",
            json!({"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30}),
            47001,
        ),
        // One length policy: string(48) (the update table's 16 汉字) is the limit; the
        // friends create table's 12 汉字 is a validate warning.
        (
            "/card/cash/base_info/notice",
            json!("一二三四五六七八九十一二三四五六七"),
            45021,
        ),
        (
            "/card/cash/advanced_info/consume_share_self_num",
            json!(2),
            47001,
        ),
        ("/card/card_type", json!("GROUPON"), 40071),
    ];
    for (pointer, value, code) in cases {
        let v = e
            .post("/card/create", with(card.clone(), pointer, value.clone()))
            .await;
        assert_eq!(v["errcode"], code, "{pointer} = {value}: {v}");
    }
    let v = e
        .post(
            "/card/create",
            without(card.clone(), "/card/cash/base_info", "can_give_friend"),
        )
        .await;
    assert_eq!(v["errcode"], 41011);
    // The card given after redemption must exist and be a friends coupon.
    let plain = e.create(cash(&logo)).await;
    let refer = |target: &str| {
        with(
            card.clone(),
            "/card/cash/advanced_info",
            json!({
                "share_friends": true,
                "text_image_list": [{ "image_url": logo, "text": "好吃" }],
                "consume_share_card_list": [{ "card_id": target, "num": 1 }]
            }),
        )
    };
    assert_eq!(
        code_of(&e, "/card/create", refer("pNoSuchCard")).await,
        40073
    );
    assert_eq!(code_of(&e, "/card/create", refer(&plain)).await, 47001);
    e.create(refer(&id)).await;
}

#[tokio::test]
async fn get_echoes_what_was_sent_in_wechats_shape() {
    let e = start().await;
    let logo = e.logo().await;
    let sent = cash(&logo);
    let id = e.create(sent.clone()).await;
    let got = e.card(&id).await;
    assert_eq!(got["card_type"], "CASH");
    let base = &got["cash"]["base_info"];
    for (key, value) in sent["card"]["cash"]["base_info"].as_object().unwrap() {
        match key.as_str() {
            "color" => assert_eq!(base["color"], "#63b359", "colour as hex (§5)"),
            "sku" => {}
            _ => assert_eq!(&base[key], value, "{key} echoed"),
        }
    }
    assert_eq!(base["id"], id.as_str());
    assert!(base["create_time"].as_i64().unwrap() > 0);
    assert_eq!(base["create_time"], base["update_time"]);
    assert_eq!(base["location_id_list"], json!([]));
    assert_eq!(
        base["area_code_list"],
        json!([]),
        "an unknown extra field clients must ignore"
    );
    assert_eq!(got["cash"]["least_cost"], 0);
    assert_eq!(got["cash"]["reduce_cost"], 1000);
    let adv = &got["cash"]["advanced_info"];
    for list in [
        "time_limit",
        "text_image_list",
        "business_service",
        "consume_share_card_list",
    ] {
        assert_eq!(adv[list], json!([]), "{list}");
    }
    assert_eq!(adv["share_friends"], false);
    assert_eq!(
        code_of(
            &e,
            "/card/get",
            json!({"card_id": "pNoSuchCardxxxxxxxxxxxxxxxxx"})
        )
        .await,
        40073
    );
    assert_eq!(code_of(&e, "/card/get", json!({})).await, 41012);
    // The admin dump is the same shape.
    let (_, dump) = e.admin("cards", Value::Null).await;
    assert_eq!(dump["cards"][0], got);
}

#[tokio::test]
async fn batchget_pages_filters_and_drops_deleted_cards() {
    let e = start().await;
    let logo = e.logo().await;
    let mut ids = Vec::new();
    for _ in 0..53 {
        ids.push(e.create(cash(&logo)).await);
    }
    let page = |offset: u64, count: u64, status: Option<Value>| {
        let mut body = json!({"offset": offset, "count": count});
        if let Some(s) = status {
            body["status_list"] = s;
        }
        e.post("/card/batchget", body)
    };
    let p1 = page(0, 50, None).await;
    assert_eq!(p1["total_num"], 53);
    assert_eq!(p1["card_id_list"].as_array().unwrap().len(), 50);
    let p2 = page(50, 50, None).await;
    let mut all: Vec<Value> = p1["card_id_list"].as_array().unwrap().clone();
    all.extend(p2["card_id_list"].as_array().unwrap().clone());
    assert_eq!(
        all,
        ids.iter().map(|i| json!(i)).collect::<Vec<_>>(),
        "creation order"
    );
    assert_eq!(
        page(0, 51, None).await["errcode"],
        40097,
        "count ≤ 50 (§6.1)"
    );

    e.approve(&ids[1]).await;
    e.approve(&ids[2]).await;
    let ok = page(0, 50, Some(json!(["CARD_STATUS_VERIFY_OK"]))).await;
    assert_eq!(ok["card_id_list"], json!([ids[1], ids[2]]));
    assert_eq!(
        page(0, 50, Some(json!("CARD_STATUS_NOT_VERIFY"))).await["total_num"],
        51
    );

    assert_eq!(
        code_of(&e, "/card/delete", json!({"card_id": ids[1]})).await,
        0
    );
    assert_eq!(
        page(0, 50, None).await["total_num"],
        52,
        "deleted cards drop out"
    );
    assert_eq!(
        page(0, 50, Some(json!(["CARD_STATUS_DELETE"]))).await["total_num"],
        0
    );
    let deleted = e.card(&ids[1]).await;
    assert_eq!(deleted["cash"]["base_info"]["status"], "CARD_STATUS_DELETE");
    assert_eq!(
        code_of(&e, "/card/delete", json!({"card_id": ids[1]})).await,
        40073
    );
    let upd = json!({"card_id": ids[1], "cash": {"base_info": {"service_phone": "1"}}});
    assert_eq!(code_of(&e, "/card/update", upd).await, 40073);
}

#[tokio::test]
async fn update_follows_the_rule_table() {
    let e = start().await;
    let logo = e.logo().await;
    let id = e.create(cash(&logo)).await;
    e.approve(&id).await;
    let update = |patch: Value| e.post("/card/update", json!({"card_id": id, "cash": patch}));

    for (patch, why) in [
        (
            json!({"base_info": {"brand_name": "新商户"}}),
            "brand_name is immutable",
        ),
        (
            json!({"base_info": {"title": "新标题"}}),
            "title on coupons",
        ),
        (json!({"reduce_cost": 2000}), "type amounts"),
        (
            json!({"base_info": {"sku": {"quantity": 5}}}),
            "stock goes through modifystock",
        ),
        (
            json!({"base_info": {"use_custom_code": true}}),
            "not on the update list",
        ),
        (
            json!({"base_info": {"date_info": {"fixed_term": 3}}}),
            "fixed_term",
        ),
    ] {
        let v = update(patch).await;
        let expected = if why == "fixed_term" { 40100 } else { 47001 };
        assert_eq!(v["errcode"], expected, "{why}: {v}");
    }
    let wrong_key = json!({"card_id": id, "groupon": {"base_info": {"service_phone": "1"}}});
    assert_eq!(code_of(&e, "/card/update", wrong_key).await, 47001);
    assert_eq!(
        update(json!({"base_info": {"notice": "x".repeat(49)}})).await["errcode"],
        45021
    );

    let before = e.card(&id).await["cash"]["base_info"]["update_time"]
        .as_i64()
        .unwrap();
    e.advance(5).await;
    let v = update(json!({"base_info": {"service_phone": "020-1234"}})).await;
    assert_eq!(
        v,
        json!({"errcode": 0, "errmsg": "ok", "send_check": false})
    );
    let got = e.card(&id).await;
    assert_eq!(got["cash"]["base_info"]["service_phone"], "020-1234");
    assert_eq!(got["cash"]["base_info"]["status"], "CARD_STATUS_VERIFY_OK");
    assert!(
        got["cash"]["base_info"]["update_time"].as_i64().unwrap() > before,
        "update_time moves"
    );

    let same = update(json!({"base_info": {"notice": "出示即可使用"}})).await;
    assert_eq!(
        same["send_check"], false,
        "an unchanged value is not a change"
    );
    let v = update(json!({"base_info": {"notice": "新的提示", "color": "Color020"}})).await;
    assert_eq!(v["send_check"], true);
    let got = e.card(&id).await;
    assert_eq!(got["cash"]["base_info"]["status"], "CARD_STATUS_NOT_VERIFY");
    assert_eq!(got["cash"]["base_info"]["color"], "#2c9f67");
    assert_eq!(got["cash"]["base_info"]["notice"], "新的提示");

    // date_info: widen only, same type, WeChat's message (§4.3).
    let dates = got["cash"]["base_info"]["date_info"].clone();
    let (b, end) = (
        dates["begin_timestamp"].as_i64().unwrap(),
        dates["end_timestamp"].as_i64().unwrap(),
    );
    let narrow = update(json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": b, "end_timestamp": end - 1}}})).await;
    assert_eq!(narrow["errcode"], 40100);
    assert!(
        narrow["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("invalid DateInfo, Make Sure OldDateInfoType==NewDateInfoType")
    );
    let other_type =
        update(json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TERM"}}})).await;
    assert_eq!(other_type["errcode"], 40100);
    let wide = update(json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": b - 86400, "end_timestamp": end + 86400}}})).await;
    assert_eq!(wide["errcode"], 0, "{wide}");
    assert_eq!(wide["send_check"], false);
    assert_eq!(
        e.card(&id).await["cash"]["base_info"]["date_info"]["end_timestamp"],
        end + 86400
    );
}

#[tokio::test]
async fn stock_arithmetic() {
    let e = start().await;
    let logo = e.logo().await;
    let id = e.create(cash(&logo)).await;
    e.approve(&id).await;
    let sku = async |e: &Emu| e.card(&id).await["cash"]["base_info"]["sku"].clone();
    let modify = |inc: u64, red: u64| {
        e.post(
            "/card/modifystock",
            json!({"card_id": id, "increase_stock_value": inc, "reduce_stock_value": red}),
        )
    };
    assert_eq!(modify(10, 0).await["errcode"], 0);
    assert_eq!(
        sku(&e).await,
        json!({"quantity": 110, "total_quantity": 110})
    );
    let (s, claim) = e
        .admin("claim", json!({"card_id": id, "openid": "o-user-1"}))
        .await;
    assert_eq!((s, claim["errcode"].clone()), (200, json!(0)), "{claim}");
    assert_eq!(
        sku(&e).await,
        json!({"quantity": 109, "total_quantity": 110}),
        "claims take remaining stock"
    );
    assert_eq!(modify(0, 9).await["errcode"], 0);
    assert_eq!(
        sku(&e).await,
        json!({"quantity": 100, "total_quantity": 101})
    );
    assert_eq!(modify(0, 101).await["errcode"], 40122, "below zero");
    assert_eq!(modify(0, 100).await["errcode"], 0);
    let (_, refused) = e
        .admin("claim", json!({"card_id": id, "openid": "o-user-2"}))
        .await;
    assert_eq!(refused["errcode"], 45031, "stock is zero");
    assert_eq!(
        e.post(
            "/card/modifystock",
            json!({"card_id": id, "increase_stock_value": -1})
        )
        .await["errcode"],
        40122
    );
}

#[tokio::test]
async fn uploadimg_limits() {
    let e = start().await;
    let png = e.upload(PNG, "a.png").await;
    assert!(
        png.get("errcode").is_none(),
        "success carries no errcode (§15): {png}"
    );
    let url = png["url"].as_str().unwrap();
    assert!(url.starts_with("http://mmbiz.qpic.cn/mmbiz/"), "{url}");
    assert_eq!(
        e.upload(PNG, "again.png").await["url"],
        url,
        "stable for the same bytes"
    );
    assert!(e.upload(JPG, "a.jpg").await["url"].as_str().is_some());
    assert_ne!(e.upload(JPG, "a.jpg").await["url"], url);
    assert_eq!(e.upload(b"GIF89a....", "a.gif").await["errcode"], 40005);
    let mut big = PNG.to_vec();
    big.resize(1024 * 1024 + 1, 0);
    assert_eq!(e.upload(&big, "big.png").await["errcode"], 40009);
    let mut huge = PNG.to_vec();
    huge.resize(5 * 1024 * 1024, 0);
    assert_eq!(e.upload(&huge, "huge.png").await["errcode"], 40009);
    let form = reqwest::multipart::Form::new().text("other", "x");
    let v: Value = e
        .http
        .post(e.url("/cgi-bin/media/uploadimg"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 41005);
}

#[tokio::test]
async fn review_by_admin_or_after_the_delay() {
    let e = start_with(EmulatorConfig {
        review_delay_ms: 60_000,
        ..EmulatorConfig::default()
    })
    .await;
    let logo = e.logo().await;
    let a = e.create(cash(&logo)).await;
    let b = e.create(cash(&logo)).await;
    let (s, _) = e
        .admin(
            "review",
            json!({"card_id": b, "result": "fail", "reason": "图片不清晰"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        e.card(&b).await["cash"]["base_info"]["status"],
        "CARD_STATUS_VERIFY_FAIL"
    );
    assert_eq!(
        e.card(&a).await["cash"]["base_info"]["status"],
        "CARD_STATUS_NOT_VERIFY"
    );
    e.advance(61).await;
    assert_eq!(
        e.card(&a).await["cash"]["base_info"]["status"],
        "CARD_STATUS_VERIFY_OK"
    );
    let (s, _) = e
        .admin("review", json!({"card_id": "nope", "result": "pass"}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = e
        .admin("review", json!({"card_id": a, "result": "maybe"}))
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn colors_methods_and_unknown_paths() {
    let e = start().await;
    let colors = e.get("/card/getcolors").await;
    assert_eq!(
        colors["colors"][0],
        json!({"name": "Color010", "value": "#63b359"})
    );
    let v: Value = e
        .http
        .post(e.url("/card/getcolors"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 43001);
    let v: Value = e
        .http
        .get(e.url("/card/create"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 43002);
    let v: Value = e
        .http
        .post(e.url("/card/get"))
        .body("")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 44002);
    let v: Value = e
        .http
        .post(e.url("/card/get"))
        .body("{not json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 47001);
    let resp = e.http.post(e.url("/card/nothing")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}

#[tokio::test]
async fn odd_bodies_get_errcodes_never_a_crash() {
    let e = start().await;
    let logo = e.logo().await;
    let id = e.create(cash(&logo)).await;
    let odd = [
        json!(null),
        json!([]),
        json!(1),
        json!("card"),
        json!({"card": []}),
        json!({"card": {"card_type": 5}}),
        json!({"card": {"card_type": "CASH", "cash": {"base_info": []}}}),
        json!({"card_id": id, "cash": {"base_info": {"date_info": {"end_timestamp": -5}}}}),
        json!({"card_id": id, "cash": {"base_info": {"date_info": {"type": 99}}}}),
        json!({"card_id": id, "cash": []}),
        json!({"card_id": id, "increase_stock_value": u64::MAX, "reduce_stock_value": u64::MAX}),
        json!({"card_id": id, "quantity": u64::MAX}),
        json!({"card_id": [id], "offset": -1, "count": 1e300}),
        json!({"code": {"x": 1}, "is_mark": "yes"}),
        json!({"begin_date": "2015-02-30", "end_date": "9999-99-99", "cond_source": -1}),
        json!({"action_name": "QR_MULTIPLE_CARD", "action_info": {"multiple_card": {"card_list": [{}]}}}),
        json!({"cgi_path": 7}),
        json!({"openid": "not-a-list"}),
    ];
    let paths = [
        "/card/create",
        "/card/get",
        "/card/batchget",
        "/card/update",
        "/card/delete",
        "/card/modifystock",
        "/card/testwhitelist/set",
        "/card/qrcode/create",
        "/card/code/get",
        "/card/code/mark",
        "/card/code/consume",
        "/datacube/getcardbizuininfo",
        "/datacube/getcardcardinfo",
        "/card/pay/getpayprice",
        "/card/pay/confirm",
        "/card/pay/recharge",
        "/card/pay/getorder",
        "/cgi-bin/openapi/quota/get",
        "/cgi-bin/stable_token",
    ];
    for path in paths {
        for body in &odd {
            let v = e.post(path, body.clone()).await;
            assert!(v["errcode"].is_i64(), "{path} {body}: {v}");
        }
    }
    // Deep nesting and a flood of keys.
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({ "base_info": deep });
    }
    let fresh = e.create(cash(&logo)).await;
    let v = e
        .post("/card/update", json!({"card_id": fresh, "cash": deep}))
        .await;
    assert_eq!(v["errcode"], 47001);
    assert_eq!(
        e.card(&fresh).await["cash"]["reduce_cost"],
        1000,
        "the card is unharmed"
    );
}

#[tokio::test]
async fn custom_codes_deposit_check_and_change() {
    let e = start().await;
    let logo = e.logo().await;
    let mut card = cash(&logo);
    let base = &mut card["card"]["cash"]["base_info"];
    base["use_custom_code"] = json!(true);
    base["get_custom_code_mode"] = json!("GET_CUSTOM_CODE_MODE_DEPOSIT");
    base["sku"] = json!({"quantity": 0});
    let id = e.create(card).await;
    let too_many: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
    let v = e
        .post(
            "/card/code/deposit",
            json!({"card_id": id, "code": too_many}),
        )
        .await;
    assert_eq!(v["errcode"], 40109, "at most 100 codes a call: {v}");
    let v = e
        .post(
            "/card/code/deposit",
            json!({"card_id": id, "code": ["a1", "a1", ""]}),
        )
        .await;
    assert_eq!(v["succ_code"], json!(["a1"]));
    assert_eq!(v["duplicate_code"], json!(["a1"]));
    assert_eq!(v["fail_code"], json!([""]));
    let v = e
        .post("/card/code/getdepositcount", json!({"card_id": id}))
        .await;
    assert_eq!(v["count"], 1);

    // code/update: custom-code cards only; the old code is gone afterwards.
    e.post(
        "/card/modifystock",
        json!({"card_id": id, "increase_stock_value": 1}),
    )
    .await;
    e.approve(&id).await;
    let (_, claimed) = e
        .admin("claim", json!({"card_id": id, "openid": "o-1"}))
        .await;
    let old = claimed["code"].as_str().unwrap().to_string();
    let v = e
        .post(
            "/card/code/update",
            json!({"card_id": id, "code": old, "new_code": "n-1"}),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(
        e.post("/card/code/get", json!({"code": old})).await["errcode"],
        40056
    );
    assert_eq!(
        e.post("/card/code/get", json!({"code": "n-1"})).await["openid"],
        "o-1"
    );
    let plain = e.create(cash(&logo)).await;
    e.approve(&plain).await;
    let (_, claimed) = e
        .admin("claim", json!({"card_id": plain, "openid": "o-1"}))
        .await;
    let v = e
        .post(
            "/card/code/update",
            json!({"code": claimed["code"], "new_code": "n-2"}),
        )
        .await;
    assert_eq!(v["errcode"], 43009, "{v}");
}
