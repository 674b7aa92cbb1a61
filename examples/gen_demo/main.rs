//! Deterministic generator of the bundled **synthetic** demo district (`maps/demo/`,
//! DESIGN §12): a made-up district modelled on the structure the Keqiao document (seed 004)
//! describes — seven rescue districts, a road hierarchy with an expressway, canals and a
//! river crossed only at bridges, the "2+7+13" station system, depots and a year of
//! incidents.
//!
//! Run: `cargo run --release --example gen_demo -- maps/demo`
//!
//! The same seed always gives byte-identical files on the same platform (no hash-map
//! iteration reaches the output; coordinates are written with 7 decimals; a different
//! maths library could in principle change a last digit, since `sin`/`cos` are not
//! correctly rounded everywhere).
//!
//! The generator draws its roads in a local metric frame; everything about travel times
//! is the library's (`fireplan::network`, DESIGN §3): the written nodes and edges are read
//! back as a `RawNetwork`, `Network::build` keeps the largest strongly connected component
//! (the generator removes the rest and prints how many nodes that dropped), and the
//! 5-minute demand coverage per rescue district is checked with the engine's snapping
//! (`SnapIndex`, 15 km/h access legs) and search (`Dijkstra`), 60 s turnout — so the
//! story the demo tells (the core meets 5 minutes, the hills and the industrial edge do
//! not) is checked every time the data is regenerated.
//!
//! Stages, in order, one module each: frame and districts (`geometry`, `districts`) →
//! water → places (street lattices of the core, towns, the industrial zone: `lattice`,
//! `places`) → rural roads → regional and hill roads (`regional`) → expressways with
//! interchanges (`motorway`) → villages and service roads (all sequenced by `layout`) →
//! noding (junctions where surface roads cross; cuts where roads cross water or the
//! expressway without a bridge: `noding`) → largest SCC (`routing`) → stations and depots
//! (`stations`) → incidents (`incidents`) → coverage check (`check`) → files (`files`) →
//! the maps' context layers (`context`).
//!
//! Development aid: with `GEN_DEMO_DEBUG_RESPONSE=path.csv` the response time of every
//! node (`id,response_s`) is written there too, for plotting while tuning the layout.

mod check;
mod context;
mod districts;
mod files;
mod geometry;
mod incidents;
mod lattice;
mod layout;
mod motorway;
mod noding;
mod places;
mod regional;
mod roads;
mod routing;
mod stations;
mod villages;
mod water_sources;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use districts::build_districts;
use geometry::{km, ring_area, Frame, LAT0, LON0, P, SPAN_DEG};
use layout::build_layout;
use noding::{node_network, prune};
use routing::Roads;
use stations::{site_on_road, DEPOTS, STATIONS};

/// The fixed seed (the date of the Keqiao document, seed 004).
const SEED: u64 = 20231229;
/// Year of the synthetic incident records.
const YEAR: i32 = 2025;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "maps/demo".to_string()),
    );
    std::fs::create_dir_all(&out)?;
    let fr = Frame::new();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    println!("fireplan synthetic demo district, seed {SEED}, box {LON0}–{:.2} E, {LAT0}–{:.2} N ({:.1} × {:.1} km)", LON0 + SPAN_DEG, LAT0 + SPAN_DEG, fr.w / 1000.0, fr.h / 1000.0);

    // Districts.
    let ds = build_districts(&fr);
    let total_area: f64 = ds.iter().map(|d| ring_area(&d.ring)).sum::<f64>() / 1e6;
    println!(
        "districts: {} tiles, {:.1} km² (box {:.1} km²)",
        ds.len(),
        total_area,
        fr.w * fr.h / 1e6
    );

    // Roads.
    let lay = build_layout(&fr, &ds, &mut rng);
    println!(
        "layout: {} ways, {} places (incl. {} villages), {} factory roads",
        lay.net.ways.len(),
        lay.places.len(),
        lay.villages.len(),
        lay.industrial_spurs
    );
    for m in &lay.motorways {
        let first = m.interchanges.first().expect("interchanges");
        let last = m.interchanges.last().expect("interchanges");
        println!(
            "expressway {}: {:.1} km between its terminal interchanges, {} interchanges",
            m.name,
            (last - first) / 1000.0,
            m.interchanges.len()
        );
    }
    let (g, cut_w, cut_m) = node_network(&lay.net, &lay.barriers, &mut rng);
    println!("noded: {} nodes, {} edges; segments cut at water without bridge: {cut_w}, at the expressway: {cut_m}", g.nodes.len(), g.edges.len());

    // The largest strongly connected component, as the engine will find it.
    let keep = routing::largest_scc(&g, &fr);
    let dropped = keep.iter().filter(|k| !**k).count();
    let mut dropped_by: BTreeMap<String, usize> = BTreeMap::new();
    for e in &g.edges {
        if !keep[e.from as usize] || !keep[e.to as usize] {
            *dropped_by.entry(e.hw.tag()).or_default() += 1;
        }
    }
    println!(
        "largest strongly connected component: {} of {} nodes; {dropped} would be dropped by the engine (removed here; edges by class: {dropped_by:?})",
        g.nodes.len() - dropped,
        g.nodes.len()
    );
    let g = prune(g, &keep);
    let roads = Roads::new(&g, &fr);
    let mut by_class: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for (k, e) in g.edges.iter().enumerate() {
        let c = by_class.entry(e.hw.tag()).or_default();
        c.0 += 1;
        c.1 += roads.len_m(k) / 1000.0;
    }
    println!(
        "network: {} nodes, {} edges ({} one-way), {:.0} km of road",
        g.nodes.len(),
        g.edges.len(),
        g.edges.iter().filter(|e| e.oneway).count(),
        roads.raw.segments.iter().map(|s| s.length_m).sum::<f64>() / 1000.0
    );
    for (c, (n, l)) in &by_class {
        println!("  {c:<14} {n:>6} edges {l:>8.1} km");
    }

    // Stations and depots next to roads.
    let station_pts: Vec<P> = STATIONS
        .iter()
        .map(|s| site_on_road(&fr, &roads, &g, km(s.at.0, s.at.1)))
        .collect();
    let depot_pts: Vec<P> = DEPOTS
        .iter()
        .map(|d| site_on_road(&fr, &roads, &g, km(d.3 .0, d.3 .1)))
        .collect();

    // Incidents.
    let incidents = incidents::make_incidents(&fr, &ds, &lay, &g, &roads, &mut rng);

    // Coverage check (DESIGN §3): turnout (60 s unless set) + travel + access legs.
    let coverage = check::coverage(&fr, &ds, &g, &roads, &station_pts, &incidents)?;

    // Last, from their own random stream: the files above do not depend on them.
    let sources = water_sources::water_sources(SEED, &ds, &g, &lay.water, &lay.villages);
    // Villages' residents and forces: their own random stream, after everything else.
    let vil = villages::make_villages(&g, &lay.villages);

    files::write_all(
        &out,
        &files::Outputs {
            fr: &fr,
            ds: &ds,
            water: &lay.water,
            g: &g,
            roads: &roads,
            stations: &station_pts,
            depots: &depot_pts,
            incidents: &incidents,
            by_class: &by_class,
            coverage: &coverage,
            dropped,
            water_sources: &sources,
            villages: &vil,
        },
    )?;
    // The maps' context layers (water areas, land use, place names): no randomness.
    context::write_context(&out, &fr, &ds, &lay.places, &lay.water)?;
    Ok(())
}
