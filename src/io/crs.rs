//! Input coordinates → WGS-84, and the coordinate checks every reader shares: Chinese
//! web-map coordinates (GCJ-02, BD-09) by their published formulas, EPSG systems
//! (CGCS2000 Gauss–Krüger zones, UTM, …) by `proj4rs` ([`ToWgs84`]).
//!
//! GCJ-02 ("Mars coordinates", Amap / Tencent / Google China) is WGS-84 shifted by a
//! published obfuscation polynomial of a few hundred metres; BD-09 (Baidu) adds a further
//! rotation-and-scale on top of GCJ-02. Both are undone here so that everything downstream
//! is WGS-84 like OpenStreetMap. Outside the rough China bounding box GCJ-02 = WGS-84, as in
//! the reference implementations (eviltransform, coordtransform, gcoord).

use crate::params::Crs;

/// Semi-major axis of the Krasovsky 1940 ellipsoid used by the GCJ-02 formula, metres.
const A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid.
const EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's angular factor, π·3000/180.
const X_PI: f64 = std::f64::consts::PI * 3000.0 / 180.0;
/// Target accuracy of the iterative inverses, degrees (≈ 1 mm).
const INVERSE_TOLERANCE: f64 = 1e-10;
/// The inverses converge in 3–5 steps; this only bounds pathological input.
const MAX_ITERATIONS: usize = 30;

/// The rough rectangle in which GCJ-02 differs from WGS-84 (the bounds every reference
/// implementation uses; it also covers parts of neighbouring countries).
fn in_china_bbox(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

/// The GCJ-02 offset (Δlon, Δlat) in degrees at a WGS-84 point inside China.
fn gcj02_offset(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let (x, y) = (lon - 105.0, lat - 35.0);
    let common = (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    let mut d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    d_lat += common;
    d_lat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    d_lat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    d_lon += common;
    d_lon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    d_lon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;

    let rad_lat = lat.to_radians();
    let magic = 1.0 - EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = d_lat * 180.0 / (A * (1.0 - EE) / (magic * sqrt_magic) * PI);
    let d_lon = d_lon * 180.0 / (A / sqrt_magic * rad_lat.cos() * PI);
    (d_lon, d_lat)
}

/// WGS-84 → GCJ-02 (the forward, closed-form direction).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    let (d_lon, d_lat) = gcj02_offset(lon, lat);
    (lon + d_lon, lat + d_lat)
}

/// Inverts `forward` at `target` by fixed-point iteration `p ← p − (forward(p) − target)`
/// from `start`. The forward maps are a small, smooth offset of (nearly) the identity, so
/// this converges in a few steps.
fn invert(
    target: (f64, f64),
    start: (f64, f64),
    forward: impl Fn(f64, f64) -> (f64, f64),
) -> (f64, f64) {
    let (mut lon, mut lat) = start;
    for _ in 0..MAX_ITERATIONS {
        let (f_lon, f_lat) = forward(lon, lat);
        let (e_lon, e_lat) = (f_lon - target.0, f_lat - target.1);
        if !(e_lon.is_finite() && e_lat.is_finite()) {
            break;
        }
        lon -= e_lon;
        lat -= e_lat;
        if e_lon.abs() < INVERSE_TOLERANCE && e_lat.abs() < INVERSE_TOLERANCE {
            break;
        }
    }
    (lon, lat)
}

/// GCJ-02 → WGS-84 by iterating the forward transform (error < 1e-9°, where the usual
/// one-step approximation is off by up to ~1e-5°, i.e. 1–2 m).
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    invert((lon, lat), (lon, lat), wgs84_to_gcj02)
}

/// GCJ-02 → BD-09 (Baidu's closed-form forward transform; applied everywhere, as Baidu does).
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02: the published closed-form inverse (good to ~1e-6°), refined by
/// iteration so that it exactly undoes [`gcj02_to_bd09`].
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = (lon - 0.0065, lat - 0.006);
    let z = x.hypot(y) - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    let closed_form = (z * theta.cos(), z * theta.sin());
    invert((lon, lat), closed_form, gcj02_to_bd09)
}

/// BD-09 → WGS-84 (via GCJ-02).
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (g_lon, g_lat) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(g_lon, g_lat)
}

/// Why a coordinate pair was refused: the column at fault and the explanation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadCoordinate {
    pub field: &'static str,
    pub message: String,
}

