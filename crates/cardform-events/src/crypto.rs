//! WeChat's message crypto (reference §16 "Message crypto"): the URL check's
//! `signature`, the `msg_signature` of an encrypted message, and safe mode's
//! AES-256-CBC with the EncodingAESKey.
//!
//! - AESKey = Base64(EncodingAESKey + "="), 32 bytes; the IV is its first 16 bytes.
//! - Plaintext = 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ AppID, padded
//!   PKCS#7-style to a multiple of 32 bytes (WeChat's block size for padding, not
//!   AES's 16), then encrypted and written in standard base64.
//! - `signature` = hex(sha1(sorted(token, timestamp, nonce) joined));
//!   `msg_signature` = hex(sha1(sorted(token, timestamp, nonce, Encrypt) joined)).
//!
//! Checked against WeChat's published sample (`tests/fixtures/events/`) and against
//! wechatpy's `WeChatCrypto` both ways (`tests/it/events_crypto.rs`).

use aes::Aes256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cardform_i18n::tr;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use sha1::{Digest, Sha1};

/// WeChat pads to multiples of this many bytes (PKCS#7 with k = 32).
pub const PAD_BLOCK: usize = 32;

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("{}", tr!("ev-crypto-key-length", len = *.0))]
    KeyLength(usize),
    #[error("{}", tr!("ev-crypto-key-base64"))]
    KeyNotBase64,
    #[error("{}", tr!("ev-crypto-signature"))]
    BadSignature,
    #[error("{}", tr!("ev-crypto-encrypt-base64"))]
    NotBase64,
    #[error("{}", tr!("ev-crypto-length"))]
    BadLength,
    #[error("{}", tr!("ev-crypto-padding"))]
    BadPadding,
    #[error("{}", tr!("ev-crypto-frame"))]
    BadFrame,
    #[error("{}", tr!("ev-crypto-utf8"))]
    NotUtf8,
    #[error("{}", tr!("ev-crypto-appid"))]
    AppIdMismatch,
}

/// The 32-byte AES key from an EncodingAESKey. Debug never shows it.
#[derive(Clone)]
pub struct AesKey([u8; 32]);

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey(REDACTED)")
    }
}

impl AesKey {
    /// Decodes an EncodingAESKey (43 characters; WeChat's keys end in bits that
    /// base64 would not write, so the decoder ignores trailing bits as WeChat does).
    ///
    /// # Errors
    /// [`CryptoError::KeyLength`] / [`CryptoError::KeyNotBase64`].
    pub fn from_encoding_aes_key(encoding_aes_key: &str) -> Result<AesKey, CryptoError> {
        let k = encoding_aes_key.trim();
        if k.len() != 43 {
            return Err(CryptoError::KeyLength(k.len()));
        }
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let bytes = engine
            .decode(format!("{k}="))
            .map_err(|_| CryptoError::KeyNotBase64)?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| CryptoError::KeyLength(k.len()))?;
        Ok(AesKey(key))
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.0[..16]);
        iv
    }
}

/// hex(sha1(sorted parts, concatenated)): both WeChat signatures.
pub fn sha1_signature(parts: &[&str]) -> String {
    let mut sorted: Vec<&str> = parts.to_vec();
    sorted.sort_unstable();
    let mut h = Sha1::new();
    for p in sorted {
        h.update(p.as_bytes());
    }
    hex_lower(&h.finalize())
}

fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Compares two signatures without an early exit on the first differing byte.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_ascii_lowercase(), b.trim().to_ascii_lowercase());
    if a.len() != b.len() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The URL check's and plain mode's `signature`.
pub fn url_signature(token: &str, timestamp: &str, nonce: &str) -> String {
    sha1_signature(&[token, timestamp, nonce])
}

/// An encrypted message's `msg_signature`.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    sha1_signature(&[token, timestamp, nonce, encrypt])
}

/// Encrypts `message` for `app_id` with 16 fresh random bytes in front.
pub fn encrypt(key: &AesKey, app_id: &str, message: &str) -> String {
    let prefix: [u8; 16] = rand::random();
    encrypt_with_prefix(key, app_id, message, prefix)
}

/// As [`encrypt`] with a given random prefix (tests compare with fixed vectors).
pub fn encrypt_with_prefix(key: &AesKey, app_id: &str, message: &str, prefix: [u8; 16]) -> String {
    let msg = message.as_bytes();
    let mut plain = Vec::with_capacity(16 + 4 + msg.len() + app_id.len() + PAD_BLOCK);
    plain.extend_from_slice(&prefix);
    // A message over 4 GiB cannot be framed; WeChat's are a few KB.
    let len = u32::try_from(msg.len()).unwrap_or(u32::MAX);
    plain.extend_from_slice(&len.to_be_bytes());
    plain.extend_from_slice(msg);
    plain.extend_from_slice(app_id.as_bytes());
    let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
    plain.extend(std::iter::repeat_n(pad as u8, pad));
    let cipher = cbc::Encryptor::<Aes256>::new(&key.0.into(), &key.iv().into());
    let out = cipher.encrypt_padded_vec_mut::<NoPadding>(&plain);
    STANDARD.encode(out)
}

