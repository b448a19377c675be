//! `plan`, `apply` and `import`: the commands that plan against WeChat.

use std::path::PathBuf;

use clap::Args;

use super::*;

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
    /// Allow a plan that replaces or deletes a friends coupon holding unclaimed stock
    /// bought with 券点 (WeChat refunds nothing); otherwise exit 3.
    #[arg(long)]
    pub allow_stock_loss: bool,
    /// Take `endpoint`, `[account]`, `state` and `[policy]` from FILE (e.g. the base
    /// branch's cardform.toml); the project's own values are shown as proposed settings
    /// changes, in force only after merge. On a platform, a folder: the base branch's
    /// platform (its cardform.toml and accounts/*/account.toml; docs/platform.md).
    #[arg(long, value_name = "FILE", env = "CARDFORM_TRUSTED_SETTINGS")]
    pub trusted_settings: Option<PathBuf>,
    #[command(flatten)]
    pub accounts: AccountOptions,
    #[command(flatten)]
    pub run: RunOptions,
    #[command(subcommand)]
    pub command: Option<PlanCommand>,
}

/// `cardform plan merge FILE…`.
#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// Join the JSON reports of a platform plan's shards (`plan --accounts … --shard K/N
    /// --out FILE`) into one report; refuses reports of different commits or with an
    /// account in two of them.
    Merge(PlanMergeArgs),
}

#[derive(Debug, Args)]
pub struct PlanMergeArgs {
    /// The shards' JSON reports.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// text, json, markdown (a pull-request comment) or html (a page with an index).
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    pub format: PlanFormat,
    /// Exit 2 when any account's plan has changes.
    #[arg(long)]
    pub detailed_exitcode: bool,
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
    /// Allow a plan that replaces or deletes a friends coupon holding unclaimed stock
    /// bought with 券点 (WeChat refunds nothing); otherwise exit 3.
    #[arg(long)]
    pub allow_stock_loss: bool,
    /// On a platform project: write the run's JSON report to FILE as well.
    #[arg(long, value_name = "FILE")]
    pub report_out: Option<PathBuf>,
    #[command(flatten)]
    pub accounts: AccountOptions,
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
    // On a platform project, with --all: the accounts whose cards are adopted, each
    // into `accounts/<name>/cards/imported.toml` (docs/platform.md).
    #[command(flatten)]
    pub accounts: AccountOptions,
    #[command(flatten)]
    pub run: RunOptions,
}
