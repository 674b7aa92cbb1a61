//! Service areas (isochrone polygons): a hand-computed polygon on one straight road
//! (area = reached length × 2 × trim + π trim²), the breaks a planner reads, and on a grid
//! of roads the properties every service area must have: a larger break's polygon holds
//! the smaller's, the merged polygon holds every station's.

mod common;

use fireplan::coverage::service_areas::{
    service_areas, service_areas_in_batches, ServiceArea, CELL_M, TRIM_M,
};
use fireplan::coverage::PlacedStation;
use fireplan::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment};
use fireplan::network::{Network, Profile, SnapPoint};
use fireplan::params::NetworkParams;
use geo::{Area, BooleanOps, Contains, MultiPolygon, Point};

/// Metres per degree on the mean sphere, so node positions can be written in metres.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

fn node(id: i64, x_m: f64, y_m: f64) -> RawNode {
    RawNode {
        id,
        lon: x_m / M_PER_DEG,
        lat: y_m / M_PER_DEG,
    }
}

fn seg(from: u32, to: u32, hw: &str, len: f64) -> RawSegment {
    RawSegment {
        from,
        to,
        highway: Highway::parse(hw).unwrap(),
        oneway: Oneway::Both,
        maxspeed_kmh: None,
        length_m: len,
        limits: Default::default(),
    }
}

/// A station standing at `fraction` of segment `segment`, responding `offset_s` after the
/// call at its snap point.
fn placed(net: &Network, segment: u32, fraction: f64, offset_s: f64) -> PlacedStation {
    let s = &net.segments[segment as usize];
    let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
    PlacedStation {
        station: 0,
        snap: SnapPoint {
            segment,
            fraction,
            access_m: 0.0,
            lon: a.lon + fraction * (b.lon - a.lon),
            lat: a.lat + fraction * (b.lat - a.lat),
        },
        offset_s,
    }
}

#[test]
fn one_straight_road_gives_a_stadium_of_known_area() {
    // n0 —primary 2000 m— n1: 144 s end to end (50 km/h, as tests/engine.rs). A station
    // in the middle answering after 60 s; by 96 s it has driven 36 s = 500 m each way, so
    // the reached road is 1000 m long and its service area a stadium:
    // 1000 × 2 × 100 + π 100² = 231,415.9 m².
    let raw = RawNetwork {
        nodes: vec![node(1, 0.0, 0.0), node(2, 2000.0, 0.0)],
        segments: vec![seg(0, 1, "primary", 2000.0)],
        ..RawNetwork::default()
    };
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    assert!((net.segments[0].time_ab_s as f64 - 144.0).abs() < 1e-3);
    let st = placed(&net, 0, 0.5, 60.0);
    let areas = service_areas(&net, &[st], &[96.0, 300.0], TRIM_M);
    // Station 0 at both breaks, then the merged areas at both breaks.
    let key: Vec<(Option<u32>, f64)> = areas.iter().map(|a| (a.origin, a.break_s)).collect();
    assert_eq!(
        key,
        [
            (Some(0), 96.0),
            (Some(0), 300.0),
            (None, 96.0),
            (None, 300.0)
        ]
    );
    let expected_m2 = 1000.0 * 2.0 * TRIM_M + std::f64::consts::PI * TRIM_M * TRIM_M;
    let a = &areas[0];
    assert!((a.road_km - 1.0).abs() < 1e-9, "{}", a.road_km);
    // Drawn on a 20 m raster (cells whose centre is within the trim): the straight part
    // is exact here (the road and its ends lie on cell edges), the round caps within a
    // few cells: 1 % of the area.
    let rel = (a.area_km2 * 1e6 - expected_m2) / expected_m2;
    assert!(rel.abs() < 0.01, "{} m² vs {expected_m2}", a.area_km2 * 1e6);
    assert_eq!(a.shape.0.len(), 1);
    assert!(a.shape.0[0].interiors().is_empty());
    // Its extent: 500 + 100 m either side of the station along the road, 100 m across,
    // to the cell.
    let r = geo::BoundingRect::bounding_rect(&a.shape).unwrap();
    let (w_m, h_m) = (r.width() * M_PER_DEG, r.height() * M_PER_DEG);
    assert!((w_m - 1200.0).abs() <= CELL_M + 1e-6, "{w_m}");
    assert!((h_m - 200.0).abs() <= CELL_M + 1e-6, "{h_m}");
    // By 300 s the whole road (2000 m) is reached: one stadium over the whole road.
    let whole = 2000.0 * 2.0 * TRIM_M + std::f64::consts::PI * TRIM_M * TRIM_M;
    assert!((areas[1].road_km - 2.0).abs() < 1e-9);
    assert!(((areas[1].area_km2 * 1e6 - whole) / whole).abs() < 0.01);
    // One station: the merged area is its own.
    assert!((areas[2].area_km2 - areas[0].area_km2).abs() < 1e-9);
    // A break before the station answers reaches nothing.
    let none = service_areas(&net, &[placed(&net, 0, 0.5, 60.0)], &[30.0], TRIM_M);
    assert!(none[0].shape.0.is_empty() && none[0].area_km2 == 0.0);
}

/// Area of `a` outside `b`, m² (lon/lat degrees² scaled at the equator).
fn outside_m2(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    a.difference(b).unsigned_area() * M_PER_DEG * M_PER_DEG
}

