#!/usr/bin/env python3
"""Measures the workbench the way a user meets it: in a real pseudo-terminal.

Starts the release binary at COLSxROWS on a report and records
  - the time from start to the first full frame (the first burst of output, once the
    total line of the side panel has been drawn),
  - the bytes written (and the time taken) for each cursor move (`j`), until the
    program goes quiet,
  - the time of each committed edit (Enter on an indicator's score, a new value, Enter),
    from the last key to the last byte of the redraw,
  - the peak memory (max RSS, from /usr/bin/time), after as many moves of a whole
    first-level indicator as --group-moves asks.

Usage:
  python3 scripts/pty_measure.py [--binary target/release/jixiao] [--cols 120] [--rows 40]
                                 [--moves 30] [--edits 20] REPORT.toml

The report is copied to a temporary folder first; nothing is saved. Standard library only.
"""

import argparse
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
import fcntl

QUIET = 0.15  # seconds of silence that end a burst of output


def read_burst(fd, first_timeout, quiet=QUIET):
    """Reads until the program has been quiet for `quiet` seconds after writing something.

    Returns (bytes, time of first byte, time of last byte); times are time.monotonic()."""
    data = bytearray()
    first = last = None
    deadline = time.monotonic() + first_timeout
    while True:
        timeout = quiet if data else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            if data or time.monotonic() >= deadline:
                return bytes(data), first, last
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return bytes(data), first, last
        if not chunk:
            return bytes(data), first, last
        now = time.monotonic()
        if first is None:
            first = now
        last = now
        data.extend(chunk)


def send(fd, keys):
    os.write(fd, keys.encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--binary", default="target/release/jixiao")
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--moves", type=int, default=30)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument(
        "--group-moves",
        type=int,
        default=0,
        help="then move the first first-level indicator down and up this many times",
    )
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="jixiao-pty-")
    report = os.path.join(work, "report.toml")
    shutil.copyfile(args.report, report)
    rss_file = os.path.join(work, "rss")
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        NO_COLOR="1",
        XDG_CONFIG_HOME=os.path.join(work, "no-config"),
    )
    binary = os.path.abspath(args.binary)

    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        winsize = struct.pack("HHHH", args.rows, args.cols, 0, 0)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, winsize)
        os.execvpe(
            "/usr/bin/time",
            ["/usr/bin/time", "-f", "%M", "-o", rss_file, binary, "edit", report],
            env,
        )

    # First frame: output until the panel's total has been drawn and the screen is quiet.
    screen = bytearray()
    first_byte = None
    frame_end = None
    while b"\xe6\x80\xbb\xe5\x88\x86" not in screen:  # 总分
        data, first, last = read_burst(fd, 30)
        if not data:
            break
        screen.extend(data)
        first_byte = first_byte or first
        frame_end = last
    first_frame_bytes = len(screen)

    # Cursor moves on the indicator sheet, the longest tab.
    send(fd, "4")
    read_burst(fd, 5)
    move_bytes, move_times = [], []
    for _ in range(args.moves):
        t = time.monotonic()
        send(fd, "j")
        data, _, last = read_burst(fd, 5)
        move_bytes.append(len(data))
        move_times.append((last - t) if last else float("nan"))

    # Committed edits on an indicator's score: Enter, replace the value, Enter.
    # To the first rows of the sheet (goal, goal, group), then down to an indicator's row,
    # and right to its score: 二级指标 三级指标 指标值 完成值 分值 [得分] 偏差.
    send(fd, "g" + "j" * 6 + "lllll")
    read_burst(fd, 5)
    edit_times, edit_bytes = [], []
    for i in range(args.edits):
        send(fd, "\r")  # open the editor
        read_burst(fd, 5)
        send(fd, "\x1b[F" + "\x7f" * 12 + ("1.23" if i % 2 == 0 else "2.34"))
        read_burst(fd, 5)
        t = time.monotonic()
        send(fd, "\r")  # commit
        data, _, last = read_burst(fd, 10)
        edit_bytes.append(len(data))
        edit_times.append((last - t) if last else float("nan"))

    send(fd, "\x1b")  # leave an editor, if one is still open
    read_burst(fd, 1)

    # Moves of a whole first-level indicator (with its thousands of indicators on large):
    # what the undo history keeps for them shows in the peak memory.
    if args.group_moves:
        send(fd, "gjj")  # goal, goal, the first group's row
        read_burst(fd, 5)
        for i in range(args.group_moves):
            send(fd, "J" if i % 2 == 0 else "K")
            read_burst(fd, 10)

    send(fd, "q")
    read_burst(fd, 2)
    send(fd, "d")  # discard the edits at the "unsaved changes" question
    read_burst(fd, 2, quiet=0.3)
    deadline = time.monotonic() + 10
    status = None
    while status is None and time.monotonic() < deadline:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
        else:
            time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)  # only the child this script started
        os.waitpid(pid, 0)
        print("warning: the workbench did not quit; killed it", file=sys.stderr)
    try:
        with open(rss_file) as f:
            rss_kb = int(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        rss_kb = None
    shutil.rmtree(work, ignore_errors=True)

    def ms(x):
        return f"{x * 1000:.1f} ms"

    print(f"terminal {args.cols}x{args.rows}, report {args.report}")
    if first_byte is not None:
        print(
            f"first full frame: {ms(frame_end - start)} after start "
            f"(first byte {ms(first_byte - start)}), {first_frame_bytes} bytes"
        )
    else:
        print("first full frame: never seen")
    if move_bytes:
        print(
            f"cursor move (j) x{len(move_bytes)}: bytes median {statistics.median(move_bytes):.0f}, "
            f"max {max(move_bytes)}; latency median {ms(statistics.median(move_times))}, "
            f"max {ms(max(move_times))}"
        )
    if edit_times:
        print(
            f"committed edit x{len(edit_times)}: latency median {ms(statistics.median(edit_times))}, "
            f"max {ms(max(edit_times))}; bytes median {statistics.median(edit_bytes):.0f}"
        )
        print("  each edit, in order: " + " ".join(f"{t * 1000:.1f}" for t in edit_times) + " ms")
        print("  bytes of each edit: " + " ".join(str(b) for b in edit_bytes))
    if rss_kb is not None:
        print(f"peak memory (max RSS): {rss_kb / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
