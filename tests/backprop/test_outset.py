"""The output set is replaced all or nothing: a folder in the way, a failing rename, Ctrl-C,
a second command, SIGKILL in the middle of the swap."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from backprop import outset
from backprop.files import OutputError, staging

OWNED = ("a.txt", "b.txt", "c.txt", "gone.pdf")


def contents(folder):
    """Every entry of `folder`: a file's text, or '<dir>' (hidden stages included)."""
    return {p.name: "<dir>" if p.is_dir() else p.read_text() for p in folder.iterdir()}


def old_set(folder):
    for name in OWNED:
        (folder / name).write_text(f"old {name}")
    (folder / "mine.txt").write_text("not ours")
    return contents(folder)


def stage_new(stage, names=("a.txt", "b.txt", "c.txt")):
    for name in names:
        (stage / name).write_text(f"new {name}")


NEW = {"a.txt": "new a.txt", "b.txt": "new b.txt", "c.txt": "new c.txt", "mine.txt": "not ours"}


def test_a_whole_swap_replaces_the_set_and_removes_what_was_not_written(tmp_path) -> None:
    old_set(tmp_path)
    with staging(tmp_path, OWNED) as stage:
        stage_new(stage)
    assert contents(tmp_path) == NEW


def test_a_folder_in_the_way_is_refused_before_anything_moves(tmp_path) -> None:
    old_set(tmp_path)
    (tmp_path / "b.txt").unlink()
    (tmp_path / "b.txt").mkdir()
    before = contents(tmp_path)
    with pytest.raises(OutputError, match=r"b\.txt: it is a folder; no file was replaced"), \
            staging(tmp_path, OWNED) as stage:
        stage_new(stage)
    assert contents(tmp_path) == before   # not a new a.txt beside the old c.txt


def test_a_folder_by_a_name_not_written_this_time_is_left_alone(tmp_path) -> None:
    (tmp_path / "gone.pdf").mkdir()
    with staging(tmp_path, OWNED) as stage:
        stage_new(stage)
    assert contents(tmp_path)["gone.pdf"] == "<dir>"


def failing_replace(monkeypatch, at: int, fail) -> list:
    """os.replace in outset, calling `fail` instead of the `at`-th move (counted from 1)."""
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append((src, dst))
        if len(calls) == at:
            fail(src, dst)
        real(src, dst)

    monkeypatch.setattr(outset.os, "replace", replace)
    return calls


def test_a_rename_failing_at_any_point_of_the_swap_puts_everything_back(tmp_path,
                                                                         monkeypatch) -> None:
    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    moves = 1 + 4 + 3  # the journal, four older files aside, three new ones in
    for at in range(2, moves + 1):
        folder = tmp_path / str(at)
        folder.mkdir()
        before = old_set(folder)
        calls = failing_replace(monkeypatch, at, disk_full)
        with pytest.raises(OutputError, match="no space left on device; no file was replaced"), \
                staging(folder, OWNED) as stage:
            stage_new(stage)
        assert len(calls) == at + (at - 2)   # each move made before it was undone
        assert contents(folder) == before, at


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_the_swap_puts_everything_back_then_is_delivered(
        tmp_path, monkeypatch, signum) -> None:
    caught = []
    previous = signal.signal(signum, lambda number, _frame: caught.append(number))
    try:
        before = old_set(tmp_path)
        failing_replace(monkeypatch, 5, lambda *_: signal.raise_signal(signum))
        with staging(tmp_path, OWNED) as stage:
            stage_new(stage)
        # The move the signal came in finished, and the swap still went back whole.
        assert caught == [signum]
        assert contents(tmp_path) == before
    finally:
        signal.signal(signum, previous)


def test_ctrl_c_during_the_swap_is_keyboard_interrupt_and_the_set_stays(tmp_path,
                                                                        monkeypatch) -> None:
    before = old_set(tmp_path)
    failing_replace(monkeypatch, 6, lambda *_: signal.raise_signal(signal.SIGINT))
    with pytest.raises(KeyboardInterrupt), staging(tmp_path, OWNED) as stage:
        stage_new(stage)
    assert contents(tmp_path) == before


