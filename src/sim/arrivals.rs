//! When calls come in: a Poisson process whose rate is constant within each of the 168
//! hours of the week (hour-of-day × day-of-week profile), sampled exactly by inverting
//! the integrated rate — no thinning, no rejected draws.

use super::clock::{WEEK_S, YEAR_S};

const HOURS: usize = 168;

/// The call rate over a week, calls per second in each hour (hour 0 = Monday 00–01).
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalProfile {
    rate_per_s: [f64; HOURS],
}

/// Where an arrival stream stands: the current time and its hour of the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArrivalClock {
    pub time_s: f64,
    hour: usize,
}

impl ArrivalClock {
    pub fn start() -> Self {
        ArrivalClock {
            time_s: 0.0,
            hour: 0,
        }
    }
}

impl ArrivalProfile {
    /// `per_year` calls a year on average, spread by the relative `hour` (24) and `weekday`
    /// (7, Monday first) profiles, which are normalised to mean 1. Both profiles must have
    /// a positive sum (checked with the scenario).
    pub fn new(per_year: f64, hour: &[f64; 24], weekday: &[f64; 7]) -> Self {
        let hmean = hour.iter().sum::<f64>() / 24.0;
        let wmean = weekday.iter().sum::<f64>() / 7.0;
        let base = per_year / YEAR_S;
        let mut rate_per_s = [0.0; HOURS];
        for (i, r) in rate_per_s.iter_mut().enumerate() {
            *r = base * (hour[i % 24] / hmean) * (weekday[i / 24] / wmean);
        }
        ArrivalProfile { rate_per_s }
    }

    /// Mean calls per second over a week.
    pub fn mean_rate_per_s(&self) -> f64 {
        self.rate_per_s.iter().sum::<f64>() / HOURS as f64
    }

    /// Advances `clock` to the next call, given a standard exponential draw `e` (mean 1):
    /// the time at which the integrated rate since `clock` reaches `e`. Hours of zero rate
    /// are skipped; the profile must not be zero everywhere.
    pub fn advance(&self, clock: &mut ArrivalClock, e: f64) -> f64 {
        let mut remaining = e;
        loop {
            let week_start = (clock.time_s / WEEK_S).floor() * WEEK_S;
            let hour_end = week_start + (clock.hour + 1) as f64 * 3600.0;
            let rate = self.rate_per_s[clock.hour];
            let span = hour_end - clock.time_s;
            if rate > 0.0 && rate * span >= remaining {
                clock.time_s += remaining / rate;
                return clock.time_s;
            }
            remaining -= rate * span;
            clock.time_s = hour_end;
            clock.hour = (clock.hour + 1) % HOURS;
            if clock.hour == 0 {
                // `hour_end` of the week's last hour is the next week's start: keep the
                // pair (time, hour) consistent even when floating point rounds.
                clock.time_s = (clock.time_s / WEEK_S).round() * WEEK_S;
                // At a week's start with more than a week's calls to go (low rates):
                // skip whole weeks instead of walking their hours.
                let week = self.mean_rate_per_s() * WEEK_S;
                if remaining > week {
                    let weeks = ((remaining / week).floor() - 1.0).max(0.0);
                    remaining -= weeks * week;
                    clock.time_s += weeks * WEEK_S;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_profile_is_a_homogeneous_process() {
        let p = ArrivalProfile::new(YEAR_S / 100.0, &[1.0; 24], &[1.0; 7]);
        assert!((p.mean_rate_per_s() - 0.01).abs() < 1e-15);
        let mut c = ArrivalClock::start();
        // e = 1 at rate 0.01/s: 100 s, crossing no hour.
        assert!((p.advance(&mut c, 1.0) - 100.0).abs() < 1e-9);
        // e = 50: 5000 s later, across an hour boundary.
        assert!((p.advance(&mut c, 50.0) - 5100.0).abs() < 1e-9);
    }

    #[test]
    fn zero_hours_are_skipped_and_the_week_wraps() {
        let mut hour = [0.0; 24];
        hour[12] = 1.0; // only 12:00–13:00
        let mut week = [0.0; 7];
        week[6] = 1.0; // only Sunday
        let p = ArrivalProfile::new(52.0 * 3600.0 * 0.001 * 7.0 * 24.0 / 1.0, &hour, &week);
        // The single open hour has rate = mean × 168.
        let open = p.mean_rate_per_s() * 168.0;
        let mut c = ArrivalClock::start();
        let sunday_noon = 6.0 * 86_400.0 + 12.0 * 3600.0;
        let t = p.advance(&mut c, 0.5 * open * 3600.0);
        assert!((t - (sunday_noon + 1800.0)).abs() < 1e-6, "{t}");
        // The rest of that hour, then a whole week to the next Sunday noon.
        let t = p.advance(&mut c, 0.75 * open * 3600.0);
        assert!((t - (sunday_noon + WEEK_S + 900.0)).abs() < 1e-6, "{t}");
        // A thousand weeks' worth at once: whole weeks are skipped, same answer.
        let t = p.advance(&mut c, 1000.0 * open * 3600.0);
        assert!(
            (t - (sunday_noon + 1001.0 * WEEK_S + 900.0)).abs() < 1e-3,
            "{t}"
        );
    }
}