#[test]
fn larger_breaks_and_the_merged_area_contain_the_smaller() {
    // A 6 × 6 grid of 400 m blocks: residential roads, one primary avenue across the
    // middle; three stations with different times before the wheels turn.
    let n = 6u32;
    let mut nodes = Vec::new();
    for y in 0..n {
        for x in 0..n {
            nodes.push(node((y * n + x) as i64, x as f64 * 400.0, y as f64 * 400.0));
        }
    }
    let mut segments = Vec::new();
    for y in 0..n {
        for x in 0..n {
            let i = y * n + x;
            let hw = if y == 2 { "primary" } else { "residential" };
            if x + 1 < n {
                segments.push(seg(i, i + 1, hw, 400.0));
            }
            if y + 1 < n {
                segments.push(seg(i, i + n, "residential", 400.0));
            }
        }
    }
    let raw = RawNetwork {
        nodes,
        segments,
        ..RawNetwork::default()
    };
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    let stations = [
        placed(&net, 0, 0.3, 60.0),
        placed(&net, 25, 0.5, 75.0),
        placed(&net, 50, 0.9, 45.0),
    ];
    let breaks = [120.0, 180.0, 300.0];
    let areas = service_areas(&net, &stations, &breaks, TRIM_M);
    assert_eq!(areas.len(), (stations.len() + 1) * breaks.len());
    // Taken a station or two at a time (a province's stations are), the areas are the
    // same: each station's, and the merged ones built up batch by batch.
    for at_once in [1, 2] {
        let batched = service_areas_in_batches(&net, &stations, &breaks, TRIM_M, at_once);
        assert_eq!(batched.len(), areas.len());
        for (a, b) in areas.iter().zip(&batched) {
            assert_eq!((a.origin, a.break_s), (b.origin, b.break_s));
            assert_eq!(
                (a.area_km2, a.road_km),
                (b.area_km2, b.road_km),
                "{at_once}"
            );
            assert_eq!(
                a.shape, b.shape,
                "{:?} {} by {at_once}",
                a.origin, a.break_s
            );
        }
    }
    let get = |o: Option<u32>, b: f64| -> &ServiceArea {
        areas
            .iter()
            .find(|a| a.origin == o && a.break_s == b)
            .unwrap()
    };
    let mut grew = 0;
    for o in (0..stations.len() as u32).map(Some).chain([None]) {
        for w in breaks.windows(2) {
            let (small, large) = (get(o, w[0]), get(o, w[1]));
            assert!(small.area_km2 > 0.0, "{o:?} {}", w[0]);
            assert!(large.area_km2 >= small.area_km2);
            assert!(large.road_km >= small.road_km);
            // Unions of cells of one grid: nothing of the smaller lies outside (up to
            // floating-point noise of the overlay).
            let out = outside_m2(&small.shape, &large.shape);
            assert!(out < 1.0, "{o:?} {} outside {}: {out} m²", w[0], w[1]);
            grew += (large.area_km2 > small.area_km2 + 1e-6) as usize;
        }
    }
    assert!(grew > 0);
    for &b in &breaks {
        let all = get(None, b);
        let mut sum = 0.0;
        for o in 0..stations.len() as u32 {
            let one = get(Some(o), b);
            assert!(all.area_km2 >= one.area_km2 - 1e-9);
            let out = outside_m2(&one.shape, &all.shape);
            assert!(
                out < 1.0,
                "station {o} at {b}: {out} m² outside the merged area"
            );
            sum += one.area_km2;
        }
        // The union is no larger than the sum of its parts.
        assert!(all.area_km2 <= sum + 1e-9);
    }
    // Each station's own point lies inside its smallest service area.
    for (o, st) in stations.iter().enumerate() {
        let p = Point::new(st.snap.lon, st.snap.lat);
        assert!(get(Some(o as u32), 120.0).shape.contains(&p), "station {o}");
    }
}

/// The merged areas drawn from the coverage's envelope (how a run of more than 2,000
/// stations draws them, without a search per station) against the union of every
/// station's own search, on the demo: the same polygons, to the bit.
#[test]
fn merged_areas_from_the_coverage_are_the_union_of_every_stations_search() {
    use fireplan::coverage::service_areas::merged_areas;
    let scenario =
        fireplan::params::Scenario::load(&common::root().join("scenarios/demo.toml")).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let net = &run.prepared.network;
    let breaks = scenario.map.response_bands_s(&run.coverage.params);
    assert_eq!(breaks, vec![180.0, 300.0, 480.0]);
    let searched: Vec<ServiceArea> = service_areas(net, &run.coverage.origins, &breaks, TRIM_M)
        .into_iter()
        .filter(|a| a.origin.is_none())
        .collect();
    let from_coverage = merged_areas(
        net,
        &run.coverage.reached_pieces(net, &breaks),
        &breaks,
        TRIM_M,
    );
    assert_eq!(searched.len(), 3);
    for (a, b) in searched.iter().zip(&from_coverage) {
        assert_eq!(a.break_s, b.break_s);
        assert!(a.area_km2 > 10.0, "{} s: {} km²", a.break_s, a.area_km2);
        assert_eq!(
            (a.area_km2, a.road_km),
            (b.area_km2, b.road_km),
            "{} s",
            a.break_s
        );
        assert_eq!(a.shape, b.shape, "{} s", a.break_s);
    }
}
