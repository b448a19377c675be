//! The plan: what will happen to each card, and why. Serialisable, so a saved plan is
//! exactly what was reviewed.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::diff::FieldChange;
use super::note::Note;
use crate::live::ReviewStatus;
use crate::model::{Canonical, Card, CardType};
use cardform_spec::Points;
use cardform_spec::rules::UpdateClass;

/// The plan's JSON format version (`--format json`, saved plans). 2: 券点 prices
/// (`stock.price`, `coins`).
pub const FORMAT_VERSION: &str = "2";

/// What happens to one card. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NoOp,
    /// Only `modifystock`.
    Stock,
    /// `card/update` without re-review.
    Update,
    /// `card/update` that sends the card back to review.
    UpdateReview,
    Create,
    /// A new card (new card_id) is created first, then the old one deleted.
    Replace,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::NoOp => "no-op",
            Action::Stock => "stock",
            Action::Update => "update",
            Action::UpdateReview => "update+review",
            Action::Create => "create",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }

    pub fn is_change(self) -> bool {
        self != Action::NoOp
    }
}

/// A stock change: `modifystock` with the delta against WeChat's `total_quantity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockChange {
    pub from: u64,
    pub to: u64,
    pub delta: i64,
    /// Friends coupons buy stock with 券点 (paid, irreversible).
    pub coin_purchase: bool,
    /// What the purchase costs, as planned (a coin purchase only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<CoinPrice>,
    /// `[policy] buy_stock = "after_approval"`: the new card is created without stock,
    /// which is bought once WeChat approved it (a later apply, or
    /// `apply --wait-for-review`); this apply buys nothing for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_approval: bool,
}

/// The price of one 券点 purchase (1 点 = ¥1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinPrice {
    /// Total price in points (exact: one voucher costs 0.2).
    pub price: Points,
    /// How much of it free points cover, and how much paid points do.
    pub free_coin: Points,
    pub pay_coin: Points,
    /// Where the price comes from.
    pub source: PriceSource,
}

/// Where a planned price comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    /// `card/pay/getpayprice` answered it.
    Quoted,
    /// The card does not exist yet (a create or a replacement), so there is no card_id
    /// to quote: the reference price table (`cardform_spec::coin`); apply quotes once
    /// the card exists and stops if the quote is higher.
    Estimated,
}

/// The 券点 side of a plan: what its purchases cost together, the account's points and
/// the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinSummary {
    /// How many cards buy stock.
    pub purchases: usize,
    /// The total price, and how much free and paid points cover (free ones first).
    pub price: Points,
    pub free_coin: Points,
    pub pay_coin: Points,
    /// `card/pay/getcoinsinfo` when the plan was made.
    pub balance: CoinBalance,
    /// `[policy] max_coins_per_apply` (or `--max-coins` on apply).
    pub budget: Option<Points>,
    /// `[policy] allow_coin_purchase`: the project lets apply buy without
    /// `--allow-coin-purchase` (the plan says which consent applies).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allowed: bool,
}

/// The account's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinBalance {
    pub free_coin: Points,
    pub pay_coin: Points,
    pub total_coin: Points,
}

impl CoinSummary {
    /// How far the price exceeds the budget, if it does.
    pub fn over_budget(&self) -> Option<Points> {
        self.budget
            .and_then(|b| self.price.checked_sub(b))
            .filter(|by| !by.is_zero())
    }

    /// How far the price exceeds the points held, if it does.
    pub fn over_balance(&self) -> Option<Points> {
        self.price
            .checked_sub(self.balance.total_coin)
            .filter(|by| !by.is_zero())
    }
}

