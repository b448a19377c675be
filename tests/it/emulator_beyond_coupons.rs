//! The endpoints third-party clients (wechatpy's `WeChatCard`) have beyond coupons, over
//! real HTTP on 127.0.0.1: stores (`card/location/batchadd`), member cards
//! (`card/membercard/*`), pay-gift rules (`card/paygiftcard/*`) and the special
//! tickets. Each test is named after the doc passage it checks; the happy paths are
//! driven by wechatpy itself in `wechatpy_witness`.

use cardform::emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::emulator_support::*;

fn store(name: &str) -> Value {
    json!({ "business_name": name, "branch_name": "一店", "province": "广东省", "city": "广州市",
            "district": "天河区", "address": "华夏路10号", "telephone": "020-12345678",
            "category": "美食,快餐", "longitude": 113.32, "latitude": 23.12 })
}

/// A card of a type beyond coupons, its per-type object `fields`.
fn special(logo: &str, card_type: &str, fields: Value) -> Value {
    let base = cash(logo)["card"]["cash"]["base_info"].clone();
    let mut obj = fields;
    obj["base_info"] = base;
    json!({ "card": { "card_type": card_type, card_type.to_lowercase(): obj } })
}

fn member_card(logo: &str, supply_balance: bool) -> Value {
    special(
        logo,
        "MEMBER_CARD",
        json!({ "prerogative": "会员九折", "supply_bonus": true,
                "supply_balance": supply_balance, "wx_activate": true }),
    )
}

