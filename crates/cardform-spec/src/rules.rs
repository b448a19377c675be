//! The update-rule table: for every card field, what a change to it costs.
//!
//! ONE table, read by the planner (to classify changes), the emulator (to decide
//! `send_check` and which fields `card/update` refuses with 47001), `cardform rules`
//! and the docs. Sources are the reference's §4 rows; rows marked `verified: false`
//! are UNVERIFIED there, and cardform chose the conservative class (review rather than
//! silent, replace rather than a failing update). Change a row here and every reader
//! follows.
//!
//! Paths are WeChat's JSON paths inside the per-type object (`base_info.notice`), plus
//! the card-level `card_type` and cardform's own `lifecycle`. Lists are compared whole.

use serde::{Deserialize, Serialize};

/// What a change to a field costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateClass {
    /// cardform's own setting; nothing is sent to WeChat.
    Local,
    /// `card/update`, no re-review.
    InPlace,
    /// Stock: `card/modifystock` with the delta against `total_quantity`.
    Stock,
    /// `card/update`, but only widening (begin earlier, end later); narrowing replaces.
    WidenOnly,
    /// `card/update` that sends the card back to review (`CARD_STATUS_NOT_VERIFY`).
    Review,
    /// Not updatable: a new card is created and the old one deleted.
    Replace,
}

impl UpdateClass {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateClass::Local => "local",
            UpdateClass::InPlace => "in place",
            UpdateClass::Stock => "stock",
            UpdateClass::WidenOnly => "widen only",
            UpdateClass::Review => "re-review",
            UpdateClass::Replace => "replace",
        }
    }

    /// Whether `card/update` accepts the field (the emulator answers 47001 otherwise).
    pub fn updatable(self) -> bool {
        matches!(
            self,
            UpdateClass::InPlace | UpdateClass::WidenOnly | UpdateClass::Review
        )
    }
}

/// Where a row's class comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A WeChat doc states it (the reference row in `note`).
    Doc,
    /// A recorded real WeChat body shows it (`tests/fixtures/wechat/recorded/`, named
    /// in `note`).
    Sample,
    /// Neither: cardform chose the conservative class. `cardform rules --evidence`
    /// shows what real answers said since.
    Unverified,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Doc => "doc",
            Basis::Sample => "sample",
            Basis::Unverified => "UNVERIFIED",
        }
    }
}

/// One row: a field path and its class.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct UpdateRule {
    /// WeChat JSON path inside the type object; a row also covers everything below it.
    pub path: &'static str,
    pub class: UpdateClass,
    /// False where the reference marks the row UNVERIFIED.
    pub verified: bool,
    /// Where the class comes from.
    pub basis: Basis,
    /// Where the row comes from, and why this class.
    pub note: &'static str,
}

use UpdateClass::*;

const fn rule(
    path: &'static str,
    class: UpdateClass,
    verified: bool,
    note: &'static str,
) -> UpdateRule {
    UpdateRule {
        path,
        class,
        verified,
        basis: if verified {
            Basis::Doc
        } else {
            Basis::Unverified
        },
        note,
    }
}

