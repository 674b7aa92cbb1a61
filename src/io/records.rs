//! Incident records with observed times (DESIGN §10, extended): `id,lon,lat,station` and
//! either `response_s` or timestamps `alarm` (接警) / `dispatch` (派车) / `turnout` (出动,
//! en route) / `arrival` (到场), ISO 8601; optional `time`, `unit`, `kind`, `pump_order`.
//!
//! A missing column or an unreadable file is an error. A row whose values cannot be used
//! (an unknown station, arrival before the start, a response over two hours, a time that
//! is not ISO 8601) is left out and listed in [`RecordsFile::rejected`] with its line and
//! field, never silently used.

use std::collections::HashMap;
use std::path::Path;

use super::crs::ToWgs84;
use super::tables::{count, read_table, text, Col, Header, Row};
use crate::error::{Error, Location, Result};
use crate::model::{IncidentRecord, MeasuredFrom, RecordsFile, RejectedRecord, Station};
use crate::params::Crs;

/// Longest plausible response: anything longer is a data-entry error or a different kind
/// of job (a relay, a stand-by), not a response to fit.
pub const MAX_RESPONSE_S: f64 = 7200.0;

const RECORD_COLUMNS: &[&str] = &[
    "id",
    "lon",
    "lat",
    "station",
    "response_s",
    "alarm",
    "接警",
    "接警时间",
    "dispatch",
    "派车",
    "派车时间",
    "turnout",
    "出动",
    "出动时间",
    "arrival",
    "到场",
    "到场时间",
    "time",
    "unit",
    "kind",
    "pump_order",
];

struct Cols {
    id: Col,
    lon: Col,
    lat: Col,
    station: Col,
    response_s: Option<Col>,
    alarm: Option<Col>,
    dispatch: Option<Col>,
    turnout: Option<Col>,
    arrival: Option<Col>,
    time: Option<Col>,
    unit: Option<Col>,
    kind: Option<Col>,
    pump_order: Option<Col>,
    measured_from: MeasuredFrom,
}

/// The first of `names` the header has (the English name, then the Chinese ones).
fn any_of(h: &Header, names: &[&'static str]) -> Result<Option<Col>> {
    for name in names {
        if let Some(col) = h.optional(name)? {
            return Ok(Some(col));
        }
    }
    Ok(None)
}

/// Reads a records file with coordinates in `crs`; `station` refers to the ids of
/// `stations`. Fails only when no row is usable, or on a file-level problem.
pub fn read_records(path: &Path, crs: Crs, stations: &[Station]) -> Result<RecordsFile> {
    let by_id: HashMap<&str, usize> = stations
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut measured_from = MeasuredFrom::Record;
    let rows = read_table(
        path,
        RECORD_COLUMNS,
        |h| {
            let response_s = h.optional("response_s")?;
            let alarm = any_of(h, &["alarm", "接警时间", "接警"])?;
            let dispatch = any_of(h, &["dispatch", "派车时间", "派车"])?;
            let arrival = any_of(h, &["arrival", "到场时间", "到场"])?;
            let from = match (response_s, arrival, dispatch, alarm) {
                (Some(_), ..) => MeasuredFrom::Record,
                (None, Some(_), Some(_), _) => MeasuredFrom::Dispatch,
                (None, Some(_), None, Some(_)) => MeasuredFrom::Alarm,
                _ => {
                    return Err(Error::input(
                        path,
                        Location::Line(1),
                        "response_s",
                        "a records file needs the observed time: a `response_s` column \
                         (seconds), or an `arrival` (到场) column with `dispatch` (派车) or \
                         `alarm` (接警) timestamps",
                    ))
                }
            };
            measured_from = from;
            Ok(Cols {
                id: h.required("id")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
                station: h.required("station")?,
                response_s,
                alarm,
                dispatch,
                turnout: any_of(h, &["turnout", "出动时间", "出动"])?,
                arrival,
                time: h.optional("time")?,
                unit: h.optional("unit")?,
                kind: h.optional("kind")?,
                pump_order: h.optional("pump_order")?,
                measured_from: from,
            })
        },
        |c, row| Ok(record(c, row, &to_wgs84, &by_id)),
    )?;
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    for r in rows {
        match r {
            Ok(rec) => records.push(rec),
            Err(rej) => rejected.push(rej),
        }
    }
    if records.is_empty() {
        let first = rejected.first().map_or(String::new(), |r| {
            format!(" (line {}: `{}`: {})", r.line, r.field, r.reason)
        });
        return Err(Error::input(
            path,
            Location::File,
            "rows",
            format!("none of the {} rows can be used{first}", rejected.len()),
        ));
    }
    Ok(RecordsFile {
        measured_from,
        records,
        rejected,
    })
}

/// One row: a record, or why it is left out.
fn record(
    c: &Cols,
    row: &Row,
    to_wgs84: &ToWgs84,
    by_id: &HashMap<&str, usize>,
) -> std::result::Result<IncidentRecord, RejectedRecord> {
    let id = row.cell(c.id).to_string();
    let reject = |field: &str, reason: String| RejectedRecord {
        line: row.line(),
        id: id.clone(),
        field: field.to_string(),
        reason,
    };
    let from_error = |e: Error| match e {
        Error::Input { field, message, .. } => reject(&field, message),
        other => reject("row", other.to_string()),
    };
    if id.is_empty() {
        return Err(reject("id", "empty, but a value is required".into()));
    }
    let (lon, lat) = row.lon_lat(c.lon, c.lat, to_wgs84).map_err(from_error)?;
    let station_id = row.required(c.station, text).map_err(from_error)?;
    let Some(&station) = by_id.get(station_id.as_str()) else {
        return Err(reject(
            "station",
            format!("unknown station `{station_id}` (not in the scenario's stations file)"),
        ));
    };
    let stamp = |col: Option<Col>| -> std::result::Result<Option<Stamp>, RejectedRecord> {
        match col.map(|k| (k, row.cell(k))) {
            None | Some((_, "")) => Ok(None),
            Some((k, s)) => Stamp::parse(s)
                .map(Some)
                .map_err(|m| from_error(row.error(k.name(), m))),
        }
    };
    let alarm = stamp(c.alarm)?;
    let dispatch = stamp(c.dispatch)?;
    let turnout = stamp(c.turnout)?;
    let arrival = stamp(c.arrival)?;
    let time = stamp(c.time)?;
    let given: Vec<&Stamp> = [&alarm, &dispatch, &turnout, &arrival]
        .into_iter()
        .flatten()
        .collect();
    if given.iter().any(|s| s.zoned != given[0].zoned) {
        return Err(reject(
            "arrival",
            "some times carry a UTC offset and some do not; write all of a row's times \
             the same way"
                .into(),
        ));
    }
    let start = match c.measured_from {
        MeasuredFrom::Dispatch => dispatch.as_ref().map(|s| ("dispatch", s)),
        MeasuredFrom::Alarm => alarm.as_ref().map(|s| ("alarm", s)),
        MeasuredFrom::Record => None,
    };
    let response_s = match (c.measured_from, c.response_s) {
        (MeasuredFrom::Record, Some(col)) => row
            .required(col, super::tables::number)
            .map_err(from_error)?,
        _ => {
            let (start_name, start) =
                start.ok_or_else(|| reject(start_field(c.measured_from), "empty".into()))?;
            let arrival = arrival
                .as_ref()
                .ok_or_else(|| reject("arrival", "empty".into()))?;
            let s = arrival.seconds - start.seconds;
            if s <= 0.0 {
                return Err(reject(
                    "arrival",
                    format!("arrival is not after {start_name} ({s:.0} s)"),
                ));
            }
            s
        }
    };
    if response_s <= 0.0 {
        return Err(reject(
            "response_s",
            format!("a response must take some time, got {response_s} s"),
        ));
    }
    if response_s > MAX_RESPONSE_S {
        return Err(reject(
            response_field(c.measured_from),
            format!(
                "{response_s:.0} s is over two hours: not a response to fit (a typo, a relay \
                 or a stand-by?)"
            ),
        ));
    }
    let pre_travel_s = match (start, &turnout) {
        (Some((start_name, start)), Some(t)) => {
            let s = t.seconds - start.seconds;
            if s < 0.0 || s > response_s {
                return Err(reject(
                    "turnout",
                    format!(
                        "turnout must come after {start_name} and before arrival \
                         ({s:.0} s after {start_name}, arrival at {response_s:.0} s)"
                    ),
                ));
            }
            Some(s)
        }
        _ => None,
    };
    let hour = [&alarm, &dispatch, &time]
        .into_iter()
        .flatten()
        .next()
        .map(|s| s.hour);
    let optional = |col: Option<Col>| row.optional(col, text).map_err(from_error);
    Ok(IncidentRecord {
        id: id.clone(),
        line: row.line(),
        location: geo::Point::new(lon, lat),
        station,
        response_s,
        pre_travel_s,
        hour,
        unit: optional(c.unit)?,
        kind: optional(c.kind)?,
        pump_order: row.optional(c.pump_order, count).map_err(from_error)?,
    })
}

fn start_field(from: MeasuredFrom) -> &'static str {
    match from {
        MeasuredFrom::Dispatch => "dispatch",
        _ => "alarm",
    }
}

