//! Everything that can go wrong with the state, each saying where, what, and what to do.

use std::path::PathBuf;

use super::lock::LockInfo;
use cardform_i18n::tr;

/// Each variant carries a stable `code` (`cardform::state::…`); those whose message
/// does not already say what to do carry a `help`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StateError {
    #[diagnostic(
        code(cardform::state::io),
        help("{}", tr!("err-state-io-help"))
    )]
    #[error("{}", tr!("err-state-io", action = action_words(action), path = .path.display(), error = io_words(source)))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[diagnostic(code(cardform::state::corrupt))]
    #[error(
        "{}\n  {}{}",
        tr!("err-state-corrupt", location = .location, detail = .detail),
        tr!("err-state-corrupt-untouched"),
        backup_hint(backup)
    )]
    Corrupt {
        location: String,
        detail: String,
        backup: Option<PathBuf>,
    },

    #[diagnostic(code(cardform::state::unsupported_version))]
    #[error("{}", tr!("err-state-version", location = .location, found = .found, supported = .supported))]
    UnsupportedVersion {
        location: String,
        found: u32,
        supported: u32,
    },

    #[diagnostic(code(cardform::state::lineage_mismatch))]
    #[error("{}", tr!("err-state-lineage", location = .location, theirs = .theirs.to_string(), ours = .ours.to_string()))]
    LineageMismatch {
        location: String,
        ours: uuid::Uuid,
        theirs: uuid::Uuid,
    },

    #[diagnostic(code(cardform::state::stale_serial))]
    #[error("{}", tr!("err-state-stale-serial", location = .location, found = .found, expected = .expected))]
    StaleSerial {
        location: String,
        expected: u64,
        found: u64,
    },

    #[diagnostic(
        code(cardform::state::newer_serial),
        help("{}", tr!("err-state-newer-serial-help"))

    )]
    #[error("{}", tr!("err-state-newer-serial", location = .location, found = .found, ours = .ours))]
    NewerSerial {
        location: String,
        ours: u64,
        found: u64,
    },

    #[diagnostic(code(cardform::state::locked))]
    #[error(
        "{}\n  {}",
        tr!("err-state-locked", location = .location, holder = .holder.to_string(), waited = waited_hint(waited)),
        tr!("err-state-locked-stuck", id = .holder.id)
    )]
    Locked {
        location: String,
        holder: Box<LockInfo>,
        waited: Option<std::time::Duration>,
    },

    #[diagnostic(code(cardform::state::locked))]
    #[error("{}", tr!("err-state-locked-unknown", location = .location, waited = waited_hint(waited)))]
    LockedUnknown {
        location: String,
        waited: Option<std::time::Duration>,
    },

    #[diagnostic(code(cardform::state::not_locked))]
    #[error("{}", tr!("err-state-not-locked", location = .location, given = .given))]
    NotLocked { location: String, given: String },

    #[diagnostic(
        code(cardform::state::lock_id_mismatch),
        help("{}", tr!("err-state-lock-id-mismatch-help"))
    )]
    #[error("{}", tr!("err-state-lock-id-mismatch", given = .given, location = .location, holder = .holder.to_string()))]
    LockIdMismatch {
        location: String,
        given: String,
        holder: Box<LockInfo>,
    },

    #[diagnostic(code(cardform::state::holder_alive))]
    #[error("{}", tr!("err-state-holder-alive", location = .location, holder = .holder.to_string()))]
    HolderAlive {
        location: String,
        holder: Box<LockInfo>,
    },

    #[diagnostic(code(cardform::state::journal_without_state))]
    #[error("{}", tr!("err-state-journal-without-state", location = .location))]
    JournalWithoutState { location: String },

    #[diagnostic(code(cardform::state::missing_with_backup))]
    #[error(
        "{}\n  {}",
        tr!("err-state-missing-with-backup", location = .location, backup = .backup.display(), detail = .backup_detail),
        tr!("err-state-missing-with-backup-todo")
    )]
    MissingWithBackup {
        location: String,
        backup: PathBuf,
        /// "serial 3, 2 card(s)", or why it cannot be read.
        backup_detail: String,
    },

    #[diagnostic(code(cardform::state::older_than_backup))]
    #[error(
        "{}\n  {}",
        tr!("err-state-older-than-backup", location = .location, serial = .serial, backup = .backup.display(), backup_serial = .backup_serial),
        tr!("err-state-older-than-backup-todo")
    )]
    OlderThanBackup {
        location: String,
        serial: u64,
        backup: PathBuf,
        backup_serial: u64,
    },

    #[diagnostic(
        code(cardform::state::invariant),
        help("{}", tr!("err-state-invariant-help"))
    )]
    #[error(
        "{}{}\n  {}",
        tr!("err-state-invariant", location = .location, count = .violations.len()),
        violations.iter().map(|v| format!("\n  - {v}")).collect::<String>(),
        tr!("err-state-invariant-hand-edit")
    )]
    Invariant {
        location: String,
        violations: Vec<super::invariants::Violation>,
    },

    #[diagnostic(code(cardform::state::usage))]
    #[error("{}", tr!("err-state-usage", message = .0))]
    Usage(String),

    #[diagnostic(code(cardform::state::encode))]
    #[error("{}", tr!("err-state-encode", location = .location, detail = .detail))]
    Encode { location: String, detail: String },

    #[diagnostic(
        code(cardform::state::backend),
        help("{}", tr!("err-state-backend-help"))
    )]
    #[error("{}", tr!("err-state-backend", location = .location, detail = .detail))]
    Backend { location: String, detail: String },
}

