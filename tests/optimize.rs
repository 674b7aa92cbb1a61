//! Station placement search (issue 8): known optima, heuristic against the exact MILP,
//! monotonicity, coverage sets against `coverage::evaluate`, the plan file through the plan
//! parser and `run --plan`, bad input, and the map of candidates and chosen sites.

mod common;

use std::path::{Path, PathBuf};

use fireplan::coverage;
use fireplan::load::load;
use fireplan::model::{Station, StationClass};
use fireplan::optimize::bound::{self, BoundKind};
use fireplan::optimize::solver::{self, Instance};
use fireplan::optimize::{self, CandidateSource, Goal, Options};
use fireplan::params::{Crs, Scenario};
use fireplan::plan::file::Action;
use fireplan::plan::Plan;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::{fireplan, quiet};

/// A file of `tests/data/optimize/`.
fn data(name: &str) -> PathBuf {
    common::data(&format!("optimize/{name}"))
}

/// Best value over every subset of exactly `k` candidates (brute force).
fn brute_force(inst: &Instance, k: usize) -> f64 {
    let n = inst.candidates();
    let mut best = 0.0f64;
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != k.min(n) {
            continue;
        }
        let sites: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        best = best.max(inst.value(&sites));
    }
    best
}

fn random_instance(rng: &mut ChaCha8Rng, n: usize, m: usize, backup: bool) -> Instance {
    let weights: Vec<f64> = (0..m).map(|_| rng.random_range(1..6) as f64).collect();
    let need: Vec<u8> = (0..m)
        .map(|_| {
            if backup && rng.random_range(0..2) == 0 {
                2
            } else {
                1
            }
        })
        .collect();
    let rows: Vec<Vec<u32>> = (0..n)
        .map(|_| {
            let size = rng.random_range(1..m / 2);
            let mut r: Vec<u32> = (0..size).map(|_| rng.random_range(0..m) as u32).collect();
            r.sort_unstable();
            r.dedup();
            r
        })
        .collect();
    Instance::from_rows(weights, need, rows)
}

#[test]
fn greedy_is_not_optimal_and_swap_finds_the_optimum() {
    // A covers {0,1,2,3}; B covers {0,1,4}; C covers {2,3,5}; all weights 1; k = 2.
    // Greedy takes A (4) then B or C (+1) = 5; the optimum B + C covers all 6.
    let inst = Instance::from_rows(
        vec![1.0; 6],
        vec![1; 6],
        vec![vec![0, 1, 2, 3], vec![0, 1, 4], vec![2, 3, 5]],
    );
    let g = solver::greedy(&inst, 2);
    assert_eq!(g[0].0, 0);
    let gv: f64 = g.iter().map(|x| x.1).sum();
    assert_eq!(gv, 5.0);
    let (sites, v) = solver::solve(&inst, 2);
    assert_eq!(sites, vec![1, 2]);
    assert_eq!(v, 6.0);
    assert_eq!(bound::exact(&inst, 2).unwrap().round(), 6.0);
    assert_eq!(brute_force(&inst, 2), 6.0);
    // The LP bound is a bound.
    let (ub, kind) = bound::upper_bound(&inst, 2, v);
    assert_eq!(kind, BoundKind::Lp);
    assert!(ub >= 6.0 - 1e-6);
}

#[test]
fn backup_known_optimum() {
    // Need 2 covers each. Sites: 0 {0,1}, 1 {0,1}, 2 {2}, 3 {2}, weights 3,3,5.
    // k = 2: {0,1} gives 6, {2,3} gives 5.
    let inst = Instance::from_rows(
        vec![3.0, 3.0, 5.0],
        vec![2, 2, 2],
        vec![vec![0, 1], vec![0, 1], vec![2], vec![2]],
    );
    let (sites, v) = solver::solve(&inst, 2);
    assert_eq!((sites, v), (vec![0, 1], 6.0));
    assert_eq!(bound::exact(&inst, 2).unwrap().round(), 6.0);
}

#[test]
fn heuristic_matches_exact_milp_or_the_gap_covers_it() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let mut equal = 0;
    let total = 24;
    for t in 0..total {
        let backup = t % 3 == 2;
        let inst = random_instance(&mut rng, 9, 24, backup);
        for k in [2, 3] {
            let (sites, v) = solver::solve(&inst, k);
            assert_eq!(sites.len(), k);
            assert!((inst.value(&sites) - v).abs() < 1e-9, "bookkeeping");
            let exact = bound::exact(&inst, k).expect("MILP solves");
            let brute = brute_force(&inst, k);
            assert!(
                (exact - brute).abs() < 1e-6,
                "MILP {exact} vs brute force {brute}"
            );
            let (ub, _) = bound::upper_bound(&inst, k, v);
            assert!(v <= exact + 1e-6);
            assert!(ub >= exact - 1e-6, "bound {ub} below optimum {exact}");
            let lag = bound::lagrangian(&inst, k, v, 300, std::time::Duration::from_secs(5));
            assert!(
                lag >= exact - 1e-6,
                "Lagrangian {lag} below optimum {exact}"
            );
            if (exact - v).abs() < 1e-6 {
                equal += 1;
            }
        }
    }
    // Greedy + swap is optimal on most of these.
    assert!(
        equal * 10 >= total * 2 * 8,
        "optimal on only {equal} of {}",
        total * 2
    );
}

