//! Files jixiao makes beside a report (lock, recovery, discarded copy, `.bak`, `.theirs`,
//! exports): never written through a symlink, never over a file someone else owns.
//!
//! A shared folder is hostile: another member of the group may plant a symlink named like
//! one of these files, pointing at a file of the victim's. Every write here goes to a new
//! temporary file (`O_EXCL`, which never follows a symlink) that is renamed over the name;
//! a rename replaces a symlink instead of following it. Before that, whatever already has
//! the name is looked at without following it, and refused unless it is a regular file of
//! this user's, so the user hears about the plant instead of silently replacing it.

use super::save::SaveError;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why a name beside the report cannot be used.
pub fn refusal(path: &Path, why: &str) -> SaveError {
    SaveError::Refused {
        path: path.display().to_string(),
        why: why.to_owned(),
    }
}

/// A symlink under a name jixiao would write or read.
fn symlink_refused(path: &Path) -> SaveError {
    refusal(path, "是一个符号链接（可能有人想借它改写别的文件）")
}

/// A folder, fifo, device or socket under the name.
pub fn not_a_file(path: &Path) -> SaveError {
    refusal(path, "不是普通文件")
}

/// Another user's file under the name.
fn anothers(path: &Path, uid: u32) -> SaveError {
    refusal(path, &format!("属于另一个用户（uid {uid}）"))
}

/// This process's effective user.
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Whether `uid` may be trusted as the owner of a file jixiao is about to replace or read:
/// this user, or — for root saving someone's report — the report's owner.
fn trusted_owner(uid: u32, also: Option<u32>) -> bool {
    uid == effective_uid() || Some(uid) == also
}

/// Looks at what has the name `path` now, without following a symlink: nothing, or a
/// regular file of a trusted owner, may be replaced; anything else is refused with a reason.
pub fn check_slot(path: &Path, also_owner: Option<u32>) -> Result<(), SaveError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SaveError::from_io(path, e)),
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_symlink() {
                Err(symlink_refused(path))
            } else if !kind.is_file() {
                Err(not_a_file(path))
            } else if !trusted_owner(meta.uid(), also_owner) {
                Err(anothers(path, meta.uid()))
            } else {
                Ok(())
            }
        }
    }
}

/// The folder a path is in (`.` for a bare name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The file name of `path`, for naming temporary files after it.
pub fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Ownership to give a file written beside a report: root keeps the report's owner and
/// group on its `.bak`, so the owner can still manage it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ownership {
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// A mode for a copy that ended up in another group than the file it copies: that group gets
/// no more than everyone else had (a save never widens access).
pub fn no_wider_for_another_group(mode: u32) -> u32 {
    (mode & !0o070) | (mode & 0o070 & ((mode & 0o007) << 3))
}

/// Writes `bytes` under `path` atomically with `mode` (narrowed by
/// `no_wider_for_another_group` when `owner.gid` cannot be given), after `check_slot`.
pub fn write(path: &Path, bytes: &[u8], mode: u32, owner: Ownership) -> Result<(), SaveError> {
    check_slot(path, owner.uid)?;
    let dir = folder_of(path);
    let fail = |e| SaveError::from_io(path, e);
    let mut temp = temporary_beside(path, &dir, 0o600).map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.flush().map_err(fail)?;
    // Root gives the report's owner their copy; a member of the report's group keeps it.
    if (owner.uid.is_some() || owner.gid.is_some())
        && std::os::unix::fs::fchown(temp.as_file(), owner.uid, owner.gid).is_err()
    {
        let _ = std::os::unix::fs::fchown(temp.as_file(), None, owner.gid);
    }
    let mut mode = mode & 0o777;
    if let Some(gid) = owner.gid
        && temp.as_file().metadata().map_err(fail)?.gid() != gid
    {
        mode = no_wider_for_another_group(mode);
    }
    // After fchown, which may clear set-id bits.
    publish_as(temp, path, &dir, mode).map_err(fail)
}

