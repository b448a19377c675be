//! The command line: clap definitions only. Each subcommand is carried out by one thin
//! file in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::DenyClass;
use crate::plan::RefreshMode;

/// Declarative card-as-code for WeChat coupon cards (卡券, 朋友的券).
#[derive(Debug, Parser)]
#[command(name = "cardform", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More detail on stderr (raw WeChat JSON for unreadable responses; never tokens).
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the project offline: schema and rules, every problem at once.
    Validate(ValidateArgs),
    /// Print the JSON Schema for card files and cardform.toml.
    Schema(SchemaArgs),
    /// Refresh live cards, diff them against the files, classify and show the plan.
    Plan(PlanArgs),
    /// Carry out a plan (a saved plan file, or a fresh plan of a project folder).
    Apply(ApplyArgs),
    /// Adopt existing cards: one (ADDR CARD_ID) or the whole account (--all).
    Import(ImportArgs),
    /// Inspect and edit the state (a backup is kept before every edit).
    #[command(subcommand)]
    State(StateCommand),
    /// Release a lock left behind by a killed run.
    ForceUnlock(ForceUnlockArgs),
    /// Print the update-rule table (which field changes are in place, re-review, replace).
    Rules(RulesArgs),
    /// Run the local WeChat card API emulator.
    Emulator(EmulatorArgs),
    /// Start a project: cardform.toml, an example card, schemas, .gitignore, .taplo.toml,
    /// and optionally a CI pipeline.
    Init(InitArgs),
    /// Lay out card files canonically (WeChat's field order, aligned comments).
    Fmt(FmtArgs),
    /// Draw each card's face as WeChat shows it, to SVG and PNG.
    Preview(PreviewArgs),
    /// Print a shell completion script (e.g. `cardform completions bash > cardform.bash`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command to a folder.
    Man(ManArgs),
    /// Each managed card's review state and whether users can claim it now.
    Status(StatusArgs),
    /// The 券点 (coupon points) account: balance and recent orders; activate; recharge.
    Coins(CoinsArgs),
    /// Create a claim QR code for a card (card/qrcode/create).
    Qrcode(QrcodeArgs),
    /// Card statistics (datacube) over any date range: the account and each card.
    Stats(StatsArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum StatsFormat {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// First day, YYYY-MM-DD (Beijing; default: 30 days before --to).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day, YYYY-MM-DD (Beijing; default: yesterday, WeChat's data is T+1).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this card (its address); repeatable. Default: every card of the account.
    #[arg(long = "card", value_name = "ADDR")]
    pub cards: Vec<String>,
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
    /// Also draw claims, redemptions and views per day to FILE.svg.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("`{s}` is not a date like 2026-11-01: {e}"))
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub project: ProjectDir,
    /// text or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CoinsArgs {
    #[command(subcommand)]
    pub action: Option<CoinsAction>,
    /// The project folder.
    #[arg(long, default_value = ".", global = true)]
    pub dir: PathBuf,
    /// text or json.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Orders of the last N days.
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// At most this many orders.
    #[arg(long, default_value_t = 20)]
    pub limit: u64,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Subcommand)]
pub enum CoinsAction {
    /// Open the 券点 account (card/pay/activate; WeChat grants 200 free points once).
    Activate,
    /// Open a WeChat Pay order for N points (1 点 = ¥1): prints its QR code URL and saves
    /// its image. Pays nothing: someone must scan and pay it.
    Recharge {
        /// Points to buy.
        #[arg(value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        coin_count: u64,
        /// Where to save the QR image (default: recharge-ORDER_ID.png in the current folder).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// One order (card/pay/getorder).
    Order { order_id: String },
}

#[derive(Debug, Args)]
pub struct QrcodeArgs {
    /// The card's address in the files / state.
    pub address: String,
    /// One random code per scan; the QR cannot be reused (needs an approved card).
    #[arg(long)]
    pub unique_code: bool,
    /// How long the QR works, 60–1800 seconds (default: 365 days).
    #[arg(long, value_name = "N")]
    pub expire_seconds: Option<u64>,
    /// A scene value WeChat echoes in the claim event.
    #[arg(long, value_name = "S")]
    pub outer_str: Option<String>,
    /// Save the QR image (PNG) to FILE (a new file).
    #[arg(long, value_name = "FILE.png")]
    pub out: Option<PathBuf>,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// text or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub run: RunOptions,
}

/// Output formats for commands that report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlanFormat {
    #[default]
    Text,
    Json,
    Markdown,
    /// A self-contained review page with card previews (written to --out).
    Html,
}

/// The language of text, markdown and HTML plans (JSON never changes).
impl clap::ValueEnum for crate::i18n::Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &crate::i18n::Lang::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.tag()))
    }
}

