//! Plan files (TOML): an ordered list of changes to the stations (消防站) and support
//! points (战勤保障) of a scenario, each with the planner's reason. [`Plan::parse`] reads
//! and checks the file on its own; [`apply`] applies it to the baseline's stations and
//! depots, checking what needs them (unknown ids, closing twice, moves off the network).
//!
//! ```toml
//! name = "马鞍 north-east and the southern hills"
//! crs = "wgs84"                 # default CRS of this file's coordinates (gcj02, bd09)
//!
//! [[change]]
//! action = "add_station"        # add_station, move_station, upgrade, downgrade,
//! id = "P01"                    # change_class, close_station, change_station,
//! class = "class2"              # change_vehicles, add_depot, remove_depot, change_depot
//! lon = 120.553
//! lat = 30.171
//! staff = 20
//! drone = true
//! vehicles = [{ kind = "engine", count = 2, pump_flow_lps = 60, firefighting = true }]
//! reason = "the unreached north-east of the industrial zone"
//!
//! [[change]]
//! action = "change_station"
//! id = "KQ11"
//! staff = 20
//! reason = "staff to the class-2 minimum (seed 004 §八)"
//! ```
//!
//! Errors name the file, the change (`change[3] (line 41, id KQ11)`, 1-based, in file
//! order) and the field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::Point;
use serde::Serialize;

use crate::io::entry::{array_headers, array_of_tables, parse_toml, Entry};
use crate::io::targets::entry_name;
use crate::model::target::fmt_value;
use crate::error::{Error, Location, Result};
use crate::io::crs::checked_to_wgs84;
use crate::params::Crs;
use crate::names::{nearest, one_of};
use crate::model::{Depot, DepotLevel, Station, StationClass, StationStatus, Vehicle};

/// A plan file, parsed and checked on its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub name: String,
    pub description: Option<String>,
    /// The plan file.
    pub path: PathBuf,
    /// In file order.
    pub changes: Vec<Change>,
}

/// One change with the planner's reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// How the change is named in errors and outputs (`change[3] (line 41, id KQ11)`).
    pub entry: String,
    /// 1-based position in the file.
    pub number: usize,
    pub action: Action,
    /// Why, in the planner's words.
    pub reason: String,
}

/// The parts of a vehicles change.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct VehicleChange {
    /// Replace every vehicle of the station with these (applied first).
    pub set: Option<Vec<Vehicle>>,
    /// Then add these.
    pub add: Vec<Vehicle>,
    /// Then remove `count` vehicles of `kind` (None: all of that kind).
    pub remove: Vec<(String, Option<u32>)>,
}

/// What a change does. Coordinates are WGS-84 (converted from the file's CRS).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Action {
    /// A new station (status `planned` unless given).
    AddStation(Box<Station>),
    MoveStation {
        id: String,
        location: Point<f64>,
    },
    /// `upgrade` (to a higher class), `downgrade` (lower) or `change_class` (any).
    ChangeClass {
        id: String,
        class: StationClass,
        direction: ClassDirection,
    },
    CloseStation {
        id: String,
    },
    /// New staff, drone, turnout or name (only the fields given change).
    ChangeStation {
        id: String,
        staff: Option<u32>,
        drone: Option<bool>,
        turnout_s: Option<f64>,
        name: Option<String>,
    },
    ChangeVehicles {
        id: String,
        change: VehicleChange,
    },
    AddDepot(Depot),
    RemoveDepot {
        id: String,
    },
    /// New capacity, level or name of a depot.
    ChangeDepot {
        id: String,
        capacity_persons: Option<f64>,
        level: Option<DepotLevel>,
        name: Option<String>,
    },
}

/// Which way a class change must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClassDirection {
    Upgrade,
    Downgrade,
    Any,
}

