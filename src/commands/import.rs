//! `cardform import`: adopt cards cardform did not create. One card
//! (`import ADDR CARD_ID`) or every card of the account (`import --all`), optionally
//! writing the TOML for them (`--generate-config-out FILE`), checked to plan "No
//! changes" before anything is written.

use std::collections::BTreeSet;
use std::path::Path;

use crate::adopt::sub_merchants::{
    SubMerchantContext, adopted_sub_merchant, check_no_change, spec_of, sub_merchant_toml,
};
use crate::adopt::{
    address_for, adopted_state, card_toml, card_toml_for, check_plans_no_change,
    check_plans_no_change_composed, check_plans_no_change_with,
};
use crate::cli::ImportArgs;
use crate::config::PROJECT_FILE;
use crate::exit::Outcome;
use crate::i18n::{Messages, tr};
use crate::live::{LiveCard, Observed, fetch_live};
use crate::operate::status_words;
use crate::progress::TerminalReporter;
use crate::session::{Session, runtime};
use crate::state::Change;
use crate::visible::visible_line;
use crate::write_policy::{OutputFile, OutputKind};

use super::error::CommandError;

pub fn run(args: &ImportArgs) -> miette::Result<Outcome> {
    if args.accounts.given() || crate::platform::is_platform(&args.dir) {
        return super::platform_ops::import(args);
    }
    let config = super::project::load_config(&args.dir)?;
    // Before WeChat is asked anything: a new card file, never one of the project's own
    // files (the state's journal or backup included).
    let out_file = match &args.generate_config_out {
        Some(out) => Some(
            super::project::write_policy_with_state(&args.dir, config.state.as_deref())
                .check(out, OutputKind::GeneratedCards)
                .map_err(CommandError::from)?,
        ),
        None => None,
    };
    if args.dry_run && !args.all && !args.reattach {
        return Err(ImportError::DryRunAlone.into());
    }
    if args.all && args.generate_config_out.is_none() && !args.dry_run {
        return Err(ImportError::AllWithoutOut.into());
    }
    let rt = runtime()?;
    rt.block_on(async {
        let session = Session::open(
            &args.dir,
            config,
            "import",
            &crate::config::RunSettings::from_env(&args.run.flags()),
            TerminalReporter::shared(),
        )
        .await?;
        let result = match (&args.address, &args.card_id) {
            _ if args.reattach => reattach(args, &session).await,
            (Some(address), Some(card_id)) if !args.all => {
                import_one(args, out_file.as_ref(), &session, address, card_id).await
            }
            _ => import_all(args, out_file.as_ref(), &session).await,
        };
        session.close().await;
        result
    })
}

async fn import_one(
    args: &ImportArgs,
    out_file: Option<&OutputFile>,
    session: &Session,
    address: &str,
    card_id: &str,
) -> miette::Result<Outcome> {
    let state = session.state.snapshot();
    if let Some(existing) = state.resources.get(address) {
        return Err(ImportError::AddressTaken {
            address: address.to_string(),
            card_id: existing.card_id.clone(),
        }
        .into());
    }
    if let Some((addr, _)) = state.resources.iter().find(|(_, r)| r.card_id == card_id) {
        return Err(ImportError::AlreadyManaged {
            card_id: card_id.to_string(),
            address: addr.clone(),
        }
        .into());
    }
    let live = match fetch_live(&session.client, card_id)
        .await
        .map_err(CommandError::from)?
    {
        Observed::Exists(l) => l,
        Observed::Gone => {
            return Err(ImportError::Gone(card_id.to_string()).into());
        }
    };
    if let Some(out) = out_file {
        let text = checked_toml(&session.root, address, &live).map_err(|problems| {
            ImportError::WouldChange {
                card_id: card_id.to_string(),
                problems: problems.join("\n  "),
            }
        })?;
        out.write(format!("{}{text}", file_header()).as_bytes())
            .map_err(CommandError::from)?;
    }
    adopt(session, &[(address.to_string(), live.as_ref())])?;
    let declared = crate::config::load_project(&args.dir)
        .ok()
        .map(|p| p.cards.contains_key(address));
    if declared == Some(false) && args.generate_config_out.is_none() {
        eprintln!(
            "{}",
            tr!(
                "op-warning",
                message = tr!("op-import-undeclared", address = address, card_id = card_id)
            )
        );
    }
    println!(
        "{}",
        tr!(
            "op-import-one",
            card_id = visible_line(card_id),
            kind = live.card_type.to_string(),
            status = status_words(Messages::process(), &live.status),
            address = address
        )
    );
    Ok(Outcome::Success)
}

