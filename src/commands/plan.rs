//! `cardform plan`: refresh, diff, classify, render; optionally save the plan.

use crate::cli::{Format, PlanArgs};
use crate::exit::Outcome;
use crate::plan::policy::violations;
use crate::plan::saved::SavedPlan;
use crate::plan::{TextOptions, render_json, render_text};
use crate::session::{PlanOptions, Session, make_plan, runtime};

use super::output::{print_json, stdout_color};
use super::project::{load, report};

pub fn run(args: &PlanArgs) -> miette::Result<Outcome> {
    let project = load(&args.project.dir)?;
    let rt = runtime().map_err(report)?;
    rt.block_on(async {
        let session = Session::open(&project.root, project.config.clone(), "plan", &args.run)
            .await
            .map_err(report)?;
        let opts = PlanOptions {
            targets: args.targets.clone(),
            refresh_only: args.refresh_only,
            write_resolutions: false,
        };
        let planned = make_plan(&session, &project, &opts).await;
        let stamp = Some(session.state.stamp());
        session.close().await;
        let planned = planned.map_err(report)?;
        for r in &planned.resolutions {
            eprintln!("note: {r} (recorded by the next apply)");
        }
        let plan = &planned.plan;
        match args.format {
            Format::Json => print_json(&render_json(plan))?,
            Format::Markdown => print!("{}", crate::plan::render_markdown(plan)),
            Format::Text => print!(
                "{}",
                render_text(
                    plan,
                    TextOptions {
                        color: stdout_color()
                    }
                )
            ),
        }
        if let Some(out) = &args.out {
            let saved = SavedPlan {
                format_version: crate::plan::FORMAT_VERSION.to_string(),
                cardform_version: env!("CARGO_PKG_VERSION").to_string(),
                created_at: chrono::Utc::now().timestamp(),
                project_dir: std::fs::canonicalize(&project.root).unwrap_or(project.root.clone()),
                state: stamp.filter(|s| s.serial > 0 || s.journal_seq > 0),
                inputs_hash: planned.inputs_hash.clone(),
                images: planned.images.clone(),
                plan: plan.clone(),
            };
            saved.write(out).map_err(report)?;
            if args.format == Format::Text {
                println!(
                    "\nSaved the plan to {}. Apply exactly this plan with: cardform apply {}",
                    out.display(),
                    out.display()
                );
            }
        }
        let mut deny = args.deny.clone();
        deny.extend(project.config.policy.deny.iter().copied());
        let violated = violations(plan, &deny);
        if !violated.is_empty() {
            for v in &violated {
                eprintln!("policy: {v}");
            }
            eprintln!(
                "error: {} change(s) denied by policy; exit 3",
                violated.len()
            );
            return Ok(Outcome::PolicyDenied);
        }
        if args.detailed_exitcode && plan.has_changes() {
            return Ok(Outcome::ChangesPresent);
        }
        Ok(Outcome::Success)
    })
}
