//! cardform's messages in the user's language: Fluent (Mozilla's localisation system)
//! files for every area of the product, compiled into the binary, and the process
//! language the edge sets once from `--lang`, `CARDFORM_LANG` or `[output] lang`.
//!
//! Why a crate of its own: the errors of the lower crates (state, WeChat client, push
//! events) reach the user too, and they say their sentences through this crate, so
//! every layer speaks the user's language without the product translating foreign
//! errors after the fact.
//!
//! - One `.ftl` file per area and language under `src/<lang>/` (`plan`, `errors`,
//!   `validate`, `apply`, `operate`, `platform`, `events`, `common`); a message id is
//!   unique across areas. The tests keep the languages in step, id for id and
//!   argument for argument.
//! - `glossary.toml` fixes the Chinese words to those of WeChat's own MP console and
//!   docs (审核中, 券点, 核销…) and lists the words that must not appear; a test holds
//!   every zh-CN message to it.
//! - English is the default and the fallback: a message missing from a translation
//!   (never shipped: tested) is said in English.
//!
//! Two ways to speak: [`Messages`] for a renderer that is given its language (a plan
//! rendered in zh-CN for a pull request while the terminal stays English), and [`t`],
//! [`t_args`] and [`tr!`] for everything else, in the process language ([`set_lang`]).

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The areas, each one `.ftl` file per language.
pub const AREAS: [&str; 8] = [
    "common", "plan", "errors", "validate", "apply", "operate", "platform", "events",
];

macro_rules! sources {
    ($lang:literal) => {
        [
            include_str!(concat!($lang, "/common.ftl")),
            include_str!(concat!($lang, "/plan.ftl")),
            include_str!(concat!($lang, "/errors.ftl")),
            include_str!(concat!($lang, "/validate.ftl")),
            include_str!(concat!($lang, "/apply.ftl")),
            include_str!(concat!($lang, "/operate.ftl")),
            include_str!(concat!($lang, "/platform.ftl")),
            include_str!(concat!($lang, "/events.ftl")),
        ]
    };
}

const EN: [&str; AREAS.len()] = sources!("en");
const ZH_CN: [&str; AREAS.len()] = sources!("zh-CN");

/// The glossary (WeChat's words, and the words that must not stand in for them).
pub const GLOSSARY: &str = include_str!("../glossary.toml");

/// A language cardform speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum Lang {
    /// English (the default).
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag (`en`, `zh-CN`), as `--lang` and `[output] lang` spell it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language a tag names (`en`, `zh-CN`; also `zh`, `zh_CN`, `zh-Hans` and a
    /// locale such as `zh_CN.UTF-8`), or `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let base = tag.split('.').next().unwrap_or(tag).replace('_', "-");
        match base.to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" | "c" | "posix" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" | "zh-sg" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The `.ftl` sources of this language, one per area (same order as [`AREAS`]).
    pub fn sources(self) -> &'static [&'static str; AREAS.len()] {
        match self {
            Lang::En => &EN,
            Lang::ZhCn => &ZH_CN,
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::ZhCn => 1,
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn build(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the output goes to terminals, pull
    // request comments and HTML, where the marks show up as noise or break snapshots.
    bundle.set_use_isolating(false);
    for source in lang.sources() {
        // The files are compiled in and checked by the tests below; a resource with
        // errors still adds every message it could parse.
        let resource = match FluentResource::try_new((*source).to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// The bundles, built once per process on first use.
fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; 2] = [OnceLock::new(), OnceLock::new()];
    BUNDLES[lang.index()].get_or_init(|| build(lang))
}

static PROCESS_LANG: AtomicU8 = AtomicU8::new(0);

/// Sets the language of the process's messages (errors, progress, results). The edge
/// calls it once it knows the user's choice; until then messages are English.
pub fn set_lang(lang: Lang) {
    PROCESS_LANG.store(lang.index() as u8, Ordering::Relaxed);
}

/// The language of the process's messages.
pub fn lang() -> Lang {
    match PROCESS_LANG.load(Ordering::Relaxed) {
        1 => Lang::ZhCn,
        _ => Lang::En,
    }
}

/// The messages of one language, with English behind them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Messages {
    lang: Lang,
}

impl Messages {
    pub fn new(lang: Lang) -> Messages {
        Messages { lang }
    }

    /// The messages of the process language.
    pub fn process() -> Messages {
        Messages::new(lang())
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id` without arguments.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with named arguments (strings or numbers).
    pub fn t_args(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Str(s) => fluent.set(*name, FluentValue::from(s.as_ref())),
                Arg::Num(n) => fluent.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(id, Some(&fluent))
    }

    /// Whether the message `id` exists (in any language).
    pub fn has(&self, id: &str) -> bool {
        bundle(Lang::En).has_message(id)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for bundle in [bundle(self.lang), bundle(Lang::En)] {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        // Unreachable with the shipped files (tested); the id is better than nothing.
        id.to_string()
    }
}

/// The message `id` in the process language.
pub fn t(id: &str) -> String {
    Messages::process().t(id)
}

/// The message `id` with named arguments, in the process language.
pub fn t_args(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    Messages::process().t_args(id, args)
}

/// A message in the process language: `tr!("id")` or `tr!("id", name = value, …)`,
/// each value anything [`ToArg`] (numbers, strings, paths, or `.to_string()` of the
/// rest). Works inside thiserror's `#[error("{}", tr!("id", path = .path))]`.
#[macro_export]
macro_rules! tr {
    ($id:expr) => {
        $crate::t($id)
    };
    ($id:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::t_args($id, &[$((stringify!($name), $crate::ToArg::to_arg(&$value))),+])
    };
}

/// An argument of a message.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Str(Cow<'a, str>),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Str(Cow::Owned(s))
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Num(i64::from(n))
    }
}

impl From<i32> for Arg<'_> {
    fn from(n: i32) -> Self {
        Arg::Num(i64::from(n))
    }
}

/// What a message argument can be made of (by reference, so thiserror's borrowed
/// fields work as they are).
pub trait ToArg {
    fn to_arg(&self) -> Arg<'_>;
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Arg<'_> {
        (**self).to_arg()
    }
}

impl ToArg for str {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(Cow::Borrowed(self))
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(Cow::Borrowed(self.as_str()))
    }
}

impl ToArg for Cow<'_, str> {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(Cow::Borrowed(self.as_ref()))
    }
}

impl ToArg for std::path::Path {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(self.to_string_lossy())
    }
}

impl ToArg for std::path::PathBuf {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(self.to_string_lossy())
    }
}

impl ToArg for std::path::Display<'_> {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(Cow::Owned(self.to_string()))
    }
}

impl ToArg for std::io::Error {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(Cow::Owned(self.to_string()))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> Arg<'_> {
                Arg::Num(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

#[cfg(test)]
mod tests;