async fn claim(e: &Emu, card_id: &str) -> String {
    let (s, v) = e
        .admin("claim", json!({ "card_id": card_id, "openid": "o-member" }))
        .await;
    assert_eq!((s, &v["errcode"]), (200, &json!(0)), "{v}");
    v["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn batchadd_answers_minus_one_for_a_store_that_failed_and_new_stores_persist() {
    let dir = tempfile::tempdir().unwrap();
    let config = EmulatorConfig {
        data: Some(dir.path().join("world.json")),
        ..EmulatorConfig::default()
    };
    let e = start_with(config.clone()).await;
    let mut incomplete = store("缺地址");
    incomplete.as_object_mut().unwrap().remove("address");
    let added = e
        .post(
            "/card/location/batchadd",
            json!({ "location_list": [store("甲"), incomplete, store("乙")] }),
        )
        .await;
    let ids = added["location_id_list"].as_array().unwrap().clone();
    assert_eq!(ids.len(), 3, "{added}");
    assert_eq!(ids[1], -1, "the store without an address failed: {added}");
    assert!(ids[0].as_i64().unwrap() > 0 && ids[2] != ids[0]);
    assert_eq!(
        e.post("/card/location/batchadd", json!({ "location_list": [] }))
            .await["errcode"],
        41011
    );
    // A friends coupon may name a store batchadd created.
    let logo = e.logo().await;
    let friends = with(
        friends_cash(&logo, now() + 86400),
        "/card/cash/base_info/location_id_list",
        json!([ids[0]]),
    );
    e.create(friends).await;
    e.emu.shutdown().await.unwrap();

    let e = start_with(config).await;
    let list = e
        .post(
            "/card/location/batchget",
            json!({ "offset": 0, "count": 0 }),
        )
        .await;
    let stores = list["location_list"].as_array().unwrap();
    // The doc shape writes the id as a string, as the doc sample does.
    assert!(
        stores.contains(&json!({ "location_id": "401234567" })),
        "{list}"
    );
    let first = stores
        .iter()
        .find(|s| s["location_id"] == json!(ids[0].to_string()))
        .expect("the new store survives a restart");
    assert_eq!(first["business_name"], "甲");
    assert_eq!(first["phone"], "020-12345678");
    assert_eq!(list["count"], 5);
}

#[tokio::test]
async fn member_card_create_requires_prerogative_supply_bonus_and_supply_balance() {
    let e = start().await;
    let logo = e.logo().await;
    for key in ["prerogative", "supply_bonus", "supply_balance"] {
        let body = without(member_card(&logo, true), "/card/member_card", key);
        let v = e.post("/card/create", body).await;
        assert_eq!(v["errcode"], 41011, "{key}: {v}");
        assert!(v["errmsg"].as_str().unwrap().contains(key), "{v}");
    }
    let both = with(
        member_card(&logo, true),
        "/card/member_card/activate_url",
        json!("https://shop.example.com/activate"),
    );
    assert_eq!(
        e.post("/card/create", both).await["errcode"],
        47001,
        "wx_activate excludes activate_url"
    );
    let permanent = with(
        member_card(&logo, true),
        "/card/member_card/base_info/date_info",
        json!({ "type": "DATE_TYPE_PERMANENT" }),
    );
    let id = e.create(permanent).await;
    let card = e.card(&id).await;
    assert_eq!(card["card_type"], "MEMBER_CARD");
    let member = &card["member_card"];
    assert_eq!(member["base_info"]["status"], "CARD_STATUS_NOT_VERIFY");
    assert_eq!(member["base_info"]["sku"]["quantity"], 100);
    assert_eq!(member["prerogative"], "会员九折");
    let page = e
        .post("/card/batchget", json!({ "offset": 0, "count": 50 }))
        .await;
    assert_eq!(
        page["card_id_list"],
        json!([id]),
        "batchget lists member cards"
    );
    let coupon_permanent = with(
        cash(&logo),
        "/card/cash/base_info/date_info",
        json!({ "type": "DATE_TYPE_PERMANENT" }),
    );
    assert_eq!(
        e.post("/card/create", coupon_permanent).await["errcode"],
        40071,
        "DATE_TYPE_PERMANENT is for member cards"
    );
}

#[tokio::test]
async fn update_member_info_needs_an_activated_member_card_code() {
    let e = start().await;
    let logo = e.logo().await;
    let card = e.create(member_card(&logo, false)).await;
    e.approve(&card).await;
    let code = claim(&e, &card).await;
    let update = |body: Value| e.post("/card/membercard/updateuser", body);
    assert_eq!(
        update(json!({ "code": code, "card_id": card, "add_bonus": 10 })).await["errcode"],
        40078,
        "not activated yet"
    );
    let activate = json!({ "membership_number": "M001", "code": code, "card_id": card,
                           "init_bonus": 100 });
    assert_eq!(
        e.post(
            "/card/membercard/activate",
            without(activate.clone(), "", "membership_number")
        )
        .await["errcode"],
        41011
    );
    assert_eq!(
        e.post("/card/membercard/activate", activate.clone()).await["errcode"],
        0
    );
    assert_eq!(
        e.post("/card/membercard/activate", activate).await["errcode"],
        40078,
        "already activated"
    );
    let v = update(json!({ "code": code, "card_id": card, "bonus": 500, "add_bonus": 7 })).await;
    assert_eq!(
        v["result_bonus"], 500,
        "bonus (the total) wins over add_bonus: {v}"
    );
    assert_eq!(
        update(json!({ "code": code, "card_id": card, "add_bonus": -501 })).await["errcode"],
        40097,
        "points cannot go below 0"
    );
    assert_eq!(
        update(json!({ "code": code, "card_id": card, "add_balance": 10 })).await["errcode"],
        40097,
        "the card does not supply a balance"
    );
    assert_eq!(
        update(json!({ "code": code, "add_bonus": 1 })).await["errcode"],
        41012,
        "card_id is required"
    );
    assert_eq!(
        update(json!({ "code": "999999999999", "card_id": card })).await["errcode"],
        40056
    );
    let info = e
        .post(
            "/card/membercard/userinfo/get",
            json!({ "card_id": card, "code": code }),
        )
        .await;
    assert_eq!(
        (info["bonus"].clone(), info["has_active"].clone()),
        (json!(500), json!(true))
    );

    // A coupon's code is not a member card's.
    let coupon = e.create(cash(&logo)).await;
    e.approve(&coupon).await;
    let coupon_code = claim(&e, &coupon).await;
    let v = update(json!({ "code": coupon_code, "card_id": coupon, "add_bonus": 1 })).await;
    assert_eq!(v["errcode"], 40071, "{v}");
}

#[tokio::test]
async fn activation_form_fields_and_activate_ticket() {
    let e = start().await;
    let logo = e.logo().await;
    let card = e.create(member_card(&logo, true)).await;
    e.approve(&card).await;
    let bad_flag = json!({ "card_id": card,
        "required_form": { "common_field_id_list": ["USER_FORM_INFO_FLAG_SHOE_SIZE"] } });
    assert_eq!(
        e.post("/card/membercard/activateuserform/set", bad_flag)
            .await["errcode"],
        40071
    );
    let form = json!({ "card_id": card,
        "required_form": { "common_field_id_list": ["USER_FORM_INFO_FLAG_MOBILE"] } });
    assert_eq!(
        e.post("/card/membercard/activateuserform/set", form).await["errcode"],
        0
    );
    let code = claim(&e, &card).await;
    let (_, v) = e
        .admin("activate_form", json!({ "card_id": card, "code": code }))
        .await;
    assert_eq!(v["errcode"], 41011, "the required mobile is missing: {v}");
    assert_eq!(
        e.post(
            "/card/membercard/activatetempinfo/get",
            json!({ "activate_ticket": "nope" })
        )
        .await["errcode"],
        40097
    );
    // One-click activation (开卡组件) needs wx_activate.
    let plain = e
        .create(without(
            member_card(&logo, true),
            "/card/member_card",
            "wx_activate",
        ))
        .await;
    assert_eq!(
        e.post(
            "/card/membercard/activate/geturl",
            json!({ "card_id": plain })
        )
        .await["errcode"],
        40078
    );
}

#[tokio::test]
async fn pay_gift_rules_bind_each_merchant_once_per_window() {
    let e = start().await;
    let logo = e.logo().await;
    let member = e.create(member_card(&logo, true)).await;
    let coupon = e.create(cash(&logo)).await;
    let rule = |mchids: Value, card: &str, begin: i64, end: i64| {
        json!({ "rule_info": { "type": "RULE_TYPE_PAY_MEMBER_CARD",
            "base_info": { "mchid_list": mchids, "begin_time": begin, "end_time": end },
            "member_rule": { "card_id": card, "least_cost": 2, "max_cost": 20000 } } })
    };
    let (t0, t1) = (now(), now() + 86400);
    assert_eq!(
        e.post("/card/paygiftcard/add", rule(json!(["1"]), &coupon, t0, t1))
            .await["errcode"],
        40071,
        "member_rule takes a member card"
    );
    assert_eq!(
        e.post("/card/paygiftcard/add", rule(json!(["1"]), &member, t1, t0))
            .await["errcode"],
        40100
    );
    let first = e
        .post(
            "/card/paygiftcard/add",
            rule(json!(["1", "2"]), &member, t0, t1),
        )
        .await;
    assert_eq!(first["succ_mchid_list"], json!(["1", "2"]), "{first}");
    assert_eq!(
        e.post("/card/paygiftcard/add", rule(json!(["1"]), &member, t0, t1))
            .await["errcode"],
        40097,
        "every merchant is taken"
    );
    // A later window does not overlap: the merchant may be bound again.
    let later = e
        .post(
            "/card/paygiftcard/add",
            rule(json!(["1"]), &member, t1, t1 + 86400),
        )
        .await;
    assert_eq!(later["succ_mchid_list"], json!(["1"]), "{later}");
    let id = first["rule_id"].clone();
    assert_eq!(
        e.post("/card/paygiftcard/delete", json!({ "rule_id": id }))
            .await["errcode"],
        0
    );
    assert_eq!(
        e.post("/card/paygiftcard/getbyid", json!({ "rule_id": id }))
            .await["errcode"],
        40097,
        "a deleted rule is gone"
    );
    let effective = e
        .post("/card/paygiftcard/batchget",
              json!({ "type": "RULE_TYPE_PAY_MEMBER_CARD", "effective": true, "offset": 0, "count": 10 }))
        .await;
    assert_eq!(
        effective["total_count"], 0,
        "the later rule is not yet effective: {effective}"
    );
}

#[tokio::test]
async fn special_ticket_updates_take_a_code_of_their_own_card_type() {
    let e = start().await;
    let logo = e.logo().await;
    let movie = e
        .create(special(
            &logo,
            "MOVIE_TICKET",
            json!({ "detail": "电影简介" }),
        ))
        .await;
    assert_eq!(
        e.post(
            "/card/create",
            special(&logo, "BOARDING_PASS", json!({ "from": "成都" }))
        )
        .await["errcode"],
        41011,
        "a boarding pass needs from, to and flight"
    );
    let lucky = e.create(special(&logo, "LUCKY_MONEY", json!({}))).await;
    e.approve(&movie).await;
    e.approve(&lucky).await;
    let movie_code = claim(&e, &movie).await;
    let seat = json!({ "code": movie_code, "ticket_class": "4D", "show_time": 1408493192,
                       "duration": 120, "screening_room": "5号影厅", "seat_number": ["5排14号"] });
    assert_eq!(
        e.post(
            "/card/movieticket/updateuser",
            without(seat.clone(), "", "seat_number")
        )
        .await["errcode"],
        41011
    );
    assert_eq!(
        e.post("/card/movieticket/updateuser", seat).await["errcode"],
        0
    );
    let v = e
        .post(
            "/card/luckymoney/updateuserbalance",
            json!({ "code": movie_code, "balance": 1 }),
        )
        .await;
    assert_eq!(
        v["errcode"], 40071,
        "a movie ticket is not lucky money: {v}"
    );
    let checkin = json!({ "code": movie_code, "passenger_name": "乘客", "class": "经济舱",
                          "etkt_bnr": "123" });
    assert_eq!(
        e.post("/card/boardingpass/checkin", checkin).await["errcode"],
        40071
    );
    let lucky_code = claim(&e, &lucky).await;
    assert_eq!(
        e.post(
            "/card/luckymoney/updateuserbalance",
            json!({ "code": lucky_code, "balance": -5 })
        )
        .await["errcode"],
        47001
    );
}

/// The card doc's 删除卡券接口, 修改库存接口 and 创建二维码接口 take a card of any type,
/// not only coupons.
#[tokio::test]
async fn delete_modifystock_and_qrcode_take_a_member_card_too() {
    let e = start().await;
    let logo = e.logo().await;
    let card = e.create(member_card(&logo, true)).await;
    e.approve(&card).await;
    let stock = |body: Value| e.post("/card/modifystock", body);
    assert_eq!(
        stock(json!({ "card_id": card, "increase_stock_value": 5 })).await["errcode"],
        0
    );
    let got = e.post("/card/get", json!({ "card_id": card })).await;
    let sku = &got["card"]["member_card"]["base_info"]["sku"];
    assert_eq!(sku["total_quantity"], 105, "{got}");
    assert_eq!(
        stock(json!({ "card_id": card, "reduce_stock_value": 106 })).await["errcode"],
        40122,
        "the stock cannot go below 0"
    );
    let qr = |unique: bool| {
        e.post(
            "/card/qrcode/create",
            json!({ "action_name": "QR_CARD", "expire_seconds": 1800,
                    "action_info": { "card": { "card_id": card, "is_unique_code": unique } } }),
        )
    };
    let v = qr(true).await;
    assert_eq!(v["errcode"], 0, "a member card is delivered by QR too: {v}");
    assert!(v["show_qrcode_url"].as_str().is_some(), "{v}");
    assert_eq!(
        e.post("/card/delete", json!({ "card_id": card })).await["errcode"],
        0
    );
    assert_eq!(
        qr(false).await["errcode"],
        40073,
        "no QR for a deleted card"
    );
    let got = e.post("/card/get", json!({ "card_id": card })).await;
    assert_eq!(
        got["card"]["member_card"]["base_info"]["status"], "CARD_STATUS_DELETE",
        "{got}"
    );
    let (_, v) = e
        .admin("claim", json!({ "card_id": card, "openid": "o-member" }))
        .await;
    assert_eq!(v["errcode"], 40073, "a deleted card cannot be claimed: {v}");
    assert_eq!(
        e.post("/card/delete", json!({ "card_id": card })).await["errcode"],
        40073,
        "deleted once"
    );
    assert_eq!(
        stock(json!({ "card_id": card, "increase_stock_value": 1 })).await["errcode"],
        40073
    );
}

/// Reference §4.2, the member-card page's column and the type-specific rows: on a
/// member card `notice`, `logo_url` and `color` change in place ("会员卡不提审"),
/// `description`, `title` and the rule texts (`prerogative`) go back to review, custom
/// fields do not; a movie ticket's `detail` goes back to review, a boarding pass's
/// `gate` does not; `brand_name` and create-only switches are refused.
#[tokio::test]
async fn member_card_and_ticket_updates_follow_their_own_review_table() {
    let e = start().await;
    let logo = e.logo().await;
    let card = e.create(member_card(&logo, true)).await;
    e.approve(&card).await;
    let update = |patch: Value| {
        e.post(
            "/card/update",
            json!({ "card_id": card, "member_card": patch }),
        )
    };
    let status = || async {
        e.post("/card/get", json!({ "card_id": card })).await["card"]["member_card"]
            ["base_info"]["status"]
            .clone()
    };
    for in_place in [
        json!({ "base_info": { "notice": "出示会员码" } }),
        json!({ "base_info": { "color": "Color020" } }),
        json!({ "custom_field1": { "name_type": "FIELD_NAME_TYPE_LEVEL", "url": "https://example.com" } }),
    ] {
        let v = update(in_place.clone()).await;
        assert_eq!(
            (v["errcode"].clone(), v["send_check"].clone()),
            (json!(0), json!(false)),
            "{in_place}: {v}"
        );
    }
    assert_eq!(status().await, "CARD_STATUS_VERIFY_OK");
    let v = update(json!({ "prerogative": "会员八五折" })).await;
    assert_eq!(v["send_check"], true, "{v}");
    assert_eq!(status().await, "CARD_STATUS_NOT_VERIFY");
    e.approve(&card).await;
    let v = update(json!({ "base_info": { "title": "金卡会员" } })).await;
    assert_eq!(
        v["send_check"], true,
        "a member card's title is updatable, with review: {v}"
    );
    for refused in [
        json!({ "base_info": { "brand_name": "别的商户" } }),
        json!({ "supply_bonus": false }),
    ] {
        assert_eq!(update(refused.clone()).await["errcode"], 47001, "{refused}");
    }
    assert_eq!(
        e.post(
            "/card/update",
            json!({ "card_id": card, "cash": { "base_info": { "notice": "x" } } })
        )
        .await["errcode"],
        47001,
        "another type's key"
    );

    let movie = e
        .create(special(
            &logo,
            "MOVIE_TICKET",
            json!({ "detail": "电影简介" }),
        ))
        .await;
    e.approve(&movie).await;
    let v = e
        .post(
            "/card/update",
            json!({ "card_id": movie, "movie_ticket": { "detail": "新的简介" } }),
        )
        .await;
    assert_eq!(v["send_check"], true, "{v}");
    let pass = e
        .create(special(
            &logo,
            "BOARDING_PASS",
            json!({ "from": "成都", "to": "广州", "flight": "CA4321" }),
        ))
        .await;
    let v = e
        .post(
            "/card/update",
            json!({ "card_id": pass, "boarding_pass": { "gate": "B12" } }),
        )
        .await;
    assert_eq!(v["send_check"], false, "{v}");
}
