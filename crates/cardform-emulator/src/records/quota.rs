//! API quotas (reference §12) as the world holds them ([`QuotaState`]): a daily limit
//! per path (45009 once used up, reset at Beijing midnight) and an optional per-minute
//! limit (45011), in the `--quota PATH=DAILY[/PER_MINUTE]` format ([`QuotaLimit`]).
//! Per-API numbers for card endpoints are UNVERIFIED; the defaults are WeChat's
//! published token quota and a limit high enough never to bother a benchmark. Counters
//! live in memory (a restart resets them, like a `clear_quota`). The `quota/get`
//! endpoint is in `quota.rs`.

use std::collections::HashMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::EmulatorError;
use crate::reply::ApiError;

/// Daily limit of paths without their own row (emulator choice; UNVERIFIED for WeChat).
pub const DEFAULT_DAILY_LIMIT: u64 = 10_000_000;

/// Built-in limits: (path, daily). `/cgi-bin/token` is 2000/day (reference §1.1).
pub const DEFAULT_LIMITS: &[(&str, u64)] =
    &[("/cgi-bin/token", 2000), ("/cgi-bin/stable_token", 10_000)];

/// A limit for one path, as `--quota PATH=DAILY[/PER_MINUTE]` or the admin API sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaLimit {
    pub path: String,
    pub daily: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_minute: Option<u64>,
}

impl FromStr for QuotaLimit {
    type Err = EmulatorError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |id: &str| EmulatorError::Quota {
            spec: spec.to_string(),
            message: cardform_i18n::tr!(id),
        };
        let (path, rest) = spec
            .split_once('=')
            .ok_or_else(|| err("emu-quota-no-equals"))?;
        if !path.starts_with('/') {
            return Err(err("emu-quota-path"));
        }
        let (daily, per_minute) = match rest.split_once('/') {
            Some((d, m)) => (d, Some(m)),
            None => (rest, None),
        };
        Ok(QuotaLimit {
            path: path.to_string(),
            daily: daily.trim().parse().map_err(|_| err("emu-quota-daily"))?,
            per_minute: per_minute
                .map(|m| m.trim().parse().map_err(|_| err("emu-quota-per-minute")))
                .transpose()?,
        })
    }
}

/// Limits and counters.
#[derive(Default)]
pub struct QuotaState {
    limits: HashMap<String, QuotaLimit>,
    /// path → (Beijing day number, calls that day)
    daily: HashMap<String, (i64, u64)>,
    /// path → (minute number, calls that minute)
    minute: HashMap<String, (i64, u64)>,
}

fn beijing_day(now_ms: i64) -> i64 {
    (now_ms.div_euclid(1000) + 8 * 3600).div_euclid(86_400)
}

impl QuotaState {
    pub fn set_limits(&mut self, limits: Vec<QuotaLimit>) {
        self.limits = limits.into_iter().map(|l| (l.path.clone(), l)).collect();
    }

    fn limit(&self, path: &str) -> (u64, Option<u64>) {
        if let Some(l) = self.limits.get(path) {
            return (l.daily, l.per_minute);
        }
        let daily = DEFAULT_LIMITS
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, d)| *d)
            .unwrap_or(DEFAULT_DAILY_LIMIT);
        (daily, None)
    }

    fn used_today(&self, path: &str, now_ms: i64) -> u64 {
        match self.daily.get(path) {
            Some((day, n)) if *day == beijing_day(now_ms) => *n,
            _ => 0,
        }
    }

    /// Counts one call to `path`, or refuses it with 45009 / 45011.
    ///
    /// # Errors
    /// The daily or per-minute limit is reached.
    pub fn take(&mut self, path: &str, now_ms: i64) -> Result<(), ApiError> {
        let (daily, per_minute) = self.limit(path);
        let day = beijing_day(now_ms);
        let minute = now_ms.div_euclid(60_000);
        let used = self.used_today(path, now_ms);
        if used >= daily {
            return Err(ApiError::new(45009));
        }
        if let Some(pm) = per_minute {
            let this_minute = match self.minute.get(path) {
                Some((m, n)) if *m == minute => *n,
                _ => 0,
            };
            if this_minute >= pm {
                return Err(ApiError::new(45011));
            }
            self.minute
                .insert(path.to_string(), (minute, this_minute + 1));
        }
        self.daily.insert(path.to_string(), (day, used + 1));
        Ok(())
    }

    /// `{daily_limit, used, remain}` for `path`.
    pub fn report(&self, path: &str, now_ms: i64) -> Value {
        let (daily, _) = self.limit(path);
        let used = self.used_today(path, now_ms);
        json!({ "daily_limit": daily, "used": used, "remain": daily.saturating_sub(used) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_and_minute_limits() {
        let mut q = QuotaState::default();
        q.set_limits(vec!["/card/get=3/2".parse().unwrap()]);
        assert!(q.take("/card/get", 0).is_ok());
        assert!(q.take("/card/get", 1).is_ok());
        assert_eq!(q.take("/card/get", 2).map_err(|e| e.code), Err(45011));
        assert!(q.take("/card/get", 60_000).is_ok());
        assert_eq!(q.take("/card/get", 120_000).map_err(|e| e.code), Err(45009));
        assert_eq!(q.report("/card/get", 120_000)["remain"], 0);
        assert!("card/get=1".parse::<QuotaLimit>().is_err());
    }
}
