//! `cardform state resolve ADDR --adopt CARD_ID | --forget`: settle an operation of an
//! earlier run whose outcome cardform could not determine by itself (an interrupted
//! create that matches several live cards).

use crate::apply::recover::{adoption, intended_content};
use crate::cli::StateResolveArgs;
use crate::config::RunSettings;
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::live::{Observed, fetch_live};
use crate::plan::diff::{DiffContext, diff};
use crate::progress::TerminalReporter;
use crate::session::{Session, runtime};
use crate::state::{OpKind, PendingOperation};
use cardform_spec::rules::UpdateClass;

use super::error::CommandError;

pub fn run(a: &StateResolveArgs) -> miette::Result<Outcome> {
    let config = crate::config::load_project_config(&a.dir).map_err(CommandError::from)?;
    let run = RunSettings::from_env(&crate::config::RunFlags {
        lock_timeout: a.lock_timeout,
        ..Default::default()
    });
    let rt = runtime()?;
    rt.block_on(async {
        let session = Session::open(
            &a.dir,
            config,
            "state resolve",
            &run,
            TerminalReporter::shared(),
        )
        .await?;
        let result = resolve(a, &session).await;
        session.close().await;
        result
    })
}

async fn resolve(a: &StateResolveArgs, session: &Session) -> miette::Result<Outcome> {
    let state = session.state.snapshot();
    let ops: Vec<&PendingOperation> = state
        .pending
        .iter()
        .filter(|p| p.address == a.address)
        .collect();
    if ops.is_empty() {
        let others: Vec<String> = state
            .pending
            .iter()
            .map(|p| format!("{} ({})", p.address, p.op.as_str()))
            .collect();
        return Err(ResolveError::NothingPending {
            address: a.address.clone(),
            state: session.state.describe(),
            others: if others.is_empty() {
                String::new()
            } else {
                tr!("err-resolve-pending-others", ops = others.join(", "))
            },
        }
        .into());
    }
    let message = match &a.adopt {
        None => {
            for op in &ops {
                session.state.abandon(op.id).map_err(CommandError::from)?;
            }
            tr!(
                "state-resolve-forgot",
                count = ops.len(),
                address = a.address
            )
        }
        Some(card_id) => {
            let Some(create) = ops.iter().find(|p| p.op == OpKind::Create) else {
                return Err(ResolveError::NotACreate {
                    address: a.address.clone(),
                    ops: ops
                        .iter()
                        .map(|p| p.op.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
                .into());
            };
            if let Some((other, _)) = state
                .resources
                .iter()
                .find(|(addr, r)| r.card_id == *card_id && **addr != a.address)
            {
                return Err(ResolveError::HeldElsewhere {
                    card_id: card_id.clone(),
                    other: other.clone(),
                }
                .into());
            }
            let live = match fetch_live(&session.client, card_id)
                .await
                .map_err(CommandError::from)?
            {
                Observed::Exists(live) => live,
                Observed::Gone => {
                    return Err(ResolveError::Gone(card_id.clone()).into());
                }
            };
            let content = intended_content(create);
            let friends =
                content.get("advanced_info.share_friends") == Some(&serde_json::Value::Bool(true));
            let ctx = DiffContext {
                friends,
                title_is_derived: friends,
            };
            let differs: Vec<String> = diff(&content, &live.content, None, ctx)
                .0
                .into_iter()
                .filter(|c| c.class != UpdateClass::Local)
                .map(|c| c.path)
                .collect();
            let changes = adoption(&state, create, &live);
            session
                .state
                .finish(create.id, changes)
                .map_err(CommandError::from)?;
            for op in ops.iter().filter(|p| p.id != create.id) {
                session.state.abandon(op.id).map_err(CommandError::from)?;
            }
            let mut msg = tr!(
                "state-resolve-adopted",
                card_id = card_id,
                address = a.address
            );
            if !differs.is_empty() {
                msg.push_str(&tr!("state-resolve-differs", fields = differs.join(", ")));
            }
            msg
        }
    };
    let c = session.state.commit().map_err(CommandError::from)?;
    println!("{message}");
    println!("{}", tr!("state-saved-serial", serial = c.serial));
    Ok(Outcome::Success)
}

/// Why an interrupted operation cannot be settled as asked.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum ResolveError {
    #[error("{}", tr!("err-resolve-nothing-pending", address = .address, state = .state, others = .others))]
    #[diagnostic(
        code(cardform::resolve::nothing_pending),
        help("{}", tr!("err-resolve-nothing-pending-help"))
    )]
    NothingPending {
        address: String,
        state: String,
        others: String,
    },
    #[error("{}", tr!("err-resolve-not-a-create", address = .address, ops = .ops))]
    #[diagnostic(
        code(cardform::resolve::not_a_create),
        help("{}", tr!("err-resolve-not-a-create-help"))
    )]
    NotACreate { address: String, ops: String },
    #[error("{}", tr!("err-resolve-held-elsewhere", card_id = .card_id, other = .other))]
    #[diagnostic(code(cardform::resolve::held_elsewhere))]
    HeldElsewhere { card_id: String, other: String },
    #[error("{}", tr!("err-resolve-gone", card_id = .0))]
    #[diagnostic(
        code(cardform::resolve::gone),
        help("{}", tr!("err-resolve-gone-help"))
    )]
    Gone(String),
}
