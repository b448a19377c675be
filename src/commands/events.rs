//! `cardform events serve|list`: receive WeChat's push events into the state backend's
//! event log, and show what it holds.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;

use crate::cli::{EventsCommand, EventsFormat, EventsListArgs, EventsServeArgs};
use crate::config::ProjectConfig;
use crate::config::trust::{self, OperatorSettings};
use crate::events::receiver::{self, Settings};
use crate::events::{EventRecord, EventsError, open_project_log};
use crate::exit::Outcome;
use crate::i18n::tr;

use super::error::CommandError;
use super::output::print_json;
use super::project::load_config;

pub fn run(cmd: &EventsCommand) -> miette::Result<Outcome> {
    match cmd {
        EventsCommand::Serve(args) => serve(args),
        EventsCommand::List(args) => list(args),
    }
}

fn listen_addr(raw: &str) -> Result<SocketAddr, EventsError> {
    if let Ok(addr) = raw.parse::<SocketAddr>() {
        return Ok(addr);
    }
    raw.to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| EventsError::BadListen(raw.to_string()))
}

/// cardform.toml with the operator's `state` override applied (`--state`, else
/// `CARDFORM_STATE`) and the setting checked like every other command's
/// (`config::trust`): a project file cannot point the event log at a remote server.
fn secured_config(dir: &Path, state_flag: Option<&str>) -> miette::Result<ProjectConfig> {
    let mut config = load_config(dir)?;
    let operator = OperatorSettings::from_env().with_flags(None, state_flag);
    trust::check_project_state(dir, &mut config, &operator).map_err(CommandError::from)?;
    Ok(config)
}

/// The event log of the folder `dir` (a project's, or a platform's: see
/// `platform::ticket`) and the AppID its encrypted messages carry (the account's, or
/// the platform's component AppID).
fn log_of(
    dir: &Path,
    state_flag: Option<&str>,
) -> miette::Result<(Box<dyn crate::events::EventLog>, String, Option<String>)> {
    if crate::platform::is_platform(dir) {
        let platform = super::platform::load_platform(dir)?;
        crate::i18n::for_project(platform.file.output.lang);
        let operator = OperatorSettings::from_env().with_flags(None, state_flag);
        let log = crate::platform::ticket::open_log(&platform, &operator)
            .map_err(crate::platform::tokens::PlatformError::from)?;
        return Ok((log, platform.file.platform.component_appid.clone(), None));
    }
    let config = secured_config(dir, state_flag)?;
    let log = open_project_log(dir, config.state.as_deref())?;
    Ok((log, config.account.appid.clone(), config.state.clone()))
}

fn serve(args: &EventsServeArgs) -> miette::Result<Outcome> {
    let listen = listen_addr(&args.listen)?;
    let dir = args.dir();
    let (log, appid, _) = log_of(&dir, args.state.as_deref())?;
    let app_ids = if args.app_ids.is_empty() {
        vec![appid]
    } else {
        args.app_ids.clone()
    };
    if app_ids.iter().all(|a| a.trim().is_empty()) {
        return Err(EventsError::NoAppId.into());
    }
    let mut settings = Settings::from_env(app_ids)?;
    settings.window_secs = args.window_secs.max(0);
    settings.max_body = args.max_body.max(1);
    if settings.key.is_none() {
        eprintln!(
            "{}",
            tr!("ev-serve-no-key", env = crate::events::AES_KEY_ENV)
        );
    }
    if !listen.ip().is_loopback() {
        eprintln!("{}", tr!("ev-serve-open", addr = listen.to_string()));
    }
    let log: Arc<dyn crate::events::EventLog> = Arc::from(log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(EventsError::Runtime)?;
    runtime.block_on(async move {
        let where_ = log.describe();
        let running = receiver::start(listen, settings, log).await?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on http://{}", running.addr)
                .and_then(|()| out.flush())
                .map_err(EventsError::Stdout)?;
        }
        eprintln!("{}", tr!("ev-serve-storing", log = where_));
        super::emulator::wait_for_signal().await;
        running.stop().await;
        Ok(Outcome::Success)
    })
}

/// `--since`: a duration back from now, or an RFC 3339 time; Unix ms.
fn since_ms(raw: &str, now_ms: i64) -> Result<i64, EventsError> {
    let s = raw.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| EventsError::BadSince(raw.into()))?;
    let unit_ms: i64 = match unit {
        "s" | "" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(EventsError::BadSince(raw.into())),
    };
    Ok(now_ms.saturating_sub(n.saturating_mul(unit_ms)))
}

/// A card's address in the state → its card_id; anything else is taken as a card_id.
fn card_id_for(args: &EventsListArgs, state_setting: Option<&str>, wanted: &str) -> String {
    crate::state::open_backend(&args.dir(), state_setting)
        .ok()
        .and_then(|b| b.load().ok().flatten())
        .and_then(|l| l.state.resources.get(wanted).map(|r| r.card_id.clone()))
        .unwrap_or_else(|| wanted.to_string())
}

/// The one field a table row shows beside the name.
fn detail(r: &EventRecord) -> String {
    for f in [
        "RefuseReason",
        "Detail",
        "Reason",
        "FriendUserName",
        "OrderId",
        "ConsumeSource",
    ] {
        if let Some(v) = r.field(f).filter(|v| !v.is_empty()) {
            return format!("{f}: {}", crate::visible::visible(v));
        }
    }
    String::new()
}

fn list(args: &EventsListArgs) -> miette::Result<Outcome> {
    let dir = args.dir();
    let (log, _, state) = log_of(&dir, args.state.as_deref())?;
    let mut records = log.list().map_err(EventsError::from)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    if let Some(raw) = &args.since {
        let from = since_ms(raw, now_ms)?;
        records.retain(|r| r.received_ms >= from);
    }
    if let Some(card) = &args.card {
        let id = card_id_for(args, state.as_deref(), card);
        records.retain(|r| r.subject.as_deref() == Some(id.as_str()));
    }
    if !args.events.is_empty() {
        records.retain(|r| args.events.contains(&r.event));
    }
    if args.format == EventsFormat::Json {
        print_json(&serde_json::json!({ "format_version": "1", "events": records }))?;
        return Ok(Outcome::Success);
    }
    if records.is_empty() {
        println!("{}", tr!("ev-list-none", log = log.describe()));
        return Ok(Outcome::Success);
    }
    for r in &records {
        println!(
            "{}  {:<28}  {:<30}  {}",
            r.received_at,
            r.event,
            crate::visible::visible(r.subject.as_deref().unwrap_or("-")),
            detail(r)
        );
    }
    println!("{}", tr!("ev-list-count", count = records.len()));
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_durations_and_times() {
        assert_eq!(
            since_ms("30m", 10_000_000).ok(),
            Some(10_000_000 - 1_800_000)
        );
        assert_eq!(
            since_ms("2d", 1_000_000_000).ok(),
            Some(1_000_000_000 - 172_800_000)
        );
        assert_eq!(since_ms("1970-01-01T00:00:01Z", 0).ok(), Some(1000));
        assert!(since_ms("soon", 0).is_err());
    }
}
