"""StepList: every step of the run, the current one highlighted; click one to go there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.message import Message

from tui.agreement import MARKS, state
from tui.widgets.line_list import LineList

if TYPE_CHECKING:
    from backprop.steps import Step

ARROWS = {"forward": "→", "loss": "●", "backward": "←"}


def step_label(step: Step, total: int, pad: bool = True) -> Content:
    """`  3 → z_1  `: the index (right-aligned to `total` when `pad`), the phase, the symbol,
    and the mark of a step whose passes differ (✗) or cannot be compared (?)."""
    mark, style = MARKS[state(step.agreement)]
    number = f"{step.index + 1:>{len(str(total)) if pad else 0}} "
    return Content.assemble(
        (number, "dim"),
        (ARROWS[step.phase] + " ", "dim" if step.phase != "loss" else "bold"),
        step.symbol, (f" {mark}" if pad or mark.strip() else "", style))


class StepList(LineList):
    """All steps in order; the screen moves the highlight, a click chooses a step."""

    HIGHLIGHT = "bold on $primary 60%"

    class Chosen(Message):
        """A step was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def show_steps(self, steps: Sequence[Step]) -> None:
        """Replace the list with the steps of a new run."""
        self.set_lines([step_label(step, len(steps)) for step in steps])

    def on_click(self, event: events.Click) -> None:
        """Go to the step under the mouse."""
        if 0 <= event.y < len(self._lines):
            self.post_message(self.Chosen(event.y))
