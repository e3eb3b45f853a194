"""Navigation: the keys that move through the steps, and those that change how one is shown.

A mixin of StepScreen: each action moves `cursor` or changes `view` / `log_scale`, and
StepScreen's watchers redraw what changed. Nothing here touches the run itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop.config import RunConfig
from tui.grid import VIEWS

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App

    from backprop.run import Run


class Navigation:
    """Next, previous, first, last, a phase, a layer; the grid shown and its colour scale."""

    app: App
    notify: Callable[..., None]
    config: RunConfig
    run: Run | None
    cursor: int
    view: int
    log_scale: bool
    last_search: str = ""

    def _goto(self, index: int) -> None:
        if self.run is not None:
            self.cursor = max(0, min(index, len(self.run.steps) - 1))

    def action_step(self, delta: int) -> None:
        """Move `delta` steps forward or back."""
        self._goto(self.cursor + delta)

    def action_go(self, index: int) -> None:
        """Go to step `index`; -1 is the last."""
        if self.run is not None:
            self._goto(index % len(self.run.steps))

    def action_phase(self, phase: str) -> None:
        """Go to the first step of the forward or the backward pass."""
        if self.run is not None:
            self._goto(next(s.index for s in self.run.steps if s.phase == phase))

    def action_jump_layer(self) -> None:
        """Ask for a layer, then go to it."""
        from tui.screens.number_dialog import NumberDialog

        layers = self.config.layers
        current = self.run.steps[self.cursor].layer if self.run else None
        self.app.push_screen(NumberDialog(f"Go to layer (1..{layers}):", 1, layers, current),
                             self.go_to_layer)

    def go_to_layer(self, layer: int | None, phase: str | None = None) -> None:
        """Go to z_k (forward) or delta_k (backward) of `layer`; the phase defaults to the
        current one."""
        if layer is None or self.run is None:
            return
        if phase is None:
            phase = "backward" if self.run.steps[self.cursor].phase == "backward" else "forward"
        tag = "z" if phase == "forward" else "delta"
        for step in self.run.steps:
            if step.tag == tag and step.layer == layer:
                self.cursor = step.index
                return

    def action_next_different(self, direction: int) -> None:
        """Go to the next (1) or previous (-1) step whose passes differ or cannot be compared."""
        from tui.agreement import state

        if self.run is None:
            return
        steps = self.run.steps
        order = range(self.cursor + 1, len(steps)) if direction > 0 else range(
            self.cursor - 1, -1, -1)
        found = next((i for i in order if state(steps[i].agreement) != "agree"), None)
        if found is None:
            where = "after" if direction > 0 else "before"
            self.notify(f"No step {where} this one differs or is not comparable.",
                        title="Every step agrees")
            return
        self.cursor = found

    def action_search(self) -> None:
        """Ask for a piece of a step's name, then go to the next step that has it."""
        from tui.screens.search_dialog import SearchDialog

        self.app.push_screen(SearchDialog(self.last_search), self.search)

    def search(self, text: str | None) -> None:
        """Go to the next step after the cursor (wrapping) whose symbol or title has `text`."""
        if text is None or self.run is None:
            return
        self.last_search = text
        steps, wanted = self.run.steps, text.casefold()
        order = [*range(self.cursor + 1, len(steps)), *range(self.cursor + 1)]
        found = next((i for i in order
                      if wanted in f"{steps[i].symbol} {steps[i].title}".casefold()), None)
        if found is None:
            self.notify(f"No step is named with {text!r}.", title="Not found",
                        severity="warning")
        else:
            self.cursor = found

    def action_cycle_view(self) -> None:
        """Show the next of hand-written / autograd / difference."""
        self.view = (self.view + 1) % len(VIEWS)

    def action_toggle_log(self) -> None:
        """Switch the colour scale between linear and log10 |value|."""
        self.log_scale = not self.log_scale
