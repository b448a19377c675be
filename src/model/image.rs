//! Image references: a local file the user keeps under `assets/`, or a URL that
//! `media/uploadimg` returned earlier (reference §6.5: logo_url, icon_url_list and
//! image_url must come from uploadimg).

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the user wrote for an image field.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ImageRef(String);

/// The two kinds of image reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind<'a> {
    /// A path relative to the project folder; cardform uploads it.
    Local(&'a str),
    /// An http(s) URL, used as is.
    Url(&'a str),
}

impl ImageRef {
    pub fn new(s: impl Into<String>) -> Self {
        ImageRef(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> ImageKind<'_> {
        if self.0.starts_with("http://") || self.0.starts_with("https://") {
            ImageKind::Url(&self.0)
        } else {
            ImageKind::Local(&self.0)
        }
    }
}

pub use cardform_spec::WECHAT_IMAGE_HOST;

impl fmt::Debug for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for ImageRef {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "ImageRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": 1024,
            "description": "A local JPG/PNG (≤ 1 MB) relative to the project folder, uploaded once by cardform; or an http(s)://mmbiz.qpic.cn URL from media/uploadimg (WeChat takes at most 128 bytes on create or change; older cards may hold longer ones)",
        })
    }
}
