//! The flat XML WeChat pushes: `<xml><Name>value</Name>…</xml>`, values in CDATA or as
//! text, a few nested elements. Read with roxmltree, which refuses a DTD (so entity
//! expansion tricks never run); cardform refuses `<!DOCTYPE` and `<!ENTITY` before
//! parsing too, so the error says why.

/// A message's elements in document order: top-level children of the root, nested
/// ones as `Parent/Child`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of an element.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Adds an element.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// As a JSON object (the first value of a repeated element wins).
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        for (k, v) in &self.0 {
            m.entry(k.clone())
                .or_insert_with(|| serde_json::Value::String(v.clone()));
        }
        m
    }
}

/// Why an XML body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("{}", cardform_i18n::tr!("ev-xml-dtd"))]
    Dtd,
    #[error("{}", cardform_i18n::tr!("ev-xml-malformed", detail = .0.as_str()))]
    Malformed(String),
    #[error("{}", cardform_i18n::tr!("ev-xml-too-deep", max = MAX_DEPTH))]
    TooDeep,
    #[error("{}", cardform_i18n::tr!("ev-xml-not-utf8"))]
    NotUtf8,
}

/// Deeper nesting than this is refused (WeChat's messages are two or three levels).
pub const MAX_DEPTH: usize = 8;

/// Parses a WeChat message body.
///
/// # Errors
/// [`XmlError`] for a DTD, malformed XML, or nesting deeper than [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Fields, XmlError> {
    let upper = text.to_ascii_uppercase();
    if upper.contains("<!DOCTYPE") || upper.contains("<!ENTITY") {
        return Err(XmlError::Dtd);
    }
    let doc = roxmltree::Document::parse(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlError::Dtd,
        other => XmlError::Malformed(other.to_string()),
    })?;
    let mut fields = Fields::default();
    collect(doc.root_element(), "", 1, &mut fields)?;
    Ok(fields)
}

fn collect(
    node: roxmltree::Node<'_, '_>,
    prefix: &str,
    depth: usize,
    out: &mut Fields,
) -> Result<(), XmlError> {
    if depth > MAX_DEPTH {
        return Err(XmlError::TooDeep);
    }
    for child in node.children().filter(roxmltree::Node::is_element) {
        let name = if prefix.is_empty() {
            child.tag_name().name().to_string()
        } else {
            format!("{prefix}/{}", child.tag_name().name())
        };
        if child.children().any(|c| c.is_element()) {
            collect(child, &name, depth + 1, out)?;
        } else {
            let text: String = child
                .children()
                .filter(roxmltree::Node::is_text)
                .filter_map(|t| t.text())
                .collect();
            out.push(name, text.trim().to_string());
        }
    }
    Ok(())
}

/// Writes `fields` the way WeChat does: text in CDATA, all-digit values bare. Nested
/// names (`A/B`) are written as nested elements when they are consecutive.
pub fn write(fields: &Fields) -> String {
    let mut s = String::from("<xml>");
    let mut open: Vec<&str> = Vec::new();
    for (name, value) in &fields.0 {
        let parts: Vec<&str> = name.split('/').collect();
        let (parents, leaf) = parts.split_at(parts.len() - 1);
        let common = open
            .iter()
            .zip(parents.iter())
            .take_while(|(a, b)| a == b)
            .count();
        while open.len() > common {
            if let Some(p) = open.pop() {
                s.push_str(&format!("</{p}>"));
            }
        }
        for p in &parents[common..] {
            s.push_str(&format!("<{p}>"));
            open.push(p);
        }
        let leaf = leaf.first().copied().unwrap_or_default();
        s.push_str(&format!("<{leaf}>{}</{leaf}>", value_xml(value)));
    }
    while let Some(p) = open.pop() {
        s.push_str(&format!("</{p}>"));
    }
    s.push_str("</xml>");
    s
}

fn value_xml(v: &str) -> String {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        v.to_string()
    } else {
        // "]]>" cannot appear inside one CDATA section: split it over two.
        format!("<![CDATA[{}]]>", v.replace("]]>", "]]]]><![CDATA[>"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cdata_text_and_nesting() {
        let f = parse(
            "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>12</CreateTime>\
             <A><B>x</B><C><![CDATA[y]]></C></A></xml>",
        )
        .expect("parses");
        assert_eq!(f.get("ToUserName"), Some("gh_1"));
        assert_eq!(f.get("CreateTime"), Some("12"));
        assert_eq!(f.get("A/B"), Some("x"));
        assert_eq!(f.get("A/C"), Some("y"));
        assert_eq!(parse(&write(&f)).expect("round trip"), f);
    }

    #[test]
    fn refuses_dtds_and_garbage() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><xml><E>&b;</E></xml>";
        assert_eq!(parse(bomb), Err(XmlError::Dtd));
        let xxe = "<!doctype xml SYSTEM \"file:///etc/passwd\"><xml/>";
        assert_eq!(parse(xxe), Err(XmlError::Dtd));
        assert!(matches!(
            parse("<xml><a></xml>"),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(parse(""), Err(XmlError::Malformed(_))));
        let deep = format!("<xml>{}x{}</xml>", "<a>".repeat(20), "</a>".repeat(20));
        assert_eq!(parse(&deep), Err(XmlError::TooDeep));
    }

    #[test]
    fn cdata_terminator_in_a_value_survives() {
        let mut f = Fields::default();
        f.push("RefuseReason", "a]]>b");
        assert_eq!(
            parse(&write(&f)).expect("parses").get("RefuseReason"),
            Some("a]]>b")
        );
    }
}
