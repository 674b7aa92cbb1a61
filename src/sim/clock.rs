//! The calendar of the simulation, whose time 0 is a Monday 00:00 local time. Record times
//! are read by [`crate::model::time::Stamp`]: the local clock time written in the file (a
//! UTC offset is kept apart, because hour-of-day profiles are about the local clock).

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;
/// Seconds in a week.
pub const WEEK_S: f64 = 7.0 * DAY_S;
/// Seconds in a (Julian) year of 365.25 days: the unit of `incidents_per_year` and of
/// `--years`.
pub const YEAR_S: f64 = 365.25 * DAY_S;

pub use crate::model::time::Stamp;

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
    fn calendar_of_simulation_time() {
        assert_eq!(calendar(0.0), (0, 0, "00:00:00".to_string()));
        assert_eq!(
            calendar(8.0 * DAY_S + 3661.5),
            (8, 1, "01:01:01".to_string())
        );
    }
}