async fn import_all(
    args: &ImportArgs,
    out_file: Option<&OutputFile>,
    session: &Session,
) -> miette::Result<Outcome> {
    let mut taken: BTreeSet<String> = session
        .state
        .read(|s| s.resources.keys().cloned().collect());
    let mut declared = std::collections::BTreeMap::new();
    if let Ok(project) = crate::config::load_project(&args.dir) {
        taken.extend(project.cards.keys().cloned());
        declared = project
            .sub_merchants
            .into_iter()
            .map(|(n, d)| (n, d.spec))
            .collect();
    }
    let found = survey(session, taken, Some(&declared)).await?;
    for line in &found.lines {
        println!("{line}");
    }
    if args.dry_run || (found.adoptable.is_empty() && found.subs.adopt.is_empty()) {
        return Ok(Outcome::Success);
    }
    let Some(out) = out_file else {
        return Ok(Outcome::Success);
    };
    let project_file = session.root.join(PROJECT_FILE);
    let project_toml = std::fs::read(&project_file).map_err(|source| ImportError::Read {
        path: project_file.clone(),
        source,
    })?;
    let generated = generate(
        &session.root,
        CardSettings::File(&project_toml),
        &found.adoptable,
        &found.subs,
    );
    for refusal in &generated.refused {
        eprintln!("{}", tr!("op-error", message = refusal));
    }
    if generated.accepted.is_empty() && generated.sub_merchants.is_empty() {
        println!("{}", tr!("op-import-none-adopted"));
    } else {
        out.write(generated.text.as_bytes())
            .map_err(CommandError::from)?;
        session.state.edit(|s| {
            for (name, state) in &generated.sub_merchants {
                s.apply_change(&Change::PutSubMerchant {
                    name: name.clone(),
                    sub_merchant: state.clone(),
                });
            }
        });
        adopt(session, &generated.accepted)?;
        if !generated.sub_merchants.is_empty() {
            println!(
                "{}",
                tr!(
                    "op-submerchant-adopted",
                    count = generated.sub_merchants.len(),
                    path = out.path().display()
                )
            );
        }
        println!(
            "{}",
            tr!(
                "op-import-adopted",
                count = generated.accepted.len(),
                path = out.path().display()
            )
        );
    }
    if !generated.refused.is_empty() {
        eprintln!(
            "{}",
            tr!("op-import-not-adopted", count = generated.refused.len())
        );
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Success)
}

/// The account's cards as `import --all` sees them: one line each (managed, deleted,
/// unmanaged with the address it would get) and a summary line, and the unmanaged
/// ones to adopt. `taken`: the addresses already in use (the state's and the files').
pub(super) struct Survey {
    pub lines: Vec<String>,
    pub adoptable: Vec<(String, Box<LiveCard>)>,
    /// The account's sub-merchants (none read for a platform account).
    pub subs: SubMerchantContext,
}

