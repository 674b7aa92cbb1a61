//! Readers and writers: every error names the file, the line or feature, the field and
//! what was expected.

pub mod crs;
pub mod csv_network;
pub mod districts;
pub(crate) mod entry;
pub mod osm;
pub mod scenario;
pub mod tables;
pub mod targets;
