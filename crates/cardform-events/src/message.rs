//! One pushed message read as an event: its name, the card and code it concerns, and
//! the key the event log deduplicates on.

use cardform_spec::events::event_spec;

use super::xml::Fields;

/// The event's name: `Event` for an account's events, `InfoType` for a platform's,
/// else `MsgType` (an ordinary message), else `unknown`.
pub fn event_name(f: &Fields) -> String {
    f.get("Event")
        .or_else(|| f.get("InfoType"))
        .or_else(|| f.get("MsgType"))
        .filter(|s| !s.is_empty())
        .unwrap_or("unknown")
        .to_string()
}

/// The card (or sub-merchant, or authorizer) the event is about.
pub fn subject(f: &Fields) -> Option<String> {
    let name = event_name(f);
    let field = event_spec(&name)
        .and_then(|e| e.subject_field)
        .unwrap_or("CardId");
    f.get(field).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The user's code the event is about.
pub fn code(f: &Fields) -> Option<String> {
    let name = event_name(f);
    let field = event_spec(&name)
        .and_then(|e| e.code_field)
        .unwrap_or("UserCardCode");
    f.get(field).filter(|s| !s.is_empty()).map(str::to_string)
}

/// `CreateTime` as Unix seconds.
pub fn create_time(f: &Fields) -> Option<i64> {
    f.get("CreateTime").and_then(|s| s.trim().parse().ok())
}

/// What makes two deliveries the same event (reference §11: WeChat retries; dedup on
/// `MsgId`, else on FromUserName + CreateTime + Event + card + code). A platform event
/// has no FromUserName: its AppId stands in.
pub fn dedup_key(f: &Fields) -> String {
    if let Some(id) = f.get("MsgId").filter(|s| !s.is_empty()) {
        return format!("msgid:{id}");
    }
    let from = f
        .get("FromUserName")
        .or_else(|| f.get("AppId"))
        .unwrap_or("");
    let time = f.get("CreateTime").unwrap_or("");
    let extra = match f.get("ComponentVerifyTicket") {
        // Two tickets in one second differ by the ticket itself.
        Some(t) => t.to_string(),
        None => f.get("OrderId").unwrap_or("").to_string(),
    };
    format!(
        "{from}|{time}|{}|{}|{}|{extra}",
        event_name(f),
        subject(f).unwrap_or_default(),
        code(f).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn names_subjects_and_keys() {
        let f = parse(
            "<xml><FromUserName>u</FromUserName><CreateTime>5</CreateTime><MsgType>event</MsgType>\
             <Event>card_not_pass_check</Event><CardId>c1</CardId><RefuseReason>bad</RefuseReason></xml>",
        )
        .expect("parses");
        assert_eq!(event_name(&f), "card_not_pass_check");
        assert_eq!(subject(&f).as_deref(), Some("c1"));
        assert_eq!(dedup_key(&f), "u|5|card_not_pass_check|c1||");
        let p = parse(
            "<xml><AppId>wxc</AppId><CreateTime>7</CreateTime><InfoType>unauthorized</InfoType>\
             <AuthorizerAppid>wxm</AuthorizerAppid></xml>",
        )
        .expect("parses");
        // A sub-merchant's review result is keyed and listed by its MerchantId.
        for name in ["submerchant_check", "card_merchant_check_result"] {
            let m = parse(&format!(
                "<xml><FromUserName>u</FromUserName><CreateTime>9</CreateTime><MsgType>event</MsgType>\
                 <Event>{name}</Event><MerchantId>12</MerchantId><IsPass>0</IsPass><Reason>r</Reason></xml>"
            ))
            .expect("parses");
            assert_eq!(subject(&m).as_deref(), Some("12"));
            assert_eq!(dedup_key(&m), format!("u|9|{name}|12||"));
        }
        assert_eq!(event_name(&p), "unauthorized");
        assert_eq!(subject(&p).as_deref(), Some("wxm"));
    }
}
