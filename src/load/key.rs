//! What identifies loaded work, defined once: [`NetworkKey`] names a prepared network
//! (the cache file), [`LoadKey`] names everything [`super::load`] reads (runs of a sweep
//! that agree on it share one load).

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::InputFile;
use crate::network::Profile;
use crate::params::{Crs, DemandSource, NetworkSource, Scenario};

/// Bump when the network model or the cache layout changes (2: checked cache files; 3: roads
/// as a fire engine may use them — access hierarchy, barriers, issue 19; 4: turn
/// restrictions applied; 5: CRC-32 header before the payload, the snapping index's order
/// cached, the logistics profile cached as its times on the emergency network's roads).
pub const CACHE_FORMAT: u32 = 5;

/// The model parameters a prepared network depends on, beside its files' contents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkKey<'a> {
    pub params: &'a crate::params::NetworkParams,
    pub profile: Profile,
    /// Buildings are kept with the network (demand from OSM buildings).
    pub buildings: bool,
    pub crs: Crs,
}

impl<'a> NetworkKey<'a> {
    /// The key of `scenario`'s network with `profile`.
    pub fn of(scenario: &'a Scenario, profile: Profile) -> Self {
        NetworkKey {
            params: &scenario.params,
            profile,
            buildings: matches!(scenario.demand, Some(DemandSource::OsmBuildings { .. })),
            crs: scenario.network_crs(),
        }
    }

    /// The cache file name: `network-` and the first 32 hex digits of [`Self::cache_key`].
    pub fn cache_file_name(&self, files: &[InputFile]) -> String {
        file_name_of(&self.cache_key(files))
    }

    /// SHA-256 (hex) of the format version, the network files' hashes (in `files` order)
    /// and these parameters; a cache file records the key it was built for.
    pub fn cache_key(&self, files: &[InputFile]) -> String {
        let mut hasher = Sha256::new();
        hasher.update(CACHE_FORMAT.to_le_bytes());
        for f in files.iter().filter(|f| f.role.starts_with("network.")) {
            hasher.update(f.sha256.as_bytes());
        }
        let params = (self.params, self.profile, self.buildings, &self.crs);
        hasher.update(serde_json::to_vec(&params).unwrap_or_default());
        format!("{:x}", hasher.finalize())
    }
}

/// The cache file name of a key from [`NetworkKey::cache_key`].
pub fn file_name_of(cache_key: &str) -> String {
    format!("network-{}.bin", &cache_key[..32])
}

/// Everything [`super::load`] reads: the network (source and model) and every input file
/// with its CRS. Two scenarios with equal keys load identical [`super::Inputs`] (but for
/// the parameters that do not touch the files, such as `[response]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadKey {
    /// The scenario's name names the whole-network district without `[districts]`.
    pub name: String,
    pub network: NetworkSource,
    pub params: crate::params::NetworkParams,
    /// Road closures change the network every variant of the load runs on; a point
    /// closure closes the nearest segment within `max_snap_m`, so that counts too (only
    /// with closures: otherwise `max_snap_m` acts after the load).
    pub closures: Vec<crate::params::ClosureParams>,
    pub closure_snap_m: Option<f64>,
    pub stations: (std::path::PathBuf, Crs, Option<std::path::PathBuf>),
    pub default_class: Option<&'static str>,
    pub demand: Option<DemandSource>,
    pub districts: Option<(std::path::PathBuf, Crs)>,
    pub depots: Option<(std::path::PathBuf, Crs)>,
    /// A calibration sets every station's time before the wheels turn at load.
    pub calibration: Option<(std::path::PathBuf, crate::params::ResponseModel)>,
}

impl LoadKey {
    pub fn of(s: &Scenario) -> LoadKey {
        LoadKey {
            name: s.name.clone(),
            network: s.network.clone(),
            params: s.params.clone(),
            closures: s.closures.clone(),
            closure_snap_m: (!s.closures.is_empty()).then_some(s.max_snap_m),
            stations: (
                s.stations_file.clone(),
                s.stations_crs,
                s.vehicles_file.clone(),
            ),
            default_class: s.default_class.map(|c| c.as_str()),
            demand: s.demand.clone(),
            districts: s.districts.clone(),
            depots: s.depots.clone(),
            calibration: s
                .calibration
                .as_ref()
                .map(|c| (c.file.clone(), c.model.clone())),
        }
    }

    /// The key as one string (for maps keyed by it).
    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(role: &str, sha: &str) -> InputFile {
        InputFile {
            role: role.into(),
            path: "x".into(),
            sha256: sha.into(),
            bytes: 1,
        }
    }

    #[test]
    fn cache_name_changes_with_files_and_parameters() {
        let params = crate::params::NetworkParams::default();
        let key = NetworkKey {
            params: &params,
            profile: Profile::Emergency,
            buildings: false,
            crs: Crs::Wgs84,
        };
        let a = [file("network.osm", "aa"), file("stations", "ss")];
        let b = [file("network.osm", "ab"), file("stations", "ss")];
        let c = [file("network.osm", "aa"), file("stations", "other")];
        assert_ne!(key.cache_file_name(&a), key.cache_file_name(&b));
        // Only the network files count.
        assert_eq!(key.cache_file_name(&a), key.cache_file_name(&c));
        let logistics = NetworkKey {
            profile: Profile::Logistics,
            ..key.clone()
        };
        assert_ne!(key.cache_file_name(&a), logistics.cache_file_name(&a));
        let faster = crate::params::NetworkParams {
            speed_factor: 1.1,
            ..params.clone()
        };
        let k2 = NetworkKey {
            params: &faster,
            ..key.clone()
        };
        assert_ne!(key.cache_file_name(&a), k2.cache_file_name(&a));
        assert!(key.cache_file_name(&a).starts_with("network-"));
    }
}
