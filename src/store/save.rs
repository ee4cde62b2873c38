//! Saving a report, one policy for `set`, `export` and the workbench: atomic (a temporary
//! file in the same folder, fsync, rename over the original, fsync the folder), never over
//! someone else's change, the file's mode, owner and group kept, never a file the user may
//! not write, hard links kept, and the `.bak` / `.theirs` copies made first (see `sidecar`
//! for how they are made safely).

use super::sidecar::{self, Ownership};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// A name jixiao would write (a lock, recovery, `.bak`, export) is held by something it
    /// must not write through or over.
    #[error("{path} {why}，jixiao 不会写入或覆盖它；请确认后把它移走")]
    Refused { path: String, why: String },
    /// The user may not write the report itself, though the folder may let them replace it.
    #[error("{0}：你没有修改这个文件的权限（文件只读，或属于别人），未保存；可以另存为自己的副本")]
    NotWritable(String),
    /// The file changed on disk since the saver read it: someone else saved meanwhile.
    #[error("{0}：文件在读入之后被别人改过，未保存（不会覆盖别人的修改）")]
    Changed(String),
    /// Replacing the file would give it another owner or group (and so other readers).
    #[error("{path}：保存后文件的{what}会从 {from} 变成 {to}，未保存")]
    OwnerWouldChange {
        path: String,
        what: &'static str,
        from: u32,
        to: u32,
    },
}

impl SaveError {
    pub(super) fn from_io(path: &Path, source: std::io::Error) -> SaveError {
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

/// What a save does besides writing the new text.
#[derive(Debug, Default, Clone, Copy)]
pub struct SaveOptions<'a> {
    /// The bytes the saver read from the file: should it hold anything else now, the save is
    /// refused with `Changed` (unless `keep_theirs`, the user's choice to overwrite).
    pub expected: Option<&'a [u8]>,
    /// Keep these bytes (the version the session loaded) as `FILE.bak` first.
    pub backup: Option<&'a [u8]>,
    /// Keep what is on disk now as `FILE.theirs` first: overwriting after a conflict loses
    /// neither side.
    pub keep_theirs: bool,
    /// Go ahead even when the file's owner or group cannot be kept (the user was asked).
    pub allow_owner_change: bool,
}

/// How a save went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// The file was replaced whole (the usual atomic save).
    Replaced,
    /// The file has other hard links: it was rewritten in place so they all see the save.
    InPlace,
}

/// The name of a copy beside a report: `FILE.bak`, `FILE.theirs`.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Saves a report's new bytes under the save policy (module doc).
pub fn save_report(path: &Path, bytes: &[u8], options: SaveOptions) -> Result<Saved, SaveError> {
    let target = resolve_target(path);
    let dir = sidecar::folder_of(&target);
    if !dir.is_dir() {
        return Err(SaveError::NoFolder(path.display().to_string()));
    }
    let existing = match std::fs::symlink_metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(SaveError::from_io(path, e)),
    };
    if let Some(meta) = &existing {
        if !meta.is_file() {
            return Err(sidecar::not_a_file(path));
        }
        // Being able to write the folder would let a rename replace a file the user may not
        // write: ask the file itself.
        if !may_write(&target) {
            return Err(SaveError::NotWritable(path.display().to_string()));
        }
    }
    if let Some(expected) = options.expected
        && !options.keep_theirs
        && std::fs::read(&target).ok().as_deref() != Some(expected)
    {
        return Err(SaveError::Changed(path.display().to_string()));
    }
    let mode = existing
        .as_ref()
        .map_or(0o666 & !current_umask(), |m| m.mode() & 0o7777);
    let in_place = existing.as_ref().is_some_and(|m| m.nlink() > 1);
    // The temporary file first: should the owner or group not be kept, nothing is written,
    // not even the copies.
    let temp = if in_place {
        None
    } else {
        Some(temporary_for(
            &target,
            &dir,
            existing.as_ref(),
            mode,
            options,
            path,
        )?)
    };
    // Copies beside the report get its owner (root) or its group (where the user is in it),
    // and are no wider than the report to whoever else can read them.
    let copy_owner = existing
        .as_ref()
        .map_or_else(Ownership::default, |m| Ownership {
            uid: (sidecar::effective_uid() == 0).then_some(m.uid()),
            gid: Some(m.gid()),
        });
    if let Some(original) = options.backup {
        sidecar::write(&beside(&target, ".bak"), original, mode & 0o777, copy_owner)?;
    }
    if options.keep_theirs && existing.is_some() {
        // Overwriting without their version kept would lose it: no copy, no save.
        let theirs = std::fs::read(&target).map_err(|e| SaveError::from_io(path, e))?;
        sidecar::write(
            &beside(&target, ".theirs"),
            &theirs,
            mode & 0o777,
            copy_owner,
        )?;
    }
    let saved = match temp {
        None => {
            write_in_place(&target, bytes, path)?;
            Saved::InPlace
        }
        Some((temp, mode)) => {
            publish(temp, &target, &dir, bytes, mode, path)?;
            Saved::Replaced
        }
    };
    sweep_stale_temporaries(&dir);
    Ok(saved)
}

