//! `status`, `coins`, `qrcode`, `stats`: the cards out in the world.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::*;

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
    pub accounts: AccountOptions,
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
    pub accounts: AccountOptions,
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
    pub accounts: AccountOptions,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Subcommand)]
pub enum CoinsAction {
    /// Open the 券点 account (card/pay/activate; WeChat grants 200 free points once).
    Activate {
        #[command(flatten)]
        accounts: AccountOptions,
    },
    /// Open a WeChat Pay order for N points (1 点 = ¥1): prints its QR code URL and saves
    /// its image. Pays nothing: someone must scan and pay it.
    #[command(mut_arg("accounts", |a| a.help(
        "On a platform project, required: `all`, `NAME[,NAME…]` or `changed[:GIT_REF]`: \
         one order per selected account (more than one needs --yes or a 'yes' at a terminal)"
    )))]
    Recharge {
        /// Points to buy.
        #[arg(value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        coin_count: u64,
        /// Where to save the QR image (default: recharge-ORDER_ID.png in the current folder).
        #[arg(long, value_name = "FILE", conflicts_with = "out_dir")]
        out: Option<PathBuf>,
        /// The folder the QR image goes into (default: the current folder): one
        /// recharge-ORDER_ID.png, or across accounts one recharge-ACCOUNT-ORDER_ID.png per
        /// account.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Across accounts: open the orders of more than one account without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        accounts: AccountOptions,
    },
    /// One order (card/pay/getorder).
    #[command(mut_arg("accounts", |a| a.help(
        "On a platform project: the order's account, exactly one (NAME)"
    )))]
    Order {
        order_id: String,
        #[command(flatten)]
        accounts: AccountOptions,
    },
}

impl CoinsArgs {
    /// The platform flags of the command line: the action's (`coins activate --accounts
    /// …`), else the balance's (`coins --accounts …`).
    pub fn account_options(&self) -> &AccountOptions {
        match &self.action {
            Some(CoinsAction::Activate { accounts })
            | Some(CoinsAction::Recharge { accounts, .. })
            | Some(CoinsAction::Order { accounts, .. }) => accounts,
            None => &self.accounts,
        }
    }
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
