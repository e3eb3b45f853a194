"""StepList: every step of the run, the current one highlighted; click one to go there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from backprop.steps import Step

ARROWS = {"forward": "→", "loss": "●", "backward": "←"}


def step_label(step: Step, total: int) -> Content:
    """`  3 → z_1`; a step whose passes disagree is marked with a red cross."""
    mark = ("  ", "") if step.agreement.agree else (" ✗", "bold red")
    return Content.assemble(
        (f"{step.index + 1:>{len(str(total))}} ", "dim"),
        (ARROWS[step.phase] + " ", "dim" if step.phase != "loss" else "bold"),
        step.symbol, mark)


class StepList(OptionList):
    """All steps in order; the screen moves the highlight, a click chooses a step."""

    can_focus = False   # the step keys belong to the screen, not to this list

    def show_steps(self, steps: Sequence[Step]) -> None:
        """Replace the list with the steps of a new run."""
        highlighted = self.highlighted
        self.set_options(Option(step_label(step, len(steps))) for step in steps)
        if highlighted is not None and steps:
            self.highlighted = min(highlighted, len(steps) - 1)

    def move_to(self, index: int) -> None:
        """Highlight step `index` and keep it in view."""
        if 0 <= index < self.option_count:
            self.highlighted = index
