//! The result store: `sweep.sqlite` in the output folder.
//!
//! - `meta(key, value)`: `format`, `sweep_sha256` (stores of different sweep files are
//!   never mixed), `sweep_file`, `sweep_name`, `axes` (JSON), `runs_total`, `shard`.
//! - `expected(run_id, run_index, params)`: every run of the sweep (all shards), so a
//!   merge can say which runs are missing.
//! - `runs`: one row per finished run — `run_id` (primary key), `run_index`, one column
//!   per axis (named by its key path), `status` (`ok`, `failed`), `error`, the headline
//!   figures (`demand_coverage` … `mandatory_failures`), `metrics` (every figure as a JSON
//!   object with sorted keys), `params` (canonical JSON), and the timing columns
//!   `elapsed_s`, `finished_at` (Unix seconds).
//!
//! Each run is inserted in its own transaction as soon as it finishes (WAL journal,
//! `synchronous = FULL`): a killed sweep keeps every finished run.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::exec::Outcome;
use super::Sweep;
use crate::error::{Error, Result};

/// File name of the store inside the output folder.
pub const STORE_FILE: &str = "sweep.sqlite";
/// Store layout version.
pub const FORMAT: &str = "1";

/// Headline columns: (column, flattened `summary.json` key).
pub const HEADLINE: [(&str, &str); 10] = [
    ("demand_coverage", "demand_coverage"),
    ("road_coverage", "road_coverage"),
    ("area_coverage", "area_coverage"),
    ("second_due_coverage", "second_due_coverage"),
    ("p50_s", "p50_s"),
    ("p90_s", "p90_s"),
    ("max_s", "max_s"),
    ("targets_pass", "targets.pass"),
    ("targets_fail", "targets.fail"),
    ("mandatory_failures", "targets.mandatory_failures"),
];

/// Columns that change between two computations of the same run.
pub const TIMING_COLUMNS: [&str; 2] = ["elapsed_s", "finished_at"];

