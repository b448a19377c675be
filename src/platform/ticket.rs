//! A platform's push events: the event log `cardform events serve` keeps for the
//! platform (its folder's `state/cardform.events.jsonl`, or the platform's PostgreSQL
//! state without an account name), the `component_verify_ticket` read from it
//! (`[platform.verify_ticket] source = "events"`), and the authorizers whose newest
//! authorisation event there is `unauthorized`, which a run names as revoked before
//! spending a call on them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::config::trust::{self, OperatorSettings, Origin, TrustError};
use crate::events::{EventLog, EventsError, read};
use crate::i18n::tr;
use crate::model::Timestamp;

use super::files::{STATE_DIR, STATE_FILE};
use super::project::Platform;

/// Why the verify ticket cannot come from the event log; nothing was sent to WeChat.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TicketError {
    #[error("{}", tr!("ev-ticket-none", component = component.as_str(), log = log.as_str()))]
    #[diagnostic(code(cardform::platform::ticket), help("{}", tr!("ev-ticket-none-help")))]
    Missing { component: String, log: String },
    #[error("{}", tr!("ev-ticket-stale", component = component.as_str(), log = log.as_str(), hours = *age_hours))]
    #[diagnostic(
        code(cardform::platform::ticket_stale),
        help("{}", tr!("ev-ticket-stale-help"))
    )]
    Stale {
        component: String,
        log: String,
        age_hours: i64,
    },
    #[error("{}", tr!("ev-ticket-unreadable", error = .0.to_string()))]
    #[diagnostic(code(cardform::platform::ticket))]
    Log(EventsError),
    #[error("{0}")]
    #[diagnostic(code(cardform::trust))]
    Trust(#[from] TrustError),
}

/// The state setting whose event log is the platform's: the operator's `--state` /
/// `CARDFORM_STATE` or the platform file's `state` when it is a PostgreSQL URL (the
/// platform's own rows, no `name=`), else `state/cardform.state.json` under the root
/// (so `state/cardform.events.jsonl`, beside the accounts' `state/<account>/`).
///
/// # Errors
/// A PostgreSQL server off loopback named only by the platform file.
pub fn log_setting(
    platform: &Platform,
    operator: &OperatorSettings,
) -> Result<(PathBuf, String), TrustError> {
    let (setting, origin) = match &operator.state {
        Some((s, from)) => (Some(s.clone()), Origin::Operator(from.clone())),
        None => (
            platform.file.state.clone(),
            trust::locate(&platform.root, &["state"]),
        ),
    };
    trust::check_state(setting.as_deref(), &origin)?;
    let root = platform.root.clone();
    match setting.filter(|s| crate::state::is_postgres_url(s.trim())) {
        Some(url) => Ok((root, url)),
        None => Ok((root, format!("{STATE_DIR}/{STATE_FILE}"))),
    }
}

/// The platform's event log.
///
/// # Errors
/// As [`log_setting`]; the backend cannot be opened.
pub fn open_log(
    platform: &Platform,
    operator: &OperatorSettings,
) -> Result<Box<dyn EventLog>, TicketError> {
    let (root, setting) = log_setting(platform, operator)?;
    crate::events::open_project_log(&root, Some(&setting)).map_err(TicketError::Log)
}

/// The newest `component_verify_ticket` the receiver stored for the platform's
/// component, refused when there is none or it is older than 12 hours.
///
/// # Errors
/// [`TicketError`].
pub fn verify_ticket(
    platform: &Platform,
    operator: &OperatorSettings,
    now: Timestamp,
) -> Result<String, TicketError> {
    let log = open_log(platform, operator)?;
    let records = log
        .list()
        .map_err(|e| TicketError::Log(EventsError::from(e)))?;
    let component = platform.file.platform.component_appid.clone();
    if let Some(ticket) = read::verify_ticket(&records, &component, now.0) {
        return Ok(ticket);
    }
    let newest = records
        .iter()
        .rev()
        .filter(|r| r.event == "component_verify_ticket")
        .filter(|r| r.field("AppId") == Some(component.as_str()))
        .find_map(|r| r.create_time);
    match newest {
        Some(at) => Err(TicketError::Stale {
            component,
            log: log.describe(),
            age_hours: (now.0 - at) / 3600,
        }),
        None => Err(TicketError::Missing {
            component,
            log: log.describe(),
        }),
    }
}

/// The authorizer AppIDs the platform's event log says revoked their authorisation
/// (newest authorisation event `unauthorized`). A log that cannot be read revokes
/// nothing (a note on stderr: the authorizer list still decides).
pub fn revoked(platform: &Platform, operator: &OperatorSettings) -> BTreeSet<String> {
    let found = log_setting(platform, operator)
        .map_err(|e| e.to_string())
        .and_then(|(root, setting)| {
            read::revoked_in_project(&root, Some(&setting)).map_err(|e| e.to_string())
        });
    match found {
        Ok(set) => set,
        Err(e) => {
            eprintln!("{}", tr!("ev-revoked-unreadable", error = e));
            BTreeSet::new()
        }
    }
}
