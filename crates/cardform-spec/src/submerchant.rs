//! Sub-merchants (第三方协助制券): a platform issues cards under its own account on
//! behalf of sub-merchants (`card/submerchant/*`). The facts, with where each comes
//! from (reference §16 row "Sub-merchants", checked 2026-12-07 against public SDKs):
//!
//! - `card/submerchant/submit {info{brand_name, app_id, logo_url, protocol,
//!   agreement_media_id, operator_media_id, end_time, primary_category_id,
//!   secondary_category_id}}`: the `info` fields as Senparc's `InfoList`
//!   (JeffreySu/WeiXinMPSDK, `AdvancedAPIs/Card/Submerchat/InfoList.cs`) and EasyWeChat's
//!   `SubMerchantClient::create` list them; `protocol` is "授权函ID, 上传临时素材接口上传
//!   授权函后获得的 media_id" (Senparc), `end_time` "授权函有效期截止时间 (东八区时间,
//!   单位为秒)" (Senparc). **Verified** (two SDKs agree).
//! - `card/submerchant/update {info{merchant_id, …}}` (EasyWeChat `update(merchantId,
//!   info)`), `card/submerchant/get {merchant_id}`, `card/submerchant/batchget {begin_id,
//!   limit ≤ 100, status}` → `info_list`, `next_begin_id` (Senparc, wesdk
//!   `getSubmerchants`: "limit 最大值为100"). **Verified.**
//! - `info` answered by get: merchant_id, app_id, brand_name, logo_url, status,
//!   begin_time, end_time, primary_category_id, secondary_category_id, update_time,
//!   create_time (SKIT `CardSubMerchantGetResponse`, fudiwei/DotNetCore.SKIT.
//!   FlurlHttpClient.Wechat). SKIT reads `merchant_id` with a numeric-string converter:
//!   a string in some answers. **Verified** (field list).
//! - Statuses CHECKING 审核中, APPROVED 已通过, REJECTED 被驳回, EXPIRED 协议过期
//!   (wesdk `getSubmerchants` doc comment). **Verified.**
//! - `GET card/getapplyprotocol` → `category[{primary_category_id, category_name,
//!   secondary_category[{secondary_category_id, category_name,
//!   need_qualification_stuffs[]}]}]` (SKIT `CardGetApplyProtocolResponse`).
//!   **Verified** (shape). The ids and names of [`CATEGORIES`] are **UNVERIFIED**:
//!   1/101 is the pair every SDK sample sends; the rest are the emulator's.
//! - Cards carry `base_info.sub_merchant_info{merchant_id}` (the official create
//!   sample, updated 2017-09-27, copied in a public C# project). **Verified.**
//! - The review result is pushed as `card_merchant_check_result` with `MerchantId`,
//!   `IsPass` (1/0) and `Reason` (a Java handler and a C# test of the event, SKIT's
//!   `CardMerchantCheckResultEvent`). **Verified.**
//! - `protocol`, `agreement_media_id`, `operator_media_id` are temporary media
//!   (`cgi-bin/media/upload`), which live 3 days; an expired one is answered with
//!   40007 `invalid media_id` (the global errcode, seen in real answers for stale
//!   media ids). The 3 days: **verified** (WeChat's temporary-media docs); that submit
//!   answers 40007 for an expired one: **UNVERIFIED**.
//! - A card naming a merchant_id that is not this account's approved sub-merchant:
//!   refused with [`UNAPPROVED_MERCHANT_ERRCODE`]; the code is **UNVERIFIED** (no
//!   public source names it).
//! - Changing a card's `sub_merchant_info.merchant_id`: no source says whether
//!   `card/update` takes it; the update-rule table treats it as replace (the costlier
//!   class, UNVERIFIED).

/// How long temporary media (`media/upload`) live: 3 days.
pub const MEDIA_TTL_SECS: i64 = 3 * 24 * 3600;

/// Re-upload temporary media this long before they expire, so a submit made just
/// after the check does not send an id that dies on the way.
pub const MEDIA_MARGIN_SECS: i64 = 3600;

/// The errcode WeChat answers for an unknown or expired media id.
pub const INVALID_MEDIA_ERRCODE: i64 = 40007;

/// The errcode for a card naming a sub-merchant that is unknown or not approved
/// (UNVERIFIED: 40097 `invalid args`, the card API's general refusal).
pub const UNAPPROVED_MERCHANT_ERRCODE: i64 = 40097;

/// The `info` fields whose change in `card/submerchant/update` needs the
/// authorisation letter (`protocol`) sent with it: `end_time` is the letter's own end,
/// so a new end means a new letter. **UNVERIFIED** (no source says which fields an
/// update may send without `protocol`; the emulator takes any). Used for sub-merchants
/// adopted by `cardform import --all`, whose declaration may leave `protocol` out.
pub const NEEDS_PROTOCOL_ON_UPDATE: &[&str] = &["end_time"];

/// The largest `limit` of `card/submerchant/batchget`.
pub const MAX_BATCHGET: u64 = 100;

/// A sub-merchant's review state.
pub const STATUSES: &[&str] = &["CHECKING", "APPROVED", "REJECTED", "EXPIRED"];
pub const CHECKING: &str = "CHECKING";
pub const APPROVED: &str = "APPROVED";
pub const REJECTED: &str = "REJECTED";
pub const EXPIRED: &str = "EXPIRED";

/// A secondary category: id and name.
pub type Secondary = (u64, &'static str);

/// A primary category with its secondary ones.
pub struct Category {
    pub id: u64,
    pub name: &'static str,
    pub secondary: &'static [Secondary],
}

/// The categories the emulator's `card/getapplyprotocol` answers (ids UNVERIFIED:
/// see the module's notes). The product never trusts this table against WeChat: it
/// checks the ids against the live answer.
pub const CATEGORIES: &[Category] = &[
    Category {
        id: 1,
        name: "美食",
        secondary: &[(101, "粤菜"), (102, "茶餐厅"), (103, "川菜")],
    },
    Category {
        id: 2,
        name: "休闲娱乐",
        secondary: &[(201, "KTV"), (202, "电影院")],
    },
    Category {
        id: 3,
        name: "购物",
        secondary: &[(301, "超市"), (302, "便利店")],
    },
];

/// Whether `(primary, secondary)` is a pair of [`CATEGORIES`].
pub fn is_known_pair(primary: u64, secondary: u64) -> bool {
    CATEGORIES
        .iter()
        .any(|c| c.id == primary && c.secondary.iter().any(|(s, _)| *s == secondary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_pair_is_known_and_ids_are_unique() {
        assert!(is_known_pair(1, 101));
        assert!(!is_known_pair(1, 201));
        let mut ids: Vec<u64> = CATEGORIES
            .iter()
            .flat_map(|c| c.secondary.iter().map(|(s, _)| *s))
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
