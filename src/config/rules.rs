//! THE semantic-rule table: what the JSON Schema cannot say about a card.
//!
//! Each rule is one function with one row in [`RULES`], citing the reference row
//! (reference/wechat-card-api.md) it implements. Rules run on cards that passed the
//! schema, so types, enumerations (code_type, colours, business_service, time_limit
//! type, date_info type), number ranges and the generic `string(N)` byte limits are
//! already enforced there; rules add the cross-field and per-type constraints.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use chrono::{Duration, Timelike};

use super::desired::DesiredCard;
use super::diagnostic::Severity;
use crate::model::{
    Card, CardType, DateType, GetCustomCodeMode, ImageKind, ImageRef, MAX_WECHAT_TIMESTAMP,
    Timestamp, WECHAT_IMAGE_HOST, byte_limit_message, has_derived_title,
};

/// What the rules may look at besides the card.
pub struct RuleContext<'a> {
    /// The project folder (local image paths are relative to it).
    pub root: &'a Path,
    /// "Now", for the friends-coupon issue window.
    pub now: Timestamp,
    /// Every card of the project, for cross-card references.
    pub cards: &'a BTreeMap<String, DesiredCard>,
}

/// One problem a rule found in a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub address: String,
    /// Dotted path inside the card (`base_info.date_info.end_timestamp`).
    pub field: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

/// One semantic rule.
pub struct Rule {
    /// Short stable name.
    pub id: &'static str,
    /// The reference row(s) it implements.
    pub reference: &'static str,
    pub check: fn(&Checker<'_>, &Card, &mut Out<'_>),
}

/// THE table. Order is the order findings are produced in (output is re-sorted by
/// position anyway).
pub const RULES: &[Rule] = &[
    Rule {
        id: "type-fields",
        reference: "§3.2 type-specific fields (CASH least_cost+reduce_cost, DISCOUNT discount, GIFT gift or gift_name/num/unit for friends, GROUPON deal_detail, GENERAL_COUPON default_detail)",
        check: type_fields,
    },
    Rule {
        id: "title",
        reference: "§3.3 title required; §8.2 friends CASH/GIFT titles are generated",
        check: title,
    },
    Rule {
        id: "friends-type",
        reference: "§8.2/§8.3 friends coupons are CASH or GIFT",
        check: friends_type,
    },
    Rule {
        id: "friends-date-type",
        reference: "§3.4, §8.3 friends coupons use DATE_TYPE_FIX_TIME_RANGE only",
        check: friends_date_type,
    },
    Rule {
        id: "friends-locations",
        reference: "§3.3 location_id_list, §8.3 friends coupons need ≥ 1 poi_id",
        check: friends_locations,
    },
    Rule {
        id: "friends-no-share",
        reference: "§3.3 can_share / can_give_friend, §8.3 both must be false on friends coupons",
        check: friends_no_share,
    },
    Rule {
        id: "friends-text-image",
        reference: "§3.5 text_image_list, §8.3 friends coupons need ≥ 1 entry",
        check: friends_text_image,
    },
    Rule {
        id: "consume-share",
        reference: "§3.5 consume_share_self_num (≤ 1) XOR consume_share_card_list (one shared card, num 1); friends only",
        check: consume_share,
    },
    Rule {
        id: "friends-thresholds",
        reference: "§8.2 threshold fields allowed per type (CASH: least_cost, accept/reject_category, can_use_with_other_discount; GIFT: least_cost, object_use_for, can_use_with_other_discount)",
        check: friends_thresholds,
    },
    Rule {
        id: "friends-lengths",
        reference: "§3.3, §8.3 friends-coupon field lengths (notice 12, description 1000, center_title 9, center_sub_title 12, custom_url_name 5, sub-titles 6 汉字)",
        check: friends_lengths,
    },
    Rule {
        id: "date-info",
        reference: "§3.4 FIX_TIME_RANGE needs begin < end; FIX_TERM needs fixed_term",
        check: date_info,
    },
    Rule {
        id: "date-2038",
        reference: "Conventions: timestamps before 2038-01-19 (DOC-2038)",
        check: date_2038,
    },
    Rule {
        id: "date-end-of-day",
        reference: "§3.4 end_timestamp: set it to 23:59:59 of the last day (warning)",
        check: date_end_of_day,
    },
    Rule {
        id: "date-expired",
        reference: "§3.4 a window that has already ended cannot be claimed (warning)",
        check: date_expired,
    },
    Rule {
        id: "friends-issue-window",
        reference: "§8.1 V1.4 / §8.3 friends coupons can be issued at most 5 days before they take effect (warning)",
        check: friends_issue_window,
    },
    Rule {
        id: "time-limit",
        reference: "§3.5 time_limit: hours 0-23, minutes 0-59, begin and end together, end after begin",
        check: time_limit,
    },
    Rule {
        id: "sku-quantity",
        reference: "§3.3 sku.quantity 1..100,000,000; 0 only (and required) in import-code mode",
        check: sku_quantity,
    },
    Rule {
        id: "limits",
        reference: "§3.3 get_limit / use_limit ≥ 1",
        check: limits,
    },
    Rule {
        id: "locations-exclusive",
        reference: "§3.3 use_all_locations is mutually exclusive with location_id_list",
        check: locations_exclusive,
    },
    Rule {
        id: "icon-url-list",
        reference: "§3.5 abstract.icon_url_list: exactly one image",
        check: icon_url_list,
    },
    Rule {
        id: "images",
        reference: "§6.5 uploadimg: JPG/PNG ≤ 1 MB; logo_url/icon_url_list/image_url must be uploadimg (mmbiz.qpic.cn) URLs",
        check: images,
    },
];

/// Runs every rule on every card.
pub fn check_all(ctx: &RuleContext<'_>) -> Vec<Finding> {
    let checker = Checker {
        ctx,
        images: RefCell::new(HashMap::new()),
    };
    let mut findings = Vec::new();
    for card in ctx.cards.values() {
        checker.check_card(&card.address, &card.card, &mut findings);
    }
    findings
}

/// An image's verdict: Ok, or (what is wrong, what to do).
type ImageCheck = Result<(), (String, String)>;

