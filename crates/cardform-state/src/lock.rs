//! The run lock: who holds it, and the guard that releases it on drop.

use std::fmt;

use serde::{Deserialize, Serialize};

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
        write!(
            f,
            "{}@{} (pid {}, `{}`, since {}, lock id {})",
            self.user, self.host, self.pid, self.operation, since, self.id
        )
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
            _guard: guard,
        }
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

    #[test]
    fn a_pid_that_does_not_exist_is_dead_on_linux() {
        let mut info = LockInfo::for_current_process("apply");
        info.pid = u32::MAX - 7;
        if cfg!(target_os = "linux") {
            assert!(info.holder_is_dead());
        }
    }
}
