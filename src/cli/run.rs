//! `fireplan run SCENARIO [--out DIR]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use fireplan::io::scenario::Scenario;

#[derive(Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario file name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: RunArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(&a.scenario)?;
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from("out").join(stem)
    });
    let opts = a.common.options();
    let result = fireplan::run::run(&scenario, &opts)
        .with_context(|| format!("running scenario {}", a.scenario.display()))?;
    fireplan::report::write_all(&out, &result)
        .with_context(|| format!("writing outputs to {}", out.display()))?;
    let m = &result.coverage.region;
    let pct = |x: Option<f64>| {
        x.map(|x| format!("{:.1} %", x * 100.0))
            .unwrap_or_else(|| "n/a".into())
    };
    println!(
        "{}: {} stations, {} road nodes",
        scenario.name,
        result.coverage.origins.len(),
        result.prepared.network.node_count()
    );
    println!(
        "  demand covered within {:.0} s: {}   road: {}   area: {}   second-due: {}",
        scenario.response.threshold_s,
        pct(m.demand_coverage),
        pct(m.road_coverage),
        pct(m.area_coverage),
        pct(m.second_due_coverage)
    );
    for (d, dm) in result
        .inputs
        .districts
        .iter()
        .zip(&result.coverage.districts)
    {
        println!(
            "  {:<12} demand {:>8}  road {:>8}  area {:>8}",
            d.name,
            pct(dm.demand_coverage),
            pct(dm.road_coverage),
            pct(dm.area_coverage)
        );
    }
    println!("  outputs in {}", out.display());
    Ok(ExitCode::SUCCESS)
}
