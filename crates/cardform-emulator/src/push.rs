//! WeChat's push events, sent the way WeChat sends them (reference §11, §16): XML,
//! encrypted in safe mode with the configured token and EncodingAESKey (plain mode
//! without a key), POSTed to the configured URL, retried [`RETRIES`] times when the
//! answer is not `success` within [`ANSWER_WITHIN`].
//!
//! Configured by `POST /__emulator/push_config {"url","token","encoding_aes_key",
//! "stock_threshold"?}` or `cardform emulator --push-url URL` (token and key from
//! `CARDFORM_EVENTS_TOKEN` / `CARDFORM_EVENTS_AES_KEY`). What pushes: review decisions
//! (`/__emulator/review`, with its reason, and those `--review-delay-ms` makes by
//! itself, [`start_auto_reviews`]), sub-merchant review results
//! (`/__emulator/submerchant_review`), claims, gifts, wallet deletions,
//! redemptions (`card/code/consume`), stock at or below the threshold after a claim
//! (`card_sku_remind`, once until the stock rises above it again), 券点 ledger entries
//! (`card_pay_order`), a user entering the chat from a card
//! (`/__emulator/enter_session`, `user_enter_session_from_card`); for a platform
//! (`"component_appid"` in the configuration) a `component_verify_ticket` at once and
//! every 10 minutes of emulator clock, and the authorisation events (`authorized`,
//! `updateauthorized`, `unauthorized`) from `/__emulator/platform/authorize|revoke`.
//!
//! Sending never holds the world lock: each push is its own task, spawned with the
//! message already built.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use cardform_events::{AesKey, Fields, seal, xml};
use serde_json::{Value, json};

use super::request::Input;
use super::world::{World, lock};
use std::sync::Arc;

/// How long WeChat waits for `success`.
pub const ANSWER_WITHIN: Duration =
    Duration::from_secs(cardform_spec::events::PUSH_ANSWER_WITHIN_SECS);
/// Retries after the first attempt.
pub const RETRIES: u32 = cardform_spec::events::PUSH_RETRIES;
/// How often WeChat pushes a platform's verify ticket (reference §16), emulator clock.
pub const VERIFY_TICKET_EVERY_MS: i64 = 10 * 60 * 1000;
/// The account's original id the emulator writes as `ToUserName`.
pub const ORIGINAL_ID: &str = "gh_cardformemu";

/// Where and how to push. Debug never shows the token or key.
#[derive(Clone)]
pub struct PushConfig {
    pub url: String,
    pub token: String,
    pub key: Option<AesKey>,
    /// `card_sku_remind` fires when a claim leaves at most this many units.
    pub stock_threshold: u64,
    /// A platform's component AppID: its `component_verify_ticket` is pushed at once
    /// and every [`VERIFY_TICKET_EVERY_MS`] ([`start_verify_tickets`]).
    pub component_appid: Option<String>,
}

impl std::fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushConfig")
            .field("url", &self.url)
            .field("stock_threshold", &self.stock_threshold)
            .finish_non_exhaustive()
    }
}

impl PushConfig {
    /// Checks a push configuration.
    ///
    /// # Errors
    /// A URL that is not http(s), an empty token, a key that is not an EncodingAESKey.
    pub fn new(
        url: &str,
        token: &str,
        encoding_aes_key: Option<&str>,
        stock_threshold: u64,
    ) -> Result<PushConfig, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("push url {url:?}: expected http://… or https://…"));
        }
        if token.trim().is_empty() {
            return Err("the push token is empty".into());
        }
        let key = match encoding_aes_key.filter(|k| !k.trim().is_empty()) {
            Some(k) => Some(
                AesKey::from_encoding_aes_key(k).map_err(|e| format!("encoding_aes_key: {e}"))?,
            ),
            None => None,
        };
        Ok(PushConfig {
            url: url.to_string(),
            token: token.to_string(),
            key,
            stock_threshold,
            component_appid: None,
        })
    }
}

/// The pusher every request can reach through [`super::world::Shared`].
pub struct Pusher {
    config: Mutex<Option<PushConfig>>,
    client: std::sync::OnceLock<reqwest::Client>,
    reminded: Mutex<HashSet<String>>,
    sent: AtomicU64,
    /// Emulator-clock ms when the next verify ticket is due (`i64::MIN`: at once);
    /// every configure resets it.
    next_ticket_ms: AtomicI64,
    last_ticket: Mutex<Option<String>>,
    delivered: AtomicU64,
    failed: AtomicU64,
    last_error: Mutex<Option<String>>,
}

