//! Stations, vehicles, demand, depots and calibration records CSV: the first byte picks the
//! reader, the rest is the file. Any result is fine; a panic, abort or hang is a bug.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

use fireplan::io::{records, tables};
use fireplan::params::Crs;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let crs = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09][(which as usize / 8) % 3];
    let p = common::file("t.csv", rest);
    match which % 5 {
        0 => drop(tables::read_stations(&p, crs, None)),
        1 => {
            let mut s = tables::read_stations(
                &common::file("s.csv", b"id,lon,lat,class\nS1,120,30,class1\nS2,120.1,30,small\n"),
                crs,
                None,
            )
            .expect("fixed stations");
            drop(tables::read_vehicles(&p, &mut s));
        }
        2 => drop(tables::read_demand(&p, crs)),
        3 => drop(tables::read_depots(&p, crs)),
        _ => {
            let s = tables::read_stations(
                &common::file("s.csv", b"id,lon,lat,class\nS1,120,30,class1\n"),
                crs,
                None,
            )
            .expect("fixed stations");
            drop(records::read_records(&p, crs, &s));
        }
    }
});
