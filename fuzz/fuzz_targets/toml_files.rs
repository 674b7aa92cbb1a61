//! The TOML files: scenario (`[targets]` and `[simulation]` included), plan and
//! calibration; the first byte picks the reader.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            if let Ok(text) = std::str::from_utf8(rest) {
                drop(fireplan::params::Scenario::from_toml(
                    text,
                    std::path::Path::new("/fuzz/scenario.toml"),
                ));
            }
        }
        1 => drop(fireplan::plan::Plan::load(&common::file("plan.toml", rest))),
        _ => drop(fireplan::io::calibration::read(&common::file("c.toml", rest))),
    }
});
