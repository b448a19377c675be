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

use std::collections::BTreeMap;

use crate::config::DesiredCard;
use crate::live::LiveCard;
use crate::plan::Action;

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
                let plan = plan_as_adopted(want, l).ok()?;
                let rc = plan.resource_changes.first()?;
                matches!(
                    rc.action,
                    Action::NoOp | Action::Stock | Action::Update | Action::UpdateReview
                )
                .then(|| Candidate {
                    card_id: l.card_id.clone(),
                    changes: rc.changes.len() + usize::from(rc.stock.is_some()),
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
