//! `cardform plan`: refresh, diff, classify, render; optionally save the plan.

use crate::cli::{PlanArgs, PlanFormat as Format};
use crate::config::protect::refuse_protected_output;
use crate::exit::Outcome;
use crate::plan::policy::{check, gates_in_force, mass_destroy, mass_destroy_report};
use crate::plan::saved::SavedPlan;
use crate::plan::{
    HtmlOptions, MarkdownOptions, TextOptions, json_plan, render_html, render_markdown_with,
    render_text,
};
use crate::progress::TerminalReporter;
use crate::session::{PlanOptions, Session, make_plan, runtime};

use super::output::{print_json, stdout_color, write_file_atomic};
use super::project::{load, load_settings, report};
use crate::config::trust::adopt_trusted;

pub fn run(args: &PlanArgs) -> miette::Result<Outcome> {
    // With --format html, --out names the page; the plan is saved with --save.
    let (save_to, page_to) = match args.format {
        Format::Html => (args.save.clone(), args.out.clone().or(args.html.clone())),
        _ if args.out.is_some() && args.save.is_some() => {
            return Err(miette::miette!(
                help = "give one: --out FILE saves the plan (--save is for --format html)",
                "--out and --save both name a saved plan"
            ));
        }
        _ => (args.out.clone().or(args.save.clone()), args.html.clone()),
    };
    let mut project = load(&args.project.dir)?;
    let lang = args.lang.or(project.config.output.lang).unwrap_or_default();
    let mut run = args.run.settings();
    // Trusted settings (docs/security.md): the pull request's own endpoint, account,
    // state and policy are only shown, never used.
    let settings = match &args.trusted_settings {
        Some(file) => {
            let trusted = load_settings(file)?;
            run.operator.settings_file = Some(file.clone());
            adopt_trusted(&mut project.config, &trusted)
        }
        None => Vec::new(),
    };
    let rt = runtime().map_err(report)?;
    rt.block_on(async {
        let session = Session::open(
            &project.root,
            project.config.clone(),
            "plan",
            &run,
            TerminalReporter::shared(),
        )
        .await
        .map_err(report)?;
        let opts = PlanOptions {
            targets: args.targets.clone(),
            refresh_only: args.refresh_only,
            write_resolutions: false,
            refresh: args.refresh,
        };
        let planned = make_plan(&session, &project, &opts).await;
        let stamp = Some(session.state.stamp());
        let session_managed = session.state.read(|s| s.resources.len());
        session.close().await;
        let mut planned = planned.map_err(report)?;
        planned.plan.settings = settings;
        for r in &planned.resolutions {
            eprintln!("note: {r} (recorded by the next apply)");
        }
        // The plan moves into the saved document (no copy of a large plan); it is
        // written before rendering so the markdown comment can carry its checksum.
        let mut saved = SavedPlan {
            format_version: crate::plan::FORMAT_VERSION.to_string(),
            cardform_version: env!("CARGO_PKG_VERSION").to_string(),
            created_at: chrono::Utc::now().timestamp(),
            project_dir: std::path::PathBuf::new(),
            state: stamp.filter(|s| s.serial > 0 || s.journal_seq > 0),
            inputs_hash: planned.inputs_hash,
            images: planned.images,
            plan: planned.plan,
            checksum: String::new(),
        };
        if let Some(out) = &save_to {
            refuse_protected_output(&project.root, project.config.state.as_deref(), out)
                .map_err(report)?;
            saved.project_dir = crate::plan::saved::relative_to(
                &project.root,
                out.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(std::path::Path::new(".")),
            );
            saved.write(out).map_err(report)?;
        }
        let checksum = save_to.as_ref().map(|_| saved.checksum.as_str());
        let plan = &saved.plan;
        // Gates are checked before rendering so the markdown comment can say the plan
        // is denied; the plan is still shown (and saved) so reviewers see why.
        let gates = gates_in_force(&args.deny, &project.config.policy.deny);
        let violated = check(plan, &gates);
        let coins_over = crate::plan::policy::coin_limits_report(plan);
        let mass = (!args.allow_mass_destroy)
            .then(|| mass_destroy(plan, session_managed, project.config.policy.max_destroy))
            .flatten();
        match args.format {
            Format::Json => print_json(&json_plan(plan))?,
            Format::Markdown => print!(
                "{}",
                render_markdown_with(
                    plan,
                    &MarkdownOptions {
                        denied: &violated,
                        checksum,
                        lang,
                        ..MarkdownOptions::default()
                    }
                )
            ),
            Format::Text => print!(
                "{}",
                render_text(
                    plan,
                    TextOptions {
                        color: stdout_color(),
                        lang,
                    }
                )
            ),
            // Written below.
            Format::Html => {}
        }
        let has_changes = plan.has_changes() || !plan.settings.is_empty();
        if let (Some(out), Some(checksum), Format::Text) = (&save_to, checksum, args.format) {
            println!(
                "\nSaved the plan to {} (checksum {checksum}). Apply exactly this plan with: cardform apply {}",
                out.display(),
                out.display()
            );
        }
        if args.format == Format::Html || page_to.is_some() {
            let page = render_html(plan, &HtmlOptions { lang, checksum });
            match &page_to {
                Some(path) => {
                    refuse_protected_output(&project.root, project.config.state.as_deref(), path)
                        .map_err(report)?;
                    write_file_atomic(path, page.as_bytes())?;
                    eprintln!("Wrote the review page to {}", path.display());
                }
                None => print!("{page}"),
            }
        }
        if let Some(m) = &mass {
            eprint!("{}", mass_destroy_report(m));
        }
        if let Some(why) = &coins_over {
            eprint!("{why}");
        }
        if !violated.is_empty() {
            eprint!("{}", crate::plan::policy::report(&violated));
        }
        if mass.is_some() || !violated.is_empty() || coins_over.is_some() {
            return Ok(Outcome::PolicyDenied);
        }
        if args.detailed_exitcode && has_changes {
            return Ok(Outcome::ChangesPresent);
        }
        Ok(Outcome::Success)
    })
}
