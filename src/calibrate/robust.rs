//! Small robust statistics for the fit: medians and quantiles, rank correlation, and
//! median (L1) regression — a few hundred to a few hundred thousand records and a handful
//! of coefficients, so plain code beats pulling in a linear-algebra crate.

/// The `q`-quantile (0 … 1) of `values`, linear between order statistics (Hyndman & Fan
/// type 7, as R and numpy default); NaN for no values.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, q)
}

/// [`quantile`] of values already sorted.
pub fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    let f = h - i as f64;
    if i + 1 < v.len() {
        v[i] + f * (v[i + 1] - v[i])
    } else {
        v[i]
    }
}

pub fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// Ranks 1 … n, ties given their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson on average ranks); NaN with fewer than two pairs
/// or a constant side.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    if a.len() < 2 || a.len() != b.len() {
        return f64::NAN;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// Solves the square system `a x = b` by Gaussian elimination with partial pivoting;
/// `None` when it is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for (r, row) in lower.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[col + 1 + r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Weighted least squares: the coefficients minimising Σ wᵢ (yᵢ − xᵢ·β)².
fn weighted_least_squares(x: &[Vec<f64>], y: &[f64], w: &[f64]) -> Option<Vec<f64>> {
    let k = x.first()?.len();
    let mut a = vec![vec![0.0; k]; k];
    let mut b = vec![0.0; k];
    for ((xi, &yi), &wi) in x.iter().zip(y).zip(w) {
        for r in 0..k {
            b[r] += wi * xi[r] * yi;
            for c in 0..k {
                a[r][c] += wi * xi[r] * xi[c];
            }
        }
    }
    solve(a, b)
}

/// Median (least absolute deviations) regression of `y` on the rows of `x`, by
/// iteratively reweighted least squares (weights 1 / max(|residual|, 0.5 s)), started
/// from ordinary least squares. Robust to the long right tail of response times, where a
/// least-squares fit would chase the few runs that went wrong. `None` when the columns
/// are collinear (a road group no record drove on).
pub fn median_regression(x: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let mut w = vec![1.0; y.len()];
    let mut beta = weighted_least_squares(x, y, &w)?;
    for _ in 0..200 {
        for ((wi, xi), &yi) in w.iter_mut().zip(x).zip(y) {
            let r: f64 = yi - xi.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>();
            *wi = 1.0 / r.abs().max(0.5);
        }
        let next = weighted_least_squares(x, y, &w)?;
        let change = next
            .iter()
            .zip(&beta)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        beta = next;
        if change < 1e-7 {
            break;
        }
    }
    Some(beta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(median(&v), 2.5);
        assert_eq!(quantile(&v, 0.9), 3.7);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn spearman_of_monotone_and_reversed() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [10.0, 20.0, 25.0, 100.0, 1000.0];
        assert!((spearman(&a, &b) - 1.0).abs() < 1e-12);
        let c: Vec<f64> = b.iter().rev().copied().collect();
        assert!((spearman(&a, &c) + 1.0).abs() < 1e-12);
        // Ties: scipy.stats.spearmanr([1,2,2,3],[1,2,3,4]) = 0.9486832980505138.
        assert!(
            (spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]) - 0.9486832980505138).abs()
                < 1e-12
        );
    }

    #[test]
    fn median_regression_ignores_a_wild_outlier() {
        // y = 30 + 1.5 x exactly, plus one record 2,000 s late.
        let x: Vec<Vec<f64>> = (0..21).map(|i| vec![1.0, 10.0 * i as f64]).collect();
        let mut y: Vec<f64> = x.iter().map(|r| 30.0 + 1.5 * r[1]).collect();
        y[7] += 2000.0;
        let b = median_regression(&x, &y).unwrap();
        assert!(
            (b[0] - 30.0).abs() < 0.05 && (b[1] - 1.5).abs() < 0.001,
            "{b:?}"
        );
        // Least squares is dragged off by it.
        let ols = weighted_least_squares(&x, &y, &[1.0; 21]).unwrap();
        assert!((ols[0] - 30.0).abs() > 20.0);
        // A column of zeros cannot be fitted.
        let z: Vec<Vec<f64>> = x.iter().map(|r| vec![r[0], r[1], 0.0]).collect();
        assert!(median_regression(&z, &y).is_none());
    }
}
