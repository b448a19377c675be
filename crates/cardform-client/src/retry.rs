//! When to retry: the policy (counts, delays) and ONE decision table mapping what
//! happened on an attempt × whether the call is idempotent → what to do next.

use std::time::Duration;

use super::error::TransportKind;
use cardform_spec::errcode::{self, RetryClass};

/// Bounds and delays for retries. Tests use tiny delays.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total, including the first (1 = never retry).
    pub max_attempts: u32,
    /// First backoff delay; doubles each retry.
    pub base_delay: Duration,
    /// Cap on one backoff delay.
    pub max_delay: Duration,
    /// Give up when the next delay would end later than this after the first attempt.
    pub max_total: Duration,
    /// Minimum wait after 45011 (per-minute limit): the window must roll over.
    pub rate_limited_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_total: Duration::from_secs(120),
            rate_limited_delay: Duration::from_secs(15),
        }
    }
}

impl RetryPolicy {
    /// Millisecond-scale delays, for tests and the in-process sandbox.
    pub fn fast() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_total: Duration::from_secs(5),
            rate_limited_delay: Duration::from_millis(2),
        }
    }

    /// The delay before retry number `retry` (1-based): exponential, capped, with
    /// jitter in [50 %, 100 %] so that parallel callers do not retry in lockstep.
    pub fn backoff(&self, retry: u32, rate_limited: bool) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
        let capped = exp.min(self.max_delay);
        let floor = if rate_limited {
            capped.max(self.rate_limited_delay)
        } else {
            capped
        };
        let factor: f64 = rand::random_range(0.5..=1.0);
        floor.mul_f64(factor)
    }
}

/// Whether repeating a call can act twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// get, batchget, getcolors, update (same content), delete, token fetches.
    Idempotent,
    /// create, modifystock, uploadimg, 券点 confirm.
    NotIdempotent,
}

/// What one attempt ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Transport(TransportKind),
    /// HTTP 429: throttled before any processing.
    TooManyRequests,
    Http5xx,
    /// Any other non-2xx status.
    HttpOther,
    /// 2xx but not a WeChat envelope.
    Malformed,
    /// WeChat answered with this errcode (non-zero).
    ErrCode(i64),
}

/// What to do after an attempt that did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Back off and try again (bounded by the policy).
    Retry { rate_limited: bool },
    /// Invalidate the token, fetch a new one, try again (once).
    RefreshToken,
    /// The call may have taken effect: report `OutcomeUnknown`, never retry.
    OutcomeUnknown,
    /// 45009: stop the run.
    StopQuota,
    /// Report the error as it is.
    Fail,
}

/// THE table. A non-idempotent call is retried only when WeChat certainly did not act:
/// the connection never opened, or WeChat answered with an errcode.
pub fn decide(event: Event, idem: Idempotency) -> Decision {
    use Decision::*;
    use Idempotency::*;
    use TransportKind::*;
    match (event, idem) {
        (Event::Transport(Connect), _) => Retry {
            rate_limited: false,
        },
        (Event::Transport(Timeout | Dropped | Body), Idempotent) => Retry {
            rate_limited: false,
        },
        (Event::Transport(Timeout | Dropped | Body), NotIdempotent) => OutcomeUnknown,
        (Event::TooManyRequests, _) => Retry { rate_limited: true },
        // A 5xx comes from something that received the request: a create may be done.
        (Event::Http5xx, Idempotent) => Retry {
            rate_limited: false,
        },
        (Event::Http5xx, NotIdempotent) => OutcomeUnknown,
        (Event::HttpOther, _) => Fail,
        (Event::Malformed, Idempotent) => Fail,
        (Event::Malformed, NotIdempotent) => OutcomeUnknown,
        (Event::ErrCode(code), _) => match errcode::retry_class(code) {
            RetryClass::Transient => Retry {
                rate_limited: code == 45011,
            },
            RetryClass::Auth => RefreshToken,
            RetryClass::Quota => StopQuota,
            RetryClass::State | RetryClass::Permanent => Fail,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Idempotency::*;

    #[test]
    fn non_idempotent_calls_never_retry_once_sent() {
        for kind in [
            TransportKind::Timeout,
            TransportKind::Dropped,
            TransportKind::Body,
        ] {
            assert_eq!(
                decide(Event::Transport(kind), NotIdempotent),
                Decision::OutcomeUnknown
            );
            assert!(matches!(
                decide(Event::Transport(kind), Idempotent),
                Decision::Retry { .. }
            ));
        }
        assert_eq!(
            decide(Event::Http5xx, NotIdempotent),
            Decision::OutcomeUnknown
        );
        assert_eq!(
            decide(Event::Malformed, NotIdempotent),
            Decision::OutcomeUnknown
        );
        // Never sent, or WeChat answered: safe.
        assert!(matches!(
            decide(Event::Transport(TransportKind::Connect), NotIdempotent),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            decide(Event::ErrCode(-1), NotIdempotent),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn errcodes_follow_the_table() {
        assert_eq!(
            decide(Event::ErrCode(45011), Idempotent),
            Decision::Retry { rate_limited: true }
        );
        assert_eq!(
            decide(Event::ErrCode(42001), NotIdempotent),
            Decision::RefreshToken
        );
        assert_eq!(
            decide(Event::ErrCode(40014), Idempotent),
            Decision::RefreshToken
        );
        assert_eq!(
            decide(Event::ErrCode(45009), Idempotent),
            Decision::StopQuota
        );
        assert_eq!(decide(Event::ErrCode(40073), Idempotent), Decision::Fail);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_total: Duration::from_secs(10),
            rate_limited_delay: Duration::from_millis(3000),
        };
        for retry in 1..=8 {
            let d = p.backoff(retry, false);
            let full =
                Duration::from_millis(100 * 2u64.pow(retry - 1)).min(Duration::from_millis(1000));
            assert!(d <= full && d >= full / 2, "retry {retry}: {d:?}");
        }
        assert!(p.backoff(1, true) >= Duration::from_millis(1500));
        // No overflow on absurd retry numbers.
        assert!(p.backoff(u32::MAX, false) <= Duration::from_millis(1000));
    }
}
