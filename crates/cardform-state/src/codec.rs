//! The stable JSON encoding of a snapshot and of journal lines, shared by every backend.
//!
//! A snapshot is a JSON object whose header fields (`version`, `lineage`, `serial`,
//! `journal_seq`, `content_hash`) come first, one per line, followed by `owner`,
//! `resources`, `images`, `pending` and (when any) `update_answers`, with one entry per
//! line in compact JSON. One entry a line
//! keeps the file readable and line-diffable while staying about a third smaller, and
//! faster to write and read, than pretty JSON (a 100,000-card state is ~70 MiB, not
//! ~107). `content_hash` is the sha256 of the lineage and the content, so a commit can
//! tell whether the content changed without parsing the previous snapshot in full.
//! Readers accept any JSON layout (a hand-formatted file loads the same).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::StateError;
use super::model::{
    ImageRecord, JournalRecord, MediaRecord, PendingOperation, ResourceState, STATE_FORMAT_VERSION,
    StateFile, StateOwner, SubMerchantState, UpdateAnswer, WhitelistRecord,
};

/// A snapshot's content, encoded once; the header is added when it is stored.
pub struct EncodedSnapshot {
    /// The pretty JSON body without its opening `{\n` (header lines go there).
    body: Vec<u8>,
    pub content_hash: String,
}

impl EncodedSnapshot {
    /// The header to put before [`Self::body`] for a given serial and journal position.
    pub fn header(&self, lineage: &Uuid, serial: u64, journal_seq: u64) -> Vec<u8> {
        format!(
            "{{\n  \"version\": {STATE_FORMAT_VERSION},\n  \"lineage\": \"{lineage}\",\n  \"serial\": {serial},\n  \"journal_seq\": {journal_seq},\n  \"content_hash\": \"{}\",\n",
            self.content_hash
        )
        .into_bytes()
    }

    /// The body that follows [`Self::header`].
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Header and body as one document.
    pub fn to_document(&self, lineage: &Uuid, serial: u64, journal_seq: u64) -> Vec<u8> {
        let mut doc = self.header(lineage, serial, journal_seq);
        doc.extend_from_slice(&self.body);
        doc
    }
}

/// Encodes the content of `state` (everything but the header fields).
///
/// # Errors
/// [`StateError::Encode`] if a value cannot be serialised (not expected for valid data).
pub fn encode_snapshot(state: &StateFile, location: &str) -> Result<EncodedSnapshot, StateError> {
    let mut body_bytes = Vec::with_capacity(64 * 1024 + 700 * state.resources.len());
    write_body(&mut body_bytes, state).map_err(|e| StateError::Encode {
        location: location.to_string(),
        detail: e.to_string(),
    })?;
    let content_hash = content_hash(&state.lineage, &body_bytes);
    // The body starts with "{\n"; the header replaces that opening.
    body_bytes.drain(..2.min(body_bytes.len()));
    body_bytes.push(b'\n');
    Ok(EncodedSnapshot {
        body: body_bytes,
        content_hash,
    })
}

/// `{"owner": {…}, "resources": {…}, "images": {…}, "pending": […]}` with one compact
/// entry a line (`owner` only when set).
fn write_body(out: &mut Vec<u8>, state: &StateFile) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\n");
    if let Some(owner) = &state.owner {
        out.extend_from_slice(b"  \"owner\": ");
        serde_json::to_writer(&mut *out, owner)?;
        out.extend_from_slice(b",\n");
    }
    out.extend_from_slice(b"  \"resources\": {");
    write_map_entries(out, &state.resources)?;
    out.extend_from_slice(b"},\n  \"images\": {");
    write_map_entries(out, &state.images)?;
    out.extend_from_slice(b"},\n  \"pending\": [");
    for (i, op) in state.pending.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        serde_json::to_writer(&mut *out, op)?;
    }
    if !state.pending.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    out.extend_from_slice(b"]");
    // Optional: absent (and the hash unchanged) for states that never recorded one.
    if !state.update_answers.is_empty() {
        out.extend_from_slice(b",\n  \"update_answers\": [");
        for (i, a) in state.update_answers.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            serde_json::to_writer(&mut *out, a)?;
        }
        out.extend_from_slice(b"\n  ]");
    }
    // Written only when set, so a state without one reads and hashes as before.
    if let Some(w) = &state.test_whitelist {
        out.extend_from_slice(b",\n  \"test_whitelist\": ");
        serde_json::to_writer(&mut *out, w)?;
    }
    // Sub-merchants and temporary media: written only when there are some, so a
    // state without them reads and hashes as before.
    if !state.sub_merchants.is_empty() {
        out.extend_from_slice(b",\n  \"sub_merchants\": {");
        write_map_entries(out, &state.sub_merchants)?;
        out.extend_from_slice(b"}");
    }
    if !state.media.is_empty() {
        out.extend_from_slice(b",\n  \"media\": {");
        write_map_entries(out, &state.media)?;
        out.extend_from_slice(b"}");
    }
    out.extend_from_slice(b"\n}");
    Ok(())
}

