//! Helpers for the emulator's HTTP tests: an in-process emulator on 127.0.0.1:0 and a
//! reqwest client that speaks WeChat's JSON (no dependency on cardform's own client).

use std::net::SocketAddr;

use cardform::emulator::{EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-emulator-test";
pub const JPG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF-emulator-test";

pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

pub struct Emu {
    pub emu: RunningEmulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn start() -> Emu {
    start_with(EmulatorConfig::default()).await
}

pub async fn start_with(config: EmulatorConfig) -> Emu {
    let emu = RunningEmulator::start(loopback(), config).await.unwrap();
    connect(emu).await
}

pub async fn connect(emu: RunningEmulator) -> Emu {
    let http = reqwest::Client::new();
    let mut e = Emu {
        emu,
        http,
        token: String::new(),
    };
    e.token = e.fetch_token().await;
    e
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Emu {
    pub fn base(&self) -> &str {
        self.emu.base_url()
    }

    pub async fn fetch_token(&self) -> String {
        let v: Value = self
            .http
            .get(format!(
                "{}/cgi-bin/token?grant_type=client_credential&appid=wxsandbox&secret=sandbox-secret",
                self.base()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["access_token"].as_str().unwrap().to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}?access_token={}", self.base(), path, self.token)
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// An admin call: (HTTP status, JSON).
    pub async fn admin(&self, path: &str, body: Value) -> (u16, Value) {
        let url = format!("{}/__emulator/{path}", self.base());
        let req = if body.is_null() {
            self.http.get(url)
        } else {
            self.http.post(url).json(&body)
        };
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    pub async fn advance(&self, secs: i64) {
        let (s, _) = self.admin("clock", json!({ "advance_secs": secs })).await;
        assert_eq!(s, 200);
    }

    pub async fn upload(&self, bytes: &[u8], name: &str) -> Value {
        self.upload_as("buffer", bytes, name).await
    }

    /// uploadimg with the file under the multipart field `field` (`buffer`, `media`).
    pub async fn upload_as(&self, field: &str, bytes: &[u8], name: &str) -> Value {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part(field.to_string(), part);
        self.http
            .post(self.url("/cgi-bin/media/uploadimg"))
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn logo(&self) -> String {
        self.upload(PNG, "logo.png").await["url"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates a card and returns its id (panics with the answer otherwise).
    pub async fn create(&self, card: Value) -> String {
        let v = self.post("/card/create", card).await;
        assert_eq!(v["errcode"], 0, "{v}");
        v["card_id"].as_str().unwrap().to_string()
    }

    pub async fn card(&self, id: &str) -> Value {
        let v = self.post("/card/get", json!({ "card_id": id })).await;
        assert_eq!(v["errcode"], 0, "{v}");
        v["card"].clone()
    }

    /// Buys `quantity` vouchers of a friends coupon with 券点 (activate, quote,
    /// confirm): the only way friends stock grows (reference §8.6).
    pub async fn buy_stock(&self, id: &str, quantity: u64) {
        self.get("/card/pay/activate").await;
        let quote = self
            .post(
                "/card/pay/getpayprice",
                json!({ "card_id": id, "quantity": quantity }),
            )
            .await;
        assert_eq!(quote["errcode"], 0, "{quote}");
        let done = self
            .post(
                "/card/pay/confirm",
                json!({ "card_id": id, "order_id": quote["order_id"], "quantity": quantity }),
            )
            .await;
        assert_eq!(done["errcode"], 0, "{done}");
    }

    pub async fn approve(&self, id: &str) {
        let (s, v) = self
            .admin("review", json!({ "card_id": id, "result": "pass" }))
            .await;
        assert_eq!(s, 200, "{v}");
    }
}

/// A plain CASH card body.
pub fn cash(logo: &str) -> Value {
    json!({ "card": { "card_type": "CASH", "cash": {
        "base_info": {
            "logo_url": logo,
            "code_type": "CODE_TYPE_QRCODE",
            "brand_name": "测试商户",
            "title": "10元代金券",
            "color": "Color010",
            "notice": "出示即可使用",
            "description": "不可与其他优惠同享",
            "service_phone": "020-88888888",
            "get_limit": 3,
            "sku": { "quantity": 100 },
            "date_info": { "type": "DATE_TYPE_FIX_TIME_RANGE",
                           "begin_timestamp": now() - 3600, "end_timestamp": now() + 30 * 86400 }
        },
        "least_cost": 0,
        "reduce_cost": 1000
    }}})
}

/// A friends CASH coupon (朋友的券) beginning at `begin`.
pub fn friends_cash(logo: &str, begin: i64) -> Value {
    json!({ "card": { "card_type": "CASH", "cash": {
        "base_info": {
            "logo_url": logo,
            "code_type": "CODE_TYPE_QRCODE",
            "brand_name": "朋友商户",
            "color": "Color020",
            "notice": "出示即可",
            "description": "朋友的券",
            "location_id_list": [401234567],
            "can_share": false,
            "can_give_friend": false,
            "sku": { "quantity": 0 },
            "date_info": { "type": "DATE_TYPE_FIX_TIME_RANGE",
                           "begin_timestamp": begin, "end_timestamp": begin + 30 * 86400 }
        },
        "least_cost": 0,
        "reduce_cost": 500,
        "advanced_info": {
            "share_friends": true,
            "text_image_list": [{ "image_url": logo, "text": "好吃" }]
        }
    }}})
}

/// Sets (or adds) the value at a JSON pointer inside a body.
pub fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    body.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(key.to_string(), value);
    body
}

/// Removes a key at a JSON pointer (parent pointer + key).
pub fn without(mut body: Value, parent: &str, key: &str) -> Value {
    body.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key);
    body
}
