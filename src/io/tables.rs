//! CSV tables of DESIGN §10 — stations, vehicles, demand, depots — and the small CSV toolkit
//! every CSV reader of fireplan shares (also [`super::csv_network`]).
//!
//! The toolkit turns each problem into an [`Error::Input`] naming the file, the 1-based line
//! (header = line 1), the column and what was expected: [`read_table`] opens a file, resolves
//! the header (columns in any order, unknown ones ignored, misspellings pointed out) and
//! refuses empty files; [`Row::required`] / [`Row::optional`] read one typed cell with a
//! parser from this module; [`Row::lon_lat`] reads, checks and converts a coordinate pair;
//! [`IdIndex`] finds duplicate ids and resolves references.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::model::{DemandPoint, Depot, DepotLevel, Station, StationClass, StationStatus, Vehicle};

use super::crs::ToWgs84;
use crate::names::{nearest, one_of};
use crate::params::Crs;

// ---------------------------------------------------------------------------------------
// The CSV toolkit.

/// The header's names as quoted in messages: the first ten, each cut to 40 characters
/// (a binary or `/etc/shadow` read as CSV has one long "name").
fn header_excerpt(names: &[String]) -> String {
    let mut list: Vec<String> = names.iter().take(10).map(|n| quoted(n)).collect();
    if names.len() > 10 {
        list.push(format!("… ({} columns)", names.len()));
    }
    list.join(", ")
}

/// A value from a file as quoted in messages: control characters escaped, at most 40
/// characters.
pub(crate) fn quoted(s: &str) -> String {
    crate::error::excerpt_to(s, 40)
}

/// A column the reader found in the header: its position and its contract name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    index: usize,
    name: &'static str,
}

impl Col {
    /// The column's contract name.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
}

/// The header row of a CSV file, for looking columns up by name.
pub(crate) struct Header<'a> {
    path: &'a Path,
    names: Vec<String>,
    /// Every column the reader understands: never offered as a misspelling of another.
    known: &'a [&'static str],
}

impl Header<'_> {
    /// The column `name` (case-insensitive); an error naming the nearest unknown header
    /// when it is missing, or both positions when it appears twice.
    pub(crate) fn required(&self, name: &'static str) -> Result<Col> {
        match self.optional(name)? {
            Some(col) => Ok(col),
            None => {
                let unknown = self
                    .names
                    .iter()
                    .map(String::as_str)
                    .filter(|h| !self.known.iter().any(|k| k.eq_ignore_ascii_case(h)));
                let message = match nearest(name, unknown) {
                    Some(found) => format!(
                        "missing column `{name}` (found `{found}` — misspelt? rename it to `{name}`)"
                    ),
                    None => format!(
                        "missing column `{name}`; the header has: {}",
                        header_excerpt(&self.names)
                    ),
                };
                Err(Error::input(self.path, Location::Line(1), name, message))
            }
        }
    }

    /// The column `name` if the header has it (case-insensitive).
    pub(crate) fn optional(&self, name: &'static str) -> Result<Option<Col>> {
        let mut found = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name))
            .map(|(i, _)| i);
        let first = found.next();
        if let (Some(a), Some(b)) = (first, found.next()) {
            return Err(Error::input(
                self.path,
                Location::Line(1),
                name,
                format!(
                    "column `{name}` appears twice (columns {} and {})",
                    a + 1,
                    b + 1
                ),
            ));
        }
        Ok(first.map(|index| Col { index, name }))
    }
}

