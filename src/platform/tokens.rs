//! The platform's credentials and its authorizers: the component AppSecret and the
//! verify ticket (from the environment, or a command under the token-command rule),
//! checked before anything is sent; one [`PlatformClient`] per run (so one component
//! token per run, shared by every account); each account's client from its
//! authorizer_refresh_token as `api_get_authorizer_list` returns it — no per-merchant
//! secret in files or the environment.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use cardform_client::{
    ApiError, AuthorizerEntry, CallCap, ComponentCredentials, PlatformClient, RetryPolicy, Secret,
    WeChatClient,
};

use crate::config::trust::{self, OperatorSettings, Origin, TrustError};
use crate::config::{ClientMaker, PROJECT_FILE, RunSettings};
use crate::i18n::tr;
use crate::model::Timestamp;

use super::files::TicketSource;
use super::project::Platform;
use super::run::{Failure, Prepared};

/// Why a platform run cannot start; nothing was sent to WeChat (except where said).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlatformError {
    #[error("{}", tr!("pf-no-secret", env = .env))]
    #[diagnostic(
        code(cardform::platform::secret),
        help("{}", tr!("pf-no-secret-help", env = env))
    )]
    NoSecret { env: String },
    #[error("{}", tr!("pf-no-ticket", source = .source_name))]
    #[diagnostic(
        code(cardform::platform::ticket),
        help("{}", tr!("pf-no-ticket-help"))
    )]
    NoTicket { source_name: String },
    #[error("{}", tr!("pf-stale-ticket", source = .source_name, hours = .age_hours))]
    #[diagnostic(
        code(cardform::platform::ticket_stale),
        help("{}", tr!("pf-stale-ticket-help"))
    )]
    StaleTicket { source_name: String, age_hours: i64 },
    #[error("{source_name}: {problem}")]
    #[diagnostic(code(cardform::platform::ticket))]
    BadTicketSource {
        source_name: String,
        problem: String,
    },
    #[error("{0}")]
    #[diagnostic(code(cardform::trust))]
    Trust(#[from] TrustError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    EventsTicket(#[from] super::ticket::TicketError),
    #[error("{}", tr!("pf-component", component = .component_appid, source = .source_name, error = .error.to_string()))]
    #[diagnostic(code(cardform::platform::component))]
    Component {
        component_appid: String,
        source_name: String,
        error: Box<ApiError>,
    },
}

/// The ticket source's name, as messages show it.
pub fn ticket_source_name(source: &TicketSource) -> String {
    match source {
        TicketSource::Env { env, .. } => tr!("pf-ticket-source-env", env = env),
        TicketSource::Command { command } => tr!(
            "pf-ticket-source-command",
            program = command.first().map_or("", String::as_str)
        ),
        TicketSource::Events => tr!("ev-ticket-source"),
    }
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads the component secret and the verify ticket, refusing a missing or stale one
/// before anything is sent.
///
/// # Errors
/// [`PlatformError`].
pub fn credentials(
    platform: &Platform,
    operator: &OperatorSettings,
    now: Timestamp,
) -> Result<ComponentCredentials, PlatformError> {
    let p = &platform.file.platform;
    let secret = env_value(&p.component_secret_env).ok_or_else(|| PlatformError::NoSecret {
        env: p.component_secret_env.clone(),
    })?;
    let source_name = ticket_source_name(&p.verify_ticket);
    let ticket = match &p.verify_ticket {
        TicketSource::Env {
            env,
            received_at_env,
        } => {
            let ticket = env_value(env).ok_or_else(|| PlatformError::NoTicket {
                source_name: source_name.clone(),
            })?;
            if let Some(at_env) = received_at_env {
                let at: i64 = env_value(at_env)
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| PlatformError::BadTicketSource {
                        source_name: tr!("pf-ticket-source-env", env = at_env),
                        problem: tr!("pf-ticket-at-bad"),
                    })?;
                if cardform_spec::platform::ticket_is_stale(at, now.0) {
                    return Err(PlatformError::StaleTicket {
                        source_name,
                        age_hours: (now.0 - at) / 3600,
                    });
                }
            }
            ticket
        }
        TicketSource::Command { command } => {
            let origin = Origin::Project {
                file: PROJECT_FILE.into(),
                line: 0,
                column: 0,
            };
            trust::check_token_source(
                &cardform_client::TokenSource::Command {
                    command: command.clone(),
                },
                &origin,
                operator.allow_token_command,
            )?;
            run_ticket_command(command, &source_name)?
        }
        TicketSource::Events => super::ticket::verify_ticket(platform, operator, now)?,
    };
    Ok(ComponentCredentials {
        component_appid: p.component_appid.clone(),
        component_secret: Secret::new(secret),
        verify_ticket: Secret::new(ticket),
    })
}

