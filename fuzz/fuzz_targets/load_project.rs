//! Feeds arbitrary bytes to the project loader as a card file or as cardform.toml.
//! Any panic is a bug: every input must end in `Ok` or a list of diagnostics.
#![no_main]

use std::path::{Path, PathBuf};

use cardform::config::load_in_memory;
use cardform::model::Timestamp;
use libfuzzer_sys::fuzz_target;

const PROJECT: &[u8] = b"endpoint = \"sandbox\"\n[account]\nappid = \"wxsandbox\"\n";

fuzz_target!(|data: &[u8]| {
    // The first byte picks which file the rest becomes, so both parsers get fuzzed.
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let (project, card) = if which % 4 == 0 {
        (rest, &b"[cards.a]\ncard_type = \"CASH\"\n"[..])
    } else {
        (PROJECT, rest)
    };
    let _ = load_in_memory(
        Path::new("/nonexistent/cardform-fuzz"),
        Timestamp(1_796_227_200),
        project,
        vec![(PathBuf::from("cards/x.toml"), card.to_vec())],
    );
});