/// Lists and reads the account's cards (card/batchget, card/get) and, given the
/// project's declared sub-merchants (`declared`), its sub-merchants
/// (card/submerchant/batchget; card/getapplyprotocol when one is to be adopted).
pub(super) async fn survey(
    session: &Session,
    mut taken: BTreeSet<String>,
    declared: Option<
        &std::collections::BTreeMap<String, crate::config::sub_merchants::SubMerchantSpec>,
    >,
) -> Result<Survey, CommandError> {
    let state = session.state.snapshot();
    let ids = session.client.list_all_card_ids().await?;
    let managed_as = |id: &str| {
        state
            .resources
            .iter()
            .find(|(_, r)| r.card_id == id)
            .map(|(a, _)| a.clone())
    };
    let mut lines = Vec::new();
    let mut adoptable: Vec<(String, Box<LiveCard>)> = Vec::new();
    let mut deleted = 0;
    for id in &ids {
        if let Some(address) = managed_as(id) {
            lines.push(format!(
                "  {}",
                tr!(
                    "op-import-managed",
                    card_id = visible_line(id),
                    address = visible_line(&address)
                )
            ));
            continue;
        }
        match fetch_live(&session.client, id).await? {
            Observed::Gone => {
                deleted += 1;
                lines.push(format!(
                    "  {}",
                    tr!("op-import-deleted", card_id = visible_line(id))
                ));
            }
            Observed::Exists(live) => {
                let address = address_for(&live, &taken);
                taken.insert(address.clone());
                let title = live
                    .content
                    .get("base_info.title")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("");
                // The card's texts come from WeChat: shown, never obeyed, by the terminal.
                lines.push(format!(
                    "  {}",
                    tr!(
                        "op-import-unmanaged",
                        card_id = visible_line(id),
                        kind = live.card_type.to_string(),
                        title = visible_line(title),
                        status = status_words(Messages::process(), &live.status),
                        address = visible_line(&address)
                    )
                ));
                adoptable.push((address, live));
            }
        }
    }
    lines.push(tr!(
        "op-import-summary",
        total = ids.len(),
        managed = ids.len() - adoptable.len() - deleted,
        unmanaged = adoptable.len(),
        deleted = deleted
    ));
    let subs = match declared {
        Some(declared) => {
            crate::adopt::sub_merchants::survey(session, &adoptable, declared, &mut lines).await?
        }
        None => SubMerchantContext::default(),
    };
    Ok(Survey {
        lines,
        adoptable,
        subs,
    })
}

/// Where a generated card's settings come from: a project's `cardform.toml`, or a
/// platform account's settings (it has no file of its own).
pub(super) enum CardSettings<'a> {
    File(&'a [u8]),
    Composed(&'a crate::config::ProjectConfig),
}

/// The generated file of the cards that plan "No changes", and why the others not.
pub(super) struct Generated<'a> {
    pub text: String,
    pub accepted: Vec<(String, &'a LiveCard)>,
    /// The sub-merchants adopted, by name, as the state records them.
    pub sub_merchants: Vec<(String, crate::state::SubMerchantState)>,
    pub refused: Vec<String>,
}

/// One generated file for `adoptable`: each card's TOML, kept only if it plans no change.
pub(super) fn generate<'a>(
    root: &Path,
    settings: CardSettings<'_>,
    adoptable: &'a [(String, Box<LiveCard>)],
    subs: &SubMerchantContext,
) -> Generated<'a> {
    let mut out = Generated {
        text: file_header(),
        accepted: Vec::new(),
        sub_merchants: Vec::new(),
        refused: Vec::new(),
    };
    // The sub-merchants first: the cards name the ones adopted (or already known).
    let mut names = subs.names.clone();
    let mut tables = subs.known_tables();
    for (name, live) in &subs.adopt {
        let checked = sub_merchant_toml(name, live)
            .map_err(|e| vec![e])
            .and_then(|text| {
                let spec = spec_of(live).map_err(|e| vec![e])?;
                if let CardSettings::File(toml) = &settings {
                    crate::adopt::sub_merchants::load_errors(root, toml, &text)?;
                }
                check_no_change(name, &spec, live, &subs.categories)?;
                Ok((text, spec))
            });
        match checked {
            Ok((text, spec)) => {
                out.text.push('\n');
                out.text.push_str(&text);
                tables.push_str(&text);
                out.sub_merchants
                    .push((name.clone(), adopted_sub_merchant(&spec, live)));
            }
            Err(problems) => {
                names.remove(&live.merchant_id);
                out.refused.push(format!(
                    "{}\n  {}",
                    tr!(
                        "op-submerchant-refused",
                        id = live.merchant_id,
                        name = name.as_str()
                    ),
                    problems.join("\n  ")
                ));
            }
        }
    }
    let merchant_ids: std::collections::BTreeMap<String, u64> =
        names.iter().map(|(id, n)| (n.clone(), *id)).collect();
    for (address, live) in adoptable {
        let checked = card_toml_for(address, live, &names)
            .map_err(|e| vec![e.to_string()])
            .and_then(|text| {
                match &settings {
                    CardSettings::File(toml) => check_plans_no_change_with(
                        root,
                        toml,
                        address,
                        &format!("{tables}{text}"),
                        live,
                        &merchant_ids,
                    ),
                    CardSettings::Composed(config) => {
                        check_plans_no_change_composed(root, config, address, &text, live)
                    }
                }
                .map(|()| text)
            });
        match checked {
            Ok(card) => {
                out.text.push('\n');
                out.text.push_str(&card);
                out.accepted.push((address.clone(), live.as_ref()));
            }
            Err(problems) => out.refused.push(format!(
                "{}\n  {}",
                tr!(
                    "op-import-refused",
                    card_id = visible_line(&live.card_id),
                    address = address
                ),
                problems.join("\n  ")
            )),
        }
    }
    out
}

