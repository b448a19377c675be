//! The embedded sandbox's account: the emulator accepts it by default and the client
//! uses it for `endpoint = "sandbox"`. Not a secret: it only opens a local emulator.

/// The AppID of the embedded sandbox and the emulator's default.
pub const SANDBOX_APPID: &str = "wxsandbox";
/// The AppSecret of the embedded sandbox and the emulator's default (not a secret).
pub const SANDBOX_SECRET: &str = "sandbox-secret";

/// The stores (poi_ids) of the sandbox account. Friends coupons need at least one
/// usable poi_id (seed 创建朋友的券 table, reference §8.3), so the emulator knows an
/// account's stores and refuses other ids on friends coupons.
pub const SANDBOX_POI_IDS: &[u64] = &[401234567, 401234568, 401234569];

/// The stores (poi_ids) of the emulator's `index`-th platform authorizer (1-based):
/// every merchant has stores of its own, three like the sandbox account's, and no two
/// authorizers share one (`402000000 + 10 × index + 1..=3`), so a plan that sends one
/// merchant's store to another is refused as WeChat refuses it.
pub fn authorizer_poi_ids(index: u64) -> Vec<u64> {
    let base = 402_000_000_u64.saturating_add(index.saturating_mul(10));
    (1..=3).map(|k| base.saturating_add(k)).collect()
}

/// The errcode for a friends coupon naming a store the account does not have. The seed
/// names none: UNVERIFIED choice, 40071 (the seed's "format error" code for create).
pub const UNKNOWN_POI_ERRCODE: i64 = 40071;

/// The component (third-party platform) AppID the emulator plays by default
/// (`cardform emulator --platform-authorizers N`).
pub const EMULATOR_COMPONENT_APPID: &str = "wxcomponent0000emu";
/// The component AppSecret the emulator accepts by default (not a secret: it only
/// opens a local emulator).
pub const EMULATOR_COMPONENT_SECRET: &str = "emulator-component-secret";