/// One data row of a CSV file, with its line for error messages.
pub(crate) struct Row<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// 1-based line of the row (header = line 1).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// An input error at this row.
    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> Error {
        Error::input(self.path, Location::Line(self.line), field, message)
    }

    /// The trimmed cell of `col` ("" when the row is short).
    pub(crate) fn cell(&self, col: Col) -> &str {
        self.record.get(col.index).unwrap_or("").trim()
    }

    /// A required, non-empty cell parsed with `parse` (a parser of this module returning
    /// what was expected on failure).
    pub(crate) fn required<T>(
        &self,
        col: Col,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T> {
        match self.cell(col) {
            "" => Err(self.error(col.name, "empty, but a value is required")),
            s => parse(s).map_err(|message| self.error(col.name, message)),
        }
    }

    /// An optional cell: `None` when the column is absent or the cell empty.
    pub(crate) fn optional<T>(
        &self,
        col: Option<Col>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>> {
        match col.map(|c| (c, self.cell(c))) {
            None | Some((_, "")) => Ok(None),
            Some((c, s)) => parse(s).map(Some).map_err(|m| self.error(c.name, m)),
        }
    }

    /// A required coordinate pair in the file's CRS (longitude and latitude, or easting and
    /// northing): checked for range (and for swapped, projected or misplaced coordinates),
    /// then converted to WGS-84 (lon, lat).
    pub(crate) fn lon_lat(&self, lon: Col, lat: Col, to_wgs84: &ToWgs84) -> Result<(f64, f64)> {
        let x = self.required(lon, number)?;
        let y = self.required(lat, number)?;
        to_wgs84
            .checked(x, y)
            .map_err(|bad| self.error(bad.field, bad.message))
    }
}

/// Reads every data row of the CSV file at `path`.
///
/// `known` lists every column the reader understands (for misspelling hints); `columns`
/// looks the reader's columns up in the header; `row` turns one row into a `T`. Fails on
/// an unreadable or non-UTF-8 file, a malformed row, an empty file or a header without
/// rows, and on the first error `columns` or `row` returns.
pub(crate) fn read_table<C, T>(
    path: &Path,
    known: &[&'static str],
    columns: impl FnOnce(&Header) -> Result<C>,
    mut row: impl FnMut(&C, &Row) -> Result<T>,
) -> Result<Vec<T>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(std::io::BufReader::new(file));
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e, &[]))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(Error::input(
            path,
            Location::File,
            "header",
            format!(
                "empty file: no header and no rows (expected a header with columns {})",
                known.join(", ")
            ),
        ));
    }
    let cols = columns(&Header {
        path,
        names: names.clone(),
        known,
    })?;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e, &names))?
    {
        let line = record.position().map_or(0, csv::Position::line);
        out.push(row(
            &cols,
            &Row {
                path,
                line,
                record: &record,
            },
        )?);
    }
    if out.is_empty() {
        return Err(Error::input(
            path,
            Location::Line(2),
            "rows",
            "no rows: the file has a header but no data",
        ));
    }
    Ok(out)
}

/// Turns a `csv` error into an input error at its line.
fn csv_error(path: &Path, error: csv::Error, names: &[String]) -> Error {
    let at = |pos: Option<&csv::Position>| pos.map_or(Location::File, |p| Location::Line(p.line()));
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        csv::ErrorKind::Utf8 { pos, err } => Error::input(
            path,
            at(pos.as_ref()),
            names.get(err.field()).map_or("header", String::as_str),
            "not valid UTF-8: save the file as UTF-8 (Excel exports are often GBK/GB18030)",
        ),
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => Error::input(
            path,
            at(pos.as_ref()),
            "row",
            format!(
                "{len} cells, but the header has {expected_len} columns \
                 (a comma or quote inside a cell that is not quoted?)"
            ),
        ),
        other => Error::input(path, Location::File, "row", format!("{other:?}")),
    }
}

/// Unique ids of a file: finds duplicates (naming both lines) and numbers the ids in file
/// order, so that later references can be resolved.
pub(crate) struct IdIndex<K> {
    /// id → (line, ordinal).
    seen: HashMap<K, (u64, usize)>,
}

impl<K: Hash + Eq + Display> IdIndex<K> {
    pub(crate) fn new() -> Self {
        IdIndex {
            seen: HashMap::new(),
        }
    }

