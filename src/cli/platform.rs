//! `cardform accounts list | import`: a third-party platform's authorizers.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::*;

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Each authorizer of the platform (api_get_authorizer_list): managed by a folder or
    /// not, card permission set or not, when it was authorised.
    List(AccountsListArgs),
    /// Write accounts/<name>/account.toml for each authorizer with the card permission
    /// set that no folder manages yet (never overwrites a folder).
    Import(AccountsImportArgs),
}

#[derive(Debug, Args)]
pub struct AccountsListArgs {
    /// The platform folder (its cardform.toml has [platform]).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct AccountsImportArgs {
    /// The platform folder (its cardform.toml has [platform]).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Also write `[templates.NAME]` into each new account file (repeatable): the new
    /// accounts get the template's cards (its variables without a default must then be
    /// filled in).
    #[arg(long = "template", value_name = "NAME")]
    pub templates: Vec<String>,
    /// Say which folders would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub run: RunOptions,
}
