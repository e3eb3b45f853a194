"""Replacing a folder's set of files all together: a lock, a journal, a swap that a crash
cannot leave half done.

A command stages its files in a hidden folder `.gradreport-*` inside the output folder.
To put them in place it writes a journal into that stage (which names move in, which older
ones move aside into `.aside`), moves the older files aside, the new ones in, and deletes
the journal: that unlink is the commit. Every step is a rename, so where each file is tells
how far the swap got; an error rolls it back, and a swap whose process was killed is
finished by the next command that takes the folder's lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from backprop.errors import OutputError, os_reason

STAGE_PREFIX = ".gradreport-"
JOURNAL = ".journal.json"
ASIDE = ".aside"
FORMAT = "backprop-lab swap 1"
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name))

# The locks this process holds, by folder (device, inode) and thread: a command may hold
# its folder's lock around a staging that takes it again. A forked child (the report
# worker, a user script's fork) closes its copies, so a lock is freed when this process
# ends, not when they do.
_held: dict[tuple[int, int, int], int] = {}


def _close_held_in_child() -> None:
    for fd in _held.values():
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


def shown(folder: Path) -> str:
    """`folder` as a user reads it in a sentence: `r/`."""
    text = str(folder)
    return text if text.endswith("/") else text + "/"


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the lock on `folder` (flock on the folder itself); refused if another holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise OutputError(f"cannot write to {folder}: {os_reason(err)}.") from None
    info = os.fstat(fd)
    key = (info.st_dev, info.st_ino, threading.get_ident())
    if key in _held:  # this thread holds it already
        os.close(fd)
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another build is writing to {shown(folder)}; try again when "
                              "it has finished.") from None
        except OSError:  # a file system without locks: there is nothing to hold
            pass
        _held[key] = fd
        yield
    finally:
        if _held.get(key) == fd:
            del _held[key]
            # Unlock before closing: a child forked meanwhile shares this open file, and its
            # copy (closed by _close_held_in_child, once it runs) must not keep the lock.
            with suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def recover(folder: Path) -> None:
    """Finish a swap that a killed command left in `folder`; remove dead commands' stages.

    Call it holding `folder`'s lock: every stage found then belongs to a command that ended.
    """
    for stage in sorted(folder.glob(STAGE_PREFIX + "*")):
        if stage.is_symlink() or not stage.is_dir():
            continue
        journal = _read_journal(stage)
        if journal is not None:
            try:
                _forward(folder, stage, journal)
                (stage / JOURNAL).unlink()
                _fsync_dir(folder)
            except OSError as err:
                raise OutputError(f"cannot finish the replacement of the files in "
                                  f"{shown(folder)} that a killed build began: "
                                  f"{os_reason(err)}.") from None
        shutil.rmtree(stage, ignore_errors=True)


def replace_set(folder: Path, stage: Path, owned: Iterable[str]) -> None:
    """Move the files staged in `stage` into `folder`, and every other name of `owned` out
    of it: all of them or, on any error or signal, none."""
    new = sorted(p.name for p in stage.iterdir() if not p.name.startswith("."))
    for name in new:  # before the first rename: nothing moves if one cannot
        dest = folder / name
        if dest.is_dir() and not dest.is_symlink():
            raise OutputError(f"cannot write {dest}: it is a folder; no file was replaced.")
    # A folder by an owned name that was not written is not an older file of ours: it stays.
    gone = sorted(n for n in set(owned) - set(new)
                  if os.path.lexists(folder / n) and not (folder / n).is_dir())
    journal = {"format": FORMAT, "in": new,
               "aside": [n for n in new if os.path.lexists(folder / n)] + gone}
    try:
        for name in new:
            _fsync_file(stage / name)
        (stage / ASIDE).mkdir()
        _write_journal(stage, journal)  # from here a killed swap is finished by the next one
    except OSError as err:
        raise OutputError(f"cannot write to {folder}: {os_reason(err)}.") from None
    with deferred_signals() as pending:
        try:
            _forward(folder, stage, journal)
            if pending:  # stopped during the swap: the folder goes back as it was
                raise _Stopped
        except BaseException as err:
            try:
                _undo(folder, stage, journal)
                (stage / JOURNAL).unlink()
            except OSError as undo_err:  # the journal stays: the next command finishes it
                raise OutputError(f"cannot put the files of {shown(folder)} back: "
                                  f"{os_reason(undo_err)}; the next build there will finish "
                                  "replacing them.") from None
            if isinstance(err, _Stopped):
                return  # the signal is delivered as deferred_signals ends
            if isinstance(err, OSError):
                where = err.filename or folder
                raise OutputError(f"cannot write {where}: {os_reason(err)}; no file was "
                                  "replaced.") from None
            raise
        (stage / JOURNAL).unlink()  # the commit
    with suppress(OSError):
        _fsync_dir(folder)


class _Stopped(Exception):
    """A signal arrived during the swap."""


def _forward(folder: Path, stage: Path, journal: dict) -> None:
    """The swap from wherever it got to: older files aside first, then the new ones in."""
    aside = stage / ASIDE
    aside.mkdir(exist_ok=True)
    for name in journal["aside"]:
        if not os.path.lexists(aside / name) and os.path.lexists(folder / name):
            os.replace(folder / name, aside / name)
    for name in journal["in"]:
        if os.path.lexists(stage / name):
            os.replace(stage / name, folder / name)


def _undo(folder: Path, stage: Path, journal: dict) -> None:
    """The swap undone from wherever it got to: the new files out first, then the older in."""
    for name in journal["in"]:
        if not os.path.lexists(stage / name) and os.path.lexists(folder / name):
            os.replace(folder / name, stage / name)
    for name in journal["aside"]:
        if os.path.lexists(stage / ASIDE / name):
            os.replace(stage / ASIDE / name, folder / name)


def _write_journal(stage: Path, journal: dict) -> None:
    tmp = stage / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps(journal))
    _fsync_file(tmp)
    os.replace(tmp, stage / JOURNAL)
    _fsync_dir(stage)


def _read_journal(stage: Path) -> dict | None:
    """The stage's journal, or None when it has none (its swap never began, or committed)."""
    try:
        journal = json.loads((stage / JOURNAL).read_text())
    except (OSError, ValueError):  # written whole by a rename, so absent rather than torn
        return None
    if not isinstance(journal, dict) or journal.get("format") != FORMAT:
        return None
    return journal


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Hold back SIGINT, SIGTERM and SIGHUP (listed as they come); deliver them at the end."""
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending  # only the main thread may set handlers; an error still rolls back
        return
    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, lambda number, _frame: pending.append(number))
    try:
        yield pending
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)
