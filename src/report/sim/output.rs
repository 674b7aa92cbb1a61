//! The simulation's output files: `sim_summary.json` (figures with 95 % confidence
//! intervals, static coverage beside them, every parameter), `sim_stations.csv`
//! (utilisation and first-due incidents a station could not take) and
//! `sim_incidents.csv` (every incident of replication 0). Written atomically.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::coverage::Placement;
use crate::error::Result;
use crate::model::IncidentType;
use crate::report::write::{csv_error, json_bytes};
use crate::report::{fmt_s, write_atomic};
use crate::run::RunResult;
use crate::sim::clock::calendar;
use crate::sim::setup::SimSetup;
use crate::sim::stats::Estimate;
use crate::sim::SimResults;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// What the simulation assumes beyond its parameters (written into the summary and the
/// report).
pub fn assumptions(setup: &SimSetup) -> Vec<String> {
    let mut a = vec![
        "A unit is busy from the call until it is back at its station: response (dispatch + \
         turnout + travel) + on-scene time + the drive back (exact, one-way streets respected). \
         Each sent unit stays on scene for the incident's on-scene time from its own arrival."
            .to_string(),
        "Units are sent only from their station, never while driving back; travel times are \
         the static model's free-flow emergency speeds (no congestion by hour)."
            .to_string(),
        "Each replication starts on a Monday 00:00 with every unit at its station (no warm-up)."
            .to_string(),
    ];
    a.push(match setup.params.when_all_busy {
        crate::params::simulation::WhenAllBusy::Queue => {
            "When no suitable unit is free, the incident waits for the first suitable unit to \
             come back (first come, first served)."
                .to_string()
        }
        crate::params::simulation::WhenAllBusy::Lost => {
            "When no suitable unit is free, the missing units are not sent (as if covered by \
             mutual aid outside the model)."
                .to_string()
        }
    });
    if setup.stations.iter().any(|s| s.default_fleet) {
        a.push(
            "Stations without vehicles rows were given `[simulation] default_fleet`.".to_string(),
        );
    }
    a
}

/// `sim_summary.json`.
pub fn summary_json(run: &RunResult, setup: &SimSetup, res: &SimResults) -> Result<Vec<u8>> {
    let cov = &run.coverage;
    let districts: Vec<_> = run
        .inputs
        .districts
        .iter()
        .zip(&res.districts)
        .zip(&cov.districts)
        .map(|((d, f), m)| {
            json!({
                "name": d.name,
                "kind": d.kind.as_str(),
                "static_demand_coverage": m.demand_coverage,
                "figures": f,
            })
        })
        .collect();
    let types: Vec<_> = IncidentType::ALL
        .iter()
        .zip(&res.types)
        .map(|(t, f)| json!({"type": t.as_str(), "name_zh": t.name_zh(), "figures": f}))
        .collect();
    let v = json!({
        "scenario": run.inputs.scenario.name,
        "years": res.years,
        "replications": res.replications,
        "seed": res.seed,
        "threshold_s": setup.response.threshold_s,
        "second_threshold_s": setup.response.second_threshold_s,
        "incidents_per_year_simulated": setup.params.rate_per_year(),
        "region": res.region,
        "static": {
            "demand_coverage": cov.region.demand_coverage,
            "p50_s": cov.region.p50_s,
            "p90_s": cov.region.p90_s,
            "off_network_demand_points": cov.region.off_network,
        },
        "districts": districts,
        "types": types,
        "places": setup.places_report,
        "vehicle_kinds": setup.kinds,
        "parameters": setup.params,
        "assumptions": assumptions(setup),
    });
    json_bytes(&v)
}

fn est_cells(e: &Option<Estimate>, digits: usize) -> [String; 3] {
    let f = |x: Option<f64>| x.map(|x| format!("{x:.digits$}")).unwrap_or_default();
    match e {
        Some(e) => [f(Some(e.mean)), f(e.ci95_low), f(e.ci95_high)],
        None => Default::default(),
    }
}

