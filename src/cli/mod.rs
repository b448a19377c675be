//! The command line: clap definitions only, one module per command group. Each
//! subcommand is carried out by one thin file in `commands/`. Nothing here reads the
//! environment or the trust rules: [`RunOptions::flags`] hands the flags over as plain
//! values and `config::RunSettings` adds the operator's environment.

mod events;
mod operate;
mod plan;
mod platform;
mod project;
mod state;

pub use events::*;
pub use operate::*;
pub use plan::*;
pub use platform::*;
pub use project::*;
pub use state::*;

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
    /// The language cardform speaks: messages, errors, plans and reports (default: the
    /// project's `[output] lang`, else en). JSON keeps its keys, codes and values in every language.
    #[arg(long, global = true, value_parser = lang_parser(), env = "CARDFORM_LANG")]
    pub lang: Option<crate::i18n::Lang>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the project offline: schema and rules, every problem at once.
    Validate(ValidateArgs),
    /// Print the JSON Schema for card files and cardform.toml.
    Schema(SchemaArgs),
    /// Refresh live cards, diff them against the files, classify and show the plan.
    #[command(args_conflicts_with_subcommands = true)]
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
    /// WeChat's push events: receive them (serve) and list what was stored.
    #[command(subcommand)]
    Events(EventsCommand),
    /// A third-party platform's merchant accounts (authorizers): list, import.
    #[command(subcommand)]
    Accounts(AccountsCommand),
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

/// `--lang`'s values: the tags of [`crate::i18n::Lang`] (listed in `--help`).
pub fn lang_parser() -> impl clap::builder::TypedValueParser<Value = crate::i18n::Lang> {
    use clap::builder::TypedValueParser;
    let tags: Vec<&'static str> = crate::i18n::Lang::ALL.iter().map(|l| l.tag()).collect();
    clap::builder::PossibleValuesParser::new(tags)
        .map(|tag| crate::i18n::Lang::from_tag(&tag).unwrap_or_default())
}

#[derive(Debug, Args)]
pub struct ProjectDir {
    /// The project folder (holds cardform.toml and cards/).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct RunOptions {
    /// Requests in flight at once, 1 to 256 as `[limits] parallelism` (default from
    /// cardform.toml, else 16).
    #[arg(long, value_name = "N", value_parser = parse_parallelism)]
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

/// A platform project's accounts (docs/platform.md): which of them a command covers.
#[derive(Debug, Args, Clone, Default)]
pub struct AccountOptions {
    /// On a platform project: `all` (the default), `NAME[,NAME…]` (folders under
    /// accounts/), or `changed[:GIT_REF]`: the accounts whose folder, or a template they
    /// use, changed since the merge base with GIT_REF (default origin/main).
    #[arg(long, value_name = "all|NAME,…|changed[:REF]")]
    pub accounts: Option<crate::platform::Selection>,
    /// Only this shard of the selected accounts, K of N (1 ≤ K ≤ N), for CI matrix jobs:
    /// every account is in exactly one shard, and stays there when accounts are added.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::platform::Shard>,
    /// Accounts planned or applied at once (default `[platform.run] account_parallelism`,
    /// else 4), on top of each account's own `--parallelism`.
    #[arg(long, value_name = "N", value_parser = parse_parallelism)]
    pub account_parallelism: Option<usize>,
}

impl AccountOptions {
    /// Whether any platform flag was given.
    pub fn given(&self) -> bool {
        self.accounts.is_some() || self.shard.is_some() || self.account_parallelism.is_some()
    }
}

impl RunOptions {
    /// The flags as plain values: `config::RunSettings::from_env` adds the operator's
    /// environment (the CLI knows nothing of it).
    pub fn flags(&self) -> crate::config::RunFlags {
        crate::config::RunFlags {
            parallelism: self.parallelism,
            lock_timeout: self.lock_timeout,
            endpoint: self.endpoint.clone(),
            sandbox: self.sandbox,
            state: self.state.clone(),
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

/// Parses `--parallelism`: bounded exactly as `[limits] parallelism` in cardform.toml.
pub fn parse_parallelism(s: &str) -> Result<usize, String> {
    let max = crate::config::MAX_PARALLELISM;
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{s}` is not a number of requests in flight: give 1 to {max}, as `[limits] parallelism` in cardform.toml"
        )),
    }
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
    fn parallelism_is_bounded_as_in_the_project_file() {
        assert_eq!(parse_parallelism("1"), Ok(1));
        assert_eq!(parse_parallelism("256"), Ok(256));
        for bad in ["0", "257", "2305843009213693952", "-1", "x"] {
            assert!(parse_parallelism(bad).is_err(), "{bad}");
        }
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
