//! The emulated world: cards, codes, 券点, whitelist, statistics, tokens, quotas, and
//! the clock. One mutex guards it; handlers run synchronously under it, so every
//! request sees and leaves a consistent world. Mutations go through [`World::commit`],
//! which journals the new record before it becomes visible.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;

use super::config::EmulatorConfig;
use super::error::EmulatorError;
use super::persistence::{Entry, Snapshot, SnapshotRef, Store};
use super::records::{
    CardRecord, CardStatus, CodeRecord, CoinState, DayStat, FaultRule, FaultSet, MemberRecord,
    PayGiftRule, QuotaState, SpecialCardRecord, StoreRecord, TicketRecord, TokenStore, Whitelist,
};
use super::reply::ApiError;

/// Locks a mutex; a poisoned lock (a panicked handler) still yields the data, which
/// handlers only change through whole-record commits.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Milliseconds since the Unix epoch on a clock offset by `offset`.
pub fn clock_now(offset: &AtomicI64) -> i64 {
    let sys = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    sys.saturating_add(offset.load(Ordering::Relaxed))
}

/// The open platform, whose authorizers each hold a [`World`].
pub type Platform = super::platform::Platform<World>;

/// Everything the server tasks share.
pub struct Shared {
    pub world: Mutex<World>,
    pub faults: Mutex<FaultSet>,
    /// Lets the hot path skip the fault lock when there are no rules.
    pub faults_active: AtomicBool,
    pub calls: Mutex<CallLog>,
    pub latency_ms: u64,
    /// The emulator clock's offset from the system clock (ms); shared with the world
    /// so the call log can read the time without the world lock.
    pub clock: Arc<AtomicI64>,
    /// The open platform (third-party platform) and its authorizers' worlds.
    pub platform: Platform,
    /// Where push events go (`crate::push`), when configured.
    pub push: Arc<crate::push::Pusher>,
    /// WeChat calls being handled now, and the most ever at once (admin
    /// `GET /__emulator/concurrency`; `POST` restarts the peak from now).
    pub in_flight: AtomicU64,
    pub in_flight_peak: AtomicU64,
    rid: AtomicU64,
}

impl Shared {
    /// Builds the shared state, loading the data file if configured.
    ///
    /// # Errors
    /// The data file is unreadable, corrupt or locked by another emulator.
    pub fn open(config: &EmulatorConfig) -> Result<Shared, EmulatorError> {
        let mut world = World::new(config);
        if let Some(path) = &config.data {
            let (store, snapshot, journal) = Store::open(path)?;
            let needs_snapshot = !journal.is_empty() || !store.snapshot_existed();
            if store.snapshot_existed() {
                // A new world keeps what World::new set up (e.g. opened 券点).
                world.coin = snapshot.coin.clone();
            }
            world.load(snapshot, journal);
            world.store = Some(store);
            // Fold a previous run's journal into the snapshot (or create the file), so
            // the journal only holds this run; skipped when there is nothing to fold,
            // so start-up stays fast with a large world.
            if needs_snapshot {
                world.flush()?;
            }
        }
        let faults = FaultSet::new(config.faults.clone());
        let clock = world.clock.clone();
        let template = EmulatorConfig {
            data: None,
            faults: Vec::new(),
            platform: None,
            ..config.clone()
        };
        let world_clock = clock.clone();
        let platform = Platform::new(
            config.platform.as_ref(),
            config.token_ttl_secs,
            clock.clone(),
            Box::new(move |appid: &str, index: u64| {
                let mut c = template.clone();
                c.appid = appid.to_string();
                // A merchant's own stores, not the main account's.
                c.pois = cardform_spec::sandbox::authorizer_poi_ids(index);
                let mut w = World::new(&c);
                w.clock = world_clock.clone();
                w
            }),
        );
        Ok(Shared {
            platform,
            faults_active: AtomicBool::new(!faults.is_empty()),
            faults: Mutex::new(faults),
            world: Mutex::new(world),
            calls: Mutex::new(CallLog::default()),
            latency_ms: config.latency_ms,
            clock,
            push: Arc::default(),
            in_flight: AtomicU64::new(0),
            in_flight_peak: AtomicU64::new(0),
            rid: AtomicU64::new(1),
        })
    }

