"""Signals end a build in one line with the shell's status, the output set untouched and
no staging left (real processes: the process and its signals are the point)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

OLD = {"run.json": "old run", "torch_autograd.dat": "old dat", "report.html": "old html"}


def start(*args: str) -> tuple[subprocess.Popen, queue.Queue]:
    """gradreport with `args`, and a queue of its stderr lines as they come."""
    proc = subprocess.Popen([sys.executable, "-m", "cli.gradreport", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
                            start_new_session=True)   # its process group: see none_left
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)   # the end of stderr: every line is in the queue

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def wait_for(lines: queue.Queue, text: str, timeout: float = 120) -> list[str]:
    seen, deadline = [], time.monotonic() + timeout
    while not any(text in line for line in seen):
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        if line is None:
            raise AssertionError(f"stderr ended before {text!r}: {seen}")
        seen.append(line)
    return seen


def rest(proc: subprocess.Popen, lines: queue.Queue) -> list[str]:
    """The lines still to come, up to the end of stderr (not a guess at how long the reader
    thread takes to drain the pipe: 0.1 s was once too short on a busy CI machine)."""
    proc.wait(30)
    found = []
    while (line := lines.get(timeout=30)) is not None:
        found.append(line)
    return found


def inside_boundary(pid: int, timeout: float = 30) -> None:
    """Wait until gradreport's own handlers are set: it catches SIGTERM from then on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/status") as status:
            caught = next(int(line.split()[1], 16) for line in status
                          if line.startswith("SigCgt:"))
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.005)
    raise AssertionError("gradreport never reached its error boundary")


def none_left(proc: subprocess.Popen, timeout: float = 10) -> bool:
    """True once no process of gradreport's group (its renderers) is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def old_set(folder) -> None:
    folder.mkdir()
    for name, text in OLD.items():
        (folder / name).write_text(text)


def assert_untouched(folder) -> None:
    assert {p.name: p.read_text() for p in folder.iterdir()} == OLD


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.5])  # importing, then computing
def test_ctrl_c_at_any_moment_is_interrupted_and_130(tmp_path, delay) -> None:
    old_set(tmp_path / "r")
    proc, lines = start("build", "-q", "-K", "1", "-d", "1", "--out", str(tmp_path / "r"))
    try:
        inside_boundary(proc.pid)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        assert rest(proc, lines) == ["gradreport: interrupted.\n"]
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert_untouched(tmp_path / "r")


@pytest.mark.parametrize("signum, status, words, computing", [
    (signal.SIGTERM, 143, "gradreport: stopped by SIGTERM.\n", True),
    (signal.SIGHUP, 129, "gradreport: stopped by SIGHUP.\n", False),
])
def test_sigterm_and_sighup_end_a_build_as_ctrl_c_does(tmp_path, signum, status, words,
                                                       computing) -> None:
    old_set(tmp_path / "r")
    proc, lines = start("build", "-K", "1", "-d", "1", "--out", str(tmp_path / "r"))
    try:
        if computing:
            wait_for(lines, "sampling")   # torch is loaded and the run is being computed
        else:
            inside_boundary(proc.pid)     # still importing
            time.sleep(0.2)
        proc.send_signal(signum)
        assert rest(proc, lines)[-1:] == [words]
    finally:
        proc.kill()
    assert proc.returncode == status
    assert_untouched(tmp_path / "r")   # no staging folder left either


def test_ctrl_c_while_the_pdf_is_written_prints_no_log_line(tmp_path) -> None:
    old_set(tmp_path / "r")
    proc, lines = start("build", "--pdf", "-K", "1", "-d", "1", "--out", str(tmp_path / "r"))
    try:
        wait_for(lines, "HTML")   # the HTML is done: WeasyPrint lays out and writes the PDF
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        after = rest(proc, lines)
    finally:
        proc.kill()
    assert proc.returncode == 130, after
    assert after == ["gradreport: interrupted.\n"]   # no "ERROR:weasyprint:" line before it
    assert_untouched(tmp_path / "r")
    assert none_left(proc)   # the renderer and the PDF's second renderer are gone too


SPINNER_CUT = r'''
import os, signal, sys, time
from rich.console import Console
from backprop.errors import Stopped
from cli import boundary
from cli.console import Stages

boundary._handle_signals()
console = Console(force_terminal=True, file=sys.stdout)
show_cursor = Console.show_cursor

def signal_inside(self, show=True):   # the signal lands half way through Live.start/stop
    os.kill(os.getpid(), signal.SIGHUP)
    time.sleep(0.005)
    return show_cursor(self, show)

Console.show_cursor = signal_inside
stages = Stages(console)
try:
    stages("sampling")
    time.sleep(1)
except Stopped:
    try:
        stages.close(done=False)
        time.sleep(1)   # the signal sent inside stop(), once it is done
    except Stopped:
        pass
    print("stopped cleanly, render hooks left:", len(console._render_hooks))
'''


def test_a_signal_as_the_spinner_starts_or_stops_waits_until_it_has(tmp_path) -> None:
    """Rich's Live cut in two by the signal's exception failed in stop() with "IndexError:
    pop from empty list", a traceback instead of the one line (seen under load)."""
    done = subprocess.run([sys.executable, "-c", SPINNER_CUT], capture_output=True, text=True,
                          timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.strip().endswith("stopped cleanly, render hooks left: 0"), done.stdout
