//! Villages and communities (行政村、社区) and drone reach (消防无人机) in the outputs:
//! `villages.csv`, `drone_reach.csv`, their sections of `report.md` and their layers of
//! `fireplan.gpkg` (`villages`, `village_areas`, `drone_reach`).

use std::fmt::Write as _;

use geojson::Value as GValue;
use serde_json::{json, Map, Value};

use super::gpkg::{GeomType, Layer};
use super::write::{csv_error, fmt_share, md_cell};
use crate::error::Result;
use crate::model::{StationClass, VillageShape};
use crate::plan::checks::SubjectKind;
use crate::plan::Status;
use crate::run::RunResult;

/// What the village targets found for one village: `fail` when any failed, else `pass`
/// when any passed, else `not-checked` (at or under the population threshold, or no
/// village target checked).
pub fn village_status(run: &RunResult, id: &str) -> &'static str {
    let mut pass = false;
    for f in &run.checks.findings {
        if f.subject_kind == SubjectKind::Village && f.subject == id {
            match f.status {
                Status::Fail => return "fail",
                Status::Pass => pass = true,
                _ => {}
            }
        }
    }
    if pass {
        "pass"
    } else {
        "not-checked"
    }
}

/// The forces of village `vi` of one class as `KQ31 (320 m); KQ32 (0 m)`.
fn forces_of(run: &RunResult, vi: usize, class: StationClass) -> String {
    let Some(forces) = run.village_forces.get(vi) else {
        return String::new();
    };
    forces
        .iter()
        .filter(|f| run.inputs.stations[f.station].class == class)
        .map(|f| {
            format!(
                "{} ({:.0} m)",
                run.inputs.stations[f.station].id, f.distance_m
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub const VILLAGE_COLUMNS: [&str; 10] = [
    "id",
    "name",
    "kind",
    "population",
    "shape",
    "lon",
    "lat",
    "micro_stations",
    "volunteer_teams",
    "status",
];

/// `villages.csv`: every village with its residents, the micro stations and volunteer
/// teams it has and what the village targets found.
pub fn villages_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(VILLAGE_COLUMNS).map_err(csv_error)?;
    for (vi, v) in run
        .inputs
        .villages
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let at = v.anchor();
        w.write_record([
            v.id.clone(),
            v.name.clone(),
            v.kind.as_str().to_string(),
            crate::model::target::fmt_value(v.population),
            match v.shape {
                VillageShape::Point(_) => "point".to_string(),
                VillageShape::Area(_) => "area".to_string(),
            },
            format!("{:.7}", at.x()),
            format!("{:.7}", at.y()),
            forces_of(run, vi, StationClass::Micro),
            forces_of(run, vi, StationClass::Volunteer),
            village_status(run, &v.id).to_string(),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

pub const DRONE_COLUMNS: [&str; 9] = [
    "area",
    "kind",
    "hangars",
    "demand_weight",
    "demand_weight_within",
    "drone_reach_demand_share",
    "area_km2",
    "area_km2_within",
    "drone_reach_area_share",
];

/// `drone_reach.csv`: demand and grid area within drone reach, for the region and each
/// rescue district.
pub fn drone_reach_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(DRONE_COLUMNS).map_err(csv_error)?;
    let Some(d) = &run.drone else {
        return w.into_inner().map_err(csv_error);
    };
    let share = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
    let mut row =
        |name: &str, kind: &str, hangars: usize, s: &crate::coverage::drone::DroneShares| {
            w.write_record([
                name.to_string(),
                kind.to_string(),
                hangars.to_string(),
                format!("{:.3}", s.demand_weight),
                format!("{:.3}", s.demand_weight_within),
                share(s.demand_share),
                format!("{:.4}", s.area_km2),
                format!("{:.4}", s.area_km2_within),
                share(s.area_share),
            ])
            .map_err(csv_error)
        };
    row("region", "region", d.hangars.len(), &d.region)?;
    let lookup =
        crate::plan::checks::station_districts(&run.inputs.stations, &run.inputs.districts);
    for (k, (dist, s)) in run.inputs.districts.iter().zip(&d.districts).enumerate() {
        let n = d.hangars.iter().filter(|&&i| lookup[i] == Some(k)).count();
        row(&dist.name, dist.kind.as_str(), n, s)?;
    }
    w.into_inner().map_err(csv_error)
}

/// The report sections "Villages and communities" and "Drone reach" (empty without
/// `[villages]` and `[drone]`).
pub fn villages_and_drone_md(run: &RunResult) -> String {
    let mut s = String::new();
    if let (Some(villages), Some(p)) = (&run.inputs.villages, &run.inputs.scenario.villages) {
        let _ = writeln!(s, "\n## Villages and communities (行政村、社区)\n");
        let failing = villages
            .iter()
            .filter(|v| village_status(run, &v.id) == "fail")
            .count();
        let _ = writeln!(
            s,
            "{} villages and communities; {} without the force a village target asks for. A \
             village given as a point has a force within {:.0} m (`[villages] point_radius_m`), \
             one given as an outline inside it. Micro stations (微型消防站) and volunteer \
             teams (志愿消防队) {} part in response coverage.\n",
            villages.len(),
            failing,
            p.point_radius_m,
            if run.inputs.scenario.response.micro_and_volunteer_respond {
                "take"
            } else {
                "take no"
            }
        );
        let _ = writeln!(
            s,
            "| village | kind | residents | micro stations | volunteer teams | status |\n|---|---|---:|---|---|---|"
        );
        for (vi, v) in villages.iter().enumerate() {
            let _ = writeln!(
                s,
                "| {} {} | {} | {} | {} | {} | {} |",
                md_cell(&v.id),
                md_cell(&v.name),
                v.kind.name_zh(),
                crate::model::target::fmt_value(v.population),
                md_cell(&forces_of(run, vi, StationClass::Micro)),
                md_cell(&forces_of(run, vi, StationClass::Volunteer)),
                village_status(run, &v.id)
            );
        }
    }
    if let Some(d) = &run.drone {
        let _ = writeln!(s, "\n## Drone reach (消防无人机)\n");
        let _ = writeln!(
            s,
            "{} stations with a drone hangar ({}) reach {:.0} m in a \
             straight line. Demand within reach: {}; grid area within reach (cells counted by \
             their centre): {}.\n",
            d.hangars.len(),
            if run.inputs.scenario.drone.is_some_and(|p| p.every_station) {
                "a what-if, `[drone] every_station = true`: every fire and rescue station not \
                 closed, as 004 §六(一) asks, whatever the stations file records"
            } else {
                "`drone = 1`, not closed"
            },
            d.radius_m,
            fmt_share(d.region.demand_share),
            fmt_share(d.region.area_share),
        );
        let _ = writeln!(
            s,
            "| district | demand within reach | area within reach | area km² |\n|---|---:|---:|---:|"
        );
        for (dist, x) in run.inputs.districts.iter().zip(&d.districts) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} |",
                md_cell(&dist.name),
                fmt_share(x.demand_share),
                fmt_share(x.area_share),
                x.area_km2
            );
        }
    }
    s
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The rings of a multipolygon as GeoJSON positions.
fn multipolygon(mp: &geo::MultiPolygon<f64>) -> GValue {
    GValue::MultiPolygon(
        mp.0.iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| r.0.iter().map(|c| vec![c.x, c.y]).collect())
                    .collect()
            })
            .collect(),
    )
}

