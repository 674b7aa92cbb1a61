//! The files of a partitioned run (分区计算, `fireplan tiles`): what a tile task reads and
//! what the merge reads, and their readers. `coverage::tiles` builds and computes them,
//! `report::tiles` writes them.
//!
//! - `manifest.json` ([`Manifest`]): the scenario, its input files' SHA-256, the horizon,
//!   the thresholds, the districts, and per tile its file, SHA-256 and sizes.
//! - `tile-0001.bin` ([`TileFile`] around a postcard [`TileInput`]): a tile's sub-network,
//!   its stations' search seeds and its core demand points — everything a tile task needs,
//!   and nothing else of the network.
//! - `result-0001.csv` ([`PointResult`] rows): each core demand point's first and second
//!   station within the horizon, times with every digit (`{}` of an `f64` reads back to
//!   the same bits).

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};
use crate::network::Network;

/// Version of the tile file format; a file of another version is refused.
pub const TILE_FORMAT: u32 = 2;
/// Version of `manifest.json`.
pub const MANIFEST_FORMAT: u32 = 1;

/// The columns of `result-NNNN.csv`.
pub const RESULT_COLUMNS: [&str; 12] = [
    "demand_index",
    "id",
    "district",
    "weight",
    "snap_m",
    "off_network",
    "first_station",
    "response_s",
    "second_station",
    "second_response_s",
    "lon",
    "lat",
];

/// `manifest.json` of a split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The scenario file as given to `tiles split`, and its name.
    pub scenario: String,
    pub scenario_name: String,
    /// Every input file read, with its SHA-256.
    pub inputs: Vec<ManifestInput>,
    /// `grid 30 km` or `districts`.
    pub tiling: String,
    /// The longest response time computed, seconds: results beyond it say "none within
    /// the horizon".
    pub horizon_s: f64,
    pub threshold_s: f64,
    pub second_threshold_s: f64,
    /// The halo bound: horizon − the earliest time any station enters the roads, plus the
    /// rounding slack ([`HALO_SLACK_S`]).
    pub halo_bound_s: f64,
    /// Demand points of the scenario (every one belongs to exactly one tile).
    pub demand_points: usize,
    /// Rescue districts in input order (`district` in the results is an index into it).
    pub districts: Vec<ManifestDistrict>,
    pub tiles: Vec<ManifestTile>,
}

/// One input file of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestInput {
    pub role: String,
    pub path: String,
    pub sha256: String,
}

/// A rescue district's name and kind (`urban`, `suburban`, `rural`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestDistrict {
    pub name: String,
    pub kind: String,
}

/// One tile of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestTile {
    /// 1-based.
    pub tile: u32,
    /// `x3 y-2` (grid cell) or the district's name.
    pub name: String,
    pub file: String,
    /// SHA-256 of the whole tile file.
    pub sha256: String,
    pub demand_points: usize,
    /// Vertices of the tile's sub-network (core and halo).
    pub vertices: usize,
    /// Vertices whose road node lies in the tile's core (its grid cell or district).
    pub core_vertices: usize,
    pub edges: usize,
    pub stations: usize,
}

impl Manifest {
    /// `tile-0001.bin`.
    pub fn tile_file_name(tile: u32) -> String {
        format!("tile-{tile:04}.bin")
    }

    /// `result-0001.csv`.
    pub fn result_file_name(tile: u32) -> String {
        format!("result-{tile:04}.csv")
    }
}

/// Seconds added to the halo bound against rounding: the reverse search sums a path's
/// times in the other order than the forward search, which can differ in the last bits
/// (far below a microsecond at these magnitudes).
pub const HALO_SLACK_S: f64 = 1e-3;

/// A station of a tile: its origin number in the whole run (origins are numbered by
/// station id, so ties break the same way) and its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileStation {
    pub origin: u32,
    pub id: String,
}

/// Where a station enters the tile's sub-network: (tile station, sub-network vertex,
/// dispatch + turnout + access leg + the part of its segment, seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TileSeed {
    pub station: u32,
    pub vertex: u32,
    pub time_s: f64,
}

/// A core demand point of a tile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileDemand {
    /// Index among the scenario's demand points (input order).
    pub index: u32,
    pub id: String,
    /// Where the point is, WGS-84 degrees (carried to `demand_response.csv`).
    pub lon: f64,
    pub lat: f64,
    pub weight: f64,
    /// Rescue district index (None: outside every district).
    pub district: Option<u32>,
    /// Access leg, metres (None: no road at all).
    pub snap_m: Option<f64>,
    /// Farther than `max_snap_m` from any road: no response.
    pub off_network: bool,
    /// Seconds of the access leg (added last, as the whole run does).
    pub access_s: f64,
    /// How a trip reaches the point: (sub-network vertex, seconds from it to the snap
    /// point), from the full network's arrivals, only those inside the halo.
    pub arrivals: Vec<(u32, f64)>,
    /// Stations standing on the point's own segment: (tile station, response at the snap
    /// point without the access leg).
    pub on_segment: Vec<(u32, f64)>,
}