fn write_map_entries<V: Serialize>(
    out: &mut Vec<u8>,
    map: &BTreeMap<String, V>,
) -> serde_json::Result<()> {
    for (i, (key, value)) in map.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        serde_json::to_writer(&mut *out, key)?;
        out.extend_from_slice(b": ");
        serde_json::to_writer(&mut *out, value)?;
    }
    if !map.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    Ok(())
}

fn content_hash(lineage: &Uuid, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(lineage.as_bytes());
    h.update(body);
    hex::encode(h.finalize())
}

/// The content hash `state` would be stored with.
///
/// # Errors
/// As [`encode_snapshot`].
pub fn state_content_hash(state: &StateFile) -> Result<String, StateError> {
    Ok(encode_snapshot(state, "state")?.content_hash)
}

/// The header of a snapshot read from the first bytes of the file only, as this
/// crate writes it (header fields first, one a line). `None` when `prefix` is not
/// laid out that way (a hand-formatted file): read the whole file then.
pub fn peek_header(prefix: &[u8]) -> Option<SnapshotHeader> {
    let text = std::str::from_utf8(prefix)
        .ok()
        .or_else(|| std::str::from_utf8(&prefix[..prefix.len().saturating_sub(3)]).ok())?;
    let mut end = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim_start().starts_with("\"content_hash\"") && line.ends_with('\n') {
            end = Some(offset);
            break;
        }
    }
    let head = text[..end?].trim_end().trim_end_matches(',');
    let header: SnapshotHeader = serde_json::from_str(&format!("{head}}}")).ok()?;
    (header.version == STATE_FORMAT_VERSION).then_some(header)
}

