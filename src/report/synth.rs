//! The folder of a generated province (`fireplan gen-province`, `synth`): the road network
//! as `province.osm.pbf`, `districts.geojson`, `stations.csv`, `depots.csv`,
//! `vehicles.csv`, `incidents.csv`, `candidates.csv`, `tiles.csv`, `province.json` and the scenarios
//! `scenario.toml` (demand from the buildings) and `simulate.toml` (demand from the year of
//! incidents, for `fireplan simulate`). Every file is written atomically; the same
//! province gives the same bytes.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::write::{collection, csv_error, feature, json_bytes, write_atomic};
use crate::error::Result;
use crate::progress::Progress;
use crate::synth::Province;

/// The network file's name in the folder.
pub const OSM_FILE: &str = "province.osm.pbf";

fn coord(x: f64) -> String {
    format!("{x:.7}")
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(csv_error)?;
    for row in rows {
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// Writes the province into `out`; returns the files written (the PBF first) and the
/// PBF's size in bytes.
///
/// # Errors
/// [`crate::Error::Io`] when a file cannot be written; [`crate::Error::Output`] when a
/// value cannot be encoded.
pub fn write_province(
    out: &Path,
    p: &Province,
    progress: &dyn Progress,
) -> Result<(Vec<PathBuf>, u64)> {
    let mut written = Vec::new();
    let pbf = out.join(OSM_FILE);
    let pbf_bytes = super::osm_pbf::write_osm_pbf(&pbf, &p.elements, progress)?;
    written.push(pbf);
    let mut put = |name: &str, bytes: Vec<u8>| -> Result<()> {
        let path = out.join(name);
        write_atomic(&path, &bytes)?;
        written.push(path);
        Ok(())
    };

    let features = p
        .districts
        .iter()
        .map(|d| {
            feature(
                geojson::Value::from(&d.area),
                json!({ "name": d.name, "kind": d.kind.as_str() }),
            )
        })
        .collect();
    put("districts.geojson", collection(features)?)?;

    put(
        "stations.csv",
        csv_bytes(
            &[
                "id",
                "name",
                "class",
                "lon",
                "lat",
                "district",
                "staff",
                "support_level",
                "support_capacity_persons",
            ],
            p.stations.iter().map(|s| {
                vec![
                    s.id.clone(),
                    s.name.clone(),
                    s.class.as_str().to_string(),
                    coord(s.lon),
                    coord(s.lat),
                    s.district.clone(),
                    s.staff.to_string(),
                    s.support_level
                        .map(|l| l.as_str().to_string())
                        .unwrap_or_default(),
                    s.support_capacity_persons
                        .map(|c| format!("{c}"))
                        .unwrap_or_default(),
                ]
            }),
        )?,
    )?;
    put(
        "vehicles.csv",
        csv_bytes(
            &["station_id", "kind", "count"],
            p.stations.iter().flat_map(|s| {
                crate::synth::services::fleet(s.class)
                    .iter()
                    .map(|(kind, count)| vec![s.id.clone(), kind.to_string(), count.to_string()])
            }),
        )?,
    )?;
    put(
        "depots.csv",
        csv_bytes(
            &[
                "id",
                "name",
                "level",
                "lon",
                "lat",
                "capacity_persons",
                "area",
            ],
            p.depots.iter().map(|d| {
                vec![
                    d.id.clone(),
                    d.name.clone(),
                    d.level.as_str().to_string(),
                    coord(d.lon),
                    coord(d.lat),
                    format!("{}", d.capacity_persons),
                    d.area.join(";"),
                ]
            }),
        )?,
    )?;
    put(
        "incidents.csv",
        csv_bytes(
            &["id", "lon", "lat", "kind", "time"],
            p.incidents.iter().map(|i| {
                vec![
                    i.id.clone(),
                    coord(i.lon),
                    coord(i.lat),
                    i.kind.as_str().to_string(),
                    i.time.clone(),
                ]
            }),
        )?,
    )?;
    put(
        "candidates.csv",
        csv_bytes(
            &["id", "lon", "lat"],
            p.candidates
                .iter()
                .map(|c| vec![c.id.clone(), coord(c.lon), coord(c.lat)]),
        )?,
    )?;
    put(
        "tiles.csv",
        csv_bytes(
            &[
                "col",
                "row",
                "name",
                "source",
                "centre_lon",
                "centre_lat",
                "graph_nodes",
                "osm_nodes",
                "osm_ways",
                "buildings",
                "interchange_node",
                "ramp_node",
            ],
            p.tiles.iter().map(|t| {
                vec![
                    t.col.to_string(),
                    t.row.to_string(),
                    t.name.clone(),
                    t.source.as_str().to_string(),
                    coord(t.centre_lon),
                    coord(t.centre_lat),
                    t.graph_nodes.to_string(),
                    t.osm_nodes.to_string(),
                    t.osm_ways.to_string(),
                    t.buildings.to_string(),
                    t.interchange.to_string(),
                    t.ramp_node.to_string(),
                ]
            }),
        )?,
    )?;
    let summary = json!({
        "grid": format!("{}x{}", p.spec_cols, p.spec_rows),
        "seed": p.seed,
        "area_km2": p.area_km2(),
        "tiles": p.tiles.len(),
        "osm_nodes": p.elements.nodes.len(),
        "osm_ways": p.elements.ways.len(),
        "pbf_bytes": pbf_bytes,
        "expected_graph_nodes": p.expected_graph_nodes,
        "link_nodes": p.link_nodes,
        "buildings": p.buildings,
        "districts": p.districts.len(),
        "stations": p.stations.len(),
        "depots": p.depots.len(),
        "incidents": p.incidents.len(),
        "candidates": p.candidates.len(),
    });
    put("province.json", json_bytes(&summary)?)?;
    put("scenario.toml", scenario_toml(p, false).into_bytes())?;
    put("simulate.toml", scenario_toml(p, true).into_bytes())?;
    Ok((written, pbf_bytes))
}

/// The scenario of the province: demand from the buildings (`simulate`: the incidents).
pub fn scenario_toml(p: &Province, simulate: bool) -> String {
    let demand = if simulate {
        "[demand]\n# A year of the province's incidents (2025), at buildings drawn uniformly.\n\
         file = \"incidents.csv\"\n"
    } else {
        "[demand]\nfrom = \"osm-buildings\"\n"
    };
    let sim = if simulate {
        "\n[simulation]\nyears = 1\nreplications = 1\nseed = 1\n"
    } else {
        ""
    };
    format!(
        "# A SYNTHETIC province (issue 18): real roads of ../shared/data and the demo district \
         tiled on a {c}x{r} grid,\n\
         # generated by `fireplan gen-province --grid {c}x{r} --seed {seed}`. Not real data.\n\
         # Optimize with 10,000 candidate sites:\n\
         #   fireplan optimize scenario.toml --candidates candidates.csv --add 148\n\
         name = \"合成省 (synthetic province, {c}x{r} tiles, seed {seed})\"\n\
         lang = \"zh\"\n\
         region = \"zhejiang\"\n\n\
         [network]\nosm = \"{osm}\"\n\n\
         [stations]\nfile = \"stations.csv\"\nvehicles = \"vehicles.csv\"\n\n\
         {demand}\n\
         [districts]\nfile = \"districts.geojson\"\n\n\
         [depots]\nfile = \"depots.csv\"\n\n\
         # Logistics reach (seed 002): 省内2小时、市内1小时、县(市、区)内半小时.\n\
         [supply]\nrequired_levels = [\"regional\", \"city\", \"county\"]\n\
         [supply.reach_s]\nregional = 7200\ncity = 3600\ncounty = 1800\n{sim}",
        c = p.spec_cols,
        r = p.spec_rows,
        seed = p.seed,
        osm = OSM_FILE,
    )
}
