//! Images: WeChat's image host for URLs, and local files (readable, JPG/PNG, within the size limit).

use std::io::Read;
use std::path::Path;

use crate::config::images::{ImagePathError, confined_image_path};
use crate::i18n::tr;
use crate::model::{Card, ImageKind, ImageRef, WECHAT_IMAGE_HOST};

use super::checker::{Checker, Out};

use cardform_spec::limits::{MAX_IMAGE_BYTES, MAX_IMAGE_URL_BYTES};

pub(super) fn images(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    for (field, img) in card.images() {
        if let ImageKind::Url(url) = img.kind()
            && url.len() > MAX_IMAGE_URL_BYTES
        {
            out.write_rule(
                &field,
                tr!(
                    "val-image-url-long",
                    bytes = url.len(),
                    max = MAX_IMAGE_URL_BYTES
                ),
                tr!("val-image-url-long-help"),
            );
        }
        if let Err((message, help)) = checker.check_image(img) {
            match img.kind() {
                // A URL on another host is what old cards may hold: refused only if sent.
                ImageKind::Url(_) => out.write_rule(&field, message, help),
                ImageKind::Local(_) => out.error(&field, message, help),
            }
        }
    }
}

impl Checker<'_> {
    fn check_image(&self, img: &ImageRef) -> Result<(), (String, String)> {
        if let Some(hit) = self.images.borrow().get(img.as_str()) {
            return hit.clone();
        }
        let result = match img.kind() {
            ImageKind::Url(url) => check_image_url(url),
            ImageKind::Local(path) => check_local_image(self.ctx.root, path),
        };
        self.images
            .borrow_mut()
            .insert(img.as_str().to_string(), result.clone());
        result
    }
}

pub(super) fn check_image_url(url: &str) -> Result<(), (String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port.split(':').next().unwrap_or(host_port);
    if host.eq_ignore_ascii_case(WECHAT_IMAGE_HOST) {
        Ok(())
    } else {
        Err((
            tr!("val-image-host", host = host, wechat = WECHAT_IMAGE_HOST),
            tr!("val-image-host-help"),
        ))
    }
}

pub(super) fn check_local_image(root: &Path, rel: &str) -> Result<(), (String, String)> {
    // Only files inside the project, after resolving `..` and symbolic links.
    let path = match confined_image_path(root, rel) {
        Ok(p) => p,
        Err(e @ ImagePathError::Outside { .. }) => return Err((e.to_string(), e.help())),
        // Not there (or unreadable): said below, as before.
        Err(ImagePathError::Io { .. }) => root.join(rel),
    };
    let meta = std::fs::metadata(&path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            tr!("val-image-no-such-file")
        } else {
            crate::config::files::io_reason(&e)
        };
        (
            tr!("val-image-unreadable", path = rel, why = why),
            tr!("val-image-relative-help"),
        )
    })?;
    if !meta.is_file() {
        return Err((
            tr!("val-image-not-a-file", path = rel),
            tr!("val-image-not-a-file-help"),
        ));
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err((
            tr!(
                "val-image-too-large",
                path = rel,
                bytes = meta.len(),
                max = MAX_IMAGE_BYTES
            ),
            tr!("val-image-too-large-help"),
        ));
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(&path)
        .and_then(|f| f.take(8).read(&mut head))
        .map_err(|e| {
            (
                tr!(
                    "val-image-unreadable",
                    path = rel,
                    why = crate::config::files::io_reason(&e)
                ),
                tr!("val-image-permissions-help"),
            )
        })?;
    let head = &head[..n];
    let jpg = head.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    if jpg || png {
        Ok(())
    } else {
        Err((
            tr!("val-image-format", path = rel),
            tr!("val-image-format-help"),
        ))
    }
}