#[test]
fn adding_a_candidate_never_lowers_the_optimum() {
    let mut rng = ChaCha8Rng::seed_from_u64(80);
    for _ in 0..10 {
        let inst = random_instance(&mut rng, 7, 20, false);
        let mut rows: Vec<Vec<u32>> = (0..7).map(|i| inst.sets.row(i).to_vec()).collect();
        let before = bound::exact(&inst, 2).unwrap();
        let (_, hv) = solver::solve(&inst, 2);
        rows.push((0..20).filter(|_| rng.random_range(0..3) == 0).collect());
        let more = Instance::from_rows(inst.weights.clone(), inst.need.clone(), rows);
        let after = bound::exact(&more, 2).unwrap();
        assert!(after >= before - 1e-6, "{after} < {before}");
        assert!(brute_force(&more, 2) >= brute_force(&inst, 2));
        // The heuristic too, on these instances.
        let (_, hv2) = solver::solve(&more, 2);
        assert!(hv2 >= hv - 1e-9 || (after - hv2) <= after - hv);
    }
}

#[test]
fn merging_elements_keeps_values() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let inst = random_instance(&mut rng, 8, 30, true);
    let m = inst.merged();
    for mask in 0u32..256 {
        let s: Vec<usize> = (0..8).filter(|i| mask & (1 << i) != 0).collect();
        assert!((inst.value(&s) - m.value(&s)).abs() < 1e-9);
    }
}

fn grid_options() -> Options {
    Options {
        candidates: CandidateSource::File(data("candidates.csv"), Crs::Wgs84),
        hazards: Some(data("hazards.csv")),
        ..Options::default()
    }
}

#[test]
fn coverage_sets_agree_with_evaluate() {
    let scenario = Scenario::load(&data("scenario.toml")).unwrap();
    let (inputs, prepared) = load(&scenario, &quiet()).unwrap();
    let opts = Options {
        candidates: CandidateSource::File(data("candidates.csv"), Crs::Wgs84),
        ..Options::default()
    };
    let problem = optimize::prepare(
        &inputs,
        &prepared.network,
        &prepared.index,
        &opts,
        &fireplan::progress::Silent,
    )
    .unwrap();
    // Off the network: excluded with the reason.
    assert_eq!(problem.candidates.excluded.len(), 1);
    assert_eq!(problem.candidates.excluded[0].0.id, "OFF");
    let demand = inputs.demand.as_ref().unwrap();
    let thr = scenario.response.threshold_s;
    for (i, (c, _)) in problem.candidates.kept.iter().enumerate() {
        let mut stations = inputs.stations.clone();
        stations.push(Station::planned(
            format!("X{}", c.id),
            c.name.clone(),
            StationClass::Class2,
            c.location,
        ));
        let cov = coverage::evaluate(
            &prepared.network,
            &prepared.index,
            &stations,
            demand,
            &inputs.districts,
            &scenario.response,
            scenario.max_snap_m,
        );
        let covered: f64 = cov
            .demand
            .iter()
            .zip(demand)
            .filter(|(r, _)| r.response.first_s().is_some_and(|t| t <= thr))
            .map(|(_, d)| d.weight)
            .sum();
        let with_site = problem.base_weight + problem.instance.value(&[i]);
        assert!(
            (covered - with_site).abs() < 1e-9,
            "candidate {}: evaluate {covered}, sets {with_site}",
            c.id
        );
    }
}

