//! The state's data: what cardform last applied, the image cache and the operations
//! whose outcome is not yet known. The on-disk format is stable JSON with a `version`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The format version this build writes and reads.
pub const STATE_FORMAT_VERSION: u32 = 1;

/// One project's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    /// Format version ([`STATE_FORMAT_VERSION`]).
    pub version: u32,
    /// Random at the state's birth, never changed: tells two unrelated states apart.
    pub lineage: Uuid,
    /// Bumped by each commit that changed the content.
    pub serial: u64,
    /// The last journal record folded into this state. Managed by the backend: a
    /// snapshot skips journal records up to here on replay, which is what makes a crash
    /// between "snapshot written" and "journal truncated" harmless.
    #[serde(default)]
    pub journal_seq: u64,
    /// Managed cards by address.
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceState>,
    /// Uploaded images by the sha256 (lowercase hex) of the file's bytes.
    #[serde(default)]
    pub images: BTreeMap<String, ImageRecord>,
    /// Mutations started whose outcome was never recorded (the caller resolves them).
    #[serde(default)]
    pub pending: Vec<PendingOperation>,
    /// What the remote answered to each update: the evidence `cardform rules
    /// --evidence` weighs the rule table against. Optional: states written before it
    /// existed read as empty, and an empty list is not written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_answers: Vec<UpdateAnswer>,
    /// The test whitelist cardform last set (`None`: cardform never set one, so it
    /// never clears one it did not make). Optional: older states read as `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_whitelist: Option<WhitelistRecord>,
    /// The account and project this state belongs to, stamped by the first run that
    /// writes it; absent in states written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<StateOwner>,
    /// Sub-merchants cardform submitted or adopted, by name. Optional: absent in
    /// states without any.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sub_merchants: BTreeMap<String, SubMerchantState>,
    /// Temporary media uploaded (they expire), by the sha256 of the file's bytes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub media: BTreeMap<String, MediaRecord>,
}

/// What cardform knows about one sub-merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubMerchantState {
    pub merchant_id: u64,
    /// The review status last seen (e.g. CHECKING, APPROVED).
    pub status: String,
    /// Why it was rejected, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The content last sent (opaque to the state layer).
    pub applied: serde_json::Value,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A temporary media file (it expires: the caller decides when).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRecord {
    pub media_id: String,
    /// The local file it came from, relative to the project folder.
    pub file: String,
    /// Unix seconds.
    pub uploaded_at: i64,
}

/// One update's answer: the field set sent and whether the remote sent the card back
/// to review (WeChat's `send_check`), beside what was predicted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateAnswer {
    /// The operation it answered (one record per operation, however often replayed).
    pub op_id: Uuid,
    pub address: String,
    pub card_id: String,
    /// The field paths sent (inside the per-type object, e.g. `base_info.notice`).
    pub fields: Vec<String>,
    /// Whether the plan predicted review.
    pub predicted_review: bool,
    /// What the remote answered (`send_check`).
    pub send_check: bool,
    /// Unix seconds.
    pub at: i64,
}

/// A test whitelist cardform set (a full replacement: the whole list).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WhitelistRecord {
    #[serde(default)]
    pub openids: Vec<String>,
    #[serde(default)]
    pub usernames: Vec<String>,
    /// Unix seconds.
    #[serde(default)]
    pub set_at: i64,
}

/// Whose cards a state records: a state copied from another account or project would
/// otherwise plan the deletion of that project's cards and duplicates of this one's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateOwner {
    /// The account (for cardform, the Official Account's AppID).
    pub account: String,
    /// The project's id (for cardform, `project_id` in cardform.toml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
}