/// What a decrypted message carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    pub message: String,
    pub app_id: String,
}

/// Decrypts an `Encrypt` value (no AppID check: see [`decrypt_for`]).
///
/// # Errors
/// Not base64, a bad length, padding or frame, a message that is not UTF-8.
pub fn decrypt(key: &AesKey, encrypt: &str) -> Result<Decrypted, CryptoError> {
    let data = STANDARD
        .decode(encrypt.trim())
        .map_err(|_| CryptoError::NotBase64)?;
    if data.is_empty() || data.len() % 16 != 0 {
        return Err(CryptoError::BadLength);
    }
    let cipher = cbc::Decryptor::<Aes256>::new(&key.0.into(), &key.iv().into());
    let plain = cipher
        .decrypt_padded_vec_mut::<NoPadding>(&data)
        .map_err(|_| CryptoError::BadLength)?;
    let pad = usize::from(*plain.last().ok_or(CryptoError::BadPadding)?);
    if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
        return Err(CryptoError::BadPadding);
    }
    let body = &plain[..plain.len() - pad];
    if body.len() < 20 {
        return Err(CryptoError::BadFrame);
    }
    let len_bytes: [u8; 4] = body[16..20].try_into().map_err(|_| CryptoError::BadFrame)?;
    let len = usize::try_from(u32::from_be_bytes(len_bytes)).map_err(|_| CryptoError::BadFrame)?;
    let rest = &body[20..];
    if len > rest.len() {
        return Err(CryptoError::BadFrame);
    }
    let message = std::str::from_utf8(&rest[..len]).map_err(|_| CryptoError::NotUtf8)?;
    let app_id = std::str::from_utf8(&rest[len..]).map_err(|_| CryptoError::NotUtf8)?;
    Ok(Decrypted {
        message: message.to_string(),
        app_id: app_id.to_string(),
    })
}

/// Decrypts and checks that the message was meant for one of `app_ids`.
///
/// # Errors
/// As [`decrypt`], and [`CryptoError::AppIdMismatch`].
pub fn decrypt_for(key: &AesKey, encrypt: &str, app_ids: &[&str]) -> Result<String, CryptoError> {
    let d = decrypt(key, encrypt)?;
    if app_ids.iter().any(|a| *a == d.app_id) {
        Ok(d.message)
    } else {
        Err(CryptoError::AppIdMismatch)
    }
}

/// Checks an encrypted message's `msg_signature`, then decrypts it for `app_ids`.
///
/// # Errors
/// [`CryptoError::BadSignature`] before anything is decrypted; then as [`decrypt_for`].
pub fn open_message(
    token: &str,
    key: &AesKey,
    app_ids: &[&str],
    msg_sig: &str,
    timestamp: &str,
    nonce: &str,
    encrypt: &str,
) -> Result<String, CryptoError> {
    if !signatures_equal(&msg_signature(token, timestamp, nonce, encrypt), msg_sig) {
        return Err(CryptoError::BadSignature);
    }
    decrypt_for(key, encrypt, app_ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_padding_to_32() {
        let key = AesKey::from_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
            .expect("key");
        for n in 0..70 {
            let msg = "x".repeat(n);
            let enc = encrypt(&key, "wxapp", &msg);
            let raw = STANDARD.decode(&enc).expect("b64");
            assert_eq!(raw.len() % PAD_BLOCK, 0, "padded to 32 for {n}");
            assert_eq!(decrypt_for(&key, &enc, &["wxapp"]).expect("decrypts"), msg);
            assert_eq!(
                decrypt_for(&key, &enc, &["other"]),
                Err(CryptoError::AppIdMismatch)
            );
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let key = AesKey::from_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
            .expect("key");
        for bad in [
            "",
            "!!!",
            "AAAA",
            "AAAAAAAAAAAAAAAAAAAAAA==",
            &"A".repeat(64),
        ] {
            assert!(decrypt(&key, bad).is_err(), "{bad:?}");
        }
        assert!(AesKey::from_encoding_aes_key("short").is_err());
        assert!(AesKey::from_encoding_aes_key(&"!".repeat(43)).is_err());
    }

    #[test]
    fn key_debug_is_redacted() {
        let key = AesKey::from_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
            .expect("key");
        assert_eq!(format!("{key:?}"), "AesKey(REDACTED)");
    }
}
