//! THE semantic-rule table: what the JSON Schema cannot say about a card.
//!
//! Each rule is one function with one row in [`RULES`], citing the reference row
//! (reference/wechat-card-api.md) it implements. Rules run on cards that passed the
//! schema, so types, enumerations (code_type, colours, business_service, time_limit
//! type, date_info type), number ranges and the generic `string(N)` byte limits are
//! already enforced there; rules add the cross-field and per-type constraints.
//!
//! One file per topic: [`type_fields`], [`title`], [`friends`], [`dates`], [`advanced`],
//! [`images`]; [`checker`] holds what every rule sees and writes.

mod advanced;
mod checker;
mod create_required;
mod dates;
mod friends;
mod images;
mod title;
mod type_fields;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::model::Card;

pub use cardform_spec::limits::{FRIENDS_ISSUE_WINDOW_DAYS, MAX_IMAGE_BYTES, MAX_QUANTITY};
pub use checker::{Checker, Finding, Out, Rule, RuleContext};

use advanced::{icon_url_list, limits, locations_exclusive, sku_quantity, time_limit};
use create_required::create_required;
use dates::{date_2038, date_end_of_day, date_expired, date_info, friends_issue_window};
use friends::{
    consume_share, friends_date_type, friends_lengths, friends_locations, friends_no_share,
    friends_text_image, friends_thresholds, friends_type, stricter_lengths,
};
use images::images;
use title::{color, title};
use type_fields::type_fields;

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
        id: "color",
        reference: "§6.9 colours: create and update take palette names; card/get echoes hex (§15), old cards may hold an off-palette hex",
        check: color,
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
        reference: "§3.3, §8.3 friends-coupon field lengths (brand_name 12, center_title 9, center_sub_title 12, custom_url_name 5, sub-titles 6 汉字)",
        check: friends_lengths,
    },
    Rule {
        id: "stricter-lengths",
        reference: "§8.3 vs §4.2 one length policy: notice 12 / description 1000 汉字 on the friends create table, string(48) / (3072) on the update table; center_title / center_sub_title 9 / 12 汉字 on the friends create table, string(18) / (24) on the update table; the looser is the limit, a warning above the stricter",
        check: stricter_lengths,
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
        id: "create-required",
        reference: "§3.3 description and §3.5 abstract.abstract are required by card/create; cards adopted without them keep them unset (write rules)",
        check: create_required,
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

impl Checker<'_> {
    fn check_card(&self, address: &str, card: &Card, findings: &mut Vec<Finding>) {
        let mut out = Out { address, findings };
        for rule in RULES {
            (rule.check)(self, card, &mut out);
        }
    }
}

#[cfg(test)]
mod tests;
