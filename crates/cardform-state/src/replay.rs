//! Folding journal records onto a snapshot (shared by every backend).

use super::codec::JournalLine;
use super::error::StateError;
use super::model::StateFile;

/// What a replay did, for the notices shown to the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// Records applied on top of the snapshot.
    pub applied: usize,
    /// Records already folded into the snapshot (a commit was interrupted before it
    /// truncated the journal) and therefore skipped.
    pub skipped: usize,
    /// The highest seq seen (applied or skipped).
    pub last_seq: u64,
}

/// Applies `lines` (in journal order) to `state`.
///
/// # Guarantees
/// Records with `seq <= state.journal_seq` are skipped, so replaying a journal onto a
/// snapshot that already contains part of it applies nothing twice.
///
/// # Errors
/// [`StateError::Corrupt`] when a record belongs to another lineage or the sequence
/// numbers go backwards (the journal does not belong to this snapshot).
pub fn replay(
    state: &mut StateFile,
    lines: impl IntoIterator<Item = (JournalLine, String)>,
) -> Result<ReplayReport, StateError> {
    let mut report = ReplayReport {
        last_seq: state.journal_seq,
        ..Default::default()
    };
    let mut prev: Option<u64> = None;
    for (line, place) in lines {
        if line.lineage != state.lineage {
            return Err(StateError::Corrupt {
                location: place,
                detail: format!(
                    "the journal record belongs to state lineage {}, but the snapshot has lineage {}; the journal does not belong to this state. Move the journal away only after checking that its operations are resolved",
                    line.lineage, state.lineage
                ),
                backup: None,
            });
        }
        if prev.is_some_and(|p| line.seq <= p) {
            return Err(StateError::Corrupt {
                location: place,
                detail: format!(
                    "journal sequence goes backwards ({} after {})",
                    line.seq,
                    prev.unwrap_or_default()
                ),
                backup: None,
            });
        }
        prev = Some(line.seq);
        if line.seq <= state.journal_seq {
            report.skipped += 1;
            continue;
        }
        state.apply_record(&line.record);
        state.journal_seq = line.seq;
        report.applied += 1;
        report.last_seq = line.seq;
    }
    Ok(report)
}
