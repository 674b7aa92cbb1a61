//! The page frame of a map: layout, the lon/lat → pixel transform, district outlines and
//! roads, and the decorations (title, legend, scale bar, north arrow, attribution, date).

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::WHITE;

use super::labels::{area_spots, label_point, text_box, text_width, LabelRequest, Priority};
use super::roads::RoadLayer;
use super::scene::{ascii_or, hex, ring_points, shape_points, text, Prim, Scene, Shape, Swatch};
use super::Lang;
use crate::model::District;
use crate::network::Network;
use crate::params::{NetworkSource, Scenario};
use crate::run::RunResult;

/// The share of the map a crowd of symbols of one kind may cover ([`Frame::crowd_scale`]).
pub const CROWD_COVER_SHARE: f64 = 0.1;

/// More districts than this and the map outlines them without names.
pub const MAX_NAMED_DISTRICTS: usize = 200;

/// Page layout and projection of one map.
pub struct Frame {
    pub width: u32,
    pub height: u32,
    /// Map area in pixels: left, top, right, bottom.
    pub map: (i32, i32, i32, i32),
    /// Pixels per metre.
    pub px_per_m: f64,
    lon_min: f64,
    lat_max: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
    /// Size unit: 1.0 at 2480 px width.
    pub u: f64,
    pub lang: Lang,
}

impl Frame {
    /// Lays out a page `width` px wide around the lon/lat box of the districts and the
    /// network.
    pub fn new(width: u32, net: &Network, districts: &[District], lang: Lang) -> Frame {
        Frame::around(width, net, districts, &[], lang)
    }

    /// As [`Frame::new`], the box grown to take in the run's stations and depots too.
    pub fn for_run(width: u32, run: &RunResult, lang: Lang) -> Frame {
        let mut pts: Vec<(f64, f64)> = run
            .inputs
            .stations
            .iter()
            .map(|s| (s.location.x(), s.location.y()))
            .collect();
        pts.extend(
            run.inputs
                .depots
                .iter()
                .flatten()
                .map(|d| (d.location.x(), d.location.y())),
        );
        Frame::around(
            width,
            &run.prepared.network,
            &run.inputs.districts,
            &pts,
            lang,
        )
    }

    /// Lays out a page around the districts, the network and `points` (lon, lat).
    pub fn around(
        width: u32,
        net: &Network,
        districts: &[District],
        points: &[(f64, f64)],
        lang: Lang,
    ) -> Frame {
        use geo::BoundingRect;
        let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let mut grow = |x: f64, y: f64| {
            b.0 = b.0.min(x);
            b.1 = b.1.min(y);
            b.2 = b.2.max(x);
            b.3 = b.3.max(y);
        };
        for d in districts {
            if let Some(r) = d.area.bounding_rect() {
                grow(r.min().x, r.min().y);
                grow(r.max().x, r.max().y);
            }
        }
        for n in &net.nodes {
            grow(n.lon, n.lat);
        }
        for &(x, y) in points {
            grow(x, y);
        }
        if b.0 > b.2 {
            b = (0.0, 0.0, 0.01, 0.01);
        }
        let lat0 = (b.1 + b.3) / 2.0;
        let m_per_deg_lat = 111_320.0;
        let m_per_deg_lon = 111_320.0 * lat0.to_radians().cos();
        let u = width as f64 / 2480.0;
        let margin = (60.0 * u) as i32;
        let title_h = (190.0 * u) as i32;
        let footer_h = (70.0 * u) as i32;
        let legend_w = (600.0 * u) as i32;
        let map_w = width as i32 - legend_w - 3 * margin;
        let (dx_m, dy_m) = (
            ((b.2 - b.0) * m_per_deg_lon).max(1.0),
            ((b.3 - b.1) * m_per_deg_lat).max(1.0),
        );
        // Fit the box in map_w × [0.6, 1.5] map_w, with a 3 % pad.
        let mut px_per_m = map_w as f64 / (dx_m * 1.06);
        let mut map_h = (dy_m * 1.06 * px_per_m) as i32;
        let max_h = (map_w as f64 * 1.5) as i32;
        let min_h = (map_w as f64 * 0.6) as i32;
        if map_h > max_h {
            px_per_m = max_h as f64 / (dy_m * 1.06);
            map_h = max_h;
        } else if map_h < min_h {
            map_h = min_h;
        }
        let top = margin + title_h;
        let map = (margin, top, margin + map_w, top + map_h);
        let height = (top + map_h + footer_h + margin) as u32;
        // Centre the box in the map area.
        let cx_m = (b.0 + b.2) / 2.0 * m_per_deg_lon;
        let cy_m = (b.1 + b.3) / 2.0 * m_per_deg_lat;
        let half_w_m = map_w as f64 / 2.0 / px_per_m;
        let half_h_m = map_h as f64 / 2.0 / px_per_m;
        Frame {
            width,
            height,
            map,
            px_per_m,
            lon_min: (cx_m - half_w_m) / m_per_deg_lon,
            lat_max: (cy_m + half_h_m) / m_per_deg_lat,
            m_per_deg_lon,
            m_per_deg_lat,
            u,
            lang,
        }
    }

