"""Writing a run's files: whole or not at all (a temporary file, then a rename)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from backprop.errors import OutputError, os_reason
from backprop.outset import JOURNAL, STAGE_PREFIX, locked, recover, replace_set

AUTOGRAD_DAT = "torch_autograd.dat"
MANUAL_DAT = "my_autograd.dat"
RUN_JSON = "run.json"
GRAPH_FILES = ("graph.svg", "graph.dot", "graph.json", "graph-saved.svg", "graph-saved.dot",
               "graph-values.npz", "graph-modules.html", "graph-full.svg", "graph-full.dot")


def prepare_folder(folder: str | Path) -> Path:
    """Create `folder` if needed and prove it writable, before any work is done."""
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except FileExistsError:
        what = "a symbolic link to nothing" if path.is_symlink() else "a file, not a folder"
        raise OutputError(f"cannot write to {path}: it is {what}.") from None
    except OSError as err:
        raise OutputError(f"cannot write to {path}: {os_reason(err)}.") from None
    return path


def check_folder(folder: str | Path) -> None:
    """Raise OutputError if `folder` could not be made or written; create nothing."""
    path = Path(folder).absolute()
    shown = _shown(str(folder))
    try:
        existing = next(p for p in (path, *path.parents) if p.exists() or p.is_symlink())
        where = "it is" if existing == path else f"{_shown(str(existing))} is"
        if existing.is_symlink() and not existing.exists():
            raise OutputError(f"cannot write to {shown}: {where} a symbolic link to nothing.")
        if not existing.is_dir():
            raise OutputError(f"cannot write to {shown}: {where} a file, not a folder.")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write to {shown}: permission denied.")
        os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".probe-"))   # root passes access()
    except OSError as err:   # too long a path, a read-only disk, a loop of links, ...
        reason = (err.strerror or str(err)).lower()
        raise OutputError(f"cannot write to {shown}: {reason}.") from None


def _shown(name: str, room: int = 60) -> str:
    """A path short enough for a one-line sentence: its start and end around an ellipsis."""
    return name if len(name) <= room else f"{name[:room // 2 - 1]}…{name[-(room // 2):]}"


@contextmanager
def output_folder(folder: str | Path) -> Iterator[Path]:
    """prepare_folder(folder) for a command; on failure, remove what it created, if empty."""
    path = Path(folder)
    created = [p for p in (path, *path.parents) if not p.exists()]
    prepare_folder(path)  # an unwritable folder fails before any work
    try:
        yield path
    except BaseException:
        for made in created:  # deepest first: a parent is empty only once its child is gone
            try:
                made.rmdir()
            except OSError:  # not empty (files were written) or not ours to remove
                break
        raise


@contextmanager
def staging(folder: Path, owned: Iterable[str]) -> Iterator[Path]:
    """A hidden folder in `folder` for one command's files, so `folder` holds a whole set.

    The folder's lock is held throughout (another command writing there is refused), and
    a swap a killed command left half done is finished first. On success the staged files
    replace the older set together (see backprop/outset.py): any file of `owned` the
    command did not write this time is removed, so no file is left from an older run; on
    failure, a signal or Ctrl-C the staged files are removed and `folder` is as it was.
    """
    folder = Path(folder)
    with locked(folder):
        recover(folder)
        try:
            stage = Path(tempfile.mkdtemp(dir=folder, prefix=STAGE_PREFIX))
        except OSError as err:
            raise OutputError(f"cannot write to {folder}: {os_reason(err)}.") from None
        try:
            yield stage
            replace_set(folder, stage, owned)
        finally:
            if not os.path.lexists(stage / JOURNAL):  # else the next command finishes it
                shutil.rmtree(stage, ignore_errors=True)


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"cannot write {path}: {os_reason(err)}.") from None
        raise


def sha256(data: str | bytes) -> str:
    """Hex sha256 of text (as UTF-8) or bytes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def config_written(folder: str | Path) -> dict | None:
    """The config recorded in `folder`/run.json, or None when there is none to read."""
    import json

    try:
        record = json.loads((Path(folder) / RUN_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    config = record.get("config") if isinstance(record, dict) else None
    return config if isinstance(config, dict) else None
