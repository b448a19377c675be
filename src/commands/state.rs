//! `cardform state list|show|rm|mv`: inspect and edit the state. Every edit takes the
//! lock and first writes a timestamped backup of the whole state.

use crate::i18n::tr;
use crate::visible::visible_line;
use std::path::{Path, PathBuf};

use super::error::CommandError;
use crate::cli::{
    Format, StateAddrArgs, StateCommand, StateDirArgs, StateMvArgs, StatePullArgs, StatePushArgs,
    StateRestoreArgs, StateRestoreBackupArgs,
};
use crate::config::trust::{self, OperatorSettings, Origin};
use crate::exit::Outcome;
use crate::session::ADOPT_LINEAGE;
use crate::state::{self, LocalBackend, LockInfo, StateBackend, StateFile, StateSession};
use crate::state_owner::{self, RunIdentity};

pub fn run(cmd: &StateCommand) -> miette::Result<Outcome> {
    match cmd {
        StateCommand::List(a) => list(a),
        StateCommand::Show(a) => show(a),
        StateCommand::Rm(a) => rm(a),
        StateCommand::Mv(a) => mv(a),
        StateCommand::Push(a) => push(a),
        StateCommand::Pull(a) => pull(a),
        StateCommand::Resolve(a) => super::resolve::run(a),
        StateCommand::RestoreBackup(a) => restore_backup(a),
        StateCommand::AdoptLineage(a) => adopt_lineage(a),
    }
}

/// `state adopt-lineage`: the state was moved here on purpose; record this project as
/// its owner so runs stop refusing it (`state_owner`).
fn adopt_lineage(a: &StateRestoreArgs) -> miette::Result<Outcome> {
    let config = super::project::load_config(&a.dir)?;
    let ours = RunIdentity::of(&config);
    edit(&a.dir, ADOPT_LINEAGE, a.lock_timeout, |st, location| {
        let before = st
            .owner
            .as_ref()
            .map(|o| describe_owner(&o.account, o.project.as_deref()))
            .unwrap_or_else(|| tr!("state-no-owner"));
        let owner = state_owner::stamp(st.owner.as_ref(), &ours);
        let after = describe_owner(&owner.account, owner.project.as_deref());
        let hint = match (&config.project_id, &owner.project) {
            (None, Some(id)) => format!("\n{}", tr!("state-add-project-id", id = id)),
            _ => String::new(),
        };
        st.owner = Some(owner);
        Ok(format!(
            "{}{hint}",
            tr!(
                "state-adopted-lineage",
                location = location,
                after = after,
                before = before
            )
        ))
    })
}

fn describe_owner(account: &str, project: Option<&str>) -> String {
    match project {
        Some(p) => tr!("state-owner-project", account = account, project = p),
        None => tr!("state-owner-account", account = account),
    }
}

/// `cardform state restore-backup [DIR]`: the local state's `.backup` becomes the
/// state again; a state it replaces is copied aside first.
fn restore_backup(args: &StateRestoreBackupArgs) -> miette::Result<Outcome> {
    let a = &args.common;
    let setting = state_setting(&a.dir)?;
    let Some(path) = state::local_state_path(&a.dir, setting.as_deref()) else {
        return Err(StateCmdError::NoLocalBackup(a.dir.clone()).into());
    };
    let backend = LocalBackend::new(path);
    let _lock = backend
        .lock(
            LockInfo::for_current_process("state restore-backup"),
            a.lock_timeout,
        )
        .map_err(CommandError::from)?;
    // The backup is the snapshot before the last change; after the first apply that
    // is a state without cards, and restoring it would create every card again.
    let backup_cards = std::fs::read(backend.backup_path())
        .ok()
        .and_then(|bytes| state::codec::decode_snapshot(&bytes, "backup", None).ok())
        .map(|s| s.resources.len());
    if backup_cards == Some(0) && !args.allow_empty {
        return Err(StateCmdError::EmptyBackup(backend.backup_path()).into());
    }
    let r = backend.restore_backup().map_err(CommandError::from)?;
    if let Some(copy) = &r.replaced_copy {
        println!("{}", tr!("state-kept-copy", path = copy.display()));
    }
    println!(
        "{}",
        tr!(
            "state-restored",
            path = backend.path().display(),
            backup = backend.backup_path().display(),
            serial = r.serial,
            count = r.resources
        )
    );
    if r.journal_kept {
        println!("{}", tr!("state-restored-journal"));
    }
    println!("{}", tr!("state-restored-next"));
    Ok(Outcome::Success)
}

