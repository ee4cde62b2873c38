//! Recovery and session files beside a report: `.FILE.jixiao-recover` holds the whole
//! document after every committed edit that is not yet saved; `.FILE.jixiao-lock` says which
//! process on which host has the file open, so a second session can offer read-only.

use super::save::SaveError;
use super::sidecar;
use super::tree::{Ctx, Kind, Table};
use crate::model::FieldPath;
use std::path::{Path, PathBuf};

/// Who wrote a recovery or lock file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Owner {
    pub pid: u32,
    pub host: String,
}

impl Owner {
    /// This process on this host.
    pub fn me() -> Owner {
        Owner {
            pid: std::process::id(),
            host: hostname(),
        }
    }

    /// Whether the owner is a live process other than this one (on this host; a session on
    /// another host sharing the folder is assumed alive).
    pub fn is_alive_elsewhere(&self) -> bool {
        if *self == Owner::me() {
            return false;
        }
        if self.host != hostname() {
            return true;
        }
        // SAFETY: kill with signal 0 sends nothing; it only asks whether the pid exists.
        let result = unsafe { libc::kill(self.pid as libc::pid_t, 0) };
        result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "localhost".to_owned())
}

/// The contents of a recovery file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recovery {
    pub owner: Owner,
    /// The report file it recovers.
    pub file: PathBuf,
    /// The whole document as it stood after the last committed edit.
    pub text: String,
    /// The fingerprint (`fingerprint`) of the file on disk the edits started from: when the
    /// file no longer matches it, someone changed it after the session ended.
    #[serde(default)]
    pub base: Option<String>,
}

/// A short fingerprint of a file's bytes: its length and a 64-bit hash.
pub fn fingerprint(bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    format!("{}:{:016x}", bytes.len(), hasher.finish())
}

/// The recovery, lock and discarded-copy files of one report file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFiles {
    pub recovery: PathBuf,
    pub lock: PathBuf,
    /// The last recovery the user chose to discard, kept until the next successful save.
    pub discarded: PathBuf,
}

/// The bytes of a recovery file holding `text` for `file`, written by this process; `base`
/// is the fingerprint of the file on disk the edits started from.
pub fn encode_recovery(file: &Path, text: String, base: Option<String>) -> Vec<u8> {
    let recovery = Recovery {
        owner: Owner::me(),
        file: file.to_path_buf(),
        text,
        base,
    };
    serde_json::to_vec(&recovery).expect("a recovery serializes")
}

impl SessionFiles {
    pub fn for_file(file: &Path) -> SessionFiles {
        let dir = sidecar::folder_of(file);
        let name = sidecar::name_of(file);
        SessionFiles {
            recovery: dir.join(format!(".{name}.jixiao-recover")),
            lock: dir.join(format!(".{name}.jixiao-lock")),
            discarded: dir.join(format!(".{name}.jixiao-discarded")),
        }
    }

    /// Writes the recovery file (atomically, mode 0600).
    pub fn write_recovery(&self, file: &Path, text: &str) -> Result<(), SaveError> {
        self.write_encoded(&encode_recovery(file, text.to_owned(), None))
    }

    /// Writes a recovery file's bytes made by `encode_recovery` (atomically, mode 0600, never
    /// through a symlink or over someone else's file).
    pub fn write_encoded(&self, bytes: &[u8]) -> Result<(), SaveError> {
        sidecar::write(&self.recovery, bytes, 0o600, Default::default())
    }

    /// The recovery file: `Ok(None)` when there is none; an error when something is there
    /// that is not a recovery file of this user's, or does not read as one.
    pub fn read_recovery(&self) -> Result<Option<Recovery>, SaveError> {
        let Some((bytes, _)) = sidecar::read(&self.recovery, false)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| sidecar::refusal(&self.recovery, &format!("无法读取（{e}）")))
    }

    /// Removes the recovery file (only a save that holds its content, or a discard, may).
    pub fn remove_recovery(&self) {
        sidecar::remove(&self.recovery);
    }

    /// Keeps the recovery file as the discarded copy instead of deleting it: one mistaken
    /// key is not fatal.
    pub fn discard_recovery(&self) -> Result<(), SaveError> {
        sidecar::rename(&self.recovery, &self.discarded)
    }

    /// Removes the discarded copy (after a successful save).
    pub fn remove_discarded(&self) {
        sidecar::remove(&self.discarded);
    }

    /// Claims the file for this session. The lock is readable by others (it holds only a
    /// process and host) so that a colleague's session can see it.
    pub fn lock(&self) -> Result<(), SaveError> {
        let json = serde_json::to_vec(&Owner::me()).expect("an owner serializes");
        sidecar::write(&self.lock, &json, 0o644, Default::default())
    }

    /// The live session that holds the file, if it is not this one; an error when something
    /// other than a lock file has the lock's name.
    pub fn holder(&self) -> Result<Option<Owner>, SaveError> {
        let Some((bytes, _)) = sidecar::read(&self.lock, true)? else {
            return Ok(None);
        };
        let owner = serde_json::from_slice::<Owner>(&bytes).ok();
        Ok(owner.filter(Owner::is_alive_elsewhere))
    }

    /// Releases the lock if it is ours.
    pub fn unlock(&self) {
        let ours = sidecar::read(&self.lock, false)
            .ok()
            .flatten()
            .and_then(|(b, _)| serde_json::from_slice::<Owner>(&b).ok())
            .is_some_and(|o| o == Owner::me());
        if ours {
            sidecar::remove(&self.lock);
        }
    }
}