/// Runs the rules with per-run caches (each local image is read once).
pub struct Checker<'a> {
    pub ctx: &'a RuleContext<'a>,
    images: RefCell<HashMap<String, ImageCheck>>,
}

impl Checker<'_> {
    fn check_card(&self, address: &str, card: &Card, findings: &mut Vec<Finding>) {
        let mut out = Out { address, findings };
        for rule in RULES {
            (rule.check)(self, card, &mut out);
        }
    }
}

/// Where a rule writes its findings.
pub struct Out<'a> {
    address: &'a str,
    findings: &'a mut Vec<Finding>,
}

impl Out<'_> {
    fn push(&mut self, severity: Severity, field: &str, message: String, help: Option<String>) {
        self.findings.push(Finding {
            address: self.address.to_string(),
            field: field.to_string(),
            severity,
            message,
            help,
        });
    }
    fn error(&mut self, field: &str, message: impl Into<String>, help: impl Into<String>) {
        self.push(Severity::Error, field, message.into(), Some(help.into()));
    }
    fn warn(&mut self, field: &str, message: impl Into<String>, help: impl Into<String>) {
        self.push(Severity::Warning, field, message.into(), Some(help.into()));
    }
}

fn friends_rule(card: &Card) -> bool {
    card.is_friends()
}

// ---------------------------------------------------------------- per-type fields

/// When a type-specific field is required or allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    Friends,
    NotFriends,
}

impl When {
    fn holds(self, friends: bool) -> bool {
        match self {
            When::Always => true,
            When::Friends => friends,
            When::NotFriends => !friends,
        }
    }
}

/// (field, the type it belongs to, required when, allowed when) — reference §3.2.
const TYPE_FIELDS: &[(&str, CardType, When, When)] = &[
    ("least_cost", CardType::Cash, When::Always, When::Always),
    ("reduce_cost", CardType::Cash, When::Always, When::Always),
    ("discount", CardType::Discount, When::Always, When::Always),
    ("gift", CardType::Gift, When::NotFriends, When::Always),
    ("gift_name", CardType::Gift, When::Friends, When::Friends),
    ("gift_num", CardType::Gift, When::Friends, When::Friends),
    ("gift_unit", CardType::Gift, When::Friends, When::Friends),
    ("deal_detail", CardType::Groupon, When::Always, When::Always),
    (
        "default_detail",
        CardType::GeneralCoupon,
        When::Always,
        When::Always,
    ),
];

fn type_field_present(card: &Card, field: &str) -> bool {
    match field {
        "least_cost" => card.least_cost.is_some(),
        "reduce_cost" => card.reduce_cost.is_some(),
        "discount" => card.discount.is_some(),
        "gift" => card.gift.is_some(),
        "gift_name" => card.gift_name.is_some(),
        "gift_num" => card.gift_num.is_some(),
        "gift_unit" => card.gift_unit.is_some(),
        "deal_detail" => card.deal_detail.is_some(),
        "default_detail" => card.default_detail.is_some(),
        _ => false,
    }
}

fn type_fields(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let friends = card.is_friends();
    for &(field, owner, required, allowed) in TYPE_FIELDS {
        let present = type_field_present(card, field);
        if owner != card.card_type {
            if present {
                out.error(
                    field,
                    format!("`{field}` belongs to {owner} cards, not {}", card.card_type),
                    format!("remove it, or change card_type to {owner}"),
                );
            }
            continue;
        }
        if !present && required.holds(friends) {
            let what = if friends { "friends " } else { "" };
            out.error(
                field,
                format!("{what}{owner} cards need `{field}`"),
                format!("add `{field} = …` next to card_type"),
            );
        } else if present && !allowed.holds(friends) {
            out.error(
                field,
                format!(
                    "`{field}` is only used by friends {owner} coupons, with share_friends = true"
                ),
                "remove it, or set advanced_info.share_friends = true",
            );
        }
    }
    if card.card_type == CardType::Cash && card.reduce_cost == Some(0) {
        out.error(
            "reduce_cost",
            "reduce_cost is 0: the coupon would take nothing off",
            "give the amount off in fen (100 = ¥1)",
        );
    }
}

// ---------------------------------------------------------------- title

fn title(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let derived = has_derived_title(card);
    match (&card.base_info.title, derived) {
        (None, false) => out.error(
            "base_info.title",
            "missing required key `title`",
            "add `title = …` (≤ 27 bytes, 9 汉字) under base_info",
        ),
        (Some(_), true) => out.warn(
            "base_info.title",
            "WeChat replaces the title of friends CASH/GIFT coupons with one built from the amounts",
            "remove it; `cardform validate --verbose` shows the title the card will get",
        ),
        _ => {}
    }
}

// ---------------------------------------------------------------- friends coupons

fn friends_type(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card) && !matches!(card.card_type, CardType::Cash | CardType::Gift) {
        out.error(
            "advanced_info.share_friends",
            format!(
                "friends coupons must be CASH or GIFT, not {}",
                card.card_type
            ),
            "set share_friends = false, or change card_type",
        );
    }
}

fn friends_date_type(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card) && card.base_info.date_info.date_type != DateType::FixTimeRange {
        out.error(
            "base_info.date_info.type",
            "friends coupons must use DATE_TYPE_FIX_TIME_RANGE",
            "set type = \"DATE_TYPE_FIX_TIME_RANGE\" with begin_timestamp and end_timestamp",
        );
    }
}

fn friends_locations(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if friends_rule(card)
        && card
            .base_info
            .location_id_list
            .as_ref()
            .is_none_or(Vec::is_empty)
    {
        out.error(
            "base_info.location_id_list",
            "friends coupons need at least one store poi_id in location_id_list",
            "add location_id_list = [<poi_id>, …] under base_info",
        );
    }
}

