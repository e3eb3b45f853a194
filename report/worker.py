"""The renderer in a second process, so its imports overlap torch's.

`import torch` takes well over a second here, and WeasyPrint, Jinja2, ziamath and Pygments
most of another; on two cores they can load at the same time. The worker is forked before
torch is imported (a fork after it would copy torch's threads), imports the renderer,
typesets the config's equations, then waits for the Report, renders it and reports back
each stage, the files it wrote, or the error that stopped it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from backprop.config import RunConfig
from backprop.errors import UserError
from report.output import collector_paused, prepare, write_report

if TYPE_CHECKING:
    from report.model import Report
    from report.pdfparts import Part


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


class PdfHelper:
    """A second renderer, forked from the warmed-up worker, that lays out the middle part of
    report.pdf while the worker does the rest (report.pdfparts, whose Helper this is)."""

    def __init__(self) -> None:
        self.connection, child = multiprocessing.Pipe()
        self.pid = os.fork()
        if self.pid == 0:   # the helper
            self.connection.close()
            _help(child)
        child.close()
        _helpers.append(self.pid)

    def start(self, html: str) -> None:
        self.connection.send(html)

    def first_page(self, number: int) -> None:
        self.connection.send(number)

    def laid_out(self) -> tuple[int, dict[str, int]]:
        return self._answer()

    def part(self) -> Part:
        return self._answer()

    def _answer(self) -> Any:
        try:
            kind, value = self.connection.recv()
        except EOFError:
            raise RuntimeError("the PDF's second renderer stopped without a word") from None
        if kind == "error":
            raise RuntimeError(f"the PDF's second renderer failed:\n{value}")
        return value

    def close(self) -> None:
        """Stop it if it is still at work, and wait for it."""
        self.connection.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        _helpers.remove(self.pid)


_helpers: list[int] = []   # the helpers' pids, killed with the worker


def _help(connection: Connection) -> NoReturn:
    """The helper's life: lay out the part it is sent, numbered from the page it is told,
    send its page count and anchors, then the part written; end without unwinding."""
    from report.pdfparts import anchors_of, lay_out, write

    with contextlib.suppress(BaseException):
        try:
            with collector_paused():
                html = connection.recv()
                document = lay_out(html, connection.recv)
                connection.send(("laid out", (len(document.pages), anchors_of(document))))
                connection.send(("part", write(document)))
        except EOFError:   # the worker stopped: its report is not wanted
            pass
        except BaseException:
            connection.send(("error", traceback.format_exc()))
    os._exit(0)


def _stopped_by_parent(*_: object) -> None:
    """End now, without unwinding: an exception raised here could land in WeasyPrint's SVG
    code (which logs "Failed to render SVG image") or in a __del__ ("Exception ignored"), on
    the user's terminal. The parent removes the staging folder this wrote into."""
    for pid in _helpers:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(1)


def _serve(connection: Connection, parent_end: Connection, config: RunConfig, folder: Path,
           pdf: bool) -> None:
    parent_end.close()   # else the parent closing its end would never reach us as EOF
    for signum in (signal.SIGINT, signal.SIGHUP):   # Ctrl-C, a closed terminal: the parent's
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stopped_by_parent)

    with contextlib.suppress(Exception):   # the same error comes back, reported, when rendering
        prepare(config, pdf)
    helper = None
    if pdf:   # forked warm, before the report comes; without one, the parts are laid out here
        with contextlib.suppress(OSError):
            helper = PdfHelper()
    try:
        _render(connection, folder, pdf, helper)
    finally:
        if helper is not None:
            helper.close()


def _render(connection: Connection, folder: Path, pdf: bool, helper: PdfHelper | None) -> None:
    try:
        report = connection.recv()
    except EOFError:   # the run failed or was interrupted: nothing to render
        return
    # This process ends once its one report is written: its cyclic garbage collector stays
    # off. Turned on again after the PDF, its first collection walked the million objects
    # WeasyPrint had left (0.15 s) just before the process ended.
    gc.disable()
    try:
        files = write_report(report, folder, pdf, lambda name: connection.send(("stage", name)),
                             helper)
        reply = ("done", files)
    except SystemExit:  # stopped by the parent (SIGTERM): nobody is listening any more
        return
    except UserError as err:
        reply = ("user-error", str(err))
    except BaseException:  # anything else is a bug: send its traceback
        reply = ("error", traceback.format_exc())
    with contextlib.suppress(OSError):  # the parent may have gone (Ctrl-C) meanwhile
        connection.send(reply)
