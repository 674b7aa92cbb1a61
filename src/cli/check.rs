//! `fireplan check SCENARIO [--plan PLAN] [--out DIR] [--all]`: evaluates every planning
//! target of the scenario (DESIGN §6) and prints the failures with their sources.
//!
//! Exit status: 0 when every mandatory target is met, 2 when a mandatory target fails
//! (with `--plan`: on the plan), 1 on an error (bad input) — for use in scripts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use fireplan::model::target::{fmt_gap, fmt_measure, Comparator, Force};
use fireplan::params::Scenario;
use fireplan::plan::checks::{Checks, Finding, Status};
use fireplan::report::folder::OutputFolder;
use fireplan::run::PlanRunResult;

/// Exit status when a mandatory target fails.
pub const EXIT_MANDATORY_FAILED: u8 = 2;

#[derive(Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Plan file (TOML): check the scenario with the plan applied (the baseline is shown
    /// for comparison).
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Also write every output (as `fireplan run`) into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print every finding, not only the failures and what has no data.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.1} %", x * 100.0))
        .unwrap_or_else(|| "n/a".into())
}

/// The heading of a target's findings: id, requirement, force, source cited by its
/// title and clause, with the clause quoted.
fn target_heading(t: &fireplan::model::target::Target) -> String {
    format!(
        "{} — {} {} {} [{}] — {}{}",
        t.id,
        t.metric.as_str(),
        t.comparator.symbol(),
        fmt_measure(t.metric, t.value),
        t.force.as_str(),
        t.source.citation(),
        if t.source.clause.is_empty() {
            format!(": {}", t.source.gloss)
        } else {
            format!(": “{}”", t.source.clause)
        }
    )
}

/// One line per finding: status, subject, measured value, reason.
fn finding_line(f: &Finding) -> String {
    let subject = f.subject_label();
    let status = match (f.status, f.force) {
        (Status::Pass, _) => "ok",
        (Status::Fail, Force::Mandatory) => "FAIL",
        (Status::Fail, Force::Goal) => "SHORT",
        (Status::Fail, Force::Advisory) => "NOTE",
        (Status::NoData, _) => "NO DATA",
        (Status::NotApplicable, _) => "n/a",
    };
    let short = f
        .shortfall()
        .map(|x| {
            let word = match f.comparator {
                Comparator::AtMost | Comparator::Below => "over",
                _ => "short",
            };
            format!(" ({word} by {})", fmt_gap(f.metric, x))
        })
        .unwrap_or_default();
    match f.measured {
        Some(v) => format!(
            "{status} {subject}: {}{short} — {}",
            fmt_measure(f.metric, v),
            f.reason
        ),
        None => format!("{status} {subject}: {}", f.reason),
    }
}

/// The one-line tally of a variant's findings.
pub fn print_targets(indent: &str, checks: &Checks) {
    let c = checks.counts();
    let mand = checks.mandatory_failures().count();
    let goals = checks.goal_shortfalls().count();
    say!(
        "{indent}{} targets checked, {} findings: {} pass, {} fail ({mand} mandatory, {goals} goal shortfalls, {} advisory), {} no data, {} not applicable",
        checks.targets.len(),
        c.total(),
        c.pass,
        c.fail,
        c.fail - mand - goals,
        c.no_data,
        c.not_applicable
    );
}

/// Which sets were applied and why, a line each.
fn print_sets(config: &fireplan::params::TargetConfig) {
    match &config.region {
        Some((key, name)) => say!("  region: {name} ({key})"),
        None => say!("  region: none given — national standards only"),
    }
    let set_w = super::column_width(config.set_choices.iter().map(|c| c.set.as_str()), 18);
    for c in &config.set_choices {
        let mark = match (c.applied, c.as_goals) {
            (true, false) => "applied",
            (true, true) => "applied as goals",
            (false, _) => "not applied",
        };
        say!("  set {} {mark}: {}", super::pad(&c.set, set_w), c.why);
    }
}

