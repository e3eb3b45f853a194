"""StatusLine: step i/N, the loss, the config, and whether the whole run agrees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from backprop.verdict import short_verdict

if TYPE_CHECKING:
    from backprop.config import RunConfig
    from backprop.run import Run


def config_text(config: RunConfig) -> str:
    """The config in one short line: `K=10 d=10 seed=2 randn float32 draw=0`."""
    batch = f" batch={config.batch}" if config.batch != 1 else ""
    return (f"K={config.K} d={config.d}{batch} seed={config.seed} {config.init} "
            f"{config.dtype} draw={config.draw}")


def status(run: Run, cursor: int, pending: RunConfig | None) -> Content:
    """The status line for `run` at step `cursor`; `pending` is a config being computed."""
    from backprop.compare import significant  # imports torch: only once a run exists

    words, good = short_verdict(run)
    verdict = (words, "$success" if good else "bold $error")
    parts: list = [(f"step {cursor + 1}/{len(run.steps)}", "bold"), " │ ",
                   f"L {significant(float(run.manual.loss))}", " │ ",
                   config_text(run.config), " │ ", verdict]
    if pending is not None and pending != run.config:
        parts = [*parts[:-1], (f"computing {config_text(pending)} …", "bold $warning")]
    return Content.assemble(*parts)


class StatusLine(Widget):
    """One line at the bottom of the screen, above the footer."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Content("")

    def show(self, run: Run | None, cursor: int, pending: RunConfig | None,
             loading: str = "") -> None:
        """Show the run's status, or what is being loaded before there is a run."""
        if run is None:
            self.content = Content.styled(loading, "bold $warning")
        else:
            self.content = status(run, cursor, pending)
        self.refresh()   # one line of fixed height: no new layout needed

    def render(self) -> Content:
        """The status line."""
        return self.content
