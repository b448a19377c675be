//! `media/uploadimg` (reference §6.5): multipart field `buffer` (card docs) or `media`
//! (mass-message docs, wechatpy; `router::UPLOAD_FIELDS`), at most 1 MB, JPG or
//! PNG by magic bytes (40009 too large, 40005 another type, 41005 no file). The URL is
//! derived from the bytes' sha256, so the same image always gets the same URL (the
//! issue asks for this; real WeChat is said to return a new URL per upload). Success
//! carries no errcode field, as WeChat's does (reference §15).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::reply::ApiError;
use super::request::{Input, Upload};
use super::world::World;
use cardform_spec::WECHAT_IMAGE_HOST;

/// uploadimg's size limit, as a byte count.
pub const MAX_IMAGE_BYTES: usize = cardform_spec::limits::MAX_IMAGE_BYTES as usize;

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The URL an image's bytes get.
pub fn url_for(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("http://{WECHAT_IMAGE_HOST}/mmbiz/{}/0", hex::encode(digest))
}

/// `POST /cgi-bin/media/uploadimg` (multipart `buffer`) → `{"url": …}`.
pub fn upload(_world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let bytes = match &input.upload {
        Upload::NotMultipart | Upload::Missing => {
            return Err(ApiError::with(
                41005,
                "(send the image as multipart field `buffer` or `media`)",
            ));
        }
        Upload::TooLarge => return Err(ApiError::new(40009)),
        Upload::File(b) => b,
    };
    if bytes.is_empty() {
        return Err(ApiError::with(41005, "(the file field is empty)"));
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ApiError::new(40009));
    }
    if !bytes.starts_with(JPEG) && !bytes.starts_with(PNG) {
        return Err(ApiError::new(40005));
    }
    Ok(json!({ "url": url_for(bytes) }))
}
