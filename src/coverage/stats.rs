//! Demand-weighted summaries: coverage shares and percentiles.

/// Demand-weighted percentile `p` (0..1) of `(response, weight)` pairs, where `None`
/// (unreachable or off-network) counts as later than any time: the smallest response
/// `r` such that the weight with response ≤ `r` is at least `p` of the total. `None`
/// when that point is unreached, or there is no weight at all.
pub fn weighted_percentile(samples: &[(Option<f64>, f64)], p: f64) -> Option<f64> {
    let total: f64 = samples.iter().map(|s| s.1).sum();
    if total <= 0.0 {
        return None;
    }
    let mut reached: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|&(r, w)| r.map(|r| (r, w)))
        .collect();
    reached.sort_by(|a, b| a.0.total_cmp(&b.0));
    let need = p * total;
    let mut acc = 0.0;
    for (r, w) in reached {
        acc += w;
        // Relative tolerance so that e.g. 0.9 × 10 is met by 9 unit weights.
        if acc >= need * (1.0 - 1e-12) {
            return Some(r);
        }
    }
    None
}

/// Share of weight with response ≤ `limit` (0 when there is no weight).
pub fn covered_share(samples: &[(Option<f64>, f64)], limit: f64) -> f64 {
    let total: f64 = samples.iter().map(|s| s.1).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let covered: f64 = samples
        .iter()
        .filter(|(r, _)| r.is_some_and(|r| r <= limit))
        .map(|s| s.1)
        .sum();
    // `+ 0.0` turns the −0.0 of an empty float sum into 0.0.
    covered / total + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_weighted_and_unreached() {
        let s = [
            (Some(100.0), 1.0),
            (Some(200.0), 2.0),
            (Some(400.0), 1.0),
            (None, 1.0),
        ];
        assert_eq!(weighted_percentile(&s, 0.5), Some(200.0)); // 3/5 ≥ 0.5 at 200
        assert_eq!(weighted_percentile(&s, 0.8), Some(400.0)); // 4/5 at 400
        assert_eq!(weighted_percentile(&s, 0.9), None); // needs the unreached point
        assert!((covered_share(&s, 300.0) - 0.6).abs() < 1e-12);
        // Regression: an empty float sum is −0.0 and printed as "-0.0000".
        assert!(covered_share(&[(None, 1.0)], 300.0).is_sign_positive());
    }
}
