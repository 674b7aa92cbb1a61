//! Typed errors of the library. Every input error names the file, the place in it (line,
//! feature or key), the field and what was expected, so a planner can fix the input.

use std::path::PathBuf;

/// Where in an input file a problem sits.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The file as a whole.
    File,
    /// 1-based line of a text file (CSV: the header is line 1).
    Line(u64),
    /// 0-based index of a feature in a GeoJSON FeatureCollection.
    Feature(usize),
    /// A key path in a TOML file, e.g. `response.turnout_s`.
    Key(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line(n) => write!(f, ", line {n}"),
            Location::Feature(i) => write!(f, ", feature {i}"),
            Location::Key(k) => write!(f, ", key `{k}`"),
        }
    }
}

/// Everything that can go wrong in fireplan's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value in an input file is missing, malformed or out of range.
    #[error("{}{location}: field `{field}`: {message}", file.display())]
    Input {
        file: PathBuf,
        location: Location,
        field: String,
        message: String,
    },
    /// The file could not be read or written. (The I/O error is part of the message, not a
    /// `source`, so that error chains print it once.)
    #[error("{}: {cause}", path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// The inputs are individually valid but cannot be used together
    /// (e.g. no demand point lies on the network).
    #[error("{0}")]
    Scenario(String),
    /// The road network cannot be routed on (no strongly connected part, too many nodes,
    /// two vehicle profiles that do not match).
    #[error("{0}")]
    Network(String),
    /// A command-line option has a value the command cannot use.
    #[error("{option}: {message}")]
    Option { option: String, message: String },
    /// An output could not be encoded (CSV, JSON, GeoJSON, GeoPackage, maps); `what`
    /// names the file or the kind of table. (Failures to write a file are [`Error::Io`].)
    #[error("{what}: {message}")]
    Output { what: String, message: String },
    /// A sweep's result store is missing, of another sweep, or cannot be used.
    #[error("{}: {message}", path.display())]
    Store { path: PathBuf, message: String },
}

impl Error {
    /// Shorthand for an [`Error::Input`].
    pub fn input(
        file: impl Into<PathBuf>,
        location: Location,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Input {
            file: file.into(),
            location,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Option`].
    pub fn option(option: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Option {
            option: option.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Output`].
    pub fn output(what: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Output {
            what: what.into(),
            message: message.to_string(),
        }
    }

    /// Shorthand for an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause: source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
