//! Sub-merchants (第三方协助制券) as the files declare them: `[sub_merchants.<name>]`
//! tables in card files, the cards' `sub_merchant = "<name>"` references, and their
//! offline checks (names, references, local files, categories, the protocol's end).
//! The category ids are checked again, authoritatively, against WeChat's
//! `card/getapplyprotocol` when a plan is made (`crate::plan::sub_merchants`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::desired::DesiredCard;
use super::diagnostic::Diagnostic;
use super::images::confined_image_path;
use super::schema::is_valid_address;
use super::source::{Locator, Seg, Target, parse_dotted};
use crate::i18n::tr;
use crate::model::{ImageKind, ImageRef, Timestamp, WxStr};
use cardform_spec::fields::bytes;
use cardform_spec::submerchant::{CATEGORIES, is_known_pair};

/// One sub-merchant, `[sub_merchants.<name>]` in a card file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubMerchantSpec {
    /// The sub-merchant's name, shown on its cards, ≤ 36 UTF-8 bytes (12 汉字).
    pub brand_name: WxStr<{ bytes::BRAND_NAME }>,
    /// Logo: a local JPG/PNG under the project (uploaded once with media/uploadimg, like card logos) or a mmbiz.qpic.cn URL.
    pub logo_url: ImageRef,
    /// The authorisation letter (授权函) scan: a local JPG/PNG under the project. Uploaded as temporary media (media/upload), which live 3 days; cardform uploads it again when it expired. Required unless merchant_id is set (an adopted sub-merchant); then an update that needs it (a new end_time) asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<ImageRef>,
    /// Optional: the business licence (营业执照) scan, a local JPG/PNG uploaded as temporary media like protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_media_id: Option<ImageRef>,
    /// Optional: the operator's ID card (经营者身份证) scan, a local JPG/PNG uploaded as temporary media like protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_media_id: Option<ImageRef>,
    /// When the authorisation letter ends: a datetime with a zone, e.g. 2027-12-31T23:59:59+08:00. After it the sub-merchant is EXPIRED.
    pub end_time: Timestamp,
    /// Primary category id, one of card/getapplyprotocol's (plan checks it against WeChat's list).
    pub primary_category_id: u64,
    /// Secondary category id, under the primary one in card/getapplyprotocol.
    pub secondary_category_id: u64,
    /// Optional: the sub-merchant's own Official Account AppID (verified accounts only); its cards then show that account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Set by `cardform import --all` for a sub-merchant adopted from WeChat: its merchant_id. The plan records that sub-merchant under this name; protocol may then be left out until an update needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<u64>,
}

impl SubMerchantSpec {
    /// The temporary media files, by the `info` key they are sent under.
    pub fn media(&self) -> Vec<(&'static str, &ImageRef)> {
        let mut out = Vec::new();
        if let Some(p) = &self.protocol {
            out.push(("protocol", p));
        }
        if let Some(a) = &self.agreement_media_id {
            out.push(("agreement_media_id", a));
        }
        if let Some(o) = &self.operator_media_id {
            out.push(("operator_media_id", o));
        }
        out
    }
}

/// One sub-merchant as the files declare it, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredSubMerchant {
    pub name: String,
    /// The card file, relative to the project folder.
    pub file: PathBuf,
    /// The line of its `[sub_merchants.<name>]` table.
    pub line: usize,
    pub spec: SubMerchantSpec,
}

/// Takes the `sub_merchants` table out of a card file's value and reads it.
pub(super) fn take_from_file(
    rel: &Path,
    value: &mut Value,
    locator: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<DesiredSubMerchant> {
    let Some(Value::Object(table)) = value
        .as_object_mut()
        .and_then(|o| o.remove("sub_merchants"))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, v) in table {
        let path = [Seg::Key("sub_merchants".into()), Seg::Key(name.clone())];
        let (line, col) = locator.locate(&path, Target::Key);
        if !is_valid_address(&name) {
            diags.push(
                Diagnostic::error(rel, tr!("val-sub-bad-name", name = name))
                    .at(line, col)
                    .with_help(tr!("val-sub-bad-name-help")),
            );
            continue;
        }
        match serde_path_to_error::deserialize::<_, SubMerchantSpec>(&v) {
            Ok(spec) => out.push(DesiredSubMerchant {
                name,
                file: rel.to_path_buf(),
                line,
                spec,
            }),
            // The schema already said what is wrong with it; say it here only when the
            // schema let it through.
            Err(e) => {
                if !diags.iter().any(|x| x.file == rel && x.is_error()) {
                    diags.push(
                        Diagnostic::error(
                            rel,
                            tr!(
                                "val-sub-shape",
                                name = name,
                                path = e.path().to_string(),
                                detail = e.inner().to_string()
                            ),
                        )
                        .at(line, col)
                        .with_help(tr!("val-cards-shape-help")),
                    );
                }
            }
        }
    }
    out
}

