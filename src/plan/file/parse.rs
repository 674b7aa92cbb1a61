//! Reading a plan file: every change checked on its own (names, classes, coordinates
//! converted to WGS-84), errors naming the file, the change and the field.

use std::path::Path;

use geo::Point;

use super::{Action, Change, ClassDirection, Plan, VehicleChange, CLOSE_ROAD};
use crate::error::{Error, Location, Result};
use crate::io::closures::read_closure;
use crate::io::crs::ToWgs84;
use crate::io::entry::{array_headers, array_of_tables, parse_toml, Entry};
use crate::io::targets::entry_name;
use crate::model::{Depot, DepotLevel, Station, StationClass, StationStatus, Vehicle};
use crate::names::{nearest, one_of};
use crate::params::{ClosureParams, Crs};

const ACTIONS: [&str; 12] = [
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
    "close_road",
];

const STATUSES: [StationStatus; 3] = [
    StationStatus::Existing,
    StationStatus::Planned,
    StationStatus::Closed,
];

/// The `crs` of an entry, if it names one.
fn crs_of(e: &Entry) -> Result<Option<Crs>> {
    e.opt_string("crs")?
        .map(|c| Crs::parse(&c).map_err(|m| e.error("crs", m)))
        .transpose()
}

/// A converter for `crs`, its error at `e`'s `crs` key.
fn converter(e: &Entry, crs: Crs) -> Result<ToWgs84> {
    ToWgs84::new(crs).map_err(|u| e.error("crs", u.message))
}

impl Plan {
    /// Reads and checks a plan file.
    pub fn load(path: &Path) -> Result<Plan> {
        crate::io::check_regular_file(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Plan::parse(&text, path)
    }

    /// Parses plan text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Plan> {
        let table = parse_toml(text, path)?;
        let top = Entry::new(path, "(top level)", &table);
        top.check_keys(&["name", "description", "crs", "change"])?;
        // Built once for the file; an entry with its own `crs` builds its own.
        let default_crs = converter(&top, crs_of(&top)?.unwrap_or_default())?;
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
                let entry = Entry::new(path, change_name(i, lines.get(i).copied(), t), t);
                parse_change(&entry, i + 1, &default_crs)
            })
            .collect::<Result<Vec<_>>>()?;
        // A closure's name names it in the outputs (closures.csv, the maps).
        for (j, c) in changes.iter().enumerate() {
            let Action::CloseRoad { name, .. } = &c.action else {
                continue;
            };
            let earlier = changes[..j]
                .iter()
                .find(|o| matches!(&o.action, Action::CloseRoad { name: n, .. } if n == name));
            if let Some(o) = earlier {
                return Err(Error::input(
                    path,
                    Location::Key(c.entry.clone()),
                    "name",
                    format!(
                        "duplicate road closure name `{name}` (change[{}] and change[{}])",
                        o.number, c.number
                    ),
                ));
            }
        }
        Ok(Plan {
            name,
            description: top.opt_string("description")?,
            path: path.to_path_buf(),
            changes,
        })
    }
}

/// How a change is named in errors: `change[3] (line 41, id KQ11)`, or with the `name`
/// of a road closure (which has no id).
fn change_name(index: usize, line: Option<usize>, t: &toml::Table) -> String {
    match (t.get("id"), t.get("name").and_then(toml::Value::as_str)) {
        (None, Some(name)) if t.get("action").and_then(toml::Value::as_str) == Some(CLOSE_ROAD) => {
            match line {
                Some(l) => format!("change[{}] (line {l}, name {name})", index + 1),
                None => format!("change[{}] (name {name})", index + 1),
            }
        }
        _ => entry_name("change", index, line, t),
    }
}

/// A `close_road` change: the closure file (relative to the plan file) read now, so that
/// a missing or bad file is refused with the plan, naming the change and `file`.
fn close_road(e: &Entry, default_crs: &ToWgs84, reason: &str) -> Result<Action> {
    let name = e.string("name")?;
    let file = e.string("file")?;
    let crs = crs_of(e)?.unwrap_or(default_crs.crs());
    let dir = e.path.parent().unwrap_or(Path::new("."));
    let path = dir.join(&file);
    if !path.exists() {
        return Err(e.error(
            "file",
            format!(
                "{} does not exist (paths are relative to the plan file's folder)",
                path.display()
            ),
        ));
    }
    let params = ClosureParams {
        name: name.clone(),
        reason: Some(reason.to_string()),
        file: path.clone(),
        crs,
    };
    let closure = read_closure(&params).map_err(|err| e.error("file", err.to_string()))?;
    if closure.shapes.is_empty() {
        return Err(e.error(
            "file",
            format!(
                "{} holds no point, line or polygon: the closure `{name}` closes no road",
                path.display()
            ),
        ));
    }
    Ok(Action::CloseRoad {
        name,
        file: path,
        crs,
        shapes: closure.shapes,
    })
}

/// A lon/lat pair (easting/northing in a projected CRS) of an entry in its own `crs`, else
/// the file's, converted to WGS-84.
fn location(e: &Entry, default_crs: &ToWgs84) -> Result<Point<f64>> {
    let own = match crs_of(e)? {
        Some(crs) if crs != default_crs.crs() => Some(converter(e, crs)?),
        _ => None,
    };
    let lon = e.number("lon")?;
    let lat = e.number("lat")?;
    let (x, y) = own
        .as_ref()
        .unwrap_or(default_crs)
        .checked(lon, lat)
        .map_err(|bad| e.error(bad.field, bad.message))?;
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

fn parse_change(e: &Entry, number: usize, default_crs: &ToWgs84) -> Result<Change> {
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
            "support_level",
            "support_capacity_persons",
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
        "close_road" => &["action", "reason", "name", "file", "crs"],
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
    if action_name == CLOSE_ROAD {
        return Ok(Change {
            entry: e.name.clone(),
            number,
            action: close_road(e, default_crs, &reason)?,
            reason,
        });
    }
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
            let class = class_at(e, "class")?;
            let support_level = match e.opt_string("support_level")? {
                None => None,
                Some(l) => Some(level_of(&l).map_err(|m| e.error("support_level", m))?),
            };
            let support_capacity_persons = e.opt_non_negative("support_capacity_persons")?;
            if class != StationClass::Logistics
                && (support_level.is_some() || support_capacity_persons.is_some())
            {
                let field = if support_level.is_some() {
                    "support_level"
                } else {
                    "support_capacity_persons"
                };
                return Err(e.error(
                    field,
                    format!(
                        "given for a {} station; only logistics-support stations (class \
                         logistics, 战勤保障站) have a support level and capability",
                        class.as_str()
                    ),
                ));
            }
            Action::AddStation(Box::new(Station {
                name: e.opt_string("name")?.unwrap_or_else(|| id.clone()),
                id: id.clone(),
                class,
                location: location(e, default_crs)?,
                staff: e.opt_count("staff")?,
                turnout_s: turnout(e)?,
                status,
                drone: e.opt_bool("drone")?,
                district: e.opt_string("district")?,
                support_level,
                support_capacity_persons,
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