/// The plan for one card address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    pub address: String,
    /// The current card_id (None for a create).
    pub card_id: Option<String>,
    pub card_type: Option<CardType>,
    pub action: Action,
    /// Whether the card will go back to review (`CARD_STATUS_NOT_VERIFY`).
    pub triggers_review: bool,
    /// The user's changes (live → desired), each with its class and rule.
    pub changes: Vec<FieldChange>,
    /// Changes made outside cardform (last applied → live).
    pub drift: Vec<FieldChange>,
    pub stock: Option<StockChange>,
    /// Live content (None when there is no live card). Shared with the refresh's
    /// [`crate::live::LiveCard::content`], not copied.
    pub before: Option<Arc<Canonical>>,
    /// Desired content (None for a delete).
    pub after: Option<Arc<Canonical>>,
    /// The desired card as typed in the files, so apply can resolve images and
    /// references exactly as planned.
    pub desired: Option<Box<Card>>,
    pub review_status: Option<ReviewStatus>,
    /// Compared fields that did not change.
    pub unchanged: usize,
    /// The title WeChat will give a friends CASH/GIFT coupon.
    pub derived_title: Option<String>,
    /// A fingerprint of the live content when planned (saved-plan staleness).
    pub live_fingerprint: Option<String>,
    /// Addresses of managed cards this card refers to (created or replaced first).
    pub depends_on: Vec<String>,
    /// Something the reader must know (deleted outside cardform, deposed card…).
    pub notes: Vec<Note>,
    /// False when the card was planned from the last applied state without reading it
    /// (`plan --refresh=changed`: nothing changed since its last apply). Absent (true)
    /// in plans saved before the option existed.
    #[serde(default = "refreshed_by_default", skip_serializing_if = "is_true")]
    pub refreshed: bool,
}

fn refreshed_by_default() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl ResourceChange {
    /// The fields that force a replacement.
    pub fn replace_reasons(&self) -> impl Iterator<Item = &FieldChange> {
        self.changes
            .iter()
            .filter(|c| c.class == UpdateClass::Replace)
    }

    /// The fields that trigger re-review.
    pub fn review_reasons(&self) -> impl Iterator<Item = &FieldChange> {
        self.changes
            .iter()
            .filter(|c| c.class == UpdateClass::Review)
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub review: usize,
    pub replace: usize,
    pub delete: usize,
    pub stock: usize,
    pub no_op: usize,
    pub drifted: usize,
}

/// A whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: String,
    /// Only report drift; the plan changes nothing.
    pub refresh_only: bool,
    pub resource_changes: Vec<ResourceChange>,
    pub summary: Summary,
    /// Settings the project file proposes to change while the plan ran on trusted
    /// settings (`--trusted-settings`): shown for review, in force only after merge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<SettingChange>,
    /// The file proposing `settings` when it is not the project's `cardform.toml`: a
    /// platform account's `accounts/<name>/account.toml` (the reports name it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_file: Option<String>,
    /// How the managed cards were read (`--refresh`); `None` in plans built without a
    /// session (tests) and in plans saved before the option existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshSummary>,
    /// API calls the plan made and applying it will make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_calls: Option<ApiCalls>,
    /// The 券点 the plan spends (None when it buys no stock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coins: Option<CoinSummary>,
    /// The test whitelist change (None when cardform.toml and the state agree).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whitelist: Option<WhitelistChange>,
    /// True when its values not known until apply are typed
    /// ([`crate::model::pending`]); false in plans saved by versions that wrote them as
    /// text, which [`Plan::read_legacy_pending`] converts when such a plan is read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typed_pending: bool,
    /// The sub-merchants the files declare (`super::sub_merchants`); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_merchants: Vec<super::sub_merchants::SubMerchantChange>,
    /// Cards held back until their sub-merchant is approved; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<super::sub_merchants::WaitingCard>,
}

/// `[test_whitelist]`: what `card/testwhitelist/set` will send (a full replacement),
/// against what cardform last set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhitelistChange {
    /// The whole list to send (empty: clear it).
    pub openids: Vec<String>,
    pub usernames: Vec<String>,
    /// Entries added and removed against the last set list.
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

pub use crate::config::trust::SettingChange;

