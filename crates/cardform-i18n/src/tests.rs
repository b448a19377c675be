//! The .ftl files kept in step, and the Chinese held to the glossary.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// Each message of an .ftl file with the variables it uses, after checking that the
/// file parses cleanly.
fn messages(area: &str, lang: Lang, src: &str) -> BTreeMap<String, BTreeSet<String>> {
    if let Err((_, errors)) = FluentResource::try_new(src.to_string()) {
        panic!("{}/{area}.ftl has errors: {errors:?}", lang.tag());
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in src.lines() {
        if line.starts_with(|c: char| c.is_ascii_lowercase())
            && let Some((id, _)) = line.split_once(" =")
        {
            {
                let id = id.trim().to_string();
                assert!(
                    out.insert(id.clone(), BTreeSet::new()).is_none(),
                    "{}/{area}.ftl defines {id} twice",
                    lang.tag()
                );
                current = Some(id);
            }
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(id) = &current {
            let vars = out.entry(id.clone()).or_default();
            let mut rest = line;
            while let Some(at) = rest.find('$') {
                rest = &rest[at + 1..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !name.is_empty() {
                    vars.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn every_language_has_every_message_of_every_area() {
    for (i, area) in AREAS.iter().enumerate() {
        let en = messages(area, Lang::En, EN[i]);
        for lang in Lang::ALL {
            let other = messages(area, lang, lang.sources()[i]);
            let en_ids: BTreeSet<_> = en.keys().collect();
            let other_ids: BTreeSet<_> = other.keys().collect();
            let missing: Vec<_> = en_ids.difference(&other_ids).collect();
            let extra: Vec<_> = other_ids.difference(&en_ids).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}/{area}.ftl differs from en: missing {missing:?}, extra {extra:?}",
                lang.tag()
            );
            for (id, vars) in &other {
                let unknown: Vec<_> = vars.difference(&en[id]).collect();
                assert!(
                    unknown.is_empty(),
                    "{}/{area}.ftl: {id} uses {unknown:?}, which the English message never gets",
                    lang.tag()
                );
            }
        }
    }
}

#[test]
fn a_message_id_belongs_to_one_area() {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (i, area) in AREAS.iter().enumerate() {
        for id in messages(area, Lang::En, EN[i]).into_keys() {
            if let Some(first) = seen.insert(id.clone(), area) {
                panic!("{id} is defined in both {first}.ftl and {area}.ftl");
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct Glossary {
    term: Vec<Term>,
}

#[derive(serde::Deserialize)]
struct Term {
    en: String,
    zh: String,
    avoid: Vec<String>,
    #[serde(default)]
    allow_in: Vec<String>,
}

#[test]
fn the_chinese_keeps_to_the_glossary() {
    let glossary: Glossary = toml::from_str(GLOSSARY).expect("glossary.toml parses");
    assert!(
        glossary
            .term
            .iter()
            .all(|t| !t.zh.is_empty() && !t.en.is_empty())
    );
    for (i, area) in AREAS.iter().enumerate() {
        for (n, line) in ZH_CN[i].lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            for term in &glossary.term {
                for avoid in &term.avoid {
                    // The right word may contain the avoided one (第三方平台 ⊃ 三方平台).
                    let mut cleaned = line.replace(term.zh.as_str(), "");
                    for allowed in &term.allow_in {
                        cleaned = cleaned.replace(allowed.as_str(), "");
                    }
                    assert!(
                        !cleaned.contains(avoid.as_str()),
                        "zh-CN/{area}.ftl:{}: {avoid:?} stands in for {:?}; the glossary says {:?}\n{line}",
                        n + 1,
                        term.en,
                        term.zh
                    );
                }
            }
        }
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

#[test]
fn the_process_language_drives_tr() {
    let path = std::path::PathBuf::from("a/b.toml");
    set_lang(Lang::En);
    let en = tr!("summary-create", count = 3usize);
    set_lang(Lang::ZhCn);
    let zh = tr!("summary-create", count = 3usize);
    set_lang(Lang::En);
    assert_ne!(en, zh);
    assert!(zh.contains('3'));
    // Borrowed fields, as thiserror hands them over, are arguments too.
    let borrowed = &path;
    let _ = tr!("summary-create", count = borrowed.display());
}

#[test]
fn tags_name_languages() {
    assert_eq!(Lang::from_tag("zh_CN.UTF-8"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_tag("en"), Some(Lang::En));
    assert_eq!(Lang::from_tag("fr"), None);
}
