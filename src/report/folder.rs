//! An output folder is one whole run. A command writes into a private staging folder beside
//! `--out`; only when every file is written does the staging folder take `--out`'s place,
//! in one atomic exchange where the filesystem allows. So a failed, killed or concurrent
//! run never leaves a partial or mixed set, files of an earlier run of another kind never
//! linger, and the previous complete run stays until the new one is complete.
//!
//! Guards: `--out` may not be a symbolic link, may not hold an input file, and is only
//! replaced when it is empty or was written by fireplan (it carries [`MARKER`], or a
//! `run.json` from before the marker). A lock beside it turns a second writer away with a
//! clear error.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The file that marks a folder as fireplan's output (so that replacing it loses nothing a
/// person put there).
pub const MARKER: &str = ".fireplan-output";

/// A run's output folder while it is being written: write into [`OutputFolder::path`],
/// then [`OutputFolder::commit`]. Dropped without a commit, the staging folder is removed
/// and `--out` is left as it was.
#[derive(Debug)]
pub struct OutputFolder {
    target: PathBuf,
    staging: PathBuf,
    /// Held (an OS file lock) until the folder is committed or dropped.
    _lock: File,
    committed: bool,
}

fn out_error(target: &Path, message: impl Into<String>) -> Error {
    Error::option(format!("--out {}", target.display()), message)
}

