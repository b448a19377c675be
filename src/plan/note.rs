//! [`Note`]: what the reader of a plan must know about a card beyond its field changes.
//! Typed, so the planner and renderers match on the variant instead of on text; saved
//! plans and JSON carry the rendered sentence.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The rule name of the drift row of a card deleted outside cardform.
pub const DELETED_OUTSIDE: &str = "deleted outside cardform";

/// Something the reader must know about a card (deleted outside cardform, deposed…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Note {
    /// The card is gone from WeChat but still in the files: it will be created again.
    DeletedOutsideRecreate { card_id: String },
    /// The card is gone from WeChat and from the files: cardform only forgets it.
    DeletedOutsideForget,
    /// The card was removed from the files.
    NoLongerInFiles,
    /// The old card of a replacement, deleted now that its successor exists.
    DeposedCard,
    /// A replacement: the card gets a new card_id, so QR codes, links and add-to-wallet
    /// calls made for the old one stop working.
    CardIdChanges,
    /// A replacement of a friends coupon: the old card's unclaimed stock, bought with
    /// 券点, goes with it (WeChat refunds nothing; reference §8.6).
    GivesUpStock { remaining: u64 },
    /// Friends-coupon stock taken off: it was bought with 券点, which WeChat does not
    /// refund (reference §8.6).
    StockNotRefunded { removed: u64 },
    /// `[policy] buy_stock = "after_approval"` and WeChat has not approved the card:
    /// its friends-coupon stock is not bought yet.
    StockAwaitsApproval { quantity: u64 },
}

const RECREATE_HEAD: &str = "deleted outside cardform (card_id ";
const RECREATE_TAIL: &str = "); it will be created again";
const FORGET: &str = "deleted outside cardform already; cardform only forgets it";
const NO_LONGER_IN_FILES: &str = "no longer in the files";
const DEPOSED: &str = "the old card of a replacement; deleting it now";
const CARD_ID_CHANGES: &str = "the card_id changes: QR codes, links and add-to-wallet calls made for the old card stop working; make new ones with `cardform qrcode`";
const GIVES_UP_HEAD: &str = "the old card's ";
const NOT_REFUNDED_HEAD: &str = "the ";
const NOT_REFUNDED_TAIL: &str =
    " vouchers taken off the stock were bought with 券点: WeChat does not refund the points";
const AWAITS_HEAD: &str = "";
const AWAITS_TAIL: &str = " vouchers of stock are bought with 券点 once WeChat approves the card ([policy] buy_stock = \"after_approval\"); a rejected card gets none";
const GIVES_UP_TAIL: &str =
    " unclaimed vouchers go with it: friends-coupon stock bought with 券点 is not refunded";

impl Note {
    /// Whether the card disappeared from WeChat behind cardform's back.
    pub fn is_deleted_outside(&self) -> bool {
        matches!(
            self,
            Note::DeletedOutsideRecreate { .. } | Note::DeletedOutsideForget
        )
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::DeletedOutsideRecreate { card_id } => {
                write!(f, "{RECREATE_HEAD}{card_id}{RECREATE_TAIL}")
            }
            Note::DeletedOutsideForget => f.write_str(FORGET),
            Note::NoLongerInFiles => f.write_str(NO_LONGER_IN_FILES),
            Note::DeposedCard => f.write_str(DEPOSED),
            Note::CardIdChanges => f.write_str(CARD_ID_CHANGES),
            Note::GivesUpStock { remaining } => {
                write!(f, "{GIVES_UP_HEAD}{remaining}{GIVES_UP_TAIL}")
            }
            Note::StockNotRefunded { removed } => {
                write!(f, "{NOT_REFUNDED_HEAD}{removed}{NOT_REFUNDED_TAIL}")
            }
            Note::StockAwaitsApproval { quantity } => {
                write!(f, "{AWAITS_HEAD}{quantity}{AWAITS_TAIL}")
            }
        }
    }
}

impl From<Note> for String {
    fn from(note: Note) -> String {
        note.to_string()
    }
}

impl TryFrom<String> for Note {
    type Error = String;

    fn try_from(s: String) -> Result<Note, String> {
        match s.as_str() {
            FORGET => Ok(Note::DeletedOutsideForget),
            NO_LONGER_IN_FILES => Ok(Note::NoLongerInFiles),
            DEPOSED => Ok(Note::DeposedCard),
            CARD_ID_CHANGES => Ok(Note::CardIdChanges),
            other if other.starts_with(GIVES_UP_HEAD) && other.ends_with(GIVES_UP_TAIL) => other
                [GIVES_UP_HEAD.len()..other.len() - GIVES_UP_TAIL.len()]
                .parse()
                .map(|remaining| Note::GivesUpStock { remaining })
                .map_err(|_| format!("unknown plan note {other:?}")),
            other if other.ends_with(AWAITS_TAIL) => other
                [AWAITS_HEAD.len()..other.len() - AWAITS_TAIL.len()]
                .parse()
                .map(|quantity| Note::StockAwaitsApproval { quantity })
                .map_err(|_| format!("unknown plan note {other:?}")),
            other if other.starts_with(NOT_REFUNDED_HEAD) && other.ends_with(NOT_REFUNDED_TAIL) => {
                other[NOT_REFUNDED_HEAD.len()..other.len() - NOT_REFUNDED_TAIL.len()]
                    .parse()
                    .map(|removed| Note::StockNotRefunded { removed })
                    .map_err(|_| format!("unknown plan note {other:?}"))
            }
            other => other
                .strip_prefix(RECREATE_HEAD)
                .and_then(|rest| rest.strip_suffix(RECREATE_TAIL))
                .map(|card_id| Note::DeletedOutsideRecreate {
                    card_id: card_id.to_string(),
                })
                .ok_or_else(|| format!("unknown plan note {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_reads_back_from_its_sentence() {
        for note in [
            Note::DeletedOutsideRecreate {
                card_id: "pAbc".into(),
            },
            Note::DeletedOutsideForget,
            Note::NoLongerInFiles,
            Note::DeposedCard,
            Note::CardIdChanges,
            Note::GivesUpStock { remaining: 750 },
            Note::StockNotRefunded { removed: 250 },
            Note::StockAwaitsApproval { quantity: 500 },
        ] {
            assert_eq!(Note::try_from(note.to_string()), Ok(note));
        }
        assert!(Note::try_from("something else".to_string()).is_err());
    }
}
