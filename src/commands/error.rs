//! The errors the commands themselves raise (usage, files they write, what they read
//! from the terminal), and the wrappers that give the lower layers' errors a code at
//! the edge. Each says what went wrong and, where there is one, what to do (`help`).
//! Errors that already are diagnostics (`engine::RunError`, `session::SessionError`,
//! saved plans, the state owner) pass through `?` unchanged; the lower layers' typed
//! errors (state, WeChat client, config, emulator) are wrapped transparently, so their
//! own code and help reach the terminal.

use std::path::PathBuf;

use crate::i18n::tr;

/// An error of a command; `main` renders it (code, message, help) and `exit` maps it to
/// an exit code.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CommandError {
    #[error("{}", tr!("err-platform-unsupported", what = .what))]
    #[diagnostic(
        code(cardform::platform::unsupported),
        help("{}", tr!("err-platform-unsupported-help"))
    )]
    PlatformUnsupported { what: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Platform(#[from] crate::platform::tokens::PlatformError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Select(#[from] crate::platform::select::SelectError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Merge(#[from] crate::platform::report::MergeError),
    #[error("{}", tr!("err-no-confirmation"))]
    #[diagnostic(
        code(cardform::apply::no_confirmation),
        help("{}", tr!("err-no-confirmation-help"))
    )]
    NoConfirmation,
    #[error("{0}")]
    #[diagnostic(code(cardform::stdin))]
    Stdin(std::io::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] crate::state::StateError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Api(#[from] crate::wechat::ApiError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Fetch(#[from] crate::live::FetchError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Review(crate::live::FetchError),
    /// A project that cannot be loaded: its own code and help reach the terminal.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    #[diagnostic(code(cardform::trust))]
    Trust(#[from] crate::config::trust::TrustError),
    #[error("{}", tr!("err-invalid-project", errors = .errors, dir = .dir.display()))]
    #[diagnostic(
        code(cardform::config::invalid),
        help("{}", tr!("err-invalid-project-help"))
    )]
    InvalidProject { errors: usize, dir: PathBuf },
    #[error("{}", tr!("err-invalid-project-file", path = .0.display()))]
    #[diagnostic(
        code(cardform::config::invalid_project_file),
        help("{}", tr!("err-invalid-project-file-help"))
    )]
    InvalidProjectFile(PathBuf),
    #[error("{}", tr!("err-invalid-project-file", path = .0.display()))]
    #[diagnostic(
        code(cardform::config::invalid_trusted_settings),
        help("{}", tr!("err-invalid-trusted-settings-help"))
    )]
    InvalidTrustedSettings(PathBuf),
    #[error("{}", tr!("err-json-stdout", error = crate::state::io_words(.0)))]
    #[diagnostic(code(cardform::output::json))]
    Json(std::io::Error),
    #[error("{}", tr!("err-cannot-write", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::output::write))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The write policy refused an output path (its code and help reach the terminal).
    #[error(transparent)]
    #[diagnostic(transparent)]
    WriteRefused(#[from] crate::write_policy::WriteRefused),
    /// As `WriteRefused`, checked before a WeChat Pay order would be created.
    #[error("{}", tr!("err-refused-before-order", error = .0.to_string()))]
    #[diagnostic(transparent)]
    RefusedBeforeOrder(crate::write_policy::WriteRefused),
    #[error("{0}")]
    #[diagnostic(code(cardform::output::image))]
    Image(#[from] crate::operate::coins::ImageError),
    #[error("{0}")]
    #[diagnostic(code(cardform::qrcode::image))]
    QrImage(String),
    #[error("{}", tr!("err-out-and-save"))]
    #[diagnostic(
        code(cardform::plan::out_and_save),
        help("{}", tr!("err-out-and-save-help"))
    )]
    OutAndSave,
    #[error("{}", tr!("err-bad-address", address = .0))]
    #[diagnostic(
        code(cardform::state::bad_address),
        help("{}", tr!("err-bad-address-help"))
    )]
    BadAddress(String),
    #[error("{}", tr!("err-not-managed", address = .0))]
    #[diagnostic(
        code(cardform::state::not_managed),
        help("{}", tr!("err-not-managed-help"))
    )]
    NotManaged(String),
    #[error("{}", tr!("err-qr-card-gone", address = .address, card_id = .card_id))]
    #[diagnostic(code(cardform::qrcode::gone))]
    QrCardGone { address: String, card_id: String },
    #[error("{}", tr!("err-qr-refused", address = .address, why = .why.to_string()))]
    #[diagnostic(code(cardform::qrcode::refused))]
    QrRefused {
        address: String,
        why: crate::operate::qrcode::QrRefusal,
    },
    #[error("{}", tr!("err-chart-kind", path = .0.display()))]
    #[diagnostic(
        code(cardform::stats::chart_kind),
        help("{}", tr!("err-chart-kind-help"))
    )]
    ChartKind(PathBuf),
    #[error("{}", tr!("err-dates-reversed", from = .from.to_string(), to = .to.to_string()))]
    #[diagnostic(code(cardform::stats::dates))]
    DatesReversed {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    #[error("{}", tr!("err-no-stats-card", address = .0))]
    #[diagnostic(
        code(cardform::stats::unknown_card),
        help("{}", tr!("err-no-stats-card-help"))
    )]
    NoStatsCard(String),
    #[error("{0}")]
    #[diagnostic(code(cardform::stats::chart))]
    Chart(String),
    #[error("{}", tr!("err-cannot-read", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::read))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-cannot-create", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(code(cardform::output::create))]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-stdout", error = crate::state::io_words(.0)))]
    #[diagnostic(code(cardform::output::stdout))]
    Stdout(std::io::Error),
    #[error("{}", tr!("err-cannot-render", what = .what, message = .message))]
    #[diagnostic(code(cardform::output::render))]
    Render { what: &'static str, message: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Emulator(#[from] crate::emulator::EmulatorError),
    #[error("{}", tr!("err-shapes", value = format!("{:?}", .0)))]
    #[diagnostic(
        code(cardform::emulator::shapes),
        help("{}", tr!("err-shapes-help"))
    )]
    Shapes(String),
    #[error("{}: {message}", .file.display())]
    #[diagnostic(code(cardform::emulator::seed))]
    Seed { file: PathBuf, message: String },
    #[error("{}", tr!("err-cannot-read", path = .path.display(), error = crate::state::io_words(.source)))]
    #[diagnostic(
        code(cardform::fmt::no_cards),
        help("{}", tr!("err-no-cards-folder-help"))
    )]
    NoCardsFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!("err-unformattable"))]
    #[diagnostic(
        code(cardform::fmt::syntax),
        help("{}", tr!("err-unformattable-help"))
    )]
    Unformattable,
    #[error("{0}")]
    #[diagnostic(
        code(cardform::init::appid),
        help("{}", tr!("err-init-appid-help"))
    )]
    Init(#[from] crate::scaffold::InitError),
    #[error("{}", tr!("err-init-clash", files = .0))]
    #[diagnostic(
        code(cardform::init::clash),
        help("{}", tr!("err-init-clash-help"))
    )]
    InitClash(String),
    #[error("{}", tr!("err-unknown-card", wanted = .wanted, root = .root.display()))]
    #[diagnostic(
        code(cardform::preview::unknown_card),
        help("{}", tr!("err-unknown-card-help", known = .known))
    )]
    UnknownCard {
        wanted: String,
        root: PathBuf,
        known: String,
    },
    #[error("{}", tr!("err-card-message", address = .address, message = .message))]
    #[diagnostic(code(cardform::preview::png))]
    Png { address: String, message: String },
    #[error("{}", tr!("err-fonts", error = .0.to_string()))]
    #[diagnostic(code(cardform::preview::fonts))]
    Fonts(crate::preview::raster::RasterError),
}
