//! Shared folders are hostile: a member of the office's group plants symlinks and files under
//! the names jixiao writes beside a report, or owns the report itself; the real binary, run
//! as two different non-root users (root switches to them), refuses and leaves every file as
//! it was; root's own saves keep the owner's file the owner's.

mod common;

use common::pty::Session;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/lusong-emergency-2023.toml"
);

/// The finance office's group: it owns the shared folder.
const OFFICE: u32 = 61000;
const VICTIM: u32 = 61001;
/// Another member of the office's group.
const ATTACKER: u32 = 61002;
/// The group of another department's setgid folder.
const ELSEWHERE: u32 = 61003;
/// A group the victim is not in (any more).
const FORMER: u32 = 61004;

/// Only root can be the victim and the attacker in turn; as anyone else the test is skipped.
fn root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!("skipped: running as the victim and the attacker needs root");
    }
    root
}

/// A user with no entry in /etc/passwd: numeric ids and a home folder of their own.
struct User {
    uid: u32,
    gid: u32,
    groups: Vec<u32>,
    home: PathBuf,
}

impl User {
    fn new(base: &Path, uid: u32, gid: u32, groups: &[u32]) -> User {
        let home = base.join(format!("home-{uid}"));
        std::fs::create_dir(&home).unwrap();
        chown(&home, uid, gid);
        chmod(&home, 0o700);
        User {
            uid,
            gid,
            groups: groups.to_vec(),
            home,
        }
    }

    /// `setpriv`'s arguments that make a process this user.
    fn ids(&self) -> Vec<String> {
        let mut ids = vec![
            format!("--reuid={}", self.uid),
            format!("--regid={}", self.gid),
        ];
        if self.groups.is_empty() {
            ids.push("--clear-groups".into());
        } else {
            let groups: Vec<String> = self.groups.iter().map(u32::to_string).collect();
            ids.push(format!("--groups={}", groups.join(",")));
        }
        ids
    }

    /// The same user, also a member of `group`.
    fn also_in(&self, group: u32) -> User {
        let mut groups = self.groups.clone();
        groups.push(group);
        User {
            groups,
            home: self.home.clone(),
            ..*self
        }
    }

    fn config(&self) -> PathBuf {
        self.home.join(".config")
    }

    /// `program` run as this user.
    fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("setpriv");
        command
            .args(self.ids())
            .arg("--")
            .arg(program)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.config());
        command
    }

    /// A shell command run as this user (`$0`, `$1`… are `args`); panics if it fails.
    fn shell(&self, script: &str, args: &[&Path], stdin: &[u8]) {
        let mut child = self
            .command("sh")
            .arg("-c")
            .arg(script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{script}: {}",
            text(&output.stderr)
        );
    }
}

/// A shared folder (group OFFICE, 2775: every member may create, rename and delete files in
/// it), the victim and the attacker, both members of the group.
struct Office {
    base: tempfile::TempDir,
    shared: PathBuf,
    jixiao: PathBuf,
    victim: User,
    attacker: User,
}

impl Office {
    fn new() -> Office {
        let base = tempfile::tempdir().unwrap();
        chmod(base.path(), 0o755);
        let shared = base.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        chown(&shared, 0, OFFICE);
        chmod(&shared, 0o2775);
        let victim = User::new(base.path(), VICTIM, OFFICE, &[OFFICE]);
        let attacker = User::new(base.path(), ATTACKER, OFFICE, &[OFFICE]);
        let jixiao = runnable_by_others(base.path());
        Office {
            base,
            shared,
            jixiao,
            victim,
            attacker,
        }
    }

    /// A copy of the example report at `path`, with this owner, group and mode.
    fn report(&self, path: &Path, uid: u32, gid: u32, mode: u32) -> PathBuf {
        std::fs::copy(SEED, path).unwrap();
        chown(path, uid, gid);
        chmod(path, mode);
        path.to_path_buf()
    }