    /// Records `id` from `row`; returns its ordinal, or an error if it was seen before.
    pub(crate) fn insert(&mut self, row: &Row, field: &str, id: K) -> Result<usize> {
        let ordinal = self.seen.len();
        match self.seen.entry(id) {
            std::collections::hash_map::Entry::Occupied(e) => Err(row.error(
                field,
                format!(
                    "duplicate id `{}` (lines {} and {})",
                    e.key(),
                    e.get().0,
                    row.line()
                ),
            )),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((row.line(), ordinal));
                Ok(ordinal)
            }
        }
    }

    /// The ordinal of `id`, if it was recorded.
    pub(crate) fn get<Q>(&self, id: &Q) -> Option<usize>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.seen.get(id).map(|&(_, ordinal)| ordinal)
    }

    /// Every recorded id, in no particular order (for error hints).
    pub(crate) fn ids(&self) -> impl Iterator<Item = &K> {
        self.seen.keys()
    }
}

// Cell parsers: each returns what was expected when the text does not fit.

/// Any text (cells are already trimmed).
pub(crate) fn text(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

/// A finite number (`NaN` and `inf` are refused).
pub(crate) fn number(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("expected a finite number, got `{}`", quoted(s))),
        Err(_) if s.contains(',') && s.replace(',', ".").parse::<f64>().is_ok() => Err(format!(
            "expected a number with a decimal point, got `{}` (a decimal comma?)",
            quoted(s)
        )),
        Err(_) => Err(format!("expected a number, got `{}`", quoted(s))),
    }
}

/// A finite number ≥ 0.
pub(crate) fn non_negative(s: &str) -> Result<f64, String> {
    let v = number(s)?;
    if v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("expected a number ≥ 0, got {}", quoted(s)))
    }
}

/// A station's turnout time: 0 … 3,600 s (an hour before the wheels turn is a typo, not a
/// turnout).
pub(crate) fn turnout_seconds(s: &str) -> Result<f64, String> {
    let v = non_negative(s)?;
    if v <= 3600.0 {
        Ok(v)
    } else {
        Err(format!("expected seconds in 0 … 3600, got {}", quoted(s)))
    }
}

/// An ISO 8601 date, optionally with a time (kept as written; see
/// [`crate::model::time::Stamp`]).
pub(crate) fn iso_time(s: &str) -> Result<String, String> {
    crate::model::time::Stamp::parse(s)
        .map(|_| s.to_string())
        .map_err(|_| {
            format!(
                "expected an ISO 8601 date-time such as `2024-03-05T14:20:00+08:00` or \
                 `2024-03-05 14:20`, got `{}`",
                quoted(s)
            )
        })
}

/// A finite number > 0.
pub(crate) fn positive(s: &str) -> Result<f64, String> {
    let v = number(s)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(format!("expected a number > 0, got {}", quoted(s)))
    }
}

/// A whole number ≥ 0 (a count).
pub(crate) fn count(s: &str) -> Result<u32, String> {
    s.parse::<u32>()
        .map_err(|_| format!("expected a whole number ≥ 0, got `{}`", quoted(s)))
}

/// A 0/1 flag (`true`/`false`, `yes`/`no` also accepted).
pub(crate) fn flag(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        _ => Err(format!("expected 0 or 1, got `{}`", quoted(s))),
    }
}

// ---------------------------------------------------------------------------------------
// The tables.

const STATUSES: [StationStatus; 3] = [
    StationStatus::Existing,
    StationStatus::Planned,
    StationStatus::Closed,
];

const STATION_COLUMNS: &[&str] = &[
    "id",
    "lon",
    "lat",
    "class",
    "name",
    "staff",
    "turnout_s",
    "status",
    "drone",
    "district",
    "support_level",
    "support_capacity_persons",
];