/// The `state` setting of `DIR/cardform.toml` (only that key is read here).
///
/// # Errors
/// A missing or unreadable cardform.toml, or a `state` that is not a string.
pub fn state_setting(dir: &Path) -> miette::Result<Option<String>> {
    let path = dir.join("cardform.toml");
    let text = std::fs::read_to_string(&path).map_err(|source| StateCmdError::NoProject {
        path: path.clone(),
        source,
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|source| StateCmdError::BadToml {
        path: path.clone(),
        source,
    })?;
    match table.get("state") {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(StateCmdError::StateNotString {
            path,
            found: other.type_str(),
        }
        .into()),
    }
}

/// The backend for the project in `dir`: `CARDFORM_STATE` when the operator sets it,
/// else cardform.toml's `state`, which may name a PostgreSQL server only on loopback
/// (`config::trust`).
///
/// # Errors
/// As [`state_setting`], [`trust::check_state`] and [`state::open_backend`].
pub fn project_backend(dir: &Path) -> miette::Result<Box<dyn StateBackend>> {
    let (setting, origin) = match OperatorSettings::from_env().state {
        Some((url, from)) => (Some(url), Origin::Operator(from)),
        None => (state_setting(dir)?, trust::locate(dir, &["state"])),
    };
    trust::check_state(setting.as_deref(), &origin).map_err(CommandError::from)?;
    Ok(state::open_backend(dir, setting.as_deref()).map_err(CommandError::from)?)
}

pub(crate) fn load_existing(dir: &Path) -> miette::Result<(StateFile, String)> {
    let backend = project_backend(dir)?;
    match backend.load().map_err(CommandError::from)? {
        Some(loaded) => {
            for n in &loaded.notices {
                eprintln!("{}", tr!("state-note", note = n));
            }
            Ok((loaded.state, backend.describe()))
        }
        None => Err(StateCmdError::NoStateYet(backend.describe()).into()),
    }
}

fn list(a: &StateDirArgs) -> miette::Result<Outcome> {
    let (st, _) = load_existing(&a.dir)?;
    match a.format {
        Format::Json => {
            let resources: Vec<_> = st
                .resources
                .iter()
                .map(|(addr, r)| {
                    serde_json::json!({
                        "address": addr, "card_id": r.card_id, "card_type": r.card_type,
                        "status": r.status, "updated_at": r.updated_at,
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "format_version": "1",
                "lineage": st.lineage, "serial": st.serial,
                "resources": resources, "pending": st.pending,
            });
            print_json(&doc)?;
        }
        Format::Text | Format::Markdown => {
            // The state is a file (perhaps committed, docs/security.md): its texts reach
            // the terminal with control and bidi characters shown as escapes.
            for (addr, r) in &st.resources {
                println!(
                    "{}\t{}\t{}\t{}",
                    visible_line(addr),
                    visible_line(&r.card_id),
                    visible_line(&r.card_type),
                    visible_line(r.status.as_deref().unwrap_or("-"))
                );
            }
            for p in &st.pending {
                eprintln!(
                    "{}",
                    tr!(
                        "state-list-pending",
                        op = p.op.as_str(),
                        address = visible_line(&p.address).to_string(),
                        started = fmt_time(p.started_at)
                    )
                );
            }
        }
    }
    Ok(Outcome::Success)
}

fn show(a: &StateAddrArgs) -> miette::Result<Outcome> {
    let (st, location) = load_existing(&a.dir)?;
    let r = st
        .resources
        .get(&a.address)
        .ok_or_else(|| unknown_address(&st, &a.address, &location))?;
    match a.format {
        Format::Json => {
            let doc = serde_json::json!({
                "format_version": "1", "address": a.address, "resource": r,
            });
            print_json(&doc)?;
        }
        Format::Text | Format::Markdown => {
            println!("address:          {}", visible_line(&a.address));
            println!("card_id:          {}", visible_line(&r.card_id));
            println!("card_type:        {}", visible_line(&r.card_type));
            println!(
                "status:           {}",
                visible_line(r.status.as_deref().unwrap_or("-"))
            );
            println!("applied_hash:     {}", r.applied_hash);
            println!(
                "live_fingerprint: {}",
                r.live_fingerprint.as_deref().unwrap_or("-")
            );
            println!("updated_at:       {}", fmt_time(r.updated_at));
            println!("applied:");
            let pretty = serde_json::to_string_pretty(&r.applied).map_err(StateCmdError::Json)?;
            for line in pretty.lines() {
                println!("  {}", visible_line(line));
            }
        }
    }
    Ok(Outcome::Success)
}

fn rm(a: &StateAddrArgs) -> miette::Result<Outcome> {
    edit(&a.dir, "state rm", a.lock_timeout, |st, location| {
        let r = st
            .resources
            .get(&a.address)
            .ok_or_else(|| unknown_address(st, &a.address, location))?;
        refuse_pending(st, &a.address)?;
        let msg = tr!("state-removed", address = a.address, card_id = r.card_id);
        st.resources.remove(&a.address);
        Ok(msg)
    })
}

fn mv(a: &StateMvArgs) -> miette::Result<Outcome> {
    edit(&a.dir, "state mv", a.lock_timeout, |st, location| {
        if !crate::config::is_valid_address(&a.destination) {
            return Err(CommandError::BadAddress(a.destination.clone()).into());
        }
        if !st.resources.contains_key(&a.source) {
            return Err(unknown_address(st, &a.source, location));
        }
        if st.resources.contains_key(&a.destination) {
            return Err(StateCmdError::Taken(a.destination.clone()).into());
        }
        refuse_pending(st, &a.source)?;
        refuse_pending(st, &a.destination)?;
        if let Some(r) = st.resources.remove(&a.source) {
            st.resources.insert(a.destination.clone(), r);
        }
        Ok(tr!(
            "state-moved",
            source = a.source,
            destination = a.destination
        ))
    })
}

fn push(a: &StatePushArgs) -> miette::Result<Outcome> {
    let source = LocalBackend::new(&a.file);
    let st = load_source(&source)?;
    let dest = project_backend(&a.dir)?;
    let n = st.resources.len();
    let c = copy_state(st, dest.as_ref(), "state push", a.lock_timeout)?;
    println!(
        "{}",
        tr!(
            "state-pushed",
            file = a.file.display(),
            count = n,
            dest = dest.describe(),
            serial = c.serial,
            unchanged = unchanged_words(c.content_changed)
        )
    );
    Ok(Outcome::Success)
}

fn pull(a: &StatePullArgs) -> miette::Result<Outcome> {
    // A copy of the state, never over one of the project's own files nor over a file
    // that is not a state; the copy is a local state (its lock and journal beside it).
    let out_file = match &a.out {
        Some(out) => {
            let setting = state_setting(&a.dir)?;
            let policy = super::project::write_policy_with_state(&a.dir, setting.as_deref());
            let file = policy
                .check(out, crate::write_policy::OutputKind::StateCopy)
                .map_err(CommandError::from)?;
            // The copy is a local state: its backup, journal and lock files land beside
            // it, so each of them must be a path the copy may own too.
            let copy = LocalBackend::new(file.resolved());
            for side in [
                copy.backup_path(),
                copy.journal_path(),
                copy.lock_path(),
                copy.lock_info_path(),
            ] {
                policy
                    .check(&side, crate::write_policy::OutputKind::StateSidecar)
                    .map_err(CommandError::from)?;
            }
            Some(file)
        }
        None => None,
    };
    let source = project_backend(&a.dir)?;
    let st = load_source(source.as_ref())?;
    match &out_file {
        Some(file) => {
            let out = file.path();
            let dest = LocalBackend::new(file.resolved());
            let n = st.resources.len();
            let c = copy_state(st, &dest, "state pull", None)?;
            println!(
                "{}",
                tr!(
                    "state-pulled",
                    source = source.describe(),
                    count = n,
                    file = out.display(),
                    serial = c.serial,
                    unchanged = unchanged_words(c.content_changed)
                )
            );
        }
        None => {
            let encoded =
                state::codec::encode_snapshot(&st, "stdout").map_err(CommandError::from)?;
            let doc = encoded.to_document(&st.lineage, st.serial, st.journal_seq);
            use std::io::Write;
            std::io::stdout()
                .write_all(&doc)
                .map_err(StateCmdError::Stdout)?;
        }
    }
    Ok(Outcome::Success)
}

fn load_source(b: &dyn StateBackend) -> miette::Result<StateFile> {
    match b.load().map_err(CommandError::from)? {
        Some(loaded) => {
            for n in &loaded.notices {
                eprintln!("{}", tr!("state-note", note = n));
            }
            Ok(loaded.state)
        }
        None => Err(StateCmdError::NoState(b.describe()).into()),
    }
}

/// Writes `st` into `dest` under its lock, refusing another lineage, a newer state,
/// or a destination with unresolved operations (they would be lost).
fn copy_state(
    mut st: StateFile,
    dest: &dyn StateBackend,
    operation: &str,
    lock_timeout: Option<std::time::Duration>,
) -> miette::Result<state::Committed> {
    let _lock = dest
        .lock(LockInfo::for_current_process(operation), lock_timeout)
        .map_err(CommandError::from)?;
    let existing = dest.load().map_err(CommandError::from)?;
    st.journal_seq = match &existing {
        Some(d) => {
            if !d.state.pending.is_empty() {
                return Err(StateCmdError::DestinationPending {
                    dest: dest.describe(),
                    pending: d.state.pending.len(),
                }
                .into());
            }
            d.state.journal_seq
        }
        None => 0,
    };
    Ok(dest.commit(&st, None).map_err(CommandError::from)?)
}

/// Locks, loads, backs up, edits, commits.
fn edit(
    dir: &Path,
    operation: &str,
    lock_timeout: Option<std::time::Duration>,
    f: impl FnOnce(&mut StateFile, &str) -> miette::Result<String>,
) -> miette::Result<Outcome> {
    let backend = project_backend(dir)?;
    let location = backend.describe();
    let (session, notices) = StateSession::open_to_repair(backend, operation, lock_timeout)
        .map_err(CommandError::from)?;
    for n in &notices {
        eprintln!("{}", tr!("state-note", note = n));
    }
    let current = session.snapshot();
    if current.serial == 0 && current.resources.is_empty() {
        return Err(StateCmdError::NoStateYet(location).into());
    }
    let backup = write_edit_backup(dir, &current)?;
    let mut edited = current;
    let message = f(&mut edited, &location)?;
    session.edit(|st| *st = edited);
    let c = session.commit().map_err(CommandError::from)?;
    println!("{message}");
    println!(
        "{}",
        tr!(
            "state-saved-backup",
            serial = c.serial,
            backup = backup.display()
        )
    );
    Ok(Outcome::Success)
}

/// Writes the whole loaded state (journal included) to
/// `DIR/state/cardform.state.<UTC time>.backup.json` before an edit.
fn write_edit_backup(dir: &Path, st: &StateFile) -> miette::Result<PathBuf> {
    let folder = dir.join("state");
    std::fs::create_dir_all(&folder).map_err(|source| CommandError::Write {
        path: folder.clone(),
        source,
    })?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let path = folder.join(format!("cardform.state.{stamp}.backup.json"));
    let encoded = state::codec::encode_snapshot(st, &path.display().to_string())
        .map_err(CommandError::from)?;
    let doc = encoded.to_document(&st.lineage, st.serial, st.journal_seq);
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        f.write_all(&doc)?;
        f.sync_all()
    };
    write().map_err(|source| StateCmdError::Backup {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

fn refuse_pending(st: &StateFile, address: &str) -> miette::Result<()> {
    match st.pending.iter().find(|p| p.address == address) {
        Some(p) => Err(StateCmdError::Pending {
            address: address.to_string(),
            op: p.op.as_str().to_string(),
            started: fmt_time(p.started_at),
        }
        .into()),
        None => Ok(()),
    }
}

fn unknown_address(st: &StateFile, address: &str, location: &str) -> miette::Report {
    let closest = st
        .resources
        .keys()
        .map(|k| (strsim::jaro_winkler(k, address), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| tr!("state-did-you-mean", address = k))
        .unwrap_or_default();
    StateCmdError::Unknown {
        address: address.to_string(),
        location: location.to_string(),
        closest,
    }
    .into()
}

/// ", unchanged" after a copy that changed nothing, else nothing.
fn unchanged_words(changed: bool) -> String {
    if changed {
        String::new()
    } else {
        tr!("state-unchanged")
    }
}

fn fmt_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}

fn print_json(v: &serde_json::Value) -> miette::Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(v).map_err(StateCmdError::Json)?
    );
    Ok(())
}

/// Why a `state` command did not do what it was asked; each says what to do.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum StateCmdError {
    #[error("{}", tr!("err-statecmd-no-local-backup", dir = .0.display()))]
    #[diagnostic(
        code(cardform::state::no_local_backup),
        help("{}", tr!("err-statecmd-no-local-backup-help"))
    )]
    NoLocalBackup(PathBuf),
    #[error("{}", tr!("err-statecmd-empty-backup", path = .0.display()))]
    #[diagnostic(
        code(cardform::state::empty_backup),
        help("{}", tr!("err-statecmd-empty-backup-help"))
    )]
    EmptyBackup(PathBuf),
    #[error("{}", tr!("err-statecmd-no-project", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::state::no_project))]
    NoProject {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-statecmd-bad-toml", path = .path.display(), error = .source.to_string()))]
    #[diagnostic(code(cardform::state::bad_toml))]
    BadToml {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{}", tr!("err-statecmd-not-string", path = .path.display(), found = .found))]
    #[diagnostic(code(cardform::state::not_a_string))]
    StateNotString { path: PathBuf, found: &'static str },
    #[error("{}", tr!("err-statecmd-none-yet", location = .0))]
    #[diagnostic(code(cardform::state::none_yet))]
    NoStateYet(String),
    #[error("{}", tr!("err-statecmd-none", location = .0))]
    #[diagnostic(code(cardform::state::none))]
    NoState(String),
    #[error("{0}")]
    #[diagnostic(code(cardform::state::json))]
    Json(serde_json::Error),
    #[error("{}", tr!("err-statecmd-taken", address = .0))]
    #[diagnostic(code(cardform::state::taken))]
    Taken(String),
    #[error("{}", tr!("err-stdout", error = crate::state::io_words(.0)))]
    #[diagnostic(code(cardform::state::stdout))]
    Stdout(std::io::Error),
    #[error("{}", tr!("err-statecmd-destination-pending", dest = .dest, count = .pending))]
    #[diagnostic(code(cardform::state::destination_pending))]
    DestinationPending { dest: String, pending: usize },
    #[error("{}", tr!("err-statecmd-backup", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::state::backup))]
    Backup {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-statecmd-pending", address = .address, op = .op, started = .started))]
    #[diagnostic(code(cardform::state::pending))]
    Pending {
        address: String,
        op: String,
        started: String,
    },
    #[error("{}", tr!("err-statecmd-unknown", address = .address, location = .location, closest = .closest))]
    #[diagnostic(code(cardform::state::unknown_address))]
    Unknown {
        address: String,
        location: String,
        closest: String,
    },
}