fn db_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::Store {
        path: path.to_path_buf(),
        message: format!("result store: {e}"),
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A JSON value as an SQL value (arrays and objects as JSON text).
pub fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(*b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// An open store.
pub struct Store {
    pub conn: Connection,
    pub path: PathBuf,
}

impl Store {
    /// The store of `dir`.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(STORE_FILE)
    }

    fn open_conn(path: &Path) -> Result<Connection> {
        let conn = Connection::open(path).map_err(|e| db_err(path, e))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;",
        )
        .map_err(|e| db_err(path, e))?;
        Ok(conn)
    }

    /// Opens an existing store read-write (merge inputs, export).
    pub fn open(dir_or_file: &Path) -> Result<Store> {
        let path = if dir_or_file.is_dir() {
            Self::path_in(dir_or_file)
        } else {
            dir_or_file.to_path_buf()
        };
        if !path.is_file() {
            return Err(Error::Store {
                path: dir_or_file.to_path_buf(),
                message: format!("no result store (expected {STORE_FILE} from `fireplan sweep`)"),
            });
        }
        let conn = Self::open_conn(&path)?;
        Ok(Store { conn, path })
    }

    /// Opens the store of `sweep` in `dir`, creating it when absent; refuses a store of a
    /// different sweep file.
    pub fn open_for(dir: &Path, sweep: &Sweep) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = Self::path_in(dir);
        let existed = path.is_file();
        let conn = Self::open_conn(&path)?;
        let store = Store { conn, path };
        if existed {
            let sha = store.meta("sweep_sha256")?;
            if sha.as_deref() != Some(sweep.sha256.as_str()) {
                return Err(Error::Store {
                    path: store.path.clone(),
                    message: format!(
                    "this store belongs to another sweep file ({}, SHA-256 {}), not {} (SHA-256 {}); \
                     use another --out or --restart",
                    store.meta("sweep_file")?.unwrap_or_default(),
                    sha.unwrap_or_default(),
                    sweep.path.display(),
                    sweep.sha256
                    ),
                });
            }
            return Ok(store);
        }
        store.create(sweep)?;
        Ok(store)
    }

    fn create(&self, sweep: &Sweep) -> Result<()> {
        let axes: Vec<&str> = sweep.axes.iter().map(|a| a.name.as_str()).collect();
        let fixed: BTreeSet<&str> = [
            "run_id",
            "run_index",
            "status",
            "error",
            "metrics",
            "params",
        ]
        .into_iter()
        .chain(HEADLINE.iter().map(|h| h.0))
        .chain(TIMING_COLUMNS)
        .collect();
        if let Some(clash) = axes.iter().find(|a| fixed.contains(**a)) {
            return Err(Error::Store {
                path: sweep.path.clone(),
                message: format!("axis `{clash}` has the name of a store column"),
            });
        }
        let mut cols = vec![
            "run_id TEXT PRIMARY KEY".to_string(),
            "run_index INTEGER NOT NULL".into(),
        ];
        cols.extend(axes.iter().map(|a| quote(a)));
        cols.push("status TEXT NOT NULL".into());
        cols.push("error TEXT".into());
        for (c, _) in HEADLINE {
            cols.push(format!("{c} REAL"));
        }
        cols.extend(["metrics TEXT".into(), "params TEXT NOT NULL".into()]);
        cols.extend(TIMING_COLUMNS.iter().map(|c| format!("{c} REAL")));
        let sql = format!(
            "BEGIN;
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE expected (run_id TEXT PRIMARY KEY, run_index INTEGER NOT NULL, params TEXT NOT NULL);
             CREATE TABLE runs ({});
             COMMIT;",
            cols.join(", ")
        );
        self.conn
            .execute_batch(&sql)
            .map_err(|e| db_err(&self.path, e))?;
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| db_err(&self.path, e))?;
        let axes_json = serde_json::to_string(
            &sweep
                .axes
                .iter()
                .map(|a| (a.name.clone(), a.values.clone()))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        for (k, v) in [
            ("format", FORMAT.to_string()),
            ("sweep_sha256", sweep.sha256.clone()),
            ("sweep_file", sweep.path.display().to_string()),
            ("sweep_name", sweep.name.clone()),
            ("axes", axes_json),
            ("runs_total", sweep.runs.len().to_string()),
        ] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )
            .map_err(|e| db_err(&self.path, e))?;
        }
        for r in &sweep.runs {
            tx.execute(
                "INSERT INTO expected (run_id, run_index, params) VALUES (?1, ?2, ?3)",
                params![r.id, r.index as i64, super::canonical_params(&r.params)],
            )
            .map_err(|e| db_err(&self.path, e))?;
        }
        tx.commit().map_err(|e| db_err(&self.path, e))
    }

    /// A `meta` value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| db_err(&self.path, e))
    }

    /// Sets a `meta` value.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| db_err(&self.path, e))
    }

    /// Ids of the runs already in the store (finished or failed).
    pub fn done_ids(&self) -> Result<HashSet<String>> {
        let mut st = self
            .conn
            .prepare("SELECT run_id FROM runs")
            .map_err(|e| db_err(&self.path, e))?;
        let ids = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| db_err(&self.path, e))?
            .collect::<std::result::Result<HashSet<_>, _>>()
            .map_err(|e| db_err(&self.path, e));
        ids
    }

    /// Column names of `runs`, in table order.
    pub fn columns(&self) -> Result<Vec<String>> {
        let st = self
            .conn
            .prepare("SELECT * FROM runs LIMIT 0")
            .map_err(|e| db_err(&self.path, e))?;
        Ok(st.column_names().into_iter().map(String::from).collect())
    }

    /// Axis names recorded in the store.
    pub fn axes(&self) -> Result<Vec<String>> {
        let axes: Vec<(String, Value)> = self
            .meta("axes")?
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or_default();
        Ok(axes.into_iter().map(|a| a.0).collect())
    }

    /// Inserts one finished run in its own transaction.
    pub fn insert(&self, o: &Outcome, axes: &[String]) -> Result<()> {
        let finished_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let mut names = vec!["run_id".to_string(), "run_index".into()];
        let mut values = vec![Sql::Text(o.id.clone()), Sql::Integer(o.index as i64)];
        for a in axes {
            names.push(quote(a));
            values.push(o.params.get(a).map(to_sql).unwrap_or(Sql::Null));
        }
        match &o.result {
            Ok(m) => {
                names.push("status".into());
                values.push(Sql::Text("ok".into()));
                for (c, k) in HEADLINE {
                    names.push(c.into());
                    values.push(m.get(k).map(to_sql).unwrap_or(Sql::Null));
                }
                names.push("metrics".into());
                values.push(Sql::Text(serde_json::to_string(m).unwrap_or_default()));
            }
            Err(e) => {
                names.push("status".into());
                values.push(Sql::Text("failed".into()));
                names.push("error".into());
                values.push(Sql::Text(e.clone()));
            }
        }
        names.push("params".into());
        values.push(Sql::Text(super::canonical_params(&o.params)));
        names.push("elapsed_s".into());
        values.push(Sql::Real(o.elapsed_s));
        names.push("finished_at".into());
        values.push(Sql::Real(finished_at));
        self.insert_row(&names, values)
    }

    /// Inserts a row of (quoted) column names and values in its own transaction.
    pub fn insert_row(&self, names: &[String], values: Vec<Sql>) -> Result<()> {
        let sql = format!(
            "INSERT INTO runs ({}) VALUES ({})",
            names.join(", "),
            (1..=names.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| db_err(&self.path, e))?;
        tx.execute(&sql, rusqlite::params_from_iter(values))
            .map_err(|e| db_err(&self.path, e))?;
        tx.commit().map_err(|e| db_err(&self.path, e))
    }

    /// Every row of `runs` as (column → value), in run order.
    pub fn rows(&self) -> Result<Vec<BTreeMap<String, Sql>>> {
        let cols = self.columns()?;
        let mut st = self
            .conn
            .prepare("SELECT * FROM runs ORDER BY run_index, run_id")
            .map_err(|e| db_err(&self.path, e))?;
        let rows = st
            .query_map([], |r| {
                let mut m = BTreeMap::new();
                for (i, c) in cols.iter().enumerate() {
                    m.insert(c.clone(), r.get::<_, Sql>(i)?);
                }
                Ok(m)
            })
            .map_err(|e| db_err(&self.path, e))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| db_err(&self.path, e));
        rows
    }

    /// Every expected run: (id, index).
    pub fn expected(&self) -> Result<Vec<(String, i64)>> {
        let mut st = self
            .conn
            .prepare("SELECT run_id, run_index FROM expected ORDER BY run_index")
            .map_err(|e| db_err(&self.path, e))?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| db_err(&self.path, e))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| db_err(&self.path, e));
        rows
    }
}