/// What cardform knows about one managed card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    pub card_id: String,
    pub card_type: String,
    /// The last-applied normalised content (opaque to the state layer).
    pub applied: serde_json::Value,
    pub applied_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_fingerprint: Option<String>,
    /// The review status last seen (e.g. CARD_STATUS_NOT_VERIFY).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
    /// The paths of `applied` the files set at the last apply (field ownership, as
    /// Kubernetes' managedFields). `None`: every path of `applied` (a card cardform
    /// created or updated from the files). An adopted card starts with `Some([])`:
    /// WeChat's values are recorded, none is managed until the files set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Vec<String>>,
    /// What the card was applied from (opaque to the state layer): cardform writes a
    /// hash of the card_id, the applied content and the desired content the files gave
    /// at the last apply of this card. `plan --refresh=changed` reads no live card
    /// whose files and state still give the same hash. Absent in older states and for
    /// adopted cards, which are then always refreshed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_hash: Option<String>,
}

/// An image uploaded with media/uploadimg.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageRecord {
    pub url: String,
    /// The local file it came from, relative to the project folder.
    pub file: String,
    pub uploaded_at: i64,
}

/// A mutation that was about to be sent (an intent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingOperation {
    pub id: Uuid,
    pub address: String,
    pub op: OpKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    /// A fingerprint of the exact request content.
    pub request_fingerprint: String,
    /// Unix seconds.
    pub started_at: i64,
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// The kinds of mutating call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Create,
    Update,
    Delete,
    ModifyStock,
    UploadImage,
    CoinConfirm,
    SubmitSubMerchant,
    UpdateSubMerchant,
    UploadMedia,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Create => "create",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
            OpKind::ModifyStock => "modify_stock",
            OpKind::UploadImage => "upload_image",
            OpKind::CoinConfirm => "coin_confirm",
            OpKind::SubmitSubMerchant => "submit_sub_merchant",
            OpKind::UpdateSubMerchant => "update_sub_merchant",
            OpKind::UploadMedia => "upload_media",
        }
    }
}

/// One effect of a completed operation. Each is a "set" or "remove", so applying it
/// twice leaves the same state as applying it once (journal replay relies on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    PutResource {
        address: String,
        resource: ResourceState,
    },
    RemoveResource {
        address: String,
    },
    PutImage {
        sha256: String,
        image: ImageRecord,
    },
    /// Records an update's answer (kept once per `op_id`).
    PutUpdateAnswer {
        answer: UpdateAnswer,
    },
    PutSubMerchant {
        name: String,
        sub_merchant: SubMerchantState,
    },
    RemoveSubMerchant {
        name: String,
    },
    PutMedia {
        sha256: String,
        media: MediaRecord,
    },
}

/// One journal record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalRecord {
    /// Written before the mutating call.
    Intent { op: PendingOperation },
    /// Written after the call, with what it changed.
    Outcome { op_id: Uuid, changes: Vec<Change> },
    /// The call was not made, or failed in a way known to have changed nothing.
    Abandoned { op_id: Uuid },
}

/// Identifies one exact version of a state: saved plans record it, and apply refuses
/// the plan when it moved. `journal_seq` matters because outcomes recorded in the
/// journal change the state without changing `serial` until the next commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStamp {
    pub lineage: Uuid,
    pub serial: u64,
    pub journal_seq: u64,
}

impl StateFile {
    /// A new, empty state with a fresh lineage (serial 0: the first commit makes it 1).
    pub fn new() -> Self {
        StateFile {
            version: STATE_FORMAT_VERSION,
            lineage: Uuid::new_v4(),
            serial: 0,
            journal_seq: 0,
            resources: BTreeMap::new(),
            images: BTreeMap::new(),
            pending: Vec::new(),
            update_answers: Vec::new(),
            test_whitelist: None,
            owner: None,
            sub_merchants: BTreeMap::new(),
            media: BTreeMap::new(),
        }
    }

    pub fn stamp(&self) -> StateStamp {
        StateStamp {
            lineage: self.lineage,
            serial: self.serial,
            journal_seq: self.journal_seq,
        }
    }

    /// Applies one journal record. Idempotent: an intent already pending is not added
    /// twice, an outcome whose intent is gone still applies its (set/remove) changes.
    pub fn apply_record(&mut self, record: &JournalRecord) {
        match record {
            JournalRecord::Intent { op } => {
                if !self.pending.iter().any(|p| p.id == op.id) {
                    self.pending.push(op.clone());
                }
            }
            JournalRecord::Outcome { op_id, changes } => {
                self.pending.retain(|p| p.id != *op_id);
                for change in changes {
                    self.apply_change(change);
                }
            }
            JournalRecord::Abandoned { op_id } => self.pending.retain(|p| p.id != *op_id),
        }
    }