#[derive(Debug, Args)]
pub struct ProjectDir {
    /// The project folder (holds cardform.toml and cards/).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

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

#[derive(Debug, Args, Clone)]
pub struct RunOptions {
    /// Requests in flight at once (default from cardform.toml, else 16).
    #[arg(long)]
    pub parallelism: Option<usize>,
    /// How long to wait for the state lock, e.g. 30s, 2m (default: fail at once).
    #[arg(long, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
    /// The API base URL, overriding cardform.toml's `endpoint` (also CARDFORM_ENDPOINT).
    /// Trusted: needed for any host but WeChat's, loopback and sandbox.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Run against cardform's embedded WeChat emulator (same as `--endpoint sandbox`):
    /// try a project for a real account without touching it.
    #[arg(long, conflicts_with = "endpoint")]
    pub sandbox: bool,
    /// Where the state lives, overriding cardform.toml's `state` (also CARDFORM_STATE).
    /// Trusted: needed for a PostgreSQL server that is not on loopback.
    #[arg(long, value_name = "PATH|URL")]
    pub state: Option<String>,
}

impl RunOptions {
    /// What the engine needs of these flags and of the operator's environment (it
    /// knows nothing of clap).
    pub fn settings(&self) -> crate::session::RunSettings {
        crate::session::RunSettings {
            parallelism: self.parallelism,
            lock_timeout: self.lock_timeout,
            operator: crate::config::trust::OperatorSettings::from_env().with_flags(
                if self.sandbox {
                    Some(crate::config::SANDBOX_ENDPOINT)
                } else {
                    self.endpoint.as_deref()
                },
                self.state.as_deref(),
            ),
        }
    }
}

/// `--refresh all|changed`: the plan type stays free of clap.
impl clap::ValueEnum for RefreshMode {
    fn value_variants<'a>() -> &'a [Self] {
        &[RefreshMode::All, RefreshMode::Changed]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// `--deny review|replace|delete|stock`: the config type stays free of clap.
impl clap::ValueEnum for DenyClass {
    fn value_variants<'a>() -> &'a [Self] {
        &DenyClass::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub project: ProjectDir,
    /// Save the plan to FILE for `cardform apply FILE`. With `--format html`: write the
    /// review page to FILE instead (add `--save` to also save the plan).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// text, json, markdown, or html (a review page written to --out).
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Also save the plan to FILE (for `cardform apply FILE`); the HTML page then shows
    /// the saved plan's checksum.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Write the HTML review page to FILE as well as printing --format.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// The language of text, markdown and HTML plans (default: `[output] lang` in
    /// cardform.toml, else en; also CARDFORM_LANG). JSON plans never change.
    #[arg(long, value_enum, env = "CARDFORM_LANG")]
    pub lang: Option<crate::i18n::Lang>,
    /// Exit 2 when the plan has changes (0 none, 1 error).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Plan only these card addresses (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// Only report changes made outside cardform; write nothing.
    #[arg(long)]
    pub refresh_only: bool,
    /// Which managed cards to read from WeChat: `all` (the default; sees drift on
    /// every card), or `changed`: only cards whose files or state changed since their
    /// last apply; the others are planned from the last applied state (for pull
    /// requests on large accounts; keep a full plan as the nightly drift check).
    #[arg(
        long,
        value_enum,
        default_value_t = RefreshMode::All,
        conflicts_with = "refresh_only"
    )]
    pub refresh: RefreshMode,
    /// Fail with exit 3 when the plan contains this class of change (repeatable; also
    /// CARDFORM_DENY, comma-separated).
    #[arg(
        long = "deny",
        value_enum,
        env = "CARDFORM_DENY",
        value_delimiter = ','
    )]
    pub deny: Vec<DenyClass>,
    /// Allow a plan that deletes or replaces every managed card, or more than
    /// `[policy] max_destroy` (default: half of them, at least 5); otherwise exit 3.
    #[arg(long)]
    pub allow_mass_destroy: bool,
    /// Take `endpoint`, `[account]`, `state` and `[policy]` from FILE (e.g. the base
    /// branch's cardform.toml); the project's own values are shown as proposed settings
    /// changes, in force only after merge.
    #[arg(long, value_name = "FILE", env = "CARDFORM_TRUSTED_SETTINGS")]
    pub trusted_settings: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A saved plan file, or a project folder (default: the current folder).
    #[arg(default_value = ".")]
    pub target: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Record the refreshed live state without changing any card.
    #[arg(long)]
    pub refresh_only: bool,
    /// Allow friends-coupon stock purchases with 券点 (paid, irreversible).
    #[arg(long)]
    pub allow_coin_purchase: bool,
    /// The most 券点 this apply may spend (overrides `[policy] max_coins_per_apply`); a
    /// plan that costs more stops with exit 3 and buys nothing.
    #[arg(long, value_name = "N")]
    pub max_coins: Option<u64>,
    /// After applying, wait until every card the apply created or sent to review is
    /// approved or rejected (card/get, with backoff); a rejection exits 1. TIMEOUT: e.g.
    /// 30m (default 1h).
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, default_missing_value = "1h", value_parser = parse_duration)]
    pub wait_for_review: Option<std::time::Duration>,
    /// Allow a plan that deletes or replaces every managed card, or more than
    /// `[policy] max_destroy` (default: half of them, at least 5); otherwise exit 3.
    #[arg(long)]
    pub allow_mass_destroy: bool,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The card's address in the files, e.g. friend_cash.
    #[arg(required_unless_present_any = ["all", "reattach"], conflicts_with_all = ["all", "reattach"])]
    pub address: Option<String>,
    /// The existing card's card_id.
    #[arg(required_unless_present_any = ["all", "reattach"], conflicts_with_all = ["all", "reattach"])]
    pub card_id: Option<String>,
    /// Adopt every card of the account that the state does not hold (card/batchget).
    #[arg(long, conflicts_with = "reattach")]
    pub all: bool,
    /// After the state was lost: find, for each declared card the state does not hold,
    /// the live card it stands for (same type, nothing that needs a new card, fewest
    /// changes, a unique pairing) and record it in the state. Writes no file.
    #[arg(long, conflicts_with = "generate_config_out")]
    pub reattach: bool,
    /// With --reattach: do not take the paired cards' image URLs as the uploads of the
    /// local image files (then the next apply uploads every local image again, and a
    /// new logo or cover sends its card back to review).
    #[arg(long, requires = "reattach")]
    pub reupload_images: bool,
    /// Write a [cards.<address>] table for each adopted card to FILE (a new file; it is
    /// checked to plan "No changes" before it is written). Required with --all.
    #[arg(long, value_name = "FILE")]
    pub generate_config_out: Option<PathBuf>,
    /// With --all: list the account's cards (managed, unmanaged, deleted); with
    /// --reattach: show the pairings. Changes nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the addresses in the state.
    List(StateDirArgs),
    /// Show one resource.
    Show(StateAddrArgs),
    /// Forget a resource (the card itself is not touched).
    Rm(StateAddrArgs),
    /// Rename a resource's address.
    Mv(StateMvArgs),
    /// Upload a local state file to the project's state backend (e.g. PostgreSQL).
    Push(StatePushArgs),
    /// Download the project's state (to a local state file, or print it).
    Pull(StatePullArgs),
    /// Settle an interrupted create: adopt the card it made, or forget it.
    Resolve(StateResolveArgs),
    /// Make the state's `.backup` the state again (a copy of the state it replaces is kept).
    RestoreBackup(StateRestoreBackupArgs),
    /// Make this state this project's (after moving it on purpose): record this project's account and project_id as its owner.
    AdoptLineage(StateRestoreArgs),
}

