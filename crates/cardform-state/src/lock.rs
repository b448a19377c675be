//! The run lock: who holds it, the guard that releases it on drop, and the protocol
//! every backend follows: take the lock and record its holder in one step; wait or
//! refuse naming the holder; force-unlock only the lock whose id is quoted.

use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::error::StateError;

/// Who holds a state lock; written beside the lock so a blocked run can name the holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Random id; `cardform force-unlock ID` must quote it.
    pub id: String,
    /// What the holder is doing (plan, apply, state rm…).
    pub operation: String,
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// Unix seconds when the lock was taken.
    pub since: i64,
    /// The cardform version of the holder.
    pub version: String,
}

impl LockInfo {
    /// Lock info for this process, with a fresh id.
    pub fn for_current_process(operation: &str) -> Self {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            user: current_user(),
            host: current_host(),
            pid: std::process::id(),
            since: chrono::Utc::now().timestamp(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// Whether the holder is a process on this host that no longer exists. `false`
    /// when unknown (another host, or no way to tell on this platform).
    pub fn holder_is_dead(&self) -> bool {
        self.host == current_host() && !pid_alive(self.pid)
    }
}

impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let since = chrono::DateTime::from_timestamp(self.since, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| self.since.to_string());
        f.write_str(&cardform_i18n::tr!(
            "err-state-holder",
            user = self.user,
            host = self.host,
            pid = self.pid.to_string(),
            operation = self.operation,
            since = since,
            id = self.id
        ))
    }
}

/// Something that releases a backend's lock when dropped.
pub trait LockRelease: Send + Sync {}

/// A held run lock; dropping it releases the lock.
pub struct StateLock {
    info: LockInfo,
    /// The holder found in the lock's record when it was taken over from a process
    /// that had died without releasing it (reported to the user).
    replaced_stale: Option<LockInfo>,
    /// The run this one waited for (`--lock-timeout`), and how long.
    waited_for: Option<(LockInfo, Duration)>,
    _guard: Box<dyn LockRelease>,
}

impl StateLock {
    pub(crate) fn new(
        info: LockInfo,
        replaced_stale: Option<LockInfo>,
        guard: Box<dyn LockRelease>,
    ) -> Self {
        StateLock {
            info,
            replaced_stale,
            waited_for: None,
            _guard: guard,
        }
    }

    /// The holder this lock waited for before it was taken, and how long it waited.
    pub fn waited_for(&self) -> Option<(&LockInfo, Duration)> {
        self.waited_for.as_ref().map(|(h, d)| (h, *d))
    }

    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The dead holder whose leftover lock record this lock replaced, if any.
    pub fn replaced_stale(&self) -> Option<&LockInfo> {
        self.replaced_stale.as_ref()
    }
}

impl fmt::Debug for StateLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateLock")
            .field("info", &self.info)
            .finish()
    }
}

/// One attempt at the lock, as a backend makes it: the lock and its holder record are
/// taken together (one transaction, or the file lock held while the record is written),
/// so whoever finds the lock held finds its holder named.
pub(crate) enum Attempt {
    /// Taken. `previous`: a holder record found in place, left by a holder that ended
    /// without releasing (reported to the user).
    Taken {
        previous: Option<LockInfo>,
        guard: Box<dyn LockRelease>,
    },
    /// Held by another run; its record, when one could be read.
    Held(Option<LockInfo>),
}

/// How often a held lock whose holder left no readable record is tried again before
/// the refusal says so (a holder between taking the lock and writing its record).
const UNNAMED_RETRIES: u32 = 10;