/// An I/O error as the process language says it: English is the system's own text
/// (unchanged); another language says the common kinds in its words, with the OS
/// error number, and the rest as the system wrote them.
pub fn io_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if cardform_i18n::lang() == cardform_i18n::Lang::En {
        return error.to_string();
    }
    let id = match error.kind() {
        K::NotFound => "err-io-not-found",
        K::PermissionDenied => "err-io-permission-denied",
        K::AlreadyExists => "err-io-already-exists",
        K::IsADirectory => "err-io-is-a-directory",
        K::NotADirectory => "err-io-not-a-directory",
        K::DirectoryNotEmpty => "err-io-directory-not-empty",
        K::ReadOnlyFilesystem => "err-io-read-only",
        K::StorageFull => "err-io-storage-full",
        K::AddrInUse => "err-io-addr-in-use",
        K::ConnectionRefused => "err-io-connection-refused",
        K::TimedOut => "err-io-timed-out",
        K::BrokenPipe => "err-io-broken-pipe",
        _ => return error.to_string(),
    };
    match error.raw_os_error() {
        Some(code) => tr!("err-io-with-code", error = tr!(id), code = code),
        None => tr!(id),
    }
}

/// The verb of an I/O failure ("read", "fsync folder"…) in the process language.
fn action_words(action: &str) -> String {
    let id = match action {
        "append to" => "err-state-act-append",
        "copy to backup" => "err-state-act-copy-backup",
        "create folder" => "err-state-act-create-folder",
        "create" => "err-state-act-create",
        "cut the torn tail of" => "err-state-act-cut-tail",
        "fsync folder" => "err-state-act-fsync-folder",
        "fsync" => "err-state-act-fsync",
        "lock" => "err-state-act-lock",
        "open folder" => "err-state-act-open-folder",
        "open journal" => "err-state-act-open-journal",
        "open lock file" => "err-state-act-open-lock",
        "open" => "err-state-act-open",
        "read" => "err-state-act-read",
        "remove" => "err-state-act-remove",
        "rename into place" => "err-state-act-rename-into-place",
        "rename" => "err-state-act-rename",
        "reopen" => "err-state-act-reopen",
        "truncate journal" => "err-state-act-truncate-journal",
        "write" => "err-state-act-write",
        other => return other.to_string(),
    };
    tr!(id)
}

fn backup_hint(backup: &Option<PathBuf>) -> String {
    match backup {
        Some(p) => tr!("err-state-corrupt-backup", backup = p.display()),
        None => tr!("err-state-corrupt-no-backup"),
    }
}

fn waited_hint(waited: &Option<std::time::Duration>) -> String {
    match waited {
        Some(d) if !d.is_zero() => tr!("err-state-waited", waited = format!("{:.1?}", d)),
        _ => tr!("err-state-lock-timeout-hint"),
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