    /// The victim's report `a.toml` in the shared folder (group-writable, as reports there are).
    fn victims_report(&self) -> PathBuf {
        self.report(&self.shared.join("a.toml"), VICTIM, OFFICE, 0o660)
    }

    /// A private file in the victim's home, which the attacker may not even read.
    fn victims_secret(&self) -> PathBuf {
        let secret = self.victim.home.join("secret.txt");
        std::fs::write(&secret, "只有我能看的笔记\n").unwrap();
        chown(&secret, VICTIM, OFFICE);
        chmod(&secret, 0o600);
        secret
    }

    /// The attacker makes `name` (in the shared folder) a symlink to the victim's private
    /// file; both are kept as they were then, to check nothing was written through the link.
    fn plant_symlink_to_victims_secret(&self, name: &str) -> PlantedLink {
        let secret = self.victims_secret();
        let planted = self.shared.join(name);
        self.plant_symlink(&secret, &planted);
        PlantedLink {
            secret_before: kept(&secret),
            planted_before: kept(&planted),
            secret,
            planted,
        }
    }

    /// The attacker makes `name` a symlink to `target`.
    fn plant_symlink(&self, target: &Path, name: &Path) {
        self.attacker
            .shell("ln -s \"$0\" \"$1\"", &[target, name], b"");
        let meta = std::fs::symlink_metadata(name).unwrap();
        assert!(meta.file_type().is_symlink());
        assert_eq!(meta.uid(), ATTACKER);
    }

    /// The attacker writes a file of their own under `name`.
    fn plant_file(&self, name: &Path, bytes: &[u8]) {
        self.attacker
            .shell("umask 022; cat > \"$0\"", &[name], bytes);
        assert_eq!(std::fs::metadata(name).unwrap().uid(), ATTACKER);
    }

    /// The workbench on `file`, run by `user` in a real terminal (wide enough for the whole
    /// of a refusal with its path).
    fn workbench(&self, user: &User, file: &Path) -> Session {
        let config = user.config();
        Session::start_as(
            &user.ids(),
            &[("HOME", &user.home), ("XDG_CONFIG_HOME", &config)],
            &self.jixiao,
            &["edit", file.to_str().unwrap()],
            250,
            30,
        )
    }

    /// `jixiao set FILE budget.spent=320.26` run by `user`.
    fn set(&self, user: &User, file: &Path) -> Output {
        user.command(&self.jixiao)
            .arg("set")
            .arg(file)
            .arg("budget.spent=320.26")
            .output()
            .unwrap()
    }
}

/// The binary, or where it is not reachable by other users (a target folder under a private
/// home), a copy of it in `base`.
fn runnable_by_others(base: &Path) -> PathBuf {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_jixiao"));
    let open = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.mode() & 0o001 != 0);
    if binary.ancestors().all(open) {
        return binary;
    }
    let copy = base.join("jixiao");
    std::fs::copy(&binary, &copy).unwrap();
    chmod(&copy, 0o755);
    copy
}

fn chown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The attacker's symlink to the victim's private file, and both as they were when planted.
struct PlantedLink {
    secret: PathBuf,
    planted: PathBuf,
    secret_before: Kept,
    planted_before: Kept,
}

impl PlantedLink {
    /// Nothing was written through the link, and the link itself is left alone.
    fn assert_untouched(&self) {
        assert_eq!(
            kept(&self.secret),
            self.secret_before,
            "the symlink's target"
        );
        assert_eq!(
            kept(&self.planted),
            self.planted_before,
            "the symlink is left alone"
        );
    }
}

/// Everything about a file a save or a plant could change: its bytes (a symlink's target;
/// nothing for a fifo), mode, owner, group and inode.
#[derive(Debug, PartialEq, Eq)]
struct Kept {
    bytes: Vec<u8>,
    symlink: bool,
    mode: u32,
    uid: u32,
    gid: u32,
    ino: u64,
}

