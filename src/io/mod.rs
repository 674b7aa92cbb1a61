//! Readers and writers: every error names the file, the line or feature, the field and
//! what was expected.

pub mod scenario;
