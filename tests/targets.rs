//! Targets as data: the catalogue `seeds/targets.toml` (parses, every entry cites a source
//! that exists and quotes it exactly, every target of DESIGN §6 is there), the scenario's
//! `[targets]`, errors naming file / entry / field, and every metric with a passing and a
//! failing case on the hand-computed fixture `tests/data/plan` (figures worked out below).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use fireplan::io::targets::Catalogue;
use fireplan::model::target::{Metric, ScopeLevel};
use fireplan::model::{DepotLevel, StationClass};
use fireplan::params::Scenario;
use fireplan::plan::checks::{evaluate, Facts, Status};
use fireplan::plan::Finding;
use fireplan::run::RunResult;

use common::{data, quiet, root};

/// The plan fixture, run once: the hand-computed network of tests/engine.rs (threshold
/// 150 s) with vehicles, a county depot D1 at n1, the logistics station L1 at n2 and
/// district populations 西区 40,000, 东区 20,000.
fn fixture_run() -> &'static RunResult {
    static RUN: OnceLock<RunResult> = OnceLock::new();
    RUN.get_or_init(|| {
        let sc = Scenario::load(&data("plan/scenario.toml")).unwrap();
        fireplan::run::run(&sc, &quiet()).unwrap()
    })
}

/// Whitespace removed: clauses are compared with the seed text this way.
fn normalise(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

// ---------------------------------------------------------------------------------------
// The catalogue.

#[test]
fn builtin_catalogue_parses_and_every_source_exists_and_is_quoted_exactly() {
    let cat = Catalogue::builtin().unwrap();
    assert!(cat.targets.len() >= 30, "{}", cat.targets.len());
    let seeds = root().join("../shared/seeds");
    let readme = normalise(&std::fs::read_to_string(root().join("seeds/README.md")).unwrap());
    if !seeds.is_dir() {
        eprintln!("skipped the seed-file half: {} not found", seeds.display());
    }
    for t in &cat.targets {
        let doc = &t.source.document;
        assert!(
            !t.source.clause.is_empty() && !t.source.gloss.is_empty(),
            "{}",
            t.id
        );
        match doc.as_str() {
            "建标152-2017" | "GB 51080-2015" => assert!(
                readme.contains(&normalise(&t.source.clause)),
                "{}: the clause of {doc} is not among the quotations of seeds/README.md",
                t.id
            ),
            _ => {
                assert!(
                    doc.ends_with(".txt") && !doc.contains('/'),
                    "{}: source `{doc}` is neither a seed file name nor a national standard",
                    t.id
                );
                if !seeds.is_dir() {
                    continue;
                }
                let path = seeds.join(doc);
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", t.id, path.display()));
                assert!(
                    normalise(&text).contains(&normalise(&t.source.clause)),
                    "{}: clause not found in {doc}: {}",
                    t.id,
                    t.source.clause
                );
            }
        }
    }
}

#[test]
fn builtin_catalogue_has_every_target_of_design_section_6() {
    let cat = Catalogue::builtin().unwrap();
    let has = |metric: Metric, level: ScopeLevel, class: Option<StationClass>, value: f64| {
        cat.targets.iter().any(|t| {
            t.metric == metric
                && t.scope.level == level
                && class.is_none_or(|c| t.scope.station_classes.contains(&c))
                && (t.value - value).abs() < 1e-9
        })
    };
    use Metric::*;
    use ScopeLevel::*;
    use StationClass as C;
    assert!(has(DemandCoverage, District, None, 1.0));
    assert!(has(AreaCoverage, District, None, 1.0));
    for (c, v) in [
        (C::Special, 45.0),
        (C::Class1, 30.0),
        (C::Class2, 20.0),
        (C::Forward, 10.0),
        (C::Small, 10.0),
        (C::Logistics, 15.0),
    ] {
        assert!(has(Staff, Station, Some(c), v), "staff {c:?}");
    }
    for (c, v) in [
        (C::Special, 330.0),
        (C::Class1, 270.0),
        (C::Class2, 160.0),
        (C::Logistics, 490.0),
    ] {
        assert!(has(PumpFlowLps, Station, Some(c), v), "pump flow {c:?}");
    }
    assert!(has(FirefightingRatio, Station, None, 1.0));
    assert!(has(PickupTrucks, Station, None, 1.0));
    assert!(has(DroneHangars, Station, None, 1.0));
    for (c, v) in [(C::Special, 2.0), (C::Class1, 7.0), (C::Class2, 13.0)] {
        assert!(has(StationCount, Region, Some(c), v), "composition {c:?}");
    }
    for (l, v) in [
        (DepotLevel::County, 1800.0),
        (DepotLevel::City, 3600.0),
        (DepotLevel::Regional, 7200.0),
    ] {
        assert!(cat
            .targets
            .iter()
            .any(|t| t.metric == LogisticsReachS && t.scope.depot_levels == [l] && t.value == v));
    }
    for (l, v) in [
        (DepotLevel::National, 800.0),
        (DepotLevel::Regional, 400.0),
        (DepotLevel::City, 200.0),
        (DepotLevel::County, 100.0),
    ] {
        assert!(cat.targets.iter().any(|t| t.metric == DepotCapacityPersons
            && t.scope.depot_levels == [l]
            && t.value == v));
    }
    assert!(has(FirefightersPer10k, Region, None, 5.0));
    for (c, v) in [
        (C::Class1, 7.0),
        (C::Special, 7.0),
        (C::Class2, 4.0),
        (C::Small, 2.0),
        (C::Class1, 15.0),
    ] {
        assert!(
            has(FirstDueAreaKm2, Station, Some(c), v),
            "first-due {c:?} {v}"
        );
    }
    assert!(has(FirstDueWorstRoadS, Station, Some(C::Class2), 300.0));
    // Logistics stations have no first-due area: no area or 5-minute target names them.
    assert!(!cat
        .targets
        .iter()
        .any(|t| matches!(t.metric, FirstDueAreaKm2 | FirstDueWorstRoadS)
            && t.scope.station_classes.contains(&C::Logistics)));
}

/// Parses a catalogue of one inline target and returns the error text.
fn catalogue_error(target: &str) -> String {
    let text = format!("[sets]\nt = \"test\"\n\n[[target]]\n{target}");
    match Catalogue::parse(&text, Path::new("bad_targets.toml")) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const SOURCE: &str =
    "source = { document = \"x.txt\", clause = \"二级站不少于20人\", gloss = \"class 2: 20\" }";

#[test]
fn unknown_metric_names_the_file_the_entry_and_the_field() {
    let e = catalogue_error(&format!(
        "id = \"a\"\nset = \"t\"\nmetric = \"demand_coverge\"\ncomparator = \">=\"\nvalue = 1\n\
         scope = {{ level = \"region\" }}\n{SOURCE}\n"
    ));
    assert!(e.contains("bad_targets.toml"), "{e}");
    assert!(e.contains("target[1] (line 4, id a)"), "{e}");
    assert!(e.contains("field `metric`"), "{e}");
    assert!(e.contains("unknown metric `demand_coverge`"), "{e}");
    assert!(e.contains("did you mean `demand_coverage`"), "{e}");
}

#[test]
fn bad_catalogue_entries_are_refused_with_their_field() {
    let entry = |metric: &str, scope: &str, extra: &str| {
        format!(
            "id = \"a\"\nset = \"t\"\nmetric = \"{metric}\"\ncomparator = \">=\"\nvalue = 1\n\
             scope = {scope}\n{SOURCE}\n{extra}"
        )
    };
    let cases = [
        (
            entry("staff", "{ level = \"district\" }", ""),
            "field `level`: metric `staff` is measured per station, not per district",
        ),
        (
            entry("logistics_reach_s", "{ level = \"station\" }", ""),
            "field `depot_level`",
        ),
        (
            entry(
                "staff",
                "{ level = \"station\", station_class = [\"class3\"] }",
                "",
            ),
            "unknown station class `class3`",
        ),
        (
            entry(
                "demand_coverage",
                "{ level = \"district\", district_kind = [\"town\"] }",
                "",
            ),
            "field `district_kind`: unknown district kind `town`",
        ),
        (
            entry("staff", "{ level = \"station\" }", "colour = \"red\"\n"),
            "field `colour`: unknown key `colour`",
        ),
        (
            entry("staff", "{ level = \"station\" }", "").replace("set = \"t\"", "set = \"nope\""),
            "field `set`: unknown set `nope`",
        ),
        (
            entry("staff", "{ level = \"station\" }", "").replace(">=", "=>"),
            "field `comparator`: unknown comparator `=>`",
        ),
        (
            entry("staff", "{ level = \"station\" }", "").replace(SOURCE, ""),
            "field `source`: missing",
        ),
        (
            entry("staff", "{ level = \"station\" }", "").replace("id = \"a\"", "id = \"Staff-A\""),
            "field `id`",
        ),
        (
            entry("staff", "{ level = \"station\" }", "").replace("value = 1", "value = \"20\""),
            "field `value`: expected a number, got a string",
        ),
    ];
    for (text, want) in cases {
        let e = catalogue_error(&text);
        assert!(e.contains(want), "want `{want}` in: {e}");
        assert!(
            e.contains("bad_targets.toml") && e.contains("target[1]"),
            "{e}"
        );
    }
    let dup = format!(
        "[sets]\nt = \"test\"\n[[target]]\n{0}[[target]]\n{0}",
        entry("staff", "{ level = \"station\" }", "")
    );
    let e = Catalogue::parse(&dup, Path::new("dup.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("target[2]") && e.contains("duplicate target id `a`"),
        "{e}"
    );
}

fn scenario_with(targets: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(data("cli/scenario.toml")).unwrap() + targets;
    Scenario::from_toml(&text, &data("cli/scenario.toml")).map_err(|e| e.to_string())
}

#[test]
fn scenario_chooses_sets_overrides_values_and_adds_local_targets() {
    // Without [targets]: every built-in target.
    let all = scenario_with("").unwrap();
    assert_eq!(
        all.targets.targets.len(),
        Catalogue::builtin().unwrap().targets.len()
    );
    let sc = scenario_with(
        "\n[targets]\nuse = [\"keqiao\"]\nskip = [\"drone_hangar\"]\npopulation = 60000\n\
         [targets.override]\ndemand_coverage_urban = 0.9\n\
         [[targets.add]]\nid = \"p90_urban\"\nmetric = \"p90_s\"\ncomparator = \"<=\"\nvalue = 300\n\
         scope = { level = \"district\", district_kind = [\"urban\"] }\n",
    )
    .unwrap();
    let t = &sc.targets;
    assert_eq!(t.sets, ["keqiao"]);
    assert!(t
        .targets
        .iter()
        .all(|x| &*x.set == "keqiao" || &*x.set == "local"));
    assert!(!t.targets.iter().any(|x| &*x.id == "drone_hangar"));
    let urban = t
        .targets
        .iter()
        .find(|x| &*x.id == "demand_coverage_urban")
        .unwrap();
    assert_eq!(urban.value, 0.9);
    assert_eq!(
        t.overridden,
        [("demand_coverage_urban".to_string(), 1.0, 0.9)]
    );
    let local = t.targets.iter().find(|x| &*x.id == "p90_urban").unwrap();
    assert_eq!(
        (local.metric, local.value, local.mandatory),
        (Metric::P90S, 300.0, true)
    );
    assert_eq!(local.source.document, "scenario.toml");
    assert_eq!(t.population, Some(60000.0));
}

#[test]
fn scenario_targets_errors_name_the_key() {
    let cases = [
        (
            "\n[targets]\n[targets.override]\ndemand_coverage_urbn = 0.9\n",
            "key `targets.override.demand_coverage_urbn`",
        ),
        (
            "\n[targets]\nuse = [\"kqiao\"]\n",
            "unknown target set `kqiao`",
        ),
        (
            "\n[targets]\nuse = [\"zhejiang\"]\n[targets.override]\ndemand_coverage_urban = 0.9\n",
            "is not checked",
        ),
        ("\n[targets]\nskip = [\"nope\"]\n", "key `targets.skip`"),
        ("\n[targets]\nfiel = \"x.toml\"\n", "did you mean `file`"),
        (
            "\n[targets]\n[[targets.add]]\nid = \"x\"\nmetric = \"speed\"\ncomparator = \">=\"\n\
             value = 1\nscope = { level = \"region\" }\n",
            "targets.add[1] (id x)",
        ),
        (
            "\n[targets]\n[[targets.add]]\nid = \"staff_class2\"\nmetric = \"staff\"\n\
             comparator = \">=\"\nvalue = 1\nscope = { level = \"station\" }\n",
            "already used by the catalogue",
        ),
        ("\n[targets]\npopulation = -5\n", "key `targets.population`"),
    ];
    for (text, want) in cases {
        let e = scenario_with(text).unwrap_err();
        assert!(
            e.contains("scenario.toml") && e.contains(want),
            "want `{want}` in: {e}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Every metric: a passing and a failing case on the fixture.

/// Evaluates one target on the fixture run and returns its findings.
fn findings(metric: &str, scope: &str, comparator: &str, value: f64) -> Vec<Finding> {
    let text = format!(
        "[sets]\nt = \"test\"\n[[target]]\nid = \"x\"\nset = \"t\"\nmetric = \"{metric}\"\n\
         comparator = \"{comparator}\"\nvalue = {value:?}\nscope = {scope}\n{SOURCE}\n"
    );
    let cat = Catalogue::parse(&text, Path::new("inline.toml")).unwrap();
    let run = fixture_run();
    let pop = fireplan::plan::population(&run.inputs.scenario, &run.inputs.districts);
    evaluate(
        &cat.targets,
        &Facts {
            stations: &run.inputs.stations,
            vehicles_given: true,
            districts: &run.inputs.districts,
            coverage: &run.coverage,
            demand_given: true,
            population: &pop,
            supply: run.supply.as_ref(),
            depots: run.inputs.depots.as_deref().unwrap_or(&[]),
        },
    )
    .findings
}

/// The finding on `subject`: (status, measured).
fn on(fs: &[Finding], subject: &str) -> (Status, Option<f64>) {
    let f = fs
        .iter()
        .find(|f| f.subject == subject)
        .unwrap_or_else(|| panic!("no finding on {subject}: {fs:#?}"));
    (f.status, f.measured)
}

/// `metric` on `subject` passes at `pass` and fails at `fail`, and measures `measured`.
fn check(
    metric: &str,
    scope: &str,
    comparator: &str,
    subject: &str,
    measured: f64,
    pass: f64,
    fail: f64,
) {
    let ok = findings(metric, scope, comparator, pass);
    let (status, got) = on(&ok, subject);
    let got = got.unwrap_or(f64::NAN);
    assert!(
        (got - measured).abs() < 1e-3,
        "{metric} on {subject}: measured {got}, want {measured}"
    );
    assert_eq!(
        status,
        Status::Pass,
        "{metric} {comparator} {pass} on {subject}"
    );
    let bad = findings(metric, scope, comparator, fail);
    assert_eq!(
        on(&bad, subject).0,
        Status::Fail,
        "{metric} {comparator} {fail} on {subject}"
    );
}

const STATION: &str = "{ level = \"station\" }";
const DISTRICT: &str = "{ level = \"district\" }";
const REGION: &str = "{ level = \"region\" }";

#[test]
fn station_targets_pass_and_fail() {
    // Staff from the stations file: S1 30, S2 18.
    check("staff", STATION, ">=", "S1", 30.0, 30.0, 31.0);
    // S1: engines 2 × 60 + tanker 60 + aerial 40 + pickup 10 = 230 L/s.
    check("pump_flow_lps", STATION, ">=", "S1", 230.0, 230.0, 270.0);
    check("pickup_trucks", STATION, ">=", "S1", 1.0, 1.0, 2.0);
    check("drone_hangars", STATION, ">=", "S1", 1.0, 1.0, 2.0);
    // S2: engine + tanker fire-fighting, rescue + command other → 2 : 2.
    check("firefighting_ratio", STATION, ">=", "S2", 1.0, 1.0, 1.01);
    // S1 reaches n0–n1 and n1–n2 first; its slowest road point is 168 s (tests/cli.rs).
    check(
        "first_due_worst_road_s",
        STATION,
        "<=",
        "S1",
        168.0,
        168.0,
        150.0,
    );
    // Logistics speeds (× 0.85): primary 42.5, residential 21.25, secondary 38.25 km/h.
    // S1 at n0 ← D1 at n1: 1000 m / 42.5 km/h = 84.706 s; S2 at n3 ← L1 at n2: 2000 m /
    // 38.25 km/h = 188.235 s.
    let county = "{ level = \"station\", depot_level = [\"county\"] }";
    check("logistics_reach_s", county, "<=", "S1", 84.706, 150.0, 80.0);
    check(
        "logistics_reach_s",
        county,
        "<=",
        "S2",
        188.235,
        190.0,
        150.0,
    );

    // Missing data fails with the reason: S2's drone cell is empty, L1 has drone = 0.
    let drones = findings("drone_hangars", STATION, ">=", 1.0);
    assert_eq!(on(&drones, "S2"), (Status::Fail, None));
    assert!(drones
        .iter()
        .any(|f| f.subject == "S2" && f.reason.contains("not recorded")));
    assert_eq!(on(&drones, "L1"), (Status::Fail, Some(0.0)));
    // L1: water supply 1 fire-fighting : support 2 other.
    let ratio = findings("firefighting_ratio", STATION, ">=", 1.0);
    assert_eq!(on(&ratio, "L1"), (Status::Fail, Some(0.5)));
    // The first-due area is the one coverage computes (S1's cells), and L1 has none.
    let fd = findings("first_due_area_km2", STATION, "<=", 100.0);
    let run = fixture_run();
    let s1 = run
        .inputs
        .stations
        .iter()
        .position(|s| s.id == "S1")
        .unwrap();
    let fireplan::coverage::Placement::Origin(o) = run.coverage.placement[s1] else {
        panic!("S1 not placed")
    };
    let area = run.coverage.first_due[o as usize].area_km2;
    assert!(area > 0.5);
    assert_eq!(on(&fd, "S1"), (Status::Pass, Some(area)));
    assert_eq!(on(&fd, "L1").0, Status::NotApplicable);
    assert_eq!(
        on(
            &findings("first_due_area_km2", STATION, "<=", area - 0.01),
            "S1"
        )
        .0,
        Status::Fail
    );
}

#[test]
fn station_scope_by_class_and_district_kind() {
    // S1 stands in 西区 (urban), S2 and L1 in 东区 (suburban).
    let fs = findings(
        "staff",
        "{ level = \"station\", district_kind = [\"suburban\"] }",
        ">=",
        20.0,
    );
    let subjects: Vec<&str> = fs.iter().map(|f| f.subject.as_str()).collect();
    assert_eq!(subjects, ["S2", "L1"]);
    assert_eq!(on(&fs, "S2").0, Status::Fail);
    let fs = findings(
        "staff",
        "{ level = \"station\", station_class = [\"special\"] }",
        ">=",
        45.0,
    );
    assert_eq!(fs.len(), 1);
    assert_eq!(
        (fs[0].subject_kind.as_str(), fs[0].status),
        ("target", Status::NotApplicable)
    );
}

#[test]
fn district_and_region_targets_pass_and_fail() {
    // 4 points of weight 5; far_away (weight 1) is off the network: 4 / 5 within 150 s.
    check("demand_coverage", REGION, ">=", "region", 0.8, 0.8, 0.81);
    check(
        "second_due_coverage",
        REGION,
        ">=",
        "region",
        0.8,
        0.8,
        0.81,
    );
    check("p50_s", REGION, "<=", "region", 132.0, 132.0, 131.0);
    check("max_s", REGION, "<=", "region", 140.0, 140.0, 139.0);
    check("unreachable_demand", REGION, "<=", "region", 1.0, 1.0, 0.0);
    // 东区 roads: 250 + 1350 + 500 of 3000 m covered (tests/cli.rs).
    check("road_coverage", DISTRICT, ">=", "东区", 0.7, 0.7, 0.71);
    check("demand_coverage", DISTRICT, ">=", "东区", 1.0, 1.0, 1.01);
    let run = fixture_run();
    let area = run.coverage.region.area_coverage.unwrap();
    check(
        "area_coverage",
        REGION,
        ">=",
        "region",
        area,
        area,
        area + 0.01,
    );
    // p90 needs 90 % of the weight reached; 20 % is off the network: a failure, said so.
    let p90 = findings("p90_s", REGION, "<=", 300.0);
    assert_eq!(on(&p90, "region"), (Status::Fail, None));
    assert!(p90[0].reason.contains("not reached"), "{}", p90[0].reason);
    // Composition: one class-1 station.
    check(
        "station_count",
        "{ level = \"region\", station_class = [\"class1\"] }",
        ">=",
        "region",
        1.0,
        1.0,
        2.0,
    );
    // Fleet: 5 + 2 + 1 fire-fighting : 1 + 2 + 2 other = 1.6.
    check("firefighting_ratio", REGION, ">=", "region", 1.6, 1.6, 1.7);
    // Staff 30 + 18 + 15 = 63 for 60,000 residents = 10.5 per 10,000; 西区: S1's 30 for
    // 40,000 = 7.5; 东区: 18 + 15 for 20,000 = 16.5.
    check(
        "firefighters_per_10k",
        REGION,
        ">=",
        "region",
        10.5,
        10.5,
        11.0,
    );
    check(
        "firefighters_per_10k",
        DISTRICT,
        ">=",
        "西区",
        7.5,
        7.5,
        8.0,
    );
    check(
        "firefighters_per_10k",
        DISTRICT,
        ">=",
        "东区",
        16.5,
        16.5,
        17.0,
    );
    // District worst place at county level: 西区's only point is at D1 (0 s); 东区's worst is
    // south_of_n3: L1 at n2 → n3 188.235 s + 100 m access at 15 km/h (24 s) = 212.235 s.
    let county = "{ level = \"district\", depot_level = [\"county\"] }";
    check("logistics_reach_s", county, "<=", "西区", 0.0, 1.0, -1.0);
    check(
        "logistics_reach_s",
        county,
        "<=",
        "东区",
        212.235,
        213.0,
        212.0,
    );
    // District kind filter.
    let urban = findings(
        "demand_coverage",
        "{ level = \"district\", district_kind = [\"urban\"] }",
        ">=",
        1.0,
    );
    assert_eq!(urban.len(), 1);
    assert_eq!(urban[0].subject, "西区");
}

#[test]
fn depot_targets_pass_and_fail() {
    // D1 declares 100 persons; L1 (a logistics station, county level) declares none.
    let county = "{ level = \"depot\", depot_level = [\"county\"] }";
    check(
        "depot_capacity_persons",
        county,
        ">=",
        "D1",
        100.0,
        100.0,
        150.0,
    );
    let fs = findings("depot_capacity_persons", county, ">=", 100.0);
    assert_eq!(on(&fs, "L1").0, Status::NotApplicable);
    // Assigned to the nearest county point: S1 (30) → D1, S2 (18) → L1; capacity 100 each
    // (L1 takes the county default).
    check("depot_load_share", county, "<=", "D1", 0.3, 0.3, 0.29);
    check("depot_load_share", county, "<=", "L1", 0.18, 0.18, 0.17);
}

#[test]
fn targets_without_their_inputs_are_not_applicable() {
    // tests/data/cli has no vehicles, no depots, no population.
    let sc = Scenario::load(&data("cli/scenario.toml")).unwrap();
    let run = fireplan::run::run(&sc, &quiet()).unwrap();
    let na = |id: &str| {
        let fs: Vec<_> = run
            .checks
            .findings
            .iter()
            .filter(|f| &*f.target == id)
            .collect();
        assert!(!fs.is_empty(), "{id}");
        fs.iter().all(|f| f.status == Status::NotApplicable)
    };
    for id in [
        "pump_flow_class1",
        "pickup_truck",
        "firefighting_ratio_fleet",
        "firefighters_per_10k",
        "depot_capacity_county",
        "depot_load",
        "logistics_reach_county_stations",
        "logistics_reach_city_districts",
    ] {
        assert!(na(id), "{id} should be not applicable");
    }
    // Every target has at least one finding.
    for t in &run.checks.targets {
        assert!(
            run.checks.findings.iter().any(|f| f.target == t.id),
            "{}",
            t.id
        );
    }
}
