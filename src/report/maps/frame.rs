//! The page frame of a map: layout, the lon/lat → pixel transform, district outlines and
//! roads, and the decorations (title, legend, scale bar, north arrow, attribution, date).

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::WHITE;

use super::labels::{area_spots, label_point, text_box, text_width, LabelRequest, Priority};
use super::roads::RoadLayer;
use super::scene::{ascii_or, hex, ring_points, shape_points, text, Prim, Scene, Shape, Swatch};
use super::{Lang, MapOptions};
use crate::model::District;
use crate::network::Network;
use crate::params::{NetworkSource, Scenario};
use crate::run::RunResult;

/// The share of the map a crowd of symbols of one kind may cover ([`Frame::crowd_scale`]).
pub const CROWD_COVER_SHARE: f64 = 0.1;

/// More districts than this and the map outlines them without names.
pub const MAX_NAMED_DISTRICTS: usize = 200;

/// A conservative width of legend text in pixels: Latin glyphs of the sans fonts in use
/// reach 0.62 of the size on average in capitals and digits (the labels' estimate, 0.48,
/// fits lower-case names but cut "roads 5…" at the page edge).
fn legend_text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.62 } else { 1.0 })
        .sum::<f64>()
        * size
}

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
    /// Size unit: 1.0 at 300 dpi, so that text and symbols have one printed size on
    /// every page.
    pub u: f64,
    pub lang: Lang,
    /// The legend's box (left, top, right, bottom) and its number of columns: beside the
    /// map on a landscape page, under it on a portrait one.
    pub legend: ((i32, i32, i32, i32), usize),
}

impl Frame {
    /// Lays out the page of `opts` around the lon/lat box of the districts and the network,
    /// grown to take in the run's stations and depots too.
    pub fn for_run(opts: &MapOptions, run: &RunResult) -> Frame {
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
        Frame::around(opts, &run.prepared.network, &run.inputs.districts, &pts)
    }

