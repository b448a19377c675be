//! Every command under `CARDFORM_LANG=zh-CN` speaks Chinese: each test runs the real
//! binary and fails on an English sentence outside identifiers, commands, paths and
//! values. One file per area, as the `.ftl` files are split.

mod apply;
mod errors;
mod events;
mod operate;
mod plan;
mod platform;
mod validate;

use crate::common::{Output, cardform, run_cmd};

/// Words that stay as they are in Chinese text: names of products, formats and units
/// (WeChat's own Chinese docs write them in Latin letters too).
const KEPT: &[&str] = &[
    "cardform",
    "WeChat",
    "AppID",
    "AppSecret",
    "JSON",
    "HTML",
    "SVG",
    "PNG",
    "QR",
    "TOML",
    "CI",
    "PR",
    "PostgreSQL",
    "GitHub",
    "GitLab",
    "HTTP",
    "HTTPS",
    "API",
    "MP",
    "ID",
    "SKU",
    "URL",
    "UTF",
    "Pay",
    "TLS",
    "CSV",
    "Markdown",
    "markdown",
    "Actions",
    "TTY",
    "IP",
    "OpenID",
    "openid",
    "Unix",
    "UTC",
    "CST",
    "ok",
    "OK",
    "emoji",
    "Fluent",
    "SHA",
    "Terraform",
    "Atlantis",
    "git",
    "Git",
];

/// The English sentences (two or more English words in a row) in `text`, outside code
/// spans, quoted values, commands, flags, paths, URLs and identifiers.
pub fn english_sentences(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in unwrap_diagnostics(text).lines() {
        let cleaned = strip_identifiers(line);
        let mut run: Vec<&str> = Vec::new();
        // Words are separated by spaces and ASCII punctuation; anything else (Chinese,
        // full-width punctuation, a removed identifier) ends a run.
        for token in cleaned.split(|c: char| {
            !(c.is_ascii_alphabetic() || c == '\'' || c == ' ' || c == ',' || c == '-')
        }) {
            for piece in [token] {
                let words: Vec<&str> = piece
                    .split([' ', ','])
                    .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
                    .filter(|w| !w.is_empty())
                    .collect();
                run.clear();
                for w in words {
                    if is_kept(w) {
                        flush(&mut run, &mut found, line);
                    } else {
                        run.push(w);
                    }
                }
                flush(&mut run, &mut found, line);
            }
        }
    }
    found
}

/// `text` with miette's wrapped lines (`  │ …` under a `  × …` message) joined back to
/// the line they continue, so a quoted value the terminal width split stays one value.
fn unwrap_diagnostics(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        match line.trim_start().strip_prefix('│') {
            Some(rest) if !out.is_empty() => {
                out.push(' ');
                out.push_str(rest.trim_start());
            }
            _ => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(line);
            }
        }
    }
    out
}

fn flush(run: &mut Vec<&str>, found: &mut Vec<String>, line: &str) {
    // One word alone is most often a value or a name (a card's title, a status code
    // word); two in a row is a phrase someone forgot to translate.
    if run.len() >= 2 {
        found.push(format!("{:?} in {line:?}", run.join(" ")));
    }
    run.clear();
}

fn is_kept(word: &str) -> bool {
    KEPT.contains(&word)
        || word.len() == 1
        // All capitals: a placeholder (FILE, DIR, REF) or an acronym.
        || word.chars().all(|c| c.is_ascii_uppercase() || c == '-')
}

/// `line` with code spans, quoted values, commands, flags, paths, URLs, identifiers
/// and numbers replaced by a separator.
fn strip_identifiers(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    // Code spans and quoted values: `…`, "…", “…”, '…' around a value, 「…」.
    while let Some((at, open, close)) = ["`", "\"", "“", "「"]
        .iter()
        .filter_map(|open| rest.find(open).map(|at| (at, *open)))
        .min_by_key(|(at, _)| *at)
        .map(|(at, open)| {
            let close = match open {
                "“" => "”",
                "「" => "」",
                other => other,
            };
            (at, open, close)
        })
    {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        match after.find(close) {
            Some(end) => {
                out.push('|');
                rest = &after[end + close.len()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.split(' ')
        .map(|token| {
            let bare = token.trim_matches(|c: char| ",.;:()[]{}<>（）：；，。".contains(c));
            let identifier = bare.starts_with("--")
                || bare.contains([
                    '/', '\\', '_', '.', '=', '@', '#', '$', '<', '>', '*', '{', '}',
                ])
                || bare.contains("::")
                || bare.chars().any(|c| c.is_ascii_digit())
                || bare.starts_with("http")
                || bare.starts_with("wx");
            if identifier { "|" } else { token }
        })
        .collect::<Vec<_>>()
        .join(" ")
        // A command keeps its words: `cardform plan`, `cardform state mv`.
        .split("cardform ")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                let skip: usize = part
                    .split(' ')
                    .take_while(|w| {
                        w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.is_empty()
                    })
                    .take(3)
                    .map(|w| w.len() + 1)
                    .sum();
                format!("| {}", part.get(skip..).unwrap_or(""))
            }
        })
        .collect::<Vec<_>>()
        .join("")
}

/// `cardform ARGS` under `CARDFORM_LANG=zh-CN`.
pub fn zh(args: &[&str]) -> Output {
    run_cmd(cardform().args(args).env("CARDFORM_LANG", "zh-CN"))
}

/// Fails when `out` (stdout and stderr) holds an English sentence, or no Chinese.
#[track_caller]
pub fn assert_chinese(what: &str, out: &Output) {
    let text = format!("{}\n{}", out.stdout, out.stderr);
    let english = english_sentences(&text);
    assert!(
        english.is_empty(),
        "{what}: English under zh-CN:\n  {}\n--- output\n{text}",
        english.join("\n  ")
    );
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{what}: no Chinese at all:\n{text}"
    );
}

#[test]
fn the_detector_finds_english_and_spares_identifiers() {
    let english = english_sentences("refusing to apply: 标准输入不是终端");
    assert_eq!(english.len(), 1, "{english:?}");
    for clean in [
        "请运行 `cardform plan --out FILE`，再运行 cardform apply plan.json",
        "cards/coffee.toml:3:7：notice 超过 16 个汉字",
        "卡券 coffee_discount（card_id pXyz123）审核通过",
        "读取 https://api.weixin.qq.com/card/get 失败：HTTP 500",
        "标题 \"Morning Coffee Deal\" 已更新",
        "设置 CARDFORM_APPSECRET 或 [account] appsecret_command",
        "  × 无法连接，共尝试 5 次：“error sending request: client\n  │ error (os error 111)”。请检查网络",
    ] {
        let found = english_sentences(clean);
        assert!(found.is_empty(), "{clean}: {found:?}");
    }
}
