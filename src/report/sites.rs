//! Special-risk sites (重点风险场所) as the report shows them: one row per site of the
//! `[areas]` layer that is not a township or functional zone, for the report's table and
//! the GeoPackage's `risk_sites` layer.

use std::fmt::Write as _;

use geo::InteriorPoint;
use serde_json::{json, Map, Value};

use super::write::md_cell;
use crate::model::area::AreaIndex;
use crate::model::{StationClass, StationStatus};
use crate::run::RunResult;

/// One special-risk site.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskSiteRow {
    pub name: String,
    /// The kind as written in outputs (`residential` for `dense_residential`).
    pub kind: &'static str,
    pub kind_zh: &'static str,
    /// The serving station: a special station standing inside, else the first-due
    /// station (first on most of the site's road).
    pub serving: Option<(String, String, StationClass)>,
    /// Whether a special-service station (特勤站) stands inside or is first-due.
    pub special: bool,
    /// Response at the site's worst road point, seconds.
    pub worst_s: Option<f64>,
    /// Road inside, km (0: measured at its nearest road point).
    pub road_km: f64,
    pub at_nearest_road: bool,
    /// The site's point, or an interior point of its outline (lon, lat).
    pub at: Option<(f64, f64)>,
    pub radius_m: Option<f64>,
}

impl RiskSiteRow {
    /// The special-station check as the table shows it: pass (true) or fail (false) for a
    /// chemical park (002 §五(四)), None for any other kind (no such rule).
    pub fn special_check(&self) -> Option<bool> {
        (self.kind == crate::model::AreaKind::ChemicalPark.as_str()).then_some(self.special)
    }
}

/// Every special-risk site of the run, in layer order.
pub fn risk_site_rows(run: &RunResult) -> Vec<RiskSiteRow> {
    let Some(areas) = run.inputs.areas.as_deref() else {
        return Vec::new();
    };
    let stations = &run.inputs.stations;
    let cov = &run.coverage;
    cov.sites
        .iter()
        .map(|s| {
            let a = &areas[s.area];
            let index = AreaIndex::new(&a.area);
            let special_inside = stations.iter().find(|st| {
                st.class == StationClass::Special
                    && st.status != StationStatus::Closed
                    && index.contains(st.location)
            });
            let first_due = s
                .first_due
                .map(|o| &stations[cov.origins[o as usize].station]);
            let serving = special_inside.or(first_due);
            RiskSiteRow {
                name: a.name.clone(),
                kind: a.kind.as_str(),
                kind_zh: a.kind.name_zh(),
                serving: serving.map(|st| (st.id.clone(), st.name.clone(), st.class)),
                special: serving.is_some_and(|st| st.class == StationClass::Special),
                worst_s: s.worst.map(|w| w.0),
                road_km: s.road_km,
                at_nearest_road: s.at_nearest_road,
                at: match a.point {
                    Some((p, _)) => Some((p.x(), p.y())),
                    None => a.area.interior_point().map(|p| (p.x(), p.y())),
                },
                radius_m: a.point.map(|p| p.1),
            }
        })
        .collect()
}

/// The report's section (empty without risk sites).
pub fn risk_sites_md(run: &RunResult) -> String {
    let rows = risk_site_rows(run);
    if rows.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let _ = writeln!(s, "## Special-risk sites (重点风险场所)\n");
    let _ = writeln!(
        s,
        "Serving station: a special-service station (特勤站) standing inside the site, else its \
         first-due station (first on most of its road). Worst time: the response at the site's \
         slowest road point (a site without road inside: at its nearest road point, marked *). \
         Special station: for a chemical park, whether the serving station is a special-service \
         station (002 §五(四)); other kinds have no such rule (—).\n"
    );
    let _ = writeln!(
        s,
        "| site | kind | serving station | class | worst time s | special station |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for r in &rows {
        let (station, class) = match &r.serving {
            Some((id, name, class)) => (
                format!("{} {}", md_cell(id), md_cell(name)),
                class.name_zh(),
            ),
            None => ("—".to_string(), "—"),
        };
        let _ = writeln!(
            s,
            "| {} | {} ({}) | {} | {} | {}{} | {} |",
            md_cell(&r.name),
            r.kind_zh,
            r.kind,
            station,
            class,
            r.worst_s.map_or("—".to_string(), |t| format!("{t:.0}")),
            if r.at_nearest_road { "*" } else { "" },
            match r.special_check() {
                Some(true) => "pass",
                Some(false) => "**fail**",
                None => "—",
            }
        );
    }
    s.push('\n');
    s
}

/// The GeoPackage's `risk_sites` features: a point per site with the table's fields.
pub fn risk_site_features(run: &RunResult) -> Vec<(geojson::Value, Map<String, Value>)> {
    risk_site_rows(run)
        .into_iter()
        .filter_map(|r| {
            let (lon, lat) = r.at?;
            let (id, name, class) = match &r.serving {
                Some((id, name, class)) => (
                    Value::from(id.as_str()),
                    Value::from(name.as_str()),
                    Value::from(class.as_str()),
                ),
                None => (Value::Null, Value::Null, Value::Null),
            };
            let Value::Object(props) = json!({
                "name": r.name,
                "kind": r.kind,
                "radius_m": r.radius_m,
                "serving_station": id,
                "serving_name": name,
                "serving_class": class,
                "special_station": r.special,
                "worst_road_s": r.worst_s,
                "road_km": r.road_km,
                "at_nearest_road": r.at_nearest_road,
            }) else {
                return None;
            };
            Some((geojson::Value::Point(vec![lon, lat]), props))
        })
        .collect()
}
