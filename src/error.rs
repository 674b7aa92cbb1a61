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
            field: excerpt(&field.into()),
            message: excerpt(&message.into()),
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

/// Longest word (run of non-blank characters) an input error's message keeps; values
/// quoted from a cell are cut shorter by the readers ([`excerpt_to`]).
const MAX_WORD: usize = 100;
/// Longest error message.
const MAX_MESSAGE: usize = 600;

/// A message safe to print: control characters escaped (`\0`, `\n`: a NUL byte in an id
/// shows, a line break cannot forge a second message), words from a file cut to
/// [`MAX_WORD`] characters (a 309-digit number, a header line of `/etc/shadow`), the whole
/// cut to [`MAX_MESSAGE`] (`/proc/self/environ` as a CSV header).
pub fn excerpt(message: &str) -> String {
    excerpt_to(message, MAX_WORD)
}

/// [`excerpt`] with words cut to `max_word` characters: for a value quoted from a file.
pub fn excerpt_to(message: &str, max_word: usize) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE + 8));
    let (mut len, mut word, mut cut) = (0, 0, false);
    for c in message.chars() {
        if len >= MAX_MESSAGE {
            out.push('…');
            return out;
        }
        if c == ' ' {
            (word, cut) = (0, false);
            out.push(c);
            len += 1;
            continue;
        }
        let piece: String = if c.is_control() {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let n = piece.chars().count();
        if word + n > max_word {
            if !cut {
                out.push('…');
                len += 1;
                cut = true;
            }
            continue;
        }
        word += n;
        len += n;
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_are_short_escaped_and_keep_ordinary_messages() {
        let plain = "expected a number, got `abc` (line 3)";
        assert_eq!(excerpt(plain), plain);
        assert_eq!(excerpt("unknown `KQ01\0`"), "unknown `KQ01\\u{0}`");
        assert_eq!(excerpt("a\nb"), "a\\nb");
        let long = format!("got {}", "9".repeat(309));
        let e = excerpt(&long);
        assert!(e.chars().count() < 110 && e.ends_with('…'), "{e}");
        let env = "PATH=/usr/bin\0HOME=/root\0".repeat(200);
        assert!(excerpt(&env).chars().count() <= 102);
        assert_eq!(super::excerpt_to("`abcdefgh`", 5), "`abcd…");
        let many = "word ".repeat(500);
        assert!(excerpt(&many).chars().count() <= 601);
    }
}
