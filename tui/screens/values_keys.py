"""ValuesKeys: the values pane's keys, and the entry under its cell cursor.

A mixin of StepScreen (and so of the check's screen): when the grid has the focus the step
info shows the entry's two values in full and its formula with the run's numbers; `y`
copies the entry, `Y` the grid shown, `I` scrolls the step's inputs into view, the page
keys scroll the pane and escape gives the arrow keys back to stepping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import ScrollableContainer

from tui.entry_text import entry_copy, entry_lines
from tui.grid import VIEWS
from tui.widgets.step_info import StepInfo
from tui.widgets.values import ValuesView

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App

    from backprop.entry import Entry
    from backprop.inputs import Inputs
    from backprop.run import Run
    from backprop.steps import Step

TALL = 30   # from this many rows the step info lists a sum's terms on three lines, not two


class ValuesKeys:
    """The values pane's keys; the entry under the cell cursor, shown and copied."""

    app: App
    notify: Callable[..., None]
    cursor: int
    view: int
    query_one: Callable
    set_focus: Callable
    run: Run | None

    def entry_inputs(self, step: Step) -> Inputs:
        """The tensors the formula of `step`'s entries reads (the run's own)."""
        from backprop.inputs import step_inputs

        assert self.run is not None
        return step_inputs(self.run, step)

    def current_entry(self) -> Entry | None:
        """The entry under the cell cursor of the current step (even while it is hidden)."""
        from backprop.entry import entry, grid_shape

        cell = self.query_one(ValuesView).cell
        if self.run is None or cell is None:
            return None
        step = self.run.steps[self.cursor]
        rows, cols = grid_shape(step.manual)   # the grid may still show the step before
        return entry(step, self.entry_inputs(step), min(cell[0], rows - 1),
                     min(cell[1], cols - 1))

    def show_entry(self) -> None:
        """The step info shows the entry under the cursor while the grid has the focus."""
        info = self.query_one(StepInfo)
        values = self.query_one(ValuesView)
        found = self.current_entry() if values.has_focus else None
        if found is None:
            info.show_entry(None)
            return
        term_lines = 3 if self.app.size.height >= TALL else 2
        width = info.content_region.width or 78
        info.show_entry(entry_lines(found, width, term_lines))

    def on_cell_cursor_cell_moved(self, message: ValuesView.CellMoved) -> None:
        """The cursor moved, or was shown or hidden: the step info follows (a handler by
        name: `@on` is not seen on a mixin that is not a widget)."""
        self.show_entry()

    def action_copy_entry(self) -> None:
        """Copy the entry under the cell cursor: both values and every term, in full."""
        found = self.current_entry()
        if found is None:
            self.notify("No step is shown yet: nothing to copy.")
            return
        self.app.copy_to_clipboard(entry_copy(found))
        terms = f", its formula and {len(found.terms)} terms" if found.is_sum else \
            " and its formula"
        self.notify(f"Copied {found.symbol}: both passes' values (every digit){terms}.",
                    title="Copied")

    def action_copy_grid(self) -> None:
        """Copy the grid chosen with v as tab-separated text, every digit."""
        from tui.grid_text import grid_copy

        if self.run is None:
            self.notify("No step is shown yet: nothing to copy.")
            return
        step = self.run.steps[self.cursor]
        text, shape = grid_copy(step, self.view)
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {VIEWS[self.view]} grid of {step.symbol} ({shape}) as "
                    "tab-separated text (v chooses the grid).", title="Copied")

    def action_scroll_values(self, pages: int) -> None:
        """Scroll the values pane by `pages` pages."""
        pane = self.query_one("#values-pane", ScrollableContainer)
        pane.scroll_to(y=pane.scroll_y + pages * pane.scrollable_content_region.height,
                       animate=False)

    def action_unfocus(self) -> None:
        """Give the focus back to the steps: the arrow keys step again."""
        self.set_focus(None)

    def action_inputs(self) -> None:
        """Scroll the step's inputs into view; again, back to its grids."""
        values = self.query_one(ValuesView)
        pane = self.query_one("#values-pane", ScrollableContainer)
        top = values.inputs_top
        if top is None:
            self.notify("This step has no inputs to show.")
            return
        pane.scroll_to(y=0 if round(pane.scroll_y) >= min(top, pane.max_scroll_y) > 0 else top,
                       animate=False)
