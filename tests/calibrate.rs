//! Calibration: records read as the format says, a fit that recovers known parameters,
//! routes that agree with the coverage search, a calibrated run whose numbers follow the
//! model, and the real London Fire Brigade records on Camden.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{csv_rows, fireplan, quiet, read_json, root, shared};
use fireplan::calibrate::routes::{split_routes, EdgeGroups};
use fireplan::calibrate::{calibrate, CalibrateOptions};
use fireplan::io::records::read_records;
use fireplan::params::calibration::SpreadPoint;
use fireplan::params::{Crs, ResponseModel, RoadGroup, Scenario, Spread, TimeFactors};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

fn demo() -> Scenario {
    Scenario::load(&root().join("scenarios/demo.toml")).unwrap()
}

/// The true model of the synthetic records.
const TRUE_FACTORS: TimeFactors = TimeFactors {
    motorway_trunk: 1.25,
    primary_secondary: 1.6,
    local: 2.1,
};
const TRUE_PRE_S: f64 = 95.0;
/// KQ05 turns out slower.
const SLOW_STATION: &str = "KQ05";
const SLOW_PRE_S: f64 = 140.0;
const NOISE_SIGMA: f64 = 0.15;

/// Records generated from [`TRUE_FACTORS`] and the pre-travel times on the demo network:
/// each demo incident gets a station chosen by its position in the file (so routes of
/// every length and road mix occur), the route under the true factors, and lognormal noise
/// around the true median. Written as a records CSV with timestamps for the fit to read.
fn synthetic_records(dir: &Path) -> std::path::PathBuf {
    let scenario = demo();
    let (inputs, prepared) = fireplan::load::load(&scenario, &quiet()).unwrap();
    let net = &prepared.network;
    let groups = EdgeGroups::new(net);
    let stations: Vec<usize> = (0..inputs.stations.len())
        .filter(|&i| inputs.stations[i].responds())
        .collect();
    let demand = inputs.demand.as_ref().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let noise = Normal::new(0.0, NOISE_SIGMA).unwrap();
    let mut csv = String::from("id,lon,lat,station,alarm,arrival,pump_order\n");
    let places: Vec<_> = demand
        .iter()
        .map(|d| {
            prepared
                .index
                .snap(net, d.location.x(), d.location.y())
                .unwrap()
        })
        .collect();
    // Routes under the true factors from every station to every place.
    let routes: Vec<Vec<_>> = stations
        .iter()
        .map(|&st| {
            let s = &inputs.stations[st];
            let origin = prepared
                .index
                .snap(net, s.location.x(), s.location.y())
                .unwrap();
            split_routes(net, &groups, &TRUE_FACTORS, &origin, &places)
        })
        .collect();
    let mut kept = 0;
    for (k, d) in demand.iter().enumerate() {
        // The first, second or third nearest station under the true model, in turn: real
        // records mix first-due runs with runs from further away.
        let mut near: Vec<(f64, usize)> = (0..stations.len())
            .filter_map(|i| routes[i][k].map(|r| (r.travel_s(&TRUE_FACTORS), i)))
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        let Some(&(travel, i)) = near.get(k % 3) else {
            continue;
        };
        if travel > 1200.0 || places[k].access_m > scenario.max_snap_m {
            continue;
        }
        let s = &inputs.stations[stations[i]];
        let pre = if s.id == SLOW_STATION {
            SLOW_PRE_S
        } else {
            TRUE_PRE_S
        };
        let median = pre + travel;
        let observed = (median * f64::exp(noise.sample(&mut rng))).round();
        let alarm = 1_700_000_000 + k as i64 * 3_600;
        let stamp = |t: i64| {
            let (y, m, d) = fireplan::model::time::civil_from_days(t.div_euclid(86_400));
            let s = t.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
                s / 3600,
                s / 60 % 60,
                s % 60
            )
        };
        csv.push_str(&format!(
            "R{k},{},{},{},{},{},1\n",
            d.location.x(),
            d.location.y(),
            s.id,
            stamp(alarm),
            stamp(alarm + observed as i64)
        ));
        kept += 1;
    }
    assert!(kept > 800, "only {kept} synthetic records");
    let path = dir.join("records.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn the_fit_recovers_known_parameters_from_noisy_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = synthetic_records(dir.path());
    let scenario = demo();
    let (inputs, prepared) = fireplan::load::load(&scenario, &quiet()).unwrap();
    let records = read_records(&path, Crs::Wgs84, &inputs.stations).unwrap();
    assert!(records.rejected.is_empty(), "{:?}", &records.rejected[..1]);
    let cal = calibrate(&inputs, &prepared, &records, &CalibrateOptions::default()).unwrap();
    let m = &cal.model;
    assert_eq!(m.measured_from, "alarm");
    for g in RoadGroup::ALL {
        let (fit, truth) = (m.time_factors.get(g), TRUE_FACTORS.get(g));
        assert!(
            (fit / truth - 1.0).abs() < 0.08,
            "{}: fitted {fit:.3}, true {truth}",
            g.as_str()
        );
    }
    // Stations with enough records carry their own time before the wheels turn.
    let slow = m.station_pre_travel_s[SLOW_STATION];
    assert!(
        (slow - SLOW_PRE_S).abs() < 20.0,
        "{SLOW_STATION}: {slow:.1} s"
    );
    assert!(
        (m.pre_travel_s - TRUE_PRE_S).abs() < 20.0,
        "{:.1} s",
        m.pre_travel_s
    );
    // The spread: log-scale noise of σ = 0.15 → scale near 0.15 everywhere.
    for p in &m.spread.points {
        assert!((p.scale - NOISE_SIGMA).abs() < 0.04, "{p:?}");
    }
    // Held out: unbiased, and the probability matches what happened.
    assert!(cal.after.median_bias_s.abs() < 8.0, "{:?}", cal.after);
    let expected = cal.after.expected_within.unwrap();
    assert!(
        (expected - cal.after.observed_within).abs() < 0.03,
        "expected {expected:.3}, observed {:.3}",
        cal.after.observed_within
    );
    // The free-flow model (turnout 60 s or the station's, class speeds) is far too fast.
    assert!(cal.before.median_bias_s < -60.0, "{:?}", cal.before);
    assert!(cal.after.median_abs_error_s < cal.before.median_abs_error_s / 2.0);
    // Every record was used, each held out once.
    assert_eq!(cal.results.len(), cal.observations.len());
    assert!(cal.set_aside.is_empty());
}

