//! Findings: problems with the supply inputs that do not stop the run (a depot off the
//! network, a required level without depots). Each names the file, the place in it (line
//! or key) and the field, like [`crate::Error::Input`], so a planner can fix the input.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::Location;

/// One finding about the supply inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub file: PathBuf,
    pub location: Location,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}: field `{}`: {}",
            self.file.display(),
            self.location,
            self.field,
            self.message
        )
    }
}

impl Serialize for Finding {
    /// As its message text (for `summary.json` and `run.json`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