/// A CRS that cannot be converted from (an EPSG code [`Crs::parse`] would have refused).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("crs {crs}: {message}")]
pub struct UnsupportedCrs {
    pub crs: Crs,
    pub message: String,
}

/// How far from its central meridian a transverse Mercator point may lie, degrees. Zones
/// are 3° or 6° wide; data a little past the edge of its zone is common, ten degrees off
/// is a wrong zone or a wrong number.
const MAX_OFF_MERIDIAN_DEG: f64 = 10.0;

/// A projected coordinate beyond this, in metres, is farther than the pole is from the
/// equator (≈ 10,002 km) even with a false northing of 10,000 km: a latitude problem.
const MAX_NORTHING_M: f64 = 2.0e7;

/// How far the forward projection of a converted point may fall from the input, in the
/// CRS's unit. The projections round-trip to well under a millimetre, but undoing a
/// seven-parameter datum shift is approximate (up to 0.2 m over the EPSG list); a point
/// that is no answer misses by kilometres.
const ROUND_TRIP_TOLERANCE: f64 = 1.0;

/// Converts the coordinates of one input file to WGS-84. Made once per file from the
/// file's [`Crs`] (an EPSG code's projection is built here, not for every point), then
/// [`ToWgs84::checked`] converts each point.
///
/// EPSG codes convert with `proj4rs` from the `crs-definitions` PROJ string: inverse
/// projection, then the datum shift the definition carries (`+towgs84`). CGCS2000 (EPSG:4490
/// and its Gauss–Krüger zones 4491–4554) has none: it agrees with WGS-84 at the centimetre
/// level at its epoch (2000.0) and within a metre since (plate motion, a few centimetres a
/// year), so its lon/lat are taken as WGS-84 with no datum shift, as is usual practice. The
/// same holds for any other definition without a shift (e.g. Xian 1980, EPSG:2327–2390),
/// where that can be tens of metres off.
pub struct ToWgs84 {
    crs: Crs,
    epsg: Option<Box<Epsg>>,
}

/// An EPSG system's projection, built once.
struct Epsg {
    code: u16,
    src: proj4rs::Proj,
    wgs84: proj4rs::Proj,
    /// Geographic (degrees) rather than projected.
    geographic: bool,
    /// Central meridian of a transverse Mercator projection, degrees east of Greenwich.
    central_meridian: Option<f64>,
    /// The false easting of a transverse Mercator projection in metres (its unit is the
    /// metre), telling whether eastings carry a Gauss–Krüger zone number in front
    /// (`x_0` = zone · 10⁶ + 500,000 m, e.g. 40,500,000 m for 3° zone 40).
    false_easting_m: Option<f64>,
}

impl ToWgs84 {
    /// The converter of `crs`; fails for an EPSG code that does not convert.
    pub fn new(crs: Crs) -> Result<ToWgs84, UnsupportedCrs> {
        let Crs::Epsg(code) = crs else {
            return Ok(ToWgs84 { crs, epsg: None });
        };
        let unsupported = |message: String| UnsupportedCrs { crs, message };
        let definition = crate::params::crs::epsg_definition(code).map_err(unsupported)?;
        let build = |def: &str| {
            proj4rs::Proj::from_proj_string(def).map_err(|e| unsupported(e.to_string()))
        };
        let src = build(definition)?;
        let wgs84 = build(crs_definitions::EPSG_4326.proj4)?;
        let geographic = src.is_latlong();
        let transverse_mercator = matches!(src.projname(), "tmerc" | "etmerc" | "utm");
        let central_meridian = transverse_mercator
            .then(|| (src.longitude_of_origin() + src.from_greenwich()).to_degrees());
        let false_easting_m =
            (transverse_mercator && src.to_meter() == 1.0).then(|| src.false_easting());
        Ok(ToWgs84 {
            crs,
            epsg: Some(Box::new(Epsg {
                code,
                src,
                wgs84,
                geographic,
                central_meridian,
                false_easting_m,
            })),
        })
    }