impl Default for Pusher {
    fn default() -> Pusher {
        Pusher {
            config: Mutex::default(),
            client: std::sync::OnceLock::new(),
            reminded: Mutex::default(),
            sent: AtomicU64::default(),
            next_ticket_ms: AtomicI64::new(i64::MIN),
            last_ticket: Mutex::default(),
            delivered: AtomicU64::default(),
            failed: AtomicU64::default(),
            last_error: Mutex::default(),
        }
    }
}

impl Pusher {
    /// Replaces the configuration (`None`: stop pushing).
    pub fn configure(&self, config: Option<PushConfig>) {
        *lock(&self.config) = config;
        self.next_ticket_ms.store(i64::MIN, Ordering::Relaxed);
    }

    /// The newest `component_verify_ticket` pushed (the platform's token endpoint may
    /// check a ticket against it).
    pub fn last_verify_ticket(&self) -> Option<String> {
        lock(&self.last_ticket).clone()
    }

    /// What the admin API shows: never the token or the key.
    pub fn describe(&self) -> Value {
        let config = lock(&self.config);
        json!({
            "url": config.as_ref().map(|c| c.url.clone()),
            "encrypted": config.as_ref().is_some_and(|c| c.key.is_some()),
            "stock_threshold": config.as_ref().map(|c| c.stock_threshold),
            "sent": self.sent.load(Ordering::Relaxed),
            "delivered": self.delivered.load(Ordering::Relaxed),
            "failed": self.failed.load(Ordering::Relaxed),
            "last_error": lock(&self.last_error).clone(),
        })
    }

    fn client(&self) -> reqwest::Client {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .no_proxy()
                    .timeout(ANSWER_WITHIN)
                    .build()
                    .unwrap_or_default()
            })
            .clone()
    }

    /// Sends one message (its elements) in a task of its own; nothing when no URL is
    /// configured or no runtime runs.
    fn push(push: &Arc<Pusher>, appid: &str, fields: Fields) {
        let Some(config) = lock(&push.config).clone() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        push.sent.fetch_add(1, Ordering::Relaxed);
        let message = xml::write(&fields);
        let appid = appid.to_string();
        let pusher = push.clone();
        runtime.spawn(async move {
            match deliver(&pusher.client(), &config, &appid, &message).await {
                Ok(()) => {
                    pusher.delivered.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    pusher.failed.fetch_add(1, Ordering::Relaxed);
                    *lock(&pusher.last_error) = Some(e);
                }
            }
        });
    }
}

/// One delivery with WeChat's retries.
async fn deliver(
    client: &reqwest::Client,
    config: &PushConfig,
    appid: &str,
    message: &str,
) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 0..=RETRIES {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
        }
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let nonce = rand::random::<u32>().to_string();
        let sealed = seal(
            &config.token,
            config.key.as_ref(),
            appid,
            ORIGINAL_ID,
            message,
            &timestamp,
            &nonce,
        );
        let sent = client
            .post(&config.url)
            .query(&sealed.query)
            .header("content-type", "text/xml")
            .body(sealed.body)
            .send()
            .await;
        match sent {
            Ok(resp) => {
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                if status.is_success() && matches!(text.trim(), "success" | "") {
                    return Ok(());
                }
                last = format!("HTTP {}: {}", status.as_u16(), text.trim());
            }
            Err(e) => last = format!("{e}"),
        }
    }
    Err(format!("gave up after {} attempts: {last}", RETRIES + 1))
}

fn base(world: &World, to: &str, from: &str, event: &str) -> Fields {
    let mut f = Fields::default();
    f.push("ToUserName", to);
    f.push("FromUserName", from);
    f.push("CreateTime", world.now_s().to_string());
    f.push("MsgType", "event");
    f.push("Event", event);
    f
}

/// A review decision from `/__emulator/review`.
pub fn review(push: &Arc<Pusher>, world: &World, card_id: &str, pass: bool, reason: Option<&str>) {
    let event = if pass {
        "card_pass_check"
    } else {
        "card_not_pass_check"
    };
    let mut f = base(world, ORIGINAL_ID, "mphelper", event);
    f.push("CardId", card_id);
    if !pass {
        f.push("RefuseReason", reason.unwrap_or(""));
    }
    Pusher::push(push, &world.appid, f);
}