    /// A trace id for an error message, WeChat's `rid: …` suffix.
    pub fn next_rid(&self) -> String {
        let n = self.rid.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{:08x}", std::process::id(), n)
    }

    /// Replaces the fault rules (counters and random streams restart).
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        let set = FaultSet::new(rules);
        self.faults_active.store(!set.is_empty(), Ordering::Relaxed);
        *lock(&self.faults) = set;
    }
}

/// Prices per voucher in tenths of a point, by the rows of `cardform_spec::coin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct CoinPrices {
    pub no_threshold: u64,
    pub with_threshold: u64,
}

/// The world behind the API.
pub struct World {
    pub appid: String,
    pub secret: String,
    pub review_delay_ms: u64,
    pub token_ttl_secs: u64,
    /// Added to the system clock (ms); moved forward through the admin API in tests.
    pub clock: Arc<AtomicI64>,
    pub cards: HashMap<String, CardRecord>,
    /// card_ids in creation order (batchget pages through this).
    pub order: Vec<String>,
    pub next_seq: u64,
    pub tokens: TokenStore,
    pub codes: HashMap<String, CodeRecord>,
    pub coin: CoinState,
    /// A price list set through the admin API (WeChat may change its prices); `None`:
    /// the reference table. In memory only, like the quota limits.
    pub coin_prices: Option<CoinPrices>,
    /// How answers write amounts, counts and datacube envelopes (config, admin API).
    pub shapes: crate::shapes::Shapes,
    pub whitelist: Whitelist,
    /// Per (Beijing date, card_id) counters for the datacube.
    pub stats: BTreeMap<(String, String), DayStat>,
    pub quota: QuotaState,
    pub store: Option<Store>,
    /// The account's stores (poi_ids): the config's, and those `card/location/batchadd`
    /// imported.
    pub pois: std::collections::BTreeSet<u64>,
    /// Imported stores, with their details, by poi_id.
    pub stores: BTreeMap<u64, StoreRecord>,
    /// Member cards and tickets (not coupons), by card_id.
    pub special_cards: HashMap<String, SpecialCardRecord>,
    /// Members' data, by member-card code.
    pub members: HashMap<String, MemberRecord>,
    /// Ticket fields, by ticket code.
    pub tickets: HashMap<String, TicketRecord>,
    /// Pay-gift rules, by rule_id.
    pub pay_gift_rules: BTreeMap<u64, PayGiftRule>,
    /// Activation-form answers (`info`) by activate_ticket. In memory only: a ticket
    /// serves the one callback it was made for (the answers themselves are kept on
    /// the member).
    pub activate_tickets: HashMap<String, serde_json::Value>,
    /// Sub-merchants and temporary media (`crate::submerchant`).
    pub sub_merchants: crate::submerchant::SubMerchants,
}

impl World {
    pub fn new(config: &EmulatorConfig) -> World {
        World {
            appid: config.appid.clone(),
            secret: config.secret.clone(),
            review_delay_ms: config.review_delay_ms,
            token_ttl_secs: config.token_ttl_secs,
            clock: Arc::new(AtomicI64::new(0)),
            cards: HashMap::new(),
            order: Vec::new(),
            next_seq: 1,
            tokens: TokenStore::default(),
            codes: HashMap::new(),
            // Data loaded after this replaces it: an existing world keeps its points.
            coin: if config.coins_activated {
                CoinState::activated()
            } else {
                CoinState::default()
            },
            coin_prices: None,
            shapes: config.shapes,
            whitelist: Whitelist::default(),
            stats: BTreeMap::new(),
            quota: QuotaState::default(),
            store: None,
            pois: config.pois.iter().copied().collect(),
            stores: BTreeMap::new(),
            special_cards: HashMap::new(),
            members: HashMap::new(),
            tickets: HashMap::new(),
            pay_gift_rules: BTreeMap::new(),
            activate_tickets: HashMap::new(),
            sub_merchants: crate::submerchant::SubMerchants::default(),
        }
    }

