"""The command line's output through Rich: `console()` for stdout or stderr, and `Stages` on
stderr as they run — a spinner on the current one, a tick and its time when it is done.
`-q` gives a quiet console, and then nothing is shown."""

from __future__ import annotations

import time

from rich.console import Console
from rich.text import Text

from backprop.verdict import Sentence
from cli.boundary import drop_stdout, signals_held


def console(stderr: bool = False, quiet: bool = False, **options) -> Console:
    """A Rich Console that falls silent once its reader has gone (`| head -3`).

    Rich's own answer is to exit with status 1 — which `gradreport compare` uses for
    "differ", and which would end a build over its progress; the command goes on instead,
    and its exit status still says what it found.
    """
    made = Console(stderr=stderr, quiet=quiet, highlight=False, **options)

    def silence() -> None:
        made.quiet = True
        if not stderr:
            drop_stdout()

    made.on_broken_pipe = silence  # type: ignore[method-assign]
    return made


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
            with signals_held():
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
        if self.status is not None:
            with signals_held():
                self.status.stop()
        self.current, self.status = None, None


def styled(sentence: Sentence) -> Text:
    """A backprop.verdict Sentence for the terminal: its alarm spans in red."""
    return Text.assemble(*((text, "red") if alarm else text for text, alarm in sentence.spans))
