//! Local images (the project's files): hashed by content, uploaded once with `media/uploadimg`, remembered in
//! the state by sha256 so unchanged bytes are never uploaded again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::wire::Resolved;
use crate::model::{ImageKind, ImageRef};

/// A local image the plan needs, with the hash of its bytes when planned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalImage {
    /// As written in the card file, relative to the project folder.
    pub path: String,
    pub sha256: String,
}

/// Hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads and hashes the local images of some cards.
///
/// # Errors
/// The file that could not be read, with the reason.
pub fn hash_local_images<'a>(
    root: &Path,
    images: impl IntoIterator<Item = &'a ImageRef>,
) -> Result<BTreeMap<String, LocalImage>, (PathBuf, std::io::Error)> {
    let mut out = BTreeMap::new();
    for image in images {
        if let ImageKind::Local(p) = image.kind() {
            if out.contains_key(p) {
                continue;
            }
            let full = root.join(p);
            let bytes = std::fs::read(&full).map_err(|e| (full.clone(), e))?;
            out.insert(
                p.to_string(),
                LocalImage {
                    path: p.to_string(),
                    sha256: sha256_hex(&bytes),
                },
            );
        }
    }
    Ok(out)
}

/// Resolves an image to its uploaded URL through the state's image cache.
pub fn resolve_image(
    image: &ImageRef,
    hashes: &BTreeMap<String, LocalImage>,
    uploaded: &BTreeMap<String, String>,
) -> Resolved {
    match image.kind() {
        ImageKind::Url(u) => Resolved::Known(u.to_string()),
        ImageKind::Local(p) => match hashes.get(p).and_then(|h| uploaded.get(&h.sha256)) {
            Some(url) => Resolved::Known(url.clone()),
            None => Resolved::Pending(format!("upload {p}")),
        },
    }
}
