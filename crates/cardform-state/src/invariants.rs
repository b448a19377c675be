//! What every loaded state must satisfy before a run plans from it. A state may be
//! edited by hand or committed to a repository (which docs/security.md treats as
//! untrusted): one card_id held by two addresses makes a plan delete a live card
//! another address still manages. A state that breaks a rule is refused, saying which
//! entries and how to repair them; `cardform state rm/mv/show/list` still read it.

use std::collections::BTreeMap;
use std::fmt;

use super::model::StateFile;
use cardform_i18n::tr;

/// The marker between a card's address and its old card_id in the entry that keeps
/// a replaced card until it is deleted (`ADDRESS#deposed-CARD_ID`).
pub const DEPOSED_MARKER: &str = "#deposed-";

/// One rule a state breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// Several managed (not deposed) addresses hold one card_id.
    SharedCardId {
        card_id: String,
        addresses: Vec<String>,
    },
    /// A deposed entry (to be deleted) holds the card_id a managed address holds:
    /// deleting it would delete that live card.
    DeposedSharesManaged {
        deposed: String,
        managed: String,
        card_id: String,
    },
    /// Two deposed entries hold one card_id.
    SharedDeposed {
        card_id: String,
        addresses: Vec<String>,
    },
    /// `ADDRESS#deposed-X` holding a card_id other than X.
    DeposedIdMismatch { address: String, card_id: String },
    /// A card_id that is not WeChat's shape (1–64 of `A-Z a-z 0-9 _ -`).
    BadCardId { address: String, card_id: String },
    /// A review status with control characters, or empty, or over 64 characters.
    BadStatus { address: String, status: String },
    /// An empty address, or one with spaces or control characters.
    BadAddress { address: String },
}

/// `'text'` for a shell, with control characters escaped (never written raw).
fn quoted(s: &str) -> String {
    let shown: String = s.chars().flat_map(char::escape_debug).collect();
    format!("'{}'", shown.replace('\'', "'\\''"))
}

fn list(addresses: &[String]) -> String {
    addresses
        .iter()
        .map(|a| quoted(a))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Violation::SharedCardId { card_id, addresses } => tr!(
                "err-inv-shared-card-id",
                card_id = quoted(card_id),
                count = addresses.len(),
                addresses = list(addresses),
                last = quoted(addresses.last().map(String::as_str).unwrap_or_default())
            ),
            Violation::DeposedSharesManaged {
                deposed,
                managed,
                card_id,
            } => tr!(
                "err-inv-deposed-shares-managed",
                deposed = quoted(deposed),
                card_id = quoted(card_id),
                managed = quoted(managed)
            ),
            Violation::SharedDeposed { card_id, addresses } => tr!(
                "err-inv-shared-deposed",
                card_id = quoted(card_id),
                addresses = list(addresses)
            ),
            Violation::DeposedIdMismatch { address, card_id } => tr!(
                "err-inv-deposed-id-mismatch",
                address = quoted(address),
                card_id = quoted(card_id)
            ),
            Violation::BadCardId { address, card_id } => tr!(
                "err-inv-bad-card-id",
                address = quoted(address),
                card_id = quoted(card_id)
            ),
            Violation::BadStatus { address, status } => tr!(
                "err-inv-bad-status",
                address = quoted(address),
                status = quoted(status)
            ),
            Violation::BadAddress { address } => {
                tr!("err-inv-bad-address", address = quoted(address))
            }
        };
        f.write_str(&text)
    }
}

fn card_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn status_ok(status: &str) -> bool {
    (1..=64).contains(&status.chars().count())
        && status.chars().all(|c| c.is_ascii_graphic() || c == ' ')
}

