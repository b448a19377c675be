//! clap's usage errors in the user's language. clap speaks English and fails before
//! `--lang` is parsed, so the language is read from the raw arguments (`--lang zh-CN`,
//! `--lang=zh-CN`) or `CARDFORM_LANG`, and each error kind clap reports with its
//! context (the argument, the value, the possible values, the usage line) is said
//! again from the Fluent messages; the arguments and values stay as they are.

use std::ffi::OsString;

use cardform::i18n::{Lang, tr};
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The language a command line asks for: its last readable `--lang` value (before a
/// `--`), else `CARDFORM_LANG`, else English.
pub fn lang_of(args: impl IntoIterator<Item = OsString>, env: Option<String>) -> Lang {
    let mut chosen = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str().map(str::to_string) else {
            continue;
        };
        if arg == "--" {
            break;
        }
        let value = if arg == "--lang" {
            args.next().and_then(|v| v.to_str().map(str::to_string))
        } else {
            arg.strip_prefix("--lang=").map(str::to_string)
        };
        if let Some(lang) = value.as_deref().and_then(Lang::from_tag) {
            chosen = Some(lang);
        }
    }
    chosen
        .or_else(|| env.as_deref().and_then(Lang::from_tag))
        .unwrap_or_default()
}

/// The error in the process language, or `None` for a kind (or a context) this does
/// not know, which clap then prints itself.
pub fn render(error: &clap::Error) -> Option<String> {
    let string = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let strings = |kind| match error.get(kind) {
        Some(ContextValue::Strings(v)) => Some(v.clone()),
        Some(ContextValue::String(s)) => Some(vec![s.clone()]),
        _ => None,
    };
    let number = |kind| match error.get(kind) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    };
    let code = |s: &str| format!("`{s}`");
    let list = |v: &[String]| v.iter().map(|s| code(s)).collect::<Vec<_>>().join("、");
    let mut lines: Vec<String> = Vec::new();
    let headline = match error.kind() {
        ErrorKind::UnknownArgument => {
            tr!(
                "usage-unknown-argument",
                arg = code(&string(ContextKind::InvalidArg)?)
            )
        }
        ErrorKind::InvalidSubcommand => tr!(
            "usage-unknown-subcommand",
            name = code(&string(ContextKind::InvalidSubcommand)?)
        ),
        ErrorKind::InvalidValue => {
            let arg = code(&string(ContextKind::InvalidArg)?);
            let value = string(ContextKind::InvalidValue)?;
            if let Some(valid) = strings(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
                lines.push(format!(
                    "  {}",
                    tr!("usage-possible-values", values = list(&valid))
                ));
            }
            if value.is_empty() {
                tr!("usage-value-required", arg = arg)
            } else {
                tr!("usage-invalid-value", arg = arg, value = code(&value))
            }
        }
        ErrorKind::ValueValidation => {
            let arg = code(&string(ContextKind::InvalidArg)?);
            let value = code(&string(ContextKind::InvalidValue)?);
            match std::error::Error::source(error) {
                Some(why) => tr!(
                    "usage-invalid-value-why",
                    arg = arg,
                    value = value,
                    why = why.to_string()
                ),
                None => tr!("usage-invalid-value", arg = arg, value = value),
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(ContextKind::InvalidArg)?;
            for m in &missing {
                lines.push(format!("  {m}"));
            }
            tr!("usage-missing-arguments")
        }
        ErrorKind::MissingSubcommand => {
            let name = code(&string(ContextKind::InvalidSubcommand)?);
            if let Some(valid) = strings(ContextKind::ValidSubcommand).filter(|v| !v.is_empty()) {
                lines.push(format!(
                    "  {}",
                    tr!("usage-subcommands", values = list(&valid))
                ));
            }
            tr!("usage-missing-subcommand", name = name)
        }
        ErrorKind::ArgumentConflict => {
            let arg = string(ContextKind::InvalidArg)?;
            match error.get(ContextKind::PriorArg) {
                Some(ContextValue::String(prior)) if *prior == arg => {
                    tr!("usage-repeated", arg = code(&arg))
                }
                Some(ContextValue::String(prior)) => {
                    tr!("usage-conflict", arg = code(&arg), other = code(prior))
                }
                Some(ContextValue::Strings(prior)) => {
                    tr!("usage-conflict", arg = code(&arg), other = list(prior))
                }
                _ => tr!("usage-conflict-others", arg = code(&arg)),
            }
        }
        ErrorKind::NoEquals => tr!(
            "usage-no-equals",
            arg = code(&string(ContextKind::InvalidArg)?)
        ),
        ErrorKind::TooManyValues => tr!(
            "usage-too-many-values",
            arg = code(&string(ContextKind::InvalidArg)?),
            value = code(&string(ContextKind::InvalidValue)?)
        ),
        ErrorKind::TooFewValues => tr!(
            "usage-too-few-values",
            arg = code(&string(ContextKind::InvalidArg)?),
            min = number(ContextKind::MinValues)?,
            actual = number(ContextKind::ActualNumValues)?
        ),
        ErrorKind::WrongNumberOfValues => tr!(
            "usage-wrong-number-of-values",
            arg = code(&string(ContextKind::InvalidArg)?),
            expected = number(ContextKind::ExpectedNumValues)?,
            actual = number(ContextKind::ActualNumValues)?
        ),
        ErrorKind::InvalidUtf8 => tr!("usage-invalid-utf8"),
        _ => return None,
    };
    let mut text = format!("{}{headline}", tr!("usage-error"));
    for line in lines {
        text.push('\n');
        text.push_str(&line);
    }
    let mut tips = Vec::new();
    if let Some(s) = strings(ContextKind::SuggestedSubcommand) {
        tips.push(tr!("usage-similar-subcommand", name = list(&s)));
    }
    if let Some(s) = strings(ContextKind::SuggestedArg) {
        tips.push(tr!("usage-similar-argument", arg = list(&s)));
    }
    if let Some(s) = strings(ContextKind::SuggestedValue) {
        tips.push(tr!("usage-similar-value", value = list(&s)));
    }
    if let Some(ContextValue::StyledStrs(suggestions)) = error.get(ContextKind::Suggested) {
        for s in suggestions {
            tips.push(suggestion(&s.to_string()));
        }
    }
    if !tips.is_empty() {
        text.push('\n');
        for tip in tips {
            text.push_str(&format!("\n  {}{tip}", tr!("usage-tip")));
        }
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let line = usage.strip_prefix("Usage: ").unwrap_or(&usage);
        text.push_str(&format!("\n\n{}{line}", tr!("usage-usage")));
    }
    text.push_str(&format!("\n\n{}\n", tr!("usage-more")));
    Some(text)
}