/// How often the emulator looks for automatic review decisions that came due.
pub const AUTO_REVIEW_TICK: Duration = Duration::from_millis(100);

/// Review decisions the emulator makes by itself (`--review-delay-ms`): every
/// [`AUTO_REVIEW_TICK`] each world's cards whose automatic review came due are
/// approved and their `card_pass_check` pushed (a decision a `card/get` applied first
/// is pushed at the next tick). Runs until `stop` says so; nothing to do when reviews
/// are not automatic.
pub fn start_auto_reviews(
    shared: &Arc<super::world::Shared>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    if lock(&shared.world).review_delay_ms == 0 {
        return;
    }
    every(shared, stop, AUTO_REVIEW_TICK, |shared| {
        auto_reviews(&shared.push, &shared.world);
        for a in shared.platform.authorizers() {
            auto_reviews(&shared.push, &a.world);
        }
    });
}

/// Runs `tick` every `period` on the current runtime until `stop` says so (nothing
/// outside a runtime).
fn every(
    shared: &Arc<super::world::Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    period: std::time::Duration,
    tick: impl Fn(&super::world::Shared) + Send + 'static,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let shared = shared.clone();
    runtime.spawn(async move {
        loop {
            tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                () = tokio::time::sleep(period) => {}
            }
            tick(&shared);
        }
    });
}

/// One world's due automatic decisions, settled and pushed (flags cleared even when no
/// push URL is configured, so a later configuration does not push old decisions).
fn auto_reviews(push: &Arc<Pusher>, world_of: &Mutex<World>) {
    let mut world = lock(world_of);
    let now = world.now_ms();
    let mut decided = Vec::new();
    for (id, card) in &mut world.cards {
        card.settle(now);
        if card.auto_decided {
            card.auto_decided = false;
            decided.push(id.clone());
        }
    }
    for id in decided {
        review(push, &world, &id, true, None);
    }
}

/// A sub-merchant's review result (`card_merchant_check_result`, reference §16:
/// `MerchantId`, `IsPass` 1/0, `Reason`), from `/__emulator/submerchant_review`.
pub fn sub_merchant_check(
    push: &Arc<Pusher>,
    world: &World,
    merchant_id: u64,
    pass: bool,
    reason: Option<&str>,
) {
    let mut f = base(world, ORIGINAL_ID, "mphelper", "card_merchant_check_result");
    f.push("MerchantId", merchant_id.to_string());
    f.push("IsPass", if pass { "1" } else { "0" });
    f.push("Reason", reason.unwrap_or(""));
    Pusher::push(push, &world.appid, f);
}

/// A claim (`user_get_card`), then the stock alarm when it left little.
pub fn claim(push: &Arc<Pusher>, world: &World, card_id: &str, openid: &str, code: &str) {
    let mut f = base(world, ORIGINAL_ID, openid, "user_get_card");
    f.push("CardId", card_id);
    f.push("IsGiveByFriend", "0");
    f.push("UserCardCode", code);
    f.push("FriendUserName", "");
    f.push("OuterId", "0");
    f.push("OldUserCardCode", "");
    f.push("IsRestoreMemberCard", "0");
    f.push("IsRecommendByFriend", "0");
    f.push("SourceScene", "SOURCE_SCENE_UNKNOW");
    Pusher::push(push, &world.appid, f);
    stock_check(push, world, card_id);
}

fn stock_check(push: &Arc<Pusher>, world: &World, card_id: &str) {
    let Some(threshold) = lock(&push.config).as_ref().map(|c| c.stock_threshold) else {
        return;
    };
    let Some(card) = world.cards.get(card_id) else {
        return;
    };
    let remaining = card.quantity;
    let mut reminded = lock(&push.reminded);
    if remaining > threshold {
        reminded.remove(card_id);
        return;
    }
    if !reminded.insert(card_id.to_string()) {
        return;
    }
    drop(reminded);
    let mut f = base(world, ORIGINAL_ID, "mphelper", "card_sku_remind");
    f.push("CardId", card_id);
    f.push(
        "Detail",
        format!("the card's stock is {remaining}, at or below {threshold}"),
    );
    Pusher::push(push, &world.appid, f);
}

