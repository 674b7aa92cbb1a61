//! The process's peak resident memory so far (Linux `VmHWM`), recorded after each stage of
//! a run in `run.json` so that a missed memory budget names the stage that reached it.

use serde::Serialize;

/// Peak resident memory of this process so far, MiB; `None` where `/proc` does not say.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The peak resident memory after each stage of a run, MiB (each includes the earlier
/// stages: the first that grows is where the memory went).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PeakMemory {
    pub after_load_mib: Option<f64>,
    pub after_coverage_mib: Option<f64>,
    pub after_supply_mib: Option<f64>,
}
