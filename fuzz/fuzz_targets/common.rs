//! Shared by the fuzz targets: the readers take paths, so each input is written to a file
//! of this process first.

use std::path::PathBuf;

/// Writes `bytes` to a file named `name` in a folder of this process and returns its path.
pub fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fireplan-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("temp file");
    p
}