/// `import --reattach`: pairs the declared cards the state does not hold with the
/// account's unmanaged live cards ([`crate::adopt::reattach::pair`]) and records each
/// unique pairing, nothing owned yet (the next plan shows what the files would change).
async fn reattach(args: &ImportArgs, session: &Session) -> miette::Result<Outcome> {
    use crate::adopt::reattach::{InferredImages, Pairing, infer_images, pair};
    let project = crate::config::load_project(&args.dir).map_err(CommandError::from)?;
    let state = session.state.snapshot();
    let orphans: Vec<&crate::config::DesiredCard> = project
        .cards
        .values()
        .filter(|c| !state.resources.contains_key(&c.address))
        .collect();
    if orphans.is_empty() {
        println!("{}", tr!("op-reattach-none"));
        return Ok(Outcome::Success);
    }
    let managed: BTreeSet<&str> = state
        .resources
        .values()
        .map(|r| r.card_id.as_str())
        .collect();
    let ids = session
        .client
        .list_all_card_ids()
        .await
        .map_err(CommandError::from)?;
    let mut live: Vec<LiveCard> = Vec::new();
    for id in ids.iter().filter(|id| !managed.contains(id.as_str())) {
        if let Observed::Exists(card) = fetch_live(&session.client, id)
            .await
            .map_err(CommandError::from)?
        {
            live.push(*card);
        }
    }
    let pairings = pair(&orphans, &live);
    let mut matched: Vec<(String, &LiveCard)> = Vec::new();
    let mut ambiguous = 0;
    let mut unmatched = 0;
    for (address, pairing) in &pairings {
        match pairing {
            Pairing::Matched(c) => {
                println!(
                    "  {}",
                    tr!(
                        "op-reattach-matched",
                        address = address,
                        card_id = visible_line(&c.card_id),
                        changes = c.changes
                    )
                );
                if let Some(card) = live.iter().find(|l| l.card_id == c.card_id) {
                    matched.push((address.clone(), card));
                }
            }
            Pairing::Ambiguous(candidates) => {
                ambiguous += 1;
                let ids: Vec<_> = candidates
                    .iter()
                    .map(|c| visible_line(&c.card_id))
                    .collect();
                println!(
                    "  {}",
                    tr!(
                        "op-reattach-ambiguous",
                        address = address,
                        ids = ids.join(", ")
                    )
                );
            }
            Pairing::Unmatched => {
                unmatched += 1;
                println!("  {}", tr!("op-reattach-unmatched", address = address));
            }
        }
    }
    println!(
        "{}",
        tr!(
            "op-reattach-summary",
            declared = pairings.len(),
            matched = matched.len(),
            ambiguous = ambiguous,
            unmatched = unmatched,
            live = live.len()
        )
    );
    let images = if args.reupload_images {
        InferredImages::default()
    } else {
        let pairs: Vec<(&crate::config::DesiredCard, &LiveCard)> = matched
            .iter()
            .filter_map(|(address, live)| project.cards.get(address).map(|d| (d, *live)))
            .collect();
        let hashes = crate::config::images::hash_local_images(
            &session.root,
            pairs
                .iter()
                .flat_map(|(d, _)| d.card.images().into_iter().map(|(_, i)| i)),
        )
        .map_err(ImportError::Image)?;
        infer_images(&pairs, &hashes)
    };
    for (url, file) in images.uploads.values() {
        println!(
            "  {}",
            tr!("op-reattach-image", file = file, url = visible_line(url))
        );
    }
    for file in &images.unsure {
        println!("  {}", tr!("op-reattach-image-unsure", file = file));
    }
    if args.dry_run {
        if !images.uploads.is_empty() {
            println!("{}", tr!("op-reattach-dry-images"));
        }
        println!("{}", tr!("op-reattach-dry-run"));
        return Ok(Outcome::Success);
    }
    // Recorded even with no pairing: the state is then this project's (its owner is
    // stamped), and the next plan's creates are the cards that have no live copy.
    let now = chrono::Utc::now().timestamp();
    session.state.edit(|s| {
        for (sha256, (url, file)) in &images.uploads {
            s.apply_change(&Change::PutImage {
                sha256: sha256.clone(),
                image: crate::state::ImageRecord {
                    url: url.clone(),
                    file: file.clone(),
                    uploaded_at: now,
                },
            });
        }
    });
    adopt(session, &matched)?;
    if ambiguous > 0 {
        eprintln!(
            "{}",
            tr!(
                "op-warning",
                message = tr!("op-reattach-ambiguous-warning", count = ambiguous)
            )
        );
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Success)
}

