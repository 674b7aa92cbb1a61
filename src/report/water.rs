//! Fire-water outputs (消防水源): `water_sources.csv`, `water_gaps.csv`,
//! `water.geojson`, and the demand columns `water_source`, `water_m`, `hydrant_m`.

use geo::Point;
use geojson::Feature;
use serde_json::json;

use super::write::{collection, csv_error, feature, fmt_share, round7};
use crate::error::Result;
use crate::run::RunResult;
use crate::water::{SourceDistance, WaterReach};

/// Metres to one decimal, empty for none.
fn metres(d: Option<SourceDistance>) -> String {
    d.map(|d| format!("{:.1}", d.distance_m))
        .unwrap_or_default()
}

/// The id of a source, empty for none.
fn source_id(run: &RunResult, d: Option<SourceDistance>) -> String {
    let sources = run.inputs.water.as_deref().unwrap_or(&[]);
    d.map(|d| sources[d.source].id.clone()).unwrap_or_default()
}

/// The extra `demand_response.csv` cells of demand point `i`: nearest serviceable source,
/// its hose distance, and the nearest serviceable hydrant's.
pub fn demand_cells(run: &RunResult, w: &WaterReach, i: usize) -> [String; 3] {
    let d = &w.demand[i];
    [
        source_id(run, d.nearest),
        metres(d.nearest),
        metres(d.hydrant),
    ]
}

/// `water_sources.csv`: every source listed, whether it counts, where it meets the roads
/// and how many demand points it is the nearest source of.
pub fn water_sources_csv(run: &RunResult, w: &WaterReach) -> Result<Vec<u8>> {
    let sources = run.inputs.water.as_deref().unwrap_or(&[]);
    let mut nearest_of = vec![0usize; sources.len()];
    for d in &w.demand {
        if let Some(n) = d.nearest {
            nearest_of[n.source] += 1;
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "kind",
        "status",
        "lon",
        "lat",
        "snap_m",
        "used",
        "flow_lps",
        "last_inspected",
        "nearest_for_demand_points",
    ])
    .map_err(csv_error)?;
    for (i, s) in sources.iter().enumerate() {
        let snap = w.source_snaps[i];
        let used = if !s.serviceable() {
            "no: out of service"
        } else if snap.is_none() {
            "no: off the roads"
        } else {
            "yes"
        };
        out.write_record([
            s.id.clone(),
            s.kind.as_str().to_string(),
            s.status.as_str().to_string(),
            format!("{:.7}", s.location.x()),
            format!("{:.7}", s.location.y()),
            snap.map(|p| format!("{:.1}", p.access_m))
                .unwrap_or_default(),
            used.to_string(),
            s.flow_lps.map(|f| format!("{f}")).unwrap_or_default(),
            s.last_inspected.clone().unwrap_or_default(),
            nearest_of[i].to_string(),
        ])
        .map_err(csv_error)?;
    }
    out.into_inner().map_err(csv_error)
}

/// `water_gaps.csv`: demand points on the roads without a serviceable hydrant within the
/// protection radius, with the nearest hydrant and the nearest static source (tank, natural
/// source, suction point) a crew would draft from instead.
pub fn water_gaps_csv(run: &RunResult, w: &WaterReach) -> Result<Vec<u8>> {
    let sources = run.inputs.water.as_deref().unwrap_or(&[]);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "lon",
        "lat",
        "weight",
        "district",
        "hydrant",
        "hydrant_m",
        "static_source",
        "static_kind",
        "static_m",
    ])
    .map_err(csv_error)?;
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    for i in w.beyond_reach(&run.coverage) {
        let (d, r, water) = (&demand[i], &run.coverage.demand[i], &w.demand[i]);
        out.write_record([
            d.id.clone(),
            format!("{:.7}", d.location.x()),
            format!("{:.7}", d.location.y()),
            format!("{}", d.weight),
            r.district
                .map(|k| run.inputs.districts[k].name.clone())
                .unwrap_or_default(),
            source_id(run, water.hydrant),
            metres(water.hydrant),
            source_id(run, water.nearest_static),
            water
                .nearest_static
                .map(|s| sources[s.source].kind.as_str().to_string())
                .unwrap_or_default(),
            metres(water.nearest_static),
        ])
        .map_err(csv_error)?;
    }
    out.into_inner().map_err(csv_error)
}

/// `water.geojson`: the sources (`layer` = `source`), the road pieces of urban districts
/// beyond half the hydrant spacing (`spacing_gap`) and the demand beyond hydrant reach
/// (`beyond_reach`).
pub fn water_geojson(run: &RunResult, w: &WaterReach) -> Result<Vec<u8>> {
    collection(water_features(run, w))
}

/// Whether segment `k`'s district is urban (built-up): the spacing rule's subject.
pub fn built_up(run: &RunResult, k: u32) -> bool {
    run.coverage.segments[k as usize]
        .district
        .is_some_and(|d| run.inputs.districts[d].kind == crate::model::DistrictKind::Urban)
}