#[test]
fn routes_split_by_group_add_up_to_the_coverage_search_time() {
    // Free-flow split routes against the coverage search (an independent search: the
    // two-label multi-source kernel), station by station.
    let scenario = demo();
    let run = fireplan::run::run(&scenario, &quiet()).unwrap();
    let net = &run.prepared.network;
    let groups = EdgeGroups::new(net);
    let mut checked = 0;
    for (i, d) in run.coverage.demand.iter().enumerate().step_by(7) {
        let (Some(place), Some((origin, t))) = (d.snap, d.response.first) else {
            continue;
        };
        let o = &run.coverage.origins[origin as usize];
        let split = split_routes(net, &groups, &TimeFactors::default(), &o.snap, &[place])[0]
            .unwrap_or_else(|| panic!("demand {i} unreachable"));
        // Response = offset (dispatch + turnout + station access) + travel + place access;
        // the split's access covers both legs.
        let turnout = o.offset_s - fireplan::network::access_time_s(o.snap.access_m);
        let from_split = turnout + split.travel_s(&TimeFactors::default());
        assert!(
            (from_split - t).abs() < 1e-6 * t.max(1.0) + 1e-3,
            "demand {i}: split {from_split}, search {t}"
        );
        checked += 1;
    }
    assert!(checked > 400, "{checked}");
}