fn run_ticket_command(command: &[String], source_name: &str) -> Result<String, PlatformError> {
    let bad = |problem: String| PlatformError::BadTicketSource {
        source_name: source_name.to_string(),
        problem,
    };
    let (program, args) = command
        .split_first()
        .ok_or_else(|| bad(tr!("pf-ticket-command-empty")))?;
    let out = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| bad(tr!("pf-ticket-command-run", error = e)))?;
    if !out.status.success() {
        return Err(bad(tr!(
            "pf-ticket-command-exit",
            status = out.status.to_string()
        )));
    }
    let ticket = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if ticket.is_empty() {
        return Err(PlatformError::NoTicket {
            source_name: source_name.to_string(),
        });
    }
    Ok(ticket)
}

/// The endpoint the run talks to (the operator's `--endpoint` over the file's), checked
/// by the trust rules before the credentials go anywhere.
///
/// # Errors
/// [`PlatformError::Trust`].
pub fn endpoint(platform: &Platform, operator: &OperatorSettings) -> Result<String, PlatformError> {
    let (endpoint, origin) = match (&operator.endpoint, &operator.settings_file) {
        (Some((e, from)), _) => (e.clone(), Origin::Operator(from.clone())),
        // `plan --trusted-settings DIR`: the endpoint is the base branch's.
        (None, Some(dir)) => (
            platform.file.endpoint.clone(),
            Origin::Operator(format!("trusted settings {}", dir.display())),
        ),
        (None, None) => (
            platform.file.endpoint.clone(),
            Origin::Project {
                file: PROJECT_FILE.into(),
                line: 0,
                column: 0,
            },
        ),
    };
    trust::check_endpoint(&endpoint, &origin)?;
    Ok(endpoint)
}

/// WeChat calls in flight at once over a whole run unless `[platform.run]
/// max_calls_in_flight` says otherwise: as many as 4 accounts at the default
/// per-account parallelism of 16 had before the cap existed.
pub const DEFAULT_CALLS_IN_FLIGHT: usize = 64;

/// The run-wide cap on calls in flight (`[platform.run] max_calls_in_flight`).
pub fn calls_in_flight(platform: &Platform) -> usize {
    platform
        .file
        .platform
        .run
        .max_calls_in_flight
        .unwrap_or(DEFAULT_CALLS_IN_FLIGHT)
        .max(1)
}

/// The run's open-platform client, and the authorizers it lists (every page). Its
/// calls and every account client's made from it share one cap on calls in flight; its
/// component token is shared with the run's other processes through the state backend
/// ([`super::token_cache`]).
///
/// # Errors
/// [`PlatformError::Component`] (a stale ticket's 61005 names the ticket's source).
pub async fn connect(
    platform: &Platform,
    operator: &OperatorSettings,
    base_url: &str,
    credentials: ComponentCredentials,
) -> Result<(Arc<PlatformClient>, Vec<AuthorizerEntry>), PlatformError> {
    let cache =
        super::token_cache::for_run(platform, operator, &credentials.component_secret, base_url);
    let cap = CallCap::new(calls_in_flight(platform));
    let wrap = |error: ApiError| PlatformError::Component {
        component_appid: platform.file.platform.component_appid.clone(),
        source_name: ticket_source_name(&platform.file.platform.verify_ticket),
        error: Box::new(error),
    };
    let timeout = Duration::from_secs(platform.file.limits.timeout_seconds.max(1));
    let client = PlatformClient::new(base_url, credentials, timeout, RetryPolicy::default())
        .map_err(wrap)?
        .with_call_cap(cap)
        .with_token_cache(cache);
    let client = Arc::new(client);
    let list = client
        .authorizers_expecting(platform.accounts.len())
        .await
        .map_err(wrap)?;
    Ok((client, list))
}