/// Writes a new file, or replaces one of this user's, atomically — never through a symlink
/// (exports and other files the user names that are not reports).
pub fn write_new_or_own(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    if !sidecar::folder_of(path).is_dir() {
        return Err(SaveError::NoFolder(path.display().to_string()));
    }
    let mode = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map_or(0o666 & !current_umask(), |m| m.mode() & 0o777);
    sidecar::write(path, bytes, mode, Ownership::default())
}

/// Creates a new file whole: written to a temporary file beside it (with the usual
/// permissions, 0666 less the umask), synced, and published under its name only if nothing
/// is there by then, so a full disk or a crash never leaves a partial file and nothing
/// planted meanwhile is replaced or followed. `AlreadyExists` when the name is taken.
pub fn create_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    let folder = sidecar::folder_of(path);
    // Created with 0666: the kernel takes the umask off (no need to read it here).
    let mut temp = sidecar::temporary_beside(path, &folder, 0o666)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(path).map_err(|e| e.error)?;
    // The new name itself is durable only once the folder is synced.
    sidecar::sync_folder(&folder);
    Ok(())
}

/// A new temporary file beside the report, given the original's owner and group, and the
/// mode it is to get (`mode`, narrowed when the group could not be kept).
fn temporary_for(
    target: &Path,
    dir: &Path,
    existing: Option<&std::fs::Metadata>,
    mut mode: u32,
    options: SaveOptions,
    shown: &Path,
) -> Result<(tempfile::NamedTempFile, u32), SaveError> {
    let temp =
        sidecar::temporary_beside(target, dir, 0o600).map_err(|e| SaveError::from_io(shown, e))?;
    if let Some(meta) = existing {
        keep_owner(temp.as_file(), meta, options.allow_owner_change, shown)?;
        let now = temp
            .as_file()
            .metadata()
            .map_err(|e| SaveError::from_io(shown, e))?;
        if now.gid() != meta.gid() {
            // The user agreed to another group: it gets no more than everyone else had.
            mode = sidecar::no_wider_for_another_group(mode);
        }
    }
    Ok((temp, mode))
}

/// Writes the bytes into the temporary file, gives it the report's mode and renames it over
/// the report.
fn publish(
    mut temp: tempfile::NamedTempFile,
    target: &Path,
    dir: &Path,
    bytes: &[u8],
    mode: u32,
    shown: &Path,
) -> Result<(), SaveError> {
    let fail = |e| SaveError::from_io(shown, e);
    temp.write_all(bytes).map_err(fail)?;
    temp.flush().map_err(fail)?;
    // After fchown, which clears set-id bits.
    sidecar::publish_as(temp, target, dir, mode).map_err(fail)
}

/// Gives the temporary file the original's owner and group; where that is not allowed (a
/// colleague's file, a group the user is not in), refuses unless the user agreed.
fn keep_owner(
    temp: &std::fs::File,
    original: &std::fs::Metadata,
    allow_change: bool,
    shown: &Path,
) -> Result<(), SaveError> {
    let now = temp.metadata().map_err(|e| SaveError::from_io(shown, e))?;
    if now.uid() == original.uid() && now.gid() == original.gid() {
        return Ok(());
    }
    let uid = (now.uid() != original.uid()).then_some(original.uid());
    let gid = (now.gid() != original.gid()).then_some(original.gid());
    if std::os::unix::fs::fchown(temp, uid, gid).is_ok() {
        return Ok(());
    }
    // The owner cannot be given away (only root can), but the group can be kept by a
    // member of it: keep what can be kept, whatever the user agreed to.
    if gid.is_some() {
        let _ = std::os::unix::fs::fchown(temp, None, gid);
    }
    if allow_change {
        return Ok(());
    }
    let (what, from, to) = if uid.is_some() {
        ("属主（uid）", original.uid(), now.uid())
    } else {
        ("所属组（gid）", original.gid(), now.gid())
    };
    Err(SaveError::OwnerWouldChange {
        path: shown.display().to_string(),
        what,
        from,
        to,
    })
}