/// Everything a tile task needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileInput {
    /// 1-based.
    pub tile: u32,
    pub name: String,
    pub horizon_s: f64,
    /// The search graph induced on the halo ([`Network::induced`]).
    pub network: Network,
    /// In ascending `origin` order.
    pub stations: Vec<TileStation>,
    pub seeds: Vec<TileSeed>,
    pub demand: Vec<TileDemand>,
}

/// A tile file: the format version, a SHA-256 over the payload (the postcard bytes of a
/// [`TileInput`]), and the payload.
#[derive(Serialize, Deserialize)]
pub struct TileFile {
    pub format: u32,
    pub sha256: [u8; 32],
    pub payload: Vec<u8>,
}

impl TileFile {
    /// The file's bytes for `tile`.
    pub fn encode(tile: &TileInput) -> Result<Vec<u8>> {
        let payload =
            postcard::to_stdvec(tile).map_err(|e| Error::output("tile file", e.to_string()))?;
        let file = TileFile {
            format: TILE_FORMAT,
            sha256: Sha256::digest(&payload).into(),
            payload,
        };
        postcard::to_stdvec(&file).map_err(|e| Error::output("tile file", e.to_string()))
    }
}

/// One demand point's result within the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    pub index: u32,
    pub id: String,
    /// Where the point is, WGS-84 degrees.
    pub lon: f64,
    pub lat: f64,
    pub district: Option<u32>,
    pub weight: f64,
    pub snap_m: Option<f64>,
    pub off_network: bool,
    /// (station id, seconds), None: no station within the horizon.
    pub first: Option<(String, f64)>,
    pub second: Option<(String, f64)>,
}

fn bad(path: &Path, message: impl Into<String>) -> Error {
    Error::input(path, Location::File, "tile file", message)
}

/// Reads a tile file: format, checksum, then the sub-network's consistency and every index
/// in range. A damaged, truncated or foreign file is an error naming it.
pub fn read_tile(path: &Path) -> Result<TileInput> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_tile(path, &bytes)
}

/// [`read_tile`] of bytes already read.
pub fn decode_tile(path: &Path, bytes: &[u8]) -> Result<TileInput> {
    let file: TileFile = postcard::from_bytes(bytes)
        .map_err(|e| bad(path, format!("not a fireplan tile file ({e}); split again")))?;
    if file.format != TILE_FORMAT {
        return Err(bad(
            path,
            format!(
                "format {} (expected {TILE_FORMAT}); split again with this fireplan",
                file.format
            ),
        ));
    }
    if <[u8; 32]>::from(Sha256::digest(&file.payload)) != file.sha256 {
        return Err(bad(
            path,
            "checksum mismatch: the file is damaged; split again",
        ));
    }
    let tile: TileInput = postcard::from_bytes(&file.payload)
        .map_err(|e| bad(path, format!("undecodable ({e}); split again")))?;
    tile.network
        .check_consistent()
        .map_err(|e| bad(path, format!("inconsistent sub-network ({e})")))?;
    let v = tile.network.vertex_count() as u32;
    let s = tile.stations.len() as u32;
    let sorted = tile.stations.windows(2).all(|w| w[0].origin < w[1].origin);
    let seeds_ok = tile
        .seeds
        .iter()
        .all(|x| x.station < s && x.vertex < v && x.time_s.is_finite() && x.time_s >= 0.0);
    let demand_ok = tile.demand.iter().all(|d| {
        d.arrivals
            .iter()
            .all(|&(x, t)| x < v && t.is_finite() && t >= 0.0)
            && d.on_segment
                .iter()
                .all(|&(x, t)| x < s && t.is_finite() && t >= 0.0)
            && d.access_s.is_finite()
            && d.weight.is_finite()
    });
    if !sorted || !seeds_ok || !demand_ok || !tile.horizon_s.is_finite() {
        return Err(bad(path, "an index or time out of range"));
    }
    Ok(tile)
}

/// The SHA-256 of a file, hex.
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(format!("{:x}", hasher.finalize()))
}

