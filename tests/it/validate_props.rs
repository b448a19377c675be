//! No input makes the loader panic (design guarantee 4). Arbitrary bytes, arbitrary
//! TOML values shaped like cards, and mutations of a valid card file are thrown at
//! `load_in_memory`; 10,000 cases in all, plus hand-made extremes (deep nesting,
//! huge strings, wrong types everywhere).
//!
//! Deeper runs: the cargo-fuzz target in fuzz/ (`cargo +nightly fuzz run load_project`).

use std::path::{Path, PathBuf};

use cardform::config::{ConfigError, load_in_memory};
use cardform::model::Timestamp;
use proptest::prelude::*;

const PROJECT: &[u8] = b"endpoint = \"sandbox\"\n[account]\nappid = \"wxsandbox\"\n";
const NOW: Timestamp = Timestamp(1_796_227_200);

fn root() -> &'static Path {
    Path::new("/nonexistent/cardform-proptest")
}

/// Loads one card file and checks the result is well-formed.
fn check(project: &[u8], card_file: Vec<u8>) {
    let files = vec![(PathBuf::from("cards/x.toml"), card_file)];
    match load_in_memory(root(), NOW, project, files) {
        Ok(p) => {
            for d in &p.warnings {
                assert!(!d.is_error());
            }
        }
        Err(ConfigError::Invalid { diagnostics }) => {
            assert!(diagnostics.iter().any(|d| d.is_error()));
            for d in diagnostics {
                assert!(
                    d.file == Path::new("cards/x.toml")
                        || d.file == Path::new("cardform.toml")
                        || d.file == Path::new("cards"),
                    "{d}"
                );
                assert!(d.line == 0 || d.column > 0, "{d}");
                let _ = d.to_string();
            }
        }
        Err(other) => panic!("in-memory loading cannot fail with {other}"),
    }
}

/// Field names the model knows, so random tables reach deep into the schema and
/// the rules instead of stopping at the first unknown key: the type fields of the
/// spec's table, and these.
fn keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = cardform::spec::fields::TYPE_FIELDS
        .iter()
        .map(|f| f.name)
        .collect();
    keys.extend(OTHER_KEYS);
    keys
}

const OTHER_KEYS: &[&str] = &[
    "cards",
    "c",
    "card_type",
    "base_info",
    "advanced_info",
    "logo_url",
    "code_type",
    "brand_name",
    "title",
    "color",
    "notice",
    "description",
    "sku",
    "quantity",
    "date_info",
    "type",
    "begin_timestamp",
    "end_timestamp",
    "fixed_term",
    "location_id_list",
    "use_all_locations",
    "can_share",
    "can_give_friend",
    "get_limit",
    "share_friends",
    "use_condition",
    "abstract",
    "icon_url_list",
    "text_image_list",
    "image_url",
    "text",
    "time_limit",
    "begin_hour",
    "end_hour",
    "business_service",
    "consume_share_card_list",
    "card",
    "card_id",
    "num",
    "consume_share_self_num",
    "lifecycle",
    "prevent_destroy",
    "x",
];

const STRINGS: &[&str] = &[
    "CASH",
    "GIFT",
    "DISCOUNT",
    "GROUPON",
    "GENERAL_COUPON",
    "CODE_TYPE_QRCODE",
    "Color010",
    "DATE_TYPE_FIX_TIME_RANGE",
    "DATE_TYPE_FIX_TERM",
    "MONDAY",
    "BIZ_SERVICE_FREE_WIFI",
    "https://mmbiz.qpic.cn/x",
    "assets/logo.jpg",
    "../../etc/passwd",
    "",
    "2026-12-01T00:00:00+08:00",
    "2026-12-01T00:00:00",
    "品牌",
    "😀😀😀😀😀😀😀😀😀😀",
];

fn leaf() -> impl Strategy<Value = toml::Value> {
    prop_oneof![
        any::<i64>().prop_map(toml::Value::Integer),
        (0i64..200).prop_map(toml::Value::Integer),
        any::<bool>().prop_map(toml::Value::Boolean),
        any::<f64>().prop_map(toml::Value::Float),
        prop::sample::select(STRINGS).prop_map(|s| toml::Value::String(s.to_string())),
        ".{0,40}".prop_map(toml::Value::String),
        (
            2000u16..2100,
            1u8..13,
            1u8..29,
            0u8..24,
            prop::option::of(-12i16..14)
        )
            .prop_map(|(y, mo, d, h, off)| {
                let text = match off {
                    Some(o) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:00:00{o:+03}:00"),
                    None => format!("{y:04}-{mo:02}-{d:02}T{h:02}:00:00"),
                };
                text.parse::<toml::value::Datetime>()
                    .map(toml::Value::Datetime)
                    .unwrap_or(toml::Value::Boolean(false))
            }),
    ]
}

fn value() -> impl Strategy<Value = toml::Value> {
    leaf().prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(keys()).prop_map(str::to_string),
                inner,
                0..8
            )
            .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
        ]
    })
}

/// A valid card file to mutate.
fn seed() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart/cards/friends.toml"),
    )
    .expect("quickstart example")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), as_project in any::<bool>()) {
        if as_project {
            check(&bytes, b"[cards.a]\ncard_type = \"CASH\"\n".to_vec());
        } else {
            check(PROJECT, bytes);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_toml_values_never_panic(card in value(), wrap in any::<bool>()) {
        let doc = if wrap {
            let mut cards = toml::Table::new();
            cards.insert("c".into(), card);
            let mut top = toml::Table::new();
            top.insert("cards".into(), toml::Value::Table(cards));
            toml::Value::Table(top)
        } else {
            card
        };
        // Only tables serialize as documents; anything else goes in as a value.
        let text = match &doc {
            toml::Value::Table(t) => toml::to_string(t).unwrap_or_default(),
            other => format!("v = {other}"),
        };
        check(PROJECT, text.into_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn mutated_valid_files_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, any::<u8>()), 1..6)
    ) {
        let mut bytes = seed().into_bytes();
        for (at, op, byte) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => { bytes.remove(i); }
                1 => bytes.insert(i, byte),
                2 => bytes[i] = byte,
                3 => bytes.truncate(i),
                4 => { let copy = bytes[i..].to_vec(); bytes.extend_from_slice(&copy[..copy.len().min(200)]); }
                _ => bytes.insert(i, b'\n'),
            }
        }
        check(PROJECT, bytes);
    }
}

#[test]
fn extremes_never_panic() {
    let deep_array = format!("v = {}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_inline = format!("v = {}{}", "{a = ".repeat(5000), "}".repeat(5000));
    let deep_header = format!("[{}]\n", vec!["a"; 5000].join("."));
    let deep_dotted = format!("{} = 1\n", vec!["cards"; 5000].join("."));
    let huge_string = format!(
        "[cards.a]\ncard_type = \"CASH\"\n[cards.a.base_info]\nbrand_name = \"{}\"\n",
        "品".repeat(3_000_000)
    );
    let many_cards: String = (0..2000)
        .map(|i| format!("[cards.c{i}]\ncard_type = {i}\n"))
        .collect();
    let wrong_types = "[cards.a]\ncard_type = 1\nbase_info = [1, 2]\nadvanced_info = \"x\"\nleast_cost = -1\nreduce_cost = 1e400\ndiscount = inf\n";
    for text in [
        deep_array,
        deep_inline,
        deep_header,
        deep_dotted,
        huge_string,
        many_cards,
        wrong_types.to_string(),
        String::new(),
        "\u{feff}".to_string(),
        "\0\0\0".to_string(),
    ] {
        check(PROJECT, text.into_bytes());
    }
}
