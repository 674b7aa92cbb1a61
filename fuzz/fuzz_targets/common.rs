//! Shared by the fuzz targets: the readers take paths, so each input is written to a file
//! of this process first — in `/dev/shm` where there is one, so that no execution waits on
//! a disk (on ext4 the write-back of each small file cost more than the parse).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// This process's folder for input files (created once).
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        let dir = base.join(format!("fireplan-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        dir
    })
}

/// Writes `bytes` to a file named `name` in this process's folder and returns its path.
pub fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir().join(name);
    std::fs::write(&p, bytes).expect("temp file");
    p
}
