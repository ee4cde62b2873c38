//! What tells a changed file from an unchanged one without reading it: the folders the
//! review and the class grid follow are polled by it (no inotify, so NFS works too).

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::SystemTime;

/// A file's modification time, size and inode (a save by rename changes the inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub modified: Option<SystemTime>,
    pub size: u64,
    pub inode: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            modified: meta.modified().ok(),
            size: meta.len(),
            inode: meta.ino(),
        }
    }

    /// The stamp of a file now (following a symlinked file), if it can be had.
    pub fn now(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
    }
}
