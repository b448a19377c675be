//! Plans in the reviewer's language: Fluent messages (Mozilla's localisation system)
//! for the text, markdown and HTML renderers. English is the default; JSON plans are
//! data and never translated.
//!
//! The messages live in one `.ftl` file per language beside this file, compiled into
//! the binary. A message missing from a translation falls back to English (and a unit
//! test keeps the files in step, so that never ships).

use std::borrow::Cow;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const EN: &str = include_str!("en.ftl");
const ZH_CN: &str = include_str!("zh-CN.ftl");

/// A language cardform renders plans in.
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

    fn source(self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::ZhCn => ZH_CN,
        }
    }
}

/// The messages of one language, with English behind them.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    english: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages")
            .field("lang", &self.lang)
            .finish()
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![id]);
    // No Unicode isolation marks around arguments: the output goes to terminals, pull
    // request comments and HTML, where the marks show up as noise or break snapshots.
    bundle.set_use_isolating(false);
    // The .ftl files are compiled in and checked by the tests below; a resource with
    // errors still adds every message it could parse.
    let resource = match FluentResource::try_new(lang.source().to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let _ = bundle.add_resource(resource);
    bundle
}

impl Messages {
    pub fn new(lang: Lang) -> Messages {
        Messages {
            lang,
            bundle: bundle(lang),
            english: bundle(Lang::En),
        }
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

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for bundle in [&self.bundle, &self.english] {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The message ids of an .ftl file (after checking that it parses cleanly).
    fn ids(src: &str) -> BTreeSet<String> {
        if let Err((_, errors)) = FluentResource::try_new(src.to_string()) {
            panic!("the .ftl file has errors: {errors:?}");
        }
        src.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let en = ids(EN);
        for lang in Lang::ALL {
            let other = ids(lang.source());
            assert_eq!(en, other, "{} differs from en", lang.tag());
        }
    }

    #[test]
    fn arguments_are_filled_without_isolation_marks() {
        let zh = Messages::new(Lang::ZhCn);
        let text = zh.t_args("summary-create", &[("count", 2usize.into())]);
        assert!(!text.contains('\u{2068}'), "{text:?}");
        assert!(text.contains('2'), "{text:?}");
        assert_ne!(text, "summary-create");
    }
}
