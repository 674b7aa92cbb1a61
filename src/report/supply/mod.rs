//! Outputs of logistics-support reach and capacity (战勤保障): `supply_reach.csv`,
//! `supply_districts.csv`, `supply.geojson`, the report section and the `summary.json`
//! fields.

pub mod layers;
pub mod markdown;
pub mod tables;

use crate::error::Result;
use crate::load::Inputs;
use crate::network::Network;
use crate::report::write::json_bytes;
use crate::supply::{Supply, SupplySummary};

/// The supply output files of a run: `supply_reach.csv`, `supply_districts.csv` and
/// `supply.geojson` (`net`: either network, for the road geometry).
pub fn output_files(
    sup: &Supply,
    inputs: &Inputs,
    net: &Network,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let demand = inputs.demand.as_deref().unwrap_or(&[]);
    Ok(vec![
        (
            "supply_reach.csv",
            tables::reach_csv(sup, &inputs.stations, &inputs.districts)?,
        ),
        (
            "supply_districts.csv",
            tables::districts_csv(sup, &inputs.districts, demand)?,
        ),
        ("supply.geojson", layers::supply_geojson(sup, net)?),
    ])
}

/// The files of `fireplan supply` (supply alone): [`output_files`], then
/// `supply_summary.json` (the scenario's name and the supply fields of `summary.json`) and
/// `supply_report.md`.
pub fn supply_run_files(
    scenario: &str,
    sup: &Supply,
    inputs: &Inputs,
    net: &Network,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    #[derive(serde::Serialize)]
    struct SupplyRunSummary<'a> {
        scenario: &'a str,
        #[serde(flatten)]
        supply: SupplySummary,
    }
    let mut files = output_files(sup, inputs, net)?;
    // Through a JSON value, so that keys come out sorted like every other summary.
    let summary = serde_json::to_value(SupplyRunSummary {
        scenario,
        supply: SupplySummary::of(Some(sup)),
    })
    .map_err(|e| crate::Error::output("supply_summary.json", e))?;
    files.push(("supply_summary.json", json_bytes(&summary)?));
    let md = format!(
        "# {scenario} — logistics-support reach (战勤保障)\n\n{}",
        markdown::section(
            sup,
            &inputs.stations,
            &inputs.districts,
            inputs.demand.as_deref().unwrap_or(&[]),
        )
        .trim_start_matches("## Logistics-support reach (战勤保障)")
        .trim_start()
    );
    files.push(("supply_report.md", md.into_bytes()));
    Ok(files)
}