    /// [`ToWgs84::new`] for a reader of `path`: the error names the file and `crs`.
    pub(crate) fn for_file(path: &std::path::Path, crs: Crs) -> crate::error::Result<ToWgs84> {
        ToWgs84::new(crs).map_err(|e| {
            crate::error::Error::input(path, crate::error::Location::File, "crs", e.to_string())
        })
    }

    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Checks a coordinate pair given in the file's CRS and converts it to WGS-84 (lon,
    /// lat): `x` is the longitude or easting, `y` the latitude or northing.
    ///
    /// In degrees: refuses non-finite values and values outside ±180 / ±90, and says what
    /// probably happened: a latitude beyond ±90 next to a longitude that would be a valid
    /// latitude is reported as swapped columns, and both far out of range as projected
    /// coordinates. Projected: refuses degrees, an easting whose zone number does not fit
    /// the CRS, and a point that does not convert or lies far outside its zone.
    pub(crate) fn checked(&self, x: f64, y: f64) -> Result<(f64, f64), BadCoordinate> {
        match &self.epsg {
            Some(e) if !e.geographic => e.checked_projected(x, y),
            _ => {
                let (lon, lat) = checked_degrees(x, y)?;
                match &self.epsg {
                    None => Ok(geographic_to_wgs84(self.crs, lon, lat)),
                    Some(e) => e.to_wgs84(lon, lat).ok_or_else(|| BadCoordinate {
                        field: "lon",
                        message: format!(
                            "lon = {}, lat = {} in EPSG:{} do not convert to WGS-84",
                            shown(lon),
                            shown(lat),
                            e.code
                        ),
                    }),
                }
            }
        }
    }
}

