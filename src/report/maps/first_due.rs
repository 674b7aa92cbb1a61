//! First-due map (辖区图): each station's first-due area in its own colour (neighbouring
//! areas never share a colour), with the station's name and area in km².

use std::collections::HashMap;

use geo::{unary_union, Area, Centroid, Coord, MapCoords, MultiPolygon};

use super::frame::Frame;
use super::labels::{symbol_radius, LabelRequest, Priority};
use super::roads::RoadLayer;
use super::scene::{ascii_or, class_symbol, hex, Prim, Scene, Swatch};
use super::MapOptions;
use crate::coverage::area::CellPiece;
use crate::run::RunResult;

/// Pastel fills, distinct enough side by side.
pub const PALETTE: [u32; 12] = [
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5, 0xd9d9d9,
    0xbc80bd, 0xccebc5, 0xffed6f,
];

/// Greedy colouring of the first-due areas: areas whose cells touch get different colours.
pub fn colours(run: &RunResult) -> Vec<usize> {
    let cov = &run.coverage;
    let n = cov.origins.len();
    let mut at: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
    for (c, r) in cov.cells.iter().zip(&cov.cell_results) {
        if let Some(o) = r.owner {
            at.entry((c.row, c.col)).or_default().push(o);
        }
    }
    let mut adj = vec![std::collections::BTreeSet::new(); n];
    for (&(row, col), owners) in &at {
        for (dr, dc) in [(0, 1), (1, 0), (1, 1), (1, -1), (0, 0)] {
            if let Some(other) = at.get(&(row + dr, col + dc)) {
                for &a in owners {
                    for &b in other {
                        if a != b {
                            adj[a as usize].insert(b as usize);
                            adj[b as usize].insert(a as usize);
                        }
                    }
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&o| std::cmp::Reverse(adj[o].len()));
    let mut col = vec![usize::MAX; n];
    for o in order {
        let used: Vec<usize> = adj[o].iter().map(|&b| col[b]).collect();
        col[o] = (0..PALETTE.len())
            .find(|c| !used.contains(c))
            .unwrap_or(o % PALETTE.len());
    }
    col
}

/// The first-due areas as lon/lat multipolygons, per origin.
pub fn areas(run: &RunResult) -> Vec<MultiPolygon<f64>> {
    let cov = &run.coverage;
    let cell_m = cov.params.grid_cell_m;
    let proj = &run.prepared.network.projection;
    let mut by: Vec<Vec<&CellPiece>> = vec![Vec::new(); cov.origins.len()];
    for (c, r) in cov.cells.iter().zip(&cov.cell_results) {
        if let Some(o) = r.owner {
            by[o as usize].push(c);
        }
    }
    by.iter()
        .map(|cells| {
            let shapes: Vec<MultiPolygon<f64>> = cells.iter().map(|c| c.shape(cell_m)).collect();
            unary_union(&shapes).map_coords(|c: Coord<f64>| {
                let (lon, lat) = proj.unproject([c.x, c.y]);
                Coord { x: lon, y: lat }
            })
        })
        .collect()
}

/// Pushes a lon/lat multipolygon as filled pixel polygons (holes are drawn over in
/// `hole` colour) and its outline.
pub fn push_area(
    fr: &Frame,
    sc: &mut Scene,
    mp: &MultiPolygon<f64>,
    fill: plotters::style::RGBColor,
    outline: Option<(plotters::style::RGBColor, u32)>,
) {
    for poly in &mp.0 {
        let ring: Vec<(i32, i32)> = poly.exterior().0.iter().map(|c| fr.px(c.x, c.y)).collect();
        sc.layer("first-due").push(Prim::Polygon {
            pts: ring.clone(),
            fill,
            opacity: 1.0,
        });
        for hole in poly.interiors() {
            let h: Vec<(i32, i32)> = hole.0.iter().map(|c| fr.px(c.x, c.y)).collect();
            sc.layer("first-due").push(Prim::Polygon {
                pts: h,
                fill: hex(super::context::PAPER),
                opacity: 1.0,
            });
        }
        if let Some((c, w)) = outline {
            sc.layer("first-due-outlines").push(Prim::Path {
                pts: ring,
                color: c,
                width: w,
            });
        }
    }
}

/// The first-due map.
pub fn scene(run: &RunResult, opts: &MapOptions, date: &str) -> Scene {
    let net = &run.prepared.network;
    let fr = Frame::for_run(opts, run);
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &run.inputs.context);
    let cols = colours(run);
    let areas = areas(run);
    for (o, mp) in areas.iter().enumerate() {
        push_area(
            &fr,
            &mut sc,
            mp,
            hex(PALETTE[cols[o]]),
            Some((hex(0x6a6a6a), fr.s(2.0) as u32)),
        );
    }
    // Roads faintly on top for context.
    let w = fr.s(1.5) as u32;
    let mut roads = RoadLayer::new(fr.width, fr.height);
    for s in &net.segments {
        if !matches!(
            s.highway.tag().trim_end_matches("_link"),
            "motorway" | "trunk" | "primary" | "secondary"
        ) {
            continue;
        }
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        roads.push(
            0,
            w,
            fr.px(a.lon, a.lat),
            fr.px(b.lon, b.lat),
            hex(0x9a9a9a),
        );
    }
    roads.draw(&mut sc, "roads");
    super::closures::draw_roads(&fr, &mut sc, &run.prepared);
    fr.districts(&mut sc, &run.inputs.districts, false);
    super::response::stations(&fr, &mut sc, run, false);
    let closed = super::closures::draw_marks(&fr, &mut sc, &run.prepared);
    // Labels: station name and area, at the station (or the area's centre when the
    // station stands outside its own area's largest part); none beyond a readable number.
    let labelled = run.coverage.origins.len() <= super::response::MAX_LABELLED_STATIONS;
    for (o, (p, mp)) in run
        .coverage
        .origins
        .iter()
        .zip(&areas)
        .enumerate()
        .filter(|_| labelled)
    {
        let st = &run.inputs.stations[p.station];
        let fd = &run.coverage.first_due[o];
        let at = if mp.unsigned_area() > 0.0 {
            fr.px(st.location.x(), st.location.y())
        } else {
            match mp.centroid() {
                Some(c) => fr.px(c.x(), c.y()),
                None => fr.px(st.location.x(), st.location.y()),
            }
        };
        let name = fr.lang.pick(&st.name, &st.id);
        let fb = ascii_or(name, &st.id);
        let area = format!("{:.1} km²", fd.area_km2);
        let (shape, _, size) = class_symbol(st.class);
        let mut req = LabelRequest::point(
            "labels",
            at,
            symbol_radius(shape, fr.s(size as f64), fr.s(4.0)),
            name,
            &fb,
            27.0 * fr.u,
            hex(0x101010),
            Priority::Station,
        );
        req.second = Some((area, 24.0 * fr.u, hex(0x303030)));
        sc.label(req);
    }
    let mut legend = vec![(
        Swatch::Fill(hex(PALETTE[0])),
        fr.lang
            .pick(
                "各站辖区（相邻辖区颜色不同）",
                "First-due area of a station",
            )
            .to_string(),
        "First-due area of a station".to_string(),
    )];
    legend.extend(super::response::station_legend(&fr, run));
    legend.extend(closed);
    legend.push((
        Swatch::Line(hex(0x404040), fr.s(5.0) as u32),
        fr.lang.pick("救援片区边界", "Rescue district").to_string(),
        "Rescue district".to_string(),
    ));
    legend.push((
        Swatch::Line(hex(0x9a9a9a), fr.s(3.0) as u32),
        fr.lang.pick("主要道路", "Major road").to_string(),
        "Major road".to_string(),
    ));
    fr.decorate(
        &mut sc,
        ("消防站辖区图", "First-due areas"),
        run,
        date,
        &legend,
    );
    super::labels::finish(&mut sc);
    sc
}
