"""Tensors as grids of coloured cells, and how the grids of one step share a pane.

A step has three grids: the hand-written value, autograd's and their difference. When
all three fit (stacked or side by side) they are all shown; otherwise one at a time,
the one `view` names. Numbers are shown while a grid fits the width; a wider grid
(d = 64) falls back to colour-only cells and scrolls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content

from tui.cells import NUMBER_WIDTH, Scale, compact, mask_style

VIEWS = ("hand-written", "autograd", "difference")
NUMBER_CELL = NUMBER_WIDTH + 1   # a number right-aligned in its cell, one space before it
TINY_CELL = 2                    # a colour-only cell
GAP = 2                          # columns between grids placed side by side


@dataclass(frozen=True)
class Block:
    """One grid to draw: a title and the values (floats, or bools for a ReLU mask)."""

    title: str
    rows: list[list[float]] | list[list[bool]]
    scale: Scale | None          # None for a mask
    short: tuple[str, ...] = ()  # shorter titles, longest first, for a narrow grid

    def title_for(self, width: int) -> str:
        """The longest of the titles that fits in `width` (the shortest, cut, if none does)."""
        titles = (self.title, *self.short)
        return next((t for t in titles if len(t) <= width), titles[-1][:max(width, 1)])


def blocks_for(manual: list[list], autograd: list[list], is_mask: bool, log: bool) -> list[Block]:
    """The three grids of a step, in VIEWS order; the two passes share one scale."""
    if is_mask:
        diff = [[a != b for a, b in zip(ra, rb, strict=True)]
                for ra, rb in zip(manual, autograd, strict=True)]
        return [Block("hand-written", manual, None), Block("autograd", autograd, None),
                Block("difference (on where they differ)", diff, None,
                      ("on where they differ", "difference"))]
    scale = Scale.of(manual + autograd, log)
    diff = [[_difference(a, b) for a, b in zip(ra, rb, strict=True)]
            for ra, rb in zip(manual, autograd, strict=True)]
    return [Block("hand-written", manual, scale), Block("autograd", autograd, scale),
            Block("difference: hand-written − autograd", diff, Scale.of(diff, log),
                  ("hand-written − autograd", "difference"))]


def _difference(a: float, b: float) -> float:
    """a - b; nan where either is inf or nan: such entries cannot be compared (even inf
    against the same inf), and the grid draws them in magenta like the values."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.nan
    return a - b


