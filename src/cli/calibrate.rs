//! `fireplan calibrate SCENARIO --records FILE [--out DIR]`: fits the response-time model
//! to the brigade's incident records and writes `calibration.toml` and its fit report.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use fireplan::calibrate::{calibrate, CalibrateOptions};
use fireplan::load::InputFile;
use fireplan::params::{Crs, Scenario};
use fireplan::report::folder::OutputFolder;
use fireplan::report::write_atomic;

#[derive(Args)]
pub struct CalibrateArgs {
    /// Scenario file (TOML): its network and stations.
    scenario: PathBuf,
    /// Incident records with observed times (`id,lon,lat,station` and `response_s` or
    /// `alarm`/`dispatch`/`turnout`/`arrival` timestamps).
    #[arg(long)]
    records: PathBuf,
    /// Coordinates of the records file: wgs84, gcj02, bd09 or an EPSG code (`EPSG:4549`).
    #[arg(long, default_value = "wgs84", value_parser = Crs::parse)]
    records_crs: Crs,
    /// Output folder (default: out/<scenario>-calibration).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Folds of the held-out check.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Records a station needs for its own time before the wheels turn.
    #[arg(long, default_value_t = 20)]
    min_station_records: usize,
    /// Fit every arriving unit, not only the first (`pump_order` 1).
    #[arg(long)]
    all_pumps: bool,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: CalibrateArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let written = Scenario::load(&a.scenario)?;
    if written.calibration.is_some() {
        eprintln!(
            "note: {} names a calibration; the fit starts from the free-flow model regardless",
            a.scenario.display()
        );
    }
    let scenario = written.free_flow();
    let (inputs, prepared) = fireplan::load::load(&scenario, &a.common.options())
        .with_context(|| format!("loading scenario {}", a.scenario.display()))?;
    super::warn_cache(&prepared);
    let records_file = InputFile::read("records", &a.records)?;
    let records = fireplan::io::records::read_records(&a.records, a.records_crs, &inputs.stations)?;
    let options = CalibrateOptions {
        folds: a.folds,
        min_station_records: a.min_station_records,
        all_pumps: a.all_pumps,
    };
    let cal = calibrate(&inputs, &prepared, &records, &options)
        .with_context(|| format!("calibrating on {}", a.records.display()))?;

    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::default_out_of("calibration", &[&a.scenario]));
    let folder = OutputFolder::begin(
        &out,
        inputs.paths().chain(std::iter::once(a.records.as_path())),
    )?;
    for (name, bytes) in
        fireplan::report::calibration::files(&cal, &records, &records_file, &inputs)?
    {
        let p = folder.path().join(name);
        write_atomic(&p, &bytes).with_context(|| format!("writing {name} in {}", out.display()))?;
    }
    folder.commit()?;

    let m = &cal.model;
    say!(
        "{}: {} records used ({} set aside, {} rejected), {}-fold held-out check",
        scenario.name,
        cal.observations.len(),
        cal.set_aside.len(),
        records.rejected.len(),
        cal.folds
    );
    say!(
        "  factors: motorway/trunk {:.3}, primary/secondary {:.3}, local {:.3}; before the wheels turn {:.1} s",
        m.time_factors.motorway_trunk,
        m.time_factors.primary_secondary,
        m.time_factors.local,
        m.pre_travel_s
    );
    for (label, s) in [("free flow ", &cal.before), ("calibrated", &cal.after)] {
        say!(
            "  {label}: median abs. error {:>4.0} s, median bias {:>+5.0} s, p90 abs. error {:>4.0} s, rank corr. {:.2}, within {:.0} s: predicted {:.1} % (expected {}) vs observed {:.1} %",
            s.median_abs_error_s,
            s.median_bias_s,
            s.p90_abs_error_s,
            s.spearman,
            cal.threshold_s,
            100.0 * s.predicted_within,
            s.expected_within
                .map(|e| format!("{:.1} %", 100.0 * e))
                .unwrap_or_else(|| "—".into()),
            100.0 * s.observed_within
        );
    }
    say!(
        "  outputs in {} ({:.1} s)",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
