//! "Did you mean": the nearest known name to a misspelt one.

/// The known name closest to `given`, if it is close enough to be a likely typo.
pub(crate) fn suggest(given: &str, known: &[String]) -> Option<String> {
    let lower = given.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&lower, &k.to_ascii_lowercase()), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}
