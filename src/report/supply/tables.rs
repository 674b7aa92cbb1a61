//! Supply tables: `supply_reach.csv` (one row per station × checked level),
//! `supply_districts.csv` (one row per rescue district × checked level) and the
//! `summary.json` fields.

use crate::error::Result;
use crate::model::{DemandPoint, District, Station};
use crate::report::write::csv_error;
use crate::supply::reach::{LevelReach, WorstPlace};
use crate::supply::Supply;

/// Seconds with one decimal, empty when absent.
fn secs(t: Option<f64>) -> String {
    t.map(|t| format!("{t:.1}")).unwrap_or_default()
}

/// Minutes with two decimals, empty when absent.
fn mins(t: Option<f64>) -> String {
    t.map(|t| format!("{t:.2}")).unwrap_or_default()
}

/// The label of support point `p`, empty when absent.
fn label(sup: &Supply, p: Option<usize>) -> String {
    p.map(|p| sup.points[p].label.clone()).unwrap_or_default()
}

/// The cells shared by every reach: nearest, time, margin, result, second, time, margin,
/// result.
fn reach_cells(sup: &Supply, r: &LevelReach) -> [String; 8] {
    [
        label(sup, r.nearest.map(|n| n.0)),
        secs(r.nearest.map(|n| n.1)),
        mins(r.margin_min()),
        r.status.as_str().to_string(),
        label(sup, r.second.map(|n| n.0)),
        secs(r.second.map(|n| n.1)),
        mins(r.second_margin_min()),
        r.second_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    ]
}

/// `supply_reach.csv`: every station that is not closed × every checked level.
pub fn reach_csv(sup: &Supply, stations: &[Station], districts: &[District]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "name",
        "class",
        "station_status",
        "staff",
        "district",
        "snap_m",
        "level",
        "reach_s",
        "nearest",
        "nearest_s",
        "margin_min",
        "result",
        "second",
        "second_s",
        "second_margin_min",
        "second_result",
    ])
    .map_err(csv_error)?;
    for sr in &sup.stations {
        let s = &stations[sr.station];
        for r in &sr.levels {
            let mut row = vec![
                s.id.clone(),
                s.name.clone(),
                s.class.as_str().to_string(),
                s.status.as_str().to_string(),
                s.staff.map(|n| n.to_string()).unwrap_or_default(),
                sr.district
                    .map(|d| districts[d].name.clone())
                    .unwrap_or_default(),
                sr.snap_m.map(|m| format!("{m:.1}")).unwrap_or_default(),
                r.level.as_str().to_string(),
                secs(r.reach_s),
            ];
            row.extend(reach_cells(sup, r));
            w.write_record(&row).map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(csv_error)
}

/// `supply_districts.csv`: every rescue district × every checked level — its worst place
/// (demand point, or road point without demand) and its centroid.
pub fn districts_csv(
    sup: &Supply,
    districts: &[District],
    demand: &[DemandPoint],
) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "district",
        "kind",
        "level",
        "reach_s",
        "demand_points",
        "demand_within_share",
        "worst_place",
        "worst_lon",
        "worst_lat",
    ];
    let reach_cols = [
        "nearest",
        "s",
        "margin_min",
        "result",
        "second",
        "second_s",
        "second_margin_min",
        "second_result",
    ];
    let worst_cols: Vec<String> = reach_cols.iter().map(|c| format!("worst_{c}")).collect();
    let centroid_cols: Vec<String> = reach_cols.iter().map(|c| format!("centroid_{c}")).collect();
    header.extend(worst_cols.iter().map(String::as_str));
    header.extend(["centroid_lon", "centroid_lat", "centroid_snap_m"]);
    header.extend(centroid_cols.iter().map(String::as_str));
    w.write_record(&header).map_err(csv_error)?;
    for dr in &sup.districts {
        let d = &districts[dr.district];
        for (li, l) in dr.levels.iter().enumerate() {
            let info = &sup.levels[li];
            let mut row = vec![
                d.name.clone(),
                d.kind.as_str().to_string(),
                info.level.as_str().to_string(),
                secs(info.reach_s),
                dr.demand_points.to_string(),
                l.demand_within_share
                    .map(|x| format!("{x:.4}"))
                    .unwrap_or_default(),
            ];
            match &l.worst {
                Some(wst) => {
                    row.push(match wst.place {
                        WorstPlace::Demand(i) => demand[i].id.clone(),
                        WorstPlace::Road { .. } => "road".to_string(),
                    });
                    row.push(format!("{:.7}", wst.lon));
                    row.push(format!("{:.7}", wst.lat));
                    row.extend(reach_cells(sup, &wst.reach));
                }
                None => row.resize(row.len() + 3 + 8, String::new()),
            }
            let c = &l.centroid;
            row.push(if c.lon.is_finite() {
                format!("{:.7}", c.lon)
            } else {
                String::new()
            });
            row.push(if c.lat.is_finite() {
                format!("{:.7}", c.lat)
            } else {
                String::new()
            });
            row.push(c.snap_m.map(|m| format!("{m:.1}")).unwrap_or_default());
            row.extend(reach_cells(sup, &c.reach));
            w.write_record(&row).map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(csv_error)
}