def _columns(block: Block, numbers: bool, wrap: int) -> tuple[int, int, int]:
    """(cells per line, lines per row of the tensor, label width) for `block` at `wrap`."""
    rows, cols = len(block.rows), len(block.rows[0])
    cell = NUMBER_CELL if numbers else TINY_CELL
    label = len(str(max(rows, cols))) + 1
    if rows == 1:   # a row vector wraps; each line is labelled with its first index
        per_line = max(1, min(cols, (wrap - label) // cell))
        return per_line, math.ceil(cols / per_line), label
    return cols, 1, label


def block_size(block: Block, numbers: bool, wrap: int) -> tuple[int, int]:
    """(width, height) of `block` drawn with numbers or colour-only cells."""
    per_line, lines, label = _columns(block, numbers, wrap)
    cell = NUMBER_CELL if numbers else TINY_CELL
    rows = len(block.rows)
    header = 1 if rows > 1 else 0
    width = max(label + per_line * cell, len(block.title_for(wrap)))
    return width, 1 + header + rows * lines


def render_block(block: Block, numbers: bool, wrap: int, title: bool = True) -> list[Content]:
    """The lines of one grid: a title, column numbers for a matrix, then the cells."""
    per_line, _, label = _columns(block, numbers, wrap)
    cell = NUMBER_CELL if numbers else TINY_CELL
    rows = block.rows
    lines = [Content.styled(block.title_for(wrap), "bold")] if title else []
    if len(rows) > 1:
        lines.append(_header(len(rows[0]), label, cell, numbers))
    for i, row in enumerate(rows, start=1):
        for start in range(0, len(row), per_line):
            name = str(i) if len(rows) > 1 else str(start + 1)
            parts: list = [(name.rjust(label - 1) + " ", "dim")]
            for value in row[start:start + per_line]:
                parts.append(_cell(value, block.scale, cell, numbers))
            lines.append(Content.assemble(*parts))
    return lines


def _cell(value: float | bool, scale: Scale | None, cell: int, numbers: bool) -> tuple:
    if scale is None:
        text = ("on" if value else "off") if numbers else ""
        return text.rjust(cell), mask_style(bool(value))
    text = compact(float(value)) if numbers else ""
    return text.rjust(cell), scale.style(float(value))


def _header(cols: int, label: int, cell: int, numbers: bool) -> Content:
    """Column numbers: every column's with numbers; every tenth's with colour-only cells."""
    if numbers:
        text = "".join(str(j).rjust(cell) for j in range(1, cols + 1))
    else:
        marks = [" " * cell] * cols
        for j in range(1, cols + 1):
            if j == 1 or j % 10 == 0:
                marks[j - 1] = str(j).ljust(cell)[:cell] if j < 100 else "·".ljust(cell)
        text = "".join(marks)
    return Content.styled(" " * label + text, "dim")


@dataclass(frozen=True)
class Arrangement:
    """The lines to draw and whether only one of the three grids is among them."""

    lines: list[Content]
    one_at_a_time: bool
    numbers: bool
    # (line of a matrix's column numbers, last line of its grid): the numbers stay in view
    # while the grid below them is scrolled.
    headers: tuple[tuple[int, int], ...] = ()


def arrange(blocks: list[Block], view: int, width: int, height: int) -> Arrangement:
    """Fit the grids in width x height: all three if they fit, else blocks[view] alone."""
    width, height = max(width, 8), max(height, 1)
    side_wrap = max(8, (width - 2 * GAP) // len(blocks))
    matrix = len(blocks[0].rows) > 1
    for numbers in (True, False):
        sizes = [block_size(b, numbers, width) for b in blocks]
        if max(w for w, _ in sizes) <= width and sum(h for _, h in sizes) + 2 <= height:
            rendered = [render_block(b, numbers, width) for b in blocks]
            return Arrangement(_stack(rendered), False, numbers, _stacked_headers(rendered)
                               if matrix else ())
        sizes = [block_size(b, numbers, side_wrap) for b in blocks]
        if (sum(w for w, _ in sizes) + GAP * (len(blocks) - 1) <= width
                and max(h for _, h in sizes) <= height):
            rendered = [render_block(b, numbers, side_wrap) for b in blocks]
            lines = _side_by_side(rendered, [w for w, _ in sizes])
            return Arrangement(lines, False, numbers, ((1, len(lines) - 1),) if matrix else ())
        if numbers and block_size(blocks[view], True, width)[0] <= width:
            lines = render_block(blocks[view], True, width, title=False)
            return Arrangement(lines, True, True, ((0, len(lines) - 1),) if matrix else ())
    # One grid at a time: the caption above names it, so the grid has no title of its own.
    lines = render_block(blocks[view], False, width, title=False)
    return Arrangement(lines, True, False, ((0, len(lines) - 1),) if matrix else ())


def _stacked_headers(rendered: list[list[Content]]) -> tuple[tuple[int, int], ...]:
    """The header spans of grids stacked by _stack: title, column numbers, rows; a blank."""
    spans, top = [], 0
    for block in rendered:
        spans.append((top + 1, top + len(block) - 1))
        top += len(block) + 1
    return tuple(spans)


def _stack(rendered: list[list[Content]]) -> list[Content]:
    lines: list[Content] = []
    for block in rendered:
        if lines:
            lines.append(Content(""))
        lines.extend(block)
    return lines


def _side_by_side(rendered: list[list[Content]], widths: list[int]) -> list[Content]:
    height = max(len(block) for block in rendered)
    lines = []
    for y in range(height):
        parts: list = []
        for x, (block, width) in enumerate(zip(rendered, widths, strict=True)):
            line = block[y] if y < len(block) else Content("")
            if x < len(rendered) - 1:
                line = line.pad_right(width + GAP - line.cell_length)
            parts.append(line)
        lines.append(Content.assemble(*parts))
    return lines
