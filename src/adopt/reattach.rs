//! Re-attaching live cards to the declared cards a lost state no longer knows
//! (`cardform import --reattach`).
//!
//! When the state is gone (and its backup with it), every declared card looks new and
//! the next plan would create a second copy of each. The live cards are still there;
//! what was lost is which card_id each address had. A live card can stand for a
//! declared card when planning the file against it, as an adopted card, needs no new
//! card: same type and nothing the update rules refuse (brand, amounts, thresholds…).
//! Among those, the one with the fewest field changes is the match, and only a pairing
//! that is unique from both sides is made: anything else is left to the user
//! (`cardform import ADDRESS CARD_ID`), because a wrong pairing would send one card's
//! texts to another card.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::DesiredCard;
use crate::config::images::LocalImage;
use crate::live::LiveCard;
use crate::model::ImageKind;
use crate::plan::Action;
use cardform_spec::rules::UpdateClass;

use super::plan_as_adopted;

/// A live card that could stand for a declared card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub card_id: String,
    /// Fields the next plan would change on it (0: the file describes it exactly).
    pub changes: usize,
}

/// What re-attaching found for one declared card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pairing {
    /// This live card, and no other declared card claims it as well.
    Matched(Candidate),
    /// Several live cards fit equally well, or the best one is also the best fit of
    /// another declared card: the user chooses.
    Ambiguous(Vec<Candidate>),
    /// No live card fits without a new card; the next plan creates it.
    Unmatched,
}

/// Pairs each declared card (`orphans`: declared, not in the state) with the live card
/// it stands for, among `live` (the account's cards the state does not hold).
///
/// # Guarantees
/// A live card is paired with at most one declared card, and only when it is the single
/// best fit of that card and that card is its single best fit.
pub fn pair(orphans: &[&DesiredCard], live: &[LiveCard]) -> BTreeMap<String, Pairing> {
    // Candidates per orphan, best (fewest changes) first.
    let mut fits: BTreeMap<&str, Vec<Candidate>> = BTreeMap::new();
    for want in orphans {
        let mut candidates: Vec<Candidate> = live
            .iter()
            .filter(|l| l.card_type == want.card.card_type)
            .filter_map(|l| {
                // Scored as if the local images were the uploads this card shows, as
                // [`infer_images`] will record them where the cards agree.
                let plan =
                    plan_as_adopted(want, l, &images_shown(want, l), &BTreeMap::new()).ok()?;
                let rc = plan.resource_changes.first()?;
                matches!(
                    rc.action,
                    Action::NoOp | Action::Stock | Action::Update | Action::UpdateReview
                )
                .then(|| Candidate {
                    card_id: l.card_id.clone(),
                    // cardform's own settings (lifecycle) are not the card's.
                    changes: rc
                        .changes
                        .iter()
                        .filter(|c| c.class != UpdateClass::Local)
                        .count()
                        + usize::from(rc.stock.is_some()),
                })
            })
            .collect();
        candidates.sort_by(|a, b| a.changes.cmp(&b.changes).then(a.card_id.cmp(&b.card_id)));
        fits.insert(want.address.as_str(), candidates);
    }
    let best = |candidates: &[Candidate]| -> Vec<Candidate> {
        let Some(min) = candidates.first().map(|c| c.changes) else {
            return Vec::new();
        };
        candidates
            .iter()
            .take_while(|c| c.changes == min)
            .cloned()
            .collect()
    };
    // For each live card, how many orphans have it as a best fit.
    let mut claims: BTreeMap<String, usize> = BTreeMap::new();
    for candidates in fits.values() {
        for c in best(candidates) {
            *claims.entry(c.card_id).or_default() += 1;
        }
    }
    fits.iter()
        .map(|(address, candidates)| {
            let top = best(candidates);
            let pairing = match top.as_slice() {
                [] => Pairing::Unmatched,
                [only] => {
                    if claims.get(&only.card_id) == Some(&1) {
                        Pairing::Matched(only.clone())
                    } else {
                        Pairing::Ambiguous(top)
                    }
                }
                _ => Pairing::Ambiguous(top),
            };
            (address.to_string(), pairing)
        })
        .collect()
}

/// What the lost state knew about uploaded images, read back from the paired cards.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InferredImages {
    /// sha256 of a local file → (its URL on WeChat, the file).
    pub uploads: BTreeMap<String, (String, String)>,
    /// Local files whose places hold different URLs (or whose URL another file's places
    /// hold too): not inferred, so the next apply uploads them again.
    pub unsure: BTreeSet<String>,
}

