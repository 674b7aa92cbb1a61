//! Mean and 95 % confidence interval over replications (Student's t, replications
//! independent by construction: each has its own random stream).

use serde::Serialize;

/// A figure estimated over replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    /// 95 % confidence interval of the mean (`None` with a single replication).
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    /// Replications that had a value (e.g. a percentile needs reached incidents).
    pub replications: usize,
}

impl Estimate {
    /// Mean and t-interval of `values`; `None` when empty.
    pub fn of(values: &[f64]) -> Option<Estimate> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let (lo, hi) = if n >= 2 {
            let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let half = t_975(n - 1) * (var / n as f64).sqrt();
            (Some(mean - half), Some(mean + half))
        } else {
            (None, None)
        };
        Some(Estimate {
            mean,
            ci95_low: lo,
            ci95_high: hi,
            replications: n,
        })
    }

    /// Of the values present.
    pub fn of_some(values: impl IntoIterator<Item = Option<f64>>) -> Option<Estimate> {
        let v: Vec<f64> = values.into_iter().flatten().collect();
        Self::of(&v)
    }

    /// The interval cut to `[lo, hi]` (a share's interval to 0..1).
    pub fn clamped(mut self, lo: f64, hi: f64) -> Estimate {
        self.ci95_low = self.ci95_low.map(|x| x.clamp(lo, hi));
        self.ci95_high = self.ci95_high.map(|x| x.clamp(lo, hi));
        self
    }

    /// Whether `x` lies within the interval (the mean alone without an interval).
    pub fn covers(&self, x: f64) -> bool {
        match (self.ci95_low, self.ci95_high) {
            (Some(lo), Some(hi)) => lo <= x && x <= hi,
            _ => x == self.mean,
        }
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact to three
/// decimals from the table for df ≤ 30, Cornish–Fisher expansion beyond (error < 1e-4).
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * v * v * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_and_intervals() {
        assert_eq!(t_975(1), 12.706);
        assert!((t_975(31) - 2.0395).abs() < 1e-3);
        assert!((t_975(60) - 2.0003).abs() < 1e-3);
        assert!((t_975(120) - 1.9799).abs() < 1e-3);
        let e = Estimate::of(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(e.mean, 2.0);
        // sd 1, n 3: half-width 4.303 / √3.
        assert!((e.ci95_high.unwrap() - (2.0 + 4.303 / 3f64.sqrt())).abs() < 1e-12);
        assert!(e.covers(4.4) && !e.covers(4.5));
        assert_eq!(Estimate::of(&[5.0]).unwrap().ci95_low, None);
        assert_eq!(Estimate::of(&[]), None);
    }
}
