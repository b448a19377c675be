//! Bounded concurrency (one semaphore shared by every call: refresh, apply, token
//! fetches) and an optional requests-per-second pacer.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Admission control for HTTP requests.
#[derive(Debug)]
pub struct Throttle {
    permits: Arc<Semaphore>,
    /// Minimum spacing between request starts, and the next free start slot.
    pacer: Option<(Duration, Mutex<Instant>)>,
}

impl Throttle {
    /// `parallelism` is clamped to at least 1; `rps` of 0 means no limit.
    pub fn new(parallelism: usize, requests_per_second: Option<u32>) -> Self {
        let pacer = requests_per_second
            .filter(|r| *r > 0)
            .map(|r| (Duration::from_secs(1) / r, Mutex::new(Instant::now())));
        Throttle {
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
            pacer,
        }
    }

    /// Waits for a free slot (and the pacer). Hold the permit for one HTTP attempt only,
    /// never across a backoff sleep.
    pub async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        // acquire fails only on a closed semaphore, and this one is never closed.
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok();
        if let Some((spacing, next)) = &self.pacer {
            let slot = {
                let mut next = next.lock().await;
                let slot = (*next).max(Instant::now());
                *next = slot + *spacing;
                slot
            };
            tokio::time::sleep_until(slot).await;
        }
        permit
    }

    /// Permits currently free (for tests).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn never_more_in_flight_than_parallelism() {
        let t = Arc::new(Throttle::new(3, None));
        let live = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (t, live, peak) = (t.clone(), live.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                let _p = t.admit().await;
                let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                live.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for task in tasks {
            assert!(task.await.is_ok());
        }
        assert_eq!(peak.load(Ordering::SeqCst), 3);
        assert_eq!(t.available(), 3);
    }

    #[tokio::test]
    async fn pacer_spaces_request_starts() {
        let t = Throttle::new(16, Some(100));
        let start = Instant::now();
        for _ in 0..5 {
            drop(t.admit().await);
        }
        // 5 starts at 100/s: the 5th cannot start before 40 ms after the first.
        assert!(Instant::now() - start >= Duration::from_millis(40));
    }
}