fn kept(path: &Path) -> Kept {
    let meta = std::fs::symlink_metadata(path).unwrap();
    let symlink = meta.file_type().is_symlink();
    let bytes = if symlink {
        use std::os::unix::ffi::OsStrExt;
        std::fs::read_link(path)
            .unwrap()
            .as_os_str()
            .as_bytes()
            .to_vec()
    } else if meta.is_file() {
        std::fs::read(path).unwrap()
    } else {
        Vec::new()
    };
    Kept {
        bytes,
        symlink,
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
        ino: meta.ino(),
    }
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o7777
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A recovery file's contents, as jixiao writes them, for `file` holding `text`.
fn recovery_json(file: &Path, text: &str) -> Vec<u8> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into());
    serde_json::to_vec(&serde_json::json!({
        "owner": { "pid": 2_000_000_000u32, "host": host },
        "file": file,
        "text": text,
        "base": null,
    }))
    .unwrap()
}

/// What jixiao says when `planted` has a name it would write: a symlink.
fn symlink_refused(planted: &Path) -> String {
    format!(
        "{} 是一个符号链接（可能有人想借它改写别的文件），jixiao 不会写入或覆盖它；请确认后把它移走",
        planted.display()
    )
}

/// Saves with Ctrl-S and waits until the file holds the edit.
fn save(s: &mut Session, file: &Path) {
    s.send("\x13");
    common::pty::wait_for_file(file, |t| t.contains("（甲）"));
}

/// Edits the first field (报告标题) and commits it.
fn one_edit(s: &mut Session) {
    s.wait_for_screen("94 / 97");
    s.send("\r");
    s.wait_for_screen("Enter 确定");
    s.send("（甲）\r");
}

/// Quits a workbench with unsaved edits, discarding them.
fn quit_discarding(s: &mut Session) {
    s.send("q");
    s.wait_for_screen("有未保存的修改");
    s.send("d");
    assert_eq!(s.wait_exit(), 0);
}

/// The attacker plants `name` as a symlink to the victim's private file; the victim opens
/// `a.toml` and is shown why it is read-only; nothing is written through the link.
fn a_planted_session_symlink_opens_read_only(name: &str) {
    let office = Office::new();
    let report = office.victims_report();
    let link = office.plant_symlink_to_victims_secret(name);
    let report_before = kept(&report);
    let mut s = office.workbench(&office.victim, &report);
    s.wait_for_screen(&format!(
        "{}；为安全起见以只读方式打开",
        symlink_refused(&link.planted)
    ));
    s.wait_for_screen("[只读]");
    // An edit key is refused (Enter in view reads the cell whole instead).
    s.send("d");
    s.wait_for_screen("只读模式");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    link.assert_untouched();
    assert_eq!(kept(&report), report_before, "the report");
    assert_eq!(names(&office.shared), [name, "a.toml"]);
}

#[test]
fn a_symlink_planted_as_the_lock_opens_the_report_read_only_and_writes_nothing_through_it() {
    if !root() {
        return;
    }
    a_planted_session_symlink_opens_read_only(".a.toml.jixiao-lock");
}

#[test]
fn a_symlink_planted_as_the_recovery_opens_the_report_read_only_and_writes_nothing_through_it() {
    if !root() {
        return;
    }
    a_planted_session_symlink_opens_read_only(".a.toml.jixiao-recover");
}

#[test]
fn a_symlink_planted_as_the_backup_is_refused_at_the_first_save_and_the_report_kept() {
    if !root() {
        return;
    }
    let office = Office::new();
    let report = office.victims_report();
    let link = office.plant_symlink_to_victims_secret("a.toml.bak");
    let report_before = kept(&report);
    let mut s = office.workbench(&office.victim, &report);
    one_edit(&mut s);
    s.send("\x13");
    s.wait_for_screen(&format!(
        "{}；修改仍在工作台中",
        symlink_refused(&link.planted)
    ));
    quit_discarding(&mut s);
    link.assert_untouched();
    assert_eq!(kept(&report), report_before, "the report is not saved");
}