fn friends_no_share(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    for (field, value) in [
        ("base_info.can_share", card.base_info.can_share),
        ("base_info.can_give_friend", card.base_info.can_give_friend),
    ] {
        let name = field.rsplit('.').next().unwrap_or(field);
        match value {
            Some(false) => {}
            Some(true) => out.error(
                field,
                format!("friends coupons cannot set {name} = true"),
                format!("set {name} = false"),
            ),
            None => out.error(
                field,
                format!("friends coupons must send {name} = false explicitly"),
                format!("add {name} = false under base_info"),
            ),
        }
    }
}

fn friends_text_image(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let empty = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.text_image_list.as_ref())
        .is_none_or(Vec::is_empty);
    if friends_rule(card) && empty {
        let help = format!(
            "add [[cards.{}.advanced_info.text_image_list]] with image_url and text",
            out.address
        );
        out.error(
            "advanced_info.text_image_list",
            "friends coupons need at least one text_image_list entry",
            help,
        );
    }
}

fn consume_share(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let Some(adv) = &card.advanced_info else {
        return;
    };
    let list = adv.consume_share_card_list.as_deref().unwrap_or(&[]);
    let friends = card.is_friends();
    if !friends {
        if adv.consume_share_self_num.is_some() {
            out.error(
                "advanced_info.consume_share_self_num",
                "consume_share_self_num is only for friends coupons",
                "remove it, or set share_friends = true",
            );
        }
        if adv.consume_share_card_list.is_some() {
            out.error(
                "advanced_info.consume_share_card_list",
                "consume_share_card_list is only for friends coupons",
                "remove it, or set share_friends = true",
            );
        }
        return;
    }
    if adv.consume_share_self_num.is_some() && !list.is_empty() {
        out.error(
            "advanced_info.consume_share_card_list",
            "consume_share_self_num and consume_share_card_list are mutually exclusive",
            "keep one: give more of this card, or give another card",
        );
    }
    if let Some(n) = adv.consume_share_self_num
        && n > 1
    {
        out.error(
            "advanced_info.consume_share_self_num",
            format!("consume_share_self_num is {n}; WeChat allows only 1"),
            "set it to 1",
        );
    }
    if list.len() > 1 {
        out.error(
            "advanced_info.consume_share_card_list",
            format!("{} entries; WeChat allows exactly one", list.len()),
            "keep one entry",
        );
    }
    for (i, entry) in list.iter().enumerate() {
        let field = format!("advanced_info.consume_share_card_list[{i}]");
        if entry.num != 1 {
            out.error(
                &format!("{field}.num"),
                format!("num is {}; WeChat allows only 1", entry.num),
                "set num = 1",
            );
        }
        match (&entry.card, &entry.card_id) {
            (Some(_), Some(_)) | (None, None) => out.error(
                &field,
                "name exactly one of `card`, an address in these files, or `card_id`",
                "write card = \"<address>\" for a card cardform manages, card_id = \"…\" otherwise",
            ),
            (Some(addr), None) => match checker.ctx.cards.get(addr) {
                None => {
                    let known: Vec<String> = checker.ctx.cards.keys().cloned().collect();
                    let help = super::suggest::suggest(addr, &known).map_or_else(
                        || "name the address of a friends coupon in cards/*.toml".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    );
                    out.error(
                        &format!("{field}.card"),
                        format!("no card has the address `{addr}`"),
                        help,
                    );
                }
                Some(target) if addr == out.address => {
                    let _ = target;
                    out.error(
                        &format!("{field}.card"),
                        "a card cannot give itself through consume_share_card_list",
                        "use consume_share_self_num = 1 instead",
                    );
                }
                Some(target) if !target.card.is_friends() => out.error(
                    &format!("{field}.card"),
                    format!("`{addr}` is not a friends coupon; only shared cards can be given"),
                    format!("set advanced_info.share_friends = true on `{addr}`"),
                ),
                Some(_) => {}
            },
            (None, Some(id)) if id.trim().is_empty() => out.error(
                &format!("{field}.card_id"),
                "card_id is empty",
                "write the card_id of the card to give",
            ),
            (None, Some(_)) => {}
        }
    }
}

/// Threshold fields WeChat accepts per friends-coupon type (reference §8.2).
const FRIENDS_THRESHOLDS: &[(&str, &[CardType])] = &[
    ("least_cost", &[CardType::Cash, CardType::Gift]),
    ("accept_category", &[CardType::Cash]),
    ("reject_category", &[CardType::Cash]),
    ("object_use_for", &[CardType::Gift]),
    (
        "can_use_with_other_discount",
        &[CardType::Cash, CardType::Gift],
    ),
];

fn friends_thresholds(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    let Some(cond) = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.use_condition.as_ref())
    else {
        return;
    };
    let present = |f: &str| match f {
        "least_cost" => cond.least_cost.is_some(),
        "accept_category" => cond.accept_category.is_some(),
        "reject_category" => cond.reject_category.is_some(),
        "object_use_for" => cond.object_use_for.is_some(),
        "can_use_with_other_discount" => cond.can_use_with_other_discount.is_some(),
        _ => false,
    };
    for &(field, types) in FRIENDS_THRESHOLDS {
        if present(field) && !types.contains(&card.card_type) {
            let allowed: Vec<&str> = FRIENDS_THRESHOLDS
                .iter()
                .filter(|(_, t)| t.contains(&card.card_type))
                .map(|(f, _)| *f)
                .collect();
            out.error(
                &format!("advanced_info.use_condition.{field}"),
                format!(
                    "friends {} coupons cannot use the threshold `{field}`; WeChat rejects it in review",
                    card.card_type
                ),
                format!("remove it; allowed here: {}", allowed.join(", ")),
            );
        }
    }
}

use cardform_spec::limits::FRIENDS_LENGTHS;

fn friends_field<'c>(card: &'c Card, field: &str) -> Option<&'c str> {
    let b = &card.base_info;
    match field {
        "base_info.brand_name" => Some(b.brand_name.as_str()),
        "base_info.notice" => Some(b.notice.as_str()),
        "base_info.description" => Some(b.description.as_str()),
        "base_info.center_title" => b.center_title.as_deref(),
        "base_info.center_sub_title" => b.center_sub_title.as_deref(),
        "base_info.custom_url_name" => b.custom_url_name.as_deref(),
        "base_info.custom_url_sub_title" => b.custom_url_sub_title.as_deref(),
        "base_info.promotion_url_sub_title" => b.promotion_url_sub_title.as_deref(),
        _ => None,
    }
}