/// The table. Order is the order `cardform rules` prints.
pub const UPDATE_RULES: &[UpdateRule] = &[
    rule(
        "card_type",
        Replace,
        true,
        "§4.4: no API changes the type; the wrapper key must match",
    ),
    rule(
        "base_info.logo_url",
        Review,
        false,
        "§4.2: coupons Yes (TY, PHPW); member-card page says No",
    ),
    rule("base_info.code_type", InPlace, true, "§4.2"),
    rule(
        "base_info.brand_name",
        Replace,
        true,
        "§4.4: immutable; sending it fails the update with 47001",
    ),
    rule(
        "base_info.title",
        Replace,
        false,
        "§4.4: not on the coupon update list; friends CASH/GIFT titles are derived",
    ),
    rule(
        "base_info.sub_title",
        Replace,
        false,
        "§4.4: not on any update list",
    ),
    rule(
        "base_info.color",
        Review,
        false,
        "§4.2: coupons Yes (TY, PHPW); member-card page says No",
    ),
    rule("base_info.notice", Review, true, "§4.2"),
    rule("base_info.description", Review, true, "§4.2"),
    rule(
        "base_info.sku.quantity",
        Stock,
        true,
        "§4.4, §6.2: card/modifystock with a delta",
    ),
    rule(
        "base_info.date_info.type",
        Replace,
        true,
        "§4.3: only FIX_TIME_RANGE timestamps can change",
    ),
    rule(
        "base_info.date_info.begin_timestamp",
        WidenOnly,
        true,
        "§4.3: new begin ≤ old begin",
    ),
    rule(
        "base_info.date_info.end_timestamp",
        WidenOnly,
        true,
        "§4.3: new end ≥ old end; friends coupons at most 3 months more",
    ),
    rule(
        "base_info.date_info.fixed_term",
        Replace,
        true,
        "§4.3: fixed_term is not modifiable",
    ),
    rule(
        "base_info.date_info.fixed_begin_term",
        Replace,
        true,
        "§4.3",
    ),
    rule("base_info.use_custom_code", Replace, true, "§4.4"),
    rule("base_info.get_custom_code_mode", Replace, true, "§4.4"),
    rule("base_info.bind_openid", Replace, true, "§4.4"),
    rule("base_info.service_phone", InPlace, true, "§4.2"),
    rule("base_info.location_id_list", InPlace, true, "§4.2"),
    rule(
        "base_info.use_all_locations",
        InPlace,
        false,
        "§4.2: not on the 2016 coupon table; member-card page says No",
    ),
    rule(
        "base_info.source",
        Replace,
        false,
        "§4.4: not on any update list",
    ),
    rule("base_info.center_title", InPlace, true, "§4.2"),
    rule("base_info.center_sub_title", InPlace, true, "§4.2"),
    rule("base_info.center_url", InPlace, true, "§4.2"),
    rule(
        "base_info.center_app_brand_user_name",
        Review,
        false,
        "§4.2: UNVERIFIED, assumed to trigger review",
    ),
    rule(
        "base_info.center_app_brand_pass",
        Review,
        false,
        "§4.2: UNVERIFIED, assumed to trigger review",
    ),
    rule("base_info.custom_url_name", InPlace, true, "§4.2"),
    rule("base_info.custom_url", InPlace, true, "§4.2"),
    rule("base_info.custom_url_sub_title", InPlace, true, "§4.2"),
    rule(
        "base_info.custom_app_brand_user_name",
        Review,
        false,
        "§4.2: review UNVERIFIED, assumed; that card/update takes it: recorded pgy_update_cash.request.json",
    ),
    rule(
        "base_info.custom_app_brand_pass",
        Review,
        false,
        "§4.2: review UNVERIFIED, assumed; that card/update takes it: recorded pgy_update_cash.request.json",
    ),
    rule("base_info.promotion_url_name", InPlace, true, "§4.2"),
    rule("base_info.promotion_url", InPlace, true, "§4.2"),
    rule("base_info.promotion_url_sub_title", InPlace, true, "§4.2"),
    rule(
        "base_info.promotion_app_brand_user_name",
        Review,
        false,
        "§4.2: review UNVERIFIED, assumed; that card/update takes it: recorded pgy_update_cash.request.json",
    ),
    rule(
        "base_info.promotion_app_brand_pass",
        Review,
        false,
        "§4.2: review UNVERIFIED, assumed; that card/update takes it: recorded pgy_update_cash.request.json",
    ),
    rule("base_info.get_limit", InPlace, true, "§4.2"),
    rule(
        "base_info.use_limit",
        Replace,
        false,
        "§4.4: not on any update list",
    ),
    rule("base_info.can_share", InPlace, true, "§4.2"),
    rule("base_info.can_give_friend", InPlace, true, "§4.2"),
    rule(
        "advanced_info.use_condition",
        Replace,
        true,
        "§4.4: not on the friends update list",
    ),
    rule("advanced_info.share_friends", Replace, true, "§4.4"),
    rule(
        "advanced_info.abstract",
        Review,
        false,
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
    ),
    rule(
        "advanced_info.text_image_list",
        Review,
        false,
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
    ),
    rule(
        "advanced_info.time_limit",
        Review,
        false,
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
    ),
    rule(
        "advanced_info.business_service",
        Review,
        false,
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
    ),
    rule(
        "advanced_info.consume_share_self_num",
        Review,
        false,
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
    ),
    rule(
        "advanced_info.consume_share_card_list",
        Review,
        false,
        "§4.2: updatable on the friends page, 是否提审 blank; assumed review",
    ),
    rule(
        "least_cost",
        Replace,
        true,
        "§4.4: type amounts are not updatable",
    ),
    rule("reduce_cost", Replace, true, "§4.4"),
    rule("discount", Replace, true, "§4.4"),
    rule("gift", Replace, true, "§4.4"),
    rule("gift_name", Replace, true, "§4.4"),
    rule("gift_num", Replace, true, "§4.4"),
    rule("gift_unit", Replace, true, "§4.4"),
    rule("deal_detail", Replace, true, "§4.4"),
    rule("default_detail", Replace, true, "§4.4"),
    rule(
        "base_info.sub_merchant_info",
        Replace,
        false,
        "§16: no source says card/update takes it; the costlier class (UNVERIFIED)",
    ),
    rule("lifecycle", Local, true, "cardform's own setting"),
];

