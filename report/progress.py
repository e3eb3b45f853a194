"""Stages on stderr as they run (Rich): a spinner on the current one, a tick and its time
when it is done. `-q` gives a quiet console, and then nothing is shown."""

from __future__ import annotations

import contextlib
import os
import sys
import time

from rich.console import Console


def stderr_console(quiet: bool = False, **options) -> Console:
    """A Console on stderr that falls silent, instead of exiting, once stderr is closed."""
    console = Console(stderr=True, quiet=quiet, highlight=False, **options)

    def silence() -> None:
        console.quiet = True

    console.on_broken_pipe = silence  # type: ignore[method-assign]
    return console


def stdout_console() -> Console:
    """A Console on stdout that falls silent once the reader has gone (`| head -3`).

    Rich would exit with status 1 — which `gradreport compare` uses for "differ"; the
    command goes on instead and its exit status still says what it found.
    """
    console = Console(highlight=False)

    def silence() -> None:
        console.quiet = True
        with contextlib.suppress(OSError, ValueError):   # nor fail again at exit's flush
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    console.on_broken_pipe = silence  # type: ignore[method-assign]
    return console


class Stages:
    """Call with a stage's name as it begins; `close()` after the last one."""

    def __init__(self, console: Console) -> None:
        """Stages shown on `console` (a quiet one shows nothing)."""
        self.console = console
        # Rich's answer to a closed pipe is to exit; a closed stderr ends only the progress.
        console.on_broken_pipe = self._silence  # type: ignore[method-assign]
        self.current: str | None = None
        self.started = 0.0
        self.status = None

    def __call__(self, name: str) -> None:
        """Stage `name` begins: the one before it is done (ticked, with its time)."""
        try:
            self._begin(name)
        except OSError:  # stderr closed (`2>&1 | head -1`): progress is not worth the run
            self._silence()

    def _silence(self) -> None:
        self.console.quiet = True
        self.status = None

    def _begin(self, name: str) -> None:
        self._finish()
        self.current, self.started = name, time.perf_counter()
        if self.console.quiet:
            return
        if self.status is None:
            self.status = self.console.status(name, spinner="dots")
            self.status.start()
        else:
            self.status.update(name)

    def _finish(self) -> None:
        if self.current is not None:
            elapsed = time.perf_counter() - self.started
            self.console.print(f"[green]✓[/] {self.current} [dim]{elapsed:.2f} s[/]")
            self.current = None

    def close(self, done: bool = True) -> None:
        """Mark the last stage done (unless it failed: `done=False`) and stop the spinner."""
        try:
            if done:
                self._finish()
            if self.status is not None:
                self.status.stop()
        except OSError:
            pass
        self.current, self.status = None, None