/// Rewrites a hard-linked file in place; should the write fail half-way, the original bytes
/// are written back.
fn write_in_place(target: &Path, bytes: &[u8], shown: &Path) -> Result<(), SaveError> {
    let fail = |e| SaveError::from_io(shown, e);
    let original = std::fs::read(target).map_err(fail)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(target)
        .map_err(fail)?;
    let write = |file: &mut std::fs::File, bytes: &[u8]| -> std::io::Result<()> {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(0))?;
        file.write_all(bytes)?;
        file.set_len(bytes.len() as u64)?;
        file.sync_all()
    };
    if let Err(e) = write(&mut file, bytes) {
        let _ = write(&mut file, &original);
        return Err(fail(e));
    }
    Ok(())
}

/// Whether this user may write the file (by its mode, owner and group, as the kernel judges).
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid C string; faccessat only reads it.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// Removes temporary files of this user's left in `dir` by saves that crashed (older than a
/// minute, so a save still running elsewhere keeps its own).
fn sweep_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.contains(sidecar::TEMPORARY_MARK)) {
            continue;
        }
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.uid() == sidecar::effective_uid()
                && m.modified()
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > Duration::from_secs(60))
        });
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
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
    use std::os::unix::fs::PermissionsExt;

    fn save(path: &Path, bytes: &[u8]) -> Result<Saved, SaveError> {
        save_report(path, bytes, SaveOptions::default())
    }

    fn mode_of(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn replaces_the_file_whole_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(save(&path, b"new").unwrap(), Saved::Replaced);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode_of(&path), 0o640);
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn a_new_file_is_created_with_the_usual_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.toml");
        save(&path, b"x").unwrap();
        assert_eq!(mode_of(&path), 0o666 & !current_umask());
    }

    #[test]
    fn create_new_file_gives_the_usual_permissions_and_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.toml");
        create_new_file(&path, b"x").unwrap();
        assert_eq!(mode_of(&path), 0o666 & !current_umask());
        let err = create_new_file(&path, b"y").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }

    #[test]
    fn saves_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        let link = dir.path().join("link.toml");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        save(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn the_backup_is_no_wider_than_the_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let options = SaveOptions {
            backup: Some(b"old"),
            ..SaveOptions::default()
        };
        save_report(&path, b"new", options).unwrap();
        let bak = beside(&path, ".bak");
        assert_eq!(std::fs::read(&bak).unwrap(), b"old");
        assert_eq!(mode_of(&bak), 0o600);
    }

    #[test]
    fn overwriting_after_a_conflict_keeps_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "theirs").unwrap();
        let options = SaveOptions {
            backup: Some(b"loaded"),
            keep_theirs: true,
            ..SaveOptions::default()
        };
        save_report(&path, b"mine", options).unwrap();
        assert_eq!(std::fs::read(beside(&path, ".bak")).unwrap(), b"loaded");
        assert_eq!(std::fs::read(beside(&path, ".theirs")).unwrap(), b"theirs");
        assert_eq!(std::fs::read(&path).unwrap(), b"mine");
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_saved_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "theirs").unwrap();
        let options = SaveOptions {
            expected: Some(b"what I read"),
            ..SaveOptions::default()
        };
        let err = save_report(&path, b"mine", options).unwrap_err();
        assert!(matches!(err, SaveError::Changed(_)), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"theirs");
        // Refused before anything is written: no copy, no temporary file left.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["r.toml"]);
        let overwrite = SaveOptions {
            keep_theirs: true,
            ..options
        };
        save_report(&path, b"mine", overwrite).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"mine");
        assert_eq!(std::fs::read(beside(&path, ".theirs")).unwrap(), b"theirs");
    }

    #[test]
    fn hard_links_are_kept_by_saving_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        let other = dir.path().join("link.toml");
        std::fs::write(&path, "a longer old text").unwrap();
        std::fs::hard_link(&path, &other).unwrap();
        assert_eq!(save(&path, b"new").unwrap(), Saved::InPlace);
        assert_eq!(std::fs::read(&other).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&path).unwrap().nlink(), 2);
    }

    #[test]
    fn a_planted_backup_symlink_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        let victim = dir.path().join("victim");
        std::fs::write(&path, "old").unwrap();
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, beside(&path, ".bak")).unwrap();
        let options = SaveOptions {
            backup: Some(b"old"),
            ..SaveOptions::default()
        };
        let err = save_report(&path, b"new", options).unwrap_err();
        assert!(matches!(err, SaveError::Refused { .. }), "{err}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }

    #[test]
    fn stale_temporaries_of_a_crashed_save_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        let stale = dir.path().join(".r.toml.jixiao-save-AbC123");
        std::fs::write(&stale, "half").unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let fresh = dir.path().join(".r.toml.jixiao-save-Fresh1");
        std::fs::write(&fresh, "running").unwrap();
        save(&path, b"x").unwrap();
        assert!(!stale.exists());
        assert!(
            fresh.exists(),
            "a save that may still be running keeps its file"
        );
    }
}