/// A gift from `from` to `to` (`user_gifting_card`, and the friend's `user_get_card`).
pub fn gift(push: &Arc<Pusher>, world: &World, card_id: &str, code: &str, from: &str, to: &str) {
    let mut f = base(world, ORIGINAL_ID, from, "user_gifting_card");
    f.push("CardId", card_id);
    f.push("UserCardCode", code);
    f.push("IsReturnBack", "0");
    f.push("FriendUserName", to);
    f.push("IsChatRoom", "0");
    Pusher::push(push, &world.appid, f);
    let mut g = base(world, ORIGINAL_ID, to, "user_get_card");
    g.push("CardId", card_id);
    g.push("IsGiveByFriend", "1");
    g.push("UserCardCode", code);
    g.push("FriendUserName", from);
    g.push("OuterId", "0");
    g.push("OldUserCardCode", code);
    Pusher::push(push, &world.appid, g);
}

/// A user opened a card in their wallet (`user_view_card`, from `/__emulator/view`):
/// `UserCardCode` is one of the user's codes of the card, empty when they hold none.
pub fn viewed(push: &Arc<Pusher>, world: &World, card_id: &str, openid: &str) {
    if lock(&push.config).is_none() {
        return;
    }
    let mut f = base(world, ORIGINAL_ID, openid, "user_view_card");
    f.push("CardId", card_id);
    f.push("UserCardCode", first_code_of(world, card_id, openid));
    f.push("OuterStr", "");
    Pusher::push(push, &world.appid, f);
}

/// A user deleted a card from their wallet.
pub fn deleted(push: &Arc<Pusher>, world: &World, card_id: &str, code: &str, openid: &str) {
    let mut f = base(world, ORIGINAL_ID, openid, "user_del_card");
    f.push("CardId", card_id);
    f.push("UserCardCode", code);
    Pusher::push(push, &world.appid, f);
}

/// A 券点 ledger entry, as it stands in the world.
pub fn order(push: &Arc<Pusher>, world: &World, order_id: &str) {
    let Some(o) = world.coin.orders.iter().find(|o| o.order_id == order_id) else {
        return;
    };
    let mut f = base(world, ORIGINAL_ID, "mphelper", "card_pay_order");
    f.push("OrderId", &o.order_id);
    f.push("Status", &o.status);
    f.push("CreateOrderTime", o.create_time.to_string());
    f.push("PayFinishTime", o.pay_finish_time.to_string());
    f.push("Desc", &o.desc);
    f.push("FreeCoinCount", o.free_coin_count.to_string());
    f.push("PayCoinCount", o.pay_coin_count.to_string());
    f.push("RefundFreeCoinCount", o.refund_free_coin_count.to_string());
    f.push("RefundPayCoinCount", o.refund_pay_coin_count.to_string());
    f.push("OrderType", &o.order_type);
    f.push("Memo", "");
    f.push("ReceiptInfo", "");
    Pusher::push(push, &world.appid, f);
}

/// How often the verify-ticket ticker looks at the emulator clock.
pub const VERIFY_TICKET_TICK: Duration = Duration::from_millis(200);

/// For a platform (`component_appid` in the push configuration): pushes a
/// `component_verify_ticket` at once and then every [`VERIFY_TICKET_EVERY_MS`] of
/// emulator clock (`/__emulator/clock` moves it). When the emulator's open platform is
/// set up for that AppID the ticket pushed is the platform's own new ticket (the one
/// `api_component_token` then accepts, the older one answering 61006), as WeChat's
/// is; otherwise a fresh random one. Runs until `stop` says so.
pub fn start_verify_tickets(
    shared: &Arc<super::world::Shared>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    every(shared, stop, VERIFY_TICKET_TICK, push_due_ticket);
}