    /// Milliseconds since the Unix epoch, on the emulator's clock.
    pub fn now_ms(&self) -> i64 {
        clock_now(&self.clock)
    }

    /// Unix seconds on the emulator's clock.
    pub fn now_s(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Journals `entry`, then makes it visible. Nothing is visible that is not durable
    /// against a crash of this process.
    ///
    /// # Errors
    /// The journal could not be written: -1 (system error), and nothing changed.
    pub fn commit(&mut self, entry: Entry) -> Result<(), ApiError> {
        self.commit_all(vec![entry])
    }

    /// Journals several records in one write (one mutation that touches several
    /// records, e.g. a claim: card stock, code, statistics), then makes them visible.
    ///
    /// # Errors
    /// The journal could not be written: -1 (system error), and nothing changed.
    pub fn commit_all(&mut self, entries: Vec<Entry>) -> Result<(), ApiError> {
        if let Some(store) = &mut self.store
            && let Err(e) = store.append(&entries)
        {
            eprintln!(
                "{}",
                cardform_i18n::tr!("emu-journal-write", error = e.to_string())
            );
            return Err(ApiError::new(-1));
        }
        for entry in entries {
            self.apply(entry);
        }
        if self.store.as_ref().is_some_and(|s| s.should_compact())
            && let Err(e) = self.flush()
        {
            // The journal still has everything; compaction is retried later.
            eprintln!("cardform emulator: {e}");
        }
        Ok(())
    }

    fn apply(&mut self, entry: Entry) {
        match entry {
            Entry::Card(rec) => {
                if !self.cards.contains_key(&rec.id) {
                    self.order.push(rec.id.clone());
                }
                self.next_seq = self.next_seq.max(rec.seq.saturating_add(1));
                self.cards.insert(rec.id.clone(), rec);
            }
            Entry::Code(code) => {
                self.codes.insert(code.code.clone(), code);
            }
            Entry::Coin(coin) => self.coin = coin,
            Entry::Whitelist(w) => self.whitelist = w,
            Entry::Stat(stat) => {
                self.stats
                    .insert((stat.date.clone(), stat.card_id.clone()), stat);
            }
            Entry::SpecialCard(card) => {
                self.next_seq = self.next_seq.max(card.seq.saturating_add(1));
                self.special_cards.insert(card.id.clone(), card);
            }
            Entry::Member(member) => {
                self.members.insert(member.code.clone(), member);
            }
            Entry::Ticket(ticket) => {
                self.tickets.insert(ticket.code.clone(), ticket);
            }
            Entry::Store(store) => {
                self.pois.insert(store.location_id);
                self.stores.insert(store.location_id, store);
            }
            Entry::PayGift(rule) => {
                self.pay_gift_rules.insert(rule.rule_id, rule);
            }
            Entry::SubMerchant(m) => self.sub_merchants.put_merchant(m),
            Entry::Media(m) => self.sub_merchants.put_media(m),
        }
    }

    fn load(&mut self, snapshot: Snapshot, journal: Vec<Entry>) {
        for card in snapshot.cards {
            self.apply(Entry::Card(card));
        }
        for code in snapshot.codes {
            self.apply(Entry::Code(code));
        }
        self.whitelist = snapshot.whitelist;
        for stat in snapshot.stats {
            self.apply(Entry::Stat(stat));
        }
        let later = (snapshot.special_cards.into_iter().map(Entry::SpecialCard))
            .chain(snapshot.members.into_iter().map(Entry::Member))
            .chain(snapshot.tickets.into_iter().map(Entry::Ticket))
            .chain(snapshot.stores.into_iter().map(Entry::Store))
            .chain(snapshot.pay_gift_rules.into_iter().map(Entry::PayGift))
            .chain(snapshot.sub_merchants.into_iter().map(Entry::SubMerchant))
            .chain(snapshot.media.into_iter().map(Entry::Media));
        for entry in later {
            self.apply(entry);
        }
        for entry in journal {
            self.apply(entry);
        }
        let cards = &self.cards;
        self.order
            .sort_by_key(|id| cards.get(id).map(|c| c.seq).unwrap_or(u64::MAX));
    }

    /// Writes a fresh snapshot and empties the journal (no-op without a data file).
    ///
    /// # Errors
    /// The snapshot could not be written; the journal is left as it was.
    pub fn flush(&mut self) -> Result<(), EmulatorError> {
        let Some(mut store) = self.store.take() else {
            return Ok(());
        };
        // A read-only run (a no-op plan of the sandbox) rewrites nothing: no need to
        // write and fsync the whole snapshot again.
        if store.is_clean() {
            self.store = Some(store);
            return Ok(());
        }
        let result = store.compact(&self.snapshot_view());
        self.store = Some(store);
        result
    }

    fn snapshot_view(&self) -> SnapshotRef<'_> {
        SnapshotRef {
            cards: self
                .order
                .iter()
                .filter_map(|id| self.cards.get(id))
                .collect(),
            codes: self.codes.values().collect(),
            coin: &self.coin,
            whitelist: &self.whitelist,
            stats: self.stats.values().collect(),
            special_cards: self.special_cards.values().collect(),
            members: self.members.values().collect(),
            tickets: self.tickets.values().collect(),
            stores: self.stores.values().collect(),
            pay_gift_rules: self.pay_gift_rules.values().collect(),
            sub_merchants: self.sub_merchants.merchants.values().collect(),
            media: self.sub_merchants.media.values().collect(),
        }
    }

