//! Clock time: reading the `time` column of incident records (ISO 8601) and the calendar
//! of the simulation, whose time 0 is a Monday 00:00 local time.
//!
//! Times are taken as the local clock time written in the file; a UTC offset (`+08:00`,
//! `Z`) is accepted and ignored, because hour-of-day profiles are about the local clock.
//! Give local times (Beijing time for Chinese data).

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;
/// Seconds in a week.
pub const WEEK_S: f64 = 7.0 * DAY_S;
/// Seconds in a (Julian) year of 365.25 days: the unit of `incidents_per_year` and of
/// `--years`.
pub const YEAR_S: f64 = 365.25 * DAY_S;

/// A local date and clock time read from an incident record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    pub day: i64,
    /// Seconds since local midnight; `None` for a date without a time.
    pub second_of_day: Option<u32>,
}

impl Stamp {
    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(&self) -> usize {
        // 1970-01-01 was a Thursday (3 days after Monday).
        (self.day + 3).rem_euclid(7) as usize
    }

    /// 0..24, when the record has a time.
    pub fn hour(&self) -> Option<usize> {
        self.second_of_day.map(|s| (s / 3600) as usize)
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fff]]`,
    /// optionally followed by `Z` or `±HH:MM` / `±HHMM` / `±HH` (ignored). Returns what was
    /// expected on failure.
    pub fn parse(s: &str) -> Result<Stamp, String> {
        let bad = || {
            format!(
                "expected an ISO 8601 date-time such as `2024-03-05T14:20:00+08:00` or \
                 `2024-03-05 14:20`, got `{s}`"
            )
        };
        let s = s.trim();
        let (date, rest) = match s.find(['T', 't', ' ']) {
            Some(i) => (&s[..i], Some(s[i + 1..].trim())),
            None => (s, None),
        };
        let mut parts = date.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let num = |x: &str, len: usize| -> Option<i64> {
            (x.len() == len && x.bytes().all(|b| b.is_ascii_digit()))
                .then(|| x.parse().ok())
                .flatten()
        };
        let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else {
            return Err(bad());
        };
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return Err(format!("{}: no such date", bad()));
        }
        let second_of_day = match rest {
            None | Some("") => None,
            Some(t) => {
                // Cut a UTC offset: `Z`, or a sign after the clock part.
                let clock = t
                    .strip_suffix(['Z', 'z'])
                    .unwrap_or_else(|| t.find(['+', '-']).map_or(t, |i| &t[..i]));
                let mut f = clock.split(':');
                let h = f.next().and_then(|x| num(x, 2));
                let mi = f.next().and_then(|x| num(x, 2));
                let sec = match f.next() {
                    None => Some(0),
                    Some(x) => num(x.split('.').next().unwrap_or(""), 2),
                };
                match (h, mi, sec, f.next()) {
                    (Some(h), Some(mi), Some(sec), None) if h < 24 && mi < 60 && sec < 61 => {
                        Some((h * 3600 + mi * 60 + sec.min(59)) as u32)
                    }
                    _ => return Err(bad()),
                }
            }
        };
        Ok(Stamp {
            day: days_from_civil(y, m, d),
            second_of_day,
        })
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Simulation time (seconds from a Monday 00:00) → (day number from 0, weekday 0 =
/// Monday, `HH:MM:SS`).
pub fn calendar(time_s: f64) -> (u64, usize, String) {
    let day = (time_s / DAY_S).floor().max(0.0) as u64;
    let sod = (time_s - day as f64 * DAY_S).clamp(0.0, DAY_S - 1.0) as u64;
    (
        day,
        (day % 7) as usize,
        format!("{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_of_incident_files() {
        let s = Stamp::parse("2024-03-05T14:20:09+08:00").unwrap();
        assert_eq!(s.hour(), Some(14));
        assert_eq!(s.second_of_day, Some(14 * 3600 + 20 * 60 + 9));
        assert_eq!(s.weekday(), 1); // a Tuesday
        assert_eq!(Stamp::parse("2024-03-05 14:20").unwrap().hour(), Some(14));
        assert_eq!(
            Stamp::parse("2024-03-05T06:00:00.250Z").unwrap().hour(),
            Some(6)
        );
        assert_eq!(
            Stamp::parse("2024-03-05T23:59:59-0500").unwrap().hour(),
            Some(23)
        );
        let d = Stamp::parse("2024-03-05").unwrap();
        assert_eq!((d.hour(), d.weekday()), (None, 1));
        assert_eq!(Stamp::parse("1970-01-01").unwrap().day, 0);
        assert_eq!(
            Stamp::parse("2025-01-01").unwrap().day - Stamp::parse("2024-01-01").unwrap().day,
            366
        );
        for bad in [
            "2024-02-30",
            "2024-3-5",
            "05/03/2024",
            "2024-03-05T25:00",
            "x",
        ] {
            assert!(Stamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn calendar_of_simulation_time() {
        assert_eq!(calendar(0.0), (0, 0, "00:00:00".to_string()));
        assert_eq!(
            calendar(8.0 * DAY_S + 3661.5),
            (8, 1, "01:01:01".to_string())
        );
    }
}
