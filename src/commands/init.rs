//! `cardform init [DIR] [--sandbox] [--ci github|gitlab]`: writes a new project's files
//! (`scaffold`), never over an existing file.

use crate::cli::{CiKind, InitArgs, SchemaKind};
use crate::exit::Outcome;
use crate::scaffold::{InitOptions, Pipeline, existing, project_files};

use super::error::CommandError;

pub fn run(args: &InitArgs) -> miette::Result<Outcome> {
    let schema = |kind| {
        super::schema::render(kind).map_err(|e| CommandError::Render {
            what: "the schema",
            message: e.to_string(),
        })
    };
    let opts = InitOptions {
        sandbox: args.sandbox,
        appid: args.appid.clone(),
        pipeline: args.ci.map(|ci| match ci {
            CiKind::Github => Pipeline::Github,
            CiKind::Gitlab => Pipeline::Gitlab,
        }),
        component_appid: args.component_appid.clone().filter(|_| args.platform),
        cards_schema: schema(SchemaKind::Cards)?,
        project_schema: schema(SchemaKind::Project)?,
    };
    let files = project_files(&opts).map_err(CommandError::from)?;
    let clash = existing(&args.dir, &files);
    if !clash.is_empty() {
        let names: Vec<String> = clash.iter().map(|p| p.display().to_string()).collect();
        return Err(CommandError::InitClash(names.join(", ")).into());
    }
    for f in &files {
        let path = args.dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| CommandError::Create {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        // The new project's own files (not an output: init refuses any that exist).
        crate::write_policy::rewrite_owned_file(&path, &f.bytes).map_err(|source| {
            CommandError::Write {
                path: path.clone(),
                source,
            }
        })?;
        println!("created {}", path.display());
    }
    let dir = args.dir.display();
    if args.platform {
        println!(
            "\n{}",
            crate::i18n::tr!("pf-init-next", dir = dir.to_string())
        );
        return Ok(Outcome::Success);
    }
    let apply = if args.sandbox {
        format!("cardform apply {dir}")
    } else {
        format!("cardform apply {dir} --sandbox")
    };
    println!(
        "\nNext: `cardform validate {dir}`, `cardform preview {dir} --out previews`, `cardform plan {dir}`, `{apply}`."
    );
    Ok(Outcome::Success)
}
