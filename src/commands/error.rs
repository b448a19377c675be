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
    #[error("not on a platform project: {what}")]
    #[diagnostic(code(cardform::platform::unsupported), help("see docs/platform.md"))]
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
    #[error("{} is not a valid cardform.toml", .0.display())]
    #[diagnostic(
        code(cardform::config::invalid_project_file),
        help("fix cardform.toml; `cardform validate` checks it offline")
    )]
    InvalidProjectFile(PathBuf),
    #[error("{} is not a valid cardform.toml", .0.display())]
    #[diagnostic(
        code(cardform::config::invalid_trusted_settings),
        help(
            "give --trusted-settings (or CARDFORM_TRUSTED_SETTINGS) a valid cardform.toml, e.g. the base branch's: git show origin/main:cardform.toml > base.toml"
        )
    )]
    InvalidTrustedSettings(PathBuf),
    #[error("cannot write JSON to stdout: {0}")]
    #[diagnostic(code(cardform::output::json))]
    Json(std::io::Error),
    #[error("cannot write {}: {source}", .path.display())]
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
    #[error("{0}; no order was created")]
    #[diagnostic(transparent)]
    RefusedBeforeOrder(crate::write_policy::WriteRefused),
    #[error("{0}")]
    #[diagnostic(code(cardform::output::image))]
    Image(#[from] crate::operate::coins::ImageError),
    #[error("{0}")]
    #[diagnostic(code(cardform::qrcode::image))]
    QrImage(String),
    #[error("--out and --save both name a saved plan")]
    #[diagnostic(
        code(cardform::plan::out_and_save),
        help("give one: --out FILE saves the plan (--save is for --format html)")
    )]
    OutAndSave,
    #[error(
        "`{0}` is not a valid address: a card address is a lower-case letter, then up to 63 lower-case letters, digits or `_` (as the key of [cards.<address>] in the card files)"
    )]
    #[diagnostic(
        code(cardform::state::bad_address),
        help(
            "name the address the card has in the files, e.g. `cardform state mv old_name new_name`"
        )
    )]
    BadAddress(String),
    #[error("no managed card at address {0}")]
    #[diagnostic(
        code(cardform::state::not_managed),
        help("`cardform state list` shows the managed addresses; apply the card first")
    )]
    NotManaged(String),
    #[error("{address} (card_id {card_id}) is deleted on WeChat: no QR code")]
    #[diagnostic(code(cardform::qrcode::gone))]
    QrCardGone { address: String, card_id: String },
    #[error("refusing to create a QR code for {address}: {why}")]
    #[diagnostic(code(cardform::qrcode::refused))]
    QrRefused {
        address: String,
        why: crate::operate::qrcode::QrRefusal,
    },
    #[error("--chart {}: cardform draws SVG or PNG charts", .0.display())]
    #[diagnostic(
        code(cardform::stats::chart_kind),
        help("name the chart FILE.svg or FILE.png")
    )]
    ChartKind(PathBuf),
    #[error("--from {from} is after --to {to}")]
    #[diagnostic(code(cardform::stats::dates))]
    DatesReversed {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    #[error("no managed card at {0}")]
    #[diagnostic(
        code(cardform::stats::unknown_card),
        help("`cardform state list` shows the managed addresses")
    )]
    NoStatsCard(String),
    #[error("{0}")]
    #[diagnostic(code(cardform::stats::chart))]
    Chart(String),
    #[error("cannot read {}: {source}", .path.display())]
    #[diagnostic(code(cardform::read))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create {}: {source}", .path.display())]
    #[diagnostic(code(cardform::output::create))]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write to stdout: {0}")]
    #[diagnostic(code(cardform::output::stdout))]
    Stdout(std::io::Error),
    #[error("cannot render {what}: {message}")]
    #[diagnostic(code(cardform::output::render))]
    Render { what: &'static str, message: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Emulator(#[from] crate::emulator::EmulatorError),
    #[error("--shapes {0:?}: expected doc or numbers")]
    #[diagnostic(
        code(cardform::emulator::shapes),
        help(
            "--shapes doc writes 券点 amounts as WeChat's doc samples and captures (decimal strings), --shapes numbers writes every amount as a number"
        )
    )]
    Shapes(String),
    #[error("{}: {message}", .file.display())]
    #[diagnostic(code(cardform::emulator::seed))]
    Seed { file: PathBuf, message: String },
    #[error("cannot read {}: {source}", .path.display())]
    #[diagnostic(
        code(cardform::fmt::no_cards),
        help("run fmt on a project folder (one with cards/), or `cardform init` to start one")
    )]
    NoCardsFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("some card files could not be formatted")]
    #[diagnostic(
        code(cardform::fmt::syntax),
        help(
            "fix the syntax errors above (`cardform validate` shows every problem), then run fmt again"
        )
    )]
    Unformattable,
    #[error("{0}")]
    #[diagnostic(
        code(cardform::init::appid),
        help("give the AppID with --appid, or use --sandbox to start without an account")
    )]
    Init(#[from] crate::scaffold::InitError),
    #[error("not overwriting {0}")]
    #[diagnostic(
        code(cardform::init::clash),
        help("init only starts new projects: choose an empty folder, or move these files away")
    )]
    InitClash(String),
    #[error("--card {wanted}: no card has this address in {}", .root.display())]
    #[diagnostic(
        code(cardform::preview::unknown_card),
        help("the project's cards are: {known}")
    )]
    UnknownCard {
        wanted: String,
        root: PathBuf,
        known: String,
    },
    #[error("card {address}: {message}")]
    #[diagnostic(code(cardform::preview::png))]
    Png { address: String, message: String },
    #[error("previews as PNG: {0}")]
    #[diagnostic(code(cardform::preview::fonts))]
    Fonts(crate::preview::raster::RasterError),
}
