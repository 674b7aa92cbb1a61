//! `fireplan validate SCENARIO`: reads and checks every input, snaps the points, and runs
//! every check a command runs (coverage, logistics support, targets, the simulation's
//! settings) without writing anything — one validation path, so that an input `validate`
//! passes is never refused later.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use fireplan::coverage::place_stations;

#[derive(Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: ValidateArgs) -> anyhow::Result<ExitCode> {
    let scenario = a.calibration.scenario(&a.scenario)?;
    let opts = a.common.options();
    let loaded = fireplan::run::Loaded::load(&scenario, &opts)?;
    let (inputs, prepared) = (&loaded.inputs, &*loaded.network);
    super::warn_cache(prepared);
    let net = &prepared.network;
    say!("{}: inputs read", a.scenario.display());
    say!(
        "  network: {} nodes, {} directed edges ({} nodes dropped outside the largest strongly connected part)",
        net.node_count(),
        net.edge_count(),
        net.dropped_nodes
    );
    let import = &prepared.import;
    if import.ways_skipped_access
        + import.ways_skipped_construction
        + import.ways_emergency_only
        + import.barriers_blocking
        + import.barriers_passable
        > 0
    {
        say!(
            "  roads as a fire engine uses them (docs/access.md): {} ways closed by access tags, \
             {} under construction, {} open to emergency vehicles only; {} barriers stop it, \
             {} are driven through",
            import.ways_skipped_access,
            import.ways_skipped_construction,
            import.ways_emergency_only,
            import.barriers_blocking,
            import.barriers_passable
        );
    }
    if import.ways_with_limits + import.limits_ignored > 0 {
        say!(
            "  weight, height and width limits: {} road{} with one ({} road segment{}), {} \
             value{} not understood and ignored",
            import.ways_with_limits,
            if import.ways_with_limits == 1 {
                ""
            } else {
                "s"
            },
            net.limits.len(),
            if net.limits.len() == 1 { "" } else { "s" },
            import.limits_ignored,
            if import.limits_ignored == 1 { "" } else { "s" }
        );
    }
    for p in &scenario.vehicle_profiles {
        let (_, barred) = net.for_vehicle(p);
        say!(
            "  vehicle {} ({}): {} road segment{} barred, {:.2} km",
            p.kind,
            super::run::dimensions(p),
            barred.len(),
            if barred.len() == 1 { "" } else { "s" },
            net.segments_length_m(&barred) / 1000.0
        );
    }
    for c in &prepared.closures {
        say!(
            "  closure {}: {} road segment{}, {:.2} km closed{}",
            c.name,
            c.segments.len(),
            if c.segments.len() == 1 { "" } else { "s" },
            c.road_m / 1000.0,
            c.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
    }
    let read = import.turn_restrictions_via_node
        + import.turn_restrictions_via_way
        + import.turn_restrictions_unusable;
    if read > 0 {
        let t = &net.turns;
        let obeyed = if scenario.params.turn_restrictions {
            format!(
                "obeyed as {} banned and {} mandatory turns (those on {} arriving roads left \
                 out: they would trap a vehicle or cut a place off, a legal way being a road \
                 the network does not keep)",
                t.banned.len(),
                t.only.len(),
                t.trapping
            )
        } else {
            "not obeyed: [network] turn_restrictions = false".to_string()
        };
        say!(
            "  turn restrictions (docs/access.md): {} via a node, {} of them on the roads and \
             {} exempt (except=emergency, or a barrier at the node), {obeyed}; {} via a way \
             and {} of no usable form are not applied",
            import.turn_restrictions_via_node,
            import.turn_restrictions_on_roads,
            import.turn_restrictions_exempt,
            import.turn_restrictions_via_way,
            import.turn_restrictions_unusable
        );
    }
    let (placement, origins) = place_stations(
        net,
        &prepared.index,
        &inputs.stations,
        &scenario.response,
        scenario.max_snap_m,
    );
    say!(
        "  stations: {} in file, {} responding on the network",
        inputs.stations.len(),
        origins.len()
    );
    let mut findings = 0;
    for (s, p) in inputs.stations.iter().zip(&placement) {
        if let fireplan::coverage::Placement::OffNetwork(d) = p {
            say!(
                "  finding: station {} is {d:.0} m from the nearest road (max_snap_m {})",
                s.id,
                scenario.max_snap_m
            );
            findings += 1;
        }
    }
    if let Some(demand) = &inputs.demand {
        let off = demand
            .iter()
            .filter(|d| {
                prepared
                    .index
                    .snap(net, d.location.x(), d.location.y())
                    .is_none_or(|s| s.access_m > scenario.max_snap_m)
            })
            .count();
        say!("  demand: {} points, {} off-network", demand.len(), off);
    } else {
        say!("  demand: none given (demand metrics will be reported as not available)");
    }
    say!(
        "  districts: {}{}",
        inputs.districts.len(),
        if inputs.districts_given {
            ""
        } else {
            " (whole network)"
        }
    );
    if let Some(d) = &inputs.depots {
        say!("  depots: {}", d.len());
    }
    // What `run`, `check` (and, with `[simulation]`, `simulate`) check beyond reading.
    let result = fireplan::run::evaluate_variant(&loaded, inputs.clone(), &opts.silent())?;
    if scenario.simulation.is_some() {
        result.sim_setup(&fireplan::sim::Overrides::default())?;
    }
    say!(
        "  coverage, logistics support{} and targets evaluated ({} target findings)",
        if scenario.simulation.is_some() {
            ", simulation settings"
        } else {
            ""
        },
        result.checks.findings.len()
    );
    say!("{} finding(s)", findings);
    Ok(ExitCode::SUCCESS)
}
