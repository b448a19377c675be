//! `cardform emulator`: run the local WeChat card API until SIGINT/SIGTERM.

use crate::i18n::tr;
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::cli::EmulatorArgs;
use crate::emulator::{EmulatorConfig, EmulatorError, FaultRule, QuotaLimit, RunningEmulator};
use crate::exit::Outcome;

use super::error::CommandError;

/// Parses `--listen`; `localhost:PORT` resolves to a loopback address.
fn listen_addr(raw: &str) -> Result<SocketAddr, EmulatorError> {
    if let Ok(addr) = raw.parse::<SocketAddr>() {
        return Ok(addr);
    }
    raw.to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.find(|a| a.ip().is_loopback()))
        .ok_or_else(|| EmulatorError::BadListen(raw.to_string()))
}

pub fn run(args: &EmulatorArgs) -> miette::Result<Outcome> {
    let listen = listen_addr(&args.listen).map_err(CommandError::from)?;
    if !listen.ip().is_loopback() {
        return Err(CommandError::from(EmulatorError::NotLoopback(listen)).into());
    }
    let faults = args
        .faults
        .iter()
        .map(|s| s.parse::<FaultRule>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(CommandError::from)?;
    let quotas = args
        .quotas
        .iter()
        .map(|s| s.parse::<QuotaLimit>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(CommandError::from)?;
    let config = EmulatorConfig {
        appid: args.appid.clone(),
        secret: args.secret.clone(),
        data: args.data.clone(),
        latency_ms: args.latency_ms,
        review_delay_ms: args.review_delay_ms,
        token_ttl_secs: args.token_ttl_secs,
        faults,
        pois: if args.pois.is_empty() {
            crate::spec::sandbox::SANDBOX_POI_IDS.to_vec()
        } else {
            args.pois.clone()
        },
        coins_activated: args.coins_activated,
        shapes: crate::emulator::Shapes::parse(&args.shapes)
            .ok_or_else(|| CommandError::Shapes(args.shapes.clone()))?,
        platform: args
            .platform_authorizers
            .map(|authorizers| crate::emulator::PlatformSetup {
                component_appid: args.component_appid.clone(),
                component_secret: args.component_secret.clone(),
                authorizers,
            }),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(crate::session::SessionError::Runtime)?;
    runtime.block_on(async move {
        let emulator = RunningEmulator::start(listen, config)
            .await
            .map_err(CommandError::from)?;
        if !quotas.is_empty() {
            emulator.set_quotas(quotas);
        }
        if let Some(url) = &args.push_url {
            emulator.set_push(Some(push_config(url)?));
        }
        for file in &args.seed {
            let answers = read_seed(file)?;
            let ids = emulator
                .seed(&answers)
                .map_err(|message| CommandError::Seed {
                    file: file.clone(),
                    message,
                })?;
            eprintln!(
                "{}",
                tr!("emu-seeded", count = ids.len(), file = file.display())
            );
        }
        if let Some(n) = args.platform_authorizers {
            eprintln!(
                "{}",
                tr!(
                    "emu-platform",
                    appid = args.component_appid,
                    count = n,
                    url = emulator.base_url()
                )
            );
        }
        // The first stdout line is a contract scripts read (docs/emulator.md): it stays
        // `listening on URL` in every language; another language says it on stderr.
        if crate::i18n::lang() != crate::i18n::Lang::En {
            eprintln!("{}", tr!("emu-listening", url = emulator.base_url()));
        }
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {}", emulator.base_url())
                .and_then(|()| out.flush())
                .map_err(CommandError::Stdout)?;
        }
        wait_for_signal().await;
        emulator.shutdown().await.map_err(CommandError::from)?;
        Ok(Outcome::Success)
    })
}

/// `--push-url`: the token and key from the receiver's environment variables.
fn push_config(url: &str) -> Result<crate::emulator::push::PushConfig, crate::events::EventsError> {
    use crate::events::{AES_KEY_ENV, EventsError, TOKEN_ENV};
    let token = std::env::var(TOKEN_ENV).unwrap_or_default();
    if token.trim().is_empty() {
        return Err(EventsError::NoToken);
    }
    let key = std::env::var(AES_KEY_ENV).ok();
    crate::emulator::push::PushConfig::new(url, &token, key.as_deref(), 0)
        .map_err(EventsError::PushConfig)
}

/// One card/get answer or a list of them.
fn read_seed(file: &std::path::Path) -> miette::Result<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(file).map_err(|source| CommandError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| CommandError::Seed {
        file: file.to_path_buf(),
        message: tr!(
            "emu-seed-not-json",
            line = e.line(),
            column = e.column(),
            error = e.to_string()
        ),
    })?;
    Ok(match value {
        serde_json::Value::Array(list) => list,
        one => vec![one],
    })
}

#[cfg(unix)]
pub(super) async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
pub(super) async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