/// Takes the lock by calling `attempt` until it is taken, waiting up to `timeout`
/// (`None`: refuse at once) with a growing pause.
///
/// # Errors
/// [`StateError::Locked`] naming the holder, [`StateError::LockedUnknown`] when no
/// record names one; any error of `attempt`.
pub(crate) fn acquire(
    location: &str,
    info: LockInfo,
    timeout: Option<Duration>,
    mut attempt: impl FnMut(&LockInfo) -> Result<Attempt, StateError>,
) -> Result<StateLock, StateError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(20);
    let mut unnamed = 0;
    let mut seen: Option<LockInfo> = None;
    loop {
        let holder = match attempt(&info)? {
            Attempt::Taken { previous, guard } => {
                let mut lock = StateLock::new(info, previous, guard);
                lock.waited_for = seen.map(|h| (h, start.elapsed()));
                return Ok(lock);
            }
            Attempt::Held(holder) => holder,
        };
        if holder.is_some() {
            seen.clone_from(&holder);
        }
        let waited = start.elapsed();
        if timeout.is_none_or(|t| waited >= t) {
            if holder.is_none() && unnamed < UNNAMED_RETRIES {
                unnamed += 1;
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            let waited = timeout.map(|_| waited);
            return Err(match holder {
                Some(holder) => StateError::Locked {
                    location: location.to_string(),
                    holder: Box::new(holder),
                    waited,
                },
                None => StateError::LockedUnknown {
                    location: location.to_string(),
                    waited,
                },
            });
        }
        let left = timeout.unwrap_or_default().saturating_sub(waited);
        std::thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

/// What `force-unlock ID` checks before touching the lock: a holder is recorded, and
/// `lock_id` is its id. Returns that holder.
///
/// # Errors
/// [`StateError::NotLocked`]; [`StateError::LockIdMismatch`] naming the real holder.
pub(crate) fn check_unlock_id(
    location: &str,
    holder: Option<LockInfo>,
    lock_id: &str,
) -> Result<LockInfo, StateError> {
    let Some(holder) = holder else {
        return Err(StateError::NotLocked {
            location: location.to_string(),
            given: lock_id.to_string(),
        });
    };
    if holder.id != lock_id {
        return Err(StateError::LockIdMismatch {
            location: location.to_string(),
            given: lock_id.to_string(),
            holder: Box::new(holder),
        });
    }
    Ok(holder)
}

/// Whether a lock record was written on this host.
pub(crate) fn on_this_host(holder: &LockInfo) -> bool {
    holder.host == current_host()
}

fn current_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

fn current_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .or_else(|| std::env::var("COMPUTERNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether a process with this pid exists on this host. Errs on the side of "alive"
/// where the platform gives no cheap answer.
fn pid_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        // A zombie still has a /proc entry but holds no locks: count it as dead.
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => !stat
                .rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('Z'))
                .unwrap_or(false),
            Err(_) => false,
        }
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive_and_display_names_holder() {
        let info = LockInfo::for_current_process("apply");
        assert!(!info.holder_is_dead());
        let shown = info.to_string();
        assert!(shown.contains(&format!("pid {}", std::process::id())));
        assert!(shown.contains(&info.id));
        assert!(shown.contains("`apply`"));
    }

    struct NoGuard;
    impl LockRelease for NoGuard {}

    #[test]
    fn a_refusal_names_the_holder_and_waits_for_a_record_being_written() {
        let holder = LockInfo::for_current_process("apply");
        let err = acquire("here", LockInfo::for_current_process("plan"), None, |_| {
            Ok(Attempt::Held(Some(holder.clone())))
        })
        .expect_err("held");
        assert!(err.to_string().contains(&holder.id), "{err}");
        // A holder that has taken the lock but not yet written its record is named
        // once the record is there, not reported as unknown.
        let mut tries = 0;
        let err = acquire("here", LockInfo::for_current_process("plan"), None, |_| {
            tries += 1;
            Ok(Attempt::Held((tries > 2).then(|| holder.clone())))
        })
        .expect_err("held");
        assert!(matches!(err, StateError::Locked { .. }), "{err}");
        let lock = acquire("here", LockInfo::for_current_process("plan"), None, |_| {
            Ok(Attempt::Taken {
                previous: None,
                guard: Box::new(NoGuard),
            })
        })
        .expect("free");
        assert_eq!(lock.info().operation, "plan");
        assert!(lock.waited_for().is_none());
        // A run that waits (--lock-timeout) and then gets the lock knows whom it waited for.
        let mut tries = 0;
        let lock = acquire(
            "here",
            LockInfo::for_current_process("plan"),
            Some(std::time::Duration::from_secs(5)),
            |_| {
                tries += 1;
                Ok(if tries < 3 {
                    Attempt::Held(Some(holder.clone()))
                } else {
                    Attempt::Taken {
                        previous: None,
                        guard: Box::new(NoGuard),
                    }
                })
            },
        )
        .expect("taken after waiting");
        assert_eq!(
            lock.waited_for().map(|(h, _)| h.id.clone()),
            Some(holder.id.clone())
        );
    }

    #[test]
    fn force_unlock_quotes_the_holders_id() {
        let holder = LockInfo::for_current_process("apply");
        assert!(matches!(
            check_unlock_id("here", None, "x"),
            Err(StateError::NotLocked { .. })
        ));
        let err = check_unlock_id("here", Some(holder.clone()), "x").expect_err("mismatch");
        assert!(err.to_string().contains(&holder.id), "{err}");
        assert_eq!(
            check_unlock_id("here", Some(holder.clone()), &holder.id).expect("same id"),
            holder
        );
    }

    #[test]
    fn a_pid_that_does_not_exist_is_dead_on_linux() {
        let mut info = LockInfo::for_current_process("apply");
        info.pid = u32::MAX - 7;
        if cfg!(target_os = "linux") {
            assert!(info.holder_is_dead());
        }
    }
}