/// The lines that differ between two texts, `-` for `from` and `+` for `to`, at most
/// `max_lines` of them. A line that holds a value is named by the value's whole key path
/// (`- score_sheet.groups[0].indicators[1].score = 10`): in a report of 5,000 indicators
/// `score = 10` alone does not say which.
pub fn describe_difference(from: &str, to: &str, max_lines: usize) -> Vec<String> {
    describe(from, to, max_lines, false)
}

/// `describe_difference` of the values only: lines that are blank or only a comment are
/// left out on both sides (two reports with other header notes differ in their figures).
pub fn describe_value_difference(from: &str, to: &str, max_lines: usize) -> Vec<String> {
    describe(from, to, max_lines, true)
}

fn describe(from: &str, to: &str, max_lines: usize, values_only: bool) -> Vec<String> {
    let (old, new) = (Described::new(from), Described::new(to));
    let diff = similar::TextDiff::from_lines(from, to);
    let mut lines = Vec::new();
    let mut more = 0;
    for change in diff.iter_all_changes() {
        if change.tag() == similar::ChangeTag::Equal {
            continue;
        }
        if values_only {
            let line = change.value().trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
        }
        if lines.len() == max_lines {
            more += 1;
            continue;
        }
        let (sign, line) = match (change.old_index(), change.new_index()) {
            (Some(i), _) if change.tag() == similar::ChangeTag::Delete => ("-", old.line(i)),
            (_, Some(i)) => ("+", new.line(i)),
            _ => continue,
        };
        let shown = crate::sanitize::visible_inline(&line);
        lines.push(format!(
            "{sign} {}",
            crate::model::first_line_short(&shown, 80)
        ));
    }
    if more > 0 {
        lines.push(format!("…（另有 {more} 行不同）"));
    }
    lines
}

/// A text with the place of every value in it.
struct Described<'t> {
    text: &'t str,
    /// Where each line starts.
    starts: Vec<usize>,
    /// Each value: its key path, where its key ends, and where the key starts and the value
    /// ends; in file order.
    places: Vec<(FieldPath, usize, std::ops::Range<usize>)>,
}

impl<'t> Described<'t> {
    fn new(text: &'t str) -> Described<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut places = Vec::new();
        // A text that is not TOML has its lines shown as they are.
        if let Ok(root) = toml::de::DeTable::parse(text) {
            let ctx = Ctx {
                text,
                inline: false,
            };
            values(
                Table::Read(root.get_ref(), ctx),
                &FieldPath::root(),
                &mut places,
            );
        }
        places.sort_by_key(|(_, _, span)| span.start);
        Described {
            text,
            starts,
            places,
        }
    }

    /// Line `i` without its ending, its value named by its key path.
    fn line(&self, i: usize) -> String {
        let start = self.starts.get(i).copied().unwrap_or(self.text.len());
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        let raw = self.text[start..end].trim_end_matches(['\n', '\r']);
        let end = start + raw.len();
        // The places are in file order: those starting on this line, and the one before.
        let from = self
            .places
            .partition_point(|(_, _, span)| span.start < start);
        let to = self
            .places
            .partition_point(|(_, _, span)| span.start <= end);
        match &self.places[from..to] {
            // The line with the key: the path in its place.
            [(path, key_end, _)] => format!("{path}{}", &self.text[*key_end..end]),
            // Several values on one line (an inline row): the row, or the rows, they are in.
            [(first, _, _), rest @ ..] => {
                let common = rest.iter().fold(first.segs().len(), |n, (path, _, _)| {
                    first.segs()[..n]
                        .iter()
                        .zip(path.segs())
                        .take_while(|(a, b)| a == b)
                        .count()
                });
                let ancestor = FieldPath(first.segs()[..common].to_vec());
                format!("{ancestor}：{}", raw.trim())
            }
            // A line inside a value written over several lines, or no value at all.
            [] => match from
                .checked_sub(1)
                .map(|i| &self.places[i])
                .filter(|(_, _, span)| start < span.end)
            {
                Some((path, _, _)) => format!("{path}：{}", raw.trim()),
                None => raw.to_owned(),
            },
        }
    }
}