fn friends_lengths(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    for &(field, chars) in FRIENDS_LENGTHS {
        let max = chars * 3;
        if let Some(s) = friends_field(card, field)
            && s.len() > max
        {
            out.error(
                field,
                format!(
                    "friends coupons allow {chars} 汉字 here: {}",
                    byte_limit_message(s.len(), max)
                ),
                "shorten it",
            );
        }
    }
}

// ---------------------------------------------------------------- dates

fn date_info(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let d = &card.base_info.date_info;
    let p = "base_info.date_info";
    match d.date_type {
        DateType::FixTimeRange => {
            if d.begin_timestamp.is_none() {
                out.error(
                    &format!("{p}.begin_timestamp"),
                    "DATE_TYPE_FIX_TIME_RANGE needs begin_timestamp",
                    "add begin_timestamp = 2026-12-01T00:00:00+08:00",
                );
            }
            if d.end_timestamp.is_none() {
                out.error(
                    &format!("{p}.end_timestamp"),
                    "DATE_TYPE_FIX_TIME_RANGE needs end_timestamp",
                    "add end_timestamp = 2026-12-31T23:59:59+08:00",
                );
            }
            for (f, v) in [
                ("fixed_term", d.fixed_term),
                ("fixed_begin_term", d.fixed_begin_term),
            ] {
                if v.is_some() {
                    out.error(
                        &format!("{p}.{f}"),
                        format!("{f} is only used with DATE_TYPE_FIX_TERM"),
                        "remove it, or change the type",
                    );
                }
            }
        }
        DateType::FixTerm => {
            match d.fixed_term {
                None => out.error(
                    &format!("{p}.fixed_term"),
                    "DATE_TYPE_FIX_TERM needs fixed_term, the days a card stays valid after it is claimed",
                    "add fixed_term = 30",
                ),
                Some(0) => out.error(
                    &format!("{p}.fixed_term"),
                    "fixed_term must be at least 1 day",
                    "set the number of days the card stays valid after it is claimed",
                ),
                Some(_) => {}
            }
            if d.begin_timestamp.is_some() {
                out.error(
                    &format!("{p}.begin_timestamp"),
                    "begin_timestamp is only used with DATE_TYPE_FIX_TIME_RANGE",
                    "remove it; end_timestamp may stay as a global expiry",
                );
            }
        }
    }
    if let (Some(b), Some(e)) = (d.begin_timestamp, d.end_timestamp)
        && b >= e
    {
        out.error(
            &format!("{p}.end_timestamp"),
            format!("end_timestamp {e} is not after begin_timestamp {b}"),
            "the window must end after it begins",
        );
    }
}

fn date_2038(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let d = &card.base_info.date_info;
    for (f, v) in [
        ("begin_timestamp", d.begin_timestamp),
        ("end_timestamp", d.end_timestamp),
    ] {
        if let Some(t) = v
            && !(0..=MAX_WECHAT_TIMESTAMP).contains(&t.seconds())
        {
            out.error(
                &format!("base_info.date_info.{f}"),
                format!("{t} is outside WeChat's range (1970-01-01 up to 2038-01-19)"),
                "WeChat stores 32-bit Unix seconds; choose an earlier date",
            );
        }
    }
}

fn date_end_of_day(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let d = &card.base_info.date_info;
    if d.date_type != DateType::FixTimeRange {
        return;
    }
    if let Some(dt) = d.end_timestamp.and_then(Timestamp::to_beijing)
        && (dt.hour(), dt.minute(), dt.second()) != (23, 59, 59)
    {
        out.warn(
            "base_info.date_info.end_timestamp",
            format!(
                "end_timestamp is {} Beijing time, not the end of a day",
                dt.format("%H:%M:%S")
            ),
            format!(
                "WeChat recommends 23:59:59 of the last day, e.g. {}T23:59:59+08:00",
                dt.format("%Y-%m-%d")
            ),
        );
    }
}

fn date_expired(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if let Some(end) = card.base_info.date_info.end_timestamp
        && end < checker.ctx.now
    {
        out.warn(
            "base_info.date_info.end_timestamp",
            format!("the validity window already ended ({end})"),
            "nobody can claim or use this card; move end_timestamp into the future",
        );
    }
}

pub use cardform_spec::limits::FRIENDS_ISSUE_WINDOW_DAYS;

fn friends_issue_window(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if !friends_rule(card) {
        return;
    }
    let Some(begin) = card.base_info.date_info.begin_timestamp else {
        return;
    };
    let window = FRIENDS_ISSUE_WINDOW_DAYS * 86_400;
    if begin.seconds().saturating_sub(checker.ctx.now.seconds()) <= window {
        return;
    }
    let Some(first) = begin
        .to_beijing()
        .and_then(|b| b.checked_sub_signed(Duration::days(FRIENDS_ISSUE_WINDOW_DAYS)))
    else {
        return;
    };
    out.warn(
        "base_info.date_info.begin_timestamp",
        format!(
            "friends coupons can be issued at most {FRIENDS_ISSUE_WINDOW_DAYS} days before they take effect; this one cannot be claimed before {} (Beijing time)",
            first.format("%Y-%m-%d %H:%M")
        ),
        format!(
            "apply on or after {}, or move begin_timestamp earlier",
            first.format("%Y-%m-%d")
        ),
    );
}

// ---------------------------------------------------------------- advanced_info

