//! The coordinate reference system of an input file, as the scenario, a plan file or an
//! option names it: `wgs84` (default), `gcj02`, `bd09`, or an EPSG code (`EPSG:4549`) whose
//! definition comes from the `crs-definitions` list and converts with `proj4rs`. The
//! conversion itself is `io::crs`'s; here a name is parsed and an EPSG code checked to be
//! one that converts.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::names::nearest;

/// Coordinate reference system of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Crs {
    /// WGS-84 (GPS, OpenStreetMap).
    #[default]
    Wgs84,
    /// GCJ-02 ("Mars coordinates" of Chinese web maps: Amap, Tencent).
    Gcj02,
    /// BD-09 (Baidu maps).
    Bd09,
    /// An EPSG coordinate reference system, geographic (degrees, e.g. 4490 CGCS2000) or
    /// projected (easting in `lon`, northing in `lat`, in the CRS's unit, e.g. 4549 CGCS2000
    /// 3° Gauss–Krüger CM 120°E). Made by [`Crs::parse`], which checks that the code
    /// converts; EPSG codes are below 32768, so `u16` holds every one.
    Epsg(u16),
}

/// The named systems, as written.
const NAMED: [(&str, Crs); 3] = [
    ("wgs84", Crs::Wgs84),
    ("gcj02", Crs::Gcj02),
    ("bd09", Crs::Bd09),
];

/// What a `crs` may be, for error messages.
pub const EXPECTED: &str = "wgs84, gcj02, bd09, or `EPSG:<code>`: CGCS2000 EPSG:4490 \
    (degrees) and its Gauss–Krüger zones, 3° EPSG:4513–4533 (easting with the zone number, \
    e.g. 40500000) and 4534–4554 (without), 6° EPSG:4491–4501 (with) and 4502–4512 \
    (without); WGS-84 EPSG:4326 and UTM 32601–32660 / 32701–32760; web Mercator 3857; most \
    other EPSG codes (transverse Mercator, Lambert, …) except those needing a grid file";

impl Crs {
    /// Parses a CRS name (case-insensitive): `wgs84`, `gcj02`, `bd09` or `EPSG:<code>`.
    /// The error says what was expected, with a "did you mean" where one is near.
    pub fn parse(s: &str) -> Result<Crs, String> {
        let t = s.trim();
        if let Some(&(_, crs)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)) {
            return Ok(crs);
        }
        let unknown = |why: String| Err(format!("unknown CRS `{t}`{why}; expected {EXPECTED}"));
        let digits = |c: &str| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit());
        if let Some((prefix, code)) = t.split_once(':') {
            let (prefix, code) = (prefix.trim(), code.trim());
            if prefix.eq_ignore_ascii_case("epsg") {
                if !digits(code) {
                    return unknown(format!(": expected a number after `EPSG:`, got `{code}`"));
                }
                return match code.parse::<u16>() {
                    Ok(n) => Crs::epsg(n).map_err(|why| format!("{why}; expected {EXPECTED}")),
                    Err(_) => unknown(format!(": EPSG codes are below 32768, got {code}")),
                };
            }
            if digits(code) && nearest(prefix, ["EPSG"]).is_some() {
                return unknown(format!(" (did you mean `EPSG:{code}`?)"));
            }
        }
        if digits(t) {
            return unknown(format!(" (did you mean `EPSG:{t}`?)"));
        }
        let hint = nearest(t, NAMED.iter().map(|(n, _)| *n))
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        unknown(hint)
    }

    /// `Crs::Epsg(code)` if the code's definition converts, else why not.
    pub fn epsg(code: u16) -> Result<Crs, String> {
        epsg_definition(code).map(|_| Crs::Epsg(code))
    }
}

