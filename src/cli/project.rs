//! The project's files and tools: `validate`, `schema`, `rules`, `emulator`, `init`,
//! `fmt`, `preview`, `completions`, `man`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::*;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub project: ProjectDir,
    /// text or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also print what each friends coupon's title will be.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema: cards (card files), project (cardform.toml), or all (both, as one document).
    #[arg(long, value_enum, default_value_t = SchemaKind::All)]
    pub kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    All,
    Cards,
    Project,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also show, per row, how many of WeChat's answers recorded in the project's state
    /// (card/update's send_check) agreed or disagreed with it.
    #[arg(long)]
    pub evidence: bool,
    /// The project folder whose state holds the answers (with --evidence).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; loopback only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Persist the emulated world in FILE (survives restarts).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The AppID the emulator accepts.
    #[arg(long, default_value = "wxsandbox")]
    pub appid: String,
    /// The AppSecret the emulator accepts.
    #[arg(long, default_value = "sandbox-secret")]
    pub secret: String,
    /// Latency added to every call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Approve new and re-reviewed cards after this many ms (0 = only via the admin API).
    #[arg(long, default_value_t = 0)]
    pub review_delay_ms: u64,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 7200)]
    pub token_ttl_secs: u64,
    /// A fault rule (see README, "Fault rules"); repeatable.
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<String>,
    /// A store (poi_id) of the emulated account; repeatable. Friends coupons may name
    /// only these. Default: the sandbox account's stores (401234567, 401234568, 401234569).
    /// Platform authorizers have three stores of their own each.
    #[arg(long = "poi", value_name = "POI_ID")]
    pub pois: Vec<u64>,
    /// Start a new world with its 券点 account opened (the 200-point activation reward),
    /// as the embedded sandbox does; by default it starts unopened, as a real account.
    #[arg(long)]
    pub coins_activated: bool,
    /// How 券点 amounts and datacube answers are written: `doc` as WeChat's doc samples
    /// and real captures (decimal strings in getpayprice/getorder, no errcode in the
    /// datacube), `numbers` every amount a number.
    #[arg(long, value_name = "doc|numbers", default_value = "doc")]
    pub shapes: String,
    /// A per-path quota, PATH=DAILY or PATH=DAILY/PER_MINUTE (e.g. /card/get=1000/60); repeatable.
    #[arg(long = "quota", value_name = "PATH=DAILY[/PER_MINUTE]")]
    pub quotas: Vec<String>,
    /// Push WeChat's events (review decisions, claims, redemptions, low stock, 券点
    /// orders) to this URL, encrypted with CARDFORM_EVENTS_TOKEN and
    /// CARDFORM_EVENTS_AES_KEY as WeChat does (plain mode without a key).
    #[arg(long, value_name = "URL")]
    pub push_url: Option<String>,
    /// Serve these cards as WeChat answered card/get for them, in any historical shape:
    /// a JSON file holding one answer or a list (e.g. tests/fixtures/wechat/legacy/).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub seed: Vec<PathBuf>,
    /// Also play a third-party platform (开放平台) with N authorizers holding the card
    /// permission set, each its own world (GET /__emulator/platform lists them).
    #[arg(long, value_name = "N")]
    pub platform_authorizers: Option<usize>,
    /// The component AppID the emulated platform accepts (with --platform-authorizers).
    #[arg(long, default_value = "wxcomponent0000emu")]
    pub component_appid: String,
    /// The component AppSecret the emulated platform accepts (with --platform-authorizers).
    #[arg(long, default_value = "emulator-component-secret")]
    pub component_secret: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the project in (created if missing; existing files are
    /// never overwritten).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Run against cardform's embedded WeChat emulator (`endpoint = "sandbox"`): no
    /// account or secret needed.
    #[arg(long)]
    pub sandbox: bool,
    /// Also write a CI pipeline: github (.github/workflows/cardform.yml) or gitlab
    /// (.gitlab-ci.yml).
    #[arg(long, value_enum)]
    pub ci: Option<CiKind>,
    /// The Official Account's AppID (ignored with --sandbox).
    #[arg(long, default_value = "wx0000000000000000")]
    pub appid: String,
    /// A third-party platform (服务商) instead: accounts/, templates/, a matrix pipeline
    /// over shards (docs/platform.md). Needs --component-appid.
    #[arg(long, requires = "component_appid", conflicts_with = "sandbox")]
    pub platform: bool,
    /// The platform's component AppID (with --platform).
    #[arg(long, value_name = "ID", requires = "platform")]
    pub component_appid: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiKind {
    Github,
    Gitlab,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The project folder (its cards/*.toml are formatted).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Change nothing; list the files that are not formatted and exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub project: ProjectDir,
    /// Only these card addresses (repeatable; default: every card).
    #[arg(long = "card", value_name = "ADDR")]
    pub cards: Vec<String>,
    /// The folder to write <address>.svg and <address>.png to (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Write only SVG files (no PNG).
    #[arg(long)]
    pub svg_only: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write cardform.1 and one cardform-<command>.1 per command to DIR instead of
    /// printing cardform.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
