//! Running a sweep's runs: inputs and network loaded and prepared **once per distinct
//! set of inputs and network parameters** (a `network.speed_factor` axis gets one network
//! per value, never one per run), then every run evaluated in parallel on the shared
//! `Arc<PreparedNetwork>`: plan applied, coverage, supply, targets, optionally simulation,
//! and the figures of `summary.json` flattened into one row. A plan that closes roads
//! (`close_road`) runs on the load's network with those roads closed, built once per set
//! of closures and never seen by the load's other runs.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::{RunSpec, Sweep};
use crate::error::{Error, Result};
use crate::load::{LoadKey, RunOptions};
use crate::params::Scenario;
use crate::plan::Plan;
use crate::run::{evaluate_variant, Loaded};

/// A run ready to evaluate: its scenario, plan and shared load (or why it cannot run).
pub struct Prepared<'a> {
    pub spec: &'a RunSpec,
    pub job: std::result::Result<(Scenario, Option<Plan>, Arc<Loaded>), String>,
}

/// The result of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub id: String,
    pub index: usize,
    pub params: BTreeMap<String, Value>,
    /// `Ok(metrics)` (flattened `summary.json`, and `sim.*` when simulated) or the error.
    pub result: std::result::Result<BTreeMap<String, Value>, String>,
    pub elapsed_s: f64,
}

/// Time spent loading (inputs + networks) and how many loads there were.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadStats {
    pub loads: usize,
    pub load_s: f64,
}

/// Builds every run's scenario and loads each distinct input set once (sequentially: each
/// load is itself parallel). A run whose scenario or load fails carries the error.
pub fn prepare<'a>(
    sweep: &Sweep,
    runs: &[&'a RunSpec],
    opts: &RunOptions,
) -> (Vec<Prepared<'a>>, LoadStats) {
    let t0 = Instant::now();
    let mut cache: HashMap<String, std::result::Result<Arc<Loaded>, String>> = HashMap::new();
    let mut out = Vec::with_capacity(runs.len());
    for &spec in runs {
        let job = sweep.build(&spec.params).and_then(|(scenario, plan)| {
            let shared = cache
                .entry(LoadKey::of(&scenario).text())
                .or_insert_with(|| {
                    Loaded::load(&scenario, opts)
                        .map(Arc::new)
                        .map_err(|e| e.to_string())
                })
                .clone()?;
            Ok((scenario, plan, shared))
        });
        out.push(Prepared { spec, job });
    }
    let stats = LoadStats {
        loads: cache.len(),
        load_s: t0.elapsed().as_secs_f64(),
    };
    (out, stats)
}

/// Evaluates one prepared run (never panics on bad input: errors become the outcome).
pub fn run_one(p: &Prepared, simulate: Option<super::SimulateSpec>, opts: &RunOptions) -> Outcome {
    let t0 = Instant::now();
    let result = match &p.job {
        Err(e) => Err(e.clone()),
        Ok((scenario, plan, shared)) => {
            evaluate(scenario, plan.as_ref(), shared, simulate, opts).map_err(|e| e.to_string())
        }
    };
    Outcome {
        id: p.spec.id.clone(),
        index: p.spec.index,
        params: p.spec.params.clone(),
        result,
        elapsed_s: t0.elapsed().as_secs_f64(),
    }
}

/// One run: the shared load's inputs with this run's scenario and plan, evaluated like
/// any variant ([`evaluate_variant`]), its typed summary flattened into one row; with
/// `simulate`, the simulation's region figures under `sim.`.
fn evaluate(
    scenario: &Scenario,
    plan: Option<&Plan>,
    loaded: &Loaded,
    simulate: Option<super::SimulateSpec>,
    opts: &RunOptions,
) -> Result<BTreeMap<String, Value>> {
    let mut inputs = loaded.inputs.clone();
    inputs.scenario = scenario.clone();
    // A plan's road closures give the run its own network (shared with the runs of the
    // same closures); the load, shared by runs with and without them, stays open.
    let variant = match plan {
        Some(plan) => loaded.with_plan(inputs, plan)?.0,
        None => inputs.into(),
    };
    let run = evaluate_variant(loaded, variant, opts)?;
    let mut metrics = BTreeMap::new();
    flatten("", &to_value(&run.summary())?, &mut metrics);
    if let Some(sim) = simulate {
        let setup = crate::sim::setup_for(
            &run.inputs,
            &run.prepared,
            &run.coverage,
            &crate::sim::Overrides {
                years: sim.years,
                replications: sim.replications,
                seed: sim.seed,
            },
        )?;
        let res = crate::sim::simulate(&setup, &crate::progress::Silent);
        flatten("sim", &to_value(&res.region)?, &mut metrics);
        metrics.insert(
            "sim.incidents_per_year".into(),
            Value::from(setup.params.rate_per_year()),
        );
        metrics.insert("sim.replications".into(), Value::from(res.replications));
    }
    Ok(metrics)
}

/// A typed value as JSON, to flatten.
fn to_value<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::output("sweep row", e))
}