#[test]
fn answers_carry_bound_and_gap_and_the_plan_round_trips() {
    let scenario = Scenario::load(&data("scenario.toml")).unwrap();
    let (inputs, prepared) = load(&scenario, &quiet()).unwrap();
    let problem = optimize::prepare(
        &inputs,
        &prepared.network,
        &prepared.index,
        &grid_options(),
        &fireplan::progress::Silent,
    )
    .unwrap();
    // The hazard site at the north-east corner removes C55 (0 m); OFF is off the network.
    let excluded: Vec<&str> = problem
        .candidates
        .excluded
        .iter()
        .map(|(c, _)| c.id.as_str())
        .collect();
    assert_eq!(excluded, vec!["C55", "OFF"]);
    let out = problem.solve(Goal::Add(3)).unwrap();
    assert_eq!(out.sites.len(), 3);
    assert_eq!(out.curve.len(), 3);
    assert!(out.upper >= out.coverage - 1e-12);
    assert!((out.gap_pp - (out.upper - out.coverage) * 100.0).abs() < 1e-9);
    for w in out.curve.windows(2) {
        assert!(w[1].coverage >= w[0].coverage - 1e-12);
        assert!(w[0].coverage >= w[0].greedy - 1e-12);
    }
    let exact = bound::exact(&problem.instance, 3).unwrap();
    let gained = out.coverage * problem.total_weight - problem.base_weight;
    assert!(gained <= exact + 1e-6);
    assert!(out.upper * problem.total_weight - problem.base_weight >= exact - 1e-6);

    // Plan file: parsed by the plan parser, then accepted by `run --plan`.
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = inputs.stations.iter().map(|s| s.id.clone()).collect();
    for (name, bytes) in
        fireplan::report::optimize::files(&problem, &out, &ids, &scenario.name).unwrap()
    {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let plan_path = dir.path().join("optimize_plan.toml");
    let plan = Plan::load(&plan_path).unwrap();
    assert_eq!(plan.changes.len(), 3);
    for (ch, site) in plan.changes.iter().zip(&out.sites) {
        let (c, _) = &problem.candidates.kept[site.candidate];
        match &ch.action {
            Action::AddStation(st) => {
                assert_eq!(st.id, c.id);
                assert_eq!(st.class, site.class);
                assert_eq!(st.location, c.location);
            }
            other => panic!("expected add_station, got {other:?}"),
        }
    }
    let res = fireplan::run::run_with_plan(&scenario, &plan, &quiet()).unwrap();
    let plan_cov = res.plan.coverage.region.demand_coverage.unwrap();
    assert!(
        (plan_cov - out.coverage).abs() < 1e-12,
        "run --plan {plan_cov} vs optimize {}",
        out.coverage
    );
    let curve = std::fs::read_to_string(dir.path().join("optimize_curve.csv")).unwrap();
    assert!(curve.starts_with("k,greedy_pct,coverage_pct,upper_bound_pct,bound,gap_pp,sites"));
}

#[test]
fn reach_finds_few_sites_and_names_the_reachable_level() {
    let scenario = Scenario::load(&data("scenario.toml")).unwrap();
    let (inputs, prepared) = load(&scenario, &quiet()).unwrap();
    let problem = optimize::prepare(
        &inputs,
        &prepared.network,
        &prepared.index,
        &grid_options(),
        &fireplan::progress::Silent,
    )
    .unwrap();
    let reachable = problem.reachable_share();
    let out = problem.solve(Goal::Reach(0.9)).unwrap();
    assert!(out.coverage >= 0.9);
    let lb = out.min_sites_bound.unwrap();
    assert!(lb <= out.sites.len());
    // One site fewer than found never reaches the level (checked exactly).
    let k = out.sites.len();
    if k > 1 {
        let best_fewer = bound::exact(&problem.instance, k - 1).unwrap();
        let need = 0.9 * problem.total_weight - problem.base_weight;
        assert!(best_fewer < need - 1e-9 || lb < k);
    }
    // Already reached: no site.
    let none = problem.solve(Goal::Reach(0.1)).unwrap();
    assert!(none.sites.is_empty());
    if reachable < 1.0 {
        let e = problem.solve(Goal::Reach(1.0)).unwrap_err().to_string();
        assert!(e.contains("not reachable"), "{e}");
        assert!(e.contains(&format!("{:.2} %", reachable * 100.0)), "{e}");
    }
    let e = problem.solve(Goal::Add(99)).unwrap_err().to_string();
    assert!(e.contains("only 17 candidate site(s) remain"), "{e}");
}

#[test]
fn cli_bad_input_messages() {
    let dir = tempfile::tempdir().unwrap();
    let scen = data("scenario.toml");
    // Every candidate too close to a hazard site.
    let hz = dir.path().join("hazards.csv");
    let mut s = String::from("id,lon,lat\n");
    for line in std::fs::read_to_string(data("candidates.csv"))
        .unwrap()
        .lines()
        .skip(1)
    {
        let f: Vec<&str> = line.split(',').collect();
        s.push_str(&format!("H{},{},{}\n", f[0], f[1], f[2]));
    }
    std::fs::write(&hz, s).unwrap();
    let o = fireplan()
        .args([
            "optimize",
            scen.to_str().unwrap(),
            "--add",
            "2",
            "-q",
            "--no-cache",
        ])
        .args(["--candidates", data("candidates.csv").to_str().unwrap()])
        .args(["--hazards", hz.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("candidates.csv"), "{err}");
    assert!(err.contains("no candidate site left"), "{err}");
    assert!(err.contains("18 too close to a hazard site"), "{err}");

    // A malformed row names file, line and field.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,lon,lat\nA,120.0,30.0\nB,east,30.0\n").unwrap();
    let o = fireplan()
        .args([
            "optimize",
            scen.to_str().unwrap(),
            "--add",
            "1",
            "-q",
            "--no-cache",
        ])
        .args(["--candidates", bad.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("lon"),
        "{err}"
    );

    // k larger than the candidates.
    let o = fireplan()
        .args([
            "optimize",
            scen.to_str().unwrap(),
            "--add",
            "40",
            "-q",
            "--no-cache",
        ])
        .args(["--candidates", data("candidates.csv").to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("only 18 candidate site(s) remain"), "{err}");

    // Success writes every file.
    let out = dir.path().join("out");
    let o = fireplan()
        .args([
            "optimize",
            scen.to_str().unwrap(),
            "--reach",
            "0.95",
            "--grid",
            "700",
            "-q",
        ])
        .args(["--no-cache", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "optimize_sites.csv",
        "optimize_curve.csv",
        "optimize_plan.toml",
        "optimize.geojson",
        "optimize_summary.json",
        "optimize_map.png",
        "optimize_map.svg",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
}

/// The "best few answers" re-ranked by simulation: the answer first, then one-site swaps of
/// it; the answer is swap-optimal, so no alternative covers more.
#[test]
fn alternatives_are_the_answer_and_its_one_site_swaps() {
    let scenario = Scenario::load(&data("scenario.toml")).unwrap();
    let (inputs, prepared) = load(&scenario, &quiet()).unwrap();
    let problem = optimize::prepare(
        &inputs,
        &prepared.network,
        &prepared.index,
        &grid_options(),
        &fireplan::progress::Silent,
    )
    .unwrap();
    let out = problem.solve(Goal::Add(3)).unwrap();
    let alts = problem.alternatives(&out, 4);
    assert!(alts.len() >= 2 && alts.len() <= 4);
    let set = |o: &optimize::Outcome| {
        let mut v: Vec<usize> = o.sites.iter().map(|s| s.candidate).collect();
        v.sort_unstable();
        v
    };
    assert_eq!(set(&alts[0]), set(&out));
    assert!((alts[0].coverage - out.coverage).abs() < 1e-12);
    for w in alts.windows(2) {
        assert!(w[1].coverage <= w[0].coverage + 1e-12);
    }
    for a in &alts[1..] {
        assert_eq!(a.sites.len(), 3);
        let common = set(a).iter().filter(|c| set(&out).contains(c)).count();
        assert_eq!(common, 2, "one site swapped");
        assert!(a.coverage <= out.coverage + 1e-12);
    }
}

/// `--simulate N` writes the answers as plans and ranks them by simulated coverage.
#[test]
fn cli_simulate_reranks_answers() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(data("scenario.toml")).unwrap();
    let text = text
        .replace("\"nodes.csv\"", &format!("{:?}", data("nodes.csv")))
        .replace("\"edges.csv\"", &format!("{:?}", data("edges.csv")))
        .replace("\"stations.csv\"", &format!("{:?}", data("stations.csv")))
        .replace("\"demand.csv\"", &format!("{:?}", data("demand.csv")));
    std::fs::write(
        &sc,
        format!(
            "{text}\n[simulation]\nincidents_per_year = 300\nreplications = 2\n\
             [simulation.plans]\nbuilding_fire = {{ engine = 1 }}\nvehicle_fire = {{ engine = 1 }}\n\
             rescue = {{ rescue = 1 }}\nhazmat = {{ engine = 1 }}\nother = {{ engine = 1 }}\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = fireplan()
        .args([
            "optimize",
            "-q",
            "--no-cache",
            "--add",
            "2",
            "--simulate",
            "2",
            "--candidates",
        ])
        .arg(data("candidates.csv"))
        .arg("--out")
        .arg(&out)
        .arg(&sc)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The coverage-versus-k curve as a plot: today plus k = 1, 2.
    let svg = std::fs::read_to_string(out.join("optimize_curve.svg")).unwrap();
    assert_eq!(svg.matches("class=\"bar\"").count(), 3, "{svg}");
    assert!(svg.contains(">k = 2<"));
    let csv = std::fs::read_to_string(out.join("optimize_rerank.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    for r in rows {
        let f: Vec<&str> = r.split(',').collect();
        let sim: f64 = f[3].parse().unwrap();
        assert!(sim > 0.0 && sim <= 1.0, "{r}");
        assert!(out.join(f[1]).is_file());
    }
}

/// The content of `<g id="layer-NAME">…</g>` of an SVG map.
fn svg_layer<'a>(svg: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<g id=\"layer-{name}\">");
    let i = svg.find(&open)? + open.len();
    let j = svg[i..].find("</g>\n")?;
    Some(&svg[i..i + j])
}

/// Width and height of a PNG, decoded in full (a truncated or corrupt file fails).
fn png_size(p: &Path) -> (u32, u32) {
    let bytes = std::fs::read(p).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{}: not a PNG",
        p.display()
    );
    let dec = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    (info.width, info.height)
}

fn optimize_with_map(out: &Path, extra: &[&str]) -> String {
    let o = fireplan()
        .args(["optimize", "-q", "--no-cache", "--add", "3"])
        .arg("--candidates")
        .arg(data("candidates.csv"))
        .arg("--hazards")
        .arg(data("hazards.csv"))
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(data("scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `optimize_map.png` / `.svg`: an A4-wide PNG; in the SVG one layer per candidate group
/// with one marker per site, the chosen sites labelled `rank · id`, the coverage change
/// in the subtitle and legend.
#[test]
fn cli_optimize_draws_the_placement_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    optimize_with_map(&out, &[]);
    assert_eq!(png_size(&out.join("optimize_map.png")).0, 2480);
    let svg = std::fs::read_to_string(out.join("optimize_map.svg")).unwrap();
    // No temporary file left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");

    let sites = std::fs::read_to_string(out.join("optimize_sites.csv")).unwrap();
    let chosen: Vec<(String, String)> = sites
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[3].to_string())
        })
        .collect();
    assert_eq!(chosen.len(), 3);
    // Labelled by name (the planner's words), not id.
    let labels = svg_layer(&svg, "labels").expect("layer labels");
    for (rank, name) in &chosen {
        assert!(name.starts_with("cand "), "{name}");
        assert!(
            labels.contains(&format!("{rank} · {name}")),
            "{rank} · {name}"
        );
    }
    // 3 chosen (filled circles), 17 kept candidates (hollow rings), 2 excluded: C55 near
    // the hazard is drawn, OFF lies 2.5 km north of the roads, off the map.
    let chosen_layer = svg_layer(&svg, "chosen").expect("layer chosen");
    assert_eq!(chosen_layer.matches("<circle").count(), 3);
    let cands = svg_layer(&svg, "candidates").expect("layer candidates");
    assert_eq!(cands.matches("<polyline").count(), 17);
    let excl = svg_layer(&svg, "candidates-excluded").expect("layer candidates-excluded");
    assert_eq!(excl.matches("<polygon").count(), 1);
    // The chosen sites add coverage: roads and demand points newly covered.
    assert!(svg_layer(&svg, "roads-gained").is_some_and(|l| l.contains("<polyline")));
    assert!(svg_layer(&svg, "demand-gained").is_some_and(|l| l.contains("<circle")));
    assert!(svg_layer(&svg, "stations").is_some_and(|l| l.contains("<polygon")));
    let title = svg_layer(&svg, "title").unwrap();
    assert!(title.contains("新站选址"), "{title}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("optimize_summary.json")).unwrap()).unwrap();
    let pct = |k: &str| format!("{:.1} %", summary[k].as_f64().unwrap() * 100.0);
    let before_after = format!("{} → {}", pct("base_coverage"), pct("coverage"));
    assert!(
        title.contains(&before_after),
        "{before_after} not in {title}"
    );
    let legend = svg_layer(&svg, "legend").unwrap();
    for s in [
        "候选站点 (17)",
        "排除的候选站点 (2)",
        "推荐新站",
        "其中图外 1",
    ] {
        assert!(legend.contains(s), "{s} not in the legend");
    }
}

/// With `--backup` the map speaks of demand covered twice and leaves the roads grey.
#[test]
fn cli_optimize_backup_map_means_covered_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    optimize_with_map(&out, &["--backup"]);
    assert_eq!(png_size(&out.join("optimize_map.png")).0, 2480);
    let svg = std::fs::read_to_string(out.join("optimize_map.svg")).unwrap();
    assert!(svg_layer(&svg, "title").unwrap().contains("两站覆盖"));
    assert!(svg_layer(&svg, "legend").unwrap().contains("两站"));
    assert!(svg_layer(&svg, "roads-gained").is_none());
    assert_eq!(
        svg_layer(&svg, "chosen")
            .unwrap()
            .matches("<circle")
            .count(),
        3
    );
}

/// The demand states of the map add up to the search's coverage before and after, for
/// single and backup coverage; new road pieces only with single coverage.
#[test]
fn map_demand_states_match_the_search() {
    use fireplan::optimize::effect::{compute, DemandState};
    let scenario = Scenario::load(&data("scenario.toml")).unwrap();
    let (inputs, prepared) = load(&scenario, &quiet()).unwrap();
    for backup in [false, true] {
        let opts = Options {
            backup,
            ..grid_options()
        };
        let problem = optimize::prepare(
            &inputs,
            &prepared.network,
            &prepared.index,
            &opts,
            &fireplan::progress::Silent,
        )
        .unwrap();
        let out = problem.solve(Goal::Add(2)).unwrap();
        let e = compute(&inputs, &prepared.network, &prepared.index, &problem, &out);
        assert_eq!(e.demand.len(), problem.demand.len());
        let today = e.weight(&problem, DemandState::Today);
        let gained = e.weight(&problem, DemandState::Gained);
        assert!(
            (today - problem.base_weight).abs() < 1e-9,
            "backup {backup}"
        );
        assert!(
            ((today + gained) / problem.total_weight - out.coverage).abs() < 1e-9,
            "backup {backup}: {} vs {}",
            (today + gained) / problem.total_weight,
            out.coverage
        );
        assert!(e.count(DemandState::Gained) > 0);
        match &e.roads {
            Some(r) => {
                assert!(!backup);
                assert_eq!(r.len(), prepared.network.segments.len());
                assert!(e.road_km(&prepared.network).1 > 0.0);
            }
            None => assert!(backup),
        }
    }
}

/// Must-cover lists (`--require-area-kind`): on random instances with random lists, the
/// greedy cover meets every list, greedy after it and the constrained swap keep them met,
/// and the value never exceeds the best of all answers of k sites that meet them (brute
/// force); a hand case where the requirement costs demand.
#[test]
fn required_lists_are_met_and_cost_what_they_must() {
    use fireplan::optimize::solver::Requirement;
    // Hand case: candidate 0 covers the heavy element, 1 the required point only.
    let inst = Instance::from_rows(vec![5.0, 1.0], vec![1, 1], vec![vec![0], vec![1]]);
    let req = Requirement::new(vec![vec![1], vec![1]], 2);
    assert_eq!(req.lists.rows(), 1, "equal lists are kept once");
    let forced = req.cover(&inst).unwrap();
    assert_eq!(forced, [1]);
    let g: Vec<usize> = solver::greedy_after(&inst, &forced, 1)
        .into_iter()
        .map(|x| x.0)
        .collect();
    assert_eq!(solver::swap_required(&inst, &req, &g), (vec![1], 1.0));
    assert_eq!(solver::swap(&inst, &g), (vec![0], 5.0));
    assert!(Requirement::new(vec![vec![]], 2).cover(&inst).is_none());

    let mut rng = ChaCha8Rng::seed_from_u64(15);
    for _ in 0..60 {
        let n = 9;
        let inst = random_instance(&mut rng, n, 14, false);
        let lists: Vec<Vec<u32>> = (0..rng.random_range(1..4))
            .map(|_| {
                let mut l: Vec<u32> = (0..rng.random_range(1..4))
                    .map(|_| rng.random_range(0..n) as u32)
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let req = Requirement::new(lists, n);
        let forced = req.cover(&inst).unwrap();
        assert!(req.met(&forced));
        for k in forced.len().max(1)..=4 {
            let g: Vec<usize> = solver::greedy_after(&inst, &forced, k)
                .into_iter()
                .map(|x| x.0)
                .collect();
            let (sites, v) = solver::swap_required(&inst, &req, &g);
            assert_eq!(sites.len(), k);
            assert!(req.met(&sites), "{sites:?}");
            assert!((inst.value(&sites) - v).abs() < 1e-9);
            let mut best = 0.0f64;
            for mask in 0u32..(1 << n) {
                if mask.count_ones() as usize != k {
                    continue;
                }
                let s: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
                if req.met(&s) {
                    best = best.max(inst.value(&s));
                }
            }
            assert!(v <= best + 1e-9 && v >= inst.value(&g) - 1e-9);
        }
    }
}

/// An estimate with a 95 % interval (`None` bounds: a single replication).
fn estimate(mean: f64, ci: Option<(f64, f64)>) -> Option<fireplan::sim::stats::Estimate> {
    Some(fireplan::sim::stats::Estimate {
        mean,
        ci95_low: ci.map(|c| c.0),
        ci95_high: ci.map(|c| c.1),
        replications: if ci.is_some() { 10 } else { 1 },
    })
}

/// Issue 17 item 6: answers whose intervals overlap share a rank; an answer only ranks
/// below those whose interval lies wholly above its own. Hand-made intervals.
#[test]
fn overlapping_intervals_share_a_rank() {
    use fireplan::optimize::rerank::{interval_ranks, rank_label};
    // A [.88, .92] and B [.85, .89] overlap: both first. C [.79, .81] lies below both:
    // third (two answers surely better). D has no estimate: below every one that has.
    let ranks = interval_ranks(&[
        estimate(0.90, Some((0.88, 0.92))),
        estimate(0.87, Some((0.85, 0.89))),
        estimate(0.80, Some((0.79, 0.81))),
        None,
    ]);
    assert_eq!(ranks, vec![(1, true), (1, true), (3, false), (4, false)]);
    let labels: Vec<String> = ranks.iter().map(|&(r, t)| rank_label(r, t)).collect();
    assert_eq!(labels, vec!["=1", "=1", "3", "4"]);
    // Intervals that do not overlap keep the order of the means.
    let ranks = interval_ranks(&[
        estimate(0.90, Some((0.89, 0.91))),
        estimate(0.80, Some((0.79, 0.81))),
        estimate(0.70, Some((0.69, 0.71))),
    ]);
    assert_eq!(ranks, vec![(1, false), (2, false), (3, false)]);
    // Touching ends overlap (the simulation cannot tell 0.85 from 0.85).
    let ranks = interval_ranks(&[
        estimate(0.90, Some((0.85, 0.95))),
        estimate(0.80, Some((0.75, 0.85))),
    ]);
    assert_eq!(ranks, vec![(1, true), (1, true)]);
    // Without intervals (one replication) only equal means tie.
    let ranks = interval_ranks(&[
        estimate(0.5, None),
        estimate(0.5, None),
        estimate(0.4, None),
    ]);
    assert_eq!(ranks, vec![(1, true), (1, true), (3, false)]);
}

/// A wide interval ties with answers it overlaps even when its mean is lower; the rows are
/// sorted by rank, and `optimize_rerank.csv` writes the shared rank as `=1`.
#[test]
fn tied_answers_are_written_with_a_shared_rank() {
    use fireplan::optimize::rerank::{rank_rows, Reranked};
    let row = |answer: usize, e| Reranked {
        answer,
        plan: Plan {
            name: format!("answer {answer}"),
            description: None,
            path: PathBuf::from("optimize_plan.toml"),
            changes: Vec::new(),
        },
        static_coverage: 0.5,
        simulated: e,
        sites: vec![format!("S{answer}"), format!("T{answer}")],
        sim_rank: 0,
        tied: false,
    };
    // 1: [.89, .91]; 2: [.84, .86], wholly below 1; 3: [.60, 1.0], overlapping both.
    let mut rows = vec![
        row(1, estimate(0.90, Some((0.89, 0.91)))),
        row(2, estimate(0.85, Some((0.84, 0.86)))),
        row(3, estimate(0.80, Some((0.60, 1.00)))),
    ];
    rank_rows(&mut rows);
    let got: Vec<(usize, String)> = rows.iter().map(|r| (r.answer, r.rank_label())).collect();
    assert_eq!(
        got,
        vec![(1, "=1".into()), (3, "=1".into()), (2, "2".into())]
    );
    let files = fireplan::report::optimize::rerank_files(&rows).unwrap();
    let (_, csv) = files
        .iter()
        .find(|(n, _)| n == "optimize_rerank.csv")
        .unwrap();
    let csv = String::from_utf8(csv.clone()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "sim_rank,plan_file,static_coverage,sim_first_unit_coverage,sim_ci95_low,sim_ci95_high,sites"
    );
    assert_eq!(
        lines[1],
        "=1,optimize_answer_1.toml,0.5000,0.9000,0.8900,0.9100,S1;T1"
    );
    assert_eq!(
        lines[2],
        "=1,optimize_answer_3.toml,0.5000,0.8000,0.6000,1.0000,S3;T3"
    );
    assert_eq!(
        lines[3],
        "2,optimize_answer_2.toml,0.5000,0.8500,0.8400,0.8600,S2;T2"
    );
}

/// Writes a small network with a motorway, its ramp and residential streets:
///
/// ```text
///   4 ══ 5 ══ 6      motorway (two-way), 5–2 a motorway_link
///        ║
///   1 ── 2 ── 3      residential; station 东站 at 3
/// ```
/// Nodes are 0.005° of longitude (≈ 482 m) and 0.01° of latitude (≈ 1.1 km) apart.
fn motorway_scenario(dir: &Path) -> PathBuf {
    std::fs::write(
        dir.join("nodes.csv"),
        "id,lon,lat\n1,120.000,30.000\n2,120.005,30.000\n3,120.010,30.000\n\
         4,120.000,30.010\n5,120.005,30.010\n6,120.010,30.010\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("edges.csv"),
        "from,to,highway,oneway\n1,2,residential,no\n2,3,residential,no\n\
         4,5,motorway,no\n5,6,motorway,no\n5,2,motorway_link,no\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("stations.csv"),
        "id,name,class,lon,lat\nE1,东站,class2,120.010,30.000\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("candidates.csv"),
        "id,lon,lat\nON_MOTORWAY,120.0025,30.010\nON_STREET,120.0025,30.000\n",
    )
    .unwrap();
    let sc = dir.join("scenario.toml");
    std::fs::write(
        &sc,
        "name = \"motorway\"\nlang = \"zh\"\n[network]\nnodes = \"nodes.csv\"\nedges = \"edges.csv\"\n\
         [stations]\nfile = \"stations.csv\"\n[response]\nthreshold_s = 300\n",
    )
    .unwrap();
    sc
}

/// Issue 17 item 6: motorway nodes and ramp ends are no candidate sites; generated sites
/// are named after the nearest place and direction, the grid cell kept apart.
#[test]
fn grid_candidates_skip_motorways_and_ramps_and_are_named_by_place() {
    let dir = tempfile::tempdir().unwrap();
    let sc = motorway_scenario(dir.path());
    let scenario = Scenario::load(&sc).unwrap();
    let (inputs, prepared) = load(&scenario, &quiet()).unwrap();
    let net = &prepared.network;
    assert_eq!(net.node_count(), 6, "every node is in the one component");
    // 300 m cells: every node alone in its cell. Nodes 4, 5, 6 are on the motorway and
    // node 2 meets the ramp: only 1 and 3 remain.
    let grid = optimize::candidates::grid_candidates(net, 300.0, &[]);
    let mut at: Vec<(f64, f64)> = grid
        .iter()
        .map(|c| (c.location.x(), c.location.y()))
        .collect();
    at.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(at.len(), 2, "{grid:?}");
    assert!((at[0].0 - 120.000).abs() < 1e-9 && (at[0].1 - 30.000).abs() < 1e-9);
    assert!((at[1].0 - 120.010).abs() < 1e-9 && (at[1].1 - 30.000).abs() < 1e-9);
    for c in &grid {
        let cell = c.grid_cell.as_deref().unwrap();
        assert!(cell.starts_with('G') && cell.contains('_'), "{cell}");
    }

    // Through `prepare`: named after the station 东站 at node 3 (no villages). Node 1 is
    // 0.01° of longitude west of it: 964 m → "东站西1.0公里"; node 3 is the station's spot.
    let opts = Options {
        candidates: CandidateSource::Grid(300.0),
        demand_nodes: true,
        ..Options::default()
    };
    let problem = optimize::prepare(
        &inputs,
        net,
        &prepared.index,
        &opts,
        &fireplan::progress::Silent,
    )
    .unwrap();
    let mut ids: Vec<(&str, Option<&str>)> = problem
        .candidates
        .kept
        .iter()
        .map(|(c, _)| (c.id.as_str(), c.grid_cell.as_deref()))
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].0, "东站");
    assert_eq!(ids[1].0, "东站西1.0公里");
    assert!(ids.iter().all(|(_, g)| g.is_some()));

    // A site given on the motorway is left out with the road named; one on the street
    // is kept.
    let opts = Options {
        candidates: CandidateSource::File(dir.path().join("candidates.csv"), Crs::Wgs84),
        demand_nodes: true,
        ..Options::default()
    };
    let problem = optimize::prepare(
        &inputs,
        net,
        &prepared.index,
        &opts,
        &fireplan::progress::Silent,
    )
    .unwrap();
    let kept: Vec<&str> = problem
        .candidates
        .kept
        .iter()
        .map(|(c, _)| c.id.as_str())
        .collect();
    assert_eq!(kept, vec!["ON_STREET"]);
    let (c, why) = &problem.candidates.excluded[0];
    assert_eq!(c.id, "ON_MOTORWAY");
    assert_eq!(
        why,
        &optimize::candidates::Exclusion::NotFrontable("motorway".into())
    );
    assert_eq!(
        why.describe(),
        "on a motorway road, which a station cannot front"
    );
}

/// Names say the direction and distance from the nearest place, in the scenario's
/// language, and stay unique.
#[test]
fn candidate_names_give_place_direction_and_distance() {
    use fireplan::optimize::candidates::{name_by_places, place_name, Candidate, Place};
    use geo::Point;
    let places = [
        Place {
            name: "东村".into(),
            location: Point::new(120.0, 30.0),
        },
        Place {
            name: "西村".into(),
            location: Point::new(119.9, 30.0),
        },
    ];
    // 1 km east of 东村: 1000 m / (111 195 m · cos 30°) of longitude (haversine's radius).
    let east = Point::new(
        120.0 + 1000.0 / (6_371_008.8f64.to_radians() * 30f64.to_radians().cos()),
        30.0,
    );
    assert_eq!(place_name(east, &places, false).unwrap(), "东村东1.0公里");
    assert_eq!(place_name(east, &places, true).unwrap(), "1.0 km E of 东村");
    // North-east, 2.5 km (45°): 1767.8 m north and east.
    let d = 2500.0 / 2f64.sqrt();
    let ne = Point::new(
        120.0 + d / (6_371_008.8f64.to_radians() * 30f64.to_radians().cos()),
        30.0 + d / 6_371_008.8f64.to_radians(),
    );
    assert_eq!(place_name(ne, &places, false).unwrap(), "东村东北2.5公里");
    // South-west of 西村, nearer it than 东村.
    let sw = Point::new(119.89, 29.99);
    assert!(place_name(sw, &places, false)
        .unwrap()
        .starts_with("西村西南"));
    // Within 50 m: the place itself.
    assert_eq!(
        place_name(Point::new(120.0001, 30.0), &places, false).unwrap(),
        "东村"
    );
    assert_eq!(place_name(east, &[], false), None);
    // Two sites with one name: the second gets a suffix, in the given order.
    let cand = |cell: &str, p: Point<f64>| Candidate {
        id: cell.into(),
        name: cell.into(),
        location: p,
        line: None,
        grid_cell: Some(cell.into()),
    };
    let mut list = vec![
        cand("G0_0", east),
        cand("G0_1", Point::new(east.x() + 1e-5, 30.0)),
        cand("G0_2", ne),
    ];
    name_by_places(&mut list, &places, false);
    let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["东村东1.0公里", "东村东1.0公里 #2", "东村东北2.5公里"]
    );
    assert_eq!(list[1].grid_cell.as_deref(), Some("G0_1"));
}
