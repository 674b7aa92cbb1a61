//! Issue 17 item 5: writing a run's outputs reports its steps through the library's
//! `Progress` (the binary draws them; the library never does): the tables and maps, then
//! `report.html` and the GeoPackage, each with a total that its advances reach exactly.

mod common;

use std::sync::Mutex;

use fireplan::params::Scenario;
use fireplan::progress::Progress;

/// One call the library made.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Start(String, Option<u64>),
    Message(String),
    Advance(u64),
    Finish,
}

/// Records every call, in order.
#[derive(Default)]
struct Recording(Mutex<Vec<Event>>);

impl Progress for Recording {
    fn start(&self, message: &str, total: Option<u64>) {
        self.0
            .lock()
            .unwrap()
            .push(Event::Start(message.into(), total));
    }
    fn message(&self, message: &str) {
        self.0.lock().unwrap().push(Event::Message(message.into()));
    }
    fn advance(&self, n: u64) {
        self.0.lock().unwrap().push(Event::Advance(n));
    }
    fn finish(&self) {
        self.0.lock().unwrap().push(Event::Finish);
    }
}

/// A step as seen: its name, total, the advances until its finish and its messages.
#[derive(Debug)]
struct Step {
    name: String,
    total: Option<u64>,
    done: u64,
    messages: Vec<String>,
}

/// Splits the events into steps; every step must finish before the next starts.
fn steps(events: &[Event]) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut open = false;
    for e in events {
        match e {
            Event::Start(name, total) => {
                assert!(!open, "a step started before the last finished: {events:?}");
                open = true;
                out.push(Step {
                    name: name.clone(),
                    total: *total,
                    done: 0,
                    messages: Vec::new(),
                });
            }
            Event::Message(m) => {
                assert!(open, "message outside a step: {events:?}");
                out.last_mut().unwrap().messages.push(m.clone());
            }
            Event::Advance(n) => {
                assert!(open, "advance outside a step: {events:?}");
                out.last_mut().unwrap().done += n;
            }
            Event::Finish => {
                assert!(open, "finish without a step: {events:?}");
                open = false;
            }
        }
    }
    assert!(!open, "the last step never finished");
    out
}

/// Writes every output of the scenario at `path` with a recording `Progress` and checks
/// the two steps: `table_steps` table steps and the maps named in `maps`, then the report
/// and the GeoPackage.
fn check_output_steps(path: &std::path::Path, table_steps: u64, maps: &[&str]) {
    let scenario = Scenario::load(path).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let rec = Recording::default();
    let written = fireplan::report::write_all(dir.path(), &run, &rec).unwrap();
    let events = rec.0.lock().unwrap().clone();
    let s = steps(&events);
    assert_eq!(s.len(), 2, "{s:?}");

    // Every map counted was drawn, and no other.
    let mut pngs: Vec<String> = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    pngs.sort();
    let mut want: Vec<String> = maps.iter().map(|m| format!("map_{m}.png")).collect();
    want.sort();
    assert_eq!(pngs, want);
    let items = table_steps + maps.len() as u64;
    assert_eq!(s[0].name, "writing tables and maps");
    assert_eq!((s[0].total, s[0].done), (Some(items), items), "{:?}", s[0]);
    assert_eq!(fireplan::report::output_steps(&run), items);
    for m in maps {
        let msg = format!("drawing map_{m}");
        assert!(s[0].messages.contains(&msg), "{msg}: {:?}", s[0].messages);
    }
    for m in [
        "writing the GeoJSON layers",
        "writing coverage.geojson",
        "writing targets.csv",
    ] {
        assert!(
            s[0].messages.iter().any(|x| x == m),
            "{m}: {:?}",
            s[0].messages
        );
    }

    assert_eq!(s[1].name, "writing report.html and fireplan.gpkg");
    assert_eq!((s[1].total, s[1].done), (Some(2), 2));
    assert!(dir.path().join("report.html").is_file());
    assert!(dir.path().join("fireplan.gpkg").is_file());
}

/// A bare run (no supply, water, villages or drones): the 4 table steps (tables, layers,
/// coverage.geojson, targets.csv; report.md is written with report.html) and the
/// response and first-due maps.
#[test]
fn write_all_reports_each_step_of_a_bare_run_with_exact_totals() {
    check_output_steps(
        &common::data("cli/scenario.toml"),
        4,
        &["response", "first_due"],
    );
}

/// The demo has every part: 6 table steps (the optional tables and the supply outputs
/// too) and 5 maps (response, first-due, supply, water, drone).
#[test]
fn write_all_reports_each_step_of_the_demo_with_exact_totals() {
    check_output_steps(
        &common::root().join("scenarios/demo.toml"),
        6,
        &["response", "first_due", "supply", "water", "drone"],
    );
}
