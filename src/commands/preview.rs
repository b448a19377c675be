//! `cardform preview [DIR] [--card ADDR]... --out DIR`: each card's face as WeChat lays
//! it out, as <address>.svg and <address>.png (offline: the files only).

use crate::cli::PreviewArgs;
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::preview::raster::Rasterizer;
use crate::preview::{face_of_card, render_svg};

use super::error::CommandError;
use super::project::{load, write_policy};
use crate::write_policy::OutputKind;

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
    // Every file is checked before any is written: `--out assets` (where a card's logo
    // may be named like a card) writes nothing.
    let policy = write_policy(&project);
    policy.check_folder(&args.out).map_err(CommandError::from)?;
    std::fs::create_dir_all(&args.out).map_err(|source| CommandError::Create {
        path: args.out.clone(),
        source,
    })?;
    // Card faces are Chinese: without a CJK font no PNG is made (and nothing written).
    let raster = (!args.svg_only).then(Rasterizer::with_system_fonts);
    if let Some(r) = &raster {
        r.require_cjk().map_err(CommandError::Fonts)?;
    }
    let wanted = project
        .cards
        .iter()
        .filter(|(address, _)| args.cards.is_empty() || args.cards.contains(address));
    let mut files = Vec::new();
    for (address, desired) in wanted {
        let svg = policy
            .check(&args.out.join(format!("{address}.svg")), OutputKind::Svg)
            .map_err(CommandError::from)?;
        let png = match raster {
            Some(_) => Some(
                policy
                    .check(&args.out.join(format!("{address}.png")), OutputKind::Png)
                    .map_err(CommandError::from)?,
            ),
            None => None,
        };
        files.push((address, desired, svg, png));
    }
    let mut count = 0;
    for (address, desired, svg_file, png_file) in files {
        let svg = render_svg(&face_of_card(&desired.card));
        svg_file.write(svg.as_bytes()).map_err(CommandError::from)?;
        println!("{}", svg_file.path().display());
        if let (Some(raster), Some(png_file)) = (&raster, png_file) {
            let png = raster.png(&svg, PNG_SCALE).map_err(|e| CommandError::Png {
                address: address.clone(),
                message: e.to_string(),
            })?;
            png_file.write(&png).map_err(CommandError::from)?;
            println!("{}", png_file.path().display());
        }
        count += 1;
    }
    eprintln!("{}", tr!("val-preview-count", n = count));
    Ok(Outcome::Success)
}
