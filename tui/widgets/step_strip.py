"""StepStrip: the step list on one line, for a narrow screen; the current step in the middle.

Below 100 columns the list cannot stand beside the step, and every row it took above
the step would be a row less for the grids: so it is laid out across, centred on the
current step, with an arrow at an end where more steps are hidden. Click a step to go
there, or an arrow to go to the nearest hidden step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.widget import Widget

from tui.widgets.step_list import StepList, step_label

if TYPE_CHECKING:
    from backprop.steps import Step

GAP = 2   # columns between two steps
END = 2   # columns of the arrow at each end ("‹ ", " ›")


class StepStrip(Widget):
    """Steps side by side on one line, as many as fit, the highlighted one centred."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels: list[Content] = []
        self.highlighted: int | None = None
        self._spans: list[tuple[int, int, int]] = []   # (first x, last x + 1, step) drawn

    def show_steps(self, steps: Sequence[Step]) -> None:
        """Replace the steps with those of a new run."""
        self._labels = [step_label(step, len(steps), pad=False) for step in steps]
        if self.highlighted is not None and self.highlighted >= len(steps):
            self.highlighted = None
        self.refresh()

    def highlight(self, index: int | None) -> None:
        """Centre the strip on step `index` and highlight it."""
        if index != self.highlighted:
            self.highlighted = index
            self.refresh()   # one line: redrawn whole

    def window(self, width: int) -> tuple[int, int]:
        """The steps [first, last) that fit in `width` between the arrows."""
        if not self._labels:
            return 0, 0
        current = min(self.highlighted or 0, len(self._labels) - 1)
        room = width - 2 * END
        first, last = current, current + 1
        used = self._labels[current].cell_length + 2   # the highlight has a space each side
        grew = True
        while grew:
            grew = False
            for side in (1, -1):   # one step after, then one before, while they fit
                index = last if side == 1 else first - 1
                if 0 <= index < len(self._labels):
                    cost = self._labels[index].cell_length + GAP
                    if used + cost <= room:
                        used += cost
                        first, last = min(first, index), max(last, index + 1)
                        grew = True
        return first, last

    def render(self) -> Content:
        """The steps in the window, the highlighted one as a band, arrows at the ends."""
        width = self.size.width
        first, last = self.window(width)
        more = last < len(self._labels)
        parts: list = [("‹ " if first else " " * END, "bold")]
        self._spans = [(0, END, first - 1)] if first else []
        x = END
        for index in range(first, last):
            label = self._labels[index]
            if index > first:
                parts.append(" " * GAP)
                x += GAP
            if index == self.highlighted:   # a band, a space wider each side
                label = Content.assemble(" ", label, " ").stylize_before(StepList.HIGHLIGHT)
            self._spans.append((x, x + label.cell_length, index))
            parts.append(label)
            x += label.cell_length
        if more:
            self._spans.append((width - END, width, last))
        parts.append(" " * max(0, width - END - x))
        return Content.assemble(*parts, (" ›" if more else "", "bold"))

    def on_click(self, event: events.Click) -> None:
        """Go to the step under the mouse, or the nearest hidden one at an end."""
        for start, end, index in self._spans:
            if start <= event.x < end and 0 <= index < len(self._labels):
                self.post_message(StepList.Chosen(index))
                return