    /// Lays out the page of `opts` (`[map] page`, `width_px` wide) around the districts,
    /// the network and `points` (lon, lat): title on top, the map as large as the page
    /// allows with the region centred in it, the legend beside (landscape) or under
    /// (portrait) it, the attribution at the foot.
    pub fn around(
        opts: &MapOptions,
        net: &Network,
        districts: &[District],
        points: &[(f64, f64)],
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
        let (page_w_mm, page_h_mm) = opts.page.size_mm();
        let width = opts.width_px;
        let height = (f64::from(width) * page_h_mm / page_w_mm).round() as u32;
        let u = f64::from(width) / (page_w_mm / 25.4 * 300.0);
        let px = |base: f64| (base * u).round() as i32;
        let margin = px(60.0);
        let title_h = px(190.0);
        let footer_h = px(70.0);
        let (w, h) = (width as i32, height as i32);
        let landscape = page_w_mm > page_h_mm;
        let (map, legend) = if landscape {
            let legend_w = px(640.0);
            let map = (
                margin,
                margin + title_h,
                w - 2 * margin - legend_w,
                h - footer_h - margin,
            );
            (map, ((map.2 + margin, map.1, w - margin, map.3), 1))
        } else {
            let legend_h = px(600.0);
            let map = (
                margin,
                margin + title_h,
                w - margin,
                h - footer_h - margin - legend_h,
            );
            (map, ((margin, map.3 + footer_h, w - margin, h - margin), 2))
        };
        let (map_w, map_h) = (f64::from(map.2 - map.0), f64::from(map.3 - map.1));
        let (dx_m, dy_m) = (
            ((b.2 - b.0) * m_per_deg_lon).max(1.0),
            ((b.3 - b.1) * m_per_deg_lat).max(1.0),
        );
        // The region as large as fits, with a 3 % pad, centred in the map area.
        let px_per_m = (map_w / (dx_m * 1.06)).min(map_h / (dy_m * 1.06));
        let cx_m = (b.0 + b.2) / 2.0 * m_per_deg_lon;
        let cy_m = (b.1 + b.3) / 2.0 * m_per_deg_lat;
        let half_w_m = map_w / 2.0 / px_per_m;
        let half_h_m = map_h / 2.0 / px_per_m;
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
            lang: opts.lang,
            legend,
        }
    }

    /// Pixel position of a lon/lat point.
    pub fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let (x, y) = self.px_exact(lon, lat);
        (x.round() as i32, y.round() as i32)
    }

    /// Pixel position of a lon/lat point, unrounded (context geometry is clipped to the
    /// map box before it is rounded).
    pub fn px_exact(&self, lon: f64, lat: f64) -> (f64, f64) {
        let x = self.map.0 as f64 + (lon - self.lon_min) * self.m_per_deg_lon * self.px_per_m;
        let y = self.map.1 as f64 + (self.lat_max - lat) * self.m_per_deg_lat * self.px_per_m;
        (x, y)
    }

    /// A size in pixels for `base` at 2480 px width.
    pub fn s(&self, base: f64) -> i32 {
        (base * self.u).round().max(1.0) as i32
    }

    /// How much `count` symbols of `base` size (at 2480 px) shrink so that together they
    /// cover at most [`CROWD_COVER_SHARE`] of the map, never below a third: a province's
    /// 6,000 stations would otherwise hide its roads. 1 on every bundled scenario.
    pub fn crowd_scale(&self, count: usize, base: f64) -> f64 {
        self.crowd_scale_within(count, base, CROWD_COVER_SHARE)
    }

    /// As [`Frame::crowd_scale`], the crowd covering at most `share` of the map.
    pub fn crowd_scale_within(&self, count: usize, base: f64, share: f64) -> f64 {
        let (l, t, r, b) = self.map;
        let area_px = f64::from(r - l) * f64::from(b - t);
        let each_px = (base * self.u).powi(2);
        if count == 0 || each_px <= 0.0 {
            return 1.0;
        }
        (share * area_px / (count as f64 * each_px))
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
            fill: hex(super::context::PAPER),
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
        // Without a CJK font, a Chinese name gives way to the scenario file's name.
        let stem = scenario
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sub_fb = format!(
            "Scenario: {} · {date}",
            ascii_or(name, &ascii_or(&stem, "-"))
        );
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
        // Legend: rows down each column, columns left to right.
        let ((lx0, ly0, lx1, ly1), cols) = self.legend;
        sc.layer("legend").push(text(
            (lx0, ly0),
            lang.pick("图例", "Legend"),
            "Legend",
            48.0 * u,
            hex(0x101010),
            HPos::Left,
            VPos::Top,
            false,
        ));
        let top = ly0 + self.s(80.0);
        let per_col = legend.len().div_ceil(cols).max(1);
        // Rows close up when a long legend would run out of its box.
        let fit = (ly1 - top) / per_col as i32;
        let row = self.s(62.0).min(fit).max(self.s(36.0));
        let col_w = (lx1 - lx0) / cols as i32;
        for (k, (sw, zh_or_label, fallback)) in legend.iter().enumerate() {
            let lx = lx0 + (k / per_col) as i32 * col_w;
            let cy = top + (k % per_col) as i32 * row + row / 2;
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
            // Shrink a label that would run out of its column (the widest of the text
            // and its fallback, either may be drawn).
            let avail = (col_w - self.s(85.0) - self.s(20.0)).max(1) as f64;
            let est = legend_text_width(zh_or_label, 34.0 * u)
                .max(legend_text_width(fallback, 34.0 * u))
                .max(f64::from(text_width(zh_or_label, 34.0 * u)))
                .max(f64::from(text_width(fallback, 34.0 * u)));
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

/// The time zone of a scenario's dates: `[map] timezone`, else Asia/Shanghai for a
/// Chinese scenario (a planner in China before 08:00 would otherwise get yesterday) and
/// UTC for an English one.
pub fn scenario_timezone(scenario: &Scenario) -> String {
    match &scenario.map.timezone {
        Some(tz) => tz.clone(),
        None if scenario.lang == "en" => "UTC".to_string(),
        None => "Asia/Shanghai".to_string(),
    }
}

/// Today as `YYYY-MM-DD` in the IANA time zone `tz` (UTC when unknown; the scenario
/// reader has checked it). When `SOURCE_DATE_EPOCH` is set to a whole number of seconds
/// since the epoch (the reproducible-builds convention), that instant instead, so that map
/// outputs can be byte-compared across days; an unset, empty or malformed value (not a
/// non-negative integer) is ignored.
pub fn today_in(tz: &str) -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|&s| s >= 0)
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    date_in(fixed.unwrap_or_else(jiff::Timestamp::now), tz)
}

/// The calendar date (`YYYY-MM-DD`) of an instant in the IANA time zone `tz` (UTC when
/// unknown).
pub fn date_in(at: jiff::Timestamp, tz: &str) -> String {
    let zone = jiff::tz::db().get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned(zone).strftime("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::date_in;

    #[test]
    fn the_date_is_the_scenario_zone_s() {
        // 2025-11-28 20:00 UTC is already the 29th in China (UTC+8), still the 28th in
        // London, and the 28th in New York (UTC−5).
        let at = jiff::Timestamp::from_second(1_764_360_000).unwrap();
        assert_eq!(date_in(at, "UTC"), "2025-11-28");
        assert_eq!(date_in(at, "Asia/Shanghai"), "2025-11-29");
        assert_eq!(date_in(at, "Europe/London"), "2025-11-28");
        assert_eq!(date_in(at, "America/New_York"), "2025-11-28");
        // Leap day and year end.
        let leap = jiff::Timestamp::from_second(1_709_164_800).unwrap(); // 2024-02-29 00:00 UTC
        assert_eq!(date_in(leap, "UTC"), "2024-02-29");
        assert_eq!(date_in(leap, "America/Los_Angeles"), "2024-02-28");
        let ye = jiff::Timestamp::from_second(1_735_660_800).unwrap(); // 2024-12-31 16:00 UTC
        assert_eq!(date_in(ye, "Asia/Shanghai"), "2025-01-01");
        assert_eq!(date_in(ye, "UTC"), "2024-12-31");
    }
}
