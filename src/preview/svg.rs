//! A face as SVG, laid out like WeChat's coupon page on a phone: the colour band with
//! the logo, brand name, title, sub-title and validity; below it what to show at the
//! till, the notice, the usage conditions and the time slots.

use std::fmt::Write as _;

use super::face::Face;

/// The drawing's size in CSS pixels (a phone screen's width).
pub const WIDTH: u32 = 360;
pub const HEIGHT: u32 = 500;

/// Fonts with Chinese glyphs first (Debian's Noto CJK and WenQuanYi, then macOS's and
/// Windows' own), so every renderer finds one wherever it runs.
const FONTS: &str =
    "'Noto Sans CJK SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif";

/// Escapes text for XML and HTML (element content and quoted attributes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Other control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Width of `s` in ems: Chinese characters are square, Latin about half as wide.
fn ems(s: &str) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum()
}

/// Breaks `s` into lines of at most `max_ems`, at most `max_lines` (the last one ends
/// with "…" when the text is longer).
fn wrap(s: &str, max_ems: f32, max_lines: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for c in s.chars().filter(|c| *c != '\n') {
        let Some(line) = lines.last_mut() else { break };
        if ems(line) + ems(&c.to_string()) > max_ems {
            if lines.len() == max_lines {
                if let Some(line) = lines.last_mut() {
                    line.pop();
                    line.push('…');
                }
                return lines;
            }
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
    }
    lines
}

struct Canvas {
    out: String,
}

/// How a line of text is drawn.
struct Style<'a> {
    size: u32,
    fill: &'a str,
    /// `normal` or `bold`.
    weight: &'a str,
    /// `start` (left-aligned) or `middle` (centred on x).
    anchor: &'a str,
}

/// Small grey left-aligned text: time slots and usage notes.
const SMALL_GREY: Style<'static> = Style {
    size: 12,
    fill: "#888888",
    weight: "normal",
    anchor: "start",
};

impl Canvas {
    fn text(&mut self, (x, y): (u32, u32), st: &Style<'_>, s: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{x}" y="{y}" font-size="{}" fill="{}" font-weight="{}" text-anchor="{}">{}</text>"#,
            st.size,
            st.fill,
            st.weight,
            st.anchor,
            escape(s)
        );
    }
}