#[test]
fn a_symlink_planted_as_theirs_is_refused_when_overwriting_a_colleagues_save() {
    if !root() {
        return;
    }
    let office = Office::new();
    let report = office.victims_report();
    let link = office.plant_symlink_to_victims_secret("a.toml.theirs");
    let mut s = office.workbench(&office.victim, &report);
    one_edit(&mut s);
    // Meanwhile the colleague (the group may write the report) changes it in place.
    office
        .attacker
        .shell("printf '# 同事改过\\n' >> \"$0\"", &[&report], b"");
    let report_before = kept(&report);
    assert!(text(&report_before.bytes).ends_with("# 同事改过\n"));
    s.send("\x13");
    s.wait_for_screen("文件在磁盘上已被别人修改");
    s.send("o");
    s.wait_for_screen(&format!(
        "{}；修改仍在工作台中",
        symlink_refused(&link.planted)
    ));
    quit_discarding(&mut s);
    link.assert_untouched();
    assert_eq!(
        kept(&report),
        report_before,
        "the colleague's version is not overwritten"
    );
}

#[test]
fn a_symlink_planted_as_the_discarded_copy_is_refused_when_an_unreadable_recovery_is_set_aside() {
    if !root() {
        return;
    }
    let office = Office::new();
    let report = office.victims_report();
    // The victim's own recovery, from an older session, that no longer loads.
    let recovery = office.shared.join(".a.toml.jixiao-recover");
    std::fs::write(&recovery, recovery_json(&report, "不是 TOML [[[\n")).unwrap();
    chown(&recovery, VICTIM, OFFICE);
    chmod(&recovery, 0o600);
    let link = office.plant_symlink_to_victims_secret(".a.toml.jixiao-discarded");
    let (report_before, recovery_before) = (kept(&report), kept(&recovery));
    let mut s = office.workbench(&office.victim, &report);
    s.wait_for_screen(&format!(
        "{}；为安全起见以只读方式打开",
        symlink_refused(&link.planted)
    ));
    s.wait_for_screen("[只读]");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    link.assert_untouched();
    assert_eq!(kept(&recovery), recovery_before, "the recovery stays");
    assert_eq!(kept(&report), report_before, "the report");
}

/// The victim has a recovery of their own and the attacker a symlink under the discarded
/// copy's name; the victim chooses d (discard, keeping a copy) at the recovery prompt.
/// `then` looks at the workbench, read-only by then; nothing is written through the link.
fn discard_a_recovery_onto_a_planted_symlink(then: impl FnOnce(&mut Session)) {
    let office = Office::new();
    let report = office.victims_report();
    let seed = std::fs::read_to_string(SEED).unwrap();
    let recovery = office.shared.join(".a.toml.jixiao-recover");
    let edited = seed.replace("unit = \"株洲市芦淞区应急管理局\"", "unit = \"（未保存）\"");
    std::fs::write(&recovery, recovery_json(&report, &edited)).unwrap();
    chown(&recovery, VICTIM, OFFICE);
    chmod(&recovery, 0o600);
    let link = office.plant_symlink_to_victims_secret(".a.toml.jixiao-discarded");
    let (report_before, recovery_before) = (kept(&report), kept(&recovery));
    let mut s = office.workbench(&office.victim, &report);
    s.wait_for_screen("发现未保存的修改");
    s.send("d");
    s.wait_for_screen("[只读]");
    then(&mut s);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    link.assert_untouched();
    assert_eq!(kept(&recovery), recovery_before, "the recovery stays");
    assert_eq!(kept(&report), report_before, "the report");
    assert_eq!(
        names(&office.shared),
        [
            ".a.toml.jixiao-discarded",
            ".a.toml.jixiao-recover",
            "a.toml"
        ]
    );
}

#[test]
fn discarding_a_recovery_onto_a_planted_symlink_keeps_the_recovery_and_writes_nothing_through_it() {
    if !root() {
        return;
    }
    discard_a_recovery_onto_a_planted_symlink(|s| {
        s.wait_for_screen("已以只读方式打开（恢复文件保留，重新打开时可再选择）");
    });
}

