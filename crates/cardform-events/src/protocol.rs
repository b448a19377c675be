//! WeChat's server-URL protocol, both sides: [`seal`] writes a push as WeChat sends it
//! (the emulator), [`open`] checks and reads one (the receiver). Plain mode carries the
//! message as is and only `signature`; compatible mode carries it and an `Encrypt`
//! copy; safe mode only `Encrypt`, with `encrypt_type=aes` and `msg_signature`.

use std::collections::HashMap;

use cardform_i18n::tr;

use super::crypto::{self, AesKey, CryptoError};
use super::xml::{self, Fields, XmlError};

/// How a message arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Plain,
    /// Compatible or safe mode: the message was read from `Encrypt`.
    Encrypted,
}

/// Why a request was refused; each maps to one HTTP status in the receiver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{}", tr!("ev-refusal-missing", param = *.0))]
    Missing(&'static str),
    #[error("{}", tr!("ev-crypto-signature"))]
    BadSignature,
    #[error("{}", tr!("ev-refusal-stale", secs = *.0, allowed = *.1))]
    Stale(i64, i64),
    #[error("{}", tr!("ev-refusal-timestamp"))]
    BadTimestamp,
    #[error("{}", tr!("ev-refusal-no-key"))]
    NoKey,
    #[error("{}", tr!("ev-crypto-appid"))]
    AppIdMismatch,
    #[error("{}", tr!("ev-refusal-crypto", error = .0.to_string()))]
    Crypto(CryptoError),
    #[error("{0}")]
    Xml(XmlError),
}

impl Refusal {
    /// Whether this refusal means the sender does not hold the token/key (401/403)
    /// rather than that it sent something malformed (400).
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            Refusal::BadSignature | Refusal::AppIdMismatch | Refusal::Stale(..)
        )
    }
}

/// A push as WeChat sends it: the query parameters and the XML body.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub query: Vec<(String, String)>,
    pub body: String,
}

/// Writes `message` (plaintext XML) the way WeChat sends it: safe mode when `key` is
/// given, else plain mode. `timestamp`/`nonce` are strings as WeChat writes them.
pub fn seal(
    token: &str,
    key: Option<&AesKey>,
    app_id: &str,
    to_user: &str,
    message: &str,
    timestamp: &str,
    nonce: &str,
) -> Sealed {
    let signature = crypto::url_signature(token, timestamp, nonce);
    let mut query = vec![
        ("signature".to_string(), signature),
        ("timestamp".to_string(), timestamp.to_string()),
        ("nonce".to_string(), nonce.to_string()),
    ];
    let body = match key {
        None => message.to_string(),
        Some(key) => {
            let encrypted = crypto::encrypt(key, app_id, message);
            let msg_sig = crypto::msg_signature(token, timestamp, nonce, &encrypted);
            query.push(("encrypt_type".into(), "aes".into()));
            query.push(("msg_signature".into(), msg_sig));
            let mut f = Fields::default();
            f.push("ToUserName", to_user);
            f.push("Encrypt", encrypted);
            xml::write(&f)
        }
    };
    Sealed { query, body }
}

/// What the receiver checks a request with.
pub struct Checker<'a> {
    pub token: &'a str,
    pub key: Option<&'a AesKey>,
    /// The AppIDs an encrypted message may be meant for (the account's, the platform's).
    pub app_ids: &'a [String],
    /// This machine's clock, Unix seconds.
    pub now_secs: i64,
    /// How far `timestamp` may be from `now_secs`.
    pub window_secs: i64,
}

