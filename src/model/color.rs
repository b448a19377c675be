//! Card colours: WeChat takes a palette name (`Color010`) and echoes a hex value
//! (`#63b359`) from card/get (reference §6.9, §15).

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use cardform_spec::colors::{PALETTE, hex_for_name, name_for_hex};

/// A card colour: a palette name, or (only as observed from WeChat) a hex value that
/// is not in the palette. cardform never maps an unknown hex to a wrong name.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Color(String);

/// Read as [`Color::normalise`] reads it, so `#63B359` in a file is `Color010` and an
/// off-palette hex compares equal to WeChat's echo of it whatever its case.
impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(Color::normalise(&raw))
    }
}

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
            "anyOf": [
                { "enum": names },
                { "pattern": "^#[0-9A-Fa-f]{6}$" }
            ],
            "description": "Palette name (Color010 = #63b359 … Color102 = #5E6671); card/get answers in hex, cardform maps it back. A hex off the palette is accepted only while the live card already has it (adopted cards): WeChat takes palette names on create and change",
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
