//! `cardform preview [DIR] [--card ADDR]... --out DIR`: each card's face as WeChat lays
//! it out, as <address>.svg and <address>.png (offline: the files only).

use crate::cli::PreviewArgs;
use crate::exit::Outcome;
use crate::preview::raster::Rasterizer;
use crate::preview::{face_of_card, render_svg};

use super::error::CommandError;
use super::output::write_file_atomic;
use super::project::load;

/// PNGs at twice the drawing's size, sharp on high-density screens.
const PNG_SCALE: f32 = 2.0;

pub fn run(args: &PreviewArgs) -> miette::Result<Outcome> {
    let project = load(&args.project.dir)?;
    for wanted in &args.cards {
        if !project.cards.contains_key(wanted) {
            let known: Vec<&str> = project.cards.keys().map(String::as_str).collect();
            return Err(CommandError::UnknownCard {
                wanted: wanted.clone(),
                root: project.root.clone(),
                known: known.join(", "),
            }
            .into());
        }
    }
    std::fs::create_dir_all(&args.out).map_err(|source| CommandError::Create {
        path: args.out.clone(),
        source,
    })?;
    let raster = (!args.svg_only).then(Rasterizer::with_system_fonts);
    if raster.as_ref().is_some_and(|r| !r.has_cjk_font) {
        eprintln!(
            "warning: no installed font has Chinese characters; the PNGs will show boxes for them (install one, e.g. `apt-get install fonts-wqy-microhei`, or use the SVGs)"
        );
    }
    let mut count = 0;
    for (address, desired) in &project.cards {
        if !args.cards.is_empty() && !args.cards.contains(address) {
            continue;
        }
        let svg = render_svg(&face_of_card(&desired.card));
        let svg_path = args.out.join(format!("{address}.svg"));
        write_file_atomic(&svg_path, svg.as_bytes())?;
        println!("{}", svg_path.display());
        if let Some(raster) = &raster {
            let png = raster.png(&svg, PNG_SCALE).map_err(|e| CommandError::Png {
                address: address.clone(),
                message: e.to_string(),
            })?;
            let png_path = args.out.join(format!("{address}.png"));
            write_file_atomic(&png_path, &png)?;
            println!("{}", png_path.display());
        }
        count += 1;
    }
    eprintln!("{count} card preview{}", if count == 1 { "" } else { "s" });
    Ok(Outcome::Success)
}
