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
    /// and the AppID encrypted messages must carry. Default: the current folder.
    #[arg(value_name = "DIR")]
    pub dir_arg: Option<PathBuf>,
    /// The project folder (the same as DIR; kept for scripts that pass it so).
    #[arg(long = "dir", value_name = "DIR", conflicts_with = "dir_arg")]
    pub dir_flag: Option<PathBuf>,
    /// Where the state (and so the event log) lives, overriding cardform.toml's
    /// `state` (also CARDFORM_STATE). Trusted: needed for a PostgreSQL server that is
    /// not on loopback.
    #[arg(long, value_name = "PATH|URL")]
    pub state: Option<String>,
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
    /// The project folder. Default: the current folder.
    #[arg(value_name = "DIR")]
    pub dir_arg: Option<PathBuf>,
    /// The project folder (the same as DIR; kept for scripts that pass it so).
    #[arg(long = "dir", value_name = "DIR", conflicts_with = "dir_arg")]
    pub dir_flag: Option<PathBuf>,
    /// Where the state (and so the event log) lives, overriding cardform.toml's
    /// `state` (also CARDFORM_STATE). Trusted: needed for a PostgreSQL server that is
    /// not on loopback.
    #[arg(long, value_name = "PATH|URL")]
    pub state: Option<String>,
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

/// The project folder of an events command: DIR, else `--dir`, else `.`.
fn project_dir(arg: Option<&PathBuf>, flag: Option<&PathBuf>) -> PathBuf {
    arg.or(flag).cloned().unwrap_or_else(|| PathBuf::from("."))
}

impl EventsServeArgs {
    /// The project folder: DIR, else `--dir`, else `.`.
    pub fn dir(&self) -> PathBuf {
        project_dir(self.dir_arg.as_ref(), self.dir_flag.as_ref())
    }
}

impl EventsListArgs {
    /// The project folder: DIR, else `--dir`, else `.`.
    pub fn dir(&self) -> PathBuf {
        project_dir(self.dir_arg.as_ref(), self.dir_flag.as_ref())
    }
}
