//! `state …` and `force-unlock`: inspecting and editing the state.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::*;

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