/// Reads `manifest.json` of a split folder.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| {
        Error::input(
            path,
            Location::Line(e.line() as u64),
            "manifest",
            format!("not a fireplan tiles manifest ({e})"),
        )
    })?;
    if m.format != MANIFEST_FORMAT {
        return Err(Error::input(
            path,
            Location::Key("format".into()),
            "format",
            format!(
                "format {} (expected {MANIFEST_FORMAT}); split again",
                m.format
            ),
        ));
    }
    for (i, t) in m.tiles.iter().enumerate() {
        if t.tile as usize != i + 1 {
            return Err(Error::input(
                path,
                Location::Key(format!("tiles[{i}].tile")),
                "tile",
                format!("tiles must be numbered 1, 2, … in order; found {}", t.tile),
            ));
        }
    }
    Ok(m)
}

/// Reads `result-NNNN.csv`: every row, checked. `None` for a cell means empty.
pub fn read_result(path: &Path) -> Result<Vec<PointResult>> {
    let mut r = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| csv_io(path, e))?;
    let header = r.headers().map_err(|e| csv_io(path, e))?.clone();
    if header.iter().ne(RESULT_COLUMNS) {
        return Err(Error::input(
            path,
            Location::Line(1),
            "header",
            format!("expected the columns {}", RESULT_COLUMNS.join(",")),
        ));
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec =
            rec.map_err(|e| Error::input(path, Location::Line(line), "row", e.to_string()))?;
        let cell = |k: usize| rec.get(k).unwrap_or("");
        let num = |k: usize| -> Result<Option<f64>> {
            let c = cell(k);
            if c.is_empty() {
                return Ok(None);
            }
            c.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Some)
                .ok_or_else(|| {
                    Error::input(
                        path,
                        Location::Line(line),
                        RESULT_COLUMNS[k],
                        format!("expected a number, found {c:?}"),
                    )
                })
        };
        let index = cell(0).parse::<u32>().map_err(|_| {
            Error::input(
                path,
                Location::Line(line),
                "demand_index",
                "expected an index",
            )
        })?;
        let district = match cell(2) {
            "" => None,
            c => Some(c.parse::<u32>().map_err(|_| {
                Error::input(path, Location::Line(line), "district", "expected an index")
            })?),
        };
        let off_network = match cell(5) {
            "true" => true,
            "false" => false,
            _ => {
                return Err(Error::input(
                    path,
                    Location::Line(line),
                    "off_network",
                    "expected true or false",
                ))
            }
        };
        let station = |k: usize, t: usize| -> Result<Option<(String, f64)>> {
            match (cell(k), num(t)?) {
                ("", None) => Ok(None),
                (id, Some(s)) if !id.is_empty() => Ok(Some((id.to_string(), s))),
                _ => Err(Error::input(
                    path,
                    Location::Line(line),
                    RESULT_COLUMNS[k],
                    "a station and its time go together",
                )),
            }
        };
        out.push(PointResult {
            index,
            id: cell(1).to_string(),
            lon: num(10)?.ok_or_else(|| {
                Error::input(path, Location::Line(line), "lon", "expected a number")
            })?,
            lat: num(11)?.ok_or_else(|| {
                Error::input(path, Location::Line(line), "lat", "expected a number")
            })?,
            district,
            weight: num(3)?.ok_or_else(|| {
                Error::input(path, Location::Line(line), "weight", "expected a number")
            })?,
            snap_m: num(4)?,
            off_network,
            first: station(6, 7)?,
            second: station(8, 9)?,
        });
    }
    Ok(out)
}

fn csv_io(path: &Path, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::input(path, Location::File, "csv", format!("{other:?}")),
    }
}

/// A row of a whole run's `demand_response.csv`, as `tiles merge --compare` reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonoRow {
    pub line: u64,
    pub id: String,
    pub first_station: String,
    pub response_s: String,
    pub second_station: String,
    pub second_response_s: String,
    pub status: String,
}

/// Reads the columns `--compare` needs from a whole run's `demand_response.csv`.
pub fn read_demand_response(path: &Path) -> Result<Vec<MonoRow>> {
    let mut r = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| csv_io(path, e))?;
    let header = r.headers().map_err(|e| csv_io(path, e))?.clone();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            Error::input(
                path,
                Location::Line(1),
                name,
                "missing column (expected a `fireplan run` demand_response.csv)",
            )
        })
    };
    let cols = [
        col("id")?,
        col("first_station")?,
        col("response_s")?,
        col("second_station")?,
        col("second_response_s")?,
        col("status")?,
    ];
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec =
            rec.map_err(|e| Error::input(path, Location::Line(line), "row", e.to_string()))?;
        let c = |k: usize| rec.get(cols[k]).unwrap_or("").to_string();
        out.push(MonoRow {
            line,
            id: c(0),
            first_station: c(1),
            response_s: c(2),
            second_station: c(3),
            second_response_s: c(4),
            status: c(5),
        });
    }
    Ok(out)
}