/// The verify ticket, pushed when it is due by the emulator's clock.
fn push_due_ticket(shared: &super::world::Shared) {
    let Some(appid) = lock(&shared.push.config)
        .as_ref()
        .and_then(|c| c.component_appid.clone())
    else {
        return;
    };
    let now_ms = super::world::clock_now(&shared.clock);
    if now_ms < shared.push.next_ticket_ms.load(Ordering::Relaxed) {
        return;
    }
    shared.push.next_ticket_ms.store(
        now_ms.saturating_add(VERIFY_TICKET_EVERY_MS),
        Ordering::Relaxed,
    );
    let ours = lock(&shared.platform.state)
        .as_ref()
        .is_some_and(|s| s.component_appid == appid);
    let (ticket, created_s) = match ours.then(|| shared.platform.push_ticket()).flatten() {
        Some(minted) => minted,
        None => (
            format!("ticket@@@{:032x}", rand::random::<u128>()),
            now_ms.div_euclid(1000),
        ),
    };
    verify_ticket(&shared.push, &appid, &ticket, created_s);
}

/// A `component_verify_ticket` for the platform `component_appid` (reference §16).
pub fn verify_ticket(push: &Arc<Pusher>, component_appid: &str, ticket: &str, created_s: i64) {
    *lock(&push.last_ticket) = Some(ticket.to_string());
    let mut f = Fields::default();
    f.push("AppId", component_appid);
    f.push("CreateTime", created_s.to_string());
    f.push("InfoType", "component_verify_ticket");
    f.push("ComponentVerifyTicket", ticket);
    Pusher::push(push, component_appid, f);
}

/// An authorisation change pushed to the platform's authorisation-event URL
/// (reference §16): `info_type` is `authorized`, `updateauthorized` or
/// `unauthorized`; the first two carry the authorization code (`code`: the code and
/// its expiry, Unix seconds).
pub fn authorization(
    push: &Arc<Pusher>,
    component_appid: &str,
    now_s: i64,
    info_type: &str,
    authorizer_appid: &str,
    code: Option<(&str, i64)>,
) {
    let mut f = Fields::default();
    f.push("AppId", component_appid);
    f.push("CreateTime", now_s.to_string());
    f.push("InfoType", info_type);
    f.push("AuthorizerAppid", authorizer_appid);
    if let Some((code, expires_s)) = code {
        f.push("AuthorizationCode", code);
        f.push("AuthorizationCodeExpiredTime", expires_s.to_string());
        f.push(
            "PreAuthCode",
            format!("preauthcode@@@{:016x}", rand::random::<u64>()),
        );
    }
    Pusher::push(push, component_appid, f);
}

/// A user entered the account's chat from a card (`user_enter_session_from_card`,
/// from `/__emulator/enter_session`): in WeChat, the user taps the Official Account
/// entry on a card's detail page (they must follow the account). `UserCardCode` is one
/// of the user's codes of the card, empty when they hold none.
pub fn entered_session(push: &Arc<Pusher>, world: &World, card_id: &str, openid: &str) {
    if lock(&push.config).is_none() {
        return;
    }
    let mut f = base(world, ORIGINAL_ID, openid, "user_enter_session_from_card");
    f.push("CardId", card_id);
    f.push("UserCardCode", first_code_of(world, card_id, openid));
    Pusher::push(push, &world.appid, f);
}

/// The user's first code of the card (in code order), empty when they hold none: what
/// the wallet events name as `UserCardCode`.
fn first_code_of<'w>(world: &'w World, card_id: &str, openid: &str) -> &'w str {
    world
        .codes
        .iter()
        .filter(|(_, rec)| rec.card_id == card_id && rec.openid == openid)
        .map(|(code, _)| code.as_str())
        .min()
        .unwrap_or("")
}

/// After a WeChat API call succeeded (the router calls this under the world lock; it
/// only builds messages and spawns their delivery).
pub fn after_call(push: &Arc<Pusher>, world: &World, path: &str, input: &Input) {
    if lock(&push.config).is_none() {
        return;
    }
    match path {
        "/card/code/consume" => {
            let Some(code) = input.json.get("code").and_then(Value::as_str) else {
                return;
            };
            let Some(rec) = world.codes.get(code) else {
                return;
            };
            let mut f = base(world, ORIGINAL_ID, &rec.openid, "user_consume_card");
            f.push("CardId", &rec.card_id);
            f.push("UserCardCode", code);
            f.push("ConsumeSource", "FROM_API");
            f.push("LocationName", "");
            f.push("StaffOpenId", "");
            Pusher::push(push, &world.appid, f);
        }
        "/card/pay/confirm" | "/card/pay/recharge" => {
            if let Some(o) = world.coin.orders.last() {
                order(push, world, &o.order_id.clone());
            }
        }
        _ => {}
    }
}