fn time_limit(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let slots = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.time_limit.as_deref())
        .unwrap_or(&[]);
    for (i, t) in slots.iter().enumerate() {
        let field = format!("advanced_info.time_limit[{i}]");
        for (f, v, max) in [
            ("begin_hour", t.begin_hour, 23),
            ("end_hour", t.end_hour, 23),
            ("begin_minute", t.begin_minute, 59),
            ("end_minute", t.end_minute, 59),
        ] {
            if let Some(v) = v
                && v > max
            {
                out.error(
                    &format!("{field}.{f}"),
                    format!("{f} is {v}; it must be 0–{max}"),
                    "use a 24-hour clock",
                );
            }
        }
        let any_time = t.begin_hour.is_some()
            || t.end_hour.is_some()
            || t.begin_minute.is_some()
            || t.end_minute.is_some();
        match (t.begin_hour, t.end_hour) {
            (Some(bh), Some(eh)) => {
                let begin = u32::from(bh) * 60 + u32::from(t.begin_minute.unwrap_or(0));
                let end = u32::from(eh) * 60 + u32::from(t.end_minute.unwrap_or(0));
                if end <= begin {
                    out.error(
                        &format!("{field}.end_hour"),
                        format!(
                            "the slot ends at {eh:02}:{:02}, not after it begins at {bh:02}:{:02}",
                            t.end_minute.unwrap_or(0),
                            t.begin_minute.unwrap_or(0)
                        ),
                        "a slot cannot cross midnight; split it into two days",
                    );
                }
            }
            _ if any_time => out.error(
                &field,
                "a time slot needs both begin_hour and end_hour",
                "add the missing hour, or remove the times for an all-day slot",
            ),
            _ => {}
        }
    }
}

pub use cardform_spec::limits::MAX_QUANTITY;

fn sku_quantity(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let q = card.base_info.sku.quantity;
    let deposit = card.base_info.get_custom_code_mode == Some(GetCustomCodeMode::Deposit);
    let field = "base_info.sku.quantity";
    if deposit {
        if q != 0 {
            out.error(
                field,
                format!("quantity is {q}; in import-code mode, GET_CUSTOM_CODE_MODE_DEPOSIT, it must be 0"),
                "set quantity = 0, import codes after review, then raise the stock",
            );
        }
    } else if q == 0 {
        out.error(
            field,
            "quantity must be at least 1; 0 is only for import-code mode",
            "set the number of cards to issue",
        );
    } else if q > MAX_QUANTITY {
        out.error(
            field,
            format!("quantity {q} is over WeChat's maximum of 100,000,000"),
            "lower it",
        );
    }
}

fn limits(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    for (f, v) in [
        ("get_limit", card.base_info.get_limit),
        ("use_limit", card.base_info.use_limit),
    ] {
        if v == Some(0) {
            out.error(
                &format!("base_info.{f}"),
                format!("{f} is 0; it must be at least 1"),
                format!("remove it for WeChat's default (50), or set {f} ≥ 1"),
            );
        }
    }
}

fn locations_exclusive(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    let b = &card.base_info;
    if b.use_all_locations == Some(true)
        && b.location_id_list.as_ref().is_some_and(|l| !l.is_empty())
    {
        out.error(
            "base_info.use_all_locations",
            "use_all_locations = true and location_id_list are mutually exclusive",
            "keep one: every store, or the listed stores",
        );
    }
}

fn icon_url_list(_: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    if let Some(abs) = card
        .advanced_info
        .as_ref()
        .and_then(|a| a.abstract_info.as_ref())
        && abs.icon_url_list.len() != 1
    {
        out.error(
            "advanced_info.abstract.icon_url_list",
            format!(
                "icon_url_list has {} images; WeChat takes exactly one",
                abs.icon_url_list.len()
            ),
            "list one cover image, 850×350 recommended",
        );
    }
}

// ---------------------------------------------------------------- images

pub use cardform_spec::limits::MAX_IMAGE_BYTES;

fn images(checker: &Checker<'_>, card: &Card, out: &mut Out<'_>) {
    for (field, img) in card.images() {
        if let Err((message, help)) = checker.check_image(img) {
            out.error(&field, message, help);
        }
    }
}

impl Checker<'_> {
    fn check_image(&self, img: &ImageRef) -> Result<(), (String, String)> {
        if let Some(hit) = self.images.borrow().get(img.as_str()) {
            return hit.clone();
        }
        let result = match img.kind() {
            ImageKind::Url(url) => check_image_url(url),
            ImageKind::Local(path) => check_local_image(self.ctx.root, path),
        };
        self.images
            .borrow_mut()
            .insert(img.as_str().to_string(), result.clone());
        result
    }
}

fn check_image_url(url: &str) -> Result<(), (String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port.split(':').next().unwrap_or(host_port);
    if host.eq_ignore_ascii_case(WECHAT_IMAGE_HOST) {
        Ok(())
    } else {
        Err((
            format!("`{host}` is not WeChat's image host {WECHAT_IMAGE_HOST}; WeChat only accepts images uploaded with media/uploadimg"),
            "use a local file under the project, which cardform uploads, or the URL uploadimg returned".to_string(),
        ))
    }
}