/// A model whose spread is one point: log-residual location 0, scale 0.2, standard normal
/// quantiles at 100 levels.
fn model(factors: TimeFactors, pre_s: f64, stations: BTreeMap<String, f64>) -> ResponseModel {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut z: Vec<f64> = {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        (0..20_000).map(|_| normal.sample(&mut rng)).collect()
    };
    z.sort_by(f64::total_cmp);
    let q = (0..100)
        .map(|i| fireplan::calibrate::robust::quantile_sorted(&z, (i as f64 + 0.5) / 100.0))
        .collect();
    ResponseModel {
        measured_from: "dispatch".into(),
        pre_travel_s: pre_s,
        station_pre_travel_s: stations,
        time_factors: factors,
        spread: Spread {
            points: vec![SpreadPoint {
                median_s: 300.0,
                location: 0.0,
                scale: 0.2,
            }],
            standard_quantiles: q,
        },
    }
}

/// `scenario` using `model`, written as a calibration file in `dir` and read back.
fn with_model(scenario: &Scenario, dir: &Path, model: ResponseModel) -> Scenario {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("calibration.toml");
    let file = fireplan::params::Calibration { format: 1, model };
    std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
    let s = scenario.clone().with_calibration_file(Some(path)).unwrap();
    assert_eq!(s.calibration.as_ref().unwrap().model, file.model);
    s
}

#[test]
fn a_neutral_calibration_gives_exactly_the_free_flow_numbers() {
    // Factors 1 and each station's own turnout as its pre-travel time: the calibrated run
    // must reproduce the free-flow response times to the last bit.
    let free = demo();
    let (inputs, _) = fireplan::load::load(&free, &quiet()).unwrap();
    let stations: BTreeMap<String, f64> = inputs
        .stations
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                free.response.dispatch_s + s.turnout_s.unwrap_or(free.response.turnout_s),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let calibrated = with_model(
        &free,
        dir.path(),
        model(TimeFactors::default(), free.response.turnout_s, stations),
    );
    let a = fireplan::run::run(&free, &quiet()).unwrap();
    let b = fireplan::run::run(&calibrated, &quiet()).unwrap();
    let times = |r: &fireplan::run::RunResult| -> Vec<Option<(u32, f64)>> {
        r.coverage.demand.iter().map(|d| d.response.first).collect()
    };
    assert_eq!(times(&a), times(&b));
    assert_eq!(a.coverage.region, b.coverage.region);
    assert!(a.summary().expected_demand_coverage.is_none());
    // The calibrated run adds the expected coverage: the mean of the probabilities, each
    // the normal CDF of log(300 / t) / 0.2 (within the table's 1 % steps).
    let e = b.summary().expected_demand_coverage.unwrap();
    let p = b.p_within().unwrap();
    let w: f64 = b
        .inputs
        .demand
        .as_ref()
        .unwrap()
        .iter()
        .map(|d| d.weight)
        .sum();
    let mean: f64 = b
        .inputs
        .demand
        .as_ref()
        .unwrap()
        .iter()
        .zip(&p)
        .map(|(d, p)| d.weight * p)
        .sum::<f64>()
        / w;
    assert!((e - mean).abs() < 1e-12);
    for (d, &p) in b.coverage.demand.iter().zip(&p) {
        if let Some(t) = d.response.first_s() {
            let z = (300.0 / t).ln() / 0.2;
            let phi = 0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2));
            assert!((p - phi).abs() < 0.02, "t {t}: p {p}, Φ {phi}");
        }
    }
    // Expected coverage is below the deterministic share: places just inside the
    // threshold are often late.
    assert!(e < b.coverage.region.demand_coverage.unwrap());
}

/// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.3275911 * x.abs());
    let y = 1.0
        - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
            + 0.254829592)
            * t
            * (-x * x).exp();
    y.copysign(x)
}

