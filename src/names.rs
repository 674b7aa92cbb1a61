//! Matching what a user typed against the valid names: "did you mean" hints for keys,
//! classes, levels and ids, shared by every reader.

/// The candidate most similar to `word` (case-insensitive Jaro–Winkler ≥ 0.8), for
/// "did you mean" hints.
pub fn nearest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A parser for one of a fixed set of names (case-insensitive), e.g. station classes;
/// the error lists the valid names and suggests the nearest one.
pub fn one_of<T: Copy>(
    what: &'static str,
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> impl Fn(&str) -> Result<T, String> {
    move |s| {
        all.iter()
            .copied()
            .find(|&v| name(v).eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = all.iter().map(|&v| name(v)).collect();
                let hint = nearest(s, names.iter().copied())
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                format!(
                    "unknown {what} `{s}`; expected one of {}{hint}",
                    names.join(", ")
                )
            })
    }
}
