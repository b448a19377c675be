//! SVG → PNG through resvg, with the system's fonts.
//!
//! Fonts: cardform uses the fonts installed on the machine rather than bundling one. A
//! CJK font that covers the card texts is 5–20 MB (WenQuanYi Micro Hei 5 MB, Noto Sans
//! CJK SC 16 MB; a subset of the card texts cannot be made in advance, since they are
//! the merchant's), which would multiply the binary's size for one command, and every CI
//! image and desktop that renders Chinese already has one (Debian: `fonts-noto-cjk` or
//! `fonts-wqy-microhei`; `.ci/run` installs the latter). The fonts are looked for in
//! fontconfig's folders (fontdb reads its configuration), then in the usual font
//! folders of Linux, macOS and Windows ([`COMMON_FONT_DIRS`]; `CARDFORM_FONT_DIRS`, a
//! path list, replaces them). The CJK font found becomes every generic family, so a
//! card's Latin text and digits are drawn with it too.
//!
//! A PNG never loses its text silently: before a PNG is made, every character of every
//! text is checked against the fonts (and the drawn text against the SVG's), and a
//! text that would be lost is an error naming the characters and what to install
//! ([`RasterError::LostText`]). `cardform preview` refuses to start without a CJK font
//! ([`RasterError::NoCjkFont`]).

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use crate::i18n::tr;

/// Why a PNG could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("{}", tr!("val-raster-parse", error = .0.to_string()))]
    Parse(#[from] usvg::Error),
    #[error("{}", tr!("val-raster-size", width = .width, height = .height))]
    Size { width: u32, height: u32 },
    #[error("{}", tr!("val-raster-encode", error = .0))]
    Encode(String),
    #[error("{}", tr!("val-raster-no-cjk", searched = .searched, help = install_help()))]
    NoCjkFont { searched: String },
    #[error("{}", tr!("val-raster-lost-text", chars = format!("{:?}", .chars), help = install_help()))]
    LostText { chars: String },
}

/// What to do without a font for the text, in the process language.
pub fn install_help() -> String {
    tr!("val-raster-install-help")
}

/// Font folders looked in besides fontconfig's (`~` is the home folder).
pub const COMMON_FONT_DIRS: &[&str] = &[
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "~/Library/Fonts",
    "/opt/homebrew/share/fonts",
    "C:\\Windows\\Fonts",
];

/// The folders to look in besides fontconfig's: `CARDFORM_FONT_DIRS` (a path list) or
/// [`COMMON_FONT_DIRS`].
fn extra_font_dirs() -> Vec<std::path::PathBuf> {
    if let Some(list) = std::env::var_os("CARDFORM_FONT_DIRS") {
        return std::env::split_paths(&list).collect();
    }
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    COMMON_FONT_DIRS
        .iter()
        .filter_map(|d| match d.strip_prefix("~/") {
            Some(rest) => home.as_ref().map(|h| h.join(rest)),
            None => Some(std::path::PathBuf::from(d)),
        })
        .collect()
}

/// Renders SVG documents to PNG with one font database (loading the system's fonts
/// takes a while, so it is done once per run).
pub struct Rasterizer {
    fonts: Arc<usvg::fontdb::Database>,
    /// Whether any installed font has Chinese glyphs.
    pub has_cjk_font: bool,
    /// The folders looked in besides fontconfig's (for the error).
    searched: Vec<std::path::PathBuf>,
}

/// A character every CJK font has (券, the "coupon" of 卡券).
const PROBE: char = '券';

impl Rasterizer {
    /// Loads the system's fonts: fontconfig's folders, and the usual font folders
    /// ([`extra_font_dirs`]) when those hold no CJK font.
    pub fn with_system_fonts() -> Rasterizer {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        let mut cjk = cjk_family(&db);
        let searched = extra_font_dirs();
        if cjk.is_none() {
            for dir in &searched {
                db.load_fonts_dir(dir);
            }
            cjk = cjk_family(&db);
        }
        if let Some(family) = &cjk {
            // Every generic family resolves to the CJK font, so text in any fallback
            // family (Latin and digits included) is drawn with it.
            db.set_sans_serif_family(family.clone());
            db.set_serif_family(family.clone());
            db.set_monospace_family(family.clone());
            db.set_cursive_family(family.clone());
            db.set_fantasy_family(family.clone());
        }
        Rasterizer {
            fonts: Arc::new(db),
            has_cjk_font: cjk.is_some(),
            searched,
        }
    }

