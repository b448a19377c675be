//! SVG → PNG through resvg, with the system's fonts.
//!
//! Fonts: cardform uses the fonts installed on the machine (fontdb reads the system's
//! font folders) rather than bundling one. A CJK font that covers the card texts is
//! 5–20 MB (WenQuanYi Micro Hei 5 MB, Noto Sans CJK SC 16 MB), which would multiply the
//! binary's size for one command, and every CI image and desktop that renders Chinese
//! already has one (Debian: `fonts-noto-cjk` or `fonts-wqy-microhei`; `.ci/run`
//! installs the latter). Without any CJK font the PNG is still written, and the command
//! warns, since Chinese text would show as empty boxes.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

/// Why a PNG could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("the preview SVG could not be read by the rasteriser: {0}")]
    Parse(#[from] usvg::Error),
    #[error("the preview is too large to rasterise ({width}×{height})")]
    Size { width: u32, height: u32 },
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

/// Renders SVG documents to PNG with one font database (loading the system's fonts
/// takes a while, so it is done once per run).
pub struct Rasterizer {
    fonts: Arc<usvg::fontdb::Database>,
    /// Whether any installed font has Chinese glyphs.
    pub has_cjk_font: bool,
}

/// A character every CJK font has (券, the "coupon" of 卡券).
const PROBE: char = '券';

impl Rasterizer {
    /// Loads the system's fonts.
    pub fn with_system_fonts() -> Rasterizer {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        let cjk = db
            .faces()
            .find(|face| {
                db.with_face_data(face.id, |data, index| ttf_has_char(data, index, PROBE))
                    .unwrap_or(false)
            })
            .and_then(|face| face.families.first().map(|(name, _)| name.clone()));
        if let Some(family) = &cjk {
            // `sans-serif` resolves to the CJK font, so text in any fallback family
            // still has Chinese glyphs.
            db.set_sans_serif_family(family.clone());
        }
        Rasterizer {
            fonts: Arc::new(db),
            has_cjk_font: cjk.is_some(),
        }
    }

    /// The PNG of an SVG document, at `scale` × its size (2 for a sharp image).
    ///
    /// # Errors
    /// [`RasterError`] when the SVG cannot be parsed or the image cannot be made.
    pub fn png(&self, svg: &str, scale: f32) -> Result<Vec<u8>, RasterError> {
        let options = usvg::Options {
            fontdb: Arc::clone(&self.fonts),
            font_family: "sans-serif".to_string(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &options)?;
        let size = tree.size().to_int_size().scale_by(scale);
        let (width, height) = size.map_or((0, 0), |s| (s.width(), s.height()));
        let mut pixmap =
            tiny_skia::Pixmap::new(width, height).ok_or(RasterError::Size { width, height })?;
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap
            .encode_png()
            .map_err(|e| RasterError::Encode(e.to_string()))
    }
}

/// Whether the font at `index` of `data` maps `c` to a glyph (its character map).
fn ttf_has_char(data: &[u8], index: u32, c: char) -> bool {
    use skrifa::MetadataProvider as _;
    skrifa::FontRef::from_index(data, index)
        .ok()
        .and_then(|font| font.charmap().map(c))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png_of_the_svgs_size() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#63b359"/></svg>"##;
        let png = Rasterizer::with_system_fonts()
            .png(svg, 2.0)
            .expect("renders");
        assert_eq!(&png[1..4], b"PNG");
        // IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(u32::from_be_bytes([png[16], png[17], png[18], png[19]]), 40);
        assert_eq!(u32::from_be_bytes([png[20], png[21], png[22], png[23]]), 20);
    }

    #[test]
    fn unreadable_svg_is_an_error() {
        assert!(Rasterizer::with_system_fonts().png("<svg", 1.0).is_err());
    }
}
