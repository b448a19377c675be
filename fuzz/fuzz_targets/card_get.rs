//! The card/get reader (`cardform::live::normalise`, design guarantees 4 and 9): every
//! answer WeChat could send, however malformed, ends in `Ok` or a `ShapeError` naming
//! the field, never a panic. Each input is used twice: its bytes parsed as JSON (the
//! seeds are recorded and legacy WeChat bodies), and a JSON value built from the bytes
//! with card/get's own keys, so most generated documents reach past the envelope into
//! base_info, sku, date_info and the per-type objects.
#![no_main]

use cardform::live::normalise;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Number, Value};

const CARD_TYPES: &[&str] = &[
    "CASH",
    "GIFT",
    "GROUPON",
    "DISCOUNT",
    "GENERAL_COUPON",
    "MEMBER_CARD",
    "GENERAL_CARD",
    "SCENIC_TICKET",
    "MOVIE_TICKET",
    "BOARDING_PASS",
    "MEETING_TICKET",
    "BUS_TICKET",
    "",
    "cash",
];

const KEYS: &[&str] = &[
    "card",
    "card_type",
    "base_info",
    "advanced_info",
    "sku",
    "quantity",
    "total_quantity",
    "date_info",
    "type",
    "begin_timestamp",
    "end_timestamp",
    "fixed_term",
    "fixed_begin_term",
    "status",
    "id",
    "title",
    "sub_title",
    "brand_name",
    "logo_url",
    "color",
    "notice",
    "description",
    "code_type",
    "use_condition",
    "least_cost",
    "reduce_cost",
    "discount",
    "gift",
    "gift_name",
    "gift_num",
    "gift_unit",
    "deal_detail",
    "default_detail",
    "abstract",
    "icon_url_list",
    "text_image_list",
    "image_url",
    "text",
    "time_limit",
    "business_service",
    "share_friends",
    "location_id_list",
    "get_limit",
    "use_limit",
    "can_share",
    "can_give_friend",
    "use_custom_code",
    "bind_openid",
    "service_phone",
    "custom_url",
    "promotion_url",
    "supply_bonus",
    "supply_balance",
    "prerogative",
    "custom_field1",
    "custom_cell1",
    "bonus_rule",
    "consume_share_card_list",
    "accept_category",
    "reject_category",
    "can_use_with_other_discount",
    "errcode",
    "errmsg",
    "cash",
    "groupon",
    "general_coupon",
    "member_card",
    "general_card",
];

/// Reads the fuzzer's bytes as choices.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0u64, |acc, _| (acc << 8) | u64::from(self.byte()))
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[usize::from(self.byte()) % from.len()]
    }

    fn text(&mut self) -> String {
        let n = usize::from(self.byte() % 24).min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8_lossy(head).into_owned()
    }

    fn key(&mut self) -> String {
        if self.byte() % 8 == 0 {
            self.text()
        } else {
            self.pick(KEYS).to_string()
        }
    }

    fn value(&mut self, depth: u8) -> Value {
        if self.0.is_empty() {
            return Value::Null;
        }
        let choice = self.byte() % if depth >= 6 { 6 } else { 9 };
        match choice {
            0 => Value::Null,
            1 => Value::Bool(self.byte() % 2 == 0),
            2 => Value::Number(Number::from(self.u64() as i64)),
            3 => Value::Number(Number::from(u64::from(self.byte()))),
            4 => Number::from_f64(f64::from_bits(self.u64()))
                .map(Value::Number)
                .unwrap_or(Value::Null),
            5 => {
                // Numbers written as strings, as WeChat sometimes does.
                if self.byte() % 2 == 0 {
                    Value::String(self.u64().to_string())
                } else {
                    Value::String(self.text())
                }
            }
            6 => {
                let n = self.byte() % 4;
                Value::Array((0..n).map(|_| self.value(depth + 1)).collect())
            }
            _ => Value::Object(self.object(depth + 1)),
        }
    }

    fn object(&mut self, depth: u8) -> Map<String, Value> {
        let n = self.byte() % 8;
        let mut m = Map::new();
        for _ in 0..n {
            let k = self.key();
            let v = self.value(depth);
            m.insert(k, v);
        }
        m
    }

    /// A card/get answer: `{"errcode", "card": {"card_type", "<type>": {...}}}` with
    /// generated contents (base_info and advanced_info objects more often than not).
    fn card_get(&mut self) -> Value {
        let card_type = self.pick(CARD_TYPES);
        let mut inner = self.object(1);
        for part in ["base_info", "advanced_info"] {
            if self.byte() % 4 != 0 {
                let obj = self.object(2);
                inner.insert(part.to_string(), Value::Object(obj));
            }
        }
        let mut card = Map::new();
        card.insert("card_type".into(), Value::String(card_type.to_string()));
        card.insert(card_type.to_ascii_lowercase(), Value::Object(inner));
        if self.byte() % 4 == 0 {
            let extra = self.object(1);
            card.extend(extra);
        }
        let mut top = Map::new();
        top.insert("errcode".into(), self.value(5));
        top.insert("card".into(), Value::Object(card));
        Value::Object(top)
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = serde_json::from_slice::<Value>(data) {
        let _ = normalise("pFUZZ", &doc);
    }
    let doc = Bytes(data).card_get();
    let _ = normalise("pFUZZ", &doc);
});