impl Checker<'_> {
    fn check_signature(&self, query: &HashMap<String, String>) -> Result<(), Refusal> {
        let signature = query
            .get("signature")
            .ok_or(Refusal::Missing("signature"))?;
        let timestamp = query
            .get("timestamp")
            .ok_or(Refusal::Missing("timestamp"))?;
        let nonce = query.get("nonce").ok_or(Refusal::Missing("nonce"))?;
        if !crypto::signatures_equal(
            &crypto::url_signature(self.token, timestamp, nonce),
            signature,
        ) {
            return Err(Refusal::BadSignature);
        }
        self.check_time(timestamp)
    }

    fn check_time(&self, timestamp: &str) -> Result<(), Refusal> {
        let ts: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| Refusal::BadTimestamp)?;
        let skew = ts.saturating_sub(self.now_secs);
        if skew.abs() > self.window_secs {
            return Err(Refusal::Stale(skew, self.window_secs));
        }
        Ok(())
    }

    /// The URL check (`GET /?signature&timestamp&nonce&echostr`): the `echostr` to
    /// answer with.
    ///
    /// # Errors
    /// A missing parameter, a wrong signature, a stale timestamp.
    pub fn url_check(&self, query: &HashMap<String, String>) -> Result<String, Refusal> {
        self.check_signature(query)?;
        query
            .get("echostr")
            .cloned()
            .ok_or(Refusal::Missing("echostr"))
    }

    /// Checks and reads one pushed message; the message's fields and how it came.
    ///
    /// # Errors
    /// Any [`Refusal`]: nothing in the message may be trusted then.
    pub fn open(
        &self,
        query: &HashMap<String, String>,
        body: &str,
    ) -> Result<(Fields, String, Mode), Refusal> {
        let outer = xml::parse(body).map_err(Refusal::Xml)?;
        let encrypted = query.get("encrypt_type").is_some_and(|t| t == "aes");
        match (encrypted, outer.get("Encrypt")) {
            (true, Some(enc)) => {
                let key = self.key.ok_or(Refusal::NoKey)?;
                let msg_sig = query
                    .get("msg_signature")
                    .ok_or(Refusal::Missing("msg_signature"))?;
                let timestamp = query
                    .get("timestamp")
                    .ok_or(Refusal::Missing("timestamp"))?;
                let nonce = query.get("nonce").ok_or(Refusal::Missing("nonce"))?;
                let ids: Vec<&str> = self.app_ids.iter().map(String::as_str).collect();
                let plain =
                    crypto::open_message(self.token, key, &ids, msg_sig, timestamp, nonce, enc)
                        .map_err(|e| match e {
                            CryptoError::BadSignature => Refusal::BadSignature,
                            CryptoError::AppIdMismatch => Refusal::AppIdMismatch,
                            other => Refusal::Crypto(other),
                        })?;
                self.check_time(timestamp)?;
                let inner = xml::parse(&plain).map_err(Refusal::Xml)?;
                Ok((inner, plain, Mode::Encrypted))
            }
            (true, None) => Err(Refusal::Xml(XmlError::Malformed(
                "encrypt_type=aes but the body has no Encrypt element".into(),
            ))),
            (false, _) => {
                self.check_signature(query)?;
                Ok((outer, body.to_string(), Mode::Plain))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn q(s: &Sealed) -> HashMap<String, String> {
        s.query.iter().cloned().collect()
    }

    #[test]
    fn sealed_pushes_open_and_forgeries_do_not() {
        let key = AesKey::from_encoding_aes_key(KEY).expect("key");
        let ids = vec!["wxA".to_string()];
        let checker = Checker {
            token: "tok",
            key: Some(&key),
            app_ids: &ids,
            now_secs: 1_000_000,
            window_secs: 300,
        };
        let msg = "<xml><Event><![CDATA[card_pass_check]]></Event></xml>";
        let s = seal("tok", Some(&key), "wxA", "gh_1", msg, "1000000", "n1");
        let (f, plain, mode) = checker.open(&q(&s), &s.body).expect("opens");
        assert_eq!(
            (f.get("Event"), plain.as_str(), mode),
            (Some("card_pass_check"), msg, Mode::Encrypted)
        );
        let forged = seal("other", Some(&key), "wxA", "gh_1", msg, "1000000", "n1");
        assert_eq!(
            checker.open(&q(&forged), &forged.body).err(),
            Some(Refusal::BadSignature)
        );
        let wrong_app = seal("tok", Some(&key), "wxB", "gh_1", msg, "1000000", "n1");
        assert_eq!(
            checker.open(&q(&wrong_app), &wrong_app.body).err(),
            Some(Refusal::AppIdMismatch)
        );
        let stale = seal("tok", Some(&key), "wxA", "gh_1", msg, "990000", "n1");
        assert!(matches!(
            checker.open(&q(&stale), &stale.body),
            Err(Refusal::Stale(..))
        ));
        let plain_push = seal("tok", None, "wxA", "gh_1", msg, "1000000", "n1");
        assert_eq!(
            checker
                .open(&q(&plain_push), &plain_push.body)
                .expect("plain")
                .2,
            Mode::Plain
        );
        let mut echo = q(&plain_push);
        echo.insert("echostr".into(), "hello".into());
        assert_eq!(checker.url_check(&echo), Ok("hello".to_string()));
        echo.insert("signature".into(), "0".repeat(40));
        assert_eq!(checker.url_check(&echo), Err(Refusal::BadSignature));
    }
}
