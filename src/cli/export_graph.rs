//! `fireplan export-graph SCENARIO --out DIR` (hidden): the prepared graph exactly as the
//! search sees it — `edges.csv` (from, to, time_s), `seeds.csv` (origin, node, time_s) and
//! `labels.csv` (fireplan's first and second arrival per node) — so that independent tools
//! (networkx, igraph in `bench/peers.py`) can be run and checked on the same weights.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use fireplan::coverage::{place_stations, seeds};
use fireplan::network::search::two_nearest;
use fireplan::params::Scenario;
use fireplan::report::write_atomic;

#[derive(Args)]
pub struct ExportGraphArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Search cutoff for `labels.csv`, seconds.
    #[arg(long, default_value_t = 300.0)]
    cutoff_s: f64,
    /// Also the hose graph of the water-reach search from the serviceable hydrants
    /// (`hose_edges.csv`, `hose_seeds.csv`, `hose_labels.csv`; needs `[water]`).
    #[arg(long)]
    water: bool,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: ExportGraphArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(&a.scenario)?;
    let (inputs, prepared) = fireplan::load::load(&scenario, &a.common.options())?;
    let net = &prepared.network;
    let (_, origins) = place_stations(
        net,
        &prepared.index,
        &inputs.stations,
        &scenario.response,
        scenario.max_snap_m,
    );
    let s = seeds(net, &origins);
    let labels = two_nearest(net, &s, a.cutoff_s);
    for (name, text) in fireplan::report::export::graph_files(net, &s, &labels) {
        write_atomic(&a.out.join(name), text.as_bytes())
            .with_context(|| format!("writing {name}"))?;
    }
    if a.water {
        let sources = inputs
            .water
            .as_deref()
            .context("--water needs a scenario with [water]")?;
        let hydrants: Vec<_> = sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.serviceable() && !s.kind.is_static())
            .filter_map(|(i, s)| {
                prepared
                    .index
                    .snap(net, s.location.x(), s.location.y())
                    .filter(|p| p.access_m <= scenario.max_snap_m)
                    .map(|p| (i, p))
            })
            .collect();
        let labels = fireplan::water::search::HoseSearch::new(net).run(net, &hydrants);
        let seeds = fireplan::water::search::seeds(net, &hydrants);
        for (name, text) in fireplan::report::export::hose_files(net, &seeds, &labels) {
            write_atomic(&a.out.join(name), text.as_bytes())
                .with_context(|| format!("writing {name}"))?;
        }
    }
    say!(
        "{} nodes, {} edges, {} seeds → {}",
        net.node_count(),
        net.edge_count(),
        s.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
