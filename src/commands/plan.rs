//! `cardform plan`: refresh, diff, classify, render; optionally save the plan. Parse,
//! call the engine, render; the rules are `engine`'s and `plan::policy`'s.

use crate::cli::{PlanArgs, PlanFormat as Format};
use crate::config::RunSettings;
use crate::config::trust::adopt_trusted;
use crate::engine::{Operation, PlanRequest, run_plan};
use crate::exit::Outcome;
use crate::plan::saved::SavedPlan;
use crate::plan::{
    HtmlOptions, MarkdownOptions, TextOptions, json_plan, render_html, render_markdown_with,
    render_text,
};
use crate::progress::TerminalReporter;
use crate::session::runtime;
use crate::write_policy::OutputKind;

use super::error::CommandError;
use super::output::{print_json, stdout_color};
use super::project::{load, load_settings, write_policy};

pub fn run(args: &PlanArgs) -> miette::Result<Outcome> {
    if let Some(crate::cli::PlanCommand::Merge(m)) = &args.command {
        return super::platform::plan_merge(m);
    }
    if args.accounts.given() || crate::platform::is_platform(&args.project.dir) {
        return super::platform::plan(args);
    }
    // With --format html, --out names the page; the plan is saved with --save.
    let (save_to, page_to) = match args.format {
        Format::Html => (args.save.clone(), args.out.clone().or(args.html.clone())),
        _ if args.out.is_some() && args.save.is_some() => {
            return Err(CommandError::OutAndSave.into());
        }
        _ => (args.out.clone().or(args.save.clone()), args.html.clone()),
    };
    let mut project = load(&args.project.dir)?;
    // Before WeChat is asked anything: a path that will be refused costs no plan.
    let policy = write_policy(&project);
    let save_file = save_to
        .as_deref()
        .map(|p| policy.check(p, OutputKind::SavedPlan))
        .transpose()
        .map_err(CommandError::from)?;
    let page_file = page_to
        .as_deref()
        .map(|p| policy.check(p, OutputKind::ReviewPage))
        .transpose()
        .map_err(CommandError::from)?;
    let lang = crate::i18n::for_project(project.config.output.lang);
    let mut settings = RunSettings::from_env(&args.run.flags());
    // Trusted settings (docs/security.md): the pull request's own endpoint, account,
    // state and policy are only shown, never used.
    let proposed_settings = match &args.trusted_settings {
        Some(file) => {
            let trusted = load_settings(file)?;
            settings.operator.settings_file = Some(file.clone());
            adopt_trusted(&mut project.config, &trusted)
        }
        None => Vec::new(),
    };
    let request = PlanRequest {
        operation: Operation::Plan,
        targets: args.targets.clone(),
        refresh_only: args.refresh_only,
        refresh: args.refresh,
        max_coins: None,
        deny: args.deny.clone(),
        allow_mass_destroy: args.allow_mass_destroy,
        allow_stock_loss: args.allow_stock_loss,
        proposed_settings,
    };
    let checked = runtime()?.block_on(async {
        let run = run_plan(&project, &settings, &request, TerminalReporter::shared()).await?;
        run.session.close().await;
        miette::Result::<_>::Ok(run.checked)
    })?;
    let verdict = checked.verdict;
    let planned = checked.planned;
    // The plan moves into the saved document (no copy of a large plan); it is written
    // before rendering so the markdown comment can carry its checksum.
    let stamp = checked.stamp;
    let mut saved = SavedPlan {
        format_version: crate::plan::FORMAT_VERSION.to_string(),
        cardform_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: chrono::Utc::now().timestamp(),
        project_dir: std::path::PathBuf::new(),
        state: Some(stamp).filter(|s| s.serial > 0 || s.journal_seq > 0),
        inputs_hash: planned.inputs_hash,
        images: planned.images,
        plan: planned.plan,
        checksum: String::new(),
    };
    if let Some(file) = &save_file {
        saved.project_dir = crate::plan::saved::relative_to(
            &project.root,
            file.path()
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new(".")),
        );
        saved.write(file).map_err(CommandError::from)?;
    }
    let checksum = save_to.as_ref().map(|_| saved.checksum.as_str());
    let plan = &saved.plan;
    match args.format {
        Format::Json => print_json(&json_plan(plan).with_gate(&verdict))?,
        Format::Markdown => print!(
            "{}",
            render_markdown_with(
                plan,
                &MarkdownOptions {
                    denied: &verdict.violations,
                    stock_loss: &verdict.stock_loss,
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
            "\n{}",
            crate::i18n::tr!("plan-saved", path = out.display(), checksum = checksum)
        );
    }
    if args.format == Format::Html || page_to.is_some() {
        let page = render_html(
            plan,
            &HtmlOptions {
                lang,
                checksum,
                denied: &verdict.violations,
                stock_loss: &verdict.stock_loss,
            },
        );
        match &page_file {
            Some(file) => {
                file.write(page.as_bytes()).map_err(CommandError::from)?;
                eprintln!(
                    "{}",
                    crate::i18n::tr!("plan-wrote-page", path = file.path().display())
                );
            }
            None => print!("{page}"),
        }
    }
    if verdict.denied() {
        eprint!("{}", verdict.full_report());
        return Ok(Outcome::PolicyDenied);
    }
    if args.detailed_exitcode && has_changes {
        return Ok(Outcome::ChangesPresent);
    }
    Ok(Outcome::Success)
}