/// Reads a stations file (DESIGN §10) with coordinates in `crs`.
///
/// `class` is required unless `default_class` is given (stations taken from OSM have no
/// class); then an absent column or empty cell takes it. `name` defaults to the id,
/// `status` to existing. Ids must be unique. Logistics-support stations may give
/// `support_level` (national, regional, city, county; default county) and
/// `support_capacity_persons` (the capability they declare); other classes may not.
pub fn read_stations(
    path: &Path,
    crs: Crs,
    default_class: Option<StationClass>,
) -> Result<Vec<Station>> {
    struct Cols {
        id: Col,
        lon: Col,
        lat: Col,
        class: Option<Col>,
        name: Option<Col>,
        staff: Option<Col>,
        turnout_s: Option<Col>,
        status: Option<Col>,
        drone: Option<Col>,
        district: Option<Col>,
        support_level: Option<Col>,
        support_capacity_persons: Option<Col>,
    }
    let class_of = one_of("station class", &StationClass::ALL, StationClass::as_str);
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    read_table(
        path,
        STATION_COLUMNS,
        |h| {
            Ok(Cols {
                id: h.required("id")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
                class: match default_class {
                    Some(_) => h.optional("class")?,
                    None => Some(h.required("class")?),
                },
                name: h.optional("name")?,
                staff: h.optional("staff")?,
                turnout_s: h.optional("turnout_s")?,
                status: h.optional("status")?,
                drone: h.optional("drone")?,
                district: h.optional("district")?,
                support_level: h.optional("support_level")?,
                support_capacity_persons: h.optional("support_capacity_persons")?,
            })
        },
        |c, row| {
            let id = row.required(c.id, text)?;
            ids.insert(row, "id", id.clone())?;
            let (lon, lat) = row.lon_lat(c.lon, c.lat, &to_wgs84)?;
            let class =
                match (row.optional(c.class, &class_of)?, default_class) {
                    (Some(class), _) | (None, Some(class)) => class,
                    (None, None) => return Err(row.error(
                        "class",
                        "empty, but a class is required (special, class1, class2, small, forward, \
                     logistics, township, volunteer, micro), or set `[stations] default_class`",
                    )),
                };
            let support_level = row.optional(
                c.support_level,
                one_of("support level", &DepotLevel::ALL, DepotLevel::as_str),
            )?;
            let support_capacity_persons =
                row.optional(c.support_capacity_persons, non_negative)?;
            if class != StationClass::Logistics {
                for (field, given) in [
                    ("support_level", support_level.is_some()),
                    (
                        "support_capacity_persons",
                        support_capacity_persons.is_some(),
                    ),
                ] {
                    if given {
                        return Err(row.error(
                            field,
                            format!(
                                "given for a {} station; only logistics-support stations \
                                 (class logistics, 战勤保障站) have a support level and capability",
                                class.as_str()
                            ),
                        ));
                    }
                }
            }
            Ok(Station {
                name: row.optional(c.name, text)?.unwrap_or_else(|| id.clone()),
                id,
                class,
                location: geo::Point::new(lon, lat),
                staff: row.optional(c.staff, count)?,
                turnout_s: row.optional(c.turnout_s, turnout_seconds)?,
                status: row
                    .optional(c.status, one_of("status", &STATUSES, StationStatus::as_str))?
                    .unwrap_or_default(),
                drone: row.optional(c.drone, flag)?,
                district: row.optional(c.district, text)?,
                support_level,
                support_capacity_persons,
                vehicles: Vec::new(),
                line: row.line(),
            })
        },
    )
}

const VEHICLE_COLUMNS: &[&str] = &[
    "station_id",
    "kind",
    "count",
    "pump_flow_lps",
    "firefighting",
];

