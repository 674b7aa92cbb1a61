//! Whole-file writes that never leave half a file: a temporary file in the same folder,
//! flushed, then renamed over the target. Every output (`report::write`) and the
//! prepared-network cache (`load`) are written this way.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically (creating its folder); on failure the temporary
/// file is removed and the target is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_path(path)?;
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
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