#[test]
fn discarding_a_recovery_onto_a_planted_symlink_says_why_it_was_refused() {
    if !root() {
        return;
    }
    discard_a_recovery_onto_a_planted_symlink(|s| {
        let planted = Path::new(".a.toml.jixiao-discarded");
        s.wait_for_screen(&symlink_refused(planted));
    });
}

/// The victim opens `report` with `planted` (not a symlink) beside it: told why `planted`
/// is refused (`why`), the report opens read-only, and neither file changes. The screen's
/// text, for what else it must (not) say.
fn a_plant_opens_read_only(office: &Office, report: &Path, planted: &Path, why: &str) -> String {
    let (report_before, planted_before) = (kept(report), kept(planted));
    let mut s = office.workbench(&office.victim, report);
    s.wait_for_screen(&format!(
        "{} {why}，jixiao 不会写入或覆盖它；请确认后把它移走；为安全起见以只读方式打开",
        planted.display()
    ));
    s.wait_for_screen("[只读]");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(kept(planted), planted_before, "the planted file");
    assert_eq!(kept(report), report_before, "the report");
    let name = planted.file_name().unwrap().to_str().unwrap();
    assert_eq!(names(&office.shared), [name, "a.toml"]);
    strip(&s)
}

/// The attacker leaves a file of their own under `name`; the victim's workbench refuses it
/// and opens read-only, and the file stays exactly as the attacker left it.
fn a_planted_file_of_anothers_opens_read_only(name: &str, planted_bytes: &[u8]) {
    let office = Office::new();
    let report = office.victims_report();
    let planted = office.shared.join(name);
    office.plant_file(&planted, planted_bytes);
    let why = format!("属于另一个用户（uid {ATTACKER}）");
    let screen = a_plant_opens_read_only(&office, &report, &planted, &why);
    assert!(
        !screen.contains("发现未保存的修改"),
        "another's file is never offered as the victim's edits"
    );
}

fn strip(s: &Session) -> String {
    common::pty::strip_escapes(&s.output.lock().unwrap())
}

#[test]
fn a_recovery_file_planted_by_another_user_is_refused_not_offered() {
    if !root() {
        return;
    }
    let seed = std::fs::read_to_string(SEED).unwrap();
    let forged = seed.replace(
        "unit = \"株洲市芦淞区应急管理局\"",
        "unit = \"（伪造的单位）\"",
    );
    let file = PathBuf::from("a.toml");
    a_planted_file_of_anothers_opens_read_only(
        ".a.toml.jixiao-recover",
        &recovery_json(&file, &forged),
    );
}