/// The valid category pairs, as a sentence (from the table the emulator serves; the
/// plan names WeChat's own list).
pub fn known_pairs_text() -> String {
    CATEGORIES
        .iter()
        .map(|c| {
            let s: Vec<String> = c.secondary.iter().map(|(id, _)| id.to_string()).collect();
            format!("{} ({}): {}", c.id, c.name, s.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn locate(sources: &BTreeMap<&Path, &str>, file: &Path, path: &str) -> (usize, usize) {
    match sources.get(file) {
        Some(text) => Locator::new(text).locate(&parse_dotted(path), Target::Value),
        None => (1, 1),
    }
}

/// The checks across files: unique names, every card's `sub_merchant` names a declared
/// one, local files exist inside the project, the protocol has not ended, the
/// categories are known (a warning: WeChat's list is checked at plan time).
pub(super) fn check(
    root: &Path,
    now: Timestamp,
    found: Vec<DesiredSubMerchant>,
    cards: &BTreeMap<String, DesiredCard>,
    sources: &[(PathBuf, String)],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, DesiredSubMerchant> {
    let texts: BTreeMap<&Path, &str> = sources
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_str()))
        .collect();
    let mut out: BTreeMap<String, DesiredSubMerchant> = BTreeMap::new();
    for sm in found {
        if let Some(first) = out.get(&sm.name) {
            diags.push(
                Diagnostic::error(
                    &sm.file,
                    tr!(
                        "val-sub-duplicate",
                        name = sm.name,
                        place = format!("{}:{}", first.file.display(), first.line)
                    ),
                )
                .at(sm.line, 1)
                .with_help(tr!("val-sub-duplicate-help")),
            );
            continue;
        }
        out.insert(sm.name.clone(), sm);
    }
    for sm in out.values() {
        let at = |field: &str| {
            locate(
                &texts,
                &sm.file,
                &format!("sub_merchants.{}.{field}", sm.name),
            )
        };
        let mut files: Vec<(&str, &ImageRef)> = vec![("logo_url", &sm.spec.logo_url)];
        files.extend(sm.spec.media());
        for (field, file) in files {
            match file.kind() {
                ImageKind::Url(_) if field != "logo_url" => {
                    let (l, c) = at(field);
                    diags.push(
                        Diagnostic::error(
                            &sm.file,
                            tr!(
                                "val-sub-local-file",
                                field = format!("sub_merchants.{}.{field}", sm.name)
                            ),
                        )
                        .at(l, c)
                        .with_field(format!("sub_merchants.{}.{field}", sm.name))
                        .with_help(tr!("val-sub-local-file-help")),
                    );
                }
                ImageKind::Url(_) => {}
                ImageKind::Local(p) => {
                    if let Err(e) = confined_image_path(root, p) {
                        let (l, c) = at(field);
                        diags.push(
                            Diagnostic::error(&sm.file, e.to_string())
                                .at(l, c)
                                .with_field(format!("sub_merchants.{}.{field}", sm.name))
                                .with_help(e.help()),
                        );
                    }
                }
            }
        }
        if sm.spec.protocol.is_none() && sm.spec.merchant_id.is_none() {
            let (l, c) = locate(&texts, &sm.file, &format!("sub_merchants.{}", sm.name));
            diags.push(
                Diagnostic::error(
                    &sm.file,
                    tr!(
                        "op-submerchant-no-protocol",
                        name = format!("sub_merchants.{}", sm.name)
                    ),
                )
                .at(l, c)
                .with_field(format!("sub_merchants.{}.protocol", sm.name))
                .with_help(tr!("op-submerchant-no-protocol-help")),
            );
        }
        if sm.spec.end_time.seconds() <= now.seconds() {
            let (l, c) = at("end_time");
            // An adopted one exists already: WeChat shows it EXPIRED until a new
            // letter is sent, which is not a reason to refuse the project.
            let diag: fn(PathBuf, String) -> Diagnostic = if sm.spec.merchant_id.is_some() {
                Diagnostic::warning
            } else {
                Diagnostic::error
            };
            diags.push(
                diag(
                    sm.file.clone(),
                    tr!(
                        "val-sub-end-time",
                        field = format!("sub_merchants.{}.end_time", sm.name)
                    ),
                )
                .at(l, c)
                .with_field(format!("sub_merchants.{}.end_time", sm.name))
                .with_help(tr!("val-sub-end-time-help")),
            );
        }
        let (p, s) = (sm.spec.primary_category_id, sm.spec.secondary_category_id);
        if !is_known_pair(p, s) {
            let (l, c) = at("secondary_category_id");
            diags.push(
                Diagnostic::warning(
                    &sm.file,
                    tr!(
                        "val-sub-category",
                        name = format!("sub_merchants.{}", sm.name),
                        pair = format!("{p}/{s}"),
                        known = known_pairs_text()
                    ),
                )
                .at(l, c)
                .with_field(format!("sub_merchants.{}.secondary_category_id", sm.name))
                .with_help(tr!("val-sub-category-help")),
            );
        }
    }
    for card in cards.values() {
        let Some(name) = &card.card.sub_merchant else {
            continue;
        };
        if out.contains_key(name) {
            continue;
        }
        let (l, c) = locate(
            &texts,
            &card.file,
            &format!("cards.{}.sub_merchant", card.address),
        );
        let known: Vec<&str> = out.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::error(&card.file, tr!("val-sub-undeclared", name = name))
                .at(l, c)
                .with_address(card.address.clone())
                .with_field("sub_merchant")
                .with_help(if known.is_empty() {
                    tr!("val-sub-undeclared-help")
                } else {
                    tr!("val-sub-declared", known = known.join(", "))
                }),
        );
    }
    out
}
