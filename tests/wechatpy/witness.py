"""wechatpy as a witness: drives `cardform emulator` with wechatpy's own card client.

Usage: python3 witness.py EMULATOR_URL

wechatpy builds every URL itself (https://api.weixin.qq.com/...); a requests
transport adapter sends them to the emulator instead, so wechatpy's request bodies,
multipart field names and answer handling are exactly what it would do against
WeChat. Prints one JSON line per call: {"endpoint", "method", "ok", "detail"}, then one
line {"wechatcard_methods": [...]}: every public method of wechatpy's WeChatCard that
makes an HTTP call, found by introspection, so the Rust test fails when a method is
not driven (a new wechatpy method, or one dropped from this script).
The emulator's admin API (/__emulator/claim, /__emulator/activate_form) stands in for
users claiming codes and filling a member card's activation form.
"""

import hashlib
import inspect
import io
import json
import sys
import time

import requests
from requests.adapters import HTTPAdapter
from wechatpy import WeChatClient
from wechatpy.client.api.card import WeChatCard

WECHAT = "https://api.weixin.qq.com"
APPID, SECRET = "wxsandbox", "sandbox-secret"
# A PNG header is all the emulator (like WeChat) checks: JPG/PNG by magic bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
# WeChatCard methods that make no HTTP call, so the witness cannot drive them against
# the emulator. None in wechatpy 1.8.18: get_redirect_url signs locally but calls
# card/code/decrypt first.
NO_HTTP = set()


def wechatcard_methods():
    """WeChatCard's own public methods (not BaseWeChatAPI's plumbing)."""
    return sorted(name for name, member in vars(WeChatCard).items()
                  if inspect.isfunction(member) and not name.startswith("_") and name not in NO_HTTP)


class ToEmulator(HTTPAdapter):
    def __init__(self, base):
        super().__init__()
        self.base = base.rstrip("/")

    def send(self, request, **kwargs):
        request.url = self.base + request.url[len(WECHAT):]
        return super().send(request, **kwargs)