fn check_local_image(root: &Path, rel: &str) -> Result<(), (String, String)> {
    let path = root.join(rel);
    let meta = std::fs::metadata(&path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "no such file".to_string()
        } else {
            e.to_string()
        };
        (
            format!("image `{rel}` cannot be read: {why}"),
            "give a path relative to the project folder, e.g. assets/logo.jpg".to_string(),
        )
    })?;
    if !meta.is_file() {
        return Err((
            format!("image `{rel}` is not a file"),
            "point at a JPG or PNG file".to_string(),
        ));
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err((
            format!(
                "image `{rel}` is {} bytes; WeChat's uploadimg takes at most 1 MB ({MAX_IMAGE_BYTES} bytes)",
                meta.len()
            ),
            "compress or resize it".to_string(),
        ));
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(&path)
        .and_then(|f| f.take(8).read(&mut head))
        .map_err(|e| {
            (
                format!("image `{rel}` cannot be read: {e}"),
                "check its permissions".to_string(),
            )
        })?;
    let head = &head[..n];
    let jpg = head.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    if jpg || png {
        Ok(())
    } else {
        Err((
            format!("image `{rel}` is neither a JPG nor a PNG, judging by its first bytes"),
            "WeChat's uploadimg accepts JPG and PNG only; convert it".to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Abstract, ConsumeShareCard, TextImage, TimeLimit, TimeLimitType, UseCondition, WxStr,
    };
    use std::path::PathBuf;

    /// 2026-11-28T00:00:00+08:00.
    const NOW: Timestamp = Timestamp(1_796_227_200);
    const IMG: &str = "https://mmbiz.qpic.cn/mmbiz/x/0";

    fn base_info(extra: &str) -> String {
        format!(
            r#"
[base_info]
logo_url = "{IMG}"
code_type = "CODE_TYPE_QRCODE"
brand_name = "品牌"
color = "Color010"
notice = "出示"
description = "说明"
sku = {{ quantity = 10 }}
date_info = {{ type = "DATE_TYPE_FIX_TIME_RANGE", begin_timestamp = 2026-11-01T00:00:00+08:00, end_timestamp = 2027-12-31T23:59:59+08:00 }}
{extra}
"#
        )
    }

    /// A valid friends CASH coupon.
    fn friends_cash() -> Card {
        let src = format!(
            "card_type = \"CASH\"\nleast_cost = 0\nreduce_cost = 500\n{}\n[advanced_info]\nshare_friends = true\ntext_image_list = [{{ image_url = \"{IMG}\", text = \"图\" }}]\n",
            base_info("location_id_list = [1]\ncan_share = false\ncan_give_friend = false")
        );
        toml::from_str(&src).expect("valid test card")
    }

    /// A valid ordinary DISCOUNT coupon.
    fn discount() -> Card {
        let src = format!(
            "card_type = \"DISCOUNT\"\ndiscount = 20\n{}",
            base_info("title = \"八折\"")
        );
        toml::from_str(&src).expect("valid test card")
    }

    fn run_with(root: &Path, cards: Vec<(&str, Card)>) -> Vec<Finding> {
        let map: BTreeMap<String, DesiredCard> = cards
            .into_iter()
            .map(|(a, card)| {
                (
                    a.to_string(),
                    DesiredCard {
                        address: a.to_string(),
                        file: PathBuf::from("cards/t.toml"),
                        line: 1,
                        card,
                    },
                )
            })
            .collect();
        let ctx = RuleContext {
            root,
            now: NOW,
            cards: &map,
        };
        check_all(&ctx)
    }

    fn run(card: Card) -> Vec<Finding> {
        run_with(Path::new("."), vec![("c", card)])
    }

    fn only(findings: &[Finding]) -> Vec<(String, Severity)> {
        findings
            .iter()
            .map(|f| (f.field.clone(), f.severity))
            .collect()
    }

    fn err(field: &str) -> Vec<(String, Severity)> {
        vec![(field.to_string(), Severity::Error)]
    }
    fn warn(field: &str) -> Vec<(String, Severity)> {
        vec![(field.to_string(), Severity::Warning)]
    }

    #[test]
    fn valid_cards_pass_every_rule() {
        assert_eq!(run(friends_cash()), vec![]);
        assert_eq!(run(discount()), vec![]);
    }

    #[test]
    fn every_rule_has_a_reference() {
        for r in RULES {
            assert!(r.reference.starts_with('§') || r.reference.starts_with("Conventions"));
        }
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
    }

    /// One row per rule (and per branch that matters): mutate a valid card, expect
    /// exactly these findings.
    #[test]
    fn rule_table() {
        type Case = (&'static str, fn() -> Card, Vec<(String, Severity)>);
        let cases: Vec<Case> = vec![
            (
                "type-fields: CASH needs reduce_cost",
                || {
                    let mut c = friends_cash();
                    c.reduce_cost = None;
                    c
                },
                err("reduce_cost"),
            ),
            (
                "type-fields: reduce_cost 0",
                || {
                    let mut c = friends_cash();
                    c.reduce_cost = Some(0);
                    c
                },
                err("reduce_cost"),
            ),
            (
                "type-fields: DISCOUNT needs discount",
                || {
                    let mut c = discount();
                    c.discount = None;
                    c
                },
                err("discount"),
            ),
            (
                "type-fields: other type's field",
                || {
                    let mut c = discount();
                    c.deal_detail = Some(WxStr::new("x").expect("short"));
                    c
                },
                err("deal_detail"),
            ),
            (
                "type-fields: gift_name only on friends GIFT",
                || {
                    let mut c = discount();
                    c.card_type = CardType::Gift;
                    c.discount = None;
                    c.gift = Some(WxStr::new("咖啡").expect("short"));
                    c.gift_name = Some(WxStr::new("咖啡").expect("short"));
                    c
                },
                err("gift_name"),
            ),
            (
                "type-fields: friends GIFT needs gift_name/num/unit",
                || {
                    let mut c = friends_cash();
                    c.card_type = CardType::Gift;
                    c.least_cost = None;
                    c.reduce_cost = None;
                    c.gift_name = Some(WxStr::new("咖啡").expect("short"));
                    c.gift_num = Some(1);
                    c
                },
                err("gift_unit"),
            ),
            (
                "type-fields: GROUPON needs deal_detail",
                || {
                    let mut c = discount();
                    c.card_type = CardType::Groupon;
                    c.discount = None;
                    c
                },
                err("deal_detail"),
            ),
            (
                "type-fields: GENERAL_COUPON needs default_detail",
                || {
                    let mut c = discount();
                    c.card_type = CardType::GeneralCoupon;
                    c.discount = None;
                    c
                },
                err("default_detail"),
            ),
            (
                "title: required on ordinary cards",
                || {
                    let mut c = discount();
                    c.base_info.title = None;
                    c
                },
                err("base_info.title"),
            ),
            (
                "title: replaced on friends CASH",
                || {
                    let mut c = friends_cash();
                    c.base_info.title = Some(WxStr::new("我的标题").expect("short"));
                    c
                },
                warn("base_info.title"),
            ),
            (
                "friends-type: DISCOUNT cannot be shared",
                || {
                    let mut c = discount();
                    c.base_info = friends_cash().base_info;
                    c.base_info.title = Some(WxStr::new("八折").expect("short"));
                    c.advanced_info = friends_cash().advanced_info;
                    c
                },
                err("advanced_info.share_friends"),
            ),
            (
                "friends-date-type",
                || {
                    let mut c = friends_cash();
                    let d = &mut c.base_info.date_info;
                    d.date_type = DateType::FixTerm;
                    d.begin_timestamp = None;
                    d.end_timestamp = None;
                    d.fixed_term = Some(30);
                    c
                },
                err("base_info.date_info.type"),
            ),
            (
                "friends-locations",
                || {
                    let mut c = friends_cash();
                    c.base_info.location_id_list = Some(vec![]);
                    c
                },
                err("base_info.location_id_list"),
            ),
            (
                "friends-no-share: can_share true",
                || {
                    let mut c = friends_cash();
                    c.base_info.can_share = Some(true);
                    c
                },
                err("base_info.can_share"),
            ),
            (
                "friends-no-share: can_give_friend missing",
                || {
                    let mut c = friends_cash();
                    c.base_info.can_give_friend = None;
                    c
                },
                err("base_info.can_give_friend"),
            ),
            (
                "friends-text-image",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.text_image_list = None;
                    }
                    c
                },
                err("advanced_info.text_image_list"),
            ),
            (
                "consume-share: self_num and list exclusive",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.consume_share_self_num = Some(1);
                        a.consume_share_card_list = Some(vec![ConsumeShareCard {
                            card: None,
                            card_id: Some("pXYZ".into()),
                            num: 1,
                        }]);
                    }
                    c
                },
                err("advanced_info.consume_share_card_list"),
            ),
            (
                "consume-share: self_num at most 1",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.consume_share_self_num = Some(2);
                    }
                    c
                },
                err("advanced_info.consume_share_self_num"),
            ),
            (
                "consume-share: both card and card_id",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.consume_share_card_list = Some(vec![ConsumeShareCard {
                            card: Some("c".into()),
                            card_id: Some("pXYZ".into()),
                            num: 1,
                        }]);
                    }
                    c
                },
                err("advanced_info.consume_share_card_list[0]"),
            ),
            (
                "consume-share: num must be 1",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.consume_share_card_list = Some(vec![ConsumeShareCard {
                            card: None,
                            card_id: Some("pXYZ".into()),
                            num: 2,
                        }]);
                    }
                    c
                },
                err("advanced_info.consume_share_card_list[0].num"),
            ),
            (
                "consume-share: a card cannot give itself",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.consume_share_card_list = Some(vec![ConsumeShareCard {
                            card: Some("c".into()),
                            card_id: None,
                            num: 1,
                        }]);
                    }
                    c
                },
                err("advanced_info.consume_share_card_list[0].card"),
            ),
            (
                "consume-share: unknown address",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.consume_share_card_list = Some(vec![ConsumeShareCard {
                            card: Some("nope".into()),
                            card_id: None,
                            num: 1,
                        }]);
                    }
                    c
                },
                err("advanced_info.consume_share_card_list[0].card"),
            ),
            (
                "consume-share: friends only",
                || {
                    let mut c = discount();
                    c.advanced_info = Some(crate::model::AdvancedInfo {
                        consume_share_self_num: Some(1),
                        ..Default::default()
                    });
                    c
                },
                err("advanced_info.consume_share_self_num"),
            ),
            (
                "friends-thresholds: object_use_for is GIFT only",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.use_condition = Some(UseCondition {
                            object_use_for: Some(WxStr::new("咖啡").expect("short")),
                            ..Default::default()
                        });
                    }
                    c
                },
                err("advanced_info.use_condition.object_use_for"),
            ),
            (
                "friends-lengths: notice 12 汉字",
                || {
                    let mut c = friends_cash();
                    c.base_info.notice =
                        WxStr::new("一二三四五六七八九十一二三").expect("≤ 48 bytes");
                    c
                },
                err("base_info.notice"),
            ),
            (
                "date-info: begin after end",
                || {
                    let mut c = discount();
                    c.base_info.date_info.begin_timestamp = Some(Timestamp(1_840_000_000));
                    c
                },
                err("base_info.date_info.end_timestamp"),
            ),
            (
                "date-info: FIX_TIME_RANGE needs end",
                || {
                    let mut c = discount();
                    c.base_info.date_info.end_timestamp = None;
                    c
                },
                err("base_info.date_info.end_timestamp"),
            ),
            (
                "date-info: FIX_TERM needs fixed_term",
                || {
                    let mut c = discount();
                    let d = &mut c.base_info.date_info;
                    d.date_type = DateType::FixTerm;
                    d.begin_timestamp = None;
                    d.end_timestamp = None;
                    c
                },
                err("base_info.date_info.fixed_term"),
            ),
            (
                "date-info: fixed_term with FIX_TIME_RANGE",
                || {
                    let mut c = discount();
                    c.base_info.date_info.fixed_term = Some(3);
                    c
                },
                err("base_info.date_info.fixed_term"),
            ),
            (
                "date-2038",
                || {
                    let mut c = discount();
                    c.base_info.date_info.end_timestamp = Some(Timestamp(MAX_WECHAT_TIMESTAMP + 1));
                    c
                },
                vec![
                    (
                        "base_info.date_info.end_timestamp".to_string(),
                        Severity::Error,
                    ),
                    (
                        "base_info.date_info.end_timestamp".to_string(),
                        Severity::Warning,
                    ),
                ],
            ),
            (
                "date-end-of-day",
                || {
                    let mut c = discount();
                    // 2027-12-31T12:00:00+08:00
                    c.base_info.date_info.end_timestamp = Some(Timestamp(1_830_225_600));
                    c
                },
                warn("base_info.date_info.end_timestamp"),
            ),
            (
                "date-expired",
                || {
                    let mut c = discount();
                    // 2026-10-31T23:59:59+08:00, before NOW
                    c.base_info.date_info.begin_timestamp = Some(Timestamp(1_780_000_000));
                    c.base_info.date_info.end_timestamp = Some(Timestamp(1_793_462_399));
                    c
                },
                warn("base_info.date_info.end_timestamp"),
            ),
            (
                "friends-issue-window",
                || {
                    let mut c = friends_cash();
                    // begins 2026-12-10T00:00:00+08:00, 12 days after NOW
                    c.base_info.date_info.begin_timestamp = Some(Timestamp(1_797_264_000));
                    c
                },
                warn("base_info.date_info.begin_timestamp"),
            ),
            (
                "time-limit: end before begin",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.time_limit = Some(vec![TimeLimit {
                            day: TimeLimitType::Monday,
                            begin_hour: Some(20),
                            begin_minute: Some(0),
                            end_hour: Some(10),
                            end_minute: Some(0),
                        }]);
                    }
                    c
                },
                err("advanced_info.time_limit[0].end_hour"),
            ),
            (
                "time-limit: hour out of range",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.time_limit = Some(vec![TimeLimit {
                            day: TimeLimitType::Holiday,
                            begin_hour: Some(8),
                            begin_minute: None,
                            end_hour: Some(24),
                            end_minute: None,
                        }]);
                    }
                    c
                },
                err("advanced_info.time_limit[0].end_hour"),
            ),
            (
                "time-limit: begin without end",
                || {
                    let mut c = friends_cash();
                    if let Some(a) = c.advanced_info.as_mut() {
                        a.time_limit = Some(vec![TimeLimit {
                            day: TimeLimitType::Sunday,
                            begin_hour: Some(8),
                            begin_minute: None,
                            end_hour: None,
                            end_minute: None,
                        }]);
                    }
                    c
                },
                err("advanced_info.time_limit[0]"),
            ),
            (
                "sku-quantity: 0 outside import-code mode",
                || {
                    let mut c = discount();
                    c.base_info.sku.quantity = 0;
                    c
                },
                err("base_info.sku.quantity"),
            ),
            (
                "sku-quantity: over 100,000,000",
                || {
                    let mut c = discount();
                    c.base_info.sku.quantity = 100_000_001;
                    c
                },
                err("base_info.sku.quantity"),
            ),
            (
                "sku-quantity: import-code mode needs 0",
                || {
                    let mut c = discount();
                    c.base_info.get_custom_code_mode = Some(GetCustomCodeMode::Deposit);
                    c
                },
                err("base_info.sku.quantity"),
            ),
            (
                "limits: get_limit 0",
                || {
                    let mut c = discount();
                    c.base_info.get_limit = Some(0);
                    c
                },
                err("base_info.get_limit"),
            ),
            (
                "locations-exclusive",
                || {
                    let mut c = discount();
                    c.base_info.location_id_list = Some(vec![1]);
                    c.base_info.use_all_locations = Some(true);
                    c
                },
                err("base_info.use_all_locations"),
            ),
            (
                "icon-url-list: exactly one",
                || {
                    let mut c = discount();
                    c.advanced_info = Some(crate::model::AdvancedInfo {
                        abstract_info: Some(Abstract {
                            abstract_text: WxStr::new("摘要").expect("short"),
                            icon_url_list: vec![ImageRef::new(IMG), ImageRef::new(IMG)],
                        }),
                        ..Default::default()
                    });
                    c
                },
                err("advanced_info.abstract.icon_url_list"),
            ),
            (
                "images: foreign host",
                || {
                    let mut c = discount();
                    c.base_info.logo_url = ImageRef::new("https://example.com/logo.jpg");
                    c
                },
                err("base_info.logo_url"),
            ),
            (
                "images: missing local file",
                || {
                    let mut c = discount();
                    c.base_info.logo_url = ImageRef::new("assets/does-not-exist.jpg");
                    c
                },
                err("base_info.logo_url"),
            ),
        ];
        for (name, make, want) in cases {
            let got = run(make());
            assert_eq!(only(&got), want, "{name}: {got:#?}");
        }
    }

    #[test]
    fn consume_share_target_must_be_friends() {
        let mut giver = friends_cash();
        if let Some(a) = giver.advanced_info.as_mut() {
            a.consume_share_card_list = Some(vec![ConsumeShareCard {
                card: Some("plain".into()),
                card_id: None,
                num: 1,
            }]);
        }
        let got = run_with(
            Path::new("."),
            vec![("giver", giver.clone()), ("plain", discount())],
        );
        assert_eq!(
            only(&got),
            err("advanced_info.consume_share_card_list[0].card")
        );
        let got = run_with(
            Path::new("."),
            vec![("giver", giver), ("plain", friends_cash())],
        );
        assert_eq!(got, vec![]);
    }

    #[test]
    fn local_images_are_checked_by_size_and_magic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(root.join(name), bytes).expect("write");
        };
        write("ok.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]);
        write("ok.png", b"\x89PNG\r\n\x1a\n\0\0");
        write("fake.jpg", b"GIF89a....");
        write("empty.png", b"");
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_IMAGE_BYTES as usize + 1, 0);
        write("big.jpg", &big);
        std::fs::create_dir(root.join("dir.jpg")).expect("mkdir");
        for (name, ok) in [
            ("ok.jpg", true),
            ("ok.png", true),
            ("fake.jpg", false),
            ("empty.png", false),
            ("big.jpg", false),
            ("dir.jpg", false),
        ] {
            let mut c = discount();
            c.base_info.logo_url = ImageRef::new(name);
            let got = run_with(root, vec![("c", c)]);
            assert_eq!(got.is_empty(), ok, "{name}: {got:?}");
        }
    }

    #[test]
    fn image_urls_must_be_on_wechat_host() {
        assert!(check_image_url("http://mmbiz.qpic.cn/mmbiz/a/0?wx_fmt=png").is_ok());
        assert!(check_image_url("https://MMBIZ.QPIC.CN:443/a").is_ok());
        assert!(check_image_url("https://mmbiz.qpic.cn.evil.com/a").is_err());
        assert!(check_image_url("https://evil.com@x/a").is_err());
        assert!(check_image_url("https://user@mmbiz.qpic.cn/a").is_ok());
    }

    #[test]
    fn text_image_entries_are_checked() {
        let mut c = friends_cash();
        if let Some(a) = c.advanced_info.as_mut() {
            a.text_image_list = Some(vec![TextImage {
                image_url: ImageRef::new("http://example.com/x.png"),
                text: WxStr::new("t").expect("short"),
            }]);
        }
        assert_eq!(
            only(&run(c)),
            err("advanced_info.text_image_list[0].image_url")
        );
    }
}
