//! The report as a plan appendix (issue 17): a calibrated run's methodology states what a
//! planner needs to trust it — the fitted model, the records it came from, its errors on
//! records held out of the fit, and how coverage becomes a probability — with the real
//! Camden calibration (`scenarios/camden/calibration.toml`), in report.html and report.md
//! alike; a damaged `[data]` / `[fit]` is refused with its key.

mod common;

use std::path::Path;

use fireplan::report::appendix::{mmss, pct};

/// `fireplan run scenarios/camden.toml` (with `args`) into `out`.
fn run_camden(out: &Path, cache: &Path, args: &[&str]) {
    let o = common::fireplan()
        .current_dir(common::root())
        .args(["run", "scenarios/camden.toml", "--quiet", "--out"])
        .arg(out)
        .args(args)
        .env("FIREPLAN_CACHE_DIR", cache)
        .env("SOURCE_DATE_EPOCH", "1764374400")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn calibrated_methodology_states_the_fit_and_the_probability() {
    if common::shared("london-lfb/camden.osm.pbf").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let out = dir.path().join("calibrated");
    let cal_path = common::root().join("scenarios/camden/calibration.toml");
    run_camden(
        &out,
        &cache,
        &["--calibration", "scenarios/camden/calibration.toml"],
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.starts_with("# Fire-station coverage report: Camden"),
        "{}",
        md.lines().next().unwrap()
    );

    // The values of the file, as the report must quote them.
    let file: toml::Table = toml::from_str(&std::fs::read_to_string(&cal_path).unwrap()).unwrap();
    let f = |path: &str| -> f64 {
        let mut v = toml::Value::Table(file.clone());
        for k in path.split('.') {
            v = v.get(k).unwrap_or_else(|| panic!("{path}")).clone();
        }
        v.as_float()
            .or_else(|| v.as_integer().map(|i| i as f64))
            .unwrap()
    };
    let s = |x: f64| mmss(Some(x));
    let used = f("data.used") as usize;
    let stations = file["data"]["stations"].as_array().unwrap().len();
    // Hand-read from calibration.toml: 213 of 382 rows used (169 set aside: second pumps
    // and places off the roads), from the 6 stations; 106.05 s before the wheels turn;
    // held out, a median error of 39.6 s and a P90 of 126.2 s (free flow: 50.0 s, 141.3 s);
    // 70.56 % expected within 300 s, 71.36 % observed.
    assert_eq!((used, stations), (213, 6));
    assert_eq!(s(f("model.pre_travel_s")), "1:46");
    assert_eq!(s(f("fit.after.median_abs_error_s")), "0:40");
    assert_eq!(s(f("fit.after.p90_abs_error_s")), "2:06");
    assert_eq!(pct(Some(f("fit.after.expected_within"))), "70.6 %");
    assert_eq!(pct(Some(f("fit.after.observed_within"))), "71.4 %");
    let mut wanted = vec![
        format!("{used} responses from {stations} stations"),
        format!(
            "{} rows, {} set aside, {} refused",
            f("data.rows"),
            f("data.set_aside"),
            f("data.rejected")
        ),
        format!("time before the wheels turn {}", s(f("model.pre_travel_s"))),
        format!(
            "half the predictions lie within {} of the observed response, nine in ten within {}",
            s(f("fit.after.median_abs_error_s")),
            s(f("fit.after.p90_abs_error_s"))
        ),
        format!(
            "the model expected {} of these responses within 5:00, and {} were",
            pct(Some(f("fit.after.expected_within"))),
            pct(Some(f("fit.after.observed_within")))
        ),
        "5-fold by incident id".to_string(),
    ];
    for id in ["FS07", "FS104", "FS32", "FS53"] {
        let v = f(&format!("model.station_pre_travel_s.{id}"));
        wanted.push(format!("{id} {}", s(v)));
    }
    // The factor of each road group, and the calibrated speed it gives: residential
    // (local, × 0.456) at 25 km/h free flow → 25 / 0.456 = 54.8 km/h.
    for g in ["motorway_trunk", "primary_secondary", "local"] {
        wanted.push(format!("× {:.2}", f(&format!("model.time_factors.{g}"))));
    }
    // Coverage as a probability: the run's figures, from its summary.json.
    let summary = common::read_json(&out.join("summary.json"));
    let expected = summary["expected_demand_coverage"].as_f64().unwrap();
    let median = summary["demand_coverage"].as_f64().unwrap();
    assert!(expected < median, "{expected} {median}");
    wanted.push(format!("Expected coverage</b> ({})", pct(Some(expected))));
    wanted.push(format!(
        "“Incidents reached within 5:00” ({})",
        pct(Some(median))
    ));
    for w in &wanted {
        let w_md = w.replace("</b>", "**").replace("Expected", "**Expected");
        assert!(html.contains(w.as_str()), "report.html lacks {w:?}");
        assert!(md.contains(&w_md), "report.md lacks {w_md:?}");
    }
    assert!(html.contains("<td>residential</td><td class=\"n\">25</td><td class=\"n\">× 0.46</td><td class=\"n\">55</td>"));
    assert!(md.contains("| residential | 25 | × 0.46 | 55 |"));
    // The free-flow and calibrated errors side by side.
    assert!(md.contains("| Free flow (not calibrated) | 213 | 0:50 | 2:21 | −0:26 |"));
    assert!(md.contains(
        "| **Calibrated (held-out records)** | **213** | **0:40** | **2:06** | **−0:04** |"
    ));

    // The chance of arriving within 5:00 at medians 3:00 … 6:00: the model's, falling.
    let model = fireplan::io::calibration::read(&cal_path).unwrap();
    let mut last = 1.0;
    for median_s in [180.0, 240.0, 300.0, 360.0] {
        let p = model.spread.p_within(median_s, 300.0);
        assert!(p < last, "{median_s}: {p}");
        last = p;
        let row = format!("| {} | {} |", s(median_s), pct(Some(p)));
        let bold = format!("| **{}** | **{}** |", s(median_s), pct(Some(p)));
        assert!(md.contains(&row) || md.contains(&bold), "{row}");
    }
    // A coin toss at the threshold, give or take the residuals' skew.
    assert!((0.4..0.6).contains(&model.spread.p_within(300.0, 300.0)));
    // The summary points there.
    assert!(html.contains(&format!(
        "{used} records, held-out median error 0:40); coverage is then a probability: expected coverage {}",
        pct(Some(expected))
    )));

    // Free flow: no calibration section, the optimistic caveat instead.
    let free = dir.path().join("free");
    run_camden(&free, &cache, &[]);
    let md = std::fs::read_to_string(free.join("report.md")).unwrap();
    assert!(!md.contains("Calibrated response model"));
    assert!(md.contains("Response time = dispatch 0:00 + turnout 1:00"));
    assert!(md.contains("| residential | 25 |"));
}

#[test]
fn a_damaged_fit_section_is_refused_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        std::fs::read_to_string(common::root().join("scenarios/camden/calibration.toml")).unwrap();
    let p = dir.path().join("calibration.toml");
    let (model, fit) = {
        std::fs::write(&p, &good).unwrap();
        fireplan::io::calibration::read_with_fit(&p).unwrap()
    };
    let fit = fit.expect("calibrate writes [data] and [fit]");
    assert_eq!(fit.data.used, 213);
    assert_eq!(fit.fit.after.n, 213);
    assert_eq!(fit.fit.held_out, "5-fold by incident id");
    assert!((model.pre_travel_s - 106.0475).abs() < 1e-3);
    for (from, to, key) in [
        ("used = 213", "used = \"many\"", "data"),
        (
            "p90_abs_error_s = 126.2",
            "p90_abs_error_s = \"slow\"",
            "fit",
        ),
    ] {
        assert!(good.contains(from), "{from}");
        std::fs::write(&p, good.replacen(from, to, 1)).unwrap();
        let e = fireplan::io::calibration::read_with_fit(&p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("calibration.toml") && e.contains(key),
            "{key}: {e}"
        );
    }
    // A hand-written model without [data] / [fit] still runs; the report says its quality
    // is unknown.
    let model_only: String = good.split("\n[data]").next().unwrap().to_string();
    std::fs::write(&p, model_only).unwrap();
    let (_, fit) = fireplan::io::calibration::read_with_fit(&p).unwrap();
    assert!(fit.is_none());
}
