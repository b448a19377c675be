//! Card colours: WeChat takes a palette name (`Color010`) and echoes a hex value
//! (`#63b359`) from card/get (reference §6.9, §15).

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The palette WeChat's getcolors returned (reference §6.9). Hex values compare
/// case-insensitively (`#5E6671`).
pub const PALETTE: &[(&str, &str)] = &[
    ("Color010", "#63b359"),
    ("Color020", "#2c9f67"),
    ("Color030", "#509fc9"),
    ("Color040", "#5885cf"),
    ("Color050", "#9062c0"),
    ("Color060", "#d09a45"),
    ("Color070", "#e4b138"),
    ("Color080", "#ee903c"),
    ("Color081", "#f08500"),
    ("Color082", "#a9d92d"),
    ("Color090", "#dd6549"),
    ("Color100", "#cc463d"),
    ("Color101", "#cf3e36"),
    ("Color102", "#5E6671"),
];

/// A card colour: a palette name, or (only as observed from WeChat) a hex value that
/// is not in the palette. cardform never maps an unknown hex to a wrong name.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Color(String);

impl Color {
    /// A colour from whatever WeChat or the user wrote: a known hex becomes its
    /// palette name; names and unknown hex values are kept (hex lower-cased).
    pub fn normalise(raw: &str) -> Color {
        let raw = raw.trim();
        if raw.starts_with('#') {
            match name_for_hex(raw) {
                Some(name) => Color(name.to_string()),
                None => Color(raw.to_ascii_lowercase()),
            }
        } else {
            Color(raw.to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a palette name WeChat accepts on create/update.
    pub fn is_palette_name(&self) -> bool {
        PALETTE.iter().any(|(n, _)| *n == self.0)
    }

    /// The hex value WeChat echoes for this colour, if it is a palette name.
    pub fn hex(&self) -> Option<&'static str> {
        hex_for_name(&self.0)
    }
}

pub fn name_for_hex(hex: &str) -> Option<&'static str> {
    PALETTE
        .iter()
        .find(|(_, h)| h.eq_ignore_ascii_case(hex))
        .map(|(n, _)| *n)
}

pub fn hex_for_name(name: &str) -> Option<&'static str> {
    PALETTE.iter().find(|(n, _)| *n == name).map(|(_, h)| *h)
}

impl fmt::Debug for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for Color {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Color".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = PALETTE.iter().map(|(n, _)| *n).collect();
        schemars::json_schema!({
            "type": "string",
            "enum": names,
            "description": "Palette name (Color010 = #63b359 … Color102 = #5E6671); card/get answers in hex, cardform maps it back",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_maps_to_names_case_insensitively() {
        assert_eq!(Color::normalise("#63B359").as_str(), "Color010");
        assert_eq!(Color::normalise("#5e6671").as_str(), "Color102");
        assert_eq!(Color::normalise("#123456").as_str(), "#123456");
        assert_eq!(Color::normalise("Color010").hex(), Some("#63b359"));
    }
}
