//! `cardform import ADDR CARD_ID`: adopt an existing card into the state. The next plan
//! shows what differs from the file.

use crate::cli::ImportArgs;
use crate::exit::Outcome;
use crate::live::{Observed, fetch_live};
use crate::progress::TerminalReporter;
use crate::session::{Session, runtime};
use crate::state::{Change, ResourceState};

use super::project::report;

pub fn run(args: &ImportArgs) -> miette::Result<Outcome> {
    let config = super::project::load_config(&args.dir)?;
    let rt = runtime().map_err(report)?;
    rt.block_on(async {
        let session = Session::open(
            &args.dir,
            config,
            "import",
            &args.run.settings(),
            TerminalReporter::shared(),
        )
        .await
        .map_err(report)?;
        let result = import(args, &session).await;
        session.close().await;
        result
    })
}

async fn import(args: &ImportArgs, session: &Session) -> miette::Result<Outcome> {
    let state = session.state.snapshot();
    if let Some(existing) = state.resources.get(&args.address) {
        return Err(miette::miette!(
            help = "choose another address, or `cardform state rm` the old one first",
            "{} is already in the state (card_id {})",
            args.address,
            existing.card_id
        ));
    }
    if let Some((addr, _)) = state
        .resources
        .iter()
        .find(|(_, r)| r.card_id == args.card_id)
    {
        return Err(miette::miette!(
            "card {} is already managed as {addr}",
            args.card_id
        ));
    }
    let live = match fetch_live(&session.client, &args.card_id)
        .await
        .map_err(report)?
    {
        Observed::Exists(l) => l,
        Observed::Gone => {
            return Err(miette::miette!(
                "card {} is deleted; nothing to import",
                args.card_id
            ));
        }
    };
    let change = Change::PutResource {
        address: args.address.clone(),
        resource: ResourceState {
            card_id: live.card_id.clone(),
            card_type: live.card_type.as_str().to_string(),
            applied: serde_json::to_value(&live.content).unwrap_or_default(),
            applied_hash: live.content.hash(),
            live_fingerprint: Some(live.content.hash()),
            status: Some(live.status.as_wire()),
            updated_at: chrono::Utc::now().timestamp(),
            // Adopted, not declared: no field is cardform's until the files set it.
            managed: Some(Vec::new()),
        },
    };
    session.state.edit(|s| s.apply_change(&change));
    session.state.commit().map_err(report)?;
    let declared = crate::config::load_project(&args.dir)
        .ok()
        .map(|p| p.cards.contains_key(&args.address));
    if declared == Some(false) {
        eprintln!(
            "warning: no card `{}` in the files: the next plan would DELETE card {}. Add [cards.{}] to a file under cards/ first.",
            args.address, args.card_id, args.address
        );
    }
    println!(
        "Imported {} ({}, {}) as {}. Run `cardform plan` to see what differs from the files.",
        args.card_id,
        live.card_type,
        live.status.describe(),
        args.address
    );
    Ok(Outcome::Success)
}
