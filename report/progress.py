"""Stages on stderr as they run (Rich): a spinner on the current one, a tick and its time
when it is done. `-q` gives a quiet console, and then nothing is shown."""

from __future__ import annotations

import time

from rich.console import Console


class Stages:
    """Call with a stage's name as it begins; `close()` after the last one."""

    def __init__(self, console: Console) -> None:
        """Stages shown on `console` (a quiet one shows nothing)."""
        self.console = console
        self.current: str | None = None
        self.started = 0.0
        self.status = None

    def __call__(self, name: str) -> None:
        """Stage `name` begins: the one before it is done (ticked, with its time)."""
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
        if done:
            self._finish()
        self.current = None
        if self.status is not None:
            self.status.stop()
            self.status = None