/// The generated TOML of one card, if it plans no change.
fn checked_toml(root: &Path, address: &str, live: &LiveCard) -> Result<String, Vec<String>> {
    let path = root.join(PROJECT_FILE);
    let project = std::fs::read(&path)
        .map_err(|e| vec![tr!("op-cannot-read", path = path.display(), error = e)])?;
    let text = card_toml(address, live).map_err(|e| vec![e.to_string()])?;
    check_plans_no_change(root, &project, address, &text, live).map(|()| text)
}

pub(super) fn file_header() -> String {
    format!(
        "# Generated by `cardform import` on {}: one table per card adopted from WeChat.\n# Edit freely: a field you leave out stays as WeChat has it.\n",
        chrono::Utc::now().format("%Y-%m-%d")
    )
}

/// Why an import did not happen; each says what to do.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum ImportError {
    #[error("{}", tr!("op-import-err-dry-run-alone"))]
    #[diagnostic(
        code(cardform::import::dry_run_alone),
        help("{}", tr!("op-import-err-dry-run-alone-help"))
    )]
    DryRunAlone,
    #[error("{}", tr!("op-import-err-all-without-out"))]
    #[diagnostic(
        code(cardform::import::all_without_out),
        help("{}", tr!("op-import-err-all-without-out-help"))
    )]
    AllWithoutOut,
    #[error("{}", tr!("op-import-err-address-taken", address = .address, card_id = .card_id))]
    #[diagnostic(
        code(cardform::import::address_taken),
        help("{}", tr!("op-import-err-address-taken-help"))
    )]
    AddressTaken { address: String, card_id: String },
    #[error("{}", tr!("op-import-err-already-managed", card_id = .card_id, address = .address))]
    #[diagnostic(code(cardform::import::already_managed))]
    AlreadyManaged { card_id: String, address: String },
    #[error("{}", tr!("op-import-err-gone", card_id = .0))]
    #[diagnostic(code(cardform::import::gone))]
    Gone(String),
    #[error("{}\n  {problems}", tr!("op-import-err-would-change", card_id = .card_id))]
    #[diagnostic(code(cardform::import::would_change))]
    WouldChange { card_id: String, problems: String },
    #[error("{}", tr!("op-cannot-read", path = .path.display(), error = .source))]
    #[diagnostic(code(cardform::import::read))]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    #[diagnostic(code(cardform::import::image))]
    Image(crate::config::images::ImagePathError),
}

/// Records the cards in the state, nothing owned yet.
pub(super) fn adopt(session: &Session, cards: &[(String, &LiveCard)]) -> miette::Result<()> {
    session.state.edit(|s| {
        for (address, live) in cards {
            s.apply_change(&Change::PutResource {
                address: address.clone(),
                resource: adopted_state(live),
            });
        }
    });
    session.state.commit().map_err(CommandError::from)?;
    Ok(())
}
