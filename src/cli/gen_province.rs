//! `fireplan gen-province --out DIR [--grid 10x10] [--seed 1]` (hidden): a province-size
//! scenario tiled from the real OSM extracts and the demo district (`fireplan::synth`),
//! written by `report::synth`. Same arguments → byte-identical files.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use fireplan::progress::{Progress, Silent};
use fireplan::synth::sources::SourcePaths;
use fireplan::synth::{ProvinceSpec, DEFAULT_GRID};

#[derive(Args)]
pub struct GenProvinceArgs {
    /// Output folder (created; its files are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Grid of tiles, columns x rows (default 10x10: ≥ 5 M graph nodes; 2x2 for a smoke test).
    #[arg(long, value_parser = parse_grid)]
    grid: Option<(u32, u32)>,
    /// Seed of every random choice (which source in which cell, stations, incidents).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder of the real OSM extracts.
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// The demo district's folder.
    #[arg(long, default_value = "maps/demo")]
    demo: PathBuf,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_grid(s: &str) -> Result<(u32, u32), String> {
    let (a, b) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("`{s}`: expected COLSxROWS, e.g. 10x10"))?;
    let side = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|&n| (1..=100).contains(&n))
            .ok_or_else(|| format!("`{s}`: each side a whole number 1–100"))
    };
    Ok((side(a)?, side(b)?))
}

pub fn main(a: GenProvinceArgs) -> anyhow::Result<ExitCode> {
    let (cols, rows) = a.grid.unwrap_or(DEFAULT_GRID);
    let progress: Box<dyn Progress> = if a.quiet {
        Box::new(Silent)
    } else {
        Box::new(super::progress::TerminalProgress::default())
    };
    let spec = ProvinceSpec {
        cols,
        rows,
        seed: a.seed,
        paths: SourcePaths {
            data_dir: a.data.clone(),
            demo_dir: a.demo.clone(),
        },
    };
    let started = Instant::now();
    let province = fireplan::synth::generate(&spec, progress.as_ref())?;
    let (written, pbf_bytes) =
        fireplan::report::synth::write_province(&a.out, &province, progress.as_ref())
            .with_context(|| format!("writing the province into {}", a.out.display()))?;
    say!(
        "province {cols}x{rows} (seed {}): {} tiles, {:.0} km²; {} OSM nodes, {} ways, {} buildings; \
         {} graph nodes expected after the import ({} on generated links); {} stations, {} depots, \
         {} incidents, {} candidates",
        a.seed,
        province.tiles.len(),
        province.area_km2(),
        province.elements.nodes.len(),
        province.elements.ways.len(),
        province.buildings,
        province.expected_graph_nodes,
        province.link_nodes,
        province.stations.len(),
        province.depots.len(),
        province.incidents.len(),
        province.candidates.len(),
    );
    say!(
        "wrote {} files to {} ({:.1} MB PBF) in {:.1} s",
        written.len(),
        a.out.display(),
        pbf_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