#[test]
fn a_stale_lock_left_by_another_user_is_refused_not_replaced() {
    if !root() {
        return;
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let lock = format!("{{\"pid\":2000000000,\"host\":\"{}\"}}", host.trim());
    a_planted_file_of_anothers_opens_read_only(".a.toml.jixiao-lock", lock.as_bytes());
}

#[test]
fn a_fifo_planted_as_the_lock_opens_the_report_read_only_instead_of_hanging() {
    if !root() {
        return;
    }
    let office = Office::new();
    let report = office.victims_report();
    let planted = office.shared.join(".a.toml.jixiao-lock");
    office.attacker.shell("mkfifo \"$0\"", &[&planted], b"");
    a_plant_opens_read_only(&office, &report, &planted, "不是普通文件");
}

/// `jixiao export --force` of the victim's report onto `out`, run by the victim.
fn export_onto(office: &Office, report: &Path, out: &Path) -> Output {
    office
        .victim
        .command(&office.jixiao)
        .args(["export", "--to", "md", "--force", "-o"])
        .arg(out)
        .arg(report)
        .output()
        .unwrap()
}

#[test]
fn an_export_with_force_refuses_a_planted_symlink_and_a_colleagues_file() {
    if !root() {
        return;
    }
    let office = Office::new();
    let report = office.victims_report();
    let link = office.plant_symlink_to_victims_secret("a.md");
    let theirs = office.shared.join("b.md");
    office.plant_file(&theirs, "# 同事的导出\n".as_bytes());
    let theirs_before = kept(&theirs);
    let output = export_onto(&office, &report, &link.planted);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&symlink_refused(&link.planted)), "{stderr}");
    let output = export_onto(&office, &report, &theirs);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{} 属于另一个用户（uid {ATTACKER}），jixiao 不会写入或覆盖它",
            theirs.display()
        )),
        "{stderr}"
    );
    link.assert_untouched();
    assert_eq!(kept(&theirs), theirs_before, "the colleague's file");
    assert_eq!(names(&office.shared), ["a.md", "a.toml", "b.md"]);
    // The victim's own export is still replaced.
    let mine = office.shared.join("c.md");
    let output = export_onto(&office, &report, &mine);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = export_onto(&office, &report, &mine);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn set_refuses_a_read_only_file_of_ones_own_even_in_ones_own_folder() {
    if !root() {
        return;
    }
    let office = Office::new();
    let file = office.report(&office.victim.home.join("a.toml"), VICTIM, OFFICE, 0o444);
    let before = kept(&file);
    let output = office.set(&office.victim, &file);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}：你没有修改这个文件的权限（文件只读，或属于别人），未保存",
            file.display()
        )),
        "{stderr}"
    );
    assert_eq!(kept(&file), before);
    assert_eq!(names(&office.victim.home), ["a.toml"]);
}

#[test]
fn set_refuses_a_colleagues_file_the_group_may_only_read_in_a_group_writable_folder() {
    if !root() {
        return;
    }
    let office = Office::new();
    let file = office.report(&office.shared.join("b.toml"), ATTACKER, OFFICE, 0o640);
    let before = kept(&file);
    let output = office.set(&office.victim, &file);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}：你没有修改这个文件的权限（文件只读，或属于别人），未保存",
            file.display()
        )),
        "{stderr}"
    );
    assert_eq!(kept(&file), before, "bytes, mode, owner and inode");
    assert_eq!(names(&office.shared), ["b.toml"]);
}

#[test]
fn roots_set_keeps_the_owner_group_and_mode_of_a_users_file() {
    if !root() {
        return;
    }
    let office = Office::new();
    let file = office.report(&office.shared.join("a.toml"), VICTIM, OFFICE, 0o640);
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("set")
        .arg(&file)
        .arg("budget.spent=320.26")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let after = kept(&file);
    assert!(text(&after.bytes).contains("spent = 320.26"));
    assert_eq!((after.uid, after.gid, after.mode), (VICTIM, OFFICE, 0o640));
    assert_eq!(names(&office.shared), ["a.toml"]);
}

#[test]
fn roots_workbench_save_keeps_the_owner_of_the_report_and_gives_it_the_backup() {
    if !root() {
        return;
    }
    let office = Office::new();
    let file = office.report(&office.shared.join("a.toml"), VICTIM, OFFICE, 0o640);
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 250, 30);
    one_edit(&mut s);
    save(&mut s, &file);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let after = kept(&file);
    assert!(text(&after.bytes).contains("（甲）"));
    assert_eq!((after.uid, after.gid, after.mode), (VICTIM, OFFICE, 0o640));
    let bak = kept(&file.with_file_name("a.toml.bak"));
    assert_eq!(bak.bytes, std::fs::read(SEED).unwrap());
    assert_eq!((bak.uid, bak.gid, bak.mode), (VICTIM, OFFICE, 0o640));
}

/// Another department's folder: group ELSEWHERE, setgid, so a file created in it (the
/// temporary file of a save) gets ELSEWHERE, not the creator's group.
fn setgid_folder(office: &Office) -> PathBuf {
    let folder = office.base.path().join("elsewhere");
    std::fs::create_dir(&folder).unwrap();
    chown(&folder, 0, ELSEWHERE);
    chmod(&folder, 0o2775);
    folder
}

