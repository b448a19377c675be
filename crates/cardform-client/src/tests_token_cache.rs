//! The component token cache seam ([`ComponentTokenCache`]) against the real emulator
//! over loopback: a cached token is used instead of a fetch; a fetched one is handed to
//! the cache; a cached token WeChat refuses is reported to the cache, fetched once anew
//! and handed over.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardform_emulator::{EmulatorConfig, PlatformSetup, RunningEmulator};
use cardform_spec::sandbox::{EMULATOR_COMPONENT_APPID, EMULATOR_COMPONENT_SECRET};
use serde_json::Value;

use super::component::{ComponentCredentials, PlatformClient};
use super::component_cache::{CacheTurn, ComponentTokenCache};
use super::retry::RetryPolicy;
use super::secret::Secret;

/// A cache in memory that records what the client told it.
#[derive(Default)]
struct Recorder {
    entry: Mutex<Option<String>>,
    stored: Mutex<Vec<(String, Duration)>>,
    refused: Mutex<Vec<String>>,
}

struct Turn(Arc<Recorder>);

impl CacheTurn for Turn {
    fn cached(&mut self) -> Option<(Secret, Duration)> {
        let entry = self.0.entry.lock().ok()?.clone()?;
        Some((Secret::new(entry), Duration::from_secs(3600)))
    }
    fn fetched(self: Box<Self>, token: &Secret, expires_in: Duration) {
        if let Ok(mut e) = self.0.entry.lock() {
            *e = Some(token.expose().to_string());
        }
        if let Ok(mut s) = self.0.stored.lock() {
            s.push((token.expose().to_string(), expires_in));
        }
    }
}

struct Shared(Arc<Recorder>);

impl ComponentTokenCache for Shared {
    fn begin(&self) -> Box<dyn CacheTurn> {
        Box::new(Turn(Arc::clone(&self.0)))
    }
    fn refused(&self, token: &Secret) {
        if let Ok(mut r) = self.0.refused.lock() {
            r.push(token.expose().to_string());
        }
        if let Ok(mut e) = self.0.entry.lock()
            && e.as_deref() == Some(token.expose())
        {
            *e = None;
        }
    }
}

async fn emulator() -> RunningEmulator {
    let config = EmulatorConfig {
        platform: Some(PlatformSetup {
            authorizers: 2,
            ..PlatformSetup::default()
        }),
        ..EmulatorConfig::default()
    };
    RunningEmulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config)
        .await
        .expect("emulator starts")
}

async fn admin_get(emu: &RunningEmulator, path: &str) -> Value {
    reqwest::get(format!("{}/__emulator/{path}", emu.base_url()))
        .await
        .expect("admin call")
        .json()
        .await
        .expect("admin json")
}

async fn client(emu: &RunningEmulator, cache: &Arc<Recorder>) -> PlatformClient {
    let ticket = admin_get(emu, "platform/ticket").await["verify_ticket"]
        .as_str()
        .expect("ticket")
        .to_string();
    PlatformClient::new(
        emu.base_url(),
        ComponentCredentials {
            component_appid: EMULATOR_COMPONENT_APPID.into(),
            component_secret: Secret::new(EMULATOR_COMPONENT_SECRET),
            verify_ticket: Secret::new(ticket),
        },
        Duration::from_secs(5),
        RetryPolicy::fast(),
    )
    .expect("platform client")
    .with_token_cache(Arc::new(Shared(Arc::clone(cache))))
}

#[tokio::test]
async fn a_fetched_token_is_handed_over_and_the_next_client_uses_it() {
    let emu = emulator().await;
    let cache = Arc::new(Recorder::default());
    let first = client(&emu, &cache).await;
    assert_eq!(first.authorizers().await.expect("list").len(), 2);
    assert_eq!(
        (first.component_fetches(), first.component_cache_hits()),
        (1, 0)
    );
    let stored = cache.stored.lock().expect("lock").clone();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].1,
        Duration::from_secs(7200),
        "WeChat's expires_in"
    );
    let second = client(&emu, &cache).await;
    assert_eq!(second.authorizers().await.expect("list").len(), 2);
    assert_eq!(
        (second.component_fetches(), second.component_cache_hits()),
        (0, 1)
    );
}

#[tokio::test]
async fn a_cached_token_wechat_refuses_is_reported_and_fetched_once_anew() {
    let emu = emulator().await;
    let cache = Arc::new(Recorder::default());
    *cache.entry.lock().expect("lock") = Some("a-token-the-platform-never-issued".into());
    let c = client(&emu, &cache).await;
    assert_eq!(c.authorizers().await.expect("list").len(), 2);
    assert_eq!(
        cache.refused.lock().expect("lock").clone(),
        vec!["a-token-the-platform-never-issued".to_string()]
    );
    assert_eq!((c.component_fetches(), c.component_cache_hits()), (1, 1));
    let fresh = cache.entry.lock().expect("lock").clone();
    assert_eq!(
        fresh.as_deref(),
        admin_get(&emu, "platform").await["component_access_token"].as_str()
    );
}
