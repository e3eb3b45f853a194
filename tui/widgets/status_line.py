"""StatusLine: whether the whole run agrees, step i/N, the loss and the config.

The verdict comes first and is never cut: what does not fit on the line is dropped from
the right (the config, the loss, the step), and a recompute is named by what it changes.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from backprop.verdict import short_verdict

if TYPE_CHECKING:
    from backprop.config import RunConfig
    from backprop.run import Run

SEPARATOR = " │ "


def config_text(config: RunConfig) -> str:
    """The config in one short line: `K=10 d=10 seed=2 randn float32 draw=0`."""
    batch = f" batch={config.batch}" if config.batch != 1 else ""
    return (f"K={config.K} d={config.d}{batch} seed={config.seed} {config.init} "
            f"{config.dtype} draw={config.draw}")


def change_text(old: RunConfig, new: RunConfig) -> str:
    """What `new` changes in `old`, in config_text's words: `seed=7`, `kaiming`."""
    words = []
    for field in dataclasses.fields(new):
        value = getattr(new, field.name)
        if value != getattr(old, field.name):
            words.append(value if field.name in ("init", "dtype") else f"{field.name}={value}")
    return " ".join(words) or config_text(new)


def status_parts(run: Run, cursor: int, pending: RunConfig | None) -> list[list[Content]]:
    """The parts of the status line, most important first (verdict, recompute, step, loss,
    config), each as its forms from the longest to the shortest."""
    from backprop.compare import significant  # imports torch: only once a run exists

    words, good = short_verdict(run)
    parts = [[Content.styled(words, "$success" if good else "bold $error")]]
    if pending is not None and pending != run.config:
        parts.append([Content.styled(text, "bold $warning") for text in (
            f"computing {change_text(run.config, pending)} …", "computing …")])
    parts += [[Content.styled(f"step {cursor + 1}/{len(run.steps)}", "bold")],
              [Content(f"L {significant(float(run.manual.loss))}")],
              [Content(config_text(run.config))]]
    return parts


def fit(parts: list[list[Content]], width: int) -> Content:
    """Parts in order, each in its longest form that fits in `width`, until one does not;
    the first is kept whatever its length."""
    kept = [parts[0][0]] if parts else []
    used = kept[0].cell_length if kept else 0
    for forms in parts[1:]:
        form = next((f for f in forms if used + len(SEPARATOR) + f.cell_length <= width), None)
        if form is None:
            break
        kept.append(form)
        used += len(SEPARATOR) + form.cell_length
    return Content(SEPARATOR).join(kept)


def status(run: Run, cursor: int, pending: RunConfig | None, width: int = 1000) -> Content:
    """The status line for `run` at step `cursor` in `width` columns; `pending` is a config
    being computed."""
    return fit(status_parts(run, cursor, pending), width)


class StatusLine(Widget):
    """One line at the bottom of the screen, above the footer."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: list[list[Content]] = []

    def show(self, run: Run | None, cursor: int, pending: RunConfig | None,
             loading: str = "") -> None:
        """Show the run's status, or what is being loaded before there is a run."""
        if run is None:
            self.parts = [[Content.styled(loading, "bold $warning")]]
        else:
            self.parts = status_parts(run, cursor, pending)
        self.refresh()   # one line of fixed height: no new layout needed

    def render(self) -> Content:
        """The status line, fitted to the width."""
        return fit(self.parts, self.content_size.width or 1000)
