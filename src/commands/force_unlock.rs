//! `cardform force-unlock LOCK_ID`: release a lock whose holder is gone.

use super::error::CommandError;
use crate::cli::ForceUnlockArgs;
use crate::exit::Outcome;
use crate::i18n::tr;

pub fn run(a: &ForceUnlockArgs) -> miette::Result<Outcome> {
    let backend = super::state::project_backend(&a.dir)?;
    let holder = backend
        .force_unlock(&a.lock_id)
        .map_err(CommandError::from)?;
    println!(
        "{}",
        tr!(
            "state-force-unlocked",
            location = backend.describe(),
            holder = holder.to_string()
        )
    );
    Ok(Outcome::Success)
}
