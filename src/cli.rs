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
}

/// Output formats for commands that report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
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
            operator: crate::config::trust::OperatorSettings::from_env()
                .with_flags(self.endpoint.as_deref(), self.state.as_deref()),
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
    /// Save the plan to FILE for `cardform apply FILE`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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
    /// Fail with exit 3 when the plan contains this class of change (repeatable).
    #[arg(long = "deny", value_enum)]
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
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub address: Option<String>,
    /// The existing card's card_id.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub card_id: Option<String>,
    /// Adopt every card of the account that the state does not hold (card/batchget).
    #[arg(long)]
    pub all: bool,
    /// Write a [cards.<address>] table for each adopted card to FILE (a new file; it is
    /// checked to plan "No changes" before it is written). Required with --all.
    #[arg(long, value_name = "FILE")]
    pub generate_config_out: Option<PathBuf>,
    /// With --all: list the account's cards (managed, unmanaged, deleted) and change
    /// nothing.
    #[arg(long, requires = "all")]
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
    /// A per-path quota, PATH=DAILY or PATH=DAILY/PER_MINUTE (e.g. /card/get=1000/60); repeatable.
    #[arg(long = "quota", value_name = "PATH=DAILY[/PER_MINUTE]")]
    pub quotas: Vec<String>,
    /// Serve these cards as WeChat answered card/get for them, in any historical shape:
    /// a JSON file holding one answer or a list (e.g. tests/fixtures/wechat/legacy/).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub seed: Vec<PathBuf>,
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
