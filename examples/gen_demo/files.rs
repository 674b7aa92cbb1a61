//! Files: nodes, edges, districts, waterways, stations, vehicles, depots, incidents and
//! the README, byte for byte the same for the same seed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use crate::check::DistrictCoverage;
use crate::districts::{district_of, District};
use crate::geometry::{km, Frame, P};
use crate::incidents::{Incident, OFF_ROAD_HILL};
use crate::layout::Water;
use crate::noding::Graph;
use crate::routing::Roads;
use crate::stations::{vehicles_of, DEPOTS, STATIONS};
use crate::{SEED, YEAR};

/// Everything the files are written from.
pub struct Outputs<'a> {
    pub fr: &'a Frame,
    pub ds: &'a [District],
    pub water: &'a [Water],
    pub g: &'a Graph,
    pub roads: &'a Roads,
    pub stations: &'a [P],
    pub depots: &'a [P],
    pub incidents: &'a [Incident],
    /// Edges and km per `highway` tag.
    pub by_class: &'a BTreeMap<String, (usize, f64)>,
    pub coverage: &'a [DistrictCoverage],
    /// Nodes outside the largest strongly connected component, removed.
    pub dropped: usize,
    /// Fire water sources (`water_sources.csv`).
    pub water_sources: &'a [crate::water_sources::Source],
    /// Villages with residents, and their micro stations and volunteer teams.
    pub villages: &'a crate::villages::DemoVillages,
}