/// What the names of temporary files have in them (`.NAME.jixiao-save-XXXXXX`), so those
/// a crashed save left behind are known.
pub const TEMPORARY_MARK: &str = ".jixiao-save-";

/// A new temporary file beside `path` (in `dir`, its folder), created with `mode`.
pub fn temporary_beside(
    path: &Path,
    dir: &Path,
    mode: u32,
) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!(".{}{TEMPORARY_MARK}", name_of(path)))
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
}

/// Gives the written temporary file `mode`, syncs it, renames it over `path` and syncs the
/// folder `dir`, so the rename itself is durable.
pub fn publish_as(
    temp: tempfile::NamedTempFile,
    path: &Path,
    dir: &Path,
    mode: u32,
) -> std::io::Result<()> {
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_folder(dir);
    Ok(())
}

/// Reads a file jixiao made beside a report: `None` when there is none; refused when it is
/// a symlink, not a regular file, or (unless `any_owner`) someone else's.
pub fn read(path: &Path, any_owner: bool) -> Result<Option<(Vec<u8>, u32)>, SaveError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(symlink_refused(path)),
        Err(e) => return Err(SaveError::from_io(path, e)),
    };
    let meta = file.metadata().map_err(|e| SaveError::from_io(path, e))?;
    if !meta.is_file() {
        return Err(not_a_file(path));
    }
    if !any_owner && !trusted_owner(meta.uid(), None) {
        return Err(anothers(path, meta.uid()));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| SaveError::from_io(path, e))?;
    Ok(Some((bytes, meta.uid())))
}

/// Removes a file jixiao made, if it is a regular file of this user's (a symlink or another
/// user's file under the name is left alone).
pub fn remove(path: &Path) {
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.file_type().is_file()
        && meta.uid() == effective_uid()
    {
        let _ = std::fs::remove_file(path);
    }
}

/// Renames one file of jixiao's over another name beside it (both checked first).
pub fn rename(from: &Path, to: &Path) -> Result<(), SaveError> {
    check_slot(from, None)?;
    check_slot(to, None)?;
    // Recovery and discarded copies are private whatever an older version left; the mode is
    // set through a handle on the file itself (O_PATH: no read or write access needed, and
    // no symlink followed), before the rename.
    let handle = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_NOFOLLOW)
        .open(from)
        .map_err(|e| SaveError::from_io(from, e))?;
    let by_handle = PathBuf::from(format!("/proc/self/fd/{}", handle.as_raw_fd()));
    let private = std::fs::Permissions::from_mode(0o600);
    if std::fs::set_permissions(&by_handle, private.clone()).is_err() {
        // No /proc: through a handle opened for reading, which the owner of a 0600 file has.
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(from)
            .and_then(|file| file.set_permissions(private))
            .map_err(|e| SaveError::from_io(from, e))?;
    }
    std::fs::rename(from, to).map_err(|e| SaveError::from_io(to, e))?;
    sync_folder(&folder_of(to));
    Ok(())
}

/// Makes a rename in `dir` durable.
pub fn sync_folder(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_symlink_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "mine").unwrap();
        let planted = dir.path().join(".r.toml.jixiao-lock");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let err = write(&planted, b"x", 0o600, Ownership::default()).unwrap_err();
        assert!(err.to_string().contains("符号链接"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine");
        assert!(read(&planted, true).is_err());
        remove(&planted);
        assert!(std::fs::symlink_metadata(&planted).is_ok(), "left alone");
    }

    #[test]
    fn an_old_wider_file_is_replaced_with_the_mode_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".r.toml.jixiao-recover");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&path, b"new", 0o600, Ownership::default()).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_or_fifo_under_the_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml.bak");
        std::fs::create_dir(&path).unwrap();
        assert!(write(&path, b"x", 0o600, Ownership::default()).is_err());
        let fifo = dir.path().join("b.toml.bak");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read(&fifo, true).is_err());
        assert!(write(&fifo, b"x", 0o600, Ownership::default()).is_err());
    }
}