/// What a merge found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeReport {
    pub runs: usize,
    pub expected: usize,
    /// Expected runs in no input store (ids).
    pub missing: Vec<String>,
    /// Runs found in more than one input store (id, how many stores); the first is kept.
    pub duplicated: Vec<(String, usize)>,
}

/// Joins the stores of `inputs` (folders or store files) into a new store in `out`;
/// refuses stores of different sweep files.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<MergeReport> {
    if inputs.is_empty() {
        return Err(Error::option(
            "sweep merge",
            "name at least one output folder",
        ));
    }
    let stores = inputs
        .iter()
        .map(|p| Store::open(p))
        .collect::<Result<Vec<_>>>()?;
    let first = &stores[0];
    let sha = first.meta("sweep_sha256")?.unwrap_or_default();
    for (s, p) in stores.iter().zip(inputs).skip(1) {
        let other = s.meta("sweep_sha256")?.unwrap_or_default();
        if other != sha {
            return Err(Error::option(
                "sweep merge",
                format!(
                "{} comes from sweep file {} (SHA-256 {other}) but {} from {} (SHA-256 {sha}): \
                 stores of different sweeps cannot be merged",
                p.display(),
                s.meta("sweep_file")?.unwrap_or_default(),
                inputs[0].display(),
                first.meta("sweep_file")?.unwrap_or_default(),
            ),
            ));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let out_path = Store::path_in(out);
    if out_path.exists() {
        return Err(Error::option(
            "sweep merge",
            format!(
                "{} exists already; merge into a new folder",
                out_path.display()
            ),
        ));
    }
    // Same schema as the inputs: copy it from the first store.
    let conn = Store::open_conn(&out_path)?;
    let merged = Store {
        conn,
        path: out_path,
    };
    {
        let mut st = first
            .conn
            .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL ORDER BY name")
            .map_err(|e| db_err(&first.path, e))?;
        let ddl = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| db_err(&first.path, e))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| db_err(&first.path, e))?;
        for sql in ddl {
            merged
                .conn
                .execute_batch(&sql)
                .map_err(|e| db_err(&merged.path, e))?;
        }
    }
    let tx = merged
        .conn
        .unchecked_transaction()
        .map_err(|e| db_err(&merged.path, e))?;
    {
        let mut st = first
            .conn
            .prepare("SELECT key, value FROM meta")
            .map_err(|e| db_err(&first.path, e))?;
        let meta = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| db_err(&first.path, e))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| db_err(&first.path, e))?;
        for (k, v) in meta {
            let v = if k == "shard" {
                "merged".to_string()
            } else {
                v
            };
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )
            .map_err(|e| db_err(&merged.path, e))?;
        }
        let mut st = first
            .conn
            .prepare("SELECT run_id, run_index, params FROM expected")
            .map_err(|e| db_err(&first.path, e))?;
        let exp = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| db_err(&first.path, e))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| db_err(&first.path, e))?;
        for (id, i, p) in exp {
            tx.execute(
                "INSERT INTO expected (run_id, run_index, params) VALUES (?1, ?2, ?3)",
                params![id, i, p],
            )
            .map_err(|e| db_err(&merged.path, e))?;
        }
    }
    tx.commit().map_err(|e| db_err(&merged.path, e))?;

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for s in &stores {
        let cols = s.columns()?;
        let names: Vec<String> = cols.iter().map(|c| quote(c)).collect();
        for row in s.rows()? {
            let id = match row.get("run_id") {
                Some(Sql::Text(t)) => t.clone(),
                _ => continue,
            };
            let n = seen.entry(id).or_insert(0);
            *n += 1;
            if *n > 1 {
                continue;
            }
            let values: Vec<Sql> = cols
                .iter()
                .map(|c| row.get(c).cloned().unwrap_or(Sql::Null))
                .collect();
            merged.insert_row(&names, values)?;
        }
    }
    let expected = merged.expected()?;
    Ok(MergeReport {
        runs: seen.len(),
        expected: expected.len(),
        missing: expected
            .iter()
            .filter(|(id, _)| !seen.contains_key(id))
            .map(|(id, _)| id.clone())
            .collect(),
        duplicated: seen.into_iter().filter(|(_, n)| *n > 1).collect(),
    })
}

/// A cell of `results.csv`.
pub fn cell(v: &Sql) -> String {
    match v {
        Sql::Null => String::new(),
        Sql::Integer(i) => i.to_string(),
        Sql::Real(f) => serde_json::Number::from_f64(*f)
            .map(|n| n.to_string())
            .unwrap_or_else(|| f.to_string()),
        Sql::Text(t) => t.clone(),
        Sql::Blob(_) => String::new(),
    }
}

pub fn json_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