    /// Pixel position of a lon/lat point.
    pub fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = self.map.0 as f64 + (lon - self.lon_min) * self.m_per_deg_lon * self.px_per_m;
        let y = self.map.1 as f64 + (self.lat_max - lat) * self.m_per_deg_lat * self.px_per_m;
        (x.round() as i32, y.round() as i32)
    }

    /// A size in pixels for `base` at 2480 px width.
    pub fn s(&self, base: f64) -> i32 {
        (base * self.u).round().max(1.0) as i32
    }

    /// How much `count` symbols of `base` size (at 2480 px) shrink so that together they
    /// cover at most [`CROWD_COVER_SHARE`] of the map, never below a third: a province's
    /// 6,000 stations would otherwise hide its roads. 1 on every bundled scenario.
    pub fn crowd_scale(&self, count: usize, base: f64) -> f64 {
        let (l, t, r, b) = self.map;
        let area_px = f64::from(r - l) * f64::from(b - t);
        let each_px = (base * self.u).powi(2);
        if count == 0 || each_px <= 0.0 {
            return 1.0;
        }
        (CROWD_COVER_SHARE * area_px / (count as f64 * each_px))
            .sqrt()
            .clamp(1.0 / 3.0, 1.0)
    }

    /// An empty scene of this page size with a white background and the map border.
    pub fn scene(&self) -> Scene {
        let mut sc = Scene::new(self.width, self.height);
        sc.map = Some(self.map);
        let (l, t, r, b) = self.map;
        sc.layer("background").push(Prim::Polygon {
            pts: vec![(l, t), (r, t), (r, b), (l, b)],
            fill: hex(0xf7f7f2),
            opacity: 1.0,
        });
        sc
    }

    /// District outlines (and, optionally, names), in layers `districts` and
    /// `district-names`.
    pub fn districts(&self, sc: &mut Scene, districts: &[District], names: bool) {
        // Hundreds of names only cover each other (a province's 670 counties).
        let names = names && districts.len() <= MAX_NAMED_DISTRICTS;
        for (i, d) in districts.iter().enumerate() {
            for poly in &d.area.0 {
                let ring: Vec<(i32, i32)> = poly
                    .exterior()
                    .0
                    .iter()
                    .map(|c| self.px(c.x, c.y))
                    .collect();
                sc.layer("districts").push(Prim::Path {
                    pts: ring,
                    color: hex(0x404040),
                    width: self.s(5.0) as u32,
                });
            }
            if names {
                if let Some(c) = label_point(&d.area) {
                    // The name goes to a free spot inside the district's largest part,
                    // the one farthest from its edge first (labels::place_labels).
                    let at = self.px(c.0, c.1);
                    let fb = ascii_or(&d.name, &format!("D{}", i + 1));
                    let size = 46.0 * self.u;
                    let b = text_box((0, 0), &d.name, &fb, size, HPos::Center, VPos::Top, true);
                    let rings: Vec<Vec<(i32, i32)>> = largest_part(&d.area)
                        .map(|p| {
                            std::iter::once(p.exterior())
                                .chain(p.interiors())
                                .map(|r| r.0.iter().map(|c| self.px(c.x, c.y)).collect())
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut spots = area_spots(&rings, b.2 - b.0, b.3 - b.1);
                    if spots.is_empty() {
                        spots.push(at);
                    }
                    let mut req = LabelRequest::point(
                        "district-names",
                        at,
                        0,
                        &d.name,
                        &fb,
                        size,
                        hex(0x202020),
                        Priority::District,
                    );
                    req.spots = spots;
                    sc.label(req);
                }
            }
        }
    }

    /// Roads as thin grey lines (context), layer `roads`; aggregated by zoom
    /// ([`RoadLayer`]) when the map cannot show every segment.
    pub fn roads_grey(&self, sc: &mut Scene, net: &Network) {
        let w = self.s(2.0) as u32;
        let mut roads = RoadLayer::new(self.width, self.height);
        for s in &net.segments {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            roads.push(
                0,
                w,
                self.px(a.lon, a.lat),
                self.px(b.lon, b.lat),
                hex(0xbdbdbd),
            );
        }
        roads.draw(sc, "roads");
    }

    /// Title, subtitle (scenario name and date), legend, scale bar, north arrow,
    /// attribution and the map border.
    pub fn decorate(
        &self,
        sc: &mut Scene,
        title: (&str, &str),
        run: &RunResult,
        date: &str,
        legend: &[(Swatch, String, String)],
    ) {
        self.decorate_with(sc, title, &run.inputs.scenario, date, None, legend);
    }

    /// As [`Frame::decorate`], for maps drawn without a run (`fireplan optimize`): the
    /// scenario gives the name and the attribution; `extra` (label, English fallback) is a
    /// second subtitle line under the scenario name and date.
    pub fn decorate_with(
        &self,
        sc: &mut Scene,
        title: (&str, &str),
        scenario: &Scenario,
        date: &str,
        extra: Option<(&str, &str)>,
        legend: &[(Swatch, String, String)],
    ) {
        let u = self.u;
        let lang = self.lang;
        let (l, t, r, b) = self.map;
        // Border.
        sc.layer("frame").push(Prim::Path {
            pts: vec![(l, t), (r, t), (r, b), (l, b), (l, t)],
            color: hex(0x303030),
            width: self.s(3.0) as u32,
        });
        // Title and subtitle.
        let title_txt = lang.pick(title.0, title.1);
        sc.layer("title").push(text(
            (l, self.s(60.0)),
            title_txt,
            title.1,
            72.0 * u,
            hex(0x101010),
            HPos::Left,
            VPos::Top,
            false,
        ));
        let name = &scenario.name;
        let sub = format!("{}{name} · {date}", lang.pick("情景：", "Scenario: "));
        let sub_fb = format!("Scenario: {} · {date}", ascii_or(name, "(unnamed)"));
        // With a second line, both lines move up a little to stay above the map.
        let sub_y = if extra.is_some() { 148.0 } else { 160.0 };
        sc.layer("title").push(text(
            (l, self.s(sub_y)),
            &sub,
            &sub_fb,
            38.0 * u,
            hex(0x404040),
            HPos::Left,
            VPos::Top,
            false,
        ));
        if let Some((line, fallback)) = extra {
            sc.layer("title").push(text(
                (l, self.s(sub_y + 48.0)),
                line,
                fallback,
                36.0 * u,
                hex(0x202020),
                HPos::Left,
                VPos::Top,
                false,
            ));
        }
        // Legend panel.
        let lx = r + self.s(60.0);
        let mut ly = t;
        sc.layer("legend").push(text(
            (lx, ly),
            lang.pick("图例", "Legend"),
            "Legend",
            48.0 * u,
            hex(0x101010),
            HPos::Left,
            VPos::Top,
            false,
        ));
        ly += self.s(80.0);
        // Rows close up when a long legend would run off the page.
        let fit = (self.height as i32 - self.s(30.0) - ly) / legend.len().max(1) as i32;
        let row = self.s(62.0).min(fit).max(self.s(40.0));
        for (sw, zh_or_label, fallback) in legend {
            let cy = ly + row / 2;
            let sx = lx + self.s(30.0);
            match sw {
                Swatch::Line(c, w) => sc.layer("legend").push(Prim::Path {
                    pts: vec![(lx, cy), (lx + self.s(60.0), cy)],
                    color: *c,
                    width: *w,
                }),
                Swatch::Fill(c) => sc.layer("legend").push(Prim::Polygon {
                    pts: vec![
                        (lx, cy - self.s(18.0)),
                        (lx + self.s(60.0), cy - self.s(18.0)),
                        (lx + self.s(60.0), cy + self.s(18.0)),
                        (lx, cy + self.s(18.0)),
                    ],
                    fill: *c,
                    opacity: 1.0,
                }),
                Swatch::Marker(shape, c, size) => sc.layer("legend").push(Prim::Polygon {
                    pts: shape_points(*shape, (sx, cy), *size),
                    fill: *c,
                    opacity: 1.0,
                }),
                Swatch::Dot(c, rad) => sc.layer("legend").push(Prim::Circle {
                    at: (sx, cy),
                    r: *rad,
                    fill: *c,
                }),
                Swatch::Ring(c, rad, w) => sc.layer("legend").push(Prim::Path {
                    pts: ring_points((sx, cy), *rad),
                    color: *c,
                    width: *w,
                }),
                Swatch::Closed(c, w, size) => {
                    for (a, b) in [(0.0, 20.0), (40.0, 60.0)] {
                        sc.layer("legend").push(Prim::Path {
                            pts: vec![(lx + self.s(a), cy), (lx + self.s(b), cy)],
                            color: *c,
                            width: *w,
                        });
                    }
                    sc.layer("legend").push(Prim::Polygon {
                        pts: shape_points(Shape::Cross, (sx, cy), *size),
                        fill: *c,
                        opacity: 1.0,
                    });
                }
                Swatch::None => {}
            }
            // Shrink a label that would run off the page.
            let avail = (self.width as i32 - lx - self.s(85.0) - self.s(20.0)).max(1) as f64;
            // Either the label or its fallback is drawn: the wider counts.
            let est = text_width(zh_or_label, 34.0 * u).max(text_width(fallback, 34.0 * u)) as f64;
            let fs = if est > avail {
                34.0 * u * avail / est
            } else {
                34.0 * u
            };
            sc.layer("legend").push(text(
                (lx + self.s(85.0), cy),
                zh_or_label,
                fallback,
                fs,
                hex(0x202020),
                HPos::Left,
                VPos::Center,
                false,
            ));
            ly += row;
        }
        // Scale bar: a round length near a fifth of the map width.
        let target_m = (r - l) as f64 / 5.0 / self.px_per_m;
        let mag = 10f64.powf(target_m.log10().floor());
        let len_m = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|k| k * mag)
            .rfind(|&x| x <= target_m)
            .unwrap_or(mag);
        let len_px = (len_m * self.px_per_m).round() as i32;
        let (sx, sy) = (l + self.s(50.0), b - self.s(70.0));
        let h = self.s(16.0);
        let half = len_px / 2;
        for (i, (x0, x1)) in [(sx, sx + half), (sx + half, sx + len_px)]
            .into_iter()
            .enumerate()
        {
            sc.layer("scale-bar").push(Prim::Polygon {
                pts: vec![(x0, sy), (x1, sy), (x1, sy + h), (x0, sy + h)],
                fill: if i == 0 { hex(0x202020) } else { WHITE },
                opacity: 1.0,
            });
        }
        sc.layer("scale-bar").push(Prim::Path {
            pts: vec![
                (sx, sy),
                (sx + len_px, sy),
                (sx + len_px, sy + h),
                (sx, sy + h),
                (sx, sy),
            ],
            color: hex(0x202020),
            width: self.s(3.0) as u32,
        });
        let label = if len_m >= 1000.0 {
            format!("{} km", len_m / 1000.0)
        } else {
            format!("{len_m} m")
        };
        for (x, s) in [(sx, "0".to_string()), (sx + len_px, label)] {
            sc.layer("scale-bar").push(text(
                (x, sy - self.s(10.0)),
                &s,
                &s,
                32.0 * u,
                hex(0x202020),
                HPos::Center,
                VPos::Bottom,
                true,
            ));
        }
        // North arrow.
        let (nx, ny) = (r - self.s(90.0), t + self.s(70.0));
        let a = self.s(70.0);
        sc.layer("north-arrow").push(Prim::Polygon {
            pts: vec![
                (nx, ny),
                (nx + a / 3, ny + a),
                (nx, ny + a * 3 / 4),
                (nx - a / 3, ny + a),
            ],
            fill: hex(0x202020),
            opacity: 1.0,
        });
        sc.layer("north-arrow").push(text(
            (nx, ny + a + self.s(10.0)),
            lang.pick("北", "N"),
            "N",
            40.0 * u,
            hex(0x202020),
            HPos::Center,
            VPos::Top,
            true,
        ));
        // Attribution and tool version.
        let mut attr = format!("fireplan {}", env!("CARGO_PKG_VERSION"));
        if matches!(scenario.network, NetworkSource::Osm(_)) {
            attr = format!("© OpenStreetMap contributors · {attr}");
        }
        sc.layer("attribution").push(text(
            (r, b + self.s(20.0)),
            &attr,
            &attr,
            30.0 * u,
            hex(0x505050),
            HPos::Right,
            VPos::Top,
            false,
        ));
    }
}

/// The largest polygon of a district (by area).
fn largest_part(mp: &geo::MultiPolygon<f64>) -> Option<&geo::Polygon<f64>> {
    use geo::Area;
    mp.0.iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
}

/// Today as `YYYY-MM-DD` (UTC). When `SOURCE_DATE_EPOCH` is set to a whole number of
/// seconds since the epoch (the reproducible-builds convention), that day instead, so that
/// map outputs can be byte-compared across days; an unset, empty or malformed value (not
/// a non-negative integer) is ignored.
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|&s| s >= 0)
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}