/// The rule covering `path` (the longest row that is `path` or a prefix of it at a
/// `.`/`[` boundary). Unknown paths are treated as replace: never guess "in place".
pub fn rule_for(path: &str) -> UpdateRule {
    UPDATE_RULES
        .iter()
        .filter(|r| {
            path == r.path
                || (path.starts_with(r.path)
                    && matches!(path.as_bytes().get(r.path.len()), Some(b'.') | Some(b'[')))
        })
        .max_by_key(|r| r.path.len())
        .copied()
        .unwrap_or(UpdateRule {
            path: "",
            class: Replace,
            verified: false,
            basis: Basis::Unverified,
            note: "no rule for this field: assumed not updatable",
        })
}

/// Whether the table has a row for `path` (or a parent of it): a field cardform models.
/// Fields WeChat returns that no row covers are kept as they came and never compared.
pub fn covers(path: &str) -> bool {
    !rule_for(path).path.is_empty()
}

/// What one real `card/update` answer says about a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The answer is what the row predicts (or consistent with it).
    Agrees,
    /// The answer contradicts the row: the row is the one to fix.
    Disagrees,
}

/// Judges the rows behind one update: `fields` is the field set sent (paths inside the
/// type object), `send_check` WeChat's answer. One row per distinct rule, in table
/// order, with its verdict:
///
/// - `send_check: false`: every re-review row sent disagrees (WeChat did not re-review);
///   the other rows agree.
/// - `send_check: true` with a re-review row sent: those rows agree, and so do the
///   others (which field triggered review cannot be told apart).
/// - `send_check: true` with no re-review row sent: every row sent disagrees (one of
///   them triggers review and the table says none does).
pub fn judge<'a>(
    fields: impl IntoIterator<Item = &'a str>,
    send_check: bool,
) -> Vec<(UpdateRule, Verdict)> {
    let mut rows: Vec<UpdateRule> = Vec::new();
    for f in fields {
        let r = rule_for(f);
        if !rows.iter().any(|x| x.path == r.path) {
            rows.push(r);
        }
    }
    rows.sort_by_key(|r| {
        UPDATE_RULES
            .iter()
            .position(|x| x.path == r.path)
            .unwrap_or(usize::MAX)
    });
    let any_review = rows.iter().any(|r| r.class == Review);
    rows.into_iter()
        .map(|r| {
            let verdict = match (send_check, r.class == Review, any_review) {
                (false, true, _) => Verdict::Disagrees,
                (false, false, _) => Verdict::Agrees,
                (true, _, true) => Verdict::Agrees,
                (true, _, false) => Verdict::Disagrees,
            };
            (r, verdict)
        })
        .collect()
}

/// Friends-coupon validity may be extended by at most three months on update
/// (reference §4.3 "Max extension"); cardform applies it to friends coupons only.
pub const FRIENDS_MAX_END_EXTENSION_SECONDS: i64 = 92 * 24 * 3600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_follow_the_table() {
        assert_eq!(rule_for("base_info.notice").class, Review);
        assert_eq!(rule_for("base_info.service_phone").class, InPlace);
        assert_eq!(rule_for("base_info.brand_name").class, Replace);
        assert_eq!(rule_for("advanced_info.abstract.abstract").class, Review);
        assert_eq!(
            rule_for("advanced_info.use_condition.least_cost").class,
            Replace
        );
        assert_eq!(rule_for("base_info.sku.quantity").class, Stock);
        assert_eq!(rule_for("base_info.unknown_thing").class, Replace);
        assert_eq!(rule_for("lifecycle.prevent_destroy").class, Local);
    }

    #[test]
    fn answers_are_judged_per_row() {
        let v = judge(["base_info.notice", "base_info.service_phone"], false);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].0.path, "base_info.notice");
        assert_eq!(v[0].1, Verdict::Disagrees);
        assert_eq!(v[1].1, Verdict::Agrees);
        let v = judge(["base_info.notice", "base_info.service_phone"], true);
        assert!(v.iter().all(|(_, x)| *x == Verdict::Agrees));
        let v = judge(["base_info.service_phone", "base_info.center_title"], true);
        assert!(v.iter().all(|(_, x)| *x == Verdict::Disagrees));
        let v = judge(
            [
                "base_info.date_info.end_timestamp",
                "base_info.date_info.begin_timestamp",
            ],
            false,
        );
        assert_eq!(v[0].0.path, "base_info.date_info.begin_timestamp");
    }

    #[test]
    fn every_row_says_where_its_class_comes_from() {
        for r in UPDATE_RULES {
            assert_eq!(r.verified, r.basis != Basis::Unverified, "{}", r.path);
            assert!(!r.note.is_empty(), "{}", r.path);
        }
    }

    #[test]
    fn paths_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in UPDATE_RULES {
            assert!(seen.insert(r.path), "duplicate rule {}", r.path);
        }
    }
}