#[derive(Debug, Args)]
pub struct StateRestoreBackupArgs {
    #[command(flatten)]
    pub common: StateRestoreArgs,
    /// Restore a backup that holds no cards (taken before the first apply made any).
    /// Planning from it creates every card again, duplicating the live ones.
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(Debug, Args)]
pub struct StateRestoreArgs {
    /// The project folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// How long to wait for the state lock, e.g. 30s (default: fail at once).
    #[arg(long, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct StatePushArgs {
    /// The local state file to upload (its journal beside it is included).
    pub file: PathBuf,
    /// The project folder (its cardform.toml names the destination).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// How long to wait for the destination's lock, e.g. 30s (default: fail at once).
    #[arg(long, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct StatePullArgs {
    /// Write to this local state file (atomically, refusing to overwrite another or a
    /// newer state) instead of printing the document on stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("resolution").required(true).args(["adopt", "forget"])))]
pub struct StateResolveArgs {
    /// The address whose interrupted operation to settle.
    pub address: String,
    /// The card the interrupted create made (it becomes the address's card).
    #[arg(long, value_name = "CARD_ID")]
    pub adopt: Option<String>,
    /// The interrupted operation did not happen (or its card is not wanted): drop it.
    #[arg(long)]
    pub forget: bool,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// How long to wait for the state lock, e.g. 30s (default: fail at once).
    #[arg(long, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct StateDirArgs {
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct StateAddrArgs {
    pub address: String,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// How long `rm` waits for the state lock, e.g. 30s (default: fail at once).
    #[arg(long, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct StateMvArgs {
    pub source: String,
    pub destination: String,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// How long to wait for the state lock, e.g. 30s (default: fail at once).
    #[arg(long, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct ForceUnlockArgs {
    /// The lock id printed by the run that holds it.
    pub lock_id: String,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
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
    /// Serve these cards as WeChat answered card/get for them, in any historical shape:
    /// a JSON file holding one answer or a list (e.g. tests/fixtures/wechat/legacy/).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub seed: Vec<PathBuf>,
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

/// Parses `30s`, `2m`, `500ms`, `1h` or plain seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration; write e.g. 30s, 2m, 500ms"))?;
    let ms = match unit {
        "ms" => n,
        "s" => n.saturating_mul(1000),
        "m" => n.saturating_mul(60_000),
        "h" => n.saturating_mul(3_600_000),
        _ => return Err(format!("`{s}`: unknown unit `{unit}`; use ms, s, m or h")),
    };
    Ok(std::time::Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("30s"),
            Ok(std::time::Duration::from_secs(30))
        );
        assert_eq!(
            parse_duration("2m"),
            Ok(std::time::Duration::from_secs(120))
        );
        assert_eq!(parse_duration("15"), Ok(std::time::Duration::from_secs(15)));
        assert!(parse_duration("x").is_err());
    }
}
