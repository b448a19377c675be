//! Local images (the project's files): hashed by content, uploaded once with `media/uploadimg`, remembered in
//! the state by sha256 so unchanged bytes are never uploaded again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::i18n::tr;

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

/// A local image path cardform will not read.
#[derive(Debug, thiserror::Error)]
pub enum ImagePathError {
    #[error("{}", tr!("val-image-outside", path = .rel, resolved = .resolved.display()))]
    Outside { rel: String, resolved: PathBuf },
    #[error("{}", tr!("val-image-io", path = .rel, full = .path.display(), source = super::files::io_reason(.source)))]
    Io {
        rel: String,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ImagePathError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ImagePathError::Outside { .. } => tr!("val-image-outside-help"),
            ImagePathError::Io { .. } => tr!("val-image-relative-help"),
        }
    }
}

/// The file a local image path names, after resolving `..` and symbolic links, if it
/// is inside the project folder `root` (an absolute path, `../x.jpg` or a link out of
/// the project is refused: cardform reads no file outside the project).
///
/// # Errors
/// [`ImagePathError::Outside`]; [`ImagePathError::Io`] when it cannot be resolved
/// (e.g. it does not exist).
pub fn confined_image_path(root: &Path, rel: &str) -> Result<PathBuf, ImagePathError> {
    let io = |path: &Path, source| ImagePathError::Io {
        rel: rel.to_string(),
        path: path.to_path_buf(),
        source,
    };
    let root_c = std::fs::canonicalize(root).map_err(|e| io(root, e))?;
    let joined = root.join(rel);
    let resolved = std::fs::canonicalize(&joined).map_err(|e| io(&joined, e))?;
    if resolved.starts_with(&root_c) {
        Ok(resolved)
    } else {
        Err(ImagePathError::Outside {
            rel: rel.to_string(),
            resolved,
        })
    }
}

/// Reads and hashes the local images of some cards (only files inside the project).
///
/// # Errors
/// The image that could not be read, or that is outside the project, with the reason.
pub fn hash_local_images<'a>(
    root: &Path,
    images: impl IntoIterator<Item = &'a ImageRef>,
) -> Result<BTreeMap<String, LocalImage>, ImagePathError> {
    let mut out = BTreeMap::new();
    for image in images {
        if let ImageKind::Local(p) = image.kind() {
            if out.contains_key(p) {
                continue;
            }
            let full = confined_image_path(root, p)?;
            let bytes = std::fs::read(&full).map_err(|source| ImagePathError::Io {
                rel: p.to_string(),
                path: full.clone(),
                source,
            })?;
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