fn address_ok(address: &str) -> bool {
    !address.is_empty()
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c))
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Every rule `state` breaks (empty: none). Reads nothing else.
pub fn check_invariants(state: &StateFile) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut managed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut deposed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (address, r) in &state.resources {
        if !address_ok(address) {
            out.push(Violation::BadAddress {
                address: address.clone(),
            });
        }
        if !card_id_ok(&r.card_id) {
            out.push(Violation::BadCardId {
                address: address.clone(),
                card_id: r.card_id.clone(),
            });
        }
        if let Some(status) = r.status.as_deref().filter(|s| !status_ok(s)) {
            out.push(Violation::BadStatus {
                address: address.clone(),
                status: status.to_string(),
            });
        }
        match address.split_once(DEPOSED_MARKER) {
            Some((_, old_id)) => {
                if old_id != r.card_id {
                    out.push(Violation::DeposedIdMismatch {
                        address: address.clone(),
                        card_id: r.card_id.clone(),
                    });
                }
                deposed.entry(&r.card_id).or_default().push(address.clone());
            }
            None => managed.entry(&r.card_id).or_default().push(address.clone()),
        }
    }
    for (card_id, addresses) in &managed {
        if addresses.len() > 1 {
            out.push(Violation::SharedCardId {
                card_id: (*card_id).to_string(),
                addresses: addresses.clone(),
            });
        }
    }
    for (card_id, addresses) in &deposed {
        if let Some(owner) = managed.get(card_id).and_then(|m| m.first()) {
            for d in addresses {
                out.push(Violation::DeposedSharesManaged {
                    deposed: d.clone(),
                    managed: owner.clone(),
                    card_id: (*card_id).to_string(),
                });
            }
        } else if addresses.len() > 1 {
            out.push(Violation::SharedDeposed {
                card_id: (*card_id).to_string(),
                addresses: addresses.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceState;

    fn res(id: &str) -> ResourceState {
        ResourceState {
            card_id: id.into(),
            card_type: "CASH".into(),
            applied: serde_json::json!({}),
            applied_hash: "h".into(),
            live_fingerprint: None,
            status: Some("CARD_STATUS_VERIFY_OK".into()),
            updated_at: 1,
            managed: None,
            desired_hash: None,
        }
    }

    fn state(entries: &[(&str, ResourceState)]) -> StateFile {
        let mut st = StateFile::new();
        for (a, r) in entries {
            st.resources.insert((*a).to_string(), r.clone());
        }
        st
    }

    #[test]
    fn a_well_formed_state_passes() {
        let st = state(&[
            ("a", res("pA_1-x")),
            ("b", res("pB")),
            ("a#deposed-pOLD", res("pOLD")),
        ]);
        assert_eq!(check_invariants(&st), vec![]);
    }

    #[test]
    fn a_deposed_copy_of_a_live_card_is_named_with_the_fix() {
        let st = state(&[("a", res("pLIVE")), ("a#deposed-pLIVE", res("pLIVE"))]);
        let v = check_invariants(&st);
        assert_eq!(
            v,
            vec![Violation::DeposedSharesManaged {
                deposed: "a#deposed-pLIVE".into(),
                managed: "a".into(),
                card_id: "pLIVE".into()
            }]
        );
        let text = v[0].to_string();
        assert!(
            text.contains("cardform state rm 'a#deposed-pLIVE'"),
            "{text}"
        );
    }

    #[test]
    fn two_addresses_one_card_and_malformed_entries() {
        let mut bad_status = res("pS");
        bad_status.status = Some("OK\u{1b}[2J".into());
        let st = state(&[
            ("a", res("pX")),
            ("b", res("pX")),
            ("c d", res("pC")),
            ("e", res("p/../x")),
            ("f", bad_status),
            ("g#deposed-pY", res("pZ")),
        ]);
        let v = check_invariants(&st);
        assert!(v.contains(&Violation::SharedCardId {
            card_id: "pX".into(),
            addresses: vec!["a".into(), "b".into()]
        }));
        assert!(
            v.iter()
                .any(|x| matches!(x, Violation::BadAddress { address } if address == "c d"))
        );
        assert!(
            v.iter()
                .any(|x| matches!(x, Violation::BadCardId { address, .. } if address == "e"))
        );
        assert!(
            v.iter()
                .any(|x| matches!(x, Violation::DeposedIdMismatch { .. }))
        );
        let shown = v
            .iter()
            .find(|x| matches!(x, Violation::BadStatus { .. }))
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            shown.contains("\\u{1b}") && !shown.contains('\u{1b}'),
            "{shown}"
        );
    }
}
