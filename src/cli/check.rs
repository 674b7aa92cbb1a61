//! `fireplan check SCENARIO [--plan PLAN] [--out DIR] [--all]`: evaluates every planning
//! target of the scenario (DESIGN §6) and prints the failures with their sources.
//!
//! Exit status: 0 when every mandatory target is met, 2 when a mandatory target fails
//! (with `--plan`: on the plan), 1 on an error (bad input) — for use in scripts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use fireplan::model::target::fmt_measure;
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
    /// Print every finding, not only the failures.
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

/// The heading of a target's findings: id, requirement, source with the quoted clause.
fn target_heading(t: &fireplan::model::target::Target) -> String {
    let source = match &t.source.section {
        Some(s) => format!("{} §{s}", t.source.document),
        None => t.source.document.clone(),
    };
    format!(
        "{} — {} {} {}{} — {source}{}",
        t.id,
        t.metric.as_str(),
        t.comparator.symbol(),
        fmt_measure(t.metric, t.value),
        if t.mandatory { "" } else { " (not mandatory)" },
        if t.source.clause.is_empty() {
            String::new()
        } else {
            format!(": “{}”", t.source.clause)
        }
    )
}

/// One line per finding: status, subject, measured value, reason.
fn finding_line(f: &Finding) -> String {
    let subject = if f.subject_name != f.subject {
        format!(
            "{} {} ({})",
            f.subject_kind.as_str(),
            f.subject,
            f.subject_name
        )
    } else {
        format!("{} {}", f.subject_kind.as_str(), f.subject)
    };
    let status = match f.status {
        Status::Pass => "ok",
        Status::Fail => "FAIL",
        Status::NotApplicable => "n/a",
    };
    match f.measured {
        Some(v) => format!(
            "{status:<4} {subject}: {} — {}",
            fmt_measure(f.metric, v),
            f.reason
        ),
        None => format!("{status:<4} {subject}: {}", f.reason),
    }
}

/// The one-line tally of a variant's findings.
pub fn print_targets(indent: &str, checks: &Checks) {
    let (pass, fail, na) = checks.counts();
    let mand = checks.mandatory_failures().count();
    say!(
        "{indent}{} targets checked, {} findings: {pass} pass, {fail} fail ({mand} on mandatory targets), {na} not applicable",
        checks.targets.len(),
        pass + fail + na
    );
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
    for a in pr.diff.areas.iter().filter(|a| a.kind.is_some()) {
        say!(
            "  {:<12} demand {:>7} → {:>7}   area {:>7} → {:>7}",
            a.name,
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
                fireplan::report::plan::write_plan_run(folder.path(), &pr)
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
                fireplan::report::write_all(folder.path(), &run)
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
    // Mandatory targets first, then the others; within a target, file order.
    let mut order: Vec<_> = checks.targets.iter().zip(checks.by_target()).collect();
    order.sort_by_key(|(t, _)| !t.mandatory);
    for (t, of_target) in order {
        let shown: Vec<&Finding> = of_target
            .into_iter()
            .filter(|f| a.all || f.status == Status::Fail)
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
