//! `fireplan run SCENARIO [--plan PLAN] [--out DIR]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use fireplan::report::folder::OutputFolder;

#[derive(Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario file name>, or out/<scenario>-<plan> with --plan).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Plan file (TOML): evaluate the baseline and the plan on the same network, side by side.
    #[arg(long)]
    plan: Option<PathBuf>,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: RunArgs) -> anyhow::Result<ExitCode> {
    let scenario = a.calibration.scenario(&a.scenario)?;
    let opts = a.common.options();
    if let Some(plan_path) = &a.plan {
        let out = a
            .out
            .clone()
            .unwrap_or_else(|| super::default_out(&[&a.scenario, plan_path]));
        let plan = fireplan::plan::Plan::load(plan_path)?;
        let pr = fireplan::run::run_with_plan(&scenario, &plan, &opts).with_context(|| {
            format!(
                "running scenario {} with plan {}",
                a.scenario.display(),
                plan_path.display()
            )
        })?;
        super::warn_cache(&pr.baseline.prepared);
        let folder = OutputFolder::begin(&out, pr.inputs_and_plan())?;
        fireplan::report::plan::write_plan_run(folder.path(), &pr, &*opts.progress)
            .with_context(|| format!("writing outputs to {}", out.display()))?;
        folder.commit()?;
        super::check::print_plan(&scenario, &pr);
        say!(
            "  outputs in {} (baseline in {})",
            out.display(),
            out.join("baseline").display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&[&a.scenario]));
    let result = fireplan::run::run(&scenario, &opts)
        .with_context(|| format!("running scenario {}", a.scenario.display()))?;
    super::warn_cache(&result.prepared);
    let folder = OutputFolder::begin(&out, result.inputs.paths())?;
    fireplan::report::write_all(folder.path(), &result, &*opts.progress)
        .with_context(|| format!("writing outputs to {}", out.display()))?;
    folder.commit()?;
    let m = &result.coverage.region;
    let pct = |x: Option<f64>| {
        x.map(|x| format!("{:.1} %", x * 100.0))
            .unwrap_or_else(|| "n/a".into())
    };
    say!(
        "{}: {} stations, {} road nodes",
        scenario.name,
        result.coverage.origins.len(),
        result.prepared.network.node_count()
    );
    say!(
        "  demand covered within {:.0} s: {}   road: {}   area: {}   second-due: {}",
        scenario.response.threshold_s,
        pct(m.demand_coverage),
        pct(m.road_coverage),
        pct(m.area_coverage),
        pct(m.second_due_coverage)
    );
    match (&scenario.calibration, result.expected_demand_coverage()) {
        (Some(c), expected) => say!(
            "  response model: calibrated ({}); expected demand coverage {} (mean probability of arrival within {:.0} s)",
            c.file.display(),
            pct(expected),
            scenario.response.threshold_s
        ),
        (None, _) => say!(
            "  response model: free flow (optimistic; `fireplan calibrate` fits times to incident records)"
        ),
    }
    let name_w = super::column_width(result.inputs.districts.iter().map(|d| d.name.as_str()), 12);
    for (d, dm) in result
        .inputs
        .districts
        .iter()
        .zip(&result.coverage.districts)
    {
        say!(
            "  {} demand {:>8}  road {:>8}  area {:>8}",
            super::pad(&d.name, name_w),
            pct(dm.demand_coverage),
            pct(dm.road_coverage),
            pct(dm.area_coverage)
        );
    }
    // The last entry is every closure together.
    for (i, c) in result.closures.iter().enumerate() {
        say!(
            "  {}: {:.2} km of road closed, {} demand points no longer within {:.0} s \
             (closures.csv)",
            if i + 1 == result.closures.len() {
                "all closures together".to_string()
            } else {
                format!("closure {}", c.name)
            },
            c.road_km_closed,
            c.demand_lost.len(),
            result.coverage.params.threshold_s
        );
    }
    for v in &result.vehicles {
        let vm = &v.coverage.region;
        say!(
            "  {} ({}): {} station{} with it, {} road segment{} barred ({:.2} km); demand within \
             {:.0} s {}, road {} (vehicle_coverage.csv)",
            v.profile.kind,
            dimensions(&v.profile),
            v.stations.len(),
            if v.stations.len() == 1 { "" } else { "s" },
            v.barred_segments.len(),
            if v.barred_segments.len() == 1 {
                ""
            } else {
                "s"
            },
            v.barred_road_m / 1000.0,
            scenario.response.threshold_s,
            pct(vm.demand_coverage),
            pct(vm.road_coverage)
        );
    }
    super::check::print_targets("  ", &result.checks);
    say!("  outputs in {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `32 t, 3.8 m high, 2.55 m wide, × 0.9 speed`: what a vehicle profile gives.
pub(super) fn dimensions(p: &fireplan::params::VehicleProfile) -> String {
    let mut parts = Vec::new();
    if let Some(w) = p.weight_t {
        parts.push(format!("{w} t"));
    }
    if let Some(h) = p.height_m {
        parts.push(format!("{h} m high"));
    }
    if let Some(w) = p.width_m {
        parts.push(format!("{w} m wide"));
    }
    if p.speed_factor != 1.0 {
        parts.push(format!("× {} speed", p.speed_factor));
    }
    if parts.is_empty() {
        "no limits given".into()
    } else {
        parts.join(", ")
    }
}
