//! `report.md`: the report as a plan appendix in plain text, rendered with
//! `templates/report.md.j2` from the same view model as `report.html`
//! ([`super::appendix`]): summary, plan comparison, coverage, supply, simulation, targets,
//! methodology and sources. Written beside `report.html` by `report::write_all`; these
//! functions give the text alone.

use crate::error::Result;
use crate::run::RunResult;

use super::appendix;

/// Today in the run's scenario's time zone.
fn today(run: &RunResult) -> String {
    super::maps::today_in(&super::maps::scenario_timezone(&run.inputs.scenario))
}

/// The Markdown report of a run (no plan, no simulation; maps not linked).
pub fn report_md(run: &RunResult) -> Result<String> {
    let view = appendix::build(run, None, &[], None, &today(run), false)?;
    appendix::render_md(&view)
}

/// The report of `fireplan simulate`: [`report_md`] with the incident-simulation section.
pub fn report_md_with_simulation(
    run: &RunResult,
    setup: &crate::sim::SimSetup,
    sim: &crate::sim::SimResults,
) -> Result<String> {
    let view = appendix::build(run, None, &[], Some((setup, sim)), &today(run), false)?;
    appendix::render_md(&view)
}