def main(base):
    client = WeChatClient(APPID, SECRET)
    client._http.mount(WECHAT, ToEmulator(base))
    results = []

    def step(endpoint, method, call, check):
        try:
            answer = call()
            problem = check(answer)
            results.append({"endpoint": endpoint, "method": method,
                            "ok": problem is None, "detail": problem or "ok"})
            return answer
        except Exception as e:  # the witness reports, it does not stop
            results.append({"endpoint": endpoint, "method": method, "ok": False,
                            "detail": f"{type(e).__name__}: {e}"})
            return None

    def claim(card_id, openid):
        r = requests.post(f"{base}/__emulator/claim",
                          json={"card_id": card_id, "openid": openid}, timeout=10)
        return r.json()

    logo = step("/cgi-bin/media/uploadimg", "media.upload_image",
                lambda: client.media.upload_image(io.BytesIO(PNG)),
                lambda url: None if "mmbiz.qpic.cn" in url else f"url {url}")
    # The location_list sample of the SDK doc comments; the second store lacks its
    # address, so it is the one answered -1.
    store = {"business_name": "见证商户", "branch_name": "珠江新城店", "province": "广东省", "city": "广州市",
             "district": "天河区", "address": "珠江新城华夏路10号", "telephone": "020-88888888",
             "category": "美食,快餐", "longitude": 113.3226, "latitude": 23.1205}
    added = step("/card/location/batchadd", "card.batch_add_locations",
                 lambda: client.card.batch_add_locations(
                     {"location_list": [store, {k: v for k, v in store.items() if k != "address"}]}),
                 lambda ids: None if len(ids) == 2 and isinstance(ids[0], int) and ids[0] > 0 and ids[1] == -1 else f"{ids}")
    new_poi = added[0] if added else None
    step("/card/location/batchget", "card.batch_get_locations", lambda: client.card.batch_get_locations(0, 50),
         # location_id: a string in the doc sample's shape, a number otherwise.
         lambda r: None if any(str(loc.get("location_id")) == "401234567" for loc in r.get("location_list", []))
         and any(str(loc.get("location_id")) == str(new_poi) and loc.get("business_name") == "见证商户"
                 and loc.get("phone") == "020-88888888" for loc in r.get("location_list", []))
         else f"{r}")
    step("/card/getcolors", "card.get_colors", client.card.get_colors,
         lambda colors: None if any(c["name"] == "Color010" for c in colors) else f"{colors}")
    # The official create sample's shape (CASH), with the uploaded logo.
    card = {"card": {"card_type": "CASH", "cash": {
        "base_info": {
            "logo_url": logo or "", "brand_name": "见证商户", "code_type": "CODE_TYPE_QRCODE",
            "title": "满100减10元", "color": "Color010", "notice": "使用时向服务员出示此券",
            "service_phone": "020-88888888", "description": "不可与其他优惠同享",
            "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
            "sku": {"quantity": 100}, "get_limit": 3, "can_share": True, "can_give_friend": False,
            "location_id_list": [401234567],
        },
        "least_cost": 10000, "reduce_cost": 1000}}}
    card_id = step("/card/create", "card.create", lambda: client.card.create(card),
                   lambda cid: None if isinstance(cid, str) and len(cid) == 28 else f"{cid}")
    step("/card/get", "card.get", lambda: client.card.get(card_id),
         lambda c: None if c.get("card_type") == "CASH" and c["cash"]["base_info"]["id"] == card_id else f"{c}")
    step("/card/batchget", "card.batch_get", lambda: client.card.batch_get(0, 50),
         lambda r: None if card_id in r.get("card_id_list", []) and r.get("total_num") == 1 else f"{r}")
    step("/card/update", "card.update",
         lambda: client.card.update({"card_id": card_id, "cash": {"base_info": {
             "notice": "结账时出示", "service_phone": "020-66666666"}}}),
         lambda r: None if r.get("send_check") is True else f"{r}")
    step("/card/modifystock", "card.modify_stock (increase)",
         lambda: client.card.modify_stock(card_id, 10), lambda r: None if r.get("errcode") == 0 else f"{r}")
    step("/card/modifystock", "card.modify_stock (reduce)",
         lambda: client.card.modify_stock(card_id, -5), lambda r: None if r.get("errcode") == 0 else f"{r}")
    step("/card/testwhitelist/set", "card.set_test_whitelist",
         lambda: client.card.set_test_whitelist(openids=["o-witness"], usernames=["witness_wx"]),
         lambda r: None if r.get("errcode") == 0 else f"{r}")
    step("/card/qrcode/create", "card.create_qrcode",
         lambda: client.card.create_qrcode({"action_name": "QR_CARD", "expire_seconds": 1800,
                                            "action_info": {"card": {"card_id": card_id, "is_unique_code": False, "outer_str": "witness"}}}),
         lambda t: None if isinstance(t, str) and t else f"{t}")
    claimed = claim(card_id, "o-witness") if card_id else {}
    code, encrypted = claimed.get("code"), claimed.get("encrypt_code")
    step("/card/code/decrypt", "card.decrypt_code", lambda: client.card.decrypt_code(encrypted),
         lambda c: None if c == code else f"{c} != {code}")
    expected_signature = hashlib.sha1("".join(sorted([SECRET, code or "", card_id or ""])).encode()).hexdigest()
    step("/card/code/decrypt", "card.get_redirect_url",
         lambda: client.card.get_redirect_url("https://shop.example.com/card", encrypted, card_id),
         lambda url: None if url == f"https://shop.example.com/card?encrypt_code={encrypted}&card_id={card_id}"
         f"&signature={expected_signature}" else f"{url}")
    step("/card/code/get", "card.get_code", lambda: client.card.get_code(code, card_id),
         lambda r: None if r.get("user_card_status") == "NORMAL" and r.get("can_consume") is True else f"{r}")
    step("/card/user/getcardlist", "card.get_card_list", lambda: client.card.get_card_list("o-witness"),
         lambda r: None if {"card_id": card_id, "code": code} in r.get("card_list", []) and r.get("has_share_card") is False else f"{r}")
    step("/card/code/consume", "card.consume_code", lambda: client.card.consume_code(code, card_id),
         lambda r: None if r.get("openid") == "o-witness" and r["card"]["card_id"] == card_id else f"{r}")
    second = claim(card_id, "o-witness").get("code") if card_id else None
    step("/card/code/unavailable", "card.invalid_code", lambda: client.card.invalid_code(second, card_id),
         lambda r: None if r.get("errcode") == 0 else f"{r}")
    step("/card/paycell/set", "card.set_paycell", lambda: client.card.set_paycell(card_id, True),
         lambda r: None if r.get("errcode") == 0 else f"{r}")
    step("/card/mpnews/gethtml", "card.get_html", lambda: client.card.get_html(card_id),
         lambda html: None if card_id in html else f"{html}")
    requests.post(f"{base}/__emulator/review", json={"card_id": card_id, "result": "pass"}, timeout=10)
    step("/card/landingpage/create", "card.create_landingpage",
         lambda: client.card.create_landingpage({
             "banner": logo, "page_title": "惠城优惠大派送", "can_share": True, "scene": "SCENE_H5",
             "card_list": [{"card_id": card_id, "thumb_url": logo}]}),
         lambda r: None if r.get("url") and isinstance(r.get("page_id"), int) else f"{r}")
    # An import-code card (custom codes, stock 0 until codes are deposited).
    deposit_card = json.loads(json.dumps(card))
    base_info = deposit_card["card"]["cash"]["base_info"]
    base_info.update({"use_custom_code": True, "get_custom_code_mode": "GET_CUSTOM_CODE_MODE_DEPOSIT",
                      "sku": {"quantity": 0}})
    custom_id = step("/card/create", "card.create (import-code mode)", lambda: client.card.create(deposit_card),
                     lambda cid: None if isinstance(cid, str) and len(cid) == 28 else f"{cid}")
    step("/card/code/deposit", "card.deposit_code", lambda: client.card.deposit_code(custom_id, ["1001", "1002"]),
         lambda r: None if r.get("succ_code") == ["1001", "1002"] else f"{r}")
    step("/card/code/getdepositcount", "card.get_deposit_count", lambda: client.card.get_deposit_count(custom_id),
         lambda r: None if r.get("count") == 2 else f"{r}")
    step("/card/code/checkcode", "card.check_code", lambda: client.card.check_code(custom_id, ["1001", "9999"]),
         lambda r: None if r.get("exist_code") == ["1001"] and r.get("not_exist_code") == ["9999"] else f"{r}")
    if custom_id:
        client.card.modify_stock(custom_id, 2)
    custom_code = claim(custom_id, "o-witness").get("code") if custom_id else None
    step("/card/code/update", "card.update_code", lambda: client.card.update_code(custom_id, custom_code, "20261202"),
         lambda r: None if r.get("errcode") == 0 else f"{r}")
    drive_member_card(client, step, claim, base, base_info_of(card))
    drive_tickets(client, step, claim, base_info_of(card))
    step("/card/delete", "card.delete", lambda: client.card.delete(card_id),
         lambda r: None if r.get("errcode") == 0 else f"{r}")
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    print(json.dumps({"wechatcard_methods": wechatcard_methods()}))