/// Baseline → plan figures of a plan run.
pub fn print_plan(scenario: &Scenario, pr: &PlanRunResult) {
    let (b, p) = (&pr.baseline.coverage.region, &pr.plan.coverage.region);
    say!(
        "{} with plan “{}” ({} changes): {} → {} stations",
        scenario.name,
        pr.plan_file.name,
        pr.applied.len(),
        pr.baseline.coverage.origins.len(),
        pr.plan.coverage.origins.len()
    );
    say!(
        "  demand within {:.0} s: {} → {}   area: {} → {}   road: {} → {}",
        scenario.response.threshold_s,
        pct(b.demand_coverage),
        pct(p.demand_coverage),
        pct(b.area_coverage),
        pct(p.area_coverage),
        pct(b.road_coverage),
        pct(p.road_coverage)
    );
    let areas: Vec<_> = pr.diff.areas.iter().filter(|a| a.kind.is_some()).collect();
    let name_w = super::column_width(areas.iter().map(|a| a.name.as_str()), 12);
    for a in areas {
        say!(
            "  {} demand {:>7} → {:>7}   area {:>7} → {:>7}",
            super::pad(&a.name, name_w),
            pct(a.baseline.demand_coverage),
            pct(a.plan.demand_coverage),
            pct(a.baseline.area_coverage),
            pct(a.plan.area_coverage)
        );
    }
    say!(
        "  demand points gaining coverage: {}, losing: {}",
        pr.diff.gained_points,
        pr.diff.lost_points
    );
    // The plan's road closures, each alone against the open network (closures.csv).
    for c in pr.plan.closures.iter().filter(|c| c.plan_change.is_some()) {
        say!(
            "  road closure {} (change[{}]): {:.2} km closed, {} demand points no longer within {:.0} s",
            c.name,
            c.plan_change.unwrap_or_default(),
            c.road_km_closed,
            c.demand_lost.len(),
            scenario.response.threshold_s
        );
    }
    print_targets("  baseline ", &pr.baseline.checks);
    print_targets("  plan     ", &pr.plan.checks);
}

pub fn main(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let scenario = a.calibration.scenario(&a.scenario)?;
    let opts = a.common.options();
    let checks: Checks = match &a.plan {
        Some(plan_path) => {
            let plan = fireplan::plan::Plan::load(plan_path)?;
            let pr = fireplan::run::run_with_plan(&scenario, &plan, &opts).with_context(|| {
                format!(
                    "checking scenario {} with plan {}",
                    a.scenario.display(),
                    plan_path.display()
                )
            })?;
            if let Some(out) = &a.out {
                let folder = OutputFolder::begin(out, pr.inputs_and_plan())?;
                fireplan::report::plan::write_plan_run(folder.path(), &pr, &*opts.progress)
                    .with_context(|| format!("writing outputs to {}", out.display()))?;
                folder.commit()?;
            }
            print_plan(&scenario, &pr);
            pr.plan.checks
        }
        None => {
            let run = fireplan::run::run(&scenario, &opts)
                .with_context(|| format!("checking scenario {}", a.scenario.display()))?;
            if let Some(out) = &a.out {
                let folder = OutputFolder::begin(out, run.inputs.paths())?;
                fireplan::report::write_all(folder.path(), &run, &*opts.progress)
                    .with_context(|| format!("writing outputs to {}", out.display()))?;
                folder.commit()?;
            }
            say!(
                "{}: demand within {:.0} s {}, area {}",
                scenario.name,
                scenario.response.threshold_s,
                pct(run.coverage.region.demand_coverage),
                pct(run.coverage.region.area_coverage)
            );
            print_targets("  ", &run.checks);
            run.checks
        }
    };
    print_sets(&scenario.targets);
    // Mandatory targets first, then goals, then advisories; within a target, file order.
    let mut order: Vec<_> = checks.targets.iter().zip(checks.by_target()).collect();
    order.sort_by_key(|(t, _)| t.force);
    for (t, of_target) in order {
        let shown: Vec<&Finding> = of_target
            .into_iter()
            .filter(|f| a.all || matches!(f.status, Status::Fail | Status::NoData))
            .collect();
        if shown.is_empty() {
            continue;
        }
        say!("  {}", target_heading(t));
        for f in shown {
            say!("    {}", finding_line(f));
        }
    }
    let failures = checks.mandatory_failures().count();
    if failures > 0 {
        say!(
            "{failures} failing finding(s) of mandatory targets{}",
            if a.plan.is_some() { " on the plan" } else { "" }
        );
        Ok(ExitCode::from(EXIT_MANDATORY_FAILED))
    } else {
        say!(
            "every mandatory target is met{}",
            if a.plan.is_some() { " by the plan" } else { "" }
        );
        Ok(ExitCode::SUCCESS)
    }
}