/// Writes every file into `dir` (and prints the stations and the incident kinds).
pub fn write_all(dir: &Path, o: &Outputs) -> std::io::Result<()> {
    let mut s = String::from("id,lon,lat\n");
    for (k, n) in o.roads.raw.nodes.iter().enumerate() {
        let _ = writeln!(s, "{},{:.7},{:.7}", k + 1, n.lon, n.lat);
    }
    write_file(dir, "nodes.csv", &s)?;

    let mut s = String::from("from,to,highway,oneway,maxspeed_kmh\n");
    for e in &o.g.edges {
        let ms = e.maxspeed.map(|m| m.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            e.from + 1,
            e.to + 1,
            e.hw.tag(),
            if e.oneway { "yes" } else { "no" },
            ms
        );
    }
    write_file(dir, "edges.csv", &s)?;

    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, d) in o.ds.iter().enumerate() {
        let _ = writeln!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{}\",\"kind\":\"{}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}}}}{}",
            d.name,
            d.kind,
            geojson_ring(o.fr, &d.ring),
            if k + 1 < o.ds.len() { "," } else { "" }
        );
    }
    s.push_str("]}\n");
    write_file(dir, "districts.geojson", &s)?;

    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, w) in o.water.iter().enumerate() {
        let mut coords = String::new();
        for (j, &p) in w.pts.iter().enumerate() {
            let (lon, lat) = fmt_ll(o.fr, p);
            let _ = write!(coords, "{}[{lon},{lat}]", if j > 0 { "," } else { "" });
        }
        let _ = writeln!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{}\",\"waterway\":\"{}\"}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[{coords}]}}}}{}",
            w.name,
            w.kind,
            if k + 1 < o.water.len() { "," } else { "" }
        );
    }
    s.push_str("]}\n");
    write_file(dir, "waterways.geojson", &s)?;

    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, (name, kind, (x0, y0), (x1, y1))) in KEY_AREAS.iter().enumerate() {
        let ring = [km(*x0, *y0), km(*x1, *y0), km(*x1, *y1), km(*x0, *y1)];
        let _ = writeln!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{name}\",\"kind\":\"{kind}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}}}}{}",
            geojson_ring(o.fr, &ring),
            if k + 1 < KEY_AREAS.len() { "," } else { "" }
        );
    }
    s.push_str("]}\n");
    write_file(dir, "areas.geojson", &s)?;

    // Special-risk sites (issue 15): points with a radius, after everything else and
    // without the random stream, so that every other file stays byte-identical.
    let mut s = String::from("id,name,lon,lat,kind,radius_m\n");
    for (id, name, kind, (x, y), radius_m) in RISK_SITES {
        let (lon, lat) = fmt_ll(o.fr, km(x, y));
        let _ = writeln!(s, "{id},{name},{lon},{lat},{kind},{radius_m}");
    }
    write_file(dir, "risk_sites.csv", &s)?;

    let mut s = String::from(
        "id,name,class,lon,lat,district,staff,turnout_s,drone,status,support_level,\
         support_capacity_persons\n",
    );
    println!("stations:");
    for (spec, &p) in STATIONS.iter().zip(o.stations) {
        let (lon, lat) = fmt_ll(o.fr, p);
        let district = district_of(o.ds, p).map(|d| o.ds[d].name).unwrap_or("");
        let turnout = spec.turnout_s.map(|t| t.to_string()).unwrap_or_default();
        let drone = spec.drone.map(|t| t.to_string()).unwrap_or_default();
        let (level, capability) = support_of(spec);
        let _ = writeln!(
            s,
            "{},{},{},{lon},{lat},{district},{},{turnout},{drone},existing,{level},{capability}",
            spec.id, spec.name, spec.class, spec.staff
        );
        let flow: u32 = vehicles_of(spec)
            .iter()
            .map(|v| v.1 * v.2.unwrap_or(0))
            .sum();
        println!(
            "  {} {:<10} {:<9} {:<8} staff {:>2} flow {:>3} L/s turnout {:>3}",
            spec.id,
            spec.name,
            spec.class,
            district,
            spec.staff,
            flow,
            spec.turnout_s.unwrap_or(60)
        );
    }
    // The villages' micro stations and volunteer teams, after the 28 stations.
    s.push_str(&crate::villages::station_rows(o.fr, o.ds, o.villages));
    write_file(dir, "stations.csv", &s)?;

    let mut s = String::from("station_id,kind,count,pump_flow_lps,firefighting\n");
    for spec in &STATIONS {
        for (kind, count, flow, ff) in vehicles_of(spec) {
            let flow = flow.map(|f| f.to_string()).unwrap_or_default();
            let _ = writeln!(s, "{},{kind},{count},{flow},{}", spec.id, ff as u8);
        }
    }
    write_file(dir, "vehicles.csv", &s)?;

    let mut s = String::from("id,name,level,lon,lat,capacity_persons\n");
    for (d, &p) in DEPOTS.iter().zip(o.depots) {
        let (lon, lat) = fmt_ll(o.fr, p);
        let _ = writeln!(s, "{},{},{},{lon},{lat},{}", d.0, d.1, d.2, d.4);
    }
    write_file(dir, "depots.csv", &s)?;

    let mut s = String::from("id,lon,lat,kind,time,weight\n");
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, inc) in o.incidents.iter().enumerate() {
        let (lon, lat) = fmt_ll(o.fr, inc.p);
        *kinds.entry(inc.kind).or_default() += 1;
        let _ = writeln!(
            s,
            "KQ{YEAR}-{:05},{lon},{lat},{},{},1",
            k + 1,
            inc.kind,
            inc.time
        );
    }
    write_file(dir, "incidents.csv", &s)?;
    println!("incidents: {} ({:?})", o.incidents.len(), kinds);

    let mut s = String::from("id,lon,lat,kind,status,flow_lps,last_inspected\n");
    for w in o.water_sources {
        let (lon, lat) = fmt_ll(o.fr, w.at);
        let date = day_of_2025(w.inspected_day);
        let _ = writeln!(
            s,
            "{},{lon},{lat},{},{},{},{date}",
            w.id,
            w.kind,
            if w.in_service {
                "in_service"
            } else {
                "out_of_service"
            },
            w.flow_lps.map(|f| f.to_string()).unwrap_or_default()
        );
    }
    write_file(dir, "water_sources.csv", &s)?;
    write_file(
        dir,
        "villages.csv",
        &crate::villages::villages_csv(o.fr, o.villages),
    )?;
    write_file(dir, "README.md", &readme(o))?;
    Ok(())
}

fn write_file(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::File::create(dir.join(name))?;
    f.write_all(text.as_bytes())
}

/// `2025-MM-DD` of a day of 2025 (1-based; not a leap year).
fn day_of_2025(day: u32) -> String {
    const MONTHS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day;
    for (m, len) in MONTHS.iter().enumerate() {
        if d <= *len {
            return format!("2025-{:02}-{d:02}", m + 1);
        }
        d -= len;
    }
    "2025-12-31".to_string()
}

