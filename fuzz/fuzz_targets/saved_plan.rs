//! The saved-plan reader (`cardform apply FILE`, design guarantees 4 and 9): any bytes
//! given as a plan file end in `Ok` or a `SavedPlanError` (parse, version, tampered),
//! never a panic. A body that deserializes is also sealed with a fresh checksum and read
//! back through the whole reader, then rendered as `apply FILE` shows it, so the checks
//! and renderers after the checksum get fuzzed too (the seeds are saved plans).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cardform::plan::saved::SavedPlan;
use cardform::plan::{TextOptions, render_json, render_text, summary_line};
use cardform::write_policy::{OutputFile, OutputKind, WritePolicy};
use libfuzzer_sys::fuzz_target;

/// A scratch plan file, checked once by the write policy (later writes replace a
/// saved plan, which the policy allows).
fn scratch() -> &'static OutputFile {
    static FILE: OnceLock<OutputFile> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("cardform-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path: PathBuf = dir.join("fuzz.plan.json");
        WritePolicy::outside_project()
            .check(&path, OutputKind::SavedPlan)
            .expect("the harness's scratch plan file in the temp folder")
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = SavedPlan::from_bytes(Path::new("fuzz.plan.json"), data);
    let Ok(mut saved) = serde_json::from_slice::<SavedPlan>(data) else {
        return;
    };
    let file = scratch();
    if saved.write(file).is_err() {
        return;
    }
    if let Ok(back) = SavedPlan::read(file.path()) {
        let _ = render_text(&back.plan, TextOptions::default());
        let _ = summary_line(&back.plan);
        let _ = render_json(&back.plan);
    }
});