/// The PROJ definition of EPSG `code` (from `crs-definitions`), if fireplan can convert
/// from it: known, not geocentric, and accepted by `proj4rs` (not needing a grid file).
pub fn epsg_definition(code: u16) -> Result<&'static str, String> {
    let def = crs_definitions::from_code(code)
        .ok_or_else(|| format!("EPSG:{code} is not a coordinate reference system fireplan knows"))?
        .proj4;
    if def.contains("+proj=geocent") {
        return Err(format!(
            "EPSG:{code} is geocentric (x, y, z from the Earth's centre), not a map CRS"
        ));
    }
    match proj4rs::Proj::from_proj_string(def) {
        Ok(_) => Ok(def),
        Err(proj4rs::errors::Error::NadGridNotAvailable) => Err(format!(
            "EPSG:{code} needs a datum-shift grid file ({}), which fireplan does not have",
            def.split(' ')
                .find(|p| p.starts_with("+nadgrids="))
                .unwrap_or("+nadgrids")
        )),
        Err(e) => Err(format!("EPSG:{code} ({def}) cannot be converted: {e}")),
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Wgs84 => f.write_str("wgs84"),
            Crs::Gcj02 => f.write_str("gcj02"),
            Crs::Bd09 => f.write_str("bd09"),
            Crs::Epsg(code) => write!(f, "EPSG:{code}"),
        }
    }
}

impl std::str::FromStr for Crs {
    type Err = String;
    fn from_str(s: &str) -> Result<Crs, String> {
        Crs::parse(s)
    }
}

/// The named systems as before EPSG codes came (unit variants: `"wgs84"` in JSON, so cache
/// keys stay as they were); an EPSG code as its name, `"EPSG:4549"`.
impl Serialize for Crs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Crs::Wgs84 => s.serialize_unit_variant("Crs", 0, "wgs84"),
            Crs::Gcj02 => s.serialize_unit_variant("Crs", 1, "gcj02"),
            Crs::Bd09 => s.serialize_unit_variant("Crs", 2, "bd09"),
            Crs::Epsg(code) => s.serialize_str(&format!("EPSG:{code}")),
        }
    }
}

/// From a name, by [`Crs::parse`].
impl<'de> Deserialize<'de> for Crs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Crs, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Crs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CRS name: wgs84, gcj02, bd09 or \"EPSG:<code>\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Crs, E> {
                Crs::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_parse() {
        assert_eq!(Crs::parse("wgs84"), Ok(Crs::Wgs84));
        assert_eq!(Crs::parse(" GCJ02 "), Ok(Crs::Gcj02));
        assert_eq!(Crs::parse("Bd09"), Ok(Crs::Bd09));
        assert_eq!(Crs::parse("EPSG:4549"), Ok(Crs::Epsg(4549)));
        assert_eq!(Crs::parse("epsg: 4528"), Ok(Crs::Epsg(4528)));
        assert_eq!(Crs::parse("EPSG:32650"), Ok(Crs::Epsg(32650)));
        assert_eq!(Crs::parse("EPSG:4490"), Ok(Crs::Epsg(4490)));
        for c in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09, Crs::Epsg(4549)] {
            assert_eq!(Crs::parse(&c.to_string()), Ok(c));
        }
    }

    #[test]
    fn every_cgcs2000_gauss_kruger_zone_converts() {
        for code in (4491..=4554).chain(32601..=32660).chain(32701..=32760) {
            assert_eq!(Crs::epsg(code), Ok(Crs::Epsg(code)), "EPSG:{code}");
        }
    }

    #[test]
    fn bad_names_say_what_was_expected() {
        let err = |s: &str| Crs::parse(s).expect_err(s);
        assert!(
            err("wgs48").contains("did you mean `wgs84`?"),
            "{}",
            err("wgs48")
        );
        assert!(err("ESPG:4549").contains("did you mean `EPSG:4549`?"));
        assert!(err("4549").contains("did you mean `EPSG:4549`?"));
        let e = err("EPSG:abc");
        assert!(e.contains("expected a number after `EPSG:`"), "{e}");
        assert!(e.contains("4534–4554"), "{e}");
        let e = err("EPSG:9999");
        assert!(
            e.contains("EPSG:9999 is not a coordinate reference system"),
            "{e}"
        );
        assert!(err("EPSG:99999").contains("below 32768"));
        assert!(err("EPSG:4978").contains("geocentric"));
        assert!(err("EPSG:27200").contains("cannot be converted"));
        assert!(err("EPSG:4267").contains("grid file"));
    }

    /// Named systems serialise as the derived unit variants did (cache keys unchanged);
    /// every value reads back.
    #[test]
    fn serde_round_trip() {
        assert_eq!(serde_json::to_string(&Crs::Gcj02).unwrap(), "\"gcj02\"");
        assert_eq!(
            serde_json::to_string(&Crs::Epsg(4549)).unwrap(),
            "\"EPSG:4549\""
        );
        for c in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09, Crs::Epsg(4549)] {
            let text = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Crs>(&text).unwrap(), c);
        }
    }
}