def base_info_of(card):
    """The coupon's base_info for another card type: a fresh copy, no stores."""
    info = json.loads(json.dumps(card["card"]["cash"]["base_info"]))
    info.pop("location_id_list", None)
    return info


def is_ok(r):
    return None if r.get("errcode") == 0 else f"{r}"


def drive_member_card(client, step, claim, base, base_info):
    """会员卡: create, activation form, activation, member data, pay-gift rules (public
    member-card doc samples, as wechatpy's docstrings repeat them)."""
    info = dict(base_info, title="见证会员卡", date_info={"type": "DATE_TYPE_PERMANENT"})
    member = {"card": {"card_type": "MEMBER_CARD", "member_card": {
        "base_info": info, "prerogative": "会员享全场9折", "supply_bonus": True, "supply_balance": True,
        "wx_activate": True, "custom_field1": {"name_type": "FIELD_NAME_TYPE_LEVEL", "url": "http://www.qq.com"},
        "discount": 10}}}
    card_id = step("/card/create", "card.create (member card)", lambda: client.card.create(member),
                   lambda cid: None if isinstance(cid, str) and len(cid) == 28 else f"{cid}")
    step("/card/membercard/activateuserform/set", "card.set_activate_user_form",
         lambda: client.card.set_activate_user_form(
             card_id, service_statement={"name": "会员守则", "url": "https://www.qq.com"},
             required_form={"can_modify": False, "common_field_id_list": ["USER_FORM_INFO_FLAG_MOBILE"],
                            "rich_field_list": [{"type": "FORM_FIELD_RADIO", "name": "兴趣", "values": ["钢琴", "舞蹈"]}]},
             optional_form={"can_modify": False, "common_field_id_list": ["USER_FORM_INFO_FLAG_BIRTHDAY"],
                            "custom_field_list": ["喜欢的电影"]}),
         is_ok)
    step("/card/membercard/activate/geturl", "card.get_activate_url",
         lambda: client.card.get_activate_url(card_id, "witness"),
         lambda url: None if url.startswith("https://mp.weixin.qq.com/bizmall/activatemembercard?") else f"{url}")
    code = claim(card_id, "o-witness").get("code") if card_id else None
    mobile = {"name": "USER_FORM_INFO_FLAG_MOBILE", "value": "15521328888"}
    filled = requests.post(f"{base}/__emulator/activate_form", timeout=10, json={
        "card_id": card_id, "code": code, "common_field_list": [mobile], "custom_field_list": []}).json()
    step("/card/membercard/activatetempinfo/get", "card.get_activate_info",
         lambda: client.card.get_activate_info(filled.get("activate_ticket")),
         lambda i: None if i.get("common_field_list") == [mobile] else f"{i}")
    step("/card/membercard/activate", "card.activate_membercard",
         lambda: client.card.activate_membercard("AAA00000001", code, card_id=card_id, init_bonus=100,
                                                 init_bonus_record="旧积分同步", init_balance=200,
                                                 init_custom_field_value1="白金"),
         is_ok)
    step("/card/membercard/updateuser", "card.update_membercard",
         lambda: client.card.update_membercard(code, card_id, add_bonus=30, record_bonus="消费30元，获得30积分",
                                               add_balance=-30, record_balance="购买焦糖玛琪朵一杯，扣除金额30元。",
                                               custom_field_value1="钻石",
                                               notify_optional={"is_notify_bonus": True, "is_notify_balance": True}),
         lambda r: None if (r.get("result_bonus"), r.get("result_balance"), r.get("openid")) == (130, 170, "o-witness") else f"{r}")
    step("/card/membercard/userinfo/get", "card.get_membercard_user_info",
         lambda: client.card.get_membercard_user_info(card_id, code),
         lambda r: None if r.get("membership_number") == "AAA00000001" and r.get("bonus") == 130
         and r.get("user_card_status") == "NORMAL" and mobile in r["user_info"]["common_field_list"] else f"{r}")
    # 支付后投放卡券: a pay-member-card rule for two merchants, then one that finds a
    # merchant already bound (the doc sample's fail_mchid_list).
    now = int(time.time())
    window = {"begin_time": now - 60, "end_time": now + 30 * 86400}
    rule = {"card_id": card_id, "least_cost": 2, "max_cost": 20000, "jump_url": "https://www.qq.com"}
    added = step("/card/paygiftcard/add", "card.add_pay_giftcard",
                 lambda: client.card.add_pay_giftcard(dict(window, mchid_list=["123", "456"]), rule, True),
                 lambda r: None if isinstance(r.get("rule_id"), int) and r.get("succ_mchid_list") == ["123", "456"] else f"{r}")
    rule_id = (added or {}).get("rule_id")
    step("/card/paygiftcard/add", "card.add_pay_giftcard (a merchant already bound)",
         lambda: client.card.add_pay_giftcard(dict(window, mchid_list=["123", "789"]), rule, True),
         lambda r: None if r.get("succ_mchid_list") == ["789"] and r["fail_mchid_list"][0]["mchid"] == "123"
         and r["fail_mchid_list"][0]["occupy_rule_id"] == rule_id else f"{r}")
    step("/card/paygiftcard/getbyid", "card.get_pay_giftcard", lambda: client.card.get_pay_giftcard(rule_id),
         lambda r: None if r.get("type") == "RULE_TYPE_PAY_MEMBER_CARD" and r["base_info"]["status"] == "RULE_STATUS_OK"
         and r["member_rule"]["card_id"] == card_id else f"{r}")
    step("/card/paygiftcard/batchget", "card.batch_get_pay_giftcard", lambda: client.card.batch_get_pay_giftcard(),
         lambda r: None if r.get("total_count") == 2 and len(r.get("rule_list", [])) == 2 else f"{r}")
    step("/card/paygiftcard/delete", "card.del_pay_giftcard", lambda: client.card.del_pay_giftcard(rule_id), is_ok)