/// A circle of `radius_m` around (lon, lat) as a 72-sided polygon (local equirectangular
/// offsets: within 0.1 % of the great circle at the radii of a drone).
pub fn circle(lon: f64, lat: f64, radius_m: f64) -> Vec<Vec<f64>> {
    const R: f64 = 6_371_008.8;
    let dlat = (radius_m / R).to_degrees();
    let dlon = dlat / lat.to_radians().cos().max(1e-6);
    let mut ring: Vec<Vec<f64>> = (0..72)
        .map(|k| {
            let a = (k as f64 * 5.0).to_radians();
            vec![lon + dlon * a.cos(), lat + dlat * a.sin()]
        })
        .collect();
    ring.push(ring[0].clone());
    ring
}

/// The GeoPackage layers `villages` (every village at its point or outline's centroid),
/// `village_areas` (the outlines, when any) and `drone_reach` (one circle per hangar).
pub fn gpkg_layers(run: &RunResult) -> Vec<Layer<'_>> {
    let mut out = Vec::new();
    if let Some(villages) = &run.inputs.villages {
        let props = |vi: usize, v: &crate::model::Village| {
            obj(json!({
                "id": v.id, "name": v.name, "kind": v.kind.as_str(),
                "kind_zh": v.kind.name_zh(), "population": v.population,
                "micro_stations": forces_of(run, vi, StationClass::Micro),
                "volunteer_teams": forces_of(run, vi, StationClass::Volunteer),
                "status": village_status(run, &v.id),
            }))
        };
        out.push(Layer {
            name: "villages".into(),
            description: "Villages and communities (行政村、社区) with residents and their micro \
                          stations / volunteer teams"
                .into(),
            geom: GeomType::Point,
            features: villages
                .iter()
                .enumerate()
                .map(|(vi, v)| {
                    let a = v.anchor();
                    (GValue::Point(vec![a.x(), a.y()]), props(vi, v))
                })
                .collect(),
        });
        let areas: Vec<(GValue, Map<String, Value>)> = villages
            .iter()
            .enumerate()
            .filter_map(|(vi, v)| match &v.shape {
                VillageShape::Area(mp) => Some((multipolygon(mp), props(vi, v))),
                VillageShape::Point(_) => None,
            })
            .collect();
        if !areas.is_empty() {
            out.push(Layer {
                name: "village_areas".into(),
                description: "Outlines of the villages and communities given as polygons".into(),
                geom: GeomType::MultiPolygon,
                features: areas.into(),
            });
        }
    }
    if let Some(d) = &run.drone {
        out.push(Layer {
            name: "drone_reach".into(),
            description: "Reach of each drone hangar (消防无人机舱): a circle of the scenario's \
                          radius"
                .into(),
            geom: GeomType::MultiPolygon,
            features: d
                .hangars
                .iter()
                .map(|&i| {
                    let s = &run.inputs.stations[i];
                    (
                        GValue::MultiPolygon(vec![vec![circle(
                            s.location.x(),
                            s.location.y(),
                            d.radius_m,
                        )]]),
                        obj(json!({"station": s.id, "name": s.name, "radius_m": d.radius_m})),
                    )
                })
                .collect(),
        });
    }
    out
}