#[test]
fn slower_roads_never_raise_coverage() {
    // Doubling the local-road factor can only lengthen responses.
    let free = demo();
    let dir = tempfile::tempdir().unwrap();
    let slow = with_model(
        &free,
        dir.path(),
        model(
            TimeFactors {
                local: 2.0,
                ..TimeFactors::default()
            },
            60.0,
            BTreeMap::new(),
        ),
    );
    let base = with_model(
        &free,
        &dir.path().join("base"),
        model(TimeFactors::default(), 60.0, BTreeMap::new()),
    );
    let a = fireplan::run::run(&base, &quiet()).unwrap();
    let b = fireplan::run::run(&slow, &quiet()).unwrap();
    for (x, y) in a.coverage.demand.iter().zip(&b.coverage.demand) {
        if let (Some(tx), Some(ty)) = (x.response.first_s(), y.response.first_s()) {
            assert!(ty >= tx - 1e-9, "{tx} → {ty}");
        }
    }
    assert!(b.coverage.region.demand_coverage < a.coverage.region.demand_coverage);
    assert!(b.summary().expected_demand_coverage < a.summary().expected_demand_coverage);
}

#[test]
fn bad_record_rows_are_listed_with_line_and_field_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let (inputs, _) = fireplan::load::load(&demo(), &quiet()).unwrap();
    let p = dir.path().join("r.csv");
    std::fs::write(
        &p,
        "id,lon,lat,station,接警时间,出动时间,到场时间\n\
         a,120.45,30.05,KQ01,2024-03-01 14:00:00,2024-03-01 14:01:10,2024-03-01 14:05:00\n\
         b,120.45,30.05,KQ99,2024-03-01 14:00:00,,2024-03-01 14:05:00\n\
         c,120.45,30.05,KQ01,2024-03-01 14:00:00,,2024-03-01 13:59:00\n\
         d,120.45,30.05,KQ01,2024-03-01 14:00:00,,2024-03-01 17:00:00\n\
         e,120.45,30.05,KQ01,yesterday,,2024-03-01 14:05:00\n\
         f,120.45,30.05,KQ01,2024-03-01 14:00:00,2024-03-01 14:06:00,2024-03-01 14:05:00\n\
         g,120.45,30.05,KQ01,2024/03/01 23:58:00,,2024/03/02 00:03:30\n",
    )
    .unwrap();
    let r = read_records(&p, Crs::Wgs84, &inputs.stations).unwrap();
    assert_eq!(r.measured_from, fireplan::model::MeasuredFrom::Alarm);
    let ok: Vec<(&str, f64, Option<f64>, Option<u8>)> = r
        .records
        .iter()
        .map(|x| (x.id.as_str(), x.response_s, x.pre_travel_s, x.hour))
        .collect();
    assert_eq!(
        ok,
        vec![
            ("a", 300.0, Some(70.0), Some(14)),
            ("g", 330.0, None, Some(23))
        ]
    );
    let bad: Vec<(u64, &str, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.id.as_str(), x.field.as_str()))
        .collect();
    assert_eq!(
        bad,
        vec![
            (3, "b", "station"),
            (4, "c", "arrival"),
            (5, "d", "arrival"),
            (6, "e", "接警时间"),
            (7, "f", "turnout"),
        ]
    );
    assert!(r.rejected[0].reason.contains("unknown station `KQ99`"));
    assert!(r.rejected[2].reason.contains("over two hours"));

    // No usable time column at all is a file error naming what is needed.
    std::fs::write(
        &p,
        "id,lon,lat,station,arrival\na,120.45,30.05,KQ01,2024-03-01T14:00:00\n",
    )
    .unwrap();
    let e = read_records(&p, Crs::Wgs84, &inputs.stations)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("r.csv, line 1") && e.contains("response_s"),
        "{e}"
    );
    // Every row rejected: an error quoting the first reason.
    std::fs::write(
        &p,
        "id,lon,lat,station,response_s\na,120.45,30.05,KQ77,300\n",
    )
    .unwrap();
    let e = read_records(&p, Crs::Wgs84, &inputs.stations)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("none of the 1 rows") && e.contains("KQ77"),
        "{e}"
    );
}

