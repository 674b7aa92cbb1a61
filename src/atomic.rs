//! Whole-file writes that never leave half a file: a temporary file in the same folder,
//! flushed, then renamed over the target. Every output (`report::write`) and the
//! prepared-network cache (`load`) are written this way.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically (creating its folder); on failure the temporary
/// file is removed and the target is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

/// Writes `path` atomically from `write`, which streams into a buffered temporary file: a
/// file of gigabytes (`targets.csv` of 1 M stations) need never be whole in memory. On
/// failure the temporary file is removed and the target is left as it was.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let tmp = temp_path(path)?;
    let result = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(path, e))?;
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut buffered)?;
        let file = buffered
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A temporary name beside `path` (its folder created), to write and then rename over
/// `path`: hidden, unique to this process, with `path`'s own name last so that writers
/// that pick a format from the extension (the PNG backend) still see it.
pub fn temp_path(path: &Path) -> Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(dir.join(format!(".{}.tmp.{name}", std::process::id())))
}
