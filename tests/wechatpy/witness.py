"""wechatpy as a witness: drives `cardform emulator` with wechatpy's own card client.

Usage: python3 witness.py EMULATOR_URL

wechatpy builds every URL itself (https://api.weixin.qq.com/...); a requests
transport adapter sends them to the emulator instead, so wechatpy's request bodies,
multipart field names and answer handling are exactly what it would do against
WeChat. Prints one JSON line per endpoint: {"endpoint", "method", "ok", "detail"}.
The emulator's admin API (/__emulator/claim) stands in for users claiming codes.
"""

import io
import json
import sys

import requests
from requests.adapters import HTTPAdapter
from wechatpy import WeChatClient

WECHAT = "https://api.weixin.qq.com"
APPID, SECRET = "wxsandbox", "sandbox-secret"
# A PNG header is all the emulator (like WeChat) checks: JPG/PNG by magic bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


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
    step("/card/location/batchget", "card.batch_get_locations", lambda: client.card.batch_get_locations(0, 50),
         lambda r: None if {"location_id": 401234567} in r.get("location_list", []) else f"{r}")
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
    step("/card/delete", "card.delete", lambda: client.card.delete(card_id),
         lambda r: None if r.get("errcode") == 0 else f"{r}")
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
