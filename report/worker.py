"""The renderer in a second process, so its imports overlap torch's.

`import torch` takes well over a second here, and WeasyPrint, Jinja2, ziamath and Pygments
most of another; on two cores they can load at the same time. The worker is forked before
torch is imported (a fork after it would copy torch's threads), imports the renderer,
typesets the config's equations, then waits for the Report, renders it and reports back
each stage, the files it wrote, or the error that stopped it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.config import RunConfig
from backprop.errors import UserError
from report.output import prepare, write_report

if TYPE_CHECKING:
    from report.model import Report


class RenderError(UserError):
    """A user-level error raised in the worker (an unwritable file, say), passed on."""


def can_fork() -> bool:
    """True when a worker helps and is safe: fork exists and torch is not loaded yet."""
    return "fork" in multiprocessing.get_all_start_methods() and "torch" not in sys.modules


class Worker:
    """The background renderer for one report."""

    def __init__(self, config: RunConfig, folder: Path, pdf: bool) -> None:
        """Fork the worker: it imports and warms up the renderer while this process goes on."""
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve,
                                       args=(child, self.connection, config, folder, pdf),
                                       name="gradreport-render", daemon=True)
        self.process.start()
        child.close()
        self.finished = False

    def render(self, report: Report, stage: Callable[[str], None]) -> dict[str, Path]:
        """Send `report`, pass on the stages as they begin, and return the files written."""
        self.connection.send(report)
        while True:
            try:
                kind, value = self.connection.recv()
            except EOFError:
                raise RuntimeError("the report renderer stopped without a word") from None
            if kind == "stage":
                stage(value)
                continue
            self.finished = True
            if kind == "done":
                return value
            elif kind == "user-error":
                raise RenderError(value)
            else:
                raise RuntimeError(f"the report renderer failed:\n{value}")

    def close(self) -> None:
        """End the worker: it has finished, or its report is no longer wanted (stop it)."""
        self.connection.close()
        if not self.finished:   # an error or Ctrl-C here: its work is not wanted
            self.process.terminate()
        self.process.join()


def _serve(connection: Connection, parent_end: Connection, config: RunConfig, folder: Path,
           pdf: bool) -> None:
    parent_end.close()   # else the parent closing its end would never reach us as EOF
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    # Stopped by the parent: unwind, so atomic_write removes its temporary file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    with contextlib.suppress(Exception):   # the same error comes back, reported, when rendering
        prepare(config, pdf)
    try:
        report = connection.recv()
    except EOFError:   # the run failed or was interrupted: nothing to render
        return
    try:
        files = write_report(report, folder, pdf, lambda name: connection.send(("stage", name)))
        reply = ("done", files)
    except SystemExit:  # stopped by the parent (SIGTERM): nobody is listening any more
        return
    except UserError as err:
        reply = ("user-error", str(err))
    except BaseException:  # anything else is a bug: send its traceback
        reply = ("error", traceback.format_exc())
    with contextlib.suppress(OSError):  # the parent may have gone (Ctrl-C) meanwhile
        connection.send(reply)
