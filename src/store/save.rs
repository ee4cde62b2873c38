//! Atomic saves: a temporary file in the same folder, fsync, rename over the original, fsync
//! the folder. A crash at any instant leaves the old file or the new one, whole.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a save failed; the original file is untouched.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path}：没有写入权限（{source}），原文件未改动")]
    PermissionDenied {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}：磁盘已满（{source}），原文件未改动")]
    DiskFull {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}：所在的文件夹不存在，未保存")]
    NoFolder(String),
    #[error("{path}：保存失败（{source}），原文件未改动")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl SaveError {
    fn from_io(path: &Path, source: std::io::Error) -> SaveError {
        let path = path.display().to_string();
        match source.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                SaveError::PermissionDenied { path, source }
            }
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                SaveError::DiskFull { path, source }
            }
            _ => SaveError::Io { path, source },
        }
    }
}

/// The file a path finally names: a symlink is saved through to its target.
pub fn resolve_target(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Writes `bytes` to `path` atomically, keeping the original's permissions.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let target = resolve_target(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(SaveError::NoFolder(path.display().to_string()));
    }
    let fail = |e| SaveError::from_io(path, e);
    let mut temp = tempfile::Builder::new()
        .prefix(".jixiao-save-")
        .tempfile_in(&dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.flush().map_err(fail)?;
    let permissions = match std::fs::metadata(&target) {
        Ok(meta) => meta.permissions(),
        // A new file gets what any program would create (0666 less the umask), not the
        // temporary file's 0600: colleagues on a shared server may need to read it.
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o666 & !current_umask())
        }
    };
    temp.as_file().set_permissions(permissions).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.persist(&target).map_err(|e| fail(e.error))?;
    // The rename itself is durable only once the folder is synced.
    if let Ok(folder) = std::fs::File::open(&dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// The process's umask (read by setting it and putting it back).
fn current_umask() -> u32 {
    // SAFETY: umask only swaps the process's file-creation mask; it is restored at once.
    unsafe {
        let mask = libc::umask(0o022);
        libc::umask(mask);
        mask as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_whole_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn a_new_file_is_created_with_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.toml");
        atomic_write(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !current_umask());
    }

    #[test]
    fn saves_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        let link = dir.path().join("link.toml");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        atomic_write(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }
}
