//! Reading one entry of a TOML array of tables (a target of `targets.toml`, a change of a
//! plan file) field by field, so that every problem names the file, the entry and the
//! field — serde's own messages name at most the field.

use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::names::nearest;

/// The entries of the array of tables `[[key]]` in `table` (none when absent), each of
/// which must be a table; `not_array` makes the error when `key` is something else.
pub(crate) fn array_of_tables<'t>(
    path: &Path,
    table: &'t toml::Table,
    key: &str,
    not_array: impl FnOnce(String) -> Error,
) -> Result<Vec<&'t toml::Table>> {
    match table.get(key) {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                toml::Value::Table(t) => Ok(t),
                other => Err(Error::input(
                    path,
                    Location::Key(format!("{key}[{}]", i + 1)),
                    key,
                    format!("expected a table, got {}", type_name(other)),
                )),
            })
            .collect(),
        Some(other) => Err(not_array(format!(
            "expected `[[{key}]]` entries, got {}",
            type_name(other)
        ))),
    }
}

/// One entry being read: the file, how the entry is named in errors (e.g.
/// `change[3] (line 41)`) and its table.
pub(crate) struct Entry<'a> {
    pub path: &'a Path,
    pub name: String,
    pub table: &'a toml::Table,
}

impl<'a> Entry<'a> {
    pub fn new(path: &'a Path, name: impl Into<String>, table: &'a toml::Table) -> Self {
        Entry {
            path,
            name: name.into(),
            table,
        }
    }

    /// An input error at this entry.
    pub fn error(&self, field: &str, message: impl Into<String>) -> Error {
        Error::input(self.path, Location::Key(self.name.clone()), field, message)
    }

    /// Refuses the first key not in `allowed`, suggesting the nearest allowed one.
    pub fn check_keys(&self, allowed: &[&str]) -> Result<()> {
        let Some(unknown) = self.table.keys().find(|k| !allowed.contains(&k.as_str())) else {
            return Ok(());
        };
        let message = match nearest(unknown, allowed.iter().copied()) {
            Some(near) => format!("unknown key `{unknown}`; did you mean `{near}`?"),
            None => format!(
                "unknown key `{unknown}`; expected one of {}",
                allowed.join(", ")
            ),
        };
        Err(self.error(unknown, message))
    }

    /// A required, non-empty string.
    pub fn string(&self, key: &str) -> Result<String> {
        self.opt_string(key)?
            .ok_or_else(|| self.error(key, "missing, but a value is required"))
    }

    /// An optional string (`None` when absent); an empty string is refused.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) if s.trim().is_empty() => {
                Err(self.error(key, "empty, but a value is required"))
            }
            Some(toml::Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(other) => {
                Err(self.error(key, format!("expected a string, got {}", type_name(other))))
            }
        }
    }

    /// A required finite number (integers accepted).
    pub fn number(&self, key: &str) -> Result<f64> {
        self.opt_number(key)?
            .ok_or_else(|| self.error(key, "missing, but a number is required"))
    }

    /// An optional finite number (integers accepted).
    pub fn opt_number(&self, key: &str) -> Result<Option<f64>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(toml::Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
            Some(toml::Value::Float(f)) => {
                Err(self.error(key, format!("expected a finite number, got {f}")))
            }
            Some(other) => {
                Err(self.error(key, format!("expected a number, got {}", type_name(other))))
            }
        }
    }

    /// An optional number ≥ 0.
    pub fn opt_non_negative(&self, key: &str) -> Result<Option<f64>> {
        match self.opt_number(key)? {
            Some(v) if v < 0.0 => Err(self.error(key, format!("expected a number ≥ 0, got {v}"))),
            v => Ok(v),
        }
    }

    /// An optional whole number ≥ 0 (a count of people or vehicles).
    pub fn opt_count(&self, key: &str) -> Result<Option<u32>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Integer(i)) => u32::try_from(*i)
                .map(Some)
                .map_err(|_| self.error(key, format!("expected a whole number ≥ 0, got {i}"))),
            Some(other) => Err(self.error(
                key,
                format!("expected a whole number ≥ 0, got {}", type_name(other)),
            )),
        }
    }

    /// An optional boolean (`true`/`false`; 0 and 1 are accepted too, as in the CSV files).
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Boolean(b)) => Ok(Some(*b)),
            Some(toml::Value::Integer(0)) => Ok(Some(false)),
            Some(toml::Value::Integer(1)) => Ok(Some(true)),
            Some(other) => Err(self.error(
                key,
                format!("expected true or false, got {}", type_name(other)),
            )),
        }
    }

    /// An optional list of strings; a single string is taken as a list of one.
    pub fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(vec![s.trim().to_string()])),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    toml::Value::String(s) => Ok(s.trim().to_string()),
                    other => Err(self.error(
                        key,
                        format!("expected a list of strings, found {}", type_name(other)),
                    )),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(self.error(
                key,
                format!("expected a list of strings, got {}", type_name(other)),
            )),
        }
    }

    /// An optional inline table (`scope = { level = "district" }`).
    pub fn opt_table(&self, key: &str) -> Result<Option<&'a toml::Table>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Table(t)) => Ok(Some(t)),
            Some(other) => {
                Err(self.error(key, format!("expected a table, got {}", type_name(other))))
            }
        }
    }

    /// An optional array of tables (`vehicles = [{ kind = "engine", count = 2 }]`).
    pub fn opt_tables(&self, key: &str) -> Result<Option<Vec<&'a toml::Table>>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    toml::Value::Table(t) => Ok(t),
                    other => Err(self.error(
                        &format!("{key}[{}]", i + 1),
                        format!("expected a table, got {}", type_name(other)),
                    )),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(self.error(
                key,
                format!("expected a list of tables, got {}", type_name(other)),
            )),
        }
    }

    /// A sub-entry (an inline table inside this entry), named `<entry>.<key>`.
    pub fn sub(&self, key: &str, table: &'a toml::Table) -> Entry<'a> {
        Entry {
            path: self.path,
            name: format!("{}.{key}", self.name),
            table,
        }
    }
}

/// The TOML type of a value, for messages.
pub(crate) fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// Parses TOML text into a table; a syntax error names the file and its line.
pub(crate) fn parse_toml(text: &str, path: &Path) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let line = e
            .span()
            .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() as u64 + 1);
        Error::input(
            path,
            line.map_or(Location::File, Location::Line),
            "toml",
            e.message().trim_end().to_string(),
        )
    })
}

/// 1-based line of byte offset `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).unwrap_or(text).matches('\n').count() + 1
}

/// The 1-based line of each `[[name]]` header in `text`, in order — to name entries of an
/// array of tables by where they are written.
pub(crate) fn array_headers(text: &str, name: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let t = raw.trim();
        if let Some(inner) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            if inner.trim() == name {
                out.push(line_of(text, offset));
            }
        }
        offset += raw.len();
    }
    out
}
