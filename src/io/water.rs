//! Fire water sources (消防水源): a register CSV (`id,lon,lat,kind` with optional
//! `status,flow_lps,last_inspected`) and the OSM extract's water-source nodes.

use std::path::Path;

use crate::error::Result;
use crate::model::water::{WaterSource, WaterSourceKind, WaterSourceStatus};
use crate::names::one_of;
use crate::params::Crs;

use super::crs::ToWgs84;
use super::tables::{iso_time, non_negative, read_table, text, IdIndex};

const WATER_COLUMNS: &[&str] = &[
    "id",
    "lon",
    "lat",
    "kind",
    "status",
    "flow_lps",
    "last_inspected",
];

const STATUSES: [WaterSourceStatus; 2] = [
    WaterSourceStatus::InService,
    WaterSourceStatus::OutOfService,
];

/// Reads a water-source register. Ids are unique; `kind` is one of `hydrant`,
/// `water_tank`, `natural`, `suction_point`; `status` (`in_service` by default) one of
/// `in_service`, `out_of_service`.
///
/// # Errors
/// [`crate::Error::Input`] naming the line and column of the first bad cell.
pub fn read_water_sources(path: &Path, crs: Crs) -> Result<Vec<WaterSource>> {
    struct Cols {
        id: super::tables::Col,
        lon: super::tables::Col,
        lat: super::tables::Col,
        kind: super::tables::Col,
        status: Option<super::tables::Col>,
        flow_lps: Option<super::tables::Col>,
        last_inspected: Option<super::tables::Col>,
    }
    let kind_of = one_of(
        "water-source kind",
        &WaterSourceKind::ALL,
        WaterSourceKind::as_str,
    );
    let status_of = one_of("water-source status", &STATUSES, WaterSourceStatus::as_str);
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    read_table(
        path,
        WATER_COLUMNS,
        |h| {
            Ok(Cols {
                id: h.required("id")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
                kind: h.required("kind")?,
                status: h.optional("status")?,
                flow_lps: h.optional("flow_lps")?,
                last_inspected: h.optional("last_inspected")?,
            })
        },
        |c, row| {
            let id = row.required(c.id, text)?;
            ids.insert(row, "id", id.clone())?;
            let (lon, lat) = row.lon_lat(c.lon, c.lat, &to_wgs84)?;
            Ok(WaterSource {
                id,
                kind: row.required(c.kind, &kind_of)?,
                status: row.optional(c.status, &status_of)?.unwrap_or_default(),
                location: geo::Point::new(lon, lat),
                flow_lps: row.optional(c.flow_lps, non_negative)?,
                last_inspected: row.optional(c.last_inspected, iso_time)?,
            })
        },
    )
}

/// The water sources of an OSM extract: nodes tagged `emergency=fire_hydrant` (hydrant),
/// `water_tank`, `suction_point` or `fire_water_pond` (natural). A source whose
/// `operational_status` says it is broken (`broken`, `out_of_order`, `out_of_service`,
/// `defective`, `closed`) is out of service; `flow_rate` in L/min or L/s, where written so,
/// gives its flow. Ids are `osm:n<id>`, sorted.
///
/// # Errors
/// As [`super::osm::read_osm_pbf`] for a file that cannot be read or is not a PBF.
pub fn read_osm_water_sources(path: &Path) -> Result<Vec<WaterSource>> {
    let nodes = super::osm::read_tagged_nodes(path, "emergency")?;
    let mut out: Vec<WaterSource> = nodes
        .into_iter()
        .filter_map(|n| {
            let kind = match n.tag("emergency")? {
                "fire_hydrant" => WaterSourceKind::Hydrant,
                "water_tank" => WaterSourceKind::WaterTank,
                "suction_point" => WaterSourceKind::SuctionPoint,
                "fire_water_pond" => WaterSourceKind::Natural,
                _ => return None,
            };
            let broken = n.tag("operational_status").is_some_and(|s| {
                matches!(
                    s.trim(),
                    "broken" | "out_of_order" | "out_of_service" | "defective" | "closed"
                )
            });
            Some(WaterSource {
                id: format!("osm:n{}", n.id),
                kind,
                status: if broken {
                    WaterSourceStatus::OutOfService
                } else {
                    WaterSourceStatus::InService
                },
                location: geo::Point::new(n.lon, n.lat),
                flow_lps: n.tag("flow_rate").and_then(flow_rate_lps),
                last_inspected: None,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// An OSM `flow_rate` as L/s: `1000 l/min` → 16.7, `30 l/s` → 30; anything else `None`.
fn flow_rate_lps(v: &str) -> Option<f64> {
    let v = v.trim().to_ascii_lowercase();
    let (number, per_s) = if let Some(n) = v.strip_suffix("l/min") {
        (n, 1.0 / 60.0)
    } else if let Some(n) = v.strip_suffix("l/s") {
        (n, 1.0)
    } else {
        return None;
    };
    let x: f64 = number.trim().parse().ok()?;
    (x.is_finite() && x >= 0.0).then_some(x * per_s)
}

#[cfg(test)]
mod tests {
    use super::flow_rate_lps;

    #[test]
    fn flow_rates() {
        assert_eq!(flow_rate_lps("30 l/s"), Some(30.0));
        assert!((flow_rate_lps("1200 L/min").unwrap() - 20.0).abs() < 1e-12);
        assert_eq!(flow_rate_lps("1200"), None);
        assert_eq!(flow_rate_lps("-3 l/s"), None);
    }
}
