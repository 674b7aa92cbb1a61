//! `fireplan supply SCENARIO [--out DIR]`: logistics-support reach and capacity (战勤保障)
//! alone — `supply_reach.csv`, `supply_districts.csv`, `supply.geojson`,
//! `supply_summary.json` and `supply_report.md`.
//!
//! Hidden, for benchmarks and peer checks (`bench/supply_peers.py`):
//! `--bench-depots N` replaces the scenario's depots by N synthetic ones
//! ([`fireplan::supply::synthetic::bench_depots`]) and leaves logistics stations out;
//! `--export DIR` writes the logistics graph exactly as the search sees it (`edges.csv`:
//! from, to, time_s), each support point's entry seeds (`seeds.csv`: point, label, node,
//! time_s) and fireplan's travel time from every point to every node (`times.csv`: node,
//! then one column per point, empty = unreachable), all as f64 shortest round-trip text.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use fireplan::model::StationClass;
use fireplan::params::Scenario;
use fireplan::report::folder::OutputFolder;
use fireplan::report::write_atomic;
use fireplan::supply::{self, Supply};

#[derive(Args)]
pub struct SupplyArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario file name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the depots by N synthetic depots on network nodes (benchmarks).
    #[arg(long, hide = true)]
    bench_depots: Option<usize>,
    /// Write the logistics graph, seeds and per-node times to this folder (peer checks).
    #[arg(long, hide = true)]
    export: Option<PathBuf>,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: SupplyArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(&a.scenario)?;
    let opts = a.common.options();
    let (mut inputs, prepared) = fireplan::load::load(&scenario, &opts)
        .with_context(|| format!("loading scenario {}", a.scenario.display()))?;
    super::warn_cache(&prepared);
    let logistics = fireplan::load::prepare_logistics(&scenario, &opts, Some(&prepared))?;
    if let Some(n) = a.bench_depots {
        inputs.depots = Some(supply::synthetic::bench_depots(&logistics.network, n));
        inputs.scenario.depots = None;
        inputs.scenario.supply.logistics_stations = false;
    }
    let has_logistics = inputs.scenario.supply.logistics_stations
        && inputs
            .stations
            .iter()
            .any(|s| s.class == StationClass::Logistics);
    if inputs.depots.is_none() && !has_logistics {
        anyhow::bail!(
            "{}: no `[depots]` and no logistics-support station: nothing to evaluate \
             (add `[depots] file = \"depots.csv\"`)",
            a.scenario.display()
        );
    }
    let sup = supply::evaluate_inputs(&inputs, &logistics)
        .with_context(|| format!("supply reach for {}", a.scenario.display()))?;

    if let Some(dir) = &a.export {
        export(dir, &logistics.network, &sup)?;
        return Ok(ExitCode::SUCCESS);
    }

    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::default_out_of("supply", &[&a.scenario]));
    let folder = OutputFolder::begin(&out, inputs.paths())?;
    let files = fireplan::report::supply::supply_run_files(
        &scenario.name,
        &sup,
        &inputs,
        &logistics.network,
    )?;
    for (name, bytes) in &files {
        let p = folder.path().join(name);
        write_atomic(&p, bytes).with_context(|| format!("writing {name} in {}", out.display()))?;
    }
    folder.commit()?;
    print_summary(&scenario, &sup);
    say!("  outputs in {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn print_summary(scenario: &Scenario, sup: &Supply) {
    let usable = sup.points.iter().filter(|p| p.usable()).count();
    say!(
        "{}: {} support points ({} on the network), levels {}",
        scenario.name,
        sup.points.len(),
        usable,
        sup.levels
            .iter()
            .map(|l| l.level.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (li, l) in sup.levels.iter().enumerate() {
        let worst = sup
            .worst_margin_min(li)
            .map(|m| format!("{m:+.1} min"))
            .unwrap_or_else(|| "—".into());
        say!(
            "  {} reach {:>7}  worst margin {}",
            super::pad(l.level.as_str(), 9),
            l.reach_s
                .map(|r| format!("{r:.0} s"))
                .unwrap_or_else(|| "none".into()),
            worst
        );
    }
    say!(
        "  reach ok: {}   capacity ok: {}",
        sup.reach_ok(),
        sup.capacity_ok()
    );
    for p in sup.over_subscribed() {
        let load = &sup.loads[p];
        say!(
            "  over-subscribed: {} ({} persons to sustain, capacity {:.0})",
            sup.points[p].label,
            load.staff_persons,
            load.capacity_persons.unwrap_or(0.0)
        );
    }
    for f in &sup.findings {
        say!("  finding: {f}");
    }
}

/// The hidden `--export`: graph, seeds and fireplan's per-node times (fresh f64 searches,
/// the same kernel the trees use).
fn export(
    dir: &std::path::Path,
    net: &fireplan::network::Network,
    sup: &Supply,
) -> anyhow::Result<()> {
    let times = fireplan::supply::trees::point_times(net, sup);
    for (name, text) in fireplan::report::export::supply_files(net, &times) {
        write_atomic(&dir.join(name), text.as_bytes())
            .with_context(|| format!("writing {name}"))?;
    }
    say!(
        "{} nodes, {} edges, {} support points → {}",
        net.node_count(),
        net.edge_count(),
        times.len(),
        dir.display()
    );
    Ok(())
}
