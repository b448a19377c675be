//! Card previews: a card's face as WeChat lays it out, drawn from the canonical form
//! (so a desired card, a live card and both sides of a plan draw alike), to SVG, and to
//! PNG through resvg.
//!
//! Stage of the data's journey: after `plan/` (or `config/` for `cardform preview`);
//! pure except [`raster`], which reads the system's fonts.

mod face;
pub mod raster;
mod svg;

pub use face::{Face, face_of_card};
pub use svg::{HEIGHT, WIDTH, escape, render_svg};
