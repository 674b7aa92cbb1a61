//! On-scene times: the configured distributions ([`OnScene`], minutes) as samplers in
//! seconds.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal};

use crate::params::simulation::OnScene;

/// Draws on-scene seconds.
#[derive(Debug, Clone, Copy)]
pub enum OnSceneSampler {
    Fixed(f64),
    Exponential(Exp<f64>),
    /// Lognormal in seconds.
    Lognormal(LogNormal<f64>),
    /// Gamma in seconds.
    Gamma(Gamma<f64>),
}

impl OnSceneSampler {
    /// The sampler of `spec` (checked with the scenario: mean and sd > 0).
    pub fn new(spec: &OnScene) -> Self {
        match *spec {
            OnScene::Fixed { mean_min } => OnSceneSampler::Fixed(mean_min * 60.0),
            OnScene::Exponential { mean_min } => match Exp::new(1.0 / (mean_min * 60.0)) {
                Ok(d) => OnSceneSampler::Exponential(d),
                Err(_) => OnSceneSampler::Fixed(mean_min * 60.0),
            },
            OnScene::Lognormal { mean_min, sd_min } => {
                match LogNormal::from_mean_cv(mean_min * 60.0, sd_min / mean_min) {
                    Ok(d) => OnSceneSampler::Lognormal(d),
                    Err(_) => OnSceneSampler::Fixed(mean_min * 60.0),
                }
            }
            OnScene::Gamma { mean_min, sd_min } => {
                // shape k = (mean/sd)², scale θ = sd²/mean.
                let (m, s) = (mean_min * 60.0, sd_min * 60.0);
                match Gamma::new((m / s) * (m / s), s * s / m) {
                    Ok(d) => OnSceneSampler::Gamma(d),
                    Err(_) => OnSceneSampler::Fixed(m),
                }
            }
        }
    }

    /// One on-scene time, seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            OnSceneSampler::Fixed(s) => *s,
            OnSceneSampler::Exponential(d) => d.sample(rng),
            OnSceneSampler::Lognormal(d) => d.sample(rng),
            OnSceneSampler::Gamma(d) => d.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn means_and_spreads_are_as_configured() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for spec in [
            OnScene::Exponential { mean_min: 30.0 },
            OnScene::Lognormal {
                mean_min: 30.0,
                sd_min: 20.0,
            },
            OnScene::Gamma {
                mean_min: 30.0,
                sd_min: 20.0,
            },
        ] {
            let s = OnSceneSampler::new(&spec);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
            assert!((mean - 1800.0).abs() < 20.0, "{spec:?}: mean {mean}");
            let want_sd = if matches!(spec, OnScene::Exponential { .. }) {
                1800.0
            } else {
                1200.0
            };
            assert!((sd - want_sd).abs() < 40.0, "{spec:?}: sd {sd}");
        }
        let f = OnSceneSampler::new(&OnScene::Fixed { mean_min: 2.5 });
        assert_eq!(f.sample(&mut rng), 150.0);
    }
}
