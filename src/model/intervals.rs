//! Parts of a road segment as fractions of its length (0 at node a, 1 at node b): sorted,
//! disjoint `(from, to)` intervals, as coverage and supply reach give them.

/// Pieces shorter than this fraction are dropped: rounding, not road.
const EPSILON: f64 = 1e-9;

/// `a` minus `b`, both sorted, disjoint intervals.
pub fn minus(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &(mut lo, hi) in a {
        for &(x, y) in b {
            if y <= lo || x >= hi {
                continue;
            }
            if x > lo {
                out.push((lo, x));
            }
            lo = lo.max(y);
        }
        if hi - lo > EPSILON {
            out.push((lo, hi));
        }
    }
    out.retain(|(x, y)| y - x > EPSILON);
    out
}

/// The union of any intervals, as sorted, disjoint intervals (touching ones joined).
pub fn union(mut all: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    all.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(all.len());
    for (x, y) in all {
        match out.last_mut() {
            Some(last) if x <= last.1 => last.1 = last.1.max(y),
            _ => out.push((x, y)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minus_cuts_holes_and_ends() {
        assert_eq!(
            minus(&[(0.0, 1.0)], &[(0.2, 0.4)]),
            vec![(0.0, 0.2), (0.4, 1.0)]
        );
        assert_eq!(minus(&[(0.0, 1.0)], &[(0.0, 0.5), (0.5, 1.0)]), vec![]);
        assert_eq!(
            minus(&[(0.0, 0.3), (0.6, 1.0)], &[(0.2, 0.7)]),
            vec![(0.0, 0.2), (0.7, 1.0)]
        );
        assert_eq!(minus(&[(0.1, 0.2)], &[]), vec![(0.1, 0.2)]);
        assert_eq!(
            minus(&[(0.0, 1.0)], &[(0.2, 0.3), (0.5, 0.6)]),
            vec![(0.0, 0.2), (0.3, 0.5), (0.6, 1.0)]
        );
    }

    #[test]
    fn union_joins_overlapping_and_touching() {
        assert_eq!(
            union(vec![(0.5, 0.7), (0.0, 0.2), (0.1, 0.3), (0.7, 0.8)]),
            vec![(0.0, 0.3), (0.5, 0.8)]
        );
        assert_eq!(union(vec![]), vec![]);
    }
}
