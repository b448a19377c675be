//! `cardform events serve|list`: WeChat's push events.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Receive WeChat's push events (the server URL): URL check, plain/compatible/safe
    /// mode; each event stored durably in the state backend's event log before
    /// answering `success`. Token and EncodingAESKey from CARDFORM_EVENTS_TOKEN and
    /// CARDFORM_EVENTS_AES_KEY only.
    Serve(EventsServeArgs),
    /// List the stored events.
    List(EventsListArgs),
}

#[derive(Debug, Args)]
pub struct EventsServeArgs {
    /// Address to listen on (loopback by default; put a TLS reverse proxy in front, see
    /// docs/events.md). Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8089")]
    pub listen: String,
    /// The project folder: its cardform.toml names the state (where events are stored)
    /// and the AppID encrypted messages must carry.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// An AppID encrypted messages may be meant for (default: cardform.toml's
    /// `[account] appid`); repeatable, e.g. a platform's component AppID.
    #[arg(long = "app-id", value_name = "APPID")]
    pub app_ids: Vec<String>,
    /// How far a request's timestamp may be from this machine's clock, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub window_secs: i64,
    /// The largest body accepted, in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    pub max_body: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EventsFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct EventsListArgs {
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Only events about this card: its address in the state, or a card_id.
    #[arg(long, value_name = "ADDR")]
    pub card: Option<String>,
    /// Only events received since then: a duration back from now (30m, 2h, 7d) or an
    /// RFC 3339 time.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only events of this name (e.g. card_not_pass_check); repeatable.
    #[arg(long = "event", value_name = "NAME")]
    pub events: Vec<String>,
    #[arg(long, value_enum, default_value_t = EventsFormat::Table)]
    pub format: EventsFormat,
}