/// The face as a standalone SVG document of [`WIDTH`] × [`HEIGHT`].
///
/// # Guarantees
/// Every text of the card is XML-escaped; the drawing references nothing outside
/// itself (no images, no fonts by URL), so it renders offline and cannot load
/// anything when embedded in a page.
pub fn render_svg(face: &Face) -> String {
    let mut c = Canvas { out: String::new() };
    let color = escape(&face.color);
    let _ = writeln!(
        c.out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONTS}" role="img" aria-label="{}">"#,
        escape(&face.title)
    );
    // The page behind the card, the card, and its colour band.
    let _ = writeln!(
        c.out,
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#f2f2f2"/>"##
    );
    let _ = writeln!(
        c.out,
        r##"<rect x="12" y="12" width="336" height="{}" rx="10" fill="#ffffff"/>"##,
        HEIGHT - 24
    );
    let _ = writeln!(
        c.out,
        r#"<path d="M12 22 a10 10 0 0 1 10 -10 h316 a10 10 0 0 1 10 10 v228 h-336 z" fill="{color}"/>"#
    );
    // The logo: WeChat crops it to a circle; the image itself is not embedded (it may
    // only exist on WeChat's servers), so its place shows the brand's first character.
    let _ = writeln!(
        c.out,
        r##"<circle cx="180" cy="58" r="26" fill="#ffffff"/><circle cx="180" cy="58" r="24" fill="{color}" opacity="0.25"/>"##
    );
    let initial: String = face.brand_name.chars().take(1).collect();
    c.text(
        (180, 67),
        &Style {
            size: 24,
            fill: &color,
            weight: "bold",
            anchor: "middle",
        },
        &initial,
    );
    c.text(
        (180, 108),
        &Style {
            size: 15,
            fill: "#ffffff",
            weight: "normal",
            anchor: "middle",
        },
        &face.brand_name,
    );
    let mut y = 146;
    for line in wrap(&face.title, 12.0, 2) {
        c.text(
            (180, y),
            &Style {
                size: 26,
                fill: "#ffffff",
                weight: "bold",
                anchor: "middle",
            },
            &line,
        );
        y += 32;
    }
    if let Some(sub) = &face.sub_title {
        for line in wrap(sub, 20.0, 1) {
            c.text(
                (180, y),
                &Style {
                    size: 15,
                    fill: "#ffffff",
                    weight: "normal",
                    anchor: "middle",
                },
                &line,
            );
        }
        y += 24;
    }
    if let Some(validity) = &face.validity {
        c.text(
            (180, y.max(206)),
            &Style {
                size: 13,
                fill: "#ffffff",
                weight: "normal",
                anchor: "middle",
            },
            validity,
        );
    }
    c.text(
        (180, 236),
        &Style {
            size: 12,
            fill: "#ffffff",
            weight: "normal",
            anchor: "middle",
        },
        face.kind,
    );
    // The white half: the button, what to show, the notice, the conditions.
    let _ = writeln!(
        c.out,
        r#"<rect x="110" y="270" width="140" height="36" rx="18" fill="{color}"/>"#
    );
    c.text(
        (180, 294),
        &Style {
            size: 15,
            fill: "#ffffff",
            weight: "bold",
            anchor: "middle",
        },
        "立即使用",
    );
    if let Some(hint) = face.code_hint {
        c.text(
            (180, 328),
            &Style {
                size: 12,
                fill: "#888888",
                weight: "normal",
                anchor: "middle",
            },
            &format!("出示{hint}核销"),
        );
    }
    let mut y = 364;
    let _ = writeln!(
        c.out,
        r##"<line x1="28" y1="344" x2="332" y2="344" stroke="#e5e5e5" stroke-dasharray="4 3"/>"##
    );
    for line in wrap(&face.notice, 21.0, 2) {
        c.text(
            (32, y),
            &Style {
                size: 14,
                fill: "#333333",
                weight: "normal",
                anchor: "start",
            },
            &line,
        );
        y += 22;
    }
    y += 6;
    for condition in &face.conditions {
        if y > HEIGHT - 40 {
            break;
        }
        c.text(
            (32, y),
            &Style {
                size: 13,
                fill: "#576b95",
                weight: "normal",
                anchor: "start",
            },
            &format!("· {condition}"),
        );
        y += 20;
    }
    if !face.time_slots.is_empty() && y <= HEIGHT - 40 {
        let slots = face.time_slots.join("  ");
        for line in wrap(&format!("可用时段 {slots}"), 23.0, 2) {
            c.text((32, y), &SMALL_GREY, &line);
            y += 18;
        }
    }
    if !face.description.is_empty() && y <= HEIGHT - 60 {
        y += 8;
        let room = usize::try_from((HEIGHT - 30 - y) / 18)
            .unwrap_or(0)
            .clamp(1, 4);
        for line in wrap(&format!("使用说明：{}", face.description), 23.0, room) {
            c.text((32, y), &SMALL_GREY, &line);
            y += 18;
        }
    }
    c.out.push_str("</svg>\n");
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> Face {
        Face {
            color: "#63b359".into(),
            brand_name: "卡式<咖啡>".into(),
            title: "满100减20".into(),
            sub_title: Some("周末专享".into()),
            kind: "代金券",
            validity: Some("有效期 2026.11.01-2027.12.31".into()),
            notice: "结账时出示二维码".into(),
            description: "每次消费限用一张。".into(),
            conditions: vec!["消费满100元可用".into(), "不可与其他优惠共享".into()],
            time_slots: vec!["周六 10:00-20:59".into()],
            code_hint: Some("二维码"),
        }
    }

    #[test]
    fn face_as_svg() {
        insta::assert_snapshot!(render_svg(&face()));
    }

    #[test]
    fn long_text_wraps_and_ends_with_ellipsis() {
        let lines = wrap(&"很长的说明".repeat(20), 21.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| ems(l) <= 21.0));
    }

    #[test]
    fn no_external_references() {
        let svg = render_svg(&face());
        assert!(!svg.contains("href"), "{svg}");
        assert!(svg.contains("卡式&lt;咖啡&gt;"));
    }
}