impl Action {
    /// The action's name in plan files.
    pub fn name(&self) -> &'static str {
        match self {
            Action::AddStation(_) => "add_station",
            Action::MoveStation { .. } => "move_station",
            Action::ChangeClass { direction, .. } => match direction {
                ClassDirection::Upgrade => "upgrade",
                ClassDirection::Downgrade => "downgrade",
                ClassDirection::Any => "change_class",
            },
            Action::CloseStation { .. } => "close_station",
            Action::ChangeStation { .. } => "change_station",
            Action::ChangeVehicles { .. } => "change_vehicles",
            Action::AddDepot(_) => "add_depot",
            Action::RemoveDepot { .. } => "remove_depot",
            Action::ChangeDepot { .. } => "change_depot",
        }
    }

    /// The station or depot id the change is about.
    pub fn subject(&self) -> &str {
        match self {
            Action::AddStation(s) => &s.id,
            Action::AddDepot(d) => &d.id,
            Action::MoveStation { id, .. }
            | Action::ChangeClass { id, .. }
            | Action::CloseStation { id }
            | Action::ChangeStation { id, .. }
            | Action::ChangeVehicles { id, .. }
            | Action::RemoveDepot { id }
            | Action::ChangeDepot { id, .. } => id,
        }
    }

    /// Whether it changes a depot rather than a station.
    pub fn on_depot(&self) -> bool {
        matches!(
            self,
            Action::AddDepot(_) | Action::RemoveDepot { .. } | Action::ChangeDepot { .. }
        )
    }
}

const ACTIONS: [&str; 11] = [
    "add_station",
    "move_station",
    "upgrade",
    "downgrade",
    "change_class",
    "close_station",
    "change_station",
    "change_vehicles",
    "add_depot",
    "remove_depot",
    "change_depot",
];

const STATUSES: [StationStatus; 3] = [
    StationStatus::Existing,
    StationStatus::Planned,
    StationStatus::Closed,
];

const CRSS: [Crs; 3] = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09];

fn crs_name(c: Crs) -> &'static str {
    match c {
        Crs::Wgs84 => "wgs84",
        Crs::Gcj02 => "gcj02",
        Crs::Bd09 => "bd09",
    }
}

/// Rank of a class for upgrades: special 4, class 1 3, class 2 2, small / forward 1;
/// logistics-support stations are not on this ladder.
fn rank(c: StationClass) -> Option<u8> {
    match c {
        StationClass::Special => Some(4),
        StationClass::Class1 => Some(3),
        StationClass::Class2 => Some(2),
        StationClass::Small | StationClass::Forward => Some(1),
        StationClass::Logistics => None,
    }
}

impl Plan {
    /// Reads and checks a plan file.
    pub fn load(path: &Path) -> Result<Plan> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Plan::parse(&text, path)
    }

    /// Parses plan text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Plan> {
        let table = parse_toml(text, path)?;
        let top = Entry::new(path, "(top level)", &table);
        top.check_keys(&["name", "description", "crs", "change"])?;
        let default_crs = match top.opt_string("crs")? {
            None => Crs::Wgs84,
            Some(c) => one_of("CRS", &CRSS, crs_name)(&c).map_err(|m| top.error("crs", m))?,
        };
        let name = top.opt_string("name")?.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "plan".into())
        });
        let items = array_of_tables(path, &table, "change", |m| top.error("change", m))?;
        if items.is_empty() {
            return Err(Error::input(
                path,
                Location::File,
                "change",
                "the plan has no changes: add `[[change]]` entries",
            ));
        }
        let lines = array_headers(text, "change");
        let changes = items
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let entry = Entry::new(path, entry_name("change", i, lines.get(i).copied(), t), t);
                parse_change(&entry, i + 1, default_crs)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Plan {
            name,
            description: top.opt_string("description")?,
            path: path.to_path_buf(),
            changes,
        })
    }
}

/// A lon/lat pair of an entry in `crs` (the entry's own `crs`, else the file's), converted
/// to WGS-84.
fn location(e: &Entry, default_crs: Crs) -> Result<Point<f64>> {
    let crs = match e.opt_string("crs")? {
        None => default_crs,
        Some(c) => one_of("CRS", &CRSS, crs_name)(&c).map_err(|m| e.error("crs", m))?,
    };
    let lon = e.number("lon")?;
    let lat = e.number("lat")?;
    let (x, y) = checked_to_wgs84(crs, lon, lat).map_err(|bad| e.error(bad.field, bad.message))?;
    Ok(Point::new(x, y))
}