/// Every value under a table (in rows and inline tables too), with its place.
fn values(
    table: Table<'_>,
    at: &FieldPath,
    out: &mut Vec<(FieldPath, usize, std::ops::Range<usize>)>,
) {
    for (key, node) in table.entries() {
        let path = at.key(key);
        let rows = match node.kind() {
            Kind::Table(t) | Kind::Inline(t) => {
                values(t, &path, out);
                continue;
            }
            Kind::Rows(rows) => Some(rows),
            Kind::Array(items) if items.iter().any(|item| item.as_table().is_some()) => Some(items),
            _ => None,
        };
        match rows {
            Some(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    if let Some(t) = row.as_table() {
                        values(t, &path.index(i), out);
                    }
                }
            }
            None => {
                if let (Some(key_span), Some(span)) = (table.key_span(key), node.span()) {
                    out.push((path, key_span.end, key_span.start..span.end));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn recovery_is_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.toml");
        let files = SessionFiles::for_file(&file);
        assert_eq!(files.recovery, dir.path().join(".r.toml.jixiao-recover"));
        files.write_recovery(&file, "a = 1\n").unwrap();
        let mode = std::fs::metadata(&files.recovery)
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        let r = files.read_recovery().unwrap().unwrap();
        assert_eq!(r.text, "a = 1\n");
        assert_eq!(r.owner, Owner::me());
        files.remove_recovery();
        assert!(files.read_recovery().unwrap().is_none());
    }

    #[test]
    fn a_lock_of_our_own_or_of_a_dead_process_holds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = SessionFiles::for_file(&dir.path().join("r.toml"));
        files.lock().unwrap();
        assert_eq!(files.holder().unwrap(), None);
        let dead = Owner {
            pid: u32::MAX / 2,
            host: hostname(),
        };
        std::fs::write(&files.lock, serde_json::to_vec(&dead).unwrap()).unwrap();
        assert_eq!(files.holder().unwrap(), None);
        let parent = Owner {
            pid: std::os::unix::process::parent_id(),
            host: hostname(),
        };
        std::fs::write(&files.lock, serde_json::to_vec(&parent).unwrap()).unwrap();
        assert_eq!(files.holder().unwrap(), Some(parent));
        files.unlock();
        assert!(files.lock.exists(), "someone else's lock is left alone");
    }

    #[test]
    fn differences_are_described_line_by_line() {
        let lines = describe_difference("a = 1\nb = 2\n", "a = 1\nb = 3\n", 10);
        assert_eq!(lines, ["- b = 2", "+ b = 3"]);
        // Beyond the lines shown, how many more there are.
        let lines = describe_difference("a = 1\nb = 2\nc = 3\n", "a = 4\nb = 5\nc = 6\n", 2);
        assert_eq!(lines, ["- a = 1", "- b = 2", "…（另有 4 行不同）"]);
    }

    #[test]
    fn a_changed_value_is_named_by_its_key_path() {
        let from = "[[score_sheet.groups]]\nname = \"产出\"\n  [[score_sheet.groups.indicators]]\n  name = \"甲\"\n  score = 10   # 满分\n  [[score_sheet.groups.indicators]]\n  name = \"乙\"\n  score = 10\n[closing]\nproblems = \"\"\"第一行\n第二行\"\"\"\n# 注释\n";
        let to = from
            .replace("  score = 10\n[closing]", "  score = 9\n[closing]")
            .replace("第二行", "第二行改了")
            .replace("# 注释", "# 新注释");
        let lines = describe_difference(from, &to, 10);
        assert_eq!(
            lines,
            [
                "- score_sheet.groups[0].indicators[1].score = 10",
                "+ score_sheet.groups[0].indicators[1].score = 9",
                "- closing.problems：第二行\"\"\"",
                "- # 注释",
                "+ closing.problems：第二行改了\"\"\"",
                "+ # 新注释",
            ]
        );
        let inline = describe_difference(
            "[budget]\nprojects = [{ name = \"甲\", amount = 1 }]\n",
            "[budget]\nprojects = [{ name = \"甲\", amount = 2 }]\n",
            10,
        );
        assert_eq!(
            inline,
            [
                "- budget.projects[0]：projects = [{ name = \"甲\", amount = 1 }]",
                "+ budget.projects[0]：projects = [{ name = \"甲\", amount = 2 }]",
            ]
        );
    }
}