    /// The card, settled (a due automatic review applied), or 40073.
    pub fn card(&mut self, id: &str) -> Result<&CardRecord, ApiError> {
        let now = self.now_ms();
        match self.cards.get_mut(id) {
            Some(card) => {
                card.settle(now);
                Ok(card)
            }
            None => Err(ApiError::new(40073)),
        }
    }

    /// The member card or ticket `id` if it exists and is not deleted: `None` when it
    /// is no such card (maybe a coupon), 40073 when it was deleted.
    pub fn live_special_card(
        &self,
        id: &str,
    ) -> Result<Option<super::records::SpecialCardRecord>, ApiError> {
        match self.special_cards.get(id) {
            None => Ok(None),
            Some(c) if c.status == CardStatus::Delete => {
                Err(ApiError::with(40073, "(the card was deleted)"))
            }
            Some(c) => Ok(Some(c.clone())),
        }
    }

    /// The card if it exists and is not deleted, or 40073: WeChat does not act on
    /// deleted card definitions.
    pub fn live_card(&mut self, id: &str) -> Result<CardRecord, ApiError> {
        let card = self.card(id)?;
        if card.status == CardStatus::Delete {
            return Err(ApiError::with(40073, "(the card was deleted)"));
        }
        Ok(card.clone())
    }
}

/// One WeChat call as `GET /__emulator/calls` shows it. Never the token or secret:
/// only the path, without its query string.
#[derive(Debug, Clone, Serialize)]
pub struct CallRecord {
    pub seq: u64,
    pub at_ms: i64,
    pub method: String,
    pub path: String,
    /// The errcode answered; None when the connection was dropped or the reply had none.
    pub errcode: Option<i64>,
    /// HTTP status answered; 0 when the connection was dropped.
    pub status: u16,
    /// The fault that fired, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// The authorizer (third-party platform) the call was for: whose
    /// authorizer_access_token it carried, or whose token or info it asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer: Option<String>,
}

/// The most recent calls (bounded so long benchmarks do not grow memory).
#[derive(Default)]
pub struct CallLog {
    pub next_seq: u64,
    pub entries: VecDeque<CallRecord>,
}

/// How many calls the log keeps.
pub const CALL_LOG_CAPACITY: usize = 100_000;

impl CallLog {
    pub fn push(&mut self, mut rec: CallRecord) {
        self.next_seq += 1;
        rec.seq = self.next_seq;
        if self.entries.len() >= CALL_LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(rec);
    }
}