fn fmt_ll(fr: &Frame, p: P) -> (String, String) {
    let (lon, lat) = fr.lonlat(p);
    (format!("{lon:.7}"), format!("{lat:.7}"))
}

/// Name, kind, lower-left and upper-right corner (km).
type KeyArea = (&'static str, &'static str, (f64, f64), (f64, f64));

/// The key areas of seed 004 §六(二) where forward duty stations belong (name, kind, km
/// corners): the 滨海 park and the 兰亭 scenic area hold no station (deliberate gaps).
const KEY_AREAS: [KeyArea; 6] = [
    ("马鞍工业园区", "industrial_park", (9.0, 25.0), (21.0, 30.0)),
    (
        "滨海新区工业园",
        "industrial_park",
        (22.0, 26.0),
        (27.0, 30.0),
    ),
    (
        "轻纺城商圈",
        "business_district",
        (15.8, 16.8),
        (17.6, 18.4),
    ),
    ("柯岩风景区", "scenic_area", (20.5, 14.0), (23.0, 16.0)),
    ("兰亭景区", "scenic_area", (7.5, 7.5), (9.0, 9.2)),
    ("柯桥古镇", "residential", (13.5, 15.5), (15.0, 16.8)),
];

/// Id, name, kind, centre (km) and radius (m) of a special-risk site (重点风险场所).
type RiskSite = (&'static str, &'static str, &'static str, (f64, f64), u32);

/// The special-risk sites: the 马鞍 chemical park holds the 马鞍 special station; the
/// 滨海 chemical park, at the zone's north-eastern edge, is first reached by a class-1
/// station and no special station serves it (deliberate gap); the 华舍 dense residential
/// area (issue 15's kind name) holds no station (a forward-station gap).
const RISK_SITES: [RiskSite; 6] = [
    ("RS01", "马鞍化工园区", "chemical_park", (12.6, 27.0), 1000),
    ("RS02", "滨海化工园区", "chemical_park", (20.0, 29.0), 900),
    ("RS03", "北部新城高层建筑区", "high_rise", (12.0, 20.5), 600),
    ("RS04", "会稽山林区", "forest", (15.0, 4.0), 2000),
    ("RS05", "鉴湖水域", "water", (10.0, 13.0), 800),
    (
        "RS06",
        "华舍居民集聚区",
        "dense_residential",
        (8.0, 17.0),
        500,
    ),
];

fn geojson_ring(fr: &Frame, ring: &[P]) -> String {
    let mut s = String::from("[");
    for (k, &p) in ring.iter().chain(std::iter::once(&ring[0])).enumerate() {
        let (lon, lat) = fmt_ll(fr, p);
        if k > 0 {
            s.push(',');
        }
        let _ = write!(s, "[{lon},{lat}]");
    }
    s.push(']');
    s
}

/// Level and declared capability of a logistics-support station (seed 000 专栏8: a county
/// station supports 100 people): KQ27 declares 120, KQ28 80 (a deliberate gap).
fn support_of(spec: &crate::stations::StationSpec) -> (&'static str, &'static str) {
    match spec.id {
        "KQ27" => ("county", "120"),
        "KQ28" => ("county", "80"),
        _ => ("", ""),
    }
}

/// The fire-water gaps put in on purpose (`water_sources.csv`).
fn water_findings(sources: &[crate::water_sources::Source]) -> String {
    let broken = sources.iter().filter(|w| !w.in_service).count();
    format!(
        "Fire water (`water_sources.csv`, `[water]`), put in on purpose:\n\n\
         - {broken} of {} water sources out of service (`status`; the run's \
         `water_sources.csv` lists them): 完好率 below the 100 % that seeds 004 §七(二) and \
         000 ask by 2025 (mandatory).\n\
         - An old quarter of 柯中 (about 1.1 km across, south-east of the district's middle) \
         has no hydrant: its buildings lie beyond the 150 m protection radius and its \
         streets beyond half the 120 m spacing of GB 50974-2014 §7.2.5 (mandatory in the \
         urban districts 柯中 and 柯北).\n\
         - Suburban hydrants stand about 230 m apart (reported; the spacing target binds \
         the urban districts); 南部山区 has no hydrant, only suction points on the river and \
         a tank in every other hill village: `water_gaps.csv` lists each place beyond \
         hydrant reach with the nearest static source.\n",
        sources.len(),
    )
}

fn findings() -> String {
    let mut staff = Vec::new();
    let mut flow = Vec::new();
    let mut pickup = Vec::new();
    let (mut ff, mut other) = (0, 0);
    let mut no_drone = Vec::new();
    let mut drone_unknown = Vec::new();
    let mut capability = Vec::new();
    for s in &STATIONS {
        let min_staff = match s.class {
            "special" => 45,
            "class1" => 30,
            "class2" => 20,
            "logistics" => 15,
            _ => 10,
        };
        if s.staff < min_staff {
            staff.push(format!("{} ({}, {} < {min_staff})", s.id, s.class, s.staff));
        }
        let v = vehicles_of(s);
        let lps: u32 = v.iter().map(|x| x.1 * x.2.unwrap_or(0)).sum();
        let min_flow = match s.class {
            "special" => Some(330),
            "class1" => Some(270),
            "class2" => Some(160),
            "logistics" => Some(490),
            _ => None,
        };
        if let Some(m) = min_flow.filter(|&m| lps < m) {
            flow.push(format!("{} ({lps} < {m} L/s)", s.id));
        }
        if !v.iter().any(|x| x.0 == "pickup") {
            pickup.push(s.id);
        }
        ff += v.iter().filter(|x| x.3).map(|x| x.1).sum::<u32>();
        other += v.iter().filter(|x| !x.3).map(|x| x.1).sum::<u32>();
        match s.drone {
            Some(1) => {}
            Some(_) => no_drone.push(s.id),
            None => drone_unknown.push(s.id),
        }
        if let Ok(c) = support_of(s).1.parse::<u32>() {
            if c < 100 {
                capability.push(format!("{} ({c} < 100 persons)", s.id));
            }
        }
    }
    format!(
        "With `region = \"keqiao\"` (scenarios/demo.toml) the Keqiao (004) and Zhejiang (000) \
         documents and the national standards apply; Shanxi's (002) do not.\n\n\
         Mandatory failures put in on purpose:\n\n\
         - Staff below the seed-004 minima (special 45, class 1 30, class 2 20, forward 10, \
         logistics 15): {}.\n\
         - Pump flow below the class standard (special 330, class 1 270, class 2 160, \
         logistics 490 L/s): {}.\n\
         - No light pickup fire truck: {}.\n\
         - The fleet's fire-fighting : other vehicles is {ff} : {other} = {:.2}, above the 1 : 1 \
         that seed 000 reaches by adding other vehicles.\n\
         - No drone hangar (drone = 0): {}.\n\
         - Logistics-support capability below the county level's 100 persons: {}.\n\
         - Declared in scenarios/demo.toml: the district command centre has 18 of 20 staff, \
         the 华舍 town command centre 4 of 6, and fire deaths are 0.05 per 100,000 (the limit \
         is below 0.047).\n\n\
         Goal shortfalls put in on purpose: no station in the key areas 滨海新区工业园 and \
         兰亭景区 (`areas.geojson`) and in the dense residential area 华舍居民集聚区 \
         (`risk_sites.csv`).\n\n\
         Special-risk sites (`risk_sites.csv`, issue 15): the chemical park 滨海化工园区 \
         (RS02) has no special-service station inside it and its first-due station is not \
         one (002 §五(四) binds Shanxi; scenarios/demo.toml adopts it as its own goal, the \
         local target `chemical_park_special_station_local`, so it is a goal shortfall \
         there, a failure where 002 binds), while 马鞍化工园区 (RS01) holds \
         KQ02 马鞍特勤站; the dense residential area 华舍居民集聚区 (RS06) holds no forward \
         station (004 §六(二), goal).\n\n\
         No data on purpose (an empty cell is neither a pass nor a failure): drone hangar \
         not recorded at {}.\n\n\
         The geography adds what no generator rule decides: first-due areas whose edge the \
         crew does not reach in 5 minutes (urban 柯中 and 柯北) and suburban first-due areas \
         above 15 km² (mandatory), and the goals' shortfalls (the 5-minute circle of the \
         urban districts, first-due areas above 7 / 4 km² in the city). `fireplan check \
         scenarios/demo.toml` lists them. {OFF_ROAD_HILL} incidents in the hills lie \
         550 m – 1.4 km from any road (off-network: not reached).\n",
        staff.join(", "),
        flow.join(", "),
        pickup.join(", "),
        ff as f64 / other as f64,
        no_drone.join(", "),
        capability.join(", "),
        drone_unknown.join(", "),
    )
}

/// The villages' deliberate gaps (seed 000 专栏6 and the volunteer-team clause).
fn village_gaps(v: &crate::villages::DemoVillages) -> String {
    format!(
        "Villages (`villages.csv`, `[villages]` in scenarios/demo.toml, point radius 1 km):\n\n\
         - Mandatory failures: administrative villages over 1,000 residents without a micro \
         fire station (000 专栏6): {}.\n\
         - Goal shortfalls: villages over 1,000 residents without a volunteer fire team: {}.\n",
        v.micro_gaps().join(", "),
        v.volunteer_gaps().join(", "),
    )
}

fn readme(o: &Outputs) -> String {
    let (by_class, cov, dropped) = (o.by_class, o.coverage, o.dropped);
    let mut classes = String::new();
    for (c, (n, l)) in by_class {
        let _ = writeln!(classes, "| {c} | {n} | {l:.0} |");
    }
    let mut table = String::new();
    for c in cov {
        let _ = writeln!(
            table,
            "| {} | {} | {:.0} | {} | {:.1} % | {:.0} | {:.0} | {} |",
            c.name,
            c.kind,
            c.area_km2,
            c.incidents,
            100.0 * c.covered as f64 / c.incidents as f64,
            c.p50,
            c.p90,
            c.off_network
        );
    }
    let mut stations = String::new();
    for s in &STATIONS {
        let _ = writeln!(
            stations,
            "| {} | {} | {} | {} | {} |",
            s.id,
            s.name,
            s.class,
            s.staff,
            s.turnout_s
                .map(|t| t.to_string())
                .unwrap_or_else(|| "(60)".to_string())
        );
    }
    let (n_all, c_all): (usize, usize) = cov
        .iter()
        .fold((0, 0), |a, c| (a.0 + c.incidents, a.1 + c.covered));
    format!(
        r#"# Demo district: 柯桥示范区 — SYNTHETIC DATA

**Everything in this folder is synthetic.** It is not real data about Keqiao District, its
roads, fire stations, staff, vehicles or incidents. It is a made-up district placed near
Keqiao, Shaoxing (about 120.30–120.60 E, 29.90–30.20 N, ~960 km²) and shaped after the
structure the Keqiao fire-safety opinions describe (seed document 004): seven rescue
districts, the "2+7+13" station system, a 5-minute rescue circle that the core meets and
the hills and the industrial edge do not. Names of places and stations are borrowed for
flavour only; positions, roads and numbers are invented. Do not use it for any real
decision.

## How it was made

Generated by the project's own deterministic generator:

```sh
cargo run --release --example gen_demo -- maps/demo
```

Source: `examples/gen_demo.rs`, random seed `{SEED}` (ChaCha8). The same seed gives
byte-identical files (on the same platform). The generator builds street lattices (a dense grid with one-way
pairs in the core 柯中, a new town north of it, towns, a large-block industrial zone in
马鞍, villages), rural roads, winding hill roads with low posted limits in 南部山区, two
expressways with a few diamond interchanges, canals (浙东运河, 直落江) and a river
(西小江) that roads cross only at bridges, joins crossing roads into junctions (the
expressways only at their ramps), keeps the largest strongly connected component
({dropped} nodes of small cut-off pieces removed, so the engine drops none) and writes
the files below. It then checks the 5-minute coverage with its own search (table at the
end).

## Files

| file | content |
| --- | --- |
| `nodes.csv` | road nodes: `id, lon, lat` (WGS-84, 7 decimals); {nodes} nodes |
| `edges.csv` | road segments: `from, to, highway, oneway` (yes/no), `maxspeed_kmh` (set on hill roads, ramps and expressways); no `length_m`, so lengths are haversine; {edges} edges |
| `districts.geojson` | the 7 rescue districts (救援片区), polygons that tile the box without gaps or overlaps; properties `name`, `kind` (urban / suburban / rural) |
| `stations.csv` | 28 stations — 2 special (特勤站), 7 class 1, 13 class 2, 4 forward (前置站), 2 logistics support (战勤保障站): `id, name, class, lon, lat, district, staff, turnout_s` (empty = scenario default), `drone` (0/1, empty = unknown), `status`, and for the logistics-support stations `support_level` and `support_capacity_persons` (KQ27 120, KQ28 80) |
| `vehicles.csv` | vehicles per station: `station_id, kind, count, pump_flow_lps` (per vehicle), `firefighting` (0/1) |
| `depots.csv` | reserve depots: a county depot (capacity 100) and a city depot at the east edge, towards Shaoxing city (capacity 200) |
| `incidents.csv` | {n_inc} incidents of {YEAR}: `id, lon, lat, kind` (building_fire, vehicle_fire, rescue, hazmat, other), `time` (ISO 8601, +08:00; more by day than by night, more in winter), `weight` = 1 |
| `waterways.geojson` | the canals and the river as lines (a reference layer for maps; the engine does not read it) |
| `water_sources.csv` | fire water sources (`[water]`): `id, lon, lat, kind` (hydrant, suction_point, water_tank), `status` (in_service / out_of_service), `flow_lps`, `last_inspected`; {n_hydrants} hydrants ({n_broken} out of service) at the street junctions of the urban and suburban districts, {n_suction} suction points on the canals and the river, {n_tanks} water tanks in hill villages |
| `areas.geojson` | key areas of seed 004 §六(二) where forward duty stations belong (`[areas]`): properties `name`, `kind` (industrial_park, business_district, scenic_area, residential); 滨海新区工业园 and 兰亭景区 hold no station |
| `villages.csv` | {n_vil} villages (行政村, and 自然村 among the hill villages under 700 residents) with residents: `id, name, lon, lat, population, kind` (`[villages]`); {n_big} have more than 1,000 residents. Their {n_micro} micro fire stations (微型消防站, class `micro`, `VM…`) and {n_vol} volunteer fire teams (志愿消防队, class `volunteer`, `VT…`) are the rows after KQ28 in `stations.csv`; they take no part in response coverage |
| `risk_sites.csv` | special-risk sites (`[areas] sites`), points with a radius: `id, name, lon, lat, kind, radius_m`; two chemical parks (滨海化工园区 without a special station: a gap), a high-rise district, a forest, a water body, a dense residential area without a station |

Road network by class:

| highway | edges | km |
| --- | --- | --- |
{classes}
Stations:

| id | name | class | staff | turnout s |
| --- | --- | --- | --- | --- |
{stations}
## What the checks should find (on purpose)

{findings}
{water_findings}
{village_gaps}
## The story (the generator's own check)

Response = turnout (60 s unless the station sets `turnout_s`) + travel at the emergency
speeds of DESIGN §3 from the station's snap point to the incident's snap point, access
legs at 15 km/h; threshold 300 s; logistics-support stations excluded; off-network
incidents counted as not reached.

| district | kind | km² | incidents | within 5 min | p50 s | p90 s | off-network |
| --- | --- | --- | --- | --- | --- | --- | --- |
{table}
Overall {pct:.1} % of {n_all} incidents within 5 minutes: the core (柯中) meets the
5-minute standard almost everywhere; the hills (南部山区) and the industrial zone's newer
northern and eastern edge in 马鞍 do not. The engine's own figures may differ slightly
from this independent check.
"#,
        nodes = o.g.nodes.len(),
        edges = o.g.edges.len(),
        n_inc = o.incidents.len(),
        findings = findings(),
        water_findings = water_findings(o.water_sources),
        n_hydrants = o
            .water_sources
            .iter()
            .filter(|w| w.kind == "hydrant")
            .count(),
        n_broken = o.water_sources.iter().filter(|w| !w.in_service).count(),
        n_suction = o
            .water_sources
            .iter()
            .filter(|w| w.kind == "suction_point")
            .count(),
        n_tanks = o
            .water_sources
            .iter()
            .filter(|w| w.kind == "water_tank")
            .count(),
        n_vil = o.villages.villages.len(),
        n_big = o
            .villages
            .villages
            .iter()
            .filter(|v| v.population > 1000)
            .count(),
        n_micro = o
            .villages
            .forces
            .iter()
            .filter(|f| f.class == "micro")
            .count(),
        n_vol = o
            .villages
            .forces
            .iter()
            .filter(|f| f.class == "volunteer")
            .count(),
        village_gaps = village_gaps(o.villages),
        pct = 100.0 * c_all as f64 / n_all as f64,
    )
}