fn class_at(e: &Entry, key: &str) -> Result<StationClass> {
    let c = e.string(key)?;
    one_of("station class", &StationClass::ALL, StationClass::as_str)(&c)
        .map_err(|m| e.error(key, m))
}

fn vehicle(e: &Entry) -> Result<Vehicle> {
    e.check_keys(&["kind", "count", "pump_flow_lps", "firefighting"])?;
    Ok(Vehicle {
        kind: e.string("kind")?,
        count: e
            .opt_count("count")?
            .ok_or_else(|| e.error("count", "missing, but a count is required"))?,
        pump_flow_lps: e.opt_non_negative("pump_flow_lps")?,
        firefighting: e.opt_bool("firefighting")?,
    })
}

fn vehicles(e: &Entry, key: &str) -> Result<Option<Vec<Vehicle>>> {
    let Some(list) = e.opt_tables(key)? else {
        return Ok(None);
    };
    list.into_iter()
        .enumerate()
        .map(|(j, t)| vehicle(&e.sub(&format!("{key}[{}]", j + 1), t)))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

fn parse_change(e: &Entry, number: usize, default_crs: Crs) -> Result<Change> {
    let action_name = e.string("action")?;
    if !ACTIONS.contains(&action_name.as_str()) {
        let hint = nearest(&action_name, ACTIONS)
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(e.error(
            "action",
            format!(
                "unknown action `{action_name}`; expected one of {}{hint}",
                ACTIONS.join(", ")
            ),
        ));
    }
    let keys: &[&str] = match action_name.as_str() {
        "add_station" => &[
            "action",
            "reason",
            "id",
            "name",
            "class",
            "lon",
            "lat",
            "crs",
            "staff",
            "turnout_s",
            "drone",
            "district",
            "status",
            "vehicles",
        ],
        "move_station" => &["action", "reason", "id", "lon", "lat", "crs"],
        "upgrade" | "downgrade" | "change_class" => &["action", "reason", "id", "class"],
        "close_station" | "remove_depot" => &["action", "reason", "id"],
        "change_station" => &[
            "action",
            "reason",
            "id",
            "staff",
            "drone",
            "turnout_s",
            "name",
        ],
        "change_vehicles" => &["action", "reason", "id", "set", "add", "remove"],
        "add_depot" => &[
            "action",
            "reason",
            "id",
            "name",
            "level",
            "lon",
            "lat",
            "crs",
            "capacity_persons",
        ],
        _ => &[
            "action",
            "reason",
            "id",
            "capacity_persons",
            "level",
            "name",
        ],
    };
    e.check_keys(keys)?;
    let reason = e.opt_string("reason")?.ok_or_else(|| {
        e.error(
            "reason",
            "missing: every change says why (`reason = \"...\"`)",
        )
    })?;
    let id = e.string("id")?;
    let level_of = one_of("depot level", &DepotLevel::ALL, DepotLevel::as_str);
    let turnout = |e: &Entry| -> Result<Option<f64>> { e.opt_non_negative("turnout_s") };
    let action = match action_name.as_str() {
        "add_station" => {
            let status = match e.opt_string("status")? {
                None => StationStatus::Planned,
                Some(s) => one_of("status", &STATUSES, StationStatus::as_str)(&s)
                    .map_err(|m| e.error("status", m))?,
            };
            Action::AddStation(Box::new(Station {
                name: e.opt_string("name")?.unwrap_or_else(|| id.clone()),
                id: id.clone(),
                class: class_at(e, "class")?,
                location: location(e, default_crs)?,
                staff: e.opt_count("staff")?,
                turnout_s: turnout(e)?,
                status,
                drone: e.opt_bool("drone")?,
                district: e.opt_string("district")?,
                vehicles: vehicles(e, "vehicles")?.unwrap_or_default(),
                line: 0,
            }))
        }
        "move_station" => Action::MoveStation {
            id,
            location: location(e, default_crs)?,
        },
        "upgrade" | "downgrade" | "change_class" => Action::ChangeClass {
            id,
            class: class_at(e, "class")?,
            direction: match action_name.as_str() {
                "upgrade" => ClassDirection::Upgrade,
                "downgrade" => ClassDirection::Downgrade,
                _ => ClassDirection::Any,
            },
        },
        "close_station" => Action::CloseStation { id },
        "change_station" => {
            let a = Action::ChangeStation {
                id,
                staff: e.opt_count("staff")?,
                drone: e.opt_bool("drone")?,
                turnout_s: turnout(e)?,
                name: e.opt_string("name")?,
            };
            if matches!(
                a,
                Action::ChangeStation {
                    staff: None,
                    drone: None,
                    turnout_s: None,
                    name: None,
                    ..
                }
            ) {
                return Err(e.error(
                    "staff",
                    "nothing to change: give `staff`, `drone`, `turnout_s` or `name`",
                ));
            }
            a
        }
        "change_vehicles" => {
            let remove = match e.opt_tables("remove")? {
                None => Vec::new(),
                Some(list) => list
                    .into_iter()
                    .enumerate()
                    .map(|(j, t)| {
                        let r = e.sub(&format!("remove[{}]", j + 1), t);
                        r.check_keys(&["kind", "count"])?;
                        Ok((r.string("kind")?, r.opt_count("count")?))
                    })
                    .collect::<Result<Vec<_>>>()?,
            };
            let change = VehicleChange {
                set: vehicles(e, "set")?,
                add: vehicles(e, "add")?.unwrap_or_default(),
                remove,
            };
            if change.set.is_none() && change.add.is_empty() && change.remove.is_empty() {
                return Err(e.error(
                    "set",
                    "nothing to change: give `set`, `add` or `remove` (lists of vehicles)",
                ));
            }
            Action::ChangeVehicles { id, change }
        }
        "add_depot" => Action::AddDepot(Depot {
            name: e.opt_string("name")?.unwrap_or_else(|| id.clone()),
            id: id.clone(),
            level: level_of(&e.string("level")?).map_err(|m| e.error("level", m))?,
            location: location(e, default_crs)?,
            capacity_persons: e.opt_non_negative("capacity_persons")?,
            area: Vec::new(),
            line: 0,
        }),
        "remove_depot" => Action::RemoveDepot { id },
        _ => {
            let level = match e.opt_string("level")? {
                None => None,
                Some(l) => Some(level_of(&l).map_err(|m| e.error("level", m))?),
            };
            let a = Action::ChangeDepot {
                id,
                capacity_persons: e.opt_non_negative("capacity_persons")?,
                level,
                name: e.opt_string("name")?,
            };
            if matches!(
                a,
                Action::ChangeDepot {
                    capacity_persons: None,
                    level: None,
                    name: None,
                    ..
                }
            ) {
                return Err(e.error(
                    "capacity_persons",
                    "nothing to change: give `capacity_persons`, `level` or `name`",
                ));
            }
            a
        }
    };
    Ok(Change {
        entry: e.name.clone(),
        number,
        action,
        reason,
    })
}

/// One change as applied, for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedChange {
    /// 1-based position in the plan file.
    pub number: usize,
    pub action: &'static str,
    /// `station` or `depot`.
    pub subject_kind: &'static str,
    pub subject: String,
    /// The name after the change.
    pub name: String,
    /// What changed, e.g. `class2 → class1`, `staff 18 → 20`.
    pub summary: String,
    pub reason: String,
    /// Location before (moves, closures, removals), lon/lat.
    pub from: Option<(f64, f64)>,
    /// Location after (additions, moves), lon/lat.
    pub to: Option<(f64, f64)>,
    /// Metres from the nearest road at the new location (additions and moves).
    pub snap_m: Option<f64>,
}

