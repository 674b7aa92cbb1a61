//! Outputs of the incident simulation: `sim_summary.json`, `sim_stations.csv`,
//! `sim_incidents.csv` ([`output`]) and the report section ([`markdown`]).

pub mod markdown;
pub mod output;
