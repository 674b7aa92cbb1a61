//! `[supply]` in the scenario (DESIGN §5): reach time and capacity per level, as data.
//!
//! ```toml
//! [supply]
//! logistics_stations = true          # 战勤保障站 are support points (at their support_level)
//! required_levels = ["county", "city"]
//! [supply.reach_s]                   # seed 002: 省内2小时、市内1小时、县(市、区)内半小时
//! county = 1800
//! city = 3600
//! town = 900                         # no default: town times are reported only
//! [supply.capacity_persons]          # logistics stations; seed 000: 800 / 400 / 200 / 100
//! county = 120
//! ```
//!
//! [`SupplySection`] mirrors the file; [`SupplyParams`] is the validated form with the
//! defaults applied. A provincial reserve centre (省级) is entered as level `regional`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::model::DepotLevel;
use crate::names::nearest;

/// `[supply]` as written in the scenario file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupplySection {
    /// Reach time per level, seconds (`county = 1800`); overrides the defaults.
    #[serde(default)]
    pub reach_s: BTreeMap<String, f64>,
    /// People a logistics-support station of each level can support when its row has no
    /// `support_capacity_persons` (reserve depots have no default: DESIGN §5).
    #[serde(default)]
    pub capacity_persons: BTreeMap<String, f64>,
    /// Whether stations of class `logistics` (战勤保障站) count as support points, at their
    /// `support_level` (default county), (default true).
    pub logistics_stations: Option<bool>,
    /// Levels every place must be reached from, even when the depots file has none of that
    /// level (a missing level is then a finding). Default: none beyond the levels present.
    #[serde(default)]
    pub required_levels: Vec<String>,
}

/// The validated `[supply]` parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplyParams {
    /// Reach time per level, seconds. A level without one (town, by default) has its
    /// times reported without pass/fail.
    pub reach_s: BTreeMap<DepotLevel, f64>,
    /// Default capability of a logistics-support station per level, persons; its own
    /// `support_capacity_persons` overrides it. Reserve depots have none by default.
    pub capacity_persons: BTreeMap<DepotLevel, f64>,
    /// Logistics-support stations (战勤保障站) are county-level support points.
    pub logistics_stations: bool,
    /// Levels that must be present (see [`SupplySection::required_levels`]).
    pub required_levels: Vec<DepotLevel>,
}

impl Default for SupplyParams {
    /// DESIGN §5: county 1,800 s, city 3,600 s, regional and national 7,200 s; capacities
    /// national 800, regional 400, city 200, county 100 persons; town none.
    fn default() -> Self {
        SupplyParams {
            reach_s: BTreeMap::from([
                (DepotLevel::National, 7200.0),
                (DepotLevel::Regional, 7200.0),
                (DepotLevel::City, 3600.0),
                (DepotLevel::County, 1800.0),
            ]),
            capacity_persons: BTreeMap::from([
                (DepotLevel::National, 800.0),
                (DepotLevel::Regional, 400.0),
                (DepotLevel::City, 200.0),
                (DepotLevel::County, 100.0),
            ]),
            logistics_stations: true,
            required_levels: Vec::new(),
        }
    }
}

/// The Chinese name of a level, for reports.
pub fn level_name_zh(level: DepotLevel) -> &'static str {
    match level {
        DepotLevel::National => "国家级",
        DepotLevel::Regional => "区域(省)级",
        DepotLevel::City => "市级",
        DepotLevel::County => "县级",
        DepotLevel::Town => "乡镇级",
    }
}

/// Parses a level name written as a key or list item of `[supply]`.
fn level_at(name: &str, path: &Path, key_path: &str, field: &str) -> Result<DepotLevel> {
    DepotLevel::parse(name).ok_or_else(|| {
        let names = DepotLevel::ALL.map(DepotLevel::as_str);
        let hint = if name.trim().to_ascii_lowercase().starts_with("prov") {
            " (a provincial depot, 省级, is entered as `regional`)".to_string()
        } else {
            nearest(name, names)
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default()
        };
        Error::input(
            path,
            Location::Key(key_path.to_string()),
            field,
            format!(
                "unknown depot level `{name}`; expected one of {}{hint}",
                names.join(", ")
            ),
        )
    })
}

impl SupplyParams {
    /// Validates `[supply]` of the scenario at `path` (named in errors with the key).
    pub fn from_section(section: &SupplySection, path: &Path) -> Result<SupplyParams> {
        let mut p = SupplyParams::default();
        for (name, &seconds) in &section.reach_s {
            let key_path = format!("supply.reach_s.{name}");
            let level = level_at(name, path, &key_path, name)?;
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err(Error::input(
                    path,
                    Location::Key(key_path),
                    name.as_str(),
                    format!("expected a reach time in seconds > 0, got {seconds}"),
                ));
            }
            p.reach_s.insert(level, seconds);
        }
        for (name, &persons) in &section.capacity_persons {
            let key_path = format!("supply.capacity_persons.{name}");
            let level = level_at(name, path, &key_path, name)?;
            if !(persons.is_finite() && persons >= 0.0) {
                return Err(Error::input(
                    path,
                    Location::Key(key_path),
                    name.as_str(),
                    format!("expected a number of persons ≥ 0, got {persons}"),
                ));
            }
            p.capacity_persons.insert(level, persons);
        }
        if let Some(b) = section.logistics_stations {
            p.logistics_stations = b;
        }
        for name in &section.required_levels {
            let level = level_at(name, path, "supply.required_levels", "required_levels")?;
            if !p.required_levels.contains(&level) {
                p.required_levels.push(level);
            }
        }
        p.required_levels.sort();
        Ok(p)
    }

    /// Reach time of `level`, seconds, if it has one.
    pub fn reach_time_s(&self, level: DepotLevel) -> Option<f64> {
        self.reach_s.get(&level).copied()
    }

    /// Default capacity of `level`, persons, if it has one.
    pub fn default_capacity_persons(&self, level: DepotLevel) -> Option<f64> {
        self.capacity_persons.get(&level).copied()
    }
}
