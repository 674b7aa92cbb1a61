//! Readers and writers: every error names the file, the line or feature, the field and
//! what was expected.

pub mod calibration;
pub mod closures;
pub mod context;
pub mod crs;
pub mod csv_network;
pub mod districts;
pub(crate) mod entry;
pub mod osm;
pub mod records;
pub mod scenario;
pub mod tables;
pub mod targets;
pub mod villages;
pub mod water;

use std::path::Path;

use crate::error::{Error, Location, Result};

/// Refuses anything but a regular file as an input: reading (or hashing) a device such as
/// `/dev/zero`, a FIFO or a folder would never end or make no sense. A missing file is
/// left to the reader, whose error names it.
pub fn check_regular_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(Error::input(
            path,
            Location::File,
            "file",
            "not a regular file (a folder, device or pipe); name a file",
        )),
        _ => Ok(()),
    }
}
