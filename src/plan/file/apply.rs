//! Applying a plan to the baseline's stations and depots, in file order, refusing what
//! needs the baseline to check (unknown ids, closing twice, moves off the network).

use std::collections::HashMap;

use geo::Point;
use serde::Serialize;

use super::{rank, Action, ClassDirection, Plan};
use crate::error::{Error, Location, Result};
use crate::load::network::AppliedClosure;
use crate::model::closure::RoadClosure;
use crate::model::target::fmt_value;
use crate::model::{Depot, Station, StationStatus};
use crate::names::nearest;

/// One change as applied, for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedChange {
    /// 1-based position in the plan file.
    pub number: usize,
    pub action: &'static str,
    /// `station`, `depot` or `road` (a road closure, named by `subject`).
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
    /// Road closures: the road segments closed and their length, km.
    pub segments_closed: Option<usize>,
    pub road_km_closed: Option<f64>,
}

/// The stations and depots of the plan variant, and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub stations: Vec<Station>,
    /// None when the baseline has no depots and the plan adds none.
    pub depots: Option<Vec<Depot>>,
    pub changes: Vec<AppliedChange>,
    /// The plan's road closures (`close_road`), in file order, each with its change number.
    pub closures: Vec<AppliedClosure>,
}

/// How far a point is from the nearest road, metres (None: empty network).
pub type SnapDistance<'a> = dyn Fn(Point<f64>) -> Option<f64> + 'a;

/// The segments of the open network a road closure closes, or why it closes nothing
/// ([`crate::load::network::close_roads`] on the loaded network).
pub type CloseRoad<'a> = dyn Fn(&RoadClosure) -> std::result::Result<AppliedClosure, String> + 'a;

/// What a plan's road closures are applied to: the road closures already in force (the
/// scenario's `[[network.closure]]`) and how a closure finds its segments.
pub struct Roads<'a> {
    pub closed: &'a [AppliedClosure],
    pub close: &'a CloseRoad<'a>,
}

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
    apply_with_roads(plan, stations, depots, snap_m, max_snap_m, None)
}

/// [`apply`], with the road network a `close_road` change closes roads on (`None`: such a
/// change is refused). A closure whose shapes touch no road, or which closes only roads
/// closed already (by the scenario or an earlier change), is refused naming it; so is a
/// name the scenario's closures use.
pub fn apply_with_roads(
    plan: &Plan,
    stations: &[Station],
    depots: Option<&[Depot]>,
    snap_m: &SnapDistance,
    max_snap_m: f64,
    roads: Option<&Roads>,
) -> Result<Applied> {
    let mut closures: Vec<AppliedClosure> = Vec::new();
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
            subject_kind: c.action.subject_kind(),
            subject: c.action.subject().to_string(),
            name: String::new(),
            summary: String::new(),
            reason: c.reason.clone(),
            from: None,
            to: None,
            snap_m: None,
            segments_closed: None,
            road_km_closed: None,
        };
        match &c.action {
            Action::CloseRoad { name, shapes, .. } => {
                let Some(roads) = roads else {
                    return Err(err(
                        "action",
                        "a road closure needs the road network: apply the plan to a loaded \
                         scenario"
                            .into(),
                    ));
                };
                if roads.closed.iter().any(|o| &o.name == name) {
                    return Err(err(
                        "name",
                        format!(
                            "the scenario already has a road closure `{name}` \
                             ([[network.closure]]): choose another name"
                        ),
                    ));
                }
                let closure = RoadClosure {
                    name: name.clone(),
                    reason: Some(c.reason.clone()),
                    shapes: shapes.clone(),
                };
                let mut a = (roads.close)(&closure)
                    .map_err(|why| err("file", format!("road closure `{name}`: {why}")))?;
                let before: std::collections::HashSet<u32> = roads
                    .closed
                    .iter()
                    .chain(&closures)
                    .flat_map(|o| o.segments.iter().copied())
                    .collect();
                if a.segments.iter().all(|s| before.contains(s)) {
                    return Err(err(
                        "file",
                        format!(
                            "road closure `{name}` closes nothing: its {} road segment(s) \
                             are closed already (by the scenario or an earlier change)",
                            a.segments.len()
                        ),
                    ));
                }
                a.plan_change = Some(c.number);
                out.name = name.clone();
                out.summary = format!(
                    "closed {} road segment(s), {:.2} km",
                    a.segments.len(),
                    a.road_m / 1000.0
                );
                out.segments_closed = Some(a.segments.len());
                out.road_km_closed = Some(a.road_m / 1000.0);
                closures.push(a);
            }
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
        closures,
    })
}