    /// Applies one change (set or remove; idempotent).
    pub fn apply_change(&mut self, change: &Change) {
        match change {
            Change::PutResource { address, resource } => {
                self.resources.insert(address.clone(), resource.clone());
            }
            Change::RemoveResource { address } => {
                self.resources.remove(address);
            }
            Change::PutImage { sha256, image } => {
                self.images.insert(sha256.clone(), image.clone());
            }
            Change::PutUpdateAnswer { answer } => {
                self.update_answers.retain(|a| a.op_id != answer.op_id);
                self.update_answers.push(answer.clone());
            }
            Change::PutSubMerchant { name, sub_merchant } => {
                self.sub_merchants
                    .insert(name.clone(), sub_merchant.clone());
            }
            Change::RemoveSubMerchant { name } => {
                self.sub_merchants.remove(name);
            }
            Change::PutMedia { sha256, media } => {
                self.media.insert(sha256.clone(), media.clone());
            }
        }
    }
}

impl Default for StateFile {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(id: &str) -> ResourceState {
        ResourceState {
            card_id: id.into(),
            card_type: "CASH".into(),
            applied: serde_json::json!({"title": id}),
            applied_hash: format!("h-{id}"),
            live_fingerprint: None,
            status: None,
            updated_at: 1,
            managed: None,
            desired_hash: None,
        }
    }

    fn op(addr: &str) -> PendingOperation {
        PendingOperation {
            id: Uuid::new_v4(),
            address: addr.into(),
            op: OpKind::Create,
            card_id: None,
            request_fingerprint: "fp".into(),
            started_at: 1,
            detail: serde_json::Value::Null,
        }
    }

    #[test]
    fn replaying_records_twice_gives_the_same_state() {
        let a = op("a");
        let b = op("b");
        let records = vec![
            JournalRecord::Intent { op: a.clone() },
            JournalRecord::Outcome {
                op_id: a.id,
                changes: vec![Change::PutResource {
                    address: "a".into(),
                    resource: res("p1"),
                }],
            },
            JournalRecord::Intent { op: b.clone() },
            JournalRecord::Outcome {
                op_id: b.id,
                changes: vec![Change::RemoveResource {
                    address: "a".into(),
                }],
            },
            JournalRecord::Intent { op: op("c") },
        ];
        let mut once = StateFile::new();
        for r in &records {
            once.apply_record(r);
        }
        let mut twice = once.clone();
        for r in &records {
            twice.apply_record(r);
        }
        assert_eq!(once, twice);
        assert!(once.resources.is_empty());
        assert_eq!(once.pending.len(), 1);
        assert_eq!(once.pending[0].address, "c");
    }

    #[test]
    fn update_answers_are_optional_and_recorded_once() {
        let old = r#"{"version":1,"lineage":"6f0d7c4e-1f7a-4c55-9a43-0c3b3f1b9c11","serial":3}"#;
        let st: StateFile = serde_json::from_str(old).expect("an older state reads");
        assert!(st.update_answers.is_empty());
        let written = serde_json::to_string(&st).unwrap_or_default();
        assert!(!written.contains("update_answers"), "{written}");
        let answer = UpdateAnswer {
            op_id: Uuid::new_v4(),
            address: "a".into(),
            card_id: "p1".into(),
            fields: vec!["base_info.notice".into()],
            predicted_review: true,
            send_check: true,
            at: 1,
        };
        let mut st = StateFile::new();
        let change = Change::PutUpdateAnswer { answer };
        st.apply_change(&change);
        st.apply_change(&change);
        assert_eq!(st.update_answers.len(), 1);
    }

    #[test]
    fn op_kinds_serialise_in_snake_case() {
        let s = serde_json::to_string(&OpKind::ModifyStock).unwrap_or_default();
        assert_eq!(s, "\"modify_stock\"");
    }
}