#[test]
fn a_save_in_a_setgid_folder_keeps_the_files_group_when_the_user_is_a_member() {
    if !root() {
        return;
    }
    let office = Office::new();
    let folder = setgid_folder(&office);
    let user = office.victim.also_in(ELSEWHERE);
    // What a plain rename would give the file: the folder's group.
    user.shell("touch \"$0\"", &[&folder.join("probe")], b"");
    assert_eq!(
        std::fs::metadata(folder.join("probe")).unwrap().gid(),
        ELSEWHERE
    );
    std::fs::remove_file(folder.join("probe")).unwrap();
    let file = office.report(&folder.join("a.toml"), VICTIM, OFFICE, 0o640);
    let output = office.set(&user, &file);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let after = kept(&file);
    assert!(text(&after.bytes).contains("spent = 320.26"));
    assert_eq!((after.uid, after.gid, after.mode), (VICTIM, OFFICE, 0o640));
    assert_eq!(names(&folder), ["a.toml"]);
}

#[test]
fn a_save_in_a_setgid_folder_that_would_change_the_files_group_is_refused() {
    if !root() {
        return;
    }
    let office = Office::new();
    let folder = setgid_folder(&office);
    let user = office.victim.also_in(ELSEWHERE);
    // The file's group is one the user is no longer in: the save cannot keep it.
    let file = office.report(&folder.join("a.toml"), VICTIM, FORMER, 0o640);
    let before = kept(&file);
    let output = office.set(&user, &file);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}：保存后文件的所属组（gid）会从 {FORMER} 变成 {ELSEWHERE}，未保存",
            file.display()
        )),
        "{stderr}"
    );
    assert_eq!(kept(&file), before);
    assert_eq!(names(&folder), ["a.toml"]);
}

#[test]
fn the_backup_of_a_private_report_is_private_too() {
    if !root() {
        return;
    }
    let office = Office::new();
    let file = office.report(&office.victim.home.join("a.toml"), VICTIM, OFFICE, 0o600);
    let mut s = office.workbench(&office.victim, &file);
    one_edit(&mut s);
    save(&mut s, &file);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let after = kept(&file);
    assert!(text(&after.bytes).contains("（甲）"));
    assert_eq!((after.uid, after.mode), (VICTIM, 0o600));
    let bak = kept(&file.with_file_name("a.toml.bak"));
    assert_eq!(bak.bytes, std::fs::read(SEED).unwrap());
    assert_eq!((bak.uid, bak.mode), (VICTIM, 0o600));
}

#[test]
fn an_old_recovery_readable_by_others_is_made_private_by_the_next_recovery_write() {
    if !root() {
        return;
    }
    let office = Office::new();
    let file = office.report(&office.shared.join("a.toml"), VICTIM, OFFICE, 0o660);
    let seed = std::fs::read_to_string(SEED).unwrap();
    let edited = seed.replace("unit = \"株洲市芦淞区应急管理局\"", "unit = \"（未保存）\"");
    // Left by an older jixiao, which wrote the recovery 0644.
    let recovery = office.shared.join(".a.toml.jixiao-recover");
    std::fs::write(&recovery, recovery_json(&file, &edited)).unwrap();
    chown(&recovery, VICTIM, OFFICE);
    chmod(&recovery, 0o644);
    let mut s = office.workbench(&office.victim, &file);
    s.wait_for_screen("发现未保存的修改");
    s.send("r");
    s.wait_for_screen("已恢复");
    one_edit(&mut s);
    common::pty::wait_for_file(&recovery, |t| {
        t.contains("（甲）") && t.contains("（未保存）")
    });
    assert_eq!(mode_of(&recovery), 0o600);
    assert_eq!(std::fs::metadata(&recovery).unwrap().uid(), VICTIM);
    save(&mut s, &file);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(!recovery.exists(), "the save holds every edit");
}
