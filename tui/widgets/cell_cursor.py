"""CellCursor: a cursor over the cells of the values grids, moved by the arrow keys or a click.

A mixin of ValuesView. The cell is drawn reversed in every grid shown (both passes and their
difference); a move repaints only the rows it leaves and enters, never the layout, and says
where it is with a `CellMoved` message, for the screen to show the entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.geometry import Region, Spacing
from textual.message import Message
from textual.style import Style
from textual.widget import Widget

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.content import Content

    from tui.grid import Arrangement, Block

CURSOR = Style(reverse=True, bold=True)


def _move(key: str, rows: int, cols: int, name: str, text: str) -> Binding:
    return Binding(key, f"move_cell({rows}, {cols})", text, show=False, id=f"gradtui.{name}")


CURSOR_BINDINGS = (
    _move("up", -1, 0, "cell-up", "cell cursor up"),
    _move("down", 1, 0, "cell-down", "cell cursor down"),
    _move("left", 0, -1, "cell-left", "cell cursor left"),
    _move("right", 0, 1, "cell-right", "cell cursor right"),
)


class CellCursor:
    """The cell under the cursor, where it is drawn, and the keys and clicks that move it."""

    wish: tuple[int, int] = (0, 0)   # the cell asked for; a smaller grid shows it clamped
    arrangement: Arrangement | None
    _blocks: list[Block]
    has_focus: bool
    parent: object
    size: object
    virtual_region: Region
    _lines: Callable[[], list[Content]]
    sticky: Callable[[int], int]
    refresh: Callable
    post_message: Callable

    class CellMoved(Message):
        """The cell cursor is on (row, col) of the step's grid; None: it is hidden."""

        def __init__(self, cell: tuple[int, int] | None) -> None:
            super().__init__()
            self.cell = cell

    @property
    def grid_shape(self) -> tuple[int, int]:
        """(rows, columns) of the step's grids; (0, 0) before a step is shown."""
        if not self._blocks:
            return 0, 0
        rows = self._blocks[0].rows
        return len(rows), len(rows[0])

    @property
    def cell(self) -> tuple[int, int] | None:
        """The entry under the cursor (0-based), the wish clamped to this step's grid."""
        rows, cols = self.grid_shape
        if not rows:
            return None
        return min(self.wish[0], rows - 1), min(self.wish[1], cols - 1)

    def cursor_lines(self) -> list[int]:
        """The widget's lines that show the cursor's cell (one per grid shown)."""
        return sorted(self._cursor_spots())

    def _cursor_spots(self) -> dict[int, list[tuple[int, int]]]:
        """(x, width) of the cursor's cell on each line of the widget that shows it."""
        cell = self.cell
        if cell is None or self.arrangement is None:
            return {}
        self._lines()
        spots: dict[int, list[tuple[int, int]]] = {}
        for place in self.arrangement.places:
            line, x = place.spot(*cell)
            spots.setdefault(line + 1, []).append((x, place.shape.cell))   # under the caption
        return spots

    def _refresh_cursor(self) -> None:
        """Repaint only the rows the cursor's cell is on (a step's layout stays)."""
        width = max(self.size.width, 1)
        for line in self._cursor_spots():
            self.refresh(Region(0, line, width, 1))
            top = round(self.parent.scroll_y) if isinstance(self.parent, Widget) else 0
            if line != top:
                self.refresh(Region(0, top, width, 1))   # a sticky header may cover it

    def _scroll_to_cell(self) -> None:
        """Scroll the pane so that the cursor's cell is in view, below a sticky header."""
        spots = self._cursor_spots()
        parent = self.parent
        if not spots or not isinstance(parent, Widget):
            return
        line = min(spots)
        x, cells = spots[line][0]
        offset = self.virtual_region.offset
        parent.scroll_to_region(Region(offset.x + x, offset.y + line, cells, 1),
                                spacing=Spacing(1, 0, 0, 0), animate=False, immediate=True)

    def move_to(self, row: int, col: int) -> None:
        """Put the cursor on (row, col), clamped to the grid."""
        rows, cols = self.grid_shape
        if not rows:
            return
        self._refresh_cursor()
        self.wish = (max(0, min(row, rows - 1)), max(0, min(col, cols - 1)))
        self._refresh_cursor()
        self._scroll_to_cell()
        self.post_message(self.CellMoved(self.cell))

    def action_move_cell(self, rows: int, cols: int) -> None:
        """Move the cursor by (rows, cols) from where it is shown."""
        cell = self.cell
        if cell is not None:
            self.move_to(cell[0] + rows, cell[1] + cols)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A press on an entry puts the cursor there. Read at the press, not at the click:
        the focus it brings grows the step info, and the grid moves down under the mouse."""
        found = self.entry_at(event.x, event.y)
        if found is not None:
            self.move_to(*found)

    def entry_at(self, x: int, y: int) -> tuple[int, int] | None:
        """The entry drawn at (x, y) of the widget, or None."""
        if self.arrangement is None or not 0 <= y < len(self._lines()) or self.sticky(y) != y:
            return None
        for place in self.arrangement.places:
            found = place.entry_at(y - 1, x)
            if found is not None:
                return found
        return None

    def on_focus(self) -> None:
        """Show the cursor, and say where it is."""
        self._refresh_cursor()
        self._scroll_to_cell()
        self.post_message(self.CellMoved(self.cell))

    def on_blur(self) -> None:
        """Hide the cursor."""
        self._refresh_cursor()
        self.post_message(self.CellMoved(None))
