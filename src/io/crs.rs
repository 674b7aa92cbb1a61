//! Chinese web-map coordinates → WGS-84, and the coordinate checks every reader shares.
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

/// Checks a lon/lat pair given in `crs` and converts it to WGS-84.
///
/// Refuses non-finite values and values outside ±180 / ±90, and says what probably
/// happened: a latitude beyond ±90 next to a longitude that would be a valid latitude is
/// reported as swapped columns, and both far out of range as projected coordinates.
pub(crate) fn checked_to_wgs84(crs: Crs, lon: f64, lat: f64) -> Result<(f64, f64), BadCoordinate> {
    let bad = |field, message: String| Err(BadCoordinate { field, message });
    // Huge values in scientific notation (1e308 would print 309 digits).
    let shown = |v: f64| {
        if v.abs() >= 1e7 {
            format!("{v:e}")
        } else {
            v.to_string()
        }
    };
    if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 {
        return Ok(to_wgs84(crs, lon, lat));
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
                 give longitude/latitude in degrees"
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

/// Converts a point given in `crs` to WGS-84.
pub fn to_wgs84(crs: Crs, lon: f64, lat: f64) -> (f64, f64) {
    match crs {
        Crs::Wgs84 => (lon, lat),
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

    #[test]
    fn to_wgs84_dispatches() {
        let (lon, lat) = (120.58, 30.03);
        assert_eq!(to_wgs84(Crs::Wgs84, lon, lat), (lon, lat));
        let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
        assert_close(
            to_wgs84(Crs::Gcj02, g_lon, g_lat),
            (lon, lat),
            1e-9,
            "gcj02",
        );
        let (b_lon, b_lat) = gcj02_to_bd09(g_lon, g_lat);
        assert_close(to_wgs84(Crs::Bd09, b_lon, b_lat), (lon, lat), 1e-9, "bd09");
    }
}
