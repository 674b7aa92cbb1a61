//! Stations, vehicles, demand, depots, calibration records, water sources and villages CSV:
//! the first byte picks the reader, the rest is the file. Any result is fine; a panic, abort or hang is a bug.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use fireplan::io::{records, tables, villages, water};
use fireplan::model::Station;
use fireplan::params::Crs;

/// The fixed stations the vehicles and records files refer to, read once.
fn stations() -> &'static Vec<Station> {
    static S: OnceLock<Vec<Station>> = OnceLock::new();
    S.get_or_init(|| {
        tables::read_stations(
            &common::file("s.csv", b"id,lon,lat,class\nS1,120,30,class1\nS2,120.1,30,small\n"),
            Crs::Wgs84,
            None,
        )
        .expect("fixed stations")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // The geographic systems and two CGCS2000 Gauss–Krüger zones, without (4549) and with
    // (4528) the zone number in the easting.
    let crs = [
        Crs::Wgs84,
        Crs::Gcj02,
        Crs::Bd09,
        Crs::Epsg(4549),
        Crs::Epsg(4528),
    ][(which as usize / 8) % 5];
    let p = common::file("t.csv", rest);
    match which % 7 {
        0 => drop(tables::read_stations(&p, crs, None)),
        1 => {
            let mut s = stations().clone();
            drop(tables::read_vehicles(&p, &mut s));
        }
        2 => drop(tables::read_demand(&p, crs)),
        3 => drop(tables::read_depots(&p, crs)),
        4 => drop(records::read_records(&p, crs, stations())),
        5 => drop(water::read_water_sources(&p, crs)),
        _ => drop(villages::read_villages(&p, crs)),
    }
});