/// The stations and depots of the plan variant, and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub stations: Vec<Station>,
    /// None when the baseline has no depots and the plan adds none.
    pub depots: Option<Vec<Depot>>,
    pub changes: Vec<AppliedChange>,
}

/// How far a point is from the nearest road, metres (None: empty network).
pub type SnapDistance<'a> = dyn Fn(Point<f64>) -> Option<f64> + 'a;

/// Applies `plan` to the baseline's stations and depots.
///
/// `snap_m` measures how far a new or moved location is from the nearest road; farther
/// than `max_snap_m` is an error (a plan must not put a station off the network). Errors:
/// an unknown station or depot id (with the nearest id as a hint), an id added twice,
/// closing a station twice or changing a closed one, an upgrade that does not raise the
/// class (or a downgrade that does not lower it), removing vehicles a station does not
/// have — each naming the plan file, the change and the field.
pub fn apply(
    plan: &Plan,
    stations: &[Station],
    depots: Option<&[Depot]>,
    snap_m: &SnapDistance,
    max_snap_m: f64,
) -> Result<Applied> {
    let mut st: Vec<Station> = stations.to_vec();
    let mut dp: Option<Vec<Depot>> = depots.map(<[Depot]>::to_vec);
    // Station id → change number that closed it.
    let mut closed_by: HashMap<String, usize> = HashMap::new();
    let mut applied = Vec::with_capacity(plan.changes.len());
    for c in &plan.changes {
        let err = |field: &str, message: String| {
            Error::input(&plan.path, Location::Key(c.entry.clone()), field, message)
        };
        let station_index = |st: &[Station], id: &str| -> Result<usize> {
            st.iter().position(|s| s.id == id).ok_or_else(|| {
                let hint = nearest(id, st.iter().map(|s| s.id.as_str()))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                err(
                    "id",
                    format!("unknown station `{id}`: not in the stations file nor added earlier in the plan{hint}"),
                )
            })
        };
        let open_station = |st: &[Station], id: &str| -> Result<usize> {
            let i = station_index(st, id)?;
            if st[i].status == StationStatus::Closed {
                let by = match closed_by.get(id) {
                    Some(n) => format!("closed by change[{n}] of the plan"),
                    None => "closed in the stations file".to_string(),
                };
                return Err(err(
                    "id",
                    format!("station `{id}` is {by}: it cannot be changed"),
                ));
            }
            Ok(i)
        };
        let check_snap = |p: Point<f64>| -> Result<f64> {
            match snap_m(p) {
                Some(d) if d <= max_snap_m => Ok(d),
                Some(d) => Err(err(
                    "lon",
                    format!(
                        "({:.6}, {:.6}) is {d:.0} m from the nearest road (max_snap_m {}): \
                         off the network",
                        p.x(),
                        p.y(),
                        fmt_value(max_snap_m)
                    ),
                )),
                None => Err(err("lon", "the road network is empty".into())),
            }
        };
        let depot_index = |dp: &Option<Vec<Depot>>, id: &str| -> Result<usize> {
            let list = dp.as_deref().unwrap_or(&[]);
            list.iter().position(|d| d.id == id).ok_or_else(|| {
                let hint = nearest(id, list.iter().map(|d| d.id.as_str()))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                err(
                    "id",
                    if dp.is_none() {
                        format!("unknown depot `{id}`: the scenario has no `[depots]`")
                    } else {
                        format!("unknown depot `{id}`: not in the depots file nor added earlier in the plan{hint}")
                    },
                )
            })
        };
        let xy = |p: Point<f64>| Some((p.x(), p.y()));
        let mut out = AppliedChange {
            number: c.number,
            action: c.action.name(),
            subject_kind: if c.action.on_depot() {
                "depot"
            } else {
                "station"
            },
            subject: c.action.subject().to_string(),
            name: String::new(),
            summary: String::new(),
            reason: c.reason.clone(),
            from: None,
            to: None,
            snap_m: None,
        };
        match &c.action {
            Action::AddStation(s) => {
                if let Some(i) = st.iter().position(|x| x.id == s.id) {
                    let what = if st[i].status == StationStatus::Closed {
                        " (closed)"
                    } else {
                        ""
                    };
                    return Err(err(
                        "id",
                        format!(
                            "station id `{}` already exists{what}: choose a new id",
                            s.id
                        ),
                    ));
                }
                out.snap_m = Some(check_snap(s.location)?);
                out.to = xy(s.location);
                out.name = s.name.clone();
                out.summary = format!(
                    "new {} ({}), staff {}, {} vehicle(s)",
                    s.class.as_str(),
                    s.class.name_zh(),
                    s.staff.map_or("not given".into(), |n| n.to_string()),
                    s.vehicles.iter().map(|v| v.count).sum::<u32>()
                );
                st.push((**s).clone());
            }
            Action::MoveStation { id, location } => {
                let i = open_station(&st, id)?;
                out.snap_m = Some(check_snap(*location)?);
                out.from = xy(st[i].location);
                out.to = xy(*location);
                let metres = crate::network::raw::haversine_m(
                    st[i].location.x(),
                    st[i].location.y(),
                    location.x(),
                    location.y(),
                );
                out.summary = format!("moved {metres:.0} m");
                st[i].location = *location;
                out.name = st[i].name.clone();
            }
            Action::ChangeClass {
                id,
                class,
                direction,
            } => {
                let i = open_station(&st, id)?;
                let old = st[i].class;
                let ok = match (direction, rank(old), rank(*class)) {
                    (ClassDirection::Any, _, _) => true,
                    (ClassDirection::Upgrade, Some(a), Some(b)) => b > a,
                    (ClassDirection::Downgrade, Some(a), Some(b)) => b < a,
                    _ => {
                        return Err(err(
                            "class",
                            format!(
                                "{} → {} is not on the special > class1 > class2 > small/forward \
                                 ladder: use action = \"change_class\"",
                                old.as_str(),
                                class.as_str()
                            ),
                        ))
                    }
                };
                if !ok {
                    return Err(err(
                        "class",
                        format!(
                            "`{}` from {} to {} does not {} the class; use action = \"{}\" or \"change_class\"",
                            c.action.name(),
                            old.as_str(),
                            class.as_str(),
                            if *direction == ClassDirection::Upgrade { "raise" } else { "lower" },
                            if *direction == ClassDirection::Upgrade { "downgrade" } else { "upgrade" },
                        ),
                    ));
                }
                out.summary = format!("{} → {}", old.as_str(), class.as_str());
                st[i].class = *class;
                out.name = st[i].name.clone();
                out.to = xy(st[i].location);
            }
            Action::CloseStation { id } => {
                let i = station_index(&st, id)?;
                if st[i].status == StationStatus::Closed {
                    let by = match closed_by.get(id.as_str()) {
                        Some(n) => format!("already closed by change[{n}]"),
                        None => "already closed in the stations file".to_string(),
                    };
                    return Err(err(
                        "id",
                        format!("station `{id}` is {by}: closing it twice"),
                    ));
                }
                out.summary = format!(
                    "closed ({} {})",
                    st[i].class.as_str(),
                    st[i].status.as_str()
                );
                st[i].status = StationStatus::Closed;
                closed_by.insert(id.clone(), c.number);
                out.name = st[i].name.clone();
                out.from = xy(st[i].location);
            }
            Action::ChangeStation {
                id,
                staff,
                drone,
                turnout_s,
                name,
            } => {
                let i = open_station(&st, id)?;
                let s = &mut st[i];
                let mut parts = Vec::new();
                let opt = |x: Option<u32>| x.map_or("—".to_string(), |n| n.to_string());
                if let Some(n) = staff {
                    parts.push(format!("staff {} → {n}", opt(s.staff)));
                    s.staff = Some(*n);
                }
                if let Some(d) = drone {
                    let old = s.drone.map_or("—", |b| if b { "1" } else { "0" });
                    parts.push(format!("drone {old} → {}", if *d { 1 } else { 0 }));
                    s.drone = Some(*d);
                }
                if let Some(t) = turnout_s {
                    parts.push(format!(
                        "turnout {} → {} s",
                        s.turnout_s.map_or("default".to_string(), fmt_value),
                        fmt_value(*t)
                    ));
                    s.turnout_s = Some(*t);
                }
                if let Some(n) = name {
                    parts.push(format!("name {} → {n}", s.name));
                    s.name = n.clone();
                }
                out.summary = parts.join(", ");
                out.name = s.name.clone();
                out.to = xy(s.location);
            }
            Action::ChangeVehicles { id, change } => {
                let i = open_station(&st, id)?;
                let s = &mut st[i];
                let before: u32 = s.vehicles.iter().map(|v| v.count).sum();
                let mut parts = Vec::new();
                if let Some(set) = &change.set {
                    s.vehicles = set.clone();
                    parts.push(format!("fleet replaced ({} kinds)", set.len()));
                }
                for v in &change.add {
                    parts.push(format!("+{} {}", v.count, v.kind));
                    s.vehicles.push(v.clone());
                }
                for (j, (kind, count)) in change.remove.iter().enumerate() {
                    let have: u32 = s
                        .vehicles
                        .iter()
                        .filter(|v| v.kind.eq_ignore_ascii_case(kind))
                        .map(|v| v.count)
                        .sum();
                    let want = count.unwrap_or(have);
                    if have == 0 || want > have {
                        return Err(err(
                            &format!("remove[{}]", j + 1),
                            format!(
                                "station `{id}` has {have} vehicle(s) of kind `{kind}`; cannot remove {want}"
                            ),
                        ));
                    }
                    let mut left = want;
                    for v in s
                        .vehicles
                        .iter_mut()
                        .filter(|v| v.kind.eq_ignore_ascii_case(kind))
                    {
                        let take = left.min(v.count);
                        v.count -= take;
                        left -= take;
                    }
                    s.vehicles.retain(|v| v.count > 0);
                    parts.push(format!("−{want} {kind}"));
                }
                let after: u32 = s.vehicles.iter().map(|v| v.count).sum();
                out.summary = format!("{} (vehicles {before} → {after})", parts.join(", "));
                out.name = s.name.clone();
                out.to = xy(s.location);
            }
            Action::AddDepot(d) => {
                if dp.as_deref().unwrap_or(&[]).iter().any(|x| x.id == d.id) {
                    return Err(err(
                        "id",
                        format!("depot id `{}` already exists: choose a new id", d.id),
                    ));
                }
                out.snap_m = Some(check_snap(d.location)?);
                out.to = xy(d.location);
                out.name = d.name.clone();
                out.summary = format!(
                    "new {} depot, capacity {}",
                    d.level.as_str(),
                    d.capacity_persons
                        .map_or("level default".to_string(), |c| format!(
                            "{} persons",
                            fmt_value(c)
                        ))
                );
                dp.get_or_insert_with(Vec::new).push(d.clone());
            }
            Action::RemoveDepot { id } => {
                let i = depot_index(&dp, id)?;
                if let Some(list) = dp.as_mut() {
                    let d = list.remove(i);
                    out.from = xy(d.location);
                    out.name = d.name;
                    out.summary = format!("removed {} depot", d.level.as_str());
                }
            }
            Action::ChangeDepot {
                id,
                capacity_persons,
                level,
                name,
            } => {
                let i = depot_index(&dp, id)?;
                if let Some(d) = dp.as_mut().and_then(|l| l.get_mut(i)) {
                    let mut parts = Vec::new();
                    if let Some(cap) = capacity_persons {
                        parts.push(format!(
                            "capacity {} → {} persons",
                            d.capacity_persons.map_or("—".to_string(), fmt_value),
                            fmt_value(*cap)
                        ));
                        d.capacity_persons = Some(*cap);
                    }
                    if let Some(l) = level {
                        parts.push(format!("level {} → {}", d.level.as_str(), l.as_str()));
                        d.level = *l;
                    }
                    if let Some(n) = name {
                        parts.push(format!("name {} → {n}", d.name));
                        d.name = n.clone();
                    }
                    out.summary = parts.join(", ");
                    out.name = d.name.clone();
                    out.to = xy(d.location);
                }
            }
        }
        applied.push(out);
    }
    if !st.iter().any(Station::responds) {
        return Err(Error::input(
            &plan.path,
            Location::File,
            "change",
            "after the plan no station takes part in response coverage (all closed or logistics)",
        ));
    }
    Ok(Applied {
        stations: st,
        depots: dp,
        changes: applied,
    })
}
