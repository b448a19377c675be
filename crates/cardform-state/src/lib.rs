//! cardform-state: what cardform applied, where it lives, and how it survives crashes.
//!
//! A backend stores a snapshot ([`StateFile`]) plus a write-ahead journal of
//! [`JournalRecord`]s. During apply every mutation is preceded by a durable `Intent` and
//! followed by an `Outcome` (or `Abandoned`), each one cheap (one appended record) and
//! durable before the call returns; [`StateBackend::commit`] folds them into a new
//! snapshot. Loading replays the journal, so intents with no outcome come back in
//! [`StateFile::pending`] for the caller to resolve. [`StateSession`] bundles the lock,
//! the loaded state and the journal for one run. This crate knows nothing of WeChat.
//!
//! Must not import: any other cardform crate (it sits beside the client, below the
//! product).

mod backend;
pub mod codec;
mod error;
pub mod events;
mod invariants;
mod local;
mod location;
mod lock;
mod model;
pub mod postgres;
mod replay;
mod session;
mod token_store;

pub use backend::{Committed, Loaded, StateBackend};
pub use codec::{JournalLine, SnapshotHeader, state_content_hash};
pub use error::{StateError, io_words};
pub use events::{Appended, EventLog, EventRecord, LocalEventLog, events_path_for, open_event_log};
pub use invariants::{Violation, check_invariants};
pub use local::{LocalBackend, Restored};
pub use location::{
    DEFAULT_STATE_PATH, is_postgres_url, local_state_path, open_backend, redact_url,
};
pub use lock::{LockInfo, LockRelease, StateLock};
pub use model::{
    Change, ImageRecord, JournalRecord, MediaRecord, OpKind, PendingOperation, ResourceState,
    STATE_FORMAT_VERSION, StateFile, StateOwner, StateStamp, SubMerchantState, UpdateAnswer,
    WhitelistRecord,
};
pub use replay::{ReplayReport, replay};
pub use session::{COMPACT_EVERY, StateSession};
pub use token_store::{
    LocalTokenStore, PLATFORM_STATE_DIR, StoredToken, TokenLockGuard, TokenStore, open_token_store,
};
