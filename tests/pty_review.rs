//! End to end: `jixiao review DIR` in a real pseudo-terminal — the rows, Enter into the
//! read-only workbench at the first finding, q back to the same row, a file copied into
//! the folder appearing while the screen is open, and q to leave.

mod common;

use common::pty::Session;

#[test]
fn review_opens_a_report_returns_to_its_row_and_follows_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(
        "examples/lusong-emergency-2023.toml",
        root.join("seed.toml"),
    )
    .unwrap();
    std::fs::write(root.join("broken.toml"), "schema = \"jixiao/1\"\n[report\n").unwrap();

    let mut s = Session::start(&["review", root.to_str().unwrap()], 100, 30);
    s.wait_for_screen("株洲市芦淞区应急管理局");
    s.wait_for_screen("94 / 97");
    s.wait_for_screen("无法载入");
    // Rows by unit: the broken file (named by its file) first, then the seed.
    s.send("j");
    s.wait_for_screen("复核 · reports · seed.toml");
    s.send("\r");
    // The workbench, read-only, at the first finding (errors first: F02).
    s.wait_for_screen("[只读]");
    s.wait_for_screen("1/21");
    s.send("q");
    s.wait_for_screen("复核 · reports · seed.toml");
    s.wait_for_screen("已返回复核列表");

    let copied = std::fs::read_to_string("examples/lusong-emergency-2023-corrected.toml")
        .unwrap()
        .replace("株洲市芦淞区应急管理局", "株洲市芦淞区财政局");
    std::fs::write(root.join("copied.toml"), copied).unwrap();
    s.wait_for_screen("株洲市芦淞区财政局");
    s.wait_for_screen("3 份报告");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
