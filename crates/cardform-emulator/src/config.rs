//! How an emulator behaves: [`EmulatorConfig`], read by the world (credentials,
//! clocks, data file) and the server (latency, initial fault rules).

use std::path::PathBuf;

use super::records::faults::FaultRule;
use super::shapes::Shapes;
use cardform_spec::sandbox::{
    EMULATOR_COMPONENT_APPID, EMULATOR_COMPONENT_SECRET, SANDBOX_APPID, SANDBOX_POI_IDS,
    SANDBOX_SECRET,
};

/// How an emulator behaves.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The AppID it accepts on the token endpoints.
    pub appid: String,
    /// The AppSecret it accepts on the token endpoints.
    pub secret: String,
    /// Persist the world in this file (plus `<file>.journal` and `<file>.lock`).
    pub data: Option<PathBuf>,
    /// Latency added to every WeChat call.
    pub latency_ms: u64,
    /// Approve cards this long after they enter review; 0 = only via the admin API.
    pub review_delay_ms: u64,
    /// Access-token lifetime.
    pub token_ttl_secs: u64,
    /// Fault rules active from the start.
    pub faults: Vec<FaultRule>,
    /// The account's stores (poi_ids); friends coupons may name only these.
    pub pois: Vec<u64>,
    /// A new world starts with its 券点 account opened (the activation reward and
    /// nothing else), as the embedded sandbox does so a first apply can buy friends
    /// stock; a standalone emulator starts unopened, as a real account does.
    pub coins_activated: bool,
    /// How amounts, counts and datacube envelopes are written ([`Shapes`]).
    pub shapes: Shapes,
    /// Play a third-party platform with this component and these many authorizers
    /// from the start (`--platform-authorizers N`); `None`: none until the admin call.
    pub platform: Option<PlatformSetup>,
}

/// The open platform an emulator starts with.
#[derive(Clone)]
pub struct PlatformSetup {
    pub component_appid: String,
    pub component_secret: String,
    /// Authorizers with the card permission set.
    pub authorizers: usize,
}

impl Default for PlatformSetup {
    fn default() -> Self {
        PlatformSetup {
            component_appid: EMULATOR_COMPONENT_APPID.to_string(),
            component_secret: EMULATOR_COMPONENT_SECRET.to_string(),
            authorizers: 0,
        }
    }
}

impl std::fmt::Debug for PlatformSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformSetup")
            .field("component_appid", &self.component_appid)
            .field("component_secret", &"<redacted>")
            .field("authorizers", &self.authorizers)
            .finish()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            appid: SANDBOX_APPID.to_string(),
            secret: SANDBOX_SECRET.to_string(),
            data: None,
            latency_ms: 0,
            review_delay_ms: 0,
            token_ttl_secs: 7200,
            faults: Vec::new(),
            pois: SANDBOX_POI_IDS.to_vec(),
            coins_activated: false,
            shapes: Shapes::default(),
            platform: None,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    // The secret is redacted even though the sandbox's is public: a user may pass a
    // real-looking one with --secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("appid", &self.appid)
            .field("secret", &"<redacted>")
            .field("data", &self.data)
            .field("latency_ms", &self.latency_ms)
            .field("review_delay_ms", &self.review_delay_ms)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("faults", &self.faults)
            .field("pois", &self.pois)
            .field("shapes", &self.shapes)
            .field("platform", &self.platform)
            .finish()
    }
}