def drive_tickets(client, step, claim, base_info):
    """Special tickets: create one of each type, claim it, call its endpoint with the
    public doc sample's fields."""
    def ticket(card_type, fields, title):
        body = {"card": {"card_type": card_type, card_type.lower(): dict(fields, base_info=dict(base_info, title=title))}}
        card_id = step("/card/create", f"card.create ({card_type.lower().replace('_', ' ')})",
                       lambda: client.card.create(body),
                       lambda cid: None if isinstance(cid, str) and len(cid) == 28 else f"{cid}")
        return card_id, (claim(card_id, "o-witness").get("code") if card_id else None)

    movie_id, code = ticket("MOVIE_TICKET", {"detail": "电影名：见证，电影简介：一部测试电影"}, "见证电影票")
    step("/card/movieticket/updateuser", "card.update_movie_ticket",
         lambda: client.card.update_movie_ticket(code, "4D", 1408493192, 120, "5号影厅", ["5排14号", "5排15号"],
                                                 card_id=movie_id),
         is_ok)
    boarding_id, code = ticket("BOARDING_PASS", {"from": "成都", "to": "广州", "flight": "CE123",
                                                 "departure_time": 1427731200, "landing_time": 1427738400,
                                                 "air_model": "空客A320"}, "见证登机牌")
    step("/card/boardingpass/checkin", "card.checkin_boardingpass",
         lambda: client.card.checkin_boardingpass(code, "乘客姓名", "经济舱", "电子客票号", seat="12A",
                                                  qrcode_data="二维码数据", card_id=boarding_id),
         is_ok)
    lucky_id, code = ticket("LUCKY_MONEY", {}, "见证红包")
    step("/card/luckymoney/updateuserbalance", "card.update_luckymoney_balance",
         lambda: client.card.update_luckymoney_balance(code, 100, card_id=lucky_id), is_ok)


if __name__ == "__main__":
    main(sys.argv[1])