/// Each selected account as the engine's input, checked now and built when its turn
/// comes ([`Pending::build`]): its run settings, whose client is its authorizer's; an
/// account whose AppID the platform's authorizer list lacks is a failure of that
/// account alone (revoked, or never authorised). The accounts' files are checked
/// before ([`Platform::check_projects`]); a run holds only the projects of the
/// accounts in flight.
pub fn prepare(
    platform: &Platform,
    names: &[String],
    base: &RunSettings,
    client: &Arc<PlatformClient>,
    authorizers: &[AuthorizerEntry],
) -> Vec<Pending> {
    let by_appid: BTreeMap<&str, &AuthorizerEntry> = authorizers
        .iter()
        .map(|a| (a.authorizer_appid.as_str(), a))
        .collect();
    let revoked = super::ticket::revoked(platform, &base.operator);
    let mut out = Vec::new();
    for name in names {
        // `names` come from the platform's own folders (`select`).
        let Some(appid) = platform.accounts.get(name).map(|a| a.file.appid.clone()) else {
            out.push(Pending {
                name: name.clone(),
                appid: String::new(),
                ready: Err(Failure {
                    stage: "authorizer".into(),
                    message: tr!("pf-no-such-account", name = name.as_str()),
                }),
            });
            continue;
        };
        if revoked.contains(&appid) {
            out.push(Pending {
                name: name.clone(),
                appid: appid.clone(),
                ready: Err(Failure {
                    stage: "authorizer".into(),
                    message: tr!("ev-account-revoked", appid = appid.as_str()),
                }),
            });
            continue;
        }
        let Some(entry) = by_appid.get(appid.as_str()) else {
            out.push(Pending {
                name: name.clone(),
                appid: appid.clone(),
                ready: Err(Failure {
                    stage: "authorizer".into(),
                    message: tr!(
                        "pf-not-authorizer",
                        appid = appid,
                        component = platform.file.platform.component_appid
                    ),
                }),
            });
            continue;
        };
        let mut settings = base.clone();
        if let Some((url, from)) = &settings.operator.state {
            settings.operator.state = Some((platform.state_for(Some(url), name), from.clone()));
        }
        let (pc, refresh) = (client.clone(), entry.refresh_token.clone());
        settings.client = Some(ClientMaker(Arc::new(move |cfg| {
            WeChatClient::for_authorizer(cfg, pc.clone(), refresh.clone())
        })));
        out.push(Pending {
            name: name.clone(),
            appid,
            ready: Ok(settings),
        });
    }
    out
}

/// A checked account whose project is built when its turn comes.
#[derive(Clone)]
pub struct Pending {
    pub name: String,
    pub appid: String,
    ready: Result<RunSettings, Failure>,
}

impl Pending {
    /// The account's project (built again from the files [`prepare`] checked).
    pub fn build(self, platform: &Platform, now: Timestamp) -> Prepared {
        let ready = self.ready.and_then(|settings| {
            platform
                .project(&self.name, now)
                .map(|project| (project, settings))
                .map_err(|e| Failure {
                    stage: "plan".into(),
                    message: crate::visible::visible(&e.to_string()).into_owned(),
                })
        });
        Prepared {
            name: self.name,
            appid: self.appid,
            ready,
        }
    }
}