/// Flattens JSON into dotted keys: objects recurse; arrays of objects with a `name` (else a
/// `kind`: the vehicle profiles) recurse under it (`districts.柯中.metrics.demand_coverage`,
/// `vehicles.aerial.demand_coverage`); other arrays are kept as JSON text; `scenario` (the
/// name) is dropped.
pub fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if prefix.is_empty() && k == "scenario" {
                    continue;
                }
                flatten(&key(k), v, out);
            }
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(|x| label(x).is_some()) => {
            for x in a {
                let (field, name) = label(x).unwrap_or_default();
                if let Value::Object(m) = x {
                    for (k, v) in m {
                        if k != field {
                            flatten(&format!("{}.{k}", key(name)), v, out);
                        }
                    }
                }
            }
        }
        Value::Array(_) => {
            out.insert(prefix.to_string(), Value::String(v.to_string()));
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

/// The key an array element is flattened under: its `name`, else its `kind`.
fn label(x: &Value) -> Option<(&'static str, &str)> {
    ["name", "kind"]
        .into_iter()
        .find_map(|f| x.get(f).and_then(Value::as_str).map(|s| (f, s)))
}

/// How a sweep invocation went.
#[derive(Debug, Clone, Default)]
pub struct SweepSummary {
    /// Runs of the sweep (all shards) and of this shard.
    pub total: usize,
    pub in_shard: usize,
    /// Already in the store before this invocation (resumed).
    pub skipped: usize,
    pub ran: usize,
    pub failed: usize,
    pub load: LoadStats,
    /// Wall time of the runs (after loading).
    pub runs_s: f64,
}

/// Options of [`execute`].
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub shard: Option<super::Shard>,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// Test hook: after committing this many runs, stop writing and wait to be killed.
    pub pause_after: Option<usize>,
}

/// Runs every run of `sweep` (of the shard) that the store in `out` does not hold yet, in
/// parallel, committing each as it finishes (`report::sweep::export` then writes
/// `results.csv` and the report from the store).
pub fn execute(
    sweep: &Sweep,
    out: &std::path::Path,
    eo: &ExecOptions,
    opts: &RunOptions,
) -> Result<SweepSummary> {
    let store = super::store::Store::open_for(out, sweep)?;
    store.set_meta(
        "shard",
        &eo.shard
            .map(|s| s.to_string())
            .unwrap_or_else(|| "all".into()),
    )?;
    let axes: Vec<String> = sweep.axes.iter().map(|a| a.name.clone()).collect();
    let done = store.done_ids()?;
    let mine = sweep.runs_of(eo.shard);
    let todo: Vec<&RunSpec> = mine
        .iter()
        .copied()
        .filter(|r| !done.contains(&r.id))
        .collect();
    let mut summary = SweepSummary {
        total: sweep.runs.len(),
        in_shard: mine.len(),
        skipped: mine.len() - todo.len(),
        ..Default::default()
    };
    let (prepared, load) = prepare(sweep, &todo, opts);
    summary.load = load;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(eo.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Option {
            option: format!("--threads {}", eo.threads.unwrap_or(0)),
            message: format!("cannot start the worker threads: {e}"),
        })?;
    let progress = &*opts.progress;
    progress.start("sweep runs", Some(prepared.len() as u64));
    let t0 = Instant::now();
    let quiet = opts.silent();
    let simulate = sweep.simulate;
    let (tx, rx) = std::sync::mpsc::channel::<Outcome>();
    let mut write_result = Ok(());
    std::thread::scope(|s| {
        let prepared = &prepared;
        let quiet = &quiet;
        let pool = &pool;
        s.spawn(move || {
            use rayon::prelude::*;
            pool.install(|| {
                prepared.par_iter().for_each_with(tx, |tx, p| {
                    let _ = tx.send(run_one(p, simulate, quiet));
                });
            });
        });
        let mut committed = 0usize;
        for o in rx {
            if write_result.is_err() {
                continue;
            }
            if let Err(e) = store.insert(&o, &axes) {
                write_result = Err(e);
                continue;
            }
            committed += 1;
            summary.ran += 1;
            if o.result.is_err() {
                summary.failed += 1;
                progress.message(&format!("sweep runs, {} failed", summary.failed));
            }
            progress.advance(1);
            if eo.pause_after.is_some_and(|n| committed >= n) {
                eprintln!("sweep paused after {committed} runs (test hook)");
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
        }
    });
    progress.finish();
    write_result?;
    summary.runs_s = t0.elapsed().as_secs_f64();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_flatten_under_name_then_kind() {
        let v = serde_json::json!({
            "scenario": "x",
            "districts": [{"name": "柯中", "kind": "urban", "demand_coverage": 0.5}],
            "vehicles": [{"kind": "aerial", "demand_coverage": 0.25}],
            "other": [1, 2],
        });
        let mut out = BTreeMap::new();
        flatten("", &v, &mut out);
        assert_eq!(out["districts.柯中.kind"], "urban");
        assert_eq!(out["districts.柯中.demand_coverage"], 0.5);
        assert_eq!(out["vehicles.aerial.demand_coverage"], 0.25);
        assert_eq!(out["other"], "[1,2]");
        assert!(!out.contains_key("scenario"));
    }
}
