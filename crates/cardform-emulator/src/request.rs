//! A WeChat request as handlers see it ([`Input`], [`Upload`]) and the pieces of
//! reading one that the admin API shares (query parsing, the body limit). Below the
//! handlers and the router, so handlers never import the router.

use std::collections::HashMap;

use serde_json::Value;

/// A request as handlers see it.
pub struct Input {
    /// Query parameters (percent-decoded). `access_token` is among them.
    pub query: HashMap<String, String>,
    /// The JSON body (Null for GET endpoints).
    pub json: Value,
    /// The multipart `buffer` field for uploadimg.
    pub upload: Upload,
}

/// What uploadimg received.
pub enum Upload {
    NotMultipart,
    /// A multipart body without a `buffer` field.
    Missing,
    /// The body exceeded what the emulator reads (far above WeChat's 1 MB).
    TooLarge,
    File(Vec<u8>),
}

/// How much of a request body the emulator reads.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Percent-decodes a query component (`+` is a space; a bad escape stays as is).
fn decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a query string into a map (the last value of a repeated key wins).
pub fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query(Some("access_token=a%2Bb&x=1+2&flag&bad=%zz&end=%4"));
        assert_eq!(q["access_token"], "a+b");
        assert_eq!(q["x"], "1 2");
        assert_eq!(q["flag"], "");
        assert_eq!(q["bad"], "%zz");
        assert_eq!(q["end"], "%4");
    }
}