/// Reads a vehicles file (DESIGN §10) and attaches each row to its station in `stations`.
///
/// A `station_id` that names no station is an error at its line. Nothing is attached when
/// any row is wrong.
pub fn read_vehicles(path: &Path, stations: &mut [Station]) -> Result<()> {
    struct Cols {
        station_id: Col,
        kind: Col,
        count: Col,
        pump_flow_lps: Option<Col>,
        firefighting: Option<Col>,
    }
    let index: HashMap<&str, usize> = stations
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let rows = read_table(
        path,
        VEHICLE_COLUMNS,
        |h| {
            Ok(Cols {
                station_id: h.required("station_id")?,
                kind: h.required("kind")?,
                count: h.required("count")?,
                pump_flow_lps: h.optional("pump_flow_lps")?,
                firefighting: h.optional("firefighting")?,
            })
        },
        |c, row| {
            let station = row.required(c.station_id, |s| {
                index.get(s).copied().ok_or_else(|| {
                    let hint = nearest(s, index.keys().copied())
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    format!("unknown station id `{s}`: no such id in the stations file{hint}")
                })
            })?;
            let vehicle = Vehicle {
                kind: row.required(c.kind, text)?,
                count: row.required(c.count, count)?,
                pump_flow_lps: row.optional(c.pump_flow_lps, non_negative)?,
                firefighting: row.optional(c.firefighting, flag)?,
            };
            Ok((station, vehicle))
        },
    )?;
    for (station, vehicle) in rows {
        stations[station].vehicles.push(vehicle);
    }
    Ok(())
}

const DEMAND_COLUMNS: &[&str] = &["id", "lon", "lat", "weight", "kind", "time"];

/// Reads an incidents / demand file (DESIGN §10) with coordinates in `crs`; `weight`
/// defaults to 1 and must be ≥ 0. Ids must be unique.
pub fn read_demand(path: &Path, crs: Crs) -> Result<Vec<DemandPoint>> {
    struct Cols {
        id: Col,
        lon: Col,
        lat: Col,
        weight: Option<Col>,
        kind: Option<Col>,
        time: Option<Col>,
    }
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    read_table(
        path,
        DEMAND_COLUMNS,
        |h| {
            Ok(Cols {
                id: h.required("id")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
                weight: h.optional("weight")?,
                kind: h.optional("kind")?,
                time: h.optional("time")?,
            })
        },
        |c, row| {
            let id = row.required(c.id, text)?;
            ids.insert(row, "id", id.clone())?;
            let (lon, lat) = row.lon_lat(c.lon, c.lat, &to_wgs84)?;
            Ok(DemandPoint {
                id,
                location: geo::Point::new(lon, lat),
                weight: row.optional(c.weight, non_negative)?.unwrap_or(1.0),
                kind: row.optional(c.kind, text)?,
                // Checked here, so that `validate` and every command refuse the same text.
                time: row.optional(c.time, iso_time)?,
            })
        },
    )
}

const DEPOT_COLUMNS: &[&str] = &[
    "id",
    "lon",
    "lat",
    "level",
    "name",
    "capacity_persons",
    "area",
];

/// Reads a depots file (DESIGN §10) with coordinates in `crs`; `name` defaults to the id,
/// `capacity_persons` must be ≥ 0. Ids must be unique.
pub fn read_depots(path: &Path, crs: Crs) -> Result<Vec<Depot>> {
    struct Cols {
        id: Col,
        lon: Col,
        lat: Col,
        level: Col,
        name: Option<Col>,
        capacity_persons: Option<Col>,
        area: Option<Col>,
    }
    let level_of = one_of("depot level", &DepotLevel::ALL, DepotLevel::as_str);
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    read_table(
        path,
        DEPOT_COLUMNS,
        |h| {
            Ok(Cols {
                id: h.required("id")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
                level: h.required("level")?,
                name: h.optional("name")?,
                capacity_persons: h.optional("capacity_persons")?,
                area: h.optional("area")?,
            })
        },
        |c, row| {
            let id = row.required(c.id, text)?;
            ids.insert(row, "id", id.clone())?;
            let (lon, lat) = row.lon_lat(c.lon, c.lat, &to_wgs84)?;
            Ok(Depot {
                name: row.optional(c.name, text)?.unwrap_or_else(|| id.clone()),
                id,
                level: row.required(c.level, &level_of)?,
                location: geo::Point::new(lon, lat),
                capacity_persons: row.optional(c.capacity_persons, non_negative)?,
                area: row
                    .optional(c.area, text)?
                    .map(|cell| {
                        cell.split([';', '；', '|', '、'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                line: row.line(),
            })
        },
    )
}