fn response_field(from: MeasuredFrom) -> &'static str {
    match from {
        MeasuredFrom::Record => "response_s",
        _ => "arrival",
    }
}

/// A parsed timestamp: seconds on one line of time, and the hour of day as written.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stamp {
    seconds: f64,
    hour: u8,
    /// True when written with a UTC offset or `Z`.
    zoned: bool,
}

impl Stamp {
    /// A date and time of day in the forms [`crate::model::time::Stamp`] reads.
    fn parse(s: &str) -> std::result::Result<Stamp, String> {
        let t = crate::model::time::Stamp::parse(s).map_err(|_| {
            format!(
                "expected an ISO 8601 date and time such as 2024-03-01T14:05:09 or \
                 2024-03-01 14:05:09+08:00, got `{}`",
                super::tables::quoted(s)
            )
        })?;
        match (t.seconds(), t.hour()) {
            (Some(seconds), Some(hour)) => Ok(Stamp {
                seconds,
                hour: hour as u8,
                zoned: t.utc_offset_s.is_some(),
            }),
            _ => Err(format!(
                "`{}` is a date without a time of day; a response needs the time",
                super::tables::quoted(s)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_forms_records_use() {
        let a = Stamp::parse("2009-01-01T00:16:02").unwrap();
        let b = Stamp::parse("2009/01/01 00:21:32").unwrap();
        assert_eq!(b.seconds - a.seconds, 330.0);
        assert_eq!((a.hour, a.zoned), (0, false));
        let z = Stamp::parse("2024-03-01T14:05:09+08:00").unwrap();
        let u = Stamp::parse("2024-03-01T06:05:10Z").unwrap();
        assert_eq!(u.seconds - z.seconds, 1.0);
        assert_eq!((z.hour, z.zoned), (14, true));
        assert!(Stamp::parse("yesterday").unwrap_err().contains("ISO 8601"));
        assert!(Stamp::parse("2009-13-01T00:00:00").is_err());
        assert!(Stamp::parse("2009-01-01")
            .unwrap_err()
            .contains("without a time"));
    }
}
