//! Images: WeChat's image host for URLs, and local files (readable, JPG/PNG, within the size limit).

use std::io::Read;
use std::path::Path;

use crate::config::images::{ImagePathError, confined_image_path};
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
                format!("the URL is {} bytes; WeChat takes image URLs of at most {MAX_IMAGE_URL_BYTES} bytes", url.len()),
                "upload the image again (a local file under the project) to get a short URL",
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
            format!("`{host}` is not WeChat's image host {WECHAT_IMAGE_HOST}; WeChat only accepts images uploaded with media/uploadimg"),
            "use a local file under the project, which cardform uploads, or the URL uploadimg returned".to_string(),
        ))
    }
}

pub(super) fn check_local_image(root: &Path, rel: &str) -> Result<(), (String, String)> {
    // Only files inside the project, after resolving `..` and symbolic links.
    let path = match confined_image_path(root, rel) {
        Ok(p) => p,
        Err(e @ ImagePathError::Outside { .. }) => return Err((e.to_string(), e.help().into())),
        // Not there (or unreadable): said below, as before.
        Err(ImagePathError::Io { .. }) => root.join(rel),
    };
    let meta = std::fs::metadata(&path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "no such file".to_string()
        } else {
            e.to_string()
        };
        (
            format!("image `{rel}` cannot be read: {why}"),
            "give a path relative to the project folder, e.g. assets/logo.jpg".to_string(),
        )
    })?;
    if !meta.is_file() {
        return Err((
            format!("image `{rel}` is not a file"),
            "point at a JPG or PNG file".to_string(),
        ));
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err((
            format!(
                "image `{rel}` is {} bytes; WeChat's uploadimg takes at most 1 MB ({MAX_IMAGE_BYTES} bytes)",
                meta.len()
            ),
            "compress or resize it".to_string(),
        ));
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(&path)
        .and_then(|f| f.take(8).read(&mut head))
        .map_err(|e| {
            (
                format!("image `{rel}` cannot be read: {e}"),
                "check its permissions".to_string(),
            )
        })?;
    let head = &head[..n];
    let jpg = head.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    if jpg || png {
        Ok(())
    } else {
        Err((
            format!("image `{rel}` is neither a JPG nor a PNG, judging by its first bytes"),
            "WeChat's uploadimg accepts JPG and PNG only; convert it".to_string(),
        ))
    }
}