impl Plan {
    pub fn new(mut resource_changes: Vec<ResourceChange>, refresh_only: bool) -> Plan {
        // Addresses are unique, so an unstable (in-place, allocation-free) sort is exact.
        resource_changes.sort_unstable_by(|a, b| a.address.cmp(&b.address));
        let summary = Summary::of(&resource_changes);
        Plan {
            format_version: FORMAT_VERSION.to_string(),
            refresh_only,
            resource_changes,
            summary,
            settings: Vec::new(),
            settings_file: None,
            refresh: None,
            api_calls: None,
            coins: None,
            whitelist: None,
            typed_pending: true,
            sub_merchants: Vec::new(),
            waiting: Vec::new(),
        }
    }
}

impl Summary {
    /// The counts of `resource_changes`.
    pub fn of(resource_changes: &[ResourceChange]) -> Summary {
        let mut s = Summary::default();
        for rc in resource_changes {
            match rc.action {
                Action::NoOp => s.no_op += 1,
                Action::Stock => {}
                Action::Update => s.update += 1,
                Action::UpdateReview => {
                    s.update += 1;
                    s.review += 1;
                }
                Action::Create => s.create += 1,
                Action::Replace => s.replace += 1,
                Action::Delete => s.delete += 1,
            }
            // A new card's stock is part of its create, not a stock change of its own.
            if rc.stock.is_some() && !matches!(rc.action, Action::Create | Action::Replace) {
                s.stock += 1;
            }
            if !rc.drift.is_empty() {
                s.drifted += 1;
            }
        }
        s
    }
}

impl Plan {
    /// A plan saved before pending values were typed carries them as their text
    /// (`(known after apply): upload assets/logo.png`): turns each back into the
    /// pending value it stood for, so the plan shows and applies as it did when it was
    /// reviewed. Plans with typed values are left alone, so a user's text that begins
    /// with those words stays a text.
    pub fn read_legacy_pending(&mut self) {
        if self.typed_pending {
            return;
        }
        for rc in &mut self.resource_changes {
            for content in [&mut rc.before, &mut rc.after].into_iter().flatten() {
                Arc::make_mut(content)
                    .values_mut()
                    .for_each(crate::model::pending::read_legacy);
            }
            for f in rc.changes.iter_mut().chain(rc.drift.iter_mut()) {
                for v in [&mut f.before, &mut f.after].into_iter().flatten() {
                    crate::model::pending::read_legacy(v);
                }
            }
        }
        self.typed_pending = true;
    }

    /// Whether applying the plan would change anything.
    pub fn has_changes(&self) -> bool {
        if self.refresh_only {
            return self.summary.drifted > 0;
        }
        self.whitelist.is_some()
            || self.resource_changes.iter().any(|r| r.action.is_change())
            || self.sub_merchants.iter().any(|s| s.action.is_change())
    }

    /// The 券点 purchases this apply makes: card and price (not those that wait for the
    /// card's approval).
    pub fn coin_purchases(&self) -> impl Iterator<Item = (&ResourceChange, &StockChange)> {
        self.resource_changes.iter().filter_map(|rc| {
            rc.stock
                .as_ref()
                .filter(|s| s.coin_purchase && !s.after_approval)
                .map(|s| (rc, s))
        })
    }
}

/// Which managed cards the plan reads with `card/get`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefreshMode {
    /// Every card (the default, and the nightly drift check).
    #[default]
    All,
    /// Only cards whose files or state changed since their last apply; the others are
    /// planned from the last applied state.
    Changed,
}

impl RefreshMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefreshMode::All => "all",
            RefreshMode::Changed => "changed",
        }
    }
}

/// How the plan refreshed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshSummary {
    pub mode: RefreshMode,
    /// Managed cards read with `card/get`.
    pub refreshed: usize,
    /// Managed cards planned from the last applied state (unchanged since their last
    /// apply), so a change made outside cardform to them is not seen.
    pub not_refreshed: usize,
}

/// API calls: what the plan made and what applying it will make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCalls {
    /// Every HTTP request the plan sent (token fetches and retries included).
    pub made_by_plan: u64,
    /// What `cardform apply` of this plan will send without faults: a token, the
    /// refresh of the cards this plan refreshed (a saved plan is checked against the
    /// live cards), image uploads, each change and its read-back.
    pub apply_will_make: u64,
}