/// The features of [`water_geojson`] (also the GeoPackage's water layers).
pub fn water_features(run: &RunResult, w: &WaterReach) -> Vec<Feature> {
    let sources = run.inputs.water.as_deref().unwrap_or(&[]);
    let net = &run.prepared.network;
    let mut features = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let props = json!({
            "layer": "source", "id": s.id, "kind": s.kind.as_str(),
            "status": s.status.as_str(), "used": s.serviceable() && w.source_snaps[i].is_some(),
            "flow_lps": s.flow_lps,
        });
        let p = Point::new(round7(s.location.x()), round7(s.location.y()));
        features.push(feature(geojson::Value::from(&p), props));
    }
    for g in w.gaps.iter().filter(|g| built_up(run, g.segment)) {
        let seg = &net.segments[g.segment as usize];
        let (a, b) = (&net.nodes[seg.a as usize], &net.nodes[seg.b as usize]);
        let at = |f: f64| {
            vec![
                round7(a.lon + f * (b.lon - a.lon)),
                round7(a.lat + f * (b.lat - a.lat)),
            ]
        };
        let district = run.coverage.segments[g.segment as usize]
            .district
            .map(|d| run.inputs.districts[d].name.as_str());
        let props = json!({
            "layer": "spacing_gap", "length_m": (g.length_m * 10.0).round() / 10.0,
            "district": district,
        });
        features.push(feature(
            geojson::Value::LineString(vec![at(g.from), at(g.to)]),
            props,
        ));
    }
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    for i in w.beyond_reach(&run.coverage) {
        let (d, water) = (&demand[i], &w.demand[i]);
        let props = json!({
            "layer": "beyond_reach", "id": d.id,
            "hydrant_m": water.hydrant.map(|h| (h.distance_m * 10.0).round() / 10.0),
            "static_source": water.nearest_static.map(|s| sources[s.source].id.as_str()),
            "static_m": water.nearest_static.map(|s| (s.distance_m * 10.0).round() / 10.0),
        });
        let p = Point::new(round7(d.location.x()), round7(d.location.y()));
        features.push(feature(geojson::Value::from(&p), props));
    }
    features
}

/// `water_by_district.csv`: per rescue district, demand within hydrant reach and the road
/// length beyond half the hydrant spacing; last, the region (its road figures are the
/// urban districts').
pub fn water_by_district_csv(run: &RunResult, w: &WaterReach) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "district",
        "kind",
        "demand_points",
        "demand_weight",
        "water_reach_share",
        "road_km",
        "spacing_gap_km",
    ])
    .map_err(csv_error)?;
    let rows = run
        .inputs
        .districts
        .iter()
        .map(|d| (d.name.as_str(), d.kind.as_str()))
        .zip(&w.districts)
        .chain(std::iter::once((("region", ""), &w.region)));
    for ((name, kind), f) in rows {
        out.write_record([
            name.to_string(),
            kind.to_string(),
            f.demand_points.to_string(),
            format!("{:.1}", f.demand_weight),
            fmt_share(f.reach_demand_share),
            format!("{:.2}", f.road_km),
            format!("{:.2}", f.spacing_gap_road_km),
        ])
        .map_err(csv_error)?;
    }
    out.into_inner().map_err(csv_error)
}

/// The report's fire-water section (Markdown).
pub fn section_md(run: &RunResult, w: &WaterReach) -> String {
    use std::fmt::Write as _;
    let mut s = String::from("## Fire water supply (消防水源)\n\n");
    let sources = run.inputs.water.as_deref().unwrap_or(&[]);
    let kinds: Vec<String> = crate::model::water::WaterSourceKind::ALL
        .iter()
        .filter_map(|k| {
            let n = sources.iter().filter(|s| s.kind == *k).count();
            (n > 0).then(|| format!("{n} {} ({})", k.as_str(), k.name_zh()))
        })
        .collect();
    let _ = writeln!(
        s,
        "{} water sources listed ({}); {} in service ({}); {} farther than {:.0} m from a road \
         (not used). Distances are along the roads on foot (one-way rules do not apply), both \
         access legs included. A place is within reach when a serviceable hydrant is at most \
         {:.0} m away; hydrants at most {:.0} m apart leave no road point farther than {:.0} m \
         from one (GB 50974-2014 §7.2.5).\n",
        w.sources,
        kinds.join(", "),
        w.serviceable,
        pct(w.serviceable_share),
        w.source_snaps.iter().filter(|p| p.is_none()).count(),
        run.coverage.max_snap_m,
        w.protection_radius_m,
        w.hydrant_spacing_m,
        w.hydrant_spacing_m / 2.0
    );
    let _ = writeln!(
        s,
        "| district | kind | demand within reach | road km | spacing gaps km |\n| --- | --- | --: | --: | --: |"
    );
    for (d, f) in run.inputs.districts.iter().zip(&w.districts) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {:.2} |",
            d.name,
            d.kind.as_str(),
            pct(f.reach_demand_share),
            f.road_km,
            f.spacing_gap_road_km
        );
    }
    let _ = writeln!(
        s,
        "| **region** (road figures: urban districts) | | {} | {:.1} | {:.2} |\n",
        pct(w.region.reach_demand_share),
        w.region.road_km,
        w.region.spacing_gap_road_km
    );
    let beyond: Vec<usize> = w.beyond_reach(&run.coverage).collect();
    if !beyond.is_empty() {
        let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
        let listed: Vec<String> = beyond
            .iter()
            .take(20)
            .map(|&i| {
                let d = &w.demand[i];
                let stat = d
                    .nearest_static
                    .map(|n| format!("{} at {:.0} m", sources[n.source].id, n.distance_m))
                    .unwrap_or_else(|| "no static source".to_string());
                format!(
                    "{} (hydrant {}; {stat})",
                    demand[i].id,
                    metres_or_none(d.hydrant)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "{} demand points lie beyond hydrant reach (`water_gaps.csv` lists each with the \
             nearest static source): {}{}\n",
            beyond.len(),
            listed.join(", "),
            if beyond.len() > 20 { ", …" } else { "" }
        );
    }
    s
}

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0))
}

fn metres_or_none(d: Option<SourceDistance>) -> String {
    d.map_or("none".to_string(), |d| format!("{:.0} m", d.distance_m))
}