def test_a_second_command_into_the_same_folder_is_refused_while_one_writes(tmp_path) -> None:
    old_set(tmp_path)
    inside, leave = threading.Event(), threading.Event()

    def first() -> None:
        with staging(tmp_path, OWNED) as stage:
            stage_new(stage)
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(10)
        with pytest.raises(OutputError, match=f"another build is writing to {tmp_path}/;"), \
                staging(tmp_path, OWNED) as stage:
            (stage / "a.txt").write_text("second")
    finally:
        leave.set()
        thread.join(10)
    assert contents(tmp_path) == NEW   # the first one's whole set, nothing of the second


def child(script: str, *args: str) -> subprocess.Popen:
    """A Python process running `script` (dedented), its stdout piped."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args],
                            stdout=subprocess.PIPE, text=True)


SLOW_SWAP = """
    import os, sys, time
    from pathlib import Path
    from backprop import outset
    from backprop.files import staging
    real = os.replace
    def slow(src, dst):
        print("moving", flush=True)
        time.sleep(0.2)
        real(src, dst)
    outset.os.replace = slow
    folder = Path(sys.argv[1])
    with staging(folder, ["a.txt", "b.txt", "c.txt", "gone.pdf"]) as stage:
        for name in ("a.txt", "b.txt", "c.txt"):
            (stage / name).write_text(f"new {name}")
"""


def test_two_processes_never_interleave_a_slow_swap(tmp_path) -> None:
    old_set(tmp_path)
    first = child(SLOW_SWAP, str(tmp_path))
    try:
        assert first.stdout.readline() == "moving\n"   # the first is in the middle of its swap
        second = subprocess.run([sys.executable, "-c", textwrap.dedent(SLOW_SWAP),
                                 str(tmp_path)], capture_output=True, text=True, timeout=30)
        assert second.returncode == 1 and "another build is writing to" in second.stderr
        assert first.wait(30) == 0
    finally:
        first.kill()
    assert contents(tmp_path) == NEW


KILLED_SWAP = """
    import os, signal, sys
    from pathlib import Path
    from backprop import outset
    from backprop.files import staging
    real, moves = os.replace, []
    def replace(src, dst):
        real(src, dst)
        moves.append(dst)
        if len(moves) == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)
    outset.os.replace = replace
    with staging(Path(sys.argv[1]), ["a.txt", "b.txt", "c.txt", "gone.pdf"]) as stage:
        for name in ("a.txt", "b.txt", "c.txt"):
            (stage / name).write_text(f"new {name}")
        if sys.argv[2] == "0":
            os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("moves", [3, 7])  # the journal, then 2 of 4 aside / all aside, 2 in
def test_a_swap_killed_in_the_middle_is_finished_by_the_next_command(tmp_path, moves) -> None:
    old_set(tmp_path)
    killed = child(KILLED_SWAP, str(tmp_path), str(moves))
    assert killed.wait(30) == -signal.SIGKILL
    left = contents(tmp_path)
    assert [n for n in left if n.startswith(outset.STAGE_PREFIX)]  # the journal's stage
    assert {left.get(n) for n in OWNED} != {NEW.get(n) for n in OWNED}  # mixed or gone
    with staging(tmp_path, ["other.txt"]) as stage:
        # The killed command's whole set is in place before this one does anything.
        assert {k: v for k, v in contents(tmp_path).items()
                if not k.startswith(".")} == NEW
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [stage.name]
    assert contents(tmp_path) == NEW


def test_the_stage_of_a_command_killed_before_its_swap_is_removed_next_time(tmp_path) -> None:
    before = old_set(tmp_path)
    (tmp_path / ".not-ours").mkdir()
    killed = child(KILLED_SWAP, str(tmp_path), "0")
    assert killed.wait(30) == -signal.SIGKILL
    assert len(contents(tmp_path)) == len(before) + 2   # its hidden stage was left
    with staging(tmp_path, ()):
        pass
    assert contents(tmp_path) == before | {".not-ours": "<dir>"}


def test_a_forked_child_does_not_keep_the_lock_after_its_parent_lets_go(tmp_path) -> None:
    with staging(tmp_path, OWNED):
        pid = os.fork()
        if pid == 0:   # as the report worker or a user's script might
            time.sleep(3)
            os._exit(0)
    try:
        with staging(tmp_path, OWNED) as stage:
            (stage / "a.txt").write_text("after")
        assert (tmp_path / "a.txt").read_text() == "after"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