impl OutputFolder {
    /// Prepares to write a whole run into `target`; `inputs` are the files the run read.
    pub fn begin<'a>(
        target: &Path,
        inputs: impl IntoIterator<Item = &'a Path>,
    ) -> Result<OutputFolder> {
        let (name, parent) = name_and_parent(target)?;
        if let Ok(meta) = std::fs::symlink_metadata(target) {
            if meta.file_type().is_symlink() {
                return Err(out_error(
                    target,
                    "is a symbolic link: fireplan does not write through links; name the \
                     folder itself",
                ));
            }
            if !meta.is_dir() {
                return Err(out_error(target, "is a file, not a folder"));
            }
            check_replaceable(target, inputs)?;
        }
        let lock = lock(target)?;
        // Under the lock nobody else writes here: staging folders left by a killed run
        // are ours to remove.
        let prefix = format!(".{name}.staging-");
        let old_run = format!(".{name}.old");
        // A run killed between the two renames of the fallback swap left the previous run
        // under the old name and no `target`: put it back.
        let old_path = parent.join(&old_run);
        if old_path.is_dir() && std::fs::symlink_metadata(target).is_err() {
            std::fs::rename(&old_path, target).map_err(|e| Error::io(&old_path, e))?;
        }
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(&prefix) || n == old_run {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let staging = parent.join(format!("{prefix}{}", std::process::id()));
        std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        let marker = staging.join(MARKER);
        std::fs::write(
            &marker,
            format!(
                "fireplan {} output folder: replaced as a whole by the next run into it\n",
                env!("CARGO_PKG_VERSION")
            ),
        )
        .map_err(|e| Error::io(&marker, e))?;
        Ok(OutputFolder {
            target: target.to_path_buf(),
            staging,
            _lock: lock,
            committed: false,
        })
    }

    /// Where to write the run's files.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The folder the run ends up in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the written run in place of `target` (replacing an earlier run as a whole),
    /// after writing [`MANIFEST`]: every file of the run with its size and SHA-256.
    pub fn commit(mut self) -> Result<PathBuf> {
        write_manifest(&self.staging)?;
        let replaced = std::fs::symlink_metadata(&self.target).is_ok();
        if replaced {
            if exchange(&self.staging, &self.target).is_err() {
                // No atomic exchange here: move the old run aside, then the new one in.
                let name = self
                    .target
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy();
                let old = self.staging.with_file_name(format!(".{name}.old"));
                std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
                if let Err(e) = std::fs::rename(&self.staging, &self.target) {
                    let _ = std::fs::rename(&old, &self.target);
                    return Err(Error::io(&self.target, e));
                }
                let _ = std::fs::remove_dir_all(&old);
            } else {
                // The staging name now holds the previous run.
                let _ = std::fs::remove_dir_all(&self.staging);
            }
        } else {
            std::fs::rename(&self.staging, &self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = File::open(parent) {
                let _ = d.sync_all();
            }
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The list of a run's files, written last.
pub const MANIFEST: &str = "manifest.json";

#[derive(serde::Serialize)]
struct ManifestEntry {
    file: String,
    bytes: u64,
    sha256: String,
}

/// Writes `manifest.json` into `dir`: every file under it (but the marker and the manifest),
/// by relative path with `/`, sorted.
fn write_manifest(dir: &Path) -> Result<()> {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let p = e.path();
            if e.file_type()?.is_dir() {
                walk(root, &p, out)?;
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files).map_err(|e| Error::io(dir, e))?;
    files.sort();
    // Hashed on every core and streamed, not read whole (targets.csv of 10^6 stations is
    // hundreds of MB).
    let entries = files
        .par_iter()
        .filter_map(|rel| {
            let name = rel.to_string_lossy().replace('\\', "/");
            (name != MARKER && name != MANIFEST).then_some((rel, name))
        })
        .map(|(rel, name)| {
            let path = dir.join(rel);
            let mut hasher = Sha256::new();
            let bytes = File::open(&path)
                .and_then(|mut f| std::io::copy(&mut f, &mut hasher))
                .map_err(|e| Error::io(&path, e))?;
            Ok(ManifestEntry {
                file: name,
                bytes,
                sha256: format!("{:x}", hasher.finalize()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let manifest = serde_json::json!({
        "tool": format!("fireplan {}", env!("CARGO_PKG_VERSION")),
        "files": entries,
    });
    super::write::write_atomic(&dir.join(MANIFEST), &super::write::json_bytes(&manifest)?)
}

/// Locks the folder `target` for this process (a sweep's store, written in place and
/// resumed rather than replaced): a second writer gets a clear error. Held while the file
/// lives.
pub fn lock(target: &Path) -> Result<File> {
    // A sweep may write its store into `.`: its lock is then `./.out.lock`.
    let (name, parent) =
        name_and_parent(target).unwrap_or_else(|_| ("out".into(), target.to_path_buf()));
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let lock_path = parent.join(format!(".{name}.lock"));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(out_error(
            target,
            "another fireplan is writing to this folder; wait for it, or choose another --out",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&lock_path, e)),
    }
}

/// The folder's own name and the folder it stands in (where its lock, staging folder and
/// set-aside run go).
fn name_and_parent(target: &Path) -> Result<(String, PathBuf)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .ok_or_else(|| out_error(target, "name a folder (not `.`, `..` or a root)"))?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((name, parent))
}

/// Refuses to replace a folder that holds an input file (anywhere inside it) or that
/// fireplan did not write.
fn check_replaceable<'a>(target: &Path, inputs: impl IntoIterator<Item = &'a Path>) -> Result<()> {
    let canon = std::fs::canonicalize(target).map_err(|e| Error::io(target, e))?;
    for p in inputs {
        if let Ok(pc) = std::fs::canonicalize(p) {
            if pc.starts_with(&canon) {
                return Err(out_error(
                    target,
                    format!(
                        "the folder holds the input file {}: the outputs would replace \
                         inputs; choose another output folder",
                        p.display()
                    ),
                ));
            }
        }
    }
    let mut entries = std::fs::read_dir(target).map_err(|e| Error::io(target, e))?;
    let empty = entries.next().is_none();
    if !empty && !target.join(MARKER).is_file() && !target.join("run.json").is_file() {
        return Err(out_error(
            target,
            format!(
                "the folder exists and was not written by fireplan (no {MARKER}): a run \
                 replaces its output folder as a whole, so choose a new or empty folder"
            ),
        ));
    }
    Ok(())
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); an error where the
/// system or filesystem cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths; the call only reads them.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