/// The header of a stored snapshot (the rest is skipped, not kept).
#[derive(Debug, Clone, Deserialize)]
pub struct SnapshotHeader {
    pub version: u32,
    pub lineage: Uuid,
    pub serial: u64,
    #[serde(default)]
    pub journal_seq: u64,
    #[serde(default)]
    pub content_hash: Option<String>,
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Reads only the header of a stored snapshot, validating that the whole document is
/// well-formed JSON.
///
/// # Errors
/// [`StateError::Corrupt`] for anything unreadable, [`StateError::UnsupportedVersion`]
/// for another format version.
pub fn decode_header(
    bytes: &[u8],
    location: &str,
    backup: Option<std::path::PathBuf>,
) -> Result<SnapshotHeader, StateError> {
    match serde_json::from_slice::<SnapshotHeader>(bytes) {
        Ok(h) if h.version == STATE_FORMAT_VERSION => Ok(h),
        Ok(h) => Err(StateError::UnsupportedVersion {
            location: location.to_string(),
            found: h.version,
            supported: STATE_FORMAT_VERSION,
        }),
        Err(e) => Err(version_or_corrupt(bytes, location, backup, e)),
    }
}

/// Decodes a stored snapshot.
///
/// # Errors
/// As [`decode_header`].
pub fn decode_snapshot(
    bytes: &[u8],
    location: &str,
    backup: Option<std::path::PathBuf>,
) -> Result<StateFile, StateError> {
    decode_snapshot_and_header(bytes, location, backup).map(|(state, _)| state)
}

/// A stored snapshot: the state and its header fields, read in one pass.
#[derive(Deserialize)]
struct Stored {
    version: u32,
    lineage: Uuid,
    serial: u64,
    #[serde(default)]
    journal_seq: u64,
    #[serde(default)]
    content_hash: Option<String>,
    #[serde(default)]
    resources: BTreeMap<String, ResourceState>,
    #[serde(default)]
    images: BTreeMap<String, ImageRecord>,
    #[serde(default)]
    pending: Vec<PendingOperation>,
    #[serde(default)]
    update_answers: Vec<UpdateAnswer>,
    #[serde(default)]
    test_whitelist: Option<WhitelistRecord>,
    #[serde(default)]
    owner: Option<StateOwner>,
    #[serde(default)]
    sub_merchants: BTreeMap<String, SubMerchantState>,
    #[serde(default)]
    media: BTreeMap<String, MediaRecord>,
}

/// Decodes a stored snapshot and its header (with the `content_hash` the state itself
/// does not carry), so a later commit need not read the file again.
///
/// # Errors
/// As [`decode_header`].
pub fn decode_snapshot_and_header(
    bytes: &[u8],
    location: &str,
    backup: Option<std::path::PathBuf>,
) -> Result<(StateFile, SnapshotHeader), StateError> {
    match serde_json::from_slice::<Stored>(bytes) {
        Ok(s) if s.version == STATE_FORMAT_VERSION => {
            let header = SnapshotHeader {
                version: s.version,
                lineage: s.lineage,
                serial: s.serial,
                journal_seq: s.journal_seq,
                content_hash: s.content_hash,
            };
            let state = StateFile {
                version: s.version,
                lineage: s.lineage,
                serial: s.serial,
                journal_seq: s.journal_seq,
                resources: s.resources,
                images: s.images,
                pending: s.pending,
                update_answers: s.update_answers,
                test_whitelist: s.test_whitelist,
                owner: s.owner,
                sub_merchants: s.sub_merchants,
                media: s.media,
            };
            Ok((state, header))
        }
        Ok(s) => Err(StateError::UnsupportedVersion {
            location: location.to_string(),
            found: s.version,
            supported: STATE_FORMAT_VERSION,
        }),
        Err(e) => Err(version_or_corrupt(bytes, location, backup, e)),
    }
}

fn version_or_corrupt(
    bytes: &[u8],
    location: &str,
    backup: Option<std::path::PathBuf>,
    e: serde_json::Error,
) -> StateError {
    // A newer format may not parse as ours: name the version rather than the syntax.
    if let Ok(v) = serde_json::from_slice::<VersionOnly>(bytes)
        && v.version != STATE_FORMAT_VERSION
    {
        return StateError::UnsupportedVersion {
            location: location.to_string(),
            found: v.version,
            supported: STATE_FORMAT_VERSION,
        };
    }
    let detail = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        cardform_i18n::tr!("err-state-empty-file")
    } else {
        cardform_i18n::tr!("err-state-not-a-document", error = e.to_string())
    };
    StateError::Corrupt {
        location: location.to_string(),
        detail,
        backup,
    }
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalLine {
    /// Strictly increasing within a lineage.
    pub seq: u64,
    pub lineage: Uuid,
    pub record: JournalRecord,
}

/// Encodes a journal line with its trailing newline.
///
/// # Errors
/// [`StateError::Encode`].
pub fn encode_journal_line(line: &JournalLine, location: &str) -> Result<Vec<u8>, StateError> {
    let mut bytes = serde_json::to_vec(line).map_err(|e| StateError::Encode {
        location: location.to_string(),
        detail: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Parses the bytes of a local journal file into lines, tolerating a torn last line.
pub(crate) struct ParsedJournal {
    pub(crate) lines: Vec<(JournalLine, String)>,
    /// Byte length of the valid prefix when the tail was torn.
    pub(crate) torn_at: Option<u64>,
    pub(crate) needs_newline: bool,
}

pub(crate) fn parse_journal(
    bytes: &[u8],
    path: &Path,
    backup: Option<PathBuf>,
) -> Result<ParsedJournal, StateError> {
    let mut out = ParsedJournal {
        lines: Vec::new(),
        torn_at: None,
        needs_newline: false,
    };
    let mut offset = 0usize;
    let mut line_no = 0usize;
    while offset < bytes.len() {
        line_no += 1;
        let rest = &bytes[offset..];
        let (line, complete, next) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], true, offset + i + 1),
            None => (rest, false, bytes.len()),
        };
        let place = format!("{} line {line_no}", path.display());
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            if !complete {
                // Trailing whitespace/NULs from an interrupted append.
                if !line.is_empty() {
                    out.torn_at = Some(offset as u64);
                }
                break;
            }
            offset = next;
            continue;
        }
        match serde_json::from_slice::<JournalLine>(line) {
            Ok(l) => {
                out.lines.push((l, place));
                if !complete {
                    out.needs_newline = true;
                }
            }
            Err(_) if !complete => {
                out.torn_at = Some(offset as u64);
                break;
            }
            Err(e) => {
                return Err(StateError::Corrupt {
                    location: place,
                    detail: cardform_i18n::tr!("err-state-damaged-record", error = e.to_string()),
                    backup,
                });
            }
        }
        offset = next;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_round_trips_and_hash_ignores_serial() {
        let mut s = StateFile::new();
        s.resources.insert(
            "a".into(),
            ResourceState {
                card_id: "p1".into(),
                card_type: "CASH".into(),
                applied: serde_json::json!({"x": [1, 2]}),
                applied_hash: "h".into(),
                live_fingerprint: Some("f".into()),
                status: None,
                updated_at: 5,
                managed: None,
                desired_hash: None,
            },
        );
        let e = encode_snapshot(&s, "t").expect("encode");
        let d1 = e.to_document(&s.lineage, 3, 9);
        let d2 = e.to_document(&s.lineage, 4, 10);
        let back = decode_snapshot(&d1, "t", None).expect("decode");
        assert_eq!(back.serial, 3);
        assert_eq!(back.journal_seq, 9);
        assert_eq!(back.resources, s.resources);
        let h1 = decode_header(&d1, "t", None).expect("header");
        let h2 = decode_header(&d2, "t", None).expect("header");
        assert_eq!(h1.content_hash, Some(e.content_hash.clone()));
        assert_eq!(h1.content_hash, h2.content_hash);
        assert_eq!(h2.serial, 4);
    }

    #[test]
    fn sub_merchants_and_media_round_trip_and_are_absent_when_empty() {
        let mut s = StateFile::new();
        let empty = encode_snapshot(&s, "t").expect("encode");
        let text = String::from_utf8_lossy(empty.body()).to_string();
        assert!(
            !text.contains("sub_merchants") && !text.contains("media"),
            "{text}"
        );
        s.sub_merchants.insert(
            "shop".into(),
            SubMerchantState {
                merchant_id: 12,
                status: "CHECKING".into(),
                reason: Some("授权函不清晰".into()),
                applied: serde_json::json!({"brand_name": "b"}),
                updated_at: 5,
            },
        );
        s.media.insert(
            "ab".into(),
            MediaRecord {
                media_id: "m1".into(),
                file: "assets/p.jpg".into(),
                uploaded_at: 6,
            },
        );
        let e = encode_snapshot(&s, "t").expect("encode");
        let back = decode_snapshot(&e.to_document(&s.lineage, 1, 0), "t", None).expect("decode");
        assert_eq!(back.sub_merchants, s.sub_merchants);
        assert_eq!(back.media, s.media);
        assert_ne!(e.content_hash, empty.content_hash);
    }

    #[test]
    fn the_header_is_read_from_the_first_bytes() {
        let mut st = StateFile::new();
        st.resources.insert(
            "a".into(),
            ResourceState {
                card_id: "pa".into(),
                card_type: "CASH".into(),
                applied: serde_json::json!({}),
                applied_hash: "h".into(),
                live_fingerprint: None,
                status: None,
                updated_at: 5,
                managed: None,
                desired_hash: None,
            },
        );
        let doc = encode_snapshot(&st, "x")
            .expect("encode")
            .to_document(&st.lineage, 7, 3);
        let h = peek_header(&doc[..doc.len().min(300)]).expect("header");
        assert_eq!((h.lineage, h.serial, h.journal_seq), (st.lineage, 7, 3));
        assert!(peek_header(b"{\"serial\": 1}").is_none());
        assert!(peek_header(b"garbage").is_none());
    }

    #[test]
    fn garbage_and_other_versions_are_named() {
        let err = decode_snapshot(b"{\"version\": 1, \"lin", "t", None);
        assert!(matches!(err, Err(StateError::Corrupt { .. })));
        let err = decode_snapshot(b"{\"version\": 7, \"whatever\": true}", "t", None);
        assert!(matches!(
            err,
            Err(StateError::UnsupportedVersion { found: 7, .. })
        ));
        let err = decode_header(b"  \n", "t", None);
        assert!(
            matches!(err, Err(StateError::Corrupt { ref detail, .. }) if detail.contains("empty"))
        );
    }
}
