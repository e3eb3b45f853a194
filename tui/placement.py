"""Where each entry of a grid is drawn: its line and column, and the entry under a click.

A grid is a title, column numbers, then one line per row of a matrix; a row vector wraps,
each of its lines under numbers of its own. `Place` records where one grid of a step was
put in the pane's lines, so that a cell cursor can be drawn on it and a click found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    """How one grid is cut into lines: cells per line, lines per row, the row-label width."""

    rows: int
    cols: int
    per_line: int
    lines: int     # lines of cells per row of the tensor (a row vector wraps)
    label: int     # columns of the row labels, with the space after them
    cell: int      # columns of one cell

    @property
    def header(self) -> int:
        """Lines of column numbers above each line of cells: a single number has none."""
        return 0 if self.rows == 1 and self.cols == 1 else 1

    @property
    def height(self) -> int:
        """Lines of the cells and their column numbers (the title not counted)."""
        if self.rows > 1:
            return 1 + self.rows
        return self.lines * (1 + self.header)


def shape_of(rows: int, cols: int, cell: int, wrap: int) -> Shape:
    """The lines a rows x cols grid of `cell`-wide cells takes within `wrap` columns."""
    label = len(str(max(rows, cols))) + 1
    if rows == 1:   # a row vector wraps; each line is labelled with its first index
        per_line = max(1, min(cols, (wrap - label) // cell))
        return Shape(rows, cols, per_line, math.ceil(cols / per_line), label, cell)
    return Shape(rows, cols, cols, 1, label, cell)


def spot(shape: Shape, row: int, col: int) -> tuple[int, int]:
    """(line below the title, column) of entry (row, col), both 0-based."""
    if shape.rows > 1:
        return 1 + row, shape.label + col * shape.cell
    chunk, within = divmod(col, shape.per_line)
    return chunk * (1 + shape.header) + shape.header, shape.label + within * shape.cell


def entry_at(shape: Shape, line: int, x: int) -> tuple[int, int] | None:
    """The entry drawn at (line below the title, column x), or None (a label, a header)."""
    within, offset = divmod(x - shape.label, shape.cell)
    if x < shape.label or line < 0:
        return None
    if shape.rows > 1:
        row = line - 1
        ok = 0 <= row < shape.rows and within < shape.cols
        return (row, within) if ok else None
    chunk, part = divmod(line, 1 + shape.header)
    col = chunk * shape.per_line + within
    ok = part == shape.header and within < shape.per_line and col < shape.cols
    return (0, col) if ok and offset >= 0 else None


@dataclass(frozen=True)
class Place:
    """One grid of the step (an index into its blocks) where the pane draws it."""

    block: int
    top: int       # the line of its title (or of its first line, when it has none)
    left: int      # the column it starts at
    shape: Shape
    title: bool

    def spot(self, row: int, col: int) -> tuple[int, int]:
        """(line, column) of entry (row, col) among the arrangement's lines."""
        line, x = spot(self.shape, row, col)
        return self.top + int(self.title) + line, self.left + x

    def entry_at(self, line: int, x: int) -> tuple[int, int] | None:
        """The entry of this grid drawn at (line, x) of the arrangement, if any."""
        if not self.left <= x < self.left + self.shape.label + self.shape.per_line * \
                self.shape.cell:
            return None
        return entry_at(self.shape, line - self.top - int(self.title), x - self.left)
