//! Support points (保障点): the reserve depots of the depots file (应急物资储备库, 储备中心)
//! and, unless the scenario says otherwise, the logistics-support stations (战勤保障站) of
//! the stations file, at their `support_level` (county when none is given). Each is placed on the network like a
//! station; one farther than `max_snap_m` from any road becomes a [`Finding`] naming its
//! file, line and field, and takes no part in reach or capacity.

use std::path::{Path, PathBuf};

use geo::Point;
use serde::Serialize;

use super::findings::Finding;
use crate::error::{Error, Location, Result};
use crate::model::{Depot, DepotLevel, District, Station, StationClass, StationStatus};
use crate::names::nearest;
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};
use crate::params::SupplyParams;

/// Where a support point comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    /// Index into the depots.
    Depot(usize),
    /// Index into the stations (a logistics-support station, 战勤保障站).
    Station(usize),
}

/// A depot or support station as the reach search sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportPoint {
    /// The id in its file (`station:ID` when a station shares an id with a depot).
    pub label: String,
    pub name: String,
    pub level: DepotLevel,
    pub source: Source,
    pub location: Point<f64>,
    /// People it can sustain: its own `capacity_persons`, else its level's default (None:
    /// no capacity to check, e.g. town level).
    pub capacity_persons: Option<f64>,
    /// Districts (indices) it must reach; `None`: the whole region.
    pub area: Option<Vec<usize>>,
    /// Where it joins the network; `None` when off the network (then it is not used).
    pub snap: Option<SnapPoint>,
    /// Distance to the nearest road, metres (infinite for an empty network).
    pub snap_m: f64,
    /// Access leg at 15 km/h, seconds (DESIGN §3).
    pub access_s: f64,
}

impl SupportPoint {
    /// On the network, so it takes part in reach and capacity.
    pub fn usable(&self) -> bool {
        self.snap.is_some()
    }

    /// Whether it must reach places of district `d` (`None`: outside every district).
    pub fn serves(&self, d: Option<usize>) -> bool {
        match (&self.area, d) {
            (None, _) => true,
            (Some(a), Some(d)) => a.contains(&d),
            (Some(_), None) => false,
        }
    }

    /// "depot" or "logistics station", for outputs.
    pub fn kind(&self) -> &'static str {
        match self.source {
            Source::Depot(_) => "depot",
            Source::Station(_) => "logistics-station",
        }
    }
}

/// The files support points come from, for findings and errors.
#[derive(Debug, Clone, Default)]
pub struct SourceFiles {
    pub scenario: PathBuf,
    pub stations: PathBuf,
    pub depots: Option<PathBuf>,
}

/// Where a row is in its file: its line, or the file alone for a row added in memory
/// (line 0, e.g. by a plan).
fn line_location(line: u64) -> Location {
    if line > 0 {
        Location::Line(line)
    } else {
        Location::File
    }
}

/// Resolves an `area` cell's district names to indices.
fn resolve_area(
    names: &[String],
    districts: &[District],
    districts_given: bool,
    file: &Path,
    at: Location,
) -> Result<Option<Vec<usize>>> {
    if names.is_empty() {
        return Ok(None);
    }
    if !districts_given {
        return Err(Error::input(
            file,
            at,
            "area",
            "names rescue districts, but the scenario has no `[districts]`: add one or leave \
             `area` empty (the whole region)",
        ));
    }
    let mut out = Vec::new();
    for n in names {
        match districts.iter().position(|d| d.name == *n) {
            Some(i) => out.push(i),
            None => {
                let hint = nearest(n, districts.iter().map(|d| d.name.as_str()))
                    .map(|m| format!(" (did you mean `{m}`?)"))
                    .unwrap_or_default();
                let all: Vec<&str> = districts.iter().map(|d| d.name.as_str()).collect();
                return Err(Error::input(
                    file,
                    at.clone(),
                    "area",
                    format!(
                        "unknown rescue district `{n}`; the districts file has {}{hint}",
                        all.join(", ")
                    ),
                ));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(Some(out))
}

/// Builds the support points, sorted by (level, label) so that ties and outputs never
/// depend on file order, and the findings for those off the network.
#[allow(clippy::too_many_arguments)]
pub fn place_support_points(
    net: &Network,
    index: &SnapIndex,
    stations: &[Station],
    depots: &[Depot],
    districts: &[District],
    districts_given: bool,
    params: &SupplyParams,
    max_snap_m: f64,
    files: &SourceFiles,
) -> Result<(Vec<SupportPoint>, Vec<Finding>)> {
    let depot_file = files.depots.clone().unwrap_or_default();
    let mut points = Vec::new();
    // (file, location) of each point, parallel to `points`, for findings.
    let mut origin: Vec<(PathBuf, Location)> = Vec::new();
    for (i, d) in depots.iter().enumerate() {
        let at = line_location(d.line);
        let area = resolve_area(&d.area, districts, districts_given, &depot_file, at.clone())?;
        points.push(SupportPoint {
            label: d.id.clone(),
            name: d.name.clone(),
            level: d.level,
            source: Source::Depot(i),
            location: d.location,
            // DESIGN §5: reserve depots store materials; the seeds give them no
            // capability, so only a declared one is compared with the personnel served.
            capacity_persons: d.capacity_persons,
            area,
            snap: None,
            snap_m: f64::INFINITY,
            access_s: 0.0,
        });
        origin.push((depot_file.clone(), at));
    }
    if params.logistics_stations {
        for (i, s) in stations.iter().enumerate() {
            if s.class != StationClass::Logistics || s.status == StationStatus::Closed {
                continue;
            }
            let label = if depots.iter().any(|d| d.id == s.id) {
                format!("station:{}", s.id)
            } else {
                s.id.clone()
            };
            let level = s.support_level.unwrap_or(DepotLevel::County);
            points.push(SupportPoint {
                label,
                name: s.name.clone(),
                level,
                source: Source::Station(i),
                location: s.location,
                capacity_persons: s
                    .support_capacity_persons
                    .or_else(|| params.default_capacity_persons(level)),
                area: None,
                snap: None,
                snap_m: f64::INFINITY,
                access_s: 0.0,
            });
            origin.push((files.stations.clone(), line_location(s.line)));
        }
    }

    let mut findings = Vec::new();
    for (p, (file, location)) in points.iter_mut().zip(&origin) {
        let snap = index.snap(net, p.location.x(), p.location.y());
        p.snap_m = snap.map_or(f64::INFINITY, |s| s.access_m);
        match snap {
            Some(s) if s.access_m <= max_snap_m => {
                p.access_s = access_time_s(s.access_m);
                p.snap = Some(s);
            }
            _ => findings.push(Finding {
                file: file.clone(),
                location: location.clone(),
                field: "lon/lat".into(),
                message: format!(
                    "{} `{}` ({} level) is {:.0} m from the nearest road (max_snap_m {max_snap_m}): \
                     left out of supply reach and capacity",
                    p.kind(),
                    p.label,
                    p.level.as_str(),
                    p.snap_m
                ),
            }),
        }
    }
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        (points[a].level, &points[a].label, points[a].kind()).cmp(&(
            points[b].level,
            &points[b].label,
            points[b].kind(),
        ))
    });
    let sorted = order.iter().map(|&i| points[i].clone()).collect();
    Ok((sorted, findings))
}
