//! Targets as data: the catalogue `seeds/targets.toml` (parses, every entry cites a source
//! that exists and quotes it exactly, every target of DESIGN §6 is there), the scenario's
//! `[targets]`, errors naming file / entry / field, and every metric with a passing and a
//! failing case on the hand-computed fixture `tests/data/plan` (figures worked out below).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use std::collections::BTreeMap;

use fireplan::io::targets::Catalogue;
use fireplan::model::target::{Comparator, Force, Metric, ScopeLevel};
use fireplan::model::{DepotLevel, PlanningArea, StationClass};
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
        assert!(!t.source.gloss.is_empty(), "{}", t.id);
        if doc == "derived" {
            // A check no clause states: advisory, never mandatory (DESIGN §6).
            assert_eq!(t.force, Force::Advisory, "{}", t.id);
            continue;
        }
        assert!(!t.source.clause.is_empty(), "{}", t.id);
        // Cited by the document's title, not its file name (issue 14, item 12).
        let title = t
            .source
            .title
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no title", t.id));
        assert!(t.source.citation().starts_with(title), "{}", t.id);
        assert!(!t.source.citation().contains(".txt"), "{}", t.id);
        match doc.as_str() {
            "建标152-2017" | "GB 51080-2015" | "GB 50974-2014" => assert!(
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
    assert!(has(PickupTrucks, Station, None, 1.0));
    assert!(has(DroneHangars, Station, None, 1.0));
    for (c, v) in [(C::Special, 2.0), (C::Class1, 9.0), (C::Class2, 22.0)] {
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
        assert!(cat
            .targets
            .iter()
            .any(|t| t.metric == LogisticsCapabilityPersons
                && t.scope.depot_levels == [l]
                && t.value == v
                && t.mandatory()));
    }
    assert!(has(FirefightersPer10k, Region, None, 5.0));
    for (figure, v) in [
        ("special_disaster_centre_staff", 10.0),
        ("district_command_centre_staff", 20.0),
        ("town_command_centre_staff", 6.0),
        ("brigade_command_centre_staff_independent", 10.0),
        ("brigade_command_centre_staff_dependent", 6.0),
        ("fire_deaths_per_100k", 0.047),
        ("fire_safety_awareness_pct", 90.0),
    ] {
        assert!(
            cat.targets.iter().any(|t| t.metric == Declared
                && t.figure.as_deref() == Some(figure)
                && t.value == v
                && t.mandatory()),
            "{figure}"
        );
    }
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
    scenario_in(None, targets)
}

/// The CLI fixture's scenario with `region` (a top-level key, so first) and `targets`.
fn scenario_in(region: Option<&str>, targets: &str) -> Result<Scenario, String> {
    let base = std::fs::read_to_string(data("cli/scenario.toml")).unwrap();
    let text = match region {
        Some(r) => format!("region = \"{r}\"\n{base}{targets}"),
        None => base + targets,
    };
    Scenario::from_toml(&text, &data("cli/scenario.toml")).map_err(|e| e.to_string())
}

/// The sets a scenario of `region` checks.
fn applied_sets(region: Option<&str>) -> Vec<String> {
    scenario_in(region, "").unwrap().targets.sets
}

#[test]
fn scope_follows_the_issuer() {
    // Issue 14, item 6: national standards everywhere; a province's plan in that province
    // (and the districts within it); a district's opinions in that district only.
    assert_eq!(applied_sets(None), ["national-standard"]);
    assert_eq!(
        applied_sets(Some("keqiao")),
        ["keqiao", "national-standard", "zhejiang"]
    );
    assert_eq!(
        applied_sets(Some("shaoxing")),
        ["national-standard", "zhejiang"]
    );
    assert_eq!(
        applied_sets(Some("zhejiang")),
        ["national-standard", "zhejiang"]
    );
    assert_eq!(
        applied_sets(Some("shanxi")),
        ["national-standard", "shanxi"]
    );
    // The report says why for every set, applied or not.
    let sc = scenario_in(Some("shanxi"), "").unwrap();
    let keqiao = sc
        .targets
        .set_choices
        .iter()
        .find(|c| c.set == "keqiao")
        .unwrap();
    assert!(!keqiao.applied);
    assert!(
        keqiao.why.contains("绍兴市柯桥区") && keqiao.why.contains("山西省"),
        "{}",
        keqiao.why
    );
    assert_eq!(sc.targets.region, Some(("shanxi".into(), "山西省".into())));
    // No Keqiao station count or staffing target judges a region-less scenario.
    let none = scenario_in(None, "").unwrap();
    assert!(none
        .targets
        .targets
        .iter()
        .all(|t| &*t.set == "national-standard"));
    // An unknown region is refused with the key and a suggestion.
    let e = scenario_in(Some("keqaio"), "").unwrap_err();
    assert!(
        e.contains("key `region`")
            && e.contains("unknown region `keqaio`")
            && e.contains("did you mean `keqiao`"),
        "{e}"
    );
    // A set chosen outside its issuer's region is checked, its mandatory targets as goals.
    let sc = scenario_in(
        Some("zhejiang"),
        "\n[targets]\nuse = [\"shanxi\", \"zhejiang\"]\n",
    )
    .unwrap();
    assert_eq!(sc.targets.sets, ["shanxi", "zhejiang"]);
    let shanxi = sc
        .targets
        .set_choices
        .iter()
        .find(|c| c.set == "shanxi")
        .unwrap();
    assert!(shanxi.applied && shanxi.as_goals, "{shanxi:?}");
    let force_of = |id: &str| {
        let t = sc.targets.targets.iter().find(|t| &*t.id == id);
        t.map(|t| t.force)
    };
    assert_eq!(force_of("no_blank_spots"), Some(Force::Goal));
    assert_eq!(force_of("pump_flow_class1"), Some(Force::Mandatory));
}

#[test]
fn region_less_real_scenarios_get_the_national_standards_only() {
    for name in ["liechtenstein", "baltimore", "helsinki", "camden"] {
        let path = root().join(format!("scenarios/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("\nregion"), "{name} names a region");
        match Scenario::from_toml(&text, &path) {
            Ok(sc) => assert_eq!(sc.targets.sets, ["national-standard"], "{name}"),
            Err(e) => eprintln!("{name}: skipped ({e})"),
        }
    }
    let demo = Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    assert_eq!(
        demo.targets.region.as_ref().map(|r| r.0.as_str()),
        Some("keqiao")
    );
}

#[test]
fn scenario_chooses_sets_overrides_values_and_adds_local_targets() {
    // Without [targets]: every built-in target of the sets that bind the region.
    let all = scenario_in(Some("keqiao"), "").unwrap();
    let cat = Catalogue::builtin().unwrap();
    assert_eq!(
        all.targets.targets.len(),
        cat.targets.iter().filter(|t| &*t.set != "shanxi").count()
    );
    let sc = scenario_in(Some("keqiao"), 
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
        (local.metric, local.value, local.force),
        (Metric::P90S, 300.0, Force::Mandatory)
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
    findings_with(metric, scope, comparator, value, &With::default())
}

/// What a test changes of the fixture's facts.
#[derive(Default)]
struct With<'a> {
    /// Extra keys of the target entry (`figure = "..."`).
    extra: &'a str,
    /// Stations instead of the fixture's (region- and area-level targets only).
    stations: Option<&'a [fireplan::model::Station]>,
    areas: Option<&'a [PlanningArea]>,
    figures: fireplan::params::targets::Figures,
}

fn findings_with(
    metric: &str,
    scope: &str,
    comparator: &str,
    value: f64,
    w: &With,
) -> Vec<Finding> {
    let text = format!(
        "[sets]\nt = \"test\"\n[[target]]\nid = \"x\"\nset = \"t\"\nmetric = \"{metric}\"\n\
         comparator = \"{comparator}\"\nvalue = {value:?}\nscope = {scope}\n{SOURCE}\n{}\n",
        w.extra
    );
    let cat = Catalogue::parse(&text, Path::new("inline.toml")).unwrap();
    let run = fixture_run();
    let pop = fireplan::plan::population(&run.inputs.scenario, &run.inputs.districts);
    evaluate(
        &cat.targets,
        &Facts {
            stations: w.stations.unwrap_or(&run.inputs.stations),
            vehicles_given: true,
            districts: &run.inputs.districts,
            coverage: &run.coverage,
            demand_given: true,
            population: &pop,
            supply: run.supply.as_ref(),
            depots: run.inputs.depots.as_deref().unwrap_or(&[]),
            areas: w.areas,
            water: None,
            figures: &w.figures,
            villages: None,
            village_forces: &[],
        },
    )
    .findings
}

/// S1's first-due area on the fixture.
fn s1_first_due() -> &'static fireplan::coverage::FirstDueArea {
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
    &run.coverage.first_due[o as usize]
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

    // Missing data is no data, with the reason (issue 14, item 11): S2's drone cell is
    // empty; L1 has drone = 0, a failure.
    let drones = findings("drone_hangars", STATION, ">=", 1.0);
    assert_eq!(on(&drones, "S2"), (Status::NoData, None));
    assert!(drones
        .iter()
        .any(|f| f.subject == "S2" && f.reason.contains("not recorded")));
    assert_eq!(on(&drones, "L1"), (Status::Fail, Some(0.0)));
    // L1: water supply 1 fire-fighting : support 2 other.
    let ratio = findings("firefighting_ratio", STATION, ">=", 1.0);
    assert_eq!(on(&ratio, "L1"), (Status::Fail, Some(0.5)));
    // The first-due area is the one coverage computes (S1's cells), and L1 has none.
    let fd = findings("first_due_area_km2", STATION, "<=", 100.0);
    let area = s1_first_due().area_km2;
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
    // Fleet: 5 + 2 + 1 fire-fighting : 1 + 2 + 2 other = 1.6; the seed-000 reading is
    // fire-fighting ÷ other ≤ 1 (issue 14, item 1), so the fixture's fleet fails it.
    check("firefighting_ratio", REGION, "<=", "region", 1.6, 1.6, 1.0);
    // Full-time firefighters: S1 30 + S2 18 = 48 (L1's 15 are logistics staff, not
    // counted: issue 14, item 9) for 60,000 residents = 8.0 per 10,000; 西区: S1's 30 for
    // 40,000 = 7.5; 东区: S2's 18 for 20,000 = 9.0.
    check(
        "firefighters_per_10k",
        REGION,
        ">=",
        "region",
        8.0,
        8.0,
        8.5,
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
        9.0,
        9.0,
        9.5,
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
    // D1 (a reserve depot) declares 100 persons; L1 (a county-level logistics-support
    // station) declares a capability of 90.
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
    assert!(!fs.iter().any(|f| f.subject == "L1"), "{fs:#?}");
    // Seed 000 专栏8 speaks of logistics-support stations: L1 is the subject, the reserve
    // depot D1 is not (issue 14, item 3); 90 < 100 fails.
    check(
        "logistics_capability_persons",
        county,
        ">=",
        "L1",
        90.0,
        90.0,
        100.0,
    );
    let fs = findings("logistics_capability_persons", county, ">=", 100.0);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    // Assigned to the nearest county point: S1 (30) → D1 (100), S2 (18) → L1 (90).
    check("depot_load_share", county, "<=", "D1", 0.3, 0.3, 0.29);
    check("depot_load_share", county, "<=", "L1", 0.2, 0.2, 0.19);
}

#[test]
fn targets_without_their_inputs_have_no_data() {
    // tests/data/cli has no vehicles, no depots, no population, no areas, no figures:
    // "no data", neither a pass nor a failure (issue 14, item 11).
    for (region, ids) in [
        (
            "keqiao",
            &[
                "pump_flow_class1",
                "pickup_truck",
                "firefighting_ratio_fleet",
                "firefighters_per_10k",
                "logistics_capability_county",
                "depot_load",
                "forward_station_areas",
                "district_command_centre_staff",
                "fire_deaths_per_100k",
            ][..],
        ),
        (
            "shanxi",
            &[
                "logistics_reach_county_stations",
                "logistics_reach_city_districts",
                "no_blank_spots",
            ][..],
        ),
    ] {
        let sc = scenario_in(Some(region), "").unwrap();
        let run = fireplan::run::run(&sc, &quiet()).unwrap();
        for id in ids {
            let fs: Vec<_> = run
                .checks
                .findings
                .iter()
                .filter(|f| &*f.target == *id)
                .collect();
            assert!(!fs.is_empty(), "{id}");
            assert!(
                fs.iter().all(|f| f.status == Status::NoData),
                "{id} should have no data: {fs:#?}"
            );
        }
        assert_eq!(run.checks.summary().no_data, run.checks.counts().no_data);
        // Every target has at least one finding.
        for t in &run.checks.targets {
            assert!(
                run.checks.findings.iter().any(|f| f.target == t.id),
                "{}",
                t.id
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The readings of issue 14, each against the documents' words.

/// The built-in target `id`.
fn builtin(id: &str) -> fireplan::model::target::Target {
    Catalogue::builtin()
        .unwrap()
        .targets
        .into_iter()
        .find(|t| &*t.id == id)
        .unwrap_or_else(|| panic!("no built-in target {id}"))
}

#[test]
fn firefighting_ratio_is_a_fleet_figure_at_most_one() {
    // Item 1: seed 000 raises the share of other vehicles until 1 : 1.
    let t = builtin("firefighting_ratio_fleet");
    assert_eq!(
        (t.comparator, t.value, t.scope.level, t.force),
        (
            Comparator::AtMost,
            1.0,
            ScopeLevel::Region,
            Force::Mandatory
        )
    );
    let cat = Catalogue::builtin().unwrap();
    assert!(!cat
        .targets
        .iter()
        .any(|t| t.metric == Metric::FirefightingRatio && t.scope.level == ScopeLevel::Station));
}

#[test]
fn derived_checks_are_advisory_only() {
    // Item 2: no clause states Σ staff ≤ capability.
    let t = builtin("depot_load");
    assert_eq!(
        (t.force, t.source.document.as_str()),
        (Force::Advisory, "derived")
    );
    let text = "[sets]\nt = \"test\"\n[[target]]\nid = \"a\"\nset = \"t\"\n\
                metric = \"depot_load_share\"\ncomparator = \"<=\"\nvalue = 1\n\
                scope = { level = \"depot\" }\nforce = \"mandatory\"\n\
                source = { document = \"derived\", gloss = \"x\" }\n";
    let e = Catalogue::parse(text, Path::new("t.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("field `force`") && e.contains("advisory"), "{e}");
    // An advisory that fails is neither a mandatory failure nor a goal shortfall.
    let fs = findings_with(
        "depot_load_share",
        "{ level = \"depot\", depot_level = [\"county\"] }",
        "<=",
        0.1,
        &With {
            extra: "",
            ..With::default()
        },
    );
    assert!(fs.iter().any(|f| f.status == Status::Fail));
}

#[test]
fn goals_are_shortfalls_not_failures() {
    // Item 5: 逐步实现, 以…为目标, 预期性 are goals.
    for id in [
        "demand_coverage_urban",
        "area_coverage_urban",
        "logistics_reach_county_stations",
        "logistics_reach_city_districts",
        "logistics_reach_province_stations",
        "firefighters_per_10k",
        "demand_coverage_all_districts",
        "station_count_class2",
    ] {
        assert_eq!(builtin(id).force, Force::Goal, "{id}");
    }
    // A failing goal leaves the mandatory tally at zero and reports the gap.
    let text = format!(
        "[sets]\nt = \"test\"\n[[target]]\nid = \"g\"\nset = \"t\"\nmetric = \"demand_coverage\"\n\
         comparator = \">=\"\nvalue = 0.95\nscope = {{ level = \"region\" }}\nforce = \"goal\"\n{SOURCE}\n"
    );
    let cat = Catalogue::parse(&text, Path::new("g.toml")).unwrap();
    let run = fixture_run();
    let pop = fireplan::plan::population(&run.inputs.scenario, &run.inputs.districts);
    let checks = evaluate(
        &cat.targets,
        &Facts {
            stations: &run.inputs.stations,
            vehicles_given: true,
            districts: &run.inputs.districts,
            coverage: &run.coverage,
            demand_given: true,
            population: &pop,
            supply: run.supply.as_ref(),
            depots: &[],
            areas: None,
            water: None,
            figures: &BTreeMap::new(),
            villages: None,
            village_forces: &[],
        },
    );
    let summary = checks.summary();
    assert_eq!(
        (
            summary.fail,
            summary.mandatory_failures,
            summary.goal_shortfalls
        ),
        (1, 0, 1)
    );
    assert!(summary.mandatory_ok);
    // 80 % against 95 %: 15 points short.
    assert!((checks.findings[0].shortfall().unwrap() - 0.15).abs() < 1e-9);
}

#[test]
fn a_higher_class_counts_toward_a_lower_class_quota() {
    // Item 7: 2 special + 7 class-1 + 13 class-2, cumulative.
    let run = fixture_run();
    let make = |special: usize, class1: usize, class2: usize| {
        let s1 = run.inputs.stations.iter().find(|s| s.id == "S1").unwrap();
        let mut out = Vec::new();
        for (class, n) in [
            (StationClass::Special, special),
            (StationClass::Class1, class1),
            (StationClass::Class2, class2),
        ] {
            for k in 0..n {
                let mut s = s1.clone();
                s.id = format!("{}{k}", class.as_str());
                s.class = class;
                out.push(s);
            }
        }
        out
    };
    let statuses = |stations: &[fireplan::model::Station]| -> Vec<Status> {
        [
            "station_count_special",
            "station_count_class1",
            "station_count_class2",
        ]
        .iter()
        .map(|id| {
            let t = builtin(id);
            let classes: Vec<&str> = t.scope.station_classes.iter().map(|c| c.as_str()).collect();
            let scope = format!(
                "{{ level = \"region\", station_class = [\"{}\"] }}",
                classes.join("\", \"")
            );
            let fs = findings_with(
                "station_count",
                &scope,
                ">=",
                t.value,
                &With {
                    stations: Some(stations),
                    ..With::default()
                },
            );
            fs[0].status
        })
        .collect()
    };
    use Status::{Fail, Pass};
    assert_eq!(statuses(&make(2, 7, 13)), [Pass, Pass, Pass]);
    // Upgrading a class-2 station to class 1 keeps the class-2 quota met.
    assert_eq!(statuses(&make(2, 8, 12)), [Pass, Pass, Pass]);
    // Upgrading a class-1 station to special too.
    assert_eq!(statuses(&make(3, 6, 13)), [Pass, Pass, Pass]);
    // Downgrading one is a shortfall at the class it left.
    assert_eq!(statuses(&make(2, 6, 14)), [Pass, Fail, Pass]);
    assert_eq!(statuses(&make(1, 8, 13)), [Fail, Pass, Pass]);
}

#[test]
fn staffing_follows_the_clause_classes() {
    // Item 8: 前置站不少于10人 names forward stations; small stations have no seed figure.
    assert_eq!(
        builtin("staff_forward").scope.station_classes,
        [StationClass::Forward]
    );
    let cat = Catalogue::builtin().unwrap();
    assert!(!cat.targets.iter().any(
        |t| t.metric == Metric::Staff && t.scope.station_classes.contains(&StationClass::Small)
    ));
}

#[test]
fn first_due_rules_measure_the_part_they_cover() {
    // Item 10: the rules speak of ordinary stations within urban construction land; the
    // worst time and the area are measured over that part of the first-due area.
    let five = builtin("first_due_five_minutes");
    assert_eq!(
        five.scope.district_kinds,
        [fireplan::model::DistrictKind::Urban]
    );
    for c in [StationClass::Forward, StationClass::Logistics] {
        assert!(!five.scope.station_classes.contains(&c));
    }
    assert_eq!(
        builtin("first_due_area_small").scope.district_kinds,
        [fireplan::model::DistrictKind::Urban]
    );
    assert!(builtin("first_due_area_suburban")
        .scope
        .station_classes
        .contains(&StationClass::Small));
    // On the fixture, S1 stands in 西区 (urban) and its first-due area reaches into 东区
    // (suburban): the urban part is measured, and the parts add up to the whole.
    let fd = s1_first_due();
    let parts: f64 = fd.by_kind.iter().map(|p| p.area_km2).sum();
    assert!(
        (parts - fd.area_km2).abs() < 1e-9,
        "{parts} vs {}",
        fd.area_km2
    );
    let road: f64 = fd.by_kind.iter().map(|p| p.road_km).sum();
    assert!((road - fd.road_km).abs() < 1e-9);
    let worst = fd
        .by_kind
        .iter()
        .filter_map(|p| p.worst_road_s)
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(Some(worst), fd.worst_road_s);
    let urban = fd.by_kind[0];
    let scope = "{ level = \"station\", district_kind = [\"urban\"] }";
    let area = findings("first_due_area_km2", scope, "<=", 100.0);
    assert_eq!(on(&area, "S1"), (Status::Pass, Some(urban.area_km2)));
    let time = findings("first_due_worst_road_s", scope, "<=", 1000.0);
    assert_eq!(on(&time, "S1"), (Status::Pass, urban.worst_road_s));
    // S1's grid cells all lie in 西区, but 500 m of its roads lie in 东区, where its worst
    // road point (168 s) is: the urban part's edge is reached in 132 s.
    assert_eq!(
        (urban.worst_road_s, fd.worst_road_s),
        (Some(132.0), Some(168.0))
    );
    assert_eq!(urban.road_km, 1.0);
}

#[test]
fn blank_spots_are_townships_and_zones_without_a_force() {
    // Item 4: every township and functional zone holds a force; without the layer: no data.
    let t = builtin("no_blank_spots");
    assert_eq!(
        (t.metric, t.force),
        (Metric::ForcesInside, Force::Mandatory)
    );
    let areas =
        fireplan::io::districts::read_areas(&data("plan/areas.geojson"), Default::default())
            .unwrap();
    let scope = "{ level = \"area\", area_kind = [\"township\", \"zone\"] }";
    let with = With {
        areas: Some(&areas),
        ..With::default()
    };
    let fs = findings_with("forces_inside", scope, ">=", 1.0, &with);
    // 西镇 holds S1, 东港功能区 S2; 南镇 none; the industrial park is not in scope.
    assert_eq!(fs.len(), 3, "{fs:#?}");
    assert_eq!(on(&fs, "西镇"), (Status::Pass, Some(1.0)));
    assert_eq!(on(&fs, "东港功能区"), (Status::Pass, Some(1.0)));
    assert_eq!(on(&fs, "南镇"), (Status::Fail, Some(0.0)));
    // A volunteer team in 南镇 is a force (乡镇志愿消防队).
    let run = fixture_run();
    let mut stations = run.inputs.stations.clone();
    let mut v = stations[0].clone();
    v.id = "V1".into();
    v.class = StationClass::Volunteer;
    v.location = geo::Point::new(120.015, 29.98);
    stations.push(v);
    let fs = findings_with(
        "forces_inside",
        scope,
        ">=",
        1.0,
        &With {
            areas: Some(&areas),
            stations: Some(&stations),
            ..With::default()
        },
    );
    assert_eq!(on(&fs, "南镇"), (Status::Pass, Some(1.0)));
    // Without the layer.
    let fs = findings("forces_inside", scope, ">=", 1.0);
    assert_eq!((fs.len(), fs[0].status), (1, Status::NoData));
    // A bad layer names the feature and the field.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("areas.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x","kind":"town"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#,
    )
    .unwrap();
    let e = fireplan::io::districts::read_areas(&bad, Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("feature 0")
            && e.contains("field `kind`")
            && e.contains("did you mean `township`"),
        "{e}"
    );
}

#[test]
fn declared_figures_are_checked_or_have_no_data() {
    // The seeds' command-centre and special-disaster-centre staffing and 000 table 2's
    // binding indicators: the scenario supplies them.
    let extra = "figure = \"town_command_centre_staff\"";
    let mut figures = BTreeMap::new();
    figures.insert(
        "town_command_centre_staff".to_string(),
        vec![
            (Some("钱清".to_string()), 6.0),
            (Some("华舍".to_string()), 4.0),
        ],
    );
    let fs = findings_with(
        "declared",
        REGION,
        ">=",
        6.0,
        &With {
            extra,
            figures,
            ..With::default()
        },
    );
    assert_eq!(on(&fs, "钱清"), (Status::Pass, Some(6.0)));
    assert_eq!(on(&fs, "华舍"), (Status::Fail, Some(4.0)));
    let fs = findings_with(
        "declared",
        REGION,
        ">=",
        6.0,
        &With {
            extra,
            ..With::default()
        },
    );
    assert_eq!((fs.len(), fs[0].status), (1, Status::NoData));
    assert!(
        fs[0].reason.contains("[targets.figures]"),
        "{}",
        fs[0].reason
    );
    // From a scenario, with errors naming the key.
    let sc = scenario_in(
        Some("keqiao"),
        "\n[targets.figures]\nspecial_disaster_centre_staff = 12\ntown_command_centre_staff = { \"钱清\" = 6 }\n",
    )
    .unwrap();
    assert_eq!(
        sc.targets.figures["special_disaster_centre_staff"],
        [(None, 12.0)]
    );
    let e = scenario_in(
        Some("keqiao"),
        "\n[targets.figures]\nfire_deaths_per_100k = \"low\"\n",
    )
    .unwrap_err();
    assert!(
        e.contains("key `targets.figures.fire_deaths_per_100k`"),
        "{e}"
    );
    // `declared` needs its figure key.
    let e = catalogue_error(&format!(
        "id = \"a\"\nset = \"t\"\nmetric = \"declared\"\ncomparator = \">=\"\nvalue = 1\n\
         scope = {{ level = \"region\" }}\n{SOURCE}\n"
    ));
    assert!(e.contains("field `figure`: missing"), "{e}");
}

#[test]
fn regions_nest_without_circles() {
    let text =
        "[regions]\na = { name = \"A\", within = \"b\" }\nb = { name = \"B\", within = \"a\" }\n";
    let e = Catalogue::parse(text, Path::new("r.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("circle"), "{e}");
    let text = "[regions]\na = { name = \"A\", within = \"c\" }\n";
    let e = Catalogue::parse(text, Path::new("r.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown region `c`"), "{e}");
    let text =
        "[regions]\na = { name = \"A\" }\n[sets]\ns = { description = \"x\", region = \"z\" }\n";
    let e = Catalogue::parse(text, Path::new("r.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("key `sets.s`") || e.contains("sets.s"), "{e}");
}

#[test]
fn demo_readme_lists_what_check_reports() {
    // maps/demo/README.md's deliberate gaps are exactly what `check` finds on the demo.
    let readme = std::fs::read_to_string(root().join("maps/demo/README.md")).unwrap();
    let section = readme
        .split("## What the checks should find (on purpose)")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap();
    let line = |start: &str| -> &str {
        section
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?}"))
    };
    let ids = |l: &str| -> std::collections::BTreeSet<String> {
        l.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() == 4 && w.starts_with("KQ"))
            .map(str::to_string)
            .collect()
    };
    let sc = Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    let run = fireplan::run::run(&sc, &quiet()).unwrap();
    let subjects = |prefix: &str, status: Status| -> std::collections::BTreeSet<String> {
        run.checks
            .findings
            .iter()
            .filter(|f| f.target.starts_with(prefix) && f.status == status)
            .map(|f| f.subject.clone())
            .collect()
    };
    for (start, prefix, status) in [
        ("- Staff below", "staff_", Status::Fail),
        ("- Pump flow below", "pump_flow_", Status::Fail),
        ("- No light pickup", "pickup_truck", Status::Fail),
        ("- No drone hangar", "drone_hangar", Status::Fail),
        ("No data on purpose", "drone_hangar", Status::NoData),
        (
            "- Logistics-support capability",
            "logistics_capability_",
            Status::Fail,
        ),
    ] {
        assert_eq!(ids(line(start)), subjects(prefix, status), "{start}");
    }
    // Villages over 1,000 residents without a micro station (mandatory) or a volunteer
    // team (goal): the README's lists are exactly the failing villages, by id (`V047`).
    let village_ids = |l: &str| -> std::collections::BTreeSet<String> {
        l.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() == 4 && w.starts_with('V'))
            .map(str::to_string)
            .collect()
    };
    for (start, target) in [
        (
            "- Mandatory failures: administrative villages",
            "village_micro_station",
        ),
        ("- Goal shortfalls: villages over", "village_volunteer_team"),
    ] {
        let listed = village_ids(line(start));
        assert!(!listed.is_empty(), "{start}");
        assert_eq!(listed, subjects(target, Status::Fail), "{start}");
    }
    let fleet = run
        .checks
        .findings
        .iter()
        .find(|f| &*f.target == "firefighting_ratio_fleet")
        .unwrap();
    assert_eq!(fleet.status, Status::Fail);
    let (ff, other) = fleet.reason.split_once(" fire-fighting : ").unwrap();
    let other = other.split(' ').next().unwrap();
    assert!(
        line("- The fleet's").contains(&format!("{ff} : {other} =")),
        "{}",
        fleet.reason
    );
    let declared: Vec<String> = run
        .checks
        .findings
        .iter()
        .filter(|f| f.metric == Metric::Declared && f.status == Status::Fail)
        .map(|f| format!("{}:{}", f.target, f.subject))
        .collect();
    assert_eq!(
        declared,
        [
            "district_command_centre_staff:region",
            "town_command_centre_staff:华舍",
            "fire_deaths_per_100k:region"
        ]
    );
    let areas: Vec<String> = subjects("forward_station_areas", Status::Fail)
        .into_iter()
        .collect();
    for a in &areas {
        assert!(
            line("Goal shortfalls put in on purpose").contains(a.as_str()),
            "{a}"
        );
    }
    assert_eq!(areas.len(), 3);
    // The only other mandatory failures are the first-due rules the README leaves to
    // `check` (geography, not a generator rule).
    let listed = [
        "staff_",
        "pump_flow_",
        "pickup_truck",
        "drone_hangar",
        "logistics_capability_",
        "firefighting_ratio_fleet",
        "district_command_centre_staff",
        "town_command_centre_staff",
        "fire_deaths_per_100k",
        "first_due_",
        "water_sources_serviceable",
        "hydrant_protection_radius",
        "hydrant_spacing",
        "village_micro_station",
    ];
    // The fire-water gaps: the README's count of sources out of service is the run's.
    let w = run.water.as_ref().expect("the demo has [water]");
    line(&format!(
        "- {} of {} water sources out of service",
        w.sources - w.serviceable,
        w.sources
    ));
    for f in run.checks.mandatory_failures() {
        assert!(
            listed.iter().any(|p| f.target.starts_with(p)),
            "unlisted: {}",
            f.target
        );
    }
}

#[test]
fn support_level_and_capability_belong_to_logistics_stations() {
    let dir = tempfile::tempdir().unwrap();
    let read = |body: &str| {
        let p = dir.path().join("stations.csv");
        std::fs::write(
            &p,
            format!("id,lon,lat,class,support_level,support_capacity_persons\n{body}"),
        )
        .unwrap();
        fireplan::io::tables::read_stations(&p, Default::default(), None).map_err(|e| e.to_string())
    };
    let ok = read("L1,120,30,logistics,city,250\nS1,120.01,30,class1,,\n").unwrap();
    assert_eq!(
        (ok[0].support_level, ok[0].support_capacity_persons),
        (Some(DepotLevel::City), Some(250.0))
    );
    assert_eq!(
        (ok[1].support_level, ok[1].support_capacity_persons),
        (None, None)
    );
    let e = read("S1,120,30,class1,county,\n").unwrap_err();
    assert!(
        e.contains("line 2: field `support_level`") && e.contains("logistics-support"),
        "{e}"
    );
    let e = read("L1,120,30,logistics,provincial,\n").unwrap_err();
    assert!(
        e.contains("field `support_level`") && e.contains("unknown support level"),
        "{e}"
    );
    let e = read("L1,120,30,logistics,county,-5\n").unwrap_err();
    assert!(e.contains("field `support_capacity_persons`"), "{e}");
}