/// Infers, for each local image file of the paired cards, the URL it was uploaded to:
/// the URL every place that names the file holds on the live cards.
///
/// The state is the only record of which upload a file became; without it every card
/// with a local image would be updated with a new upload of the same file, and a logo
/// or cover change sends the card back to review. A file is inferred only when all its
/// places agree on one URL that no other file's places hold.
///
/// # Guarantees
/// Nothing is inferred for a file whose places disagree. A file edited after its last
/// upload is not told apart (WeChat keeps no hash of the file): the caller says which
/// files were inferred, and can skip the inference.
pub fn infer_images(
    pairs: &[(&DesiredCard, &LiveCard)],
    hashes: &BTreeMap<String, LocalImage>,
) -> InferredImages {
    // file → the URLs its places hold.
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (want, live) in pairs {
        for (path, image) in want.card.images() {
            if let ImageKind::Local(file) = image.kind() {
                let urls = seen.entry(file).or_default();
                match live_image_url(live, &path) {
                    Some(url) => urls.insert(url),
                    // An absent image on the live card: nothing to agree with.
                    None => urls.insert(String::new()),
                };
            }
        }
    }
    let agreed = agreeing_urls(&seen);
    let mut out = InferredImages::default();
    for file in seen.keys() {
        match (agreed.get(file), hashes.get(*file)) {
            (Some(url), Some(local)) => {
                out.uploads.insert(
                    local.sha256.clone(),
                    ((*url).to_string(), (*file).to_string()),
                );
            }
            _ => {
                out.unsure.insert((*file).to_string());
            }
        }
    }
    out
}

/// file → URLs its places hold ("" for a place without an image) ⇒ the files whose
/// places all hold one URL that no other file's places hold, with that URL.
fn agreeing_urls<'a, 'b>(
    seen: &'b BTreeMap<&'a str, BTreeSet<String>>,
) -> BTreeMap<&'a str, &'b str> {
    let mut files_per_url: BTreeMap<&str, usize> = BTreeMap::new();
    for urls in seen.values() {
        for url in urls {
            *files_per_url.entry(url.as_str()).or_default() += 1;
        }
    }
    seen.iter()
        .filter_map(
            |(file, urls)| match urls.iter().collect::<Vec<_>>().as_slice() {
                [url] if !url.is_empty() && files_per_url.get(url.as_str()) == Some(&1) => {
                    Some((*file, url.as_str()))
                }
                _ => None,
            },
        )
        .collect()
}

/// Local image file → the URL `live` holds at its places, for the files whose places
/// on this card agree.
fn images_shown(want: &DesiredCard, live: &LiveCard) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<&str, BTreeSet<Option<String>>> = BTreeMap::new();
    for (path, image) in want.card.images() {
        if let ImageKind::Local(file) = image.kind() {
            seen.entry(file)
                .or_default()
                .insert(live_image_url(live, &path));
        }
    }
    seen.into_iter()
        .filter_map(
            |(file, urls)| match urls.into_iter().collect::<Vec<_>>().as_slice() {
                [Some(url)] => Some((file.to_string(), url.clone())),
                _ => None,
            },
        )
        .collect()
}

/// The URL a live card holds at an image place of [`crate::model::Card::images`]
/// (`base_info.logo_url`, `advanced_info.abstract.icon_url_list[0]`,
/// `advanced_info.text_image_list[1].image_url`; lists are leaves of the canonical form).
fn live_image_url(live: &LiveCard, path: &str) -> Option<String> {
    let value = match path.split_once('[') {
        None => live.content.get(path)?.clone(),
        Some((list, rest)) => {
            let (index, field) = rest.split_once(']')?;
            let item = live.content.get(list)?.get(index.parse::<usize>().ok()?)?;
            match field.strip_prefix('.') {
                Some(key) => item.get(key)?.clone(),
                None => item.clone(),
            }
        }
    };
    match value {
        Value::String(url) if !url.is_empty() => Some(url),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(rows: &[(&'a str, &[&str])]) -> BTreeMap<&'a str, BTreeSet<String>> {
        rows.iter()
            .map(|(file, urls)| (*file, urls.iter().map(|u| u.to_string()).collect()))
            .collect()
    }

    #[test]
    fn a_file_is_inferred_only_when_its_places_agree_on_a_url_of_its_own() {
        let s = seen(&[
            ("logo.jpg", &["http://a/0"]),
            ("cover.jpg", &["http://b/0", "http://c/0"]),
            ("detail.jpg", &["http://d/0"]),
            ("detail2.jpg", &["http://d/0"]),
            ("icon.jpg", &[""]),
        ]);
        let agreed = agreeing_urls(&s);
        assert_eq!(agreed, BTreeMap::from([("logo.jpg", "http://a/0")]));
    }
}
