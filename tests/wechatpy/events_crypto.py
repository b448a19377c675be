#!/usr/bin/env python3
"""wechatpy's WeChatCrypto as an outside witness of cardform's message crypto
(tests/it/events_crypto.rs drives this script).

    events_crypto.py encrypt   stdin {token, encoding_aes_key, app_id, message,
                                      timestamp, nonce, to_user}
                               stdout {query: {...}, body: "<xml>…"}: the request
                               WeChat would send in safe mode, built from wechatpy's
                               encrypt_message (Encrypt, MsgSignature)
    events_crypto.py decrypt   stdin {token, encoding_aes_key, app_id, query, body}
                               stdout {message: "<xml>…"}: wechatpy's decrypt_message

The token and key are test values passed on stdin, never on the command line.
"""
import hashlib
import json
import sys

import xmltodict
from wechatpy.crypto import WeChatCrypto


def url_signature(token, timestamp, nonce):
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def encrypt(req):
    crypto = WeChatCrypto(req["token"], req["encoding_aes_key"], req["app_id"])
    reply = crypto.encrypt_message(req["message"], req["nonce"], req["timestamp"])
    doc = xmltodict.parse(reply)["xml"]
    body = (
        "<xml><ToUserName><![CDATA[{}]]></ToUserName>"
        "<Encrypt><![CDATA[{}]]></Encrypt></xml>"
    ).format(req["to_user"], doc["Encrypt"])
    query = {
        "signature": url_signature(req["token"], req["timestamp"], req["nonce"]),
        "timestamp": req["timestamp"],
        "nonce": req["nonce"],
        "encrypt_type": "aes",
        "msg_signature": doc["MsgSignature"],
    }
    return {"query": query, "body": body}


def decrypt(req):
    crypto = WeChatCrypto(req["token"], req["encoding_aes_key"], req["app_id"])
    q = req["query"]
    message = crypto.decrypt_message(
        req["body"], q["msg_signature"], q["timestamp"], q["nonce"]
    )
    return {"message": message}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    req = json.load(sys.stdin)
    if mode == "encrypt":
        out = encrypt(req)
    elif mode == "decrypt":
        out = decrypt(req)
    else:
        sys.exit("usage: events_crypto.py encrypt|decrypt < request.json")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