#[test]
fn a_damaged_calibration_file_is_refused_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let good = fireplan::params::Calibration {
        format: 1,
        model: model(TimeFactors::default(), 60.0, BTreeMap::new()),
    };
    let text = toml::to_string(&good).unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(&p, &text).unwrap();
    assert_eq!(fireplan::io::calibration::read(&p).unwrap(), good.model);
    for (from, to, key) in [
        ("local = 1.0", "local = -1.0", "model.time_factors.local"),
        ("format = 1", "format = 7", "format"),
        (
            "pre_travel_s = 60.0",
            "pre_travel_s = 1e9",
            "model.pre_travel_s",
        ),
        ("scale = 0.2", "scale = -0.2", "model.spread.points[0]"),
    ] {
        assert!(text.contains(from), "{from}");
        std::fs::write(&p, text.replace(from, to)).unwrap();
        let e = fireplan::io::calibration::read(&p).unwrap_err().to_string();
        assert!(e.contains(&format!("key `{key}`")), "{e}");
    }
    std::fs::write(&p, "format = 1\n").unwrap();
    let e = fireplan::io::calibration::read(&p).unwrap_err().to_string();
    assert!(e.contains("not a calibration file"), "{e}");
}

#[test]
fn calibrate_on_camden_beats_free_flow_on_held_out_records_and_is_deterministic() {
    let Some(_) = shared("london-lfb/camden.osm.pbf") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let run = |dir: &Path| {
        let st = fireplan()
            .args([
                "calibrate",
                "scenarios/camden.toml",
                "--records",
                "scenarios/camden/records.csv",
                "--quiet",
                "--no-cache",
                "--out",
            ])
            .arg(dir)
            .current_dir(root())
            .status()
            .unwrap();
        assert!(st.success());
    };
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    run(&a);
    run(&b);
    for f in [
        "calibration.toml",
        "calibration_records.csv",
        "calibration.md",
        "calibration_fit.svg",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // The committed fit is the one this code makes (when the fit changes on purpose, run
    // the command above into a new folder and copy its calibration.toml over).
    assert_eq!(
        std::fs::read_to_string(a.join("calibration.toml")).unwrap(),
        std::fs::read_to_string(root().join("scenarios/camden/calibration.toml")).unwrap(),
        "scenarios/camden/calibration.toml is stale"
    );
    let t: toml::Table =
        toml::from_str(&std::fs::read_to_string(a.join("calibration.toml")).unwrap()).unwrap();
    let fit = &t["fit"];
    let f = |s: &str, k: &str| fit[s][k].as_float().unwrap();
    assert!(f("after", "median_bias_s").abs() < f("before", "median_bias_s").abs() / 3.0);
    assert!(f("after", "median_abs_error_s") < 0.85 * f("before", "median_abs_error_s"));
    assert!((f("after", "expected_within") - f("after", "observed_within")).abs() < 0.04);
    let rows = csv_rows(&a.join("calibration_records.csv"));
    assert!(rows.len() > 200, "{}", rows.len());

    // The calibrated run: deterministic, probabilities in the demand table, expected
    // coverage in the summary.
    let calibrated_run = |dir: &Path| {
        let st = fireplan()
            .args([
                "run",
                "scenarios/camden.toml",
                "--quiet",
                "--no-cache",
                "--calibration",
            ])
            .arg(a.join("calibration.toml"))
            .arg("--out")
            .arg(dir)
            .current_dir(root())
            .status()
            .unwrap();
        assert!(st.success());
    };
    let (c, c2) = (out.path().join("run"), out.path().join("run2"));
    calibrated_run(&c);
    calibrated_run(&c2);
    for f in ["summary.json", "demand_response.csv", "report.md"] {
        assert_eq!(
            std::fs::read(c.join(f)).unwrap(),
            std::fs::read(c2.join(f)).unwrap(),
            "{f}"
        );
    }
    let s = read_json(&c.join("summary.json"));
    let e = s["expected_demand_coverage"].as_f64().unwrap();
    let rows = csv_rows(&c.join("demand_response.csv"));
    let mean = rows
        .iter()
        .map(|r| r["p_within_threshold"].parse::<f64>().unwrap())
        .sum::<f64>()
        / rows.len() as f64;
    assert!((e - mean).abs() < 1e-4, "{e} vs {mean}");
    assert!(e < s["demand_coverage"].as_f64().unwrap());
}
