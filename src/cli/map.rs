//! `fireplan map SCENARIO [--plan PLAN] [--kind KIND] [--lang zh|en] [--font PATH] [--out DIR]`:
//! renders the maps alone (PNG and SVG).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use fireplan::report::folder::OutputFolder;
use fireplan::report::maps::{Lang, MapKind, MapOptions};

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Response,
    FirstDue,
    Supply,
    Plan,
    Water,
    Drone,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Args)]
pub struct MapArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Plan file (TOML): the maps show the plan, and the plan map baseline versus plan.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Which map (repeat for several; default: every map the inputs allow).
    #[arg(long, value_enum)]
    kind: Vec<KindArg>,
    /// Label language (default: the scenario's `lang`).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Font file with Chinese glyphs for the PNG maps (default: fonts-wqy-microhei).
    #[arg(long)]
    font: Option<PathBuf>,
    /// PNG width in pixels (default: the `[map] page` width at 300 dpi, 2480 for A4
    /// portrait; the dpi written in the PNG follows).
    #[arg(long)]
    width: Option<u32>,
    /// Output folder (default: out/<scenario file name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: MapArgs) -> anyhow::Result<ExitCode> {
    let scenario = a.calibration.scenario(&a.scenario)?;
    let out = a.out.clone().unwrap_or_else(|| match &a.plan {
        Some(p) => super::default_out_of("maps", &[&a.scenario, p]),
        None => super::default_out_of("maps", &[&a.scenario]),
    });
    let mut kinds: Vec<MapKind> = a
        .kind
        .iter()
        .map(|k| match k {
            KindArg::Response => MapKind::Response,
            KindArg::FirstDue => MapKind::FirstDue,
            KindArg::Supply => MapKind::Supply,
            KindArg::Plan => MapKind::Plan,
            KindArg::Water => MapKind::Water,
            KindArg::Drone => MapKind::Drone,
        })
        .collect();
    if kinds.is_empty() {
        kinds = MapKind::ALL.to_vec();
    }
    if kinds.contains(&MapKind::Plan) && a.plan.is_none() && !a.kind.is_empty() {
        anyhow::bail!("--kind plan needs --plan PLAN");
    }
    let opts = a.common.options();
    let pr;
    let single;
    let (run, plan) = match &a.plan {
        Some(p) => {
            let plan = fireplan::plan::Plan::load(p)?;
            pr = fireplan::run::run_with_plan(&scenario, &plan, &opts).with_context(|| {
                format!(
                    "running scenario {} with plan {}",
                    a.scenario.display(),
                    p.display()
                )
            })?;
            (&pr.plan, Some(&pr))
        }
        None => {
            single = fireplan::run::run(&scenario, &opts)
                .with_context(|| format!("running scenario {}", a.scenario.display()))?;
            (&single, None)
        }
    };
    if kinds.contains(&MapKind::Water) && run.water.is_none() && !a.kind.is_empty() {
        eprintln!("warning: the scenario has no [water]: no fire-water map");
    }
    if kinds.contains(&MapKind::Supply) && run.supply.is_none() && !a.kind.is_empty() {
        eprintln!("warning: the scenario has no [depots]: no logistics-reach map");
    }
    if kinds.contains(&MapKind::Drone) && run.drone.is_none() && !a.kind.is_empty() {
        eprintln!("warning: the scenario has no [drone]: no drone-reach map");
    }
    let mut mo = MapOptions::for_run(run);
    if let Some(l) = a.lang {
        mo.lang = match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        };
    }
    mo.font = a.font.clone();
    if let Some(w) = a.width {
        mo.width_px = w.clamp(400, 10_000);
    }
    let folder = OutputFolder::begin(&out, run.inputs.paths())?;
    let (files, _) = fireplan::report::maps::write_maps(folder.path(), run, plan, &kinds, &mo)
        .with_context(|| format!("writing maps to {}", out.display()))?;
    let staged = folder.path().to_path_buf();
    folder.commit()?;
    for f in files {
        say!(
            "{}",
            out.join(f.strip_prefix(&staged).unwrap_or(&f)).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