/// One of clap's tips in the process language: the one it gives for an argument that
/// looks like a flag (`to pass '-x' as a value, use '-- -x'`); another is quoted.
fn suggestion(tip: &str) -> String {
    if let Some(rest) = tip.strip_prefix("to pass '")
        && let Some((arg, _)) = rest.split_once("' as a value")
    {
        return tr!(
            "usage-tip-as-value",
            arg = format!("`{arg}`"),
            escaped = format!("`-- {arg}`")
        );
    }
    format!("“{tip}”")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_environment() {
        let zh = Some("zh-CN".to_string());
        assert_eq!(
            lang_of(args(&["plan", "--lang", "zh-CN"]), None),
            Lang::ZhCn
        );
        assert_eq!(lang_of(args(&["--lang=zh-CN", "plan"]), None), Lang::ZhCn);
        assert_eq!(
            lang_of(args(&["--lang", "en", "plan"]), zh.clone()),
            Lang::En
        );
        // An unreadable value leaves the choice to the environment.
        assert_eq!(
            lang_of(args(&["--lang", "fr", "plan"]), zh.clone()),
            Lang::ZhCn
        );
        assert_eq!(lang_of(args(&["--lang", "fr"]), None), Lang::En);
        // After `--` nothing is an option.
        assert_eq!(
            lang_of(args(&["plan", "--", "--lang", "zh-CN"]), None),
            Lang::En
        );
        assert_eq!(lang_of(args(&["plan"]), zh), Lang::ZhCn);
    }
}
