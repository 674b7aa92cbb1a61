//! Dates and clock times read from files (ISO 8601): incident records' `time`, the
//! timestamps of calibration records. One parser, so that every command accepts and
//! refuses the same text.

/// A local date and clock time read from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    pub day: i64,
    /// Seconds since local midnight; `None` for a date without a time.
    pub second_of_day: Option<u32>,
    /// The UTC offset written after the time (`Z` = 0, `+08:00` = 28,800), seconds.
    pub utc_offset_s: Option<i32>,
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

    /// Seconds since 1970-01-01 00:00 UTC when the stamp carries an offset, else since
    /// that instant on the local clock (differences of two local stamps are exact but
    /// across a daylight-saving change); `None` without a time of day.
    pub fn seconds(&self) -> Option<f64> {
        let sod = self.second_of_day?;
        Some(self.day as f64 * 86_400.0 + sod as f64 - self.utc_offset_s.unwrap_or(0) as f64)
    }

    /// Parses `YYYY-MM-DD` (or `YYYY/MM/DD`), optionally followed by `T` or a space and
    /// `HH:MM[:SS[.fff]]`, optionally followed by `Z` or `±HH:MM` / `±HHMM` / `±HH`.
    /// Returns what was expected on failure.
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
        // `-` or `/` between the parts, the same one twice.
        let sep = if date.contains('/') { '/' } else { '-' };
        let mut parts = date.split(sep);
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
        let (second_of_day, utc_offset_s) = match rest {
            None | Some("") => (None, None),
            Some(t) => {
                // A UTC offset: `Z`, or a sign after the clock part.
                let (clock, offset) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
                    (c, Some(0))
                } else if let Some(i) = t.find(['+', '-']) {
                    let o = &t[i + 1..];
                    let digits: String = o.chars().filter(|c| *c != ':').collect();
                    // Digits only before slicing by bytes: `+0Ӝ0` is four bytes but not four
                    // digits (found by fuzzing `csv_tables`, 2026-11-30).
                    let ascii = digits.bytes().all(|b| b.is_ascii_digit());
                    let (oh, om) = match digits.len() {
                        _ if !ascii => (None, None),
                        2 => (num(&digits, 2), Some(0)),
                        4 => (num(&digits[..2], 2), num(&digits[2..], 2)),
                        _ => (None, None),
                    };
                    let (Some(oh), Some(om)) = (oh, om) else {
                        return Err(bad());
                    };
                    if oh > 18 || om > 59 {
                        return Err(bad());
                    }
                    let sign = if t.as_bytes()[i] == b'-' { -1 } else { 1 };
                    (&t[..i], Some(sign * (oh * 3600 + om * 60) as i32))
                } else {
                    (t, None)
                };
                let mut f = clock.split(':');
                let h = f.next().and_then(|x| num(x, 2));
                let mi = f.next().and_then(|x| num(x, 2));
                let sec = match f.next() {
                    None => Some(0),
                    Some(x) => num(x.split('.').next().unwrap_or(""), 2),
                };
                match (h, mi, sec, f.next()) {
                    (Some(h), Some(mi), Some(sec), None) if h < 24 && mi < 60 && sec < 61 => {
                        (Some((h * 3600 + mi * 60 + sec.min(59)) as u32), offset)
                    }
                    _ => return Err(bad()),
                }
            }
        };
        Ok(Stamp {
            day: days_from_civil(y, m, d),
            second_of_day,
            utc_offset_s,
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
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month, day) of a day number since 1970-01-01 (the
/// inverse of [`days_from_civil`], H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
    fn offsets_slashes_and_seconds() {
        let z = Stamp::parse("2024-03-01T14:05:09+08:00").unwrap();
        let u = Stamp::parse("2024-03-01T06:05:10Z").unwrap();
        assert_eq!((z.utc_offset_s, u.utc_offset_s), (Some(28_800), Some(0)));
        assert_eq!(u.seconds().unwrap() - z.seconds().unwrap(), 1.0);
        assert_eq!(
            Stamp::parse("2024-03-05T23:59:59-0500")
                .unwrap()
                .utc_offset_s,
            Some(-18_000)
        );
        assert_eq!(
            Stamp::parse("2024-03-05T23:59:59+05").unwrap().utc_offset_s,
            Some(18_000)
        );
        let a = Stamp::parse("2009/01/01 23:58:00").unwrap();
        let b = Stamp::parse("2009-01-02T00:03:30").unwrap();
        assert_eq!(b.seconds().unwrap() - a.seconds().unwrap(), 330.0);
        assert_eq!(Stamp::parse("2009-01-01").unwrap().seconds(), None);
        for bad in ["2009/01-01", "2024-03-05T10:00+25:00", "2024-03-05T10:00+1"] {
            assert!(Stamp::parse(bad).is_err(), "{bad}");
        }
        for day in [-800_000, -1, 0, 59, 10_957, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
