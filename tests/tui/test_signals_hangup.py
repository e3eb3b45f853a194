"""gradtui ends on SIGHUP within a bounded time, whatever its terminal does (real processes in
a pty: the terminal going away is the point)."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time

import pytest

LIMIT = 20.0   # seconds: the watchdog's few, plus a loaded machine's start-up


def spawn(tmp_path) -> tuple[int, int]:
    """gradtui in a new pty (its controlling terminal): (pid, the master's fd)."""
    pid, master = pty.fork()
    if pid == 0:   # the child: gradtui, with the pty as stdin, stdout and stderr
        os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.execv(sys.executable, [sys.executable, "-m", "cli.gradtui", "--out",
                                  str(tmp_path / "out")])
    return pid, master


def read_until_drawn(master: int, timeout: float = 60) -> bytes:
    """What gradtui wrote until its screen shows (the alternate screen entered, text after)."""
    seen, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        if b"\x1b[?1049h" in seen and len(seen) > 4000:
            return seen
    raise AssertionError(f"gradtui drew nothing in {timeout} s: {seen[-300:]!r}")


def wait_exit(pid: int, limit: float) -> tuple[int | None, float]:
    """The exit status of `pid` (None if it had not ended within `limit`), and the time taken."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.monotonic() - start
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None, limit


@pytest.mark.parametrize("how", ["closed", "unread"])
def test_gradtui_ends_with_129_soon_after_its_terminal_hangs_up(tmp_path, how):
    """'closed': the terminal's side is closed (tmux killed): SIGHUP, and writes fail.
    'unread': the terminal stops reading, so Textual's writes block, then SIGHUP comes."""
    pid, master = spawn(tmp_path)
    try:
        read_until_drawn(master)
        if how == "closed":
            os.close(master)
            master = -1
        else:
            # Keys that redraw the screen, step after step, into a pty nobody reads: its
            # buffer fills, Textual's writer blocks in write() and its queue fills behind it.
            for _ in range(40):
                os.write(master, b"n" * 5 + b"p" * 5)
                time.sleep(0.05)
        os.kill(pid, signal.SIGHUP)
        code, took = wait_exit(pid, LIMIT)
    finally:
        if master >= 0:
            os.close(master)
    assert code == 129, f"gradtui had not ended {LIMIT} s after SIGHUP" if code is None else code
    assert took < LIMIT


HUNG_WRITER = """
import sys, threading
from textual.drivers._writer_thread import WriterThread

def stop(self):   # what py-spy showed: the main thread blocked for good in WriterThread.stop
    threading.Event().wait()

WriterThread.stop = stop
sys.argv = ["gradtui", "--out", sys.argv[1]]
from cli.gradtui import main
sys.exit(main())
"""


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_gradtui_ends_even_when_textual_shutdown_hangs_for_good(tmp_path, signum):
    """Textual's shutdown never returns (its writer thread's stop blocked, as seen under load):
    the watchdog still ends gradtui with 128 + n, and a second signal does not undo it."""
    pid, master = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color")
        os.execv(sys.executable, [sys.executable, "-c", HUNG_WRITER, str(tmp_path / "out")])
    try:
        read_until_drawn(master)
        os.kill(pid, signum)
        time.sleep(0.5)
        os.kill(pid, signal.SIGTERM)   # as last session tried: it must not change the status
        code, took = wait_exit(pid, LIMIT)
    finally:
        os.close(master)
    assert code == 128 + signum, code
    assert took < LIMIT


def test_sigterm_on_a_live_terminal_restores_it_and_says_so_once(tmp_path):
    """143, the alternate screen left, and the line said once (not by both ways out)."""
    pid, master = spawn(tmp_path)
    try:
        read_until_drawn(master)
        os.kill(pid, signal.SIGTERM)
        code, took = wait_exit(pid, LIMIT)
        after = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                after += os.read(master, 65536)
            except OSError:   # the pty's other side has closed: all was read
                break
    finally:
        os.close(master)
    assert code == 143 and took < LIMIT
    assert b"\x1b[?1049l" in after
    assert after.count(b"gradtui: stopped by SIGTERM.") == 1