/// A number for a message: huge values in scientific notation (1e308 would print 309
/// digits).
fn shown(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// Checks that `lon`, `lat` are degrees in range (see [`ToWgs84::checked`]).
fn checked_degrees(lon: f64, lat: f64) -> Result<(f64, f64), BadCoordinate> {
    let bad = |field, message: String| Err(BadCoordinate { field, message });
    if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 {
        return Ok((lon, lat));
    }
    // Formatted only on the way to an error (2 M rows of a large run are all fine).
    let (lon_s, lat_s) = (shown(lon), shown(lat));
    if !lon.is_finite() {
        return bad("lon", format!("expected a finite longitude, got {lon_s}"));
    }
    if !lat.is_finite() {
        return bad("lat", format!("expected a finite latitude, got {lat_s}"));
    }
    if lon.abs() > 180.0 && lat.abs() > 90.0 {
        return bad(
            "lon",
            format!(
                "lon = {lon_s}, lat = {lat_s} are not degrees: they look like projected \
                 coordinates (metres, e.g. EPSG:3857 or a CGCS2000 Gauss–Krüger zone); \
                 set `crs` to their EPSG code ({}), or give longitude/latitude in degrees",
                projected_guess(lon)
            ),
        );
    }
    if lat.abs() > 90.0 {
        let why = if lon.abs() <= 90.0 {
            format!(" — with lon = {lon_s} this looks like lon and lat are swapped")
        } else {
            String::new()
        };
        return bad("lat", format!("latitude {lat_s} is outside −90…90{why}"));
    }
    bad("lon", format!("longitude {lon_s} is outside −180…180"))
}

/// The likely EPSG code of a projected easting given as a longitude, for the hint: an
/// easting with a 3° zone number in front (25,xxx,xxx–45,xxx,xxx m; web Mercator stops at
/// 20,037,508 m) is CGCS2000 3° Gauss–Krüger; otherwise an example.
fn projected_guess(x: f64) -> String {
    let zone = zone_prefix(x);
    match cgcs2000_gk_code(zone, 3, true) {
        Some(code) => {
            format!("`crs = \"EPSG:{code}\"` if these are CGCS2000 3° Gauss–Krüger zone {zone}")
        }
        None => "e.g. `crs = \"EPSG:4549\"` for CGCS2000 3° Gauss–Krüger CM 120°E".into(),
    }
}

/// CGCS2000 Gauss–Krüger zones: (first code, first zone number, zone width °, eastings
/// with the zone number in front). Zones run to 135°E: 21 3° zones, 11 6° zones.
const CGCS2000_GK: [(u16, f64, u8, bool); 4] = [
    (4491, 13.0, 6, true),
    (4502, 13.0, 6, false),
    (4513, 25.0, 3, true),
    (4534, 25.0, 3, false),
];

/// How many CGCS2000 Gauss–Krüger zones there are of `width`° (3 or 6).
fn cgcs2000_gk_zones(width: u8) -> u16 {
    if width == 3 {
        21
    } else {
        11
    }
}

/// The EPSG code of CGCS2000 Gauss–Krüger `zone` of `width`° (3 or 6), with or without the
/// zone number in front of eastings.
fn cgcs2000_gk_code(zone: f64, width: u8, prefixed: bool) -> Option<u16> {
    let &(first, first_zone, _, _) = CGCS2000_GK
        .iter()
        .find(|&&(_, _, w, p)| w == width && p == prefixed)?;
    let k = zone - first_zone;
    // In range, so the cast is exact.
    (k >= 0.0 && k < f64::from(cgcs2000_gk_zones(width)) && zone.fract() == 0.0)
        .then(|| first + k as u16)
}

/// The zone and width of a CGCS2000 Gauss–Krüger code, with the code of the same zone
/// written the other way (with ↔ without the zone number).
fn cgcs2000_gk_zone(code: u16) -> Option<(f64, u8, u16)> {
    CGCS2000_GK
        .iter()
        .find_map(|&(first, first_zone, width, prefixed)| {
            let k = code
                .checked_sub(first)
                .filter(|&k| k < cgcs2000_gk_zones(width))?;
            let zone = first_zone + f64::from(k);
            let other = cgcs2000_gk_code(zone, width, !prefixed)?;
            Some((zone, width, other))
        })
}

/// The zone number in front of a Gauss–Krüger easting (40 for 40,512,345 m).
fn zone_prefix(x: f64) -> f64 {
    (x / 1e6).floor()
}

impl Epsg {
    /// The point in WGS-84 degrees, or `None` where the projection fails (NaN included).
    /// `x`, `y` are degrees for a geographic system, the CRS's unit otherwise.
    fn to_wgs84(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let mut p = if self.geographic {
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        proj4rs::transform::transform(&self.src, &self.wgs84, &mut p).ok()?;
        let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
        if !(lon.is_finite() && lat.is_finite() && lat.abs() <= 90.0) {
            return None;
        }
        if !self.geographic {
            // Far outside its domain an inverse projection can return a finite point that
            // is no answer (a northing of 10¹² m gave lat 31.3°): the forward projection of
            // the result must give the input back.
            let mut back = p;
            proj4rs::transform::transform(&self.wgs84, &self.src, &mut back).ok()?;
            if !((back.0 - x).abs() <= ROUND_TRIP_TOLERANCE
                && (back.1 - y).abs() <= ROUND_TRIP_TOLERANCE)
            {
                return None;
            }
        }
        // A prime meridian other than Greenwich can carry a longitude past ±180.
        let lon = if lon.abs() > 180.0 {
            (lon + 540.0).rem_euclid(360.0) - 180.0
        } else {
            lon
        };
        Some((lon, lat))
    }

    /// [`ToWgs84::checked`] for a projected system.
    fn checked_projected(&self, x: f64, y: f64) -> Result<(f64, f64), BadCoordinate> {
        let code = self.code;
        let bad = |field, message: String| Err(BadCoordinate { field, message });
        if !x.is_finite() {
            return bad(
                "lon",
                format!("expected a finite easting, got {}", shown(x)),
            );
        }
        if !y.is_finite() {
            return bad(
                "lat",
                format!("expected a finite northing, got {}", shown(y)),
            );
        }
        if x.abs() <= 180.0 && y.abs() <= 90.0 {
            return bad(
                "lon",
                format!(
                    "lon = {x}, lat = {y} look like degrees, but EPSG:{code} is projected: give \
                     the easting in `lon` and the northing in `lat`, or set `crs` to the \
                     file's geographic CRS (wgs84, gcj02, bd09, EPSG:4490)"
                ),
            );
        }
        let problem = match self.plausible(x, y) {
            Ok(p) => return Ok(p),
            Err(problem) => problem,
        };
        if self.plausible(y, x).is_ok() {
            return bad(
                "lon",
                format!(
                    "easting {}, northing {} are not a point of EPSG:{code}, but swapped they \
                     are: lon and lat look swapped (Chinese survey tables give X, the \
                     northing, first: put Y, the easting, in `lon`)",
                    shown(x),
                    shown(y)
                ),
            );
        }
        Err(problem)
    }

    /// `x`, `y` in WGS-84 if they are a sensible point of this projected system: an easting
    /// with the right zone number, a point that converts, near the zone.
    fn plausible(&self, x: f64, y: f64) -> Result<(f64, f64), BadCoordinate> {
        let code = self.code;
        let (xs, ys) = (shown(x), shown(y));
        let bad = |field, message: String| Err(BadCoordinate { field, message });
        if let Some(x0) = self.false_easting_m {
            let zone = zone_prefix(x0);
            let gk_other = cgcs2000_gk_zone(code);
            if x0 >= 1e6 && x0 - zone * 1e6 == 500_000.0 && zone_prefix(x) != zone {
                // The CRS wants the zone number in front; the easting lacks it or has another.
                let given = zone_prefix(x);
                let instead = if (0.0..1e6).contains(&x) {
                    gk_other.map(|(_, _, other)| format!(": without it, use EPSG:{other}"))
                } else {
                    gk_other.and_then(|(_, width, _)| {
                        cgcs2000_gk_code(given, width, true).map(|c| format!(": use EPSG:{c}"))
                    })
                }
                .unwrap_or_default();
                let starts = if (0.0..1e6).contains(&x) {
                    "has no zone number in front".to_string()
                } else {
                    format!("starts with zone number {given}")
                };
                return bad(
                    "lon",
                    format!(
                        "easting {xs} {starts}, but EPSG:{code} is Gauss–Krüger zone {zone}, \
                         whose eastings are {zone}xxxxxx m{instead}"
                    ),
                );
            }
            if x0 == 500_000.0 && x >= 1e7 {
                // Eastings of such a zone lie within a few 100 km of 500,000 m.
                let given = zone_prefix(x);
                let instead = match (gk_other, cgcs2000_gk_code(given, 3, true)) {
                    (Some((_, 3, _)), Some(c)) => format!(": use EPSG:{c}"),
                    (Some((_, 6, _)), _) => cgcs2000_gk_code(given, 6, true)
                        .map(|c| format!(": use EPSG:{c}"))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                return bad(
                    "lon",
                    format!(
                        "easting {xs} looks like it starts with a zone number ({given}), but \
                         EPSG:{code} has none (false easting 500000 m){instead}"
                    ),
                );
            }
        }
        let Some((lon, lat)) = self.to_wgs84(x, y) else {
            let field = if y.abs() > MAX_NORTHING_M {
                "lat"
            } else {
                "lon"
            };
            return bad(
                field,
                format!("easting {xs}, northing {ys} are not a point on Earth in EPSG:{code}"),
            );
        };
        if let Some(cm) = self.central_meridian {
            // lon_0 in radians and back: 119.99999999999999.
            let cm = (cm * 1e9).round() / 1e9;
            let off = ((lon - cm + 540.0).rem_euclid(360.0) - 180.0).abs();
            if off > MAX_OFF_MERIDIAN_DEG {
                return bad(
                    "lon",
                    format!(
                        "easting {xs}, northing {ys} in EPSG:{code} is lon {lon:.3}, lat \
                         {lat:.3}, {off:.1}° from the zone's central meridian {cm}°: a wrong \
                         zone (EPSG code) or a wrong coordinate?"
                    ),
                );
            }
        }
        Ok((lon, lat))
    }
}

/// Converts a point in a geographic system other than an EPSG code to WGS-84.
fn geographic_to_wgs84(crs: Crs, lon: f64, lat: f64) -> (f64, f64) {
    match crs {
        Crs::Wgs84 | Crs::Epsg(_) => (lon, lat),
        Crs::Gcj02 => gcj02_to_wgs84(lon, lat),
        Crs::Bd09 => bd09_to_wgs84(lon, lat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64, what: &str) {
        let err = (got.0 - want.0).abs().max((got.1 - want.1).abs());
        assert!(
            err < tol,
            "{what}: got {got:?}, want {want:?} (error {err:e}°)"
        );
    }

    /// wandergis/coordtransform, `test/app.js` (input 116.404, 39.915, Beijing): the
    /// closed-form directions agree to the last digits.
    #[test]
    fn coordtransform_reference_points() {
        let p = (116.404, 39.915);
        let gcj = (116.41024449916938, 39.91640428150164);
        assert_close(wgs84_to_gcj02(p.0, p.1), gcj, 1e-12, "wgs84togcj02");
        let bd = (116.41036949371029, 39.92133699351021);
        assert_close(gcj02_to_bd09(p.0, p.1), bd, 1e-12, "gcj02tobd09");
        // Their bd09togcj02 is the closed-form approximation; ours refines it (≤ 1e-6° apart).
        let gcj_of_bd = (116.39762729119315, 39.90865673957631);
        assert_close(bd09_to_gcj02(p.0, p.1), gcj_of_bd, 1e-6, "bd09togcj02");
        // Their gcj02towgs84 is the one-step approximation (1–2 m); ours iterates.
        let wgs_of_gcj = (116.39775550083061, 39.91359571849836);
        assert_close(gcj02_to_wgs84(p.0, p.1), wgs_of_gcj, 2e-5, "gcj02towgs84");
        // …and exactly undoes the forward transform.
        assert_close(
            gcj02_to_wgs84(gcj.0, gcj.1),
            p,
            1e-9,
            "inverse of wgs84togcj02",
        );
    }

    /// googollee/eviltransform, `python/test.py` (`TESTS`; given there as
    /// lat, lng — swapped to lon, lat here). Eviltransform uses a = 6,378,137 m where the
    /// original formula (and coordtransform, gcoord, this file) uses Krasovsky's 6,378,245 m:
    /// the results differ by ~1e-7°, inside that suite's own 6-decimal tolerance.
    /// (Its two `TESTS_bd` pairs are not used: its own current code misses them by 9e-5°.)
    #[test]
    fn eviltransform_reference_points() {
        let wgs_gcj = [
            // Shanghai, Shenzhen, Beijing.
            (
                (121.5272106, 31.1774276),
                (121.531541859215, 31.17530398364597),
            ),
            (
                (113.912316, 22.543847),
                (113.9171764808363, 22.540796131694766),
            ),
            (
                (116.377817, 39.911954),
                (116.38404722455657, 39.91334545536069),
            ),
        ];
        for (wgs, gcj) in wgs_gcj {
            assert_close(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 5e-7, "wgs2gcj");
            assert_close(gcj02_to_wgs84(gcj.0, gcj.1), wgs, 5e-7, "gcj2wgs");
        }
    }

    /// hujiulong/gcoord, `test/unit/crs/GCJ02.spec.ts` and `BD09.spec.ts` (input 123, 45;
    /// checked there to 5 decimals), including "not in China: unchanged".
    #[test]
    fn gcoord_reference_points() {
        assert_close(
            gcj02_to_wgs84(123.0, 45.0),
            (122.99395597, 44.99804071),
            5e-6,
            "GCJ02→WGS84",
        );
        assert_close(
            gcj02_to_bd09(123.0, 45.0),
            (123.00636499, 45.00636899),
            5e-6,
            "GCJ02→BD09",
        );
        assert_close(
            bd09_to_gcj02(123.0, 45.0),
            (122.99363304, 44.99365430),
            5e-6,
            "BD09→GCJ02",
        );
        assert_close(
            bd09_to_wgs84(123.0, 45.0),
            (122.98762210, 44.99171540),
            5e-6,
            "BD09→WGS84",
        );
        assert_eq!(gcj02_to_wgs84(183.0, 45.0), (183.0, 45.0));
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
    }

    /// Round trips over a grid covering China stay below 1e-6° (in fact ~1e-10°).
    #[test]
    fn round_trips() {
        let mut worst: f64 = 0.0;
        for i in 0..=40 {
            for j in 0..=30 {
                let (lon, lat) = (73.0 + 1.6 * f64::from(i), 18.0 + 1.2 * f64::from(j));
                let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
                let back = gcj02_to_wgs84(g_lon, g_lat);
                worst = worst.max((back.0 - lon).abs()).max((back.1 - lat).abs());
                let (b_lon, b_lat) = gcj02_to_bd09(lon, lat);
                let back = bd09_to_gcj02(b_lon, b_lat);
                worst = worst.max((back.0 - lon).abs()).max((back.1 - lat).abs());
            }
        }
        assert!(worst < 1e-6, "worst round-trip error {worst:e}°");
    }

    fn convert(crs: Crs, x: f64, y: f64) -> Result<(f64, f64), BadCoordinate> {
        ToWgs84::new(crs).unwrap().checked(x, y)
    }

    #[test]
    fn geographic_systems_dispatch() {
        let (lon, lat) = (120.58, 30.03);
        assert_eq!(convert(Crs::Wgs84, lon, lat), Ok((lon, lat)));
        let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
        assert_close(
            convert(Crs::Gcj02, g_lon, g_lat).unwrap(),
            (lon, lat),
            1e-9,
            "gcj02",
        );
        let (b_lon, b_lat) = gcj02_to_bd09(g_lon, g_lat);
        assert_close(
            convert(Crs::Bd09, b_lon, b_lat).unwrap(),
            (lon, lat),
            1e-9,
            "bd09",
        );
        // CGCS2000 and WGS-84 by EPSG code: degrees, no shift.
        for code in [4490, 4326] {
            assert_close(
                convert(Crs::Epsg(code), lon, lat).unwrap(),
                (lon, lat),
                1e-12,
                "EPSG",
            );
        }
        // …and checked as degrees.
        let bad = convert(Crs::Epsg(4490), 514_432.1, 3_351_162.3).unwrap_err();
        assert!(bad.message.contains("look like projected"), "{bad:?}");
    }

    /// The larger of the east and north errors of `got` against `want` (lon, lat degrees),
    /// in metres.
    fn error_m(got: (f64, f64), want: (f64, f64)) -> f64 {
        let m_per_deg = 6_371_000.0 * std::f64::consts::PI / 180.0;
        let east = (got.0 - want.0).abs() * m_per_deg * want.1.to_radians().cos();
        let north = (got.1 - want.1).abs() * m_per_deg;
        east.max(north)
    }

    /// Gauss–Krüger and UTM control points: (EPSG code, easting, northing, lon, lat), the
    /// projected coordinates computed from the lon/lat by pyproj 3.7.2 (PROJ 9.5.1),
    /// `Transformer.from_crs(4490, code, always_xy=True)` (4326 for UTM), rounded to 0.1 mm.
    /// Each reads back to its lon/lat within 1 cm (measured: under 0.1 mm).
    const GK_UTM_CONTROL_POINTS: [(u16, f64, f64, f64, f64); 18] = [
        // CGCS2000 3° Gauss–Krüger CM 120°E (no zone number): Hangzhou, Keqiao.
        (4549, 514432.1480, 3351162.2693, 120.15, 30.28),
        (4549, 547240.5990, 3329082.8947, 120.49, 30.08),
        // 3° zone 40 (zone number in front): Hangzhou again.
        (4528, 40514432.1480, 3351162.2693, 120.15, 30.28),
        // Beijing: 3° CM 117°E, zone 39; 6° zone 20 with and without the zone number.
        (4548, 447841.2481, 4419714.1332, 116.39, 39.91),
        (4527, 39447841.2481, 4419714.1332, 116.39, 39.91),
        (4498, 20447841.2481, 4419714.1332, 116.39, 39.91),
        (4509, 447841.2481, 4419714.1332, 116.39, 39.91),
        // Hangzhou in 6° zone 21 (CM 123°E, 2.85° off it).
        (4499, 21225733.3484, 3354593.9934, 120.15, 30.28),
        (4510, 225733.3484, 3354593.9934, 120.15, 30.28),
        // Ürümqi (3° CM 87°E, zone 29; 6° zone 15), Harbin (CM 126°E), Sanya (CM 108°E).
        (4538, 548285.1151, 4851775.3027, 87.6, 43.8),
        (4517, 29548285.1151, 4851775.3027, 87.6, 43.8),
        (4504, 548285.1151, 4851775.3027, 87.6, 43.8),
        (4493, 15548285.1151, 4851775.3027, 87.6, 43.8),
        (4551, 549021.1749, 5068491.7602, 126.63, 45.75),
        (4545, 659704.6267, 2019311.5408, 109.51, 18.25),
        // WGS-84 UTM 50N (Beijing), 51N (Shanghai), 50S (Perth).
        (32650, 447862.1116, 4417946.2477, 116.39, 39.91),
        (32651, 354280.6043, 3456101.0654, 121.47, 31.23),
        (32750, 392259.3619, 6464539.1639, 115.86, -31.95),
    ];

    #[test]
    fn gauss_kruger_and_utm_control_points() {
        for (code, x, y, lon, lat) in GK_UTM_CONTROL_POINTS {
            let got = convert(Crs::Epsg(code), x, y).unwrap();
            let err = error_m(got, (lon, lat));
            assert!(
                err <= 0.01,
                "EPSG:{code}: got {got:?}, want ({lon}, {lat}): {err} m"
            );
        }
    }

    /// IOGP Guidance Note 7-2 (EPSG), Transverse Mercator worked example: OSGB 1936 /
    /// British National Grid (EPSG:27700), E 577 274.99 m, N 69 740.50 m is lat 50°30'N,
    /// lon 0°30'E on OSGB 1936 (Airy 1830). The published E/N are given to the centimetre
    /// (PROJ's exact forward: 577 274.984, 69 740.492), so within 1 cm per axis.
    #[test]
    fn iogp_guidance_note_7_2_transverse_mercator() {
        // The projection alone: EPSG:27700's definition on its own datum, no shift.
        let definition = crs_definitions::from_code(27700).unwrap().proj4;
        assert!(definition.contains("+datum=OSGB36"), "{definition}");
        let on_airy = definition.replace("+datum=OSGB36", "+ellps=airy");
        let src = proj4rs::Proj::from_proj_string(&on_airy).unwrap();
        let airy = proj4rs::Proj::from_proj_string("+proj=longlat +ellps=airy +no_defs").unwrap();
        let mut p = (577_274.99, 69_740.50, 0.0);
        proj4rs::transform::transform(&src, &airy, &mut p).unwrap();
        let got = (p.0.to_degrees(), p.1.to_degrees());
        assert!(error_m(got, (0.5, 50.5)) <= 0.01, "{got:?}");
        // Through the converter: with the definition's Helmert shift to WGS-84, as pyproj
        // 3.7.2 (PROJ 9.5.1, no OSTN15 grid installed) converts it.
        let got = convert(Crs::Epsg(27700), 577_274.99, 69_740.50).unwrap();
        let want = (0.498_364_144_187_445_73, 50.500_636_667_549_12);
        assert!(error_m(got, want) <= 0.01, "{got:?}");
    }

    fn refused(crs: u16, x: f64, y: f64) -> BadCoordinate {
        convert(Crs::Epsg(crs), x, y).expect_err("expected a refusal")
    }

    #[test]
    fn projected_values_that_make_no_sense_are_refused() {
        // Degrees in a projected file.
        let bad = refused(4549, 120.15, 30.28);
        assert_eq!(bad.field, "lon");
        assert!(bad.message.contains("look like degrees"), "{bad:?}");
        // The zone number in front where EPSG:4549 has none: the zone-40 code is named.
        let bad = refused(4549, 40_514_432.148, 3_351_162.269);
        assert!(bad.message.contains("use EPSG:4528"), "{bad:?}");
        // …none where EPSG:4528 wants one: the code without it is named.
        let bad = refused(4528, 514_432.148, 3_351_162.269);
        assert!(bad.message.contains("no zone number in front"), "{bad:?}");
        assert!(bad.message.contains("use EPSG:4549"), "{bad:?}");
        // Another zone's number.
        let bad = refused(4528, 39_447_841.248, 4_419_714.133);
        assert!(
            bad.message.contains("starts with zone number 39"),
            "{bad:?}"
        );
        assert!(bad.message.contains("use EPSG:4527"), "{bad:?}");
        // 6° zone 21's number in a CM 123°E file.
        let bad = refused(4510, 21_225_733.348, 3_354_593.993);
        assert!(bad.message.contains("use EPSG:4499"), "{bad:?}");
        // Easting and northing swapped (X first, as Chinese survey tables write it).
        let bad = refused(4549, 3_351_162.269, 514_432.148);
        assert!(bad.message.contains("look swapped"), "{bad:?}");
        let bad = refused(4528, 3_351_162.269, 40_514_432.148);
        assert!(bad.message.contains("look swapped"), "{bad:?}");
        // Far from the zone: converts, but 25° off its central meridian.
        let bad = refused(4549, 3_000_000.0, 2_000_000.0);
        assert!(
            bad.message
                .contains("from the zone's central meridian 120°"),
            "{bad:?}"
        );
        // Not a point at all.
        let bad = refused(4549, 500_000.0, 1e12);
        assert_eq!(bad.field, "lat");
        assert!(bad.message.contains("not a point on Earth"), "{bad:?}");
        let bad = refused(32650, f64::NAN, 4_417_946.0);
        assert!(bad.message.contains("finite easting"), "{bad:?}");
        let bad = refused(3857, 1.0e9, 3.5e6);
        assert!(bad.message.contains("not a point on Earth"), "{bad:?}");
    }

    #[test]
    fn unsupported_codes_are_refused_when_built() {
        let e = ToWgs84::new(Crs::Epsg(9999)).err().unwrap();
        assert!(e.to_string().starts_with("crs EPSG:9999: "), "{e}");
        assert!(ToWgs84::new(Crs::Epsg(4267)).is_err(), "needs a grid");
    }

    #[test]
    fn projected_hint_for_degrees_names_a_zone() {
        let bad = convert(Crs::Wgs84, 40_514_432.1, 3_351_162.3).unwrap_err();
        assert!(bad.message.contains("EPSG:4528"), "{bad:?}");
        let bad = convert(Crs::Wgs84, 13_423_000.5, 3_503_000.2).unwrap_err();
        assert!(bad.message.contains("EPSG:4549"), "{bad:?}");
    }
}
