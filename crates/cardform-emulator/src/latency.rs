//! The latency the emulator adds to every WeChat call (`--latency-ms`), kept to what it
//! says.
//!
//! tokio's timer ticks in whole milliseconds and rounds a deadline up to the next
//! tick, so `tokio::time::sleep(50 ms)` answers after about 51.3 ms: a 50 ms emulator
//! that is 2–3 % slower than it claims, which is the size of what the platform
//! benchmark measures (the run's wall time against calls × latency / calls in flight).
//! So the wait is tokio's timer up to a little before the deadline, then a thread
//! sleep (nanosecond resolution) for the rest.

use std::time::{Duration, Instant};

/// How much of the wait is left to a thread sleep: more than tokio's rounding.
const FINE_PART: Duration = Duration::from_millis(2);

/// Waits `latency` from `start` (when the request arrived), to within the thread
/// scheduler's precision (tens of microseconds on an idle machine).
pub async fn wait_from(start: Instant, latency: Duration) {
    let deadline = start + latency;
    if let Some(coarse) = deadline.checked_sub(FINE_PART)
        && coarse > Instant::now()
    {
        tokio::time::sleep_until(coarse.into()).await;
    }
    let rest = deadline.saturating_duration_since(Instant::now());
    if !rest.is_zero() {
        // A blocking-pool thread, not a worker: a worker asleep would hold up the
        // other requests it runs. If the pool is gone (shutdown), the answer is only
        // a little early.
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(rest)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_wait_is_never_shorter_than_the_latency() {
        for ms in [1u64, 5, 20] {
            let start = Instant::now();
            wait_from(start, Duration::from_millis(ms)).await;
            assert!(start.elapsed() >= Duration::from_millis(ms));
        }
    }

    #[tokio::test]
    async fn a_deadline_already_past_does_not_wait() {
        let start = Instant::now() - Duration::from_millis(100);
        let t = Instant::now();
        wait_from(start, Duration::from_millis(50)).await;
        assert!(t.elapsed() < Duration::from_millis(50));
    }
}