    /// [`RasterError::NoCjkFont`] when no font with Chinese characters was found.
    ///
    /// # Errors
    /// That one.
    pub fn require_cjk(&self) -> Result<(), RasterError> {
        if self.has_cjk_font {
            return Ok(());
        }
        let searched: Vec<String> = self
            .searched
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        Err(RasterError::NoCjkFont {
            searched: searched.join(", "),
        })
    }

    /// Whether some loaded font maps `c` to a glyph.
    fn covered(&self, c: char) -> bool {
        self.fonts.faces().any(|face| {
            self.fonts
                .with_face_data(face.id, |data, index| ttf_has_char(data, index, c))
                .unwrap_or(false)
        })
    }

    /// The characters of `svg`'s texts that `tree` would not draw: those no font has,
    /// and those of texts the rasteriser dropped or drew as nothing (usvg leaves out a
    /// text whose font it cannot resolve).
    fn lost_text(&self, svg: &str, tree: &usvg::Tree) -> String {
        let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let wanted: String = source_texts(svg).iter().map(|t| visible(t)).collect();
        let mut drawn_texts = Vec::new();
        collect_texts(tree.root(), &mut drawn_texts);
        let drawn: String = drawn_texts
            .iter()
            .filter(|(_, drawn)| *drawn)
            .map(|(t, _)| visible(t))
            .collect();
        let mut lost: Vec<char> = Vec::new();
        for c in wanted.chars() {
            if !lost.contains(&c) && !self.covered(c) {
                lost.push(c);
            }
        }
        if lost.is_empty() && drawn.chars().count() < wanted.chars().count() {
            for c in wanted.chars() {
                if !lost.contains(&c) && !drawn.contains(c) {
                    lost.push(c);
                }
            }
            if lost.is_empty() {
                lost = wanted.chars().collect();
            }
        }
        lost.into_iter().collect()
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
        let lost = self.lost_text(svg, &tree);
        if !lost.is_empty() {
            return Err(RasterError::LostText { chars: lost });
        }
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

/// The family of the first loaded font with Chinese glyphs.
fn cjk_family(db: &usvg::fontdb::Database) -> Option<String> {
    db.faces()
        .find(|face| {
            db.with_face_data(face.id, |data, index| ttf_has_char(data, index, PROBE))
                .unwrap_or(false)
        })
        .and_then(|face| face.families.first().map(|(name, _)| name.clone()))
}

/// The contents of the `<text>` elements of an SVG document (tags inside, such as
/// `<tspan>`, taken out; the five XML entities and numeric references read).
fn source_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find("<text") {
        let after = &rest[open + 5..];
        // `<textPath` and the like are not text elements.
        if !after.starts_with([' ', '>', '\t', '\n', '\r', '/']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(close) = body.find("</text>") else {
            break;
        };
        out.push(unescape(&strip_tags(&body[..close])));
        rest = &body[close..];
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=semi]),
        }
        rest = &tail[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// Every text of `group` (descending into groups): its characters, and whether it was
/// drawn as anything.
fn collect_texts(group: &usvg::Group, out: &mut Vec<(String, bool)>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => collect_texts(g, out),
            usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text()).collect();
                out.push((text, !t.flattened().children().is_empty()))
            }
            _ => {}
        }
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
    fn text_without_a_font_is_an_error_not_a_blank_png() {
        let empty = Rasterizer {
            fonts: Arc::new(usvg::fontdb::Database::new()),
            has_cjk_font: false,
            searched: Vec::new(),
        };
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="14" font-size="12">满100减20</text></svg>"##;
        match empty.png(svg, 1.0) {
            Err(RasterError::LostText { chars }) => assert!(chars.contains('1'), "{chars}"),
            other => panic!("expected LostText, got {other:?}"),
        }
        assert!(matches!(
            empty.require_cjk(),
            Err(RasterError::NoCjkFont { .. })
        ));
        assert_eq!(
            source_texts(
                "<svg><text x=\"1\">a &amp; <tspan>b</tspan></text><textPath>c</textPath></svg>"
            ),
            vec!["a & b".to_string()]
        );
        // No text: nothing to lose.
        let plain = r##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2"/></svg>"##;
        assert!(empty.png(plain, 1.0).is_ok());
    }

    #[test]
    fn unreadable_svg_is_an_error() {
        assert!(Rasterizer::with_system_fonts().png("<svg", 1.0).is_err());
    }
}
