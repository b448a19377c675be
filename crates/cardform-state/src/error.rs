//! Everything that can go wrong with the state, each saying where, what, and what to do.

use std::path::PathBuf;

use super::lock::LockInfo;

/// Each variant carries a stable `code` (`cardform::state::…`); those whose message
/// does not already say what to do carry a `help`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StateError {
    #[diagnostic(
        code(cardform::state::io),
        help(
            "check that the folder exists and this user may read and write it; the state was left as it was"
        )
    )]
    #[error("state: cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[diagnostic(code(cardform::state::corrupt))]
    #[error(
        "state: {location} cannot be read: {detail}.\n  It was left untouched; cardform will not overwrite it.{}",
        backup_hint(backup)
    )]
    Corrupt {
        location: String,
        detail: String,
        backup: Option<PathBuf>,
    },

    #[diagnostic(code(cardform::state::unsupported_version))]
    #[error(
        "state: {location} has format version {found}; this cardform reads version {supported}. Use the cardform release that wrote it (the file was left untouched)."
    )]
    UnsupportedVersion {
        location: String,
        found: u32,
        supported: u32,
    },

    #[diagnostic(code(cardform::state::lineage_mismatch))]
    #[error(
        "state: {location} belongs to another state (lineage {theirs}, ours {ours}); refusing to overwrite it. If you meant to replace it, move it away first."
    )]
    LineageMismatch {
        location: String,
        ours: uuid::Uuid,
        theirs: uuid::Uuid,
    },

    #[diagnostic(code(cardform::state::stale_serial))]
    #[error(
        "state: {location} was written by another run since it was read (serial {found}, expected {expected}); refusing to overwrite it. Run the command again to start from the newer state."
    )]
    StaleSerial {
        location: String,
        expected: u64,
        found: u64,
    },

    #[diagnostic(
        code(cardform::state::newer_serial),
        help(
            "pull the newer state first (`cardform state pull`), or push a state that starts from it"
        )
    )]
    #[error(
        "state: {location} has serial {found}, newer than the state being written (serial {ours}); refusing to overwrite it."
    )]
    NewerSerial {
        location: String,
        ours: u64,
        found: u64,
    },

    #[diagnostic(code(cardform::state::locked))]
    #[error(
        "state: {location} is locked by {holder}{}.\n  If that run was killed and the lock is stuck, run `cardform force-unlock {}` (make sure it is not running first).",
        waited_hint(waited),
        holder.id
    )]
    Locked {
        location: String,
        holder: Box<LockInfo>,
        waited: Option<std::time::Duration>,
    },

    #[diagnostic(code(cardform::state::locked))]
    #[error(
        "state: {location} is locked by another process that left no holder information{}. Try again later.",
        waited_hint(waited)
    )]
    LockedUnknown {
        location: String,
        waited: Option<std::time::Duration>,
    },

    #[diagnostic(code(cardform::state::not_locked))]
    #[error("state: {location} is not locked (no lock {given} to release)")]
    NotLocked { location: String, given: String },

    #[diagnostic(
        code(cardform::state::lock_id_mismatch),
        help("quote the lock id the holder shows, and only once that run has stopped")
    )]
    #[error(
        "state: lock id {given} does not match the lock on {location}, held by {holder}; nothing was released"
    )]
    LockIdMismatch {
        location: String,
        given: String,
        holder: Box<LockInfo>,
    },

    #[diagnostic(code(cardform::state::holder_alive))]
    #[error(
        "state: the lock on {location} is still held by a running process: {holder}. Stop that run (or wait for it) instead of forcing the lock."
    )]
    HolderAlive {
        location: String,
        holder: Box<LockInfo>,
    },

    #[diagnostic(code(cardform::state::journal_without_state))]
    #[error(
        "state: {location} has a journal but no state snapshot. The snapshot was removed or moved; put it back, or run `cardform state restore-backup` to make its previous version (the `.backup` beside it) the state, before running again."
    )]
    JournalWithoutState { location: String },

    #[diagnostic(code(cardform::state::missing_with_backup))]
    #[error(
        "state: {location} does not exist, but its backup {} does ({backup_detail}). The state was deleted or moved; cardform will not start a new, empty state beside the backup: that would create every card again and lose the only record of their card_ids.\n  Run `cardform state restore-backup` in the project folder to make the backup the state again (or put the state file back). If you really mean to start over with no managed cards, move the backup away first.",
        backup.display()
    )]
    MissingWithBackup {
        location: String,
        backup: PathBuf,
        /// "serial 3, 2 card(s)", or why it cannot be read.
        backup_detail: String,
    },

    #[diagnostic(code(cardform::state::older_than_backup))]
    #[error(
        "state: {location} (serial {serial}) is older than its backup {} (serial {backup_serial}): an older copy of the state was put in its place, and planning from it would delete, duplicate or orphan cards.\n  Run `cardform state restore-backup` in the project folder to make the backup the state again (the current file is kept as a copy). If this older state really is the one to use, move the backup away first.",
        backup.display()
    )]
    OlderThanBackup {
        location: String,
        serial: u64,
        backup: PathBuf,
        backup_serial: u64,
    },

    #[diagnostic(
        code(cardform::state::invariant),
        help(
            "`cardform state list` and `cardform state show ADDRESS` show the entries; nothing was planned or changed"
        )
    )]
    #[error(
        "state: {location} breaks {} rule(s) of a state, and a run from it could delete or duplicate live cards; it was refused and left untouched:{}\n  If the state was edited by hand, restoring the version before the edit also works.",
        violations.len(),
        violations.iter().map(|v| format!("\n  - {v}")).collect::<String>()
    )]
    Invariant {
        location: String,
        violations: Vec<super::invariants::Violation>,
    },

    #[diagnostic(code(cardform::state::usage))]
    #[error("state: {0}")]
    Usage(String),

    #[diagnostic(code(cardform::state::encode))]
    #[error("state: cannot write {location}: {detail}")]
    Encode { location: String, detail: String },

    #[diagnostic(
        code(cardform::state::backend),
        help(
            "the state was not changed; check the database URL, its sslmode/sslrootcert, PGUSER/PGPASSWORD, and that the server is reachable"
        )
    )]
    #[error("state backend {location}: {detail}")]
    Backend { location: String, detail: String },
}

fn backup_hint(backup: &Option<PathBuf>) -> String {
    match backup {
        Some(p) => format!(
            " The previous version is in {}: inspect it and copy it back over the broken file if it is right.",
            p.display()
        ),
        None => " No backup exists; repair the file by hand or restore it from elsewhere.".into(),
    }
}

fn waited_hint(waited: &Option<std::time::Duration>) -> String {
    match waited {
        Some(d) if !d.is_zero() => format!(" (waited {:.1?})", d),
        _ => " (use --lock-timeout to wait for it)".into(),
    }
}

impl StateError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        StateError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