/// `sim_stations.csv`: one row per station of the stations file, in file order.
pub fn stations_csv(run: &RunResult, _setup: &SimSetup, res: &SimResults) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "station_id",
        "name",
        "class",
        "status",
        "units",
        "default_fleet",
        "utilisation",
        "utilisation_ci_low",
        "utilisation_ci_high",
        "first_due_per_year",
        "could_not_take_share",
        "could_not_take_ci_low",
        "could_not_take_ci_high",
        "busy_share",
        "units_sent_per_year",
    ])
    .map_err(csv_error)?;
    for (i, st) in run.inputs.stations.iter().enumerate() {
        let mut row = vec![
            st.id.clone(),
            st.name.clone(),
            st.class.as_str().to_string(),
        ];
        match run.coverage.placement.get(i) {
            Some(Placement::Origin(o)) => {
                let f = &res.stations[*o as usize];
                row.push("simulated".into());
                row.push(f.units.to_string());
                row.push((f.default_fleet as u8).to_string());
                row.extend(est_cells(&f.utilisation, 4));
                row.push(est_cells(&f.first_due_per_year, 1)[0].clone());
                row.extend(est_cells(&f.could_not_take_share, 4));
                row.push(est_cells(&f.busy_share, 4)[0].clone());
                row.push(est_cells(&f.units_sent_per_year, 1)[0].clone());
            }
            other => {
                row.push(
                    match other {
                        Some(Placement::OffNetwork(_)) => "off-network",
                        _ => "not-responding",
                    }
                    .into(),
                );
                row.extend(std::iter::repeat_n(String::new(), 11));
            }
        }
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// `sim_incidents.csv`: every incident of replication 0, in call order.
pub fn incidents_csv(run: &RunResult, setup: &SimSetup, res: &SimResults) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "incident",
        "time_s",
        "day",
        "weekday",
        "clock",
        "type",
        "lon",
        "lat",
        "district",
        "source_id",
        "first_due_station",
        "first_due_status",
        "first_station",
        "first_response_s",
        "full_plan_s",
        "units_required",
        "units_sent",
        "queued",
        "on_scene_min",
        "free_fleet_s",
    ])
    .map_err(csv_error)?;
    let station_id = |o: Option<u32>| -> &str {
        o.and_then(|o| setup.stations.get(o as usize))
            .map_or("", |s| s.id.as_str())
    };
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    for (n, r) in res.sample.incidents.iter().enumerate() {
        let place = &setup.sites.places[r.place as usize];
        let (day, weekday, clock) = calendar(r.time_s);
        w.write_record([
            (n + 1).to_string(),
            format!("{:.1}", r.time_s),
            day.to_string(),
            WEEKDAYS[weekday].to_string(),
            clock,
            r.kind.as_str().to_string(),
            format!("{:.6}", place.lon),
            format!("{:.6}", place.lat),
            place
                .district
                .and_then(|d| setup.district_names.get(d as usize))
                .cloned()
                .unwrap_or_default(),
            demand
                .get(place.point as usize)
                .map(|d| d.id.clone())
                .unwrap_or_default(),
            station_id(r.first_due).to_string(),
            r.first_due_status.as_str().to_string(),
            station_id(r.first_origin).to_string(),
            fmt_s(r.first_s),
            fmt_s(r.full_plan_s),
            r.units_required.to_string(),
            r.units_sent.to_string(),
            (r.queued as u8).to_string(),
            format!("{:.1}", r.on_scene_s / 60.0),
            fmt_s(r.free_fleet_s),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// Writes the three simulation files into `out`; returns their paths.
pub fn write_outputs(
    out: &Path,
    run: &RunResult,
    setup: &SimSetup,
    res: &SimResults,
) -> Result<Vec<PathBuf>> {
    let files = [
        ("sim_summary.json", summary_json(run, setup, res)?),
        ("sim_stations.csv", stations_csv(run, setup, res)?),
        ("sim_incidents.csv", incidents_csv(run, setup, res)?),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let p = out.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
    }
    Ok(written)
}
